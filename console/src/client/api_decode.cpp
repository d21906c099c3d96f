#include "client/api_decode.h"

#include "client/json_fields.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace kappa::console {

VersionFigures decodeFigures(FieldReader &&in, QString *error)
{
    VersionFigures f;
    f.events = in.integer("events");
    f.lagRecords = in.integer("lag_records");
    f.lagSeconds = in.number("lag_seconds");
    f.inputRate = in.number("input_rate");
    f.processingRate = in.number("processing_rate");
    f.checkpoints = in.integer("checkpoints");
    FieldReader checkpoint(in.object("checkpoint_ms"), in.path("checkpoint_ms"), error);
    f.checkpointMeanMs = checkpoint.number("mean");
    f.checkpointP99Ms = checkpoint.number("p99");
    FieldReader latency(in.object("latency_ms"), in.path("latency_ms"), error);
    f.latencyMs.count = latency.integer("count");
    f.latencyMs.p50 = latency.number("p50");
    f.latencyMs.p99 = latency.number("p99");
    f.lateDropped = in.integer("late_dropped");
    f.stateBytes = in.integer("state_bytes");
    f.stateKeys = in.integer("state_keys");
    return f;
}

namespace {

JobVersionInfo decodeVersion(FieldReader &&in, QString *error)
{
    JobVersionInfo v;
    v.version = in.string("version");
    v.state = in.string("state");
    v.live = in.boolean("live");
    v.running = in.boolean("running");
    v.createdMs = in.integer("created_ms");
    v.createdBy = in.string("created_by");
    if (!in.isNull("figures"))
        v.figures = decodeFigures(FieldReader(in.object("figures"), in.path("figures"), error), error);
    return v;
}

ReplayInfo decodeReplayObject(FieldReader &&in)
{
    ReplayInfo r;
    r.id = in.integer("id");
    r.job = in.string("job");
    r.version = in.string("version");
    r.kind = in.string("kind");
    r.from = in.string("from");
    r.state = in.string("state");
    r.versionState = in.string("version_state");
    r.paused = in.boolean("paused");
    r.running = in.boolean("running");
    r.serveFrom = in.string("serve_from");
    r.reason = in.string("reason");
    r.createdBy = in.string("created_by");
    r.rateMultiple = in.number("rate_multiple");
    r.maxRate = in.number("max_rate");
    r.minRate = in.number("min_rate");
    r.ingestRate = in.number("ingest_rate");
    r.targetRate = in.number("target_rate");
    r.currentRate = in.number("current_rate");
    r.measuredRate = in.number("measured_rate");
    r.slowdownReason = in.string("slowdown_reason");
    r.percent = in.number("percent");
    if (!in.isNull("eta_seconds"))
        r.etaSeconds = in.number("eta_seconds");
    r.lagRecords = in.integer("lag_records");
    return r;
}

} // namespace

Decoded<JobsSnapshot> decodeJobs(const QByteArray &body)
{
    return decodeObject<JobsSnapshot>(body, [](FieldReader &in, QString *error) {
        JobsSnapshot snapshot;
        const QJsonArray jobs = in.array("jobs");
        for (qsizetype j = 0; j < jobs.size() && error->isEmpty(); ++j) {
            FieldReader job(jobs[j].toObject(), QStringLiteral("jobs[%1]").arg(j), error);
            JobInfo info;
            info.job = job.string("job");
            if (!job.isNull("live_version"))
                info.liveVersion = job.string("live_version");
            if (!job.isNull("slo")) { // an older kappad does not tell its SLOs
                FieldReader slo(job.object("slo"), job.path("slo"), error);
                info.slo.lagSeconds = slo.number("lag_seconds");
                info.slo.latencyP99Ms = slo.number("latency_p99_ms");
            }
            const QJsonArray versions = job.array("versions");
            for (qsizetype v = 0; v < versions.size() && error->isEmpty(); ++v)
                info.versions.append(
                    decodeVersion(FieldReader(versions[v].toObject(),
                                              job.path("versions") + QStringLiteral("[%1]").arg(v), error),
                                  error));
            snapshot.jobs.append(std::move(info));
        }
        return snapshot;
    });
}

Decoded<ServiceStatus> decodeStatus(const QByteArray &body)
{
    return decodeObject<ServiceStatus>(body, [](FieldReader &in, QString *error) {
        ServiceStatus status;
        status.ready = in.boolean("ready");
        status.health = in.string("health");
        status.uptimeSeconds = in.number("uptime_seconds");
        status.dataDir = in.string("data_dir");
        FieldReader topic(in.object("events_topic"), in.path("events_topic"), error);
        status.partitions = static_cast<int>(topic.integer("partitions"));
        status.eventsAppended = topic.integer("end_offsets_total");
        if (!in.isNull("demo"))
            status.demoRate = FieldReader(in.object("demo"), in.path("demo"), error).number("rate");
        return status;
    });
}

Decoded<QList<ReplayInfo>> decodeReplays(const QByteArray &body)
{
    return decodeObject<QList<ReplayInfo>>(body, [](FieldReader &in, QString *error) {
        QList<ReplayInfo> replays;
        const QJsonArray list = in.array("replays");
        for (qsizetype i = 0; i < list.size() && error->isEmpty(); ++i)
            replays.append(decodeReplayObject(
                FieldReader(list[i].toObject(), QStringLiteral("replays[%1]").arg(i), error)));
        return replays;
    });
}

Decoded<ReplayInfo> decodeReplay(const QByteArray &body)
{
    return decodeObject<ReplayInfo>(body, [](FieldReader &in, QString *) {
        return decodeReplayObject(std::move(in));
    });
}

ApiError decodeError(int httpStatus, const QByteArray &body)
{
    QString error;
    const std::optional<QJsonObject> root = parseObject(body, &error);
    if (root && root->value("code").isString() && root->value("message").isString())
        return ApiError{root->value("code").toString(), root->value("message").toString(), httpStatus};
    const QString text = QString::fromUtf8(body.left(200)).trimmed();
    return ApiError{QStringLiteral("HTTP %1").arg(httpStatus),
                    text.isEmpty() ? QStringLiteral("no error message") : text, httpStatus};
}

} // namespace kappa::console
