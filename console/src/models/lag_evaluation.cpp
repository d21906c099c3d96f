#include "models/lag_evaluation.h"

#include <QCoreApplication>

#include <algorithm>

namespace kappa::console {

PartitionLag evaluatePartition(std::span<const LagSample> samples, qint64 nowMs, int windowSize)
{
    windowSize = std::max(windowSize, 2);
    const std::span<const LagSample> window = samples.last(
        std::min(samples.size(), static_cast<std::size_t>(windowSize)));
    if (window.empty())
        return PartitionLag::Unknown;
    if (std::any_of(window.begin(), window.end(), [](const LagSample &s) { return s.lagRecords == 0; }))
        return PartitionLag::Ok;
    if (window.size() < static_cast<std::size_t>(windowSize))
        return PartitionLag::Unknown;
    const LagSample &oldest = window.front();
    const LagSample &newest = window.back();
    if (nowMs - newest.timeMs > newest.timeMs - oldest.timeMs)
        return PartitionLag::Stopped;
    bool moved = false;
    bool shrank = false;
    for (std::size_t i = 1; i < window.size(); ++i) {
        moved = moved || window[i].position != window[i - 1].position;
        shrank = shrank || window[i].lagRecords < window[i - 1].lagRecords;
    }
    if (!moved)
        return PartitionLag::Stalled;
    if (!shrank)
        return PartitionLag::Lagging;
    return PartitionLag::Ok;
}

LagStatus statusOf(PartitionLag lag)
{
    switch (lag) {
    case PartitionLag::Unknown: return LagStatus::Unknown;
    case PartitionLag::Ok: return LagStatus::Ok;
    case PartitionLag::Lagging: return LagStatus::Warn;
    case PartitionLag::Stalled:
    case PartitionLag::Stopped: return LagStatus::Err;
    }
    return LagStatus::Unknown;
}

LagStatus worstStatus(std::span<const PartitionLag> lags)
{
    LagStatus worst = LagStatus::Unknown;
    for (PartitionLag lag : lags)
        worst = std::max(worst, statusOf(lag));
    return worst;
}

QString lagStatusText(LagStatus status)
{
    switch (status) {
    case LagStatus::Unknown: return QCoreApplication::translate("kappa::console::LagEvaluation", "unknown");
    case LagStatus::Ok: return QCoreApplication::translate("kappa::console::LagEvaluation", "OK");
    case LagStatus::Warn: return QCoreApplication::translate("kappa::console::LagEvaluation", "WARN");
    case LagStatus::Err: return QCoreApplication::translate("kappa::console::LagEvaluation", "ERR");
    }
    return {};
}

QString partitionLagText(PartitionLag lag)
{
    switch (lag) {
    case PartitionLag::Unknown:
        return QCoreApplication::translate("kappa::console::LagEvaluation", "unknown");
    case PartitionLag::Ok: return QCoreApplication::translate("kappa::console::LagEvaluation", "OK");
    case PartitionLag::Lagging:
        return QCoreApplication::translate("kappa::console::LagEvaluation", "lagging");
    case PartitionLag::Stalled:
        return QCoreApplication::translate("kappa::console::LagEvaluation", "stalled");
    case PartitionLag::Stopped:
        return QCoreApplication::translate("kappa::console::LagEvaluation", "stopped");
    }
    return {};
}

} // namespace kappa::console
