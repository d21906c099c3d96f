// Values behind the job dashboard: per-task metrics, metric history and the
// live SSE stream (GET .../metrics, .../history and /api/v1/stream).
#pragma once

#include "client/api_types.h"

#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>

#include <optional>

namespace kappa::console {

// One task of a running version (one input partition of one stage).
struct TaskMetricsInfo
{
    QString task;  // "fraud@v1/card/3"
    QString stage; // source, route, merchant, card
    QString topic;
    int partition = 0;
    qint64 position = 0;  // the next offset to read
    qint64 endOffset = 0; // the input's end offset at the last read
    qint64 lagRecords = 0;
    double lagSeconds = 0;
    double inputRate = 0;
    double processingRate = 0;
    qint64 recordsRead = 0;
    qint64 lateDropped = 0;
    qint64 watermarkMs = 0;
    bool caughtUp = false;
    qint64 checkpoints = 0;
    double checkpointLastMs = 0;
    double checkpointP99Ms = 0;
    double latencyP99Ms = 0;
};

// One bucket of a latency histogram: `count` records took at most `upperMs`
// (and more than the previous bucket's bound). No bound: the overflow bucket.
struct LatencyBucket
{
    std::optional<double> upperMs;
    qint64 count = 0;
};

struct LatencyHistogramInfo
{
    qint64 count = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    QList<LatencyBucket> buckets; // ascending bounds, counts per bucket (not cumulative)
};

struct VersionMetricsInfo
{
    QString job;
    QString version;
    QList<TaskMetricsInfo> tasks;
    LatencyHistogramInfo latency;
};

// The history series kappad keeps per task (the `series` query parameter).
enum class HistorySeries {
    LagRecords,
    LagSeconds,
    InputRate,
    ProcessingRate,
    CheckpointMs,
    LatencyP99Ms,
    StateBytes
};

struct TaskHistory
{
    QString task;
    QString stage;
    int partition = 0;
    QList<QPair<qint64, double>> samples; // (wall time ms, value), oldest first
};

struct HistoryInfo
{
    QString job;
    QString version;
    HistorySeries series = HistorySeries::LagRecords;
    QList<TaskHistory> tasks;
};

// One running version in a stream snapshot: its figures, summed or maximised over its tasks.
struct StreamVersion
{
    QString job;
    QString version;
    VersionFigures figures;
};

struct StreamTask
{
    QString task;
    std::optional<qint64> position; // the next offset to read (sent by kappad from this release on)
    qint64 lagRecords = 0;
    double lagSeconds = 0;
    double processingRate = 0;
};

// An `event: metrics` of the stream.
struct MetricsSnapshot
{
    qint64 eventId = 0;
    qint64 timeMs = 0; // wall time of the snapshot
    QList<StreamVersion> versions;
    QList<StreamTask> tasks;
};

// An `event: lifecycle` of the stream: the service started or stops, or a step
// of the reprocessing workflow (replay.started, switch.done, ...).
struct LifecycleEvent
{
    qint64 eventId = 0;
    qint64 timeMs = 0;
    QString event;
    QString subject; // reprocessing events: user_features@v2, "request 3", ...
    QString detail;  // for people
    QString error;   // engine_failed
};

} // namespace kappa::console

Q_DECLARE_METATYPE(kappa::console::VersionMetricsInfo)
Q_DECLARE_METATYPE(kappa::console::HistoryInfo)
Q_DECLARE_METATYPE(kappa::console::MetricsSnapshot)
Q_DECLARE_METATYPE(kappa::console::LifecycleEvent)
