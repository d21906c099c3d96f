// The job dashboard's data: bounded time series (live points appended to the
// history loaded from kappad, old points downsampled), the checkpoints, and
// the free functions that shape them (downsampling, percentiles, combining
// kappad's per-task history rows into a version's series). No widgets.
//
// Threading: plain values and functions; use them from one thread.
#pragma once

#include "client/dashboard_types.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

#include <array>
#include <functional>
#include <optional>

namespace kappa::console {

// (wall time in ms since the epoch, value), oldest first.
using TimeSeries = QList<QPair<qint64, double>>;

// At most `maxPoints` points that keep the shape of `points` (Largest-Triangle-
// Three-Buckets: the first and last point stay, and of each bucket the point
// that spans the largest triangle with its neighbours, so peaks survive).
// `points` as it is when it has no more than maxPoints (or maxPoints < 3).
TimeSeries downsample(const TimeSeries &points, int maxPoints);

// The p-th percentile (0 ≤ p ≤ 100) by nearest rank; none for no values.
std::optional<double> percentile(QList<double> values, double p);

// A series with a bounded number of points: the newest half of the capacity
// stays as it came; when the capacity is exceeded, the older points are
// downsampled to a quarter of it, so old stretches get coarser, never lost.
class SeriesBuffer
{
public:
    explicit SeriesBuffer(int capacity = 1200);

    // A point newer than the last one (others are ignored: replayed or out of order).
    void append(qint64 timeMs, double value);
    // History that arrived after live points may have: its points older than
    // the first live point go before them, replacing earlier history.
    void setHistory(const TimeSeries &history);
    void clear();

    const TimeSeries &points() const { return m_points; }
    int capacity() const { return m_capacity; }
    bool isEmpty() const { return m_points.isEmpty(); }

private:
    void compact();

    int m_capacity;
    TimeSeries m_points;
    qint64 m_firstLiveMs = -1; // the oldest point appended live; -1: none yet
};

enum class Aggregation { Sum, Max };

// One version series from kappad's per-task rows: at each second in which any
// included row has a sample, the sum (or maximum) of every included row's
// latest value so far. `include` picks rows (all when empty).
TimeSeries combineRows(const HistoryInfo &history, Aggregation how,
                       const std::function<bool(const TaskHistory &)> &include = {});

// The stage whose tasks read the events topic: "source" for the single-stage
// jobs, "route" for fraud. Their rates are the version's input and processing rate.
bool isSourceStage(const QString &stage);

// One checkpoint of one task and how long it took.
struct CheckpointPoint
{
    qint64 timeMs = 0;
    double durationMs = 0;
    QString task;
};

// Checkpoints seen in a checkpoint_ms history (the last checkpoint's duration
// per task and second): a point wherever a row's value changes to a non-zero one.
QList<CheckpointPoint> checkpointsFromHistory(const HistoryInfo &history);

// The series the dashboard draws over time.
enum class DashboardSeries { LagRecords, LagSeconds, InputRate, ProcessingRate, StateBytes };
constexpr int kDashboardSeriesCount = 5;

// Everything the dashboard shows of one job version.
class VersionDashboard
{
public:
    VersionDashboard(QString job, QString version, int capacity = 1200);

    QString job() const { return m_job; }
    QString version() const { return m_version; }

    // Appends this version's figures of a stream snapshot; false if the
    // snapshot does not list the version (it does not run).
    bool addSnapshot(const MetricsSnapshot &snapshot);
    // Puts a history series under the live points (other versions' are ignored).
    void addHistory(const HistoryInfo &history);
    // Per-task metrics at `nowMs`: a task's new checkpoints become points, and
    // the latency histogram is replaced.
    void addMetrics(const VersionMetricsInfo &metrics, qint64 nowMs);

    const SeriesBuffer &series(DashboardSeries series) const { return m_series[static_cast<int>(series)]; }
    const QList<CheckpointPoint> &checkpoints() const { return m_checkpoints; }
    // The p99 of the checkpoints held; none without checkpoints.
    std::optional<double> checkpointP99Ms() const;
    // The version's newest figures from the stream; none before the first.
    const std::optional<VersionFigures> &figures() const { return m_figures; }
    const LatencyHistogramInfo &latency() const { return m_latency; }
    // The newest time of any live data, ms since the epoch (0: none yet).
    qint64 latestTimeMs() const { return m_latestMs; }

private:
    QString m_job;
    QString m_version;
    int m_capacity;
    std::array<SeriesBuffer, kDashboardSeriesCount> m_series;
    QList<CheckpointPoint> m_checkpoints;
    qint64 m_firstLiveCheckpointMs = -1;
    QHash<QString, qint64> m_checkpointCounts; // per task, as last seen
    std::optional<VersionFigures> m_figures;
    LatencyHistogramInfo m_latency;
    qint64 m_latestMs = 0;
};

} // namespace kappa::console
