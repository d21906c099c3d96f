#include "client/dashboard_decode.h"

#include "client/json_fields.h"

#include <array>
#include <utility>

namespace kappa::console {

namespace {

constexpr std::array<std::pair<HistorySeries, const char *>, 7> kSeriesNames{{
    {HistorySeries::LagRecords, "lag_records"},
    {HistorySeries::LagSeconds, "lag_seconds"},
    {HistorySeries::InputRate, "input_rate"},
    {HistorySeries::ProcessingRate, "processing_rate"},
    {HistorySeries::CheckpointMs, "checkpoint_ms"},
    {HistorySeries::LatencyP99Ms, "latency_p99_ms"},
    {HistorySeries::StateBytes, "state_bytes"},
}};

QString indexed(const QString &path, qsizetype index)
{
    return path + QStringLiteral("[%1]").arg(index);
}

TaskMetricsInfo decodeTaskMetrics(FieldReader &&in, QString *error)
{
    TaskMetricsInfo t;
    t.task = in.string("task");
    t.stage = in.string("stage");
    t.topic = in.string("topic");
    t.partition = static_cast<int>(in.integer("partition"));
    t.position = in.integer("position");
    t.endOffset = in.integer("end_offset");
    t.lagRecords = in.integer("lag_records");
    t.lagSeconds = in.number("lag_seconds");
    t.inputRate = in.number("input_rate");
    t.processingRate = in.number("processing_rate");
    t.recordsRead = in.integer("records_read");
    t.lateDropped = in.integer("late_dropped");
    t.watermarkMs = in.integer("watermark_ms");
    t.caughtUp = in.boolean("caught_up");
    t.checkpoints = in.integer("checkpoints");
    FieldReader checkpoint(in.object("checkpoint_ms"), in.path("checkpoint_ms"), error);
    t.checkpointLastMs = checkpoint.number("last");
    t.checkpointP99Ms = checkpoint.number("p99");
    FieldReader latency(in.object("latency_ms"), in.path("latency_ms"), error);
    t.latencyP99Ms = latency.number("p99");
    return t;
}

LatencyHistogramInfo decodeHistogram(FieldReader &&in, QString *error)
{
    LatencyHistogramInfo h;
    h.count = in.integer("count");
    h.p50Ms = in.number("p50");
    h.p99Ms = in.number("p99");
    const QJsonArray buckets = in.array("buckets");
    for (qsizetype i = 0; i < buckets.size() && error->isEmpty(); ++i) {
        FieldReader bucket(buckets[i].toObject(), indexed(in.path("buckets"), i), error);
        LatencyBucket b;
        if (bucket.isNull("le_ms")) {
            if (!buckets[i].toObject().contains(QLatin1String("le_ms")))
                bucket.number("le_ms"); // records "is missing"
        } else {
            b.upperMs = bucket.number("le_ms");
        }
        b.count = bucket.integer("count");
        h.buckets.append(b);
    }
    return h;
}

// The figures of a version in a stream snapshot (VersionFigures plus job and version).
StreamVersion decodeStreamVersion(FieldReader &&in, QString *error)
{
    StreamVersion v;
    v.job = in.string("job");
    v.version = in.string("version");
    v.figures = decodeFigures(std::move(in), error);
    return v;
}

StreamTask decodeStreamTask(FieldReader &&in)
{
    StreamTask t;
    t.task = in.string("task");
    if (!in.isNull("position")) // sent by kappad from this release on
        t.position = in.integer("position");
    t.lagRecords = in.integer("lag_records");
    t.lagSeconds = in.number("lag_seconds");
    t.processingRate = in.number("processing_rate");
    return t;
}

// "[time_ms, value]" pairs of a history row.
QList<QPair<qint64, double>> decodeSamples(const QJsonArray &samples, const QString &path, QString *error)
{
    QList<QPair<qint64, double>> out;
    out.reserve(samples.size());
    for (qsizetype i = 0; i < samples.size(); ++i) {
        const QJsonArray pair = samples[i].toArray();
        if (!samples[i].isArray() || pair.size() != 2 || !pair[0].isDouble() || !pair[1].isDouble()) {
            if (error->isEmpty())
                *error = indexed(path, i) + " is not a [time_ms, value] pair";
            break;
        }
        out.append({static_cast<qint64>(pair[0].toDouble()), pair[1].toDouble()});
    }
    return out;
}

} // namespace

QString historySeriesName(HistorySeries series)
{
    for (const auto &[value, name] : kSeriesNames)
        if (value == series)
            return QLatin1String(name);
    return {};
}

std::optional<HistorySeries> historySeriesFromName(const QString &name)
{
    for (const auto &[value, text] : kSeriesNames)
        if (name == QLatin1String(text))
            return value;
    return std::nullopt;
}

Decoded<VersionMetricsInfo> decodeVersionMetrics(const QByteArray &body)
{
    return decodeObject<VersionMetricsInfo>(body, [](FieldReader &in, QString *error) {
        VersionMetricsInfo metrics;
        metrics.job = in.string("job");
        metrics.version = in.string("version");
        const QJsonArray tasks = in.array("tasks");
        for (qsizetype i = 0; i < tasks.size() && error->isEmpty(); ++i)
            metrics.tasks.append(decodeTaskMetrics(FieldReader(tasks[i].toObject(),
                                                               indexed(QStringLiteral("tasks"), i), error),
                                                   error));
        if (!in.isNull("latency_histogram"))
            metrics.latency = decodeHistogram(FieldReader(in.object("latency_histogram"),
                                                          in.path("latency_histogram"), error),
                                              error);
        return metrics;
    });
}

Decoded<HistoryInfo> decodeHistory(const QByteArray &body)
{
    return decodeObject<HistoryInfo>(body, [](FieldReader &in, QString *error) {
        HistoryInfo history;
        history.job = in.string("job");
        history.version = in.string("version");
        const QString series = in.string("series");
        if (const std::optional<HistorySeries> known = historySeriesFromName(series))
            history.series = *known;
        else if (error->isEmpty())
            *error = QStringLiteral("series \"%1\" is not one the console knows").arg(series);
        const QJsonArray tasks = in.array("tasks");
        for (qsizetype i = 0; i < tasks.size() && error->isEmpty(); ++i) {
            FieldReader row(tasks[i].toObject(), indexed(QStringLiteral("tasks"), i), error);
            TaskHistory task;
            task.task = row.string("task");
            task.stage = row.string("stage");
            task.partition = row.isNull("partition") ? -1 : static_cast<int>(row.integer("partition"));
            task.samples = decodeSamples(row.array("samples"), row.path("samples"), error);
            history.tasks.append(std::move(task));
        }
        return history;
    });
}

Decoded<MetricsSnapshot> decodeMetricsEvent(const QByteArray &data, qint64 eventId)
{
    return decodeObject<MetricsSnapshot>(data, [eventId](FieldReader &in, QString *error) {
        MetricsSnapshot snapshot;
        snapshot.eventId = eventId;
        snapshot.timeMs = in.integer("ts_ms");
        const QJsonArray versions = in.array("versions");
        for (qsizetype i = 0; i < versions.size() && error->isEmpty(); ++i)
            snapshot.versions.append(
                decodeStreamVersion(FieldReader(versions[i].toObject(),
                                                indexed(QStringLiteral("versions"), i), error),
                                    error));
        const QJsonArray tasks = in.array("tasks");
        for (qsizetype i = 0; i < tasks.size() && error->isEmpty(); ++i)
            snapshot.tasks.append(decodeStreamTask(
                FieldReader(tasks[i].toObject(), indexed(QStringLiteral("tasks"), i), error)));
        return snapshot;
    });
}

Decoded<LifecycleEvent> decodeLifecycleEvent(const QByteArray &data, qint64 eventId)
{
    return decodeObject<LifecycleEvent>(data, [eventId](FieldReader &in, QString *) {
        LifecycleEvent event;
        event.eventId = eventId;
        event.event = in.string("event");
        event.timeMs = in.integer("ts_ms");
        if (!in.isNull("subject"))
            event.subject = in.string("subject");
        if (!in.isNull("detail"))
            event.detail = in.string("detail");
        if (!in.isNull("error"))
            event.error = in.string("error");
        return event;
    });
}

} // namespace kappa::console
