#include "models/dashboard_data.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace kappa::console {

TimeSeries downsample(const TimeSeries &points, int maxPoints)
{
    const qsizetype n = points.size();
    if (maxPoints < 3 || n <= maxPoints)
        return points;
    TimeSeries out;
    out.reserve(maxPoints);
    out.append(points.front());
    // The points between the first and the last, in maxPoints - 2 buckets.
    const double bucketSize = double(n - 2) / double(maxPoints - 2);
    qsizetype chosen = 0;
    for (int b = 0; b < maxPoints - 2; ++b) {
        const auto begin = static_cast<qsizetype>(std::floor(b * bucketSize)) + 1;
        const auto end = std::min(static_cast<qsizetype>(std::floor((b + 1) * bucketSize)) + 1, n - 1);
        // The next bucket's average (the last point for the last bucket) as the third corner.
        const auto nextBegin = end;
        const auto nextEnd = std::min(static_cast<qsizetype>(std::floor((b + 2) * bucketSize)) + 1, n);
        double avgX = 0;
        double avgY = 0;
        for (qsizetype i = nextBegin; i < nextEnd; ++i) {
            avgX += double(points[i].first);
            avgY += points[i].second;
        }
        const double count = double(std::max<qsizetype>(nextEnd - nextBegin, 1));
        avgX /= count;
        avgY /= count;
        const double ax = double(points[chosen].first);
        const double ay = points[chosen].second;
        double bestArea = -1;
        qsizetype best = begin;
        for (qsizetype i = begin; i < end; ++i) {
            const double area = std::abs((ax - avgX) * (points[i].second - ay)
                                         - (ax - double(points[i].first)) * (avgY - ay));
            if (area > bestArea) {
                bestArea = area;
                best = i;
            }
        }
        out.append(points[best]);
        chosen = best;
    }
    out.append(points.back());
    return out;
}

std::optional<double> percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    const double rank = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * double(values.size()));
    const qsizetype index = std::clamp<qsizetype>(static_cast<qsizetype>(rank) - 1, 0, values.size() - 1);
    return values[index];
}

SeriesBuffer::SeriesBuffer(int capacity)
    : m_capacity(std::max(capacity, 8))
{}

void SeriesBuffer::append(qint64 timeMs, double value)
{
    if (!m_points.isEmpty() && timeMs <= m_points.back().first)
        return;
    if (m_firstLiveMs < 0)
        m_firstLiveMs = timeMs;
    m_points.append({timeMs, value});
    if (m_points.size() > m_capacity)
        compact();
}

void SeriesBuffer::setHistory(const TimeSeries &history)
{
    TimeSeries merged;
    for (const auto &point : history) {
        if (m_firstLiveMs >= 0 && point.first >= m_firstLiveMs)
            break;
        if (merged.isEmpty() || point.first > merged.back().first)
            merged.append(point);
    }
    if (m_firstLiveMs >= 0) {
        const auto live = std::lower_bound(m_points.cbegin(), m_points.cend(), m_firstLiveMs,
                                           [](const auto &point, qint64 t) { return point.first < t; });
        merged.append(TimeSeries(live, m_points.cend()));
    }
    m_points = std::move(merged);
    if (m_points.size() > m_capacity)
        compact();
}

void SeriesBuffer::clear()
{
    m_points.clear();
    m_firstLiveMs = -1;
}

void SeriesBuffer::compact()
{
    const qsizetype keep = m_capacity / 2;
    const TimeSeries older = m_points.first(m_points.size() - keep);
    TimeSeries out = downsample(older, m_capacity / 4);
    out.append(m_points.last(keep));
    m_points = std::move(out);
}

TimeSeries combineRows(const HistoryInfo &history, Aggregation how,
                       const std::function<bool(const TaskHistory &)> &include)
{
    QList<const TaskHistory *> rows;
    for (const TaskHistory &row : history.tasks)
        if (!include || include(row))
            rows.append(&row);
    // Per second: each row's last sample in that second.
    std::map<qint64, QList<QPair<int, double>>> seconds;
    for (int r = 0; r < rows.size(); ++r)
        for (const auto &[timeMs, value] : rows[r]->samples)
            seconds[timeMs / 1000].append({r, value});
    TimeSeries out;
    QList<std::optional<double>> latest(rows.size());
    for (const auto &[second, values] : seconds) {
        for (const auto &[row, value] : values)
            latest[row] = value;
        double combined = 0;
        bool any = false;
        for (const std::optional<double> &value : latest) {
            if (!value)
                continue;
            combined = !any                      ? *value
                       : how == Aggregation::Sum ? combined + *value
                                                 : std::max(combined, *value);
            any = true;
        }
        out.append({second * 1000, combined});
    }
    return out;
}

bool isSourceStage(const QString &stage)
{
    return stage == QLatin1String("source") || stage == QLatin1String("route");
}

QList<CheckpointPoint> checkpointsFromHistory(const HistoryInfo &history)
{
    QList<CheckpointPoint> out;
    for (const TaskHistory &row : history.tasks) {
        for (qsizetype i = 1; i < row.samples.size(); ++i) {
            const double value = row.samples[i].second;
            if (value > 0 && value != row.samples[i - 1].second)
                out.append(CheckpointPoint{row.samples[i].first, value, row.task});
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const CheckpointPoint &a, const CheckpointPoint &b) { return a.timeMs < b.timeMs; });
    return out;
}

VersionDashboard::VersionDashboard(QString job, QString version, int capacity)
    : m_job(std::move(job))
    , m_version(std::move(version))
    , m_capacity(std::max(capacity, 8))
{
    m_series.fill(SeriesBuffer(m_capacity));
}

bool VersionDashboard::addSnapshot(const MetricsSnapshot &snapshot)
{
    for (const StreamVersion &v : snapshot.versions) {
        if (v.job != m_job || v.version != m_version)
            continue;
        const VersionFigures &f = v.figures;
        const qint64 t = snapshot.timeMs;
        m_series[int(DashboardSeries::LagRecords)].append(t, double(f.lagRecords));
        m_series[int(DashboardSeries::LagSeconds)].append(t, f.lagSeconds);
        m_series[int(DashboardSeries::InputRate)].append(t, f.inputRate);
        m_series[int(DashboardSeries::ProcessingRate)].append(t, f.processingRate);
        m_series[int(DashboardSeries::StateBytes)].append(t, double(f.stateBytes));
        m_figures = f;
        m_latestMs = std::max(m_latestMs, t);
        return true;
    }
    return false;
}

void VersionDashboard::addHistory(const HistoryInfo &history)
{
    if (history.job != m_job || history.version != m_version)
        return;
    auto set = [this](DashboardSeries series, const TimeSeries &points) {
        m_series[int(series)].setHistory(points);
    };
    const auto source = [](const TaskHistory &row) { return isSourceStage(row.stage); };
    switch (history.series) {
    case HistorySeries::LagRecords:
        set(DashboardSeries::LagRecords, combineRows(history, Aggregation::Sum));
        break;
    case HistorySeries::LagSeconds:
        set(DashboardSeries::LagSeconds, combineRows(history, Aggregation::Max));
        break;
    case HistorySeries::InputRate:
        set(DashboardSeries::InputRate, combineRows(history, Aggregation::Sum, source));
        break;
    case HistorySeries::ProcessingRate:
        set(DashboardSeries::ProcessingRate, combineRows(history, Aggregation::Sum, source));
        break;
    case HistorySeries::StateBytes:
        set(DashboardSeries::StateBytes, combineRows(history, Aggregation::Sum));
        break;
    case HistorySeries::CheckpointMs: {
        QList<CheckpointPoint> merged;
        for (const CheckpointPoint &point : checkpointsFromHistory(history))
            if (m_firstLiveCheckpointMs < 0 || point.timeMs < m_firstLiveCheckpointMs)
                merged.append(point);
        for (const CheckpointPoint &point : std::as_const(m_checkpoints))
            if (m_firstLiveCheckpointMs >= 0 && point.timeMs >= m_firstLiveCheckpointMs)
                merged.append(point);
        m_checkpoints = std::move(merged);
        break;
    }
    case HistorySeries::LatencyP99Ms: break; // the dashboard draws the histogram instead
    }
    if (m_checkpoints.size() > m_capacity)
        m_checkpoints.remove(0, m_checkpoints.size() - m_capacity);
}

void VersionDashboard::addMetrics(const VersionMetricsInfo &metrics, qint64 nowMs)
{
    if (metrics.job != m_job || metrics.version != m_version)
        return;
    for (const TaskMetricsInfo &task : metrics.tasks) {
        const auto seen = m_checkpointCounts.constFind(task.task);
        if (seen != m_checkpointCounts.constEnd() && task.checkpoints > *seen && task.checkpointLastMs > 0) {
            if (m_firstLiveCheckpointMs < 0)
                m_firstLiveCheckpointMs = nowMs;
            m_checkpoints.append(CheckpointPoint{nowMs, task.checkpointLastMs, task.task});
        }
        m_checkpointCounts.insert(task.task, task.checkpoints);
    }
    if (m_checkpoints.size() > m_capacity)
        m_checkpoints.remove(0, m_checkpoints.size() - m_capacity);
    m_latency = metrics.latency;
    m_latestMs = std::max(m_latestMs, nowMs);
}

std::optional<double> VersionDashboard::checkpointP99Ms() const
{
    QList<double> durations;
    durations.reserve(m_checkpoints.size());
    for (const CheckpointPoint &point : m_checkpoints)
        durations.append(point.durationMs);
    return percentile(durations, 99);
}

} // namespace kappa::console
