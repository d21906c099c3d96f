#include "models/lag_tracker.h"

#include <QSet>

#include <vector>

namespace kappa::console {

std::optional<TaskName> parseTaskName(const QString &task)
{
    const qsizetype slash = task.indexOf(QLatin1Char('/'));
    const QString jobVersion = slash < 0 ? task : task.left(slash);
    const qsizetype at = jobVersion.indexOf(QLatin1Char('@'));
    if (at <= 0 || at == jobVersion.size() - 1)
        return std::nullopt;
    return TaskName{jobVersion.left(at), jobVersion.mid(at + 1), slash < 0 ? QString() : task.mid(slash + 1)};
}

LagTracker::LagTracker(int windowSize)
    : m_windowSize(std::max(windowSize, 2))
{}

void LagTracker::clear()
{
    m_tracks.clear();
    m_nowMs = 0;
}

void LagTracker::add(const MetricsSnapshot &snapshot)
{
    m_nowMs = std::max(m_nowMs, snapshot.timeMs);
    QSet<QString> running;
    for (const StreamVersion &version : snapshot.versions)
        running.insert(version.job + QLatin1Char('@') + version.version);
    for (auto it = m_tracks.begin(); it != m_tracks.end();) {
        if (running.contains(it->job + QLatin1Char('@') + it->version))
            ++it;
        else
            it = m_tracks.erase(it);
    }

    for (const StreamTask &task : snapshot.tasks) {
        const std::optional<TaskName> name = parseTaskName(task.task);
        if (!name)
            continue;
        Track &track = m_tracks[task.task];
        track.job = name->job;
        track.version = name->version;
        if (!task.position) {
            track.samples.clear();
            track.hasPosition = false;
            continue;
        }
        track.hasPosition = true;
        if (!track.samples.empty()) {
            if (snapshot.timeMs <= track.samples.back().timeMs)
                continue; // replayed or out of order: already seen
            if (*task.position < track.samples.back().position)
                track.samples.clear(); // resumed from a checkpoint: a new incarnation
        }
        track.samples.push_back(LagSample{snapshot.timeMs, *task.position, task.lagRecords});
        while (track.samples.size() > static_cast<std::size_t>(m_windowSize))
            track.samples.pop_front();
    }
}

PartitionLag LagTracker::evaluateTask(const QString &task) const
{
    const auto it = m_tracks.constFind(task);
    if (it == m_tracks.constEnd() || !it->hasPosition)
        return PartitionLag::Unknown;
    const std::vector<LagSample> samples(it->samples.begin(), it->samples.end());
    return evaluatePartition(samples, m_nowMs, m_windowSize);
}

QHash<QString, PartitionLag> LagTracker::evaluateTasks(const QString &job, const QString &version) const
{
    QHash<QString, PartitionLag> out;
    for (auto it = m_tracks.constBegin(); it != m_tracks.constEnd(); ++it)
        if (it->job == job && it->version == version)
            out.insert(it.key(), evaluateTask(it.key()));
    return out;
}

VersionLagEvaluation LagTracker::evaluateVersion(const QString &job, const QString &version) const
{
    VersionLagEvaluation result;
    std::vector<PartitionLag> lags;
    const QHash<QString, PartitionLag> tasks = evaluateTasks(job, version);
    for (auto it = tasks.constBegin(); it != tasks.constEnd(); ++it) {
        const PartitionLag lag = it.value();
        lags.push_back(lag);
        if (!m_tracks.value(it.key()).hasPosition)
            ++result.noPosition;
        switch (lag) {
        case PartitionLag::Unknown: ++result.unknown; break;
        case PartitionLag::Ok: ++result.ok; break;
        case PartitionLag::Lagging: ++result.lagging; break;
        case PartitionLag::Stalled: ++result.stalled; break;
        case PartitionLag::Stopped: ++result.stopped; break;
        }
    }
    result.status = worstStatus(lags);
    return result;
}

QStringList LagTracker::tasks(const QString &job, const QString &version) const
{
    QStringList out;
    for (auto it = m_tracks.constBegin(); it != m_tracks.constEnd(); ++it)
        if (it->job == job && it->version == version)
            out.append(it.key());
    out.sort();
    return out;
}

QList<LagSample> LagTracker::samples(const QString &task) const
{
    const auto it = m_tracks.constFind(task);
    return it == m_tracks.constEnd() ? QList<LagSample>()
                                     : QList<LagSample>(it->samples.begin(), it->samples.end());
}

} // namespace kappa::console
