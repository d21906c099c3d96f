#include "client/workflow_decode.h"

#include "client/json_fields.h"

namespace kappa::console {

namespace {

QString indexed(const QString &path, qsizetype index)
{
    return path + QStringLiteral("[%1]").arg(index);
}

QStringList strings(FieldReader &in, const char *name, QString *error)
{
    QStringList out;
    const QJsonArray list = in.array(name);
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (!list[i].isString()) {
            if (error->isEmpty())
                *error = indexed(in.path(name), i) + " has the wrong type";
            break;
        }
        out.append(list[i].toString());
    }
    return out;
}

Preflight decodePreflightObject(FieldReader &&in, QString *error)
{
    Preflight p;
    p.ok = in.boolean("ok");
    p.job = in.string("job");
    p.version = in.string("version");
    p.events = in.integer("events");
    p.ingestRate = in.number("ingest_rate");
    p.rate = in.number("rate");
    if (!in.isNull("expected_seconds"))
        p.expectedSeconds = in.number("expected_seconds");
    p.estimatedStateBytes = in.integer("estimated_state_bytes");
    p.estimatedViewBytes = in.integer("estimated_view_bytes");
    const QJsonArray checks = in.array("checks");
    for (qsizetype i = 0; i < checks.size() && error->isEmpty(); ++i) {
        FieldReader check(checks[i].toObject(), indexed(in.path("checks"), i), error);
        PreflightCheck c;
        c.name = check.string("name");
        c.ok = check.boolean("ok");
        c.detail = check.string("detail");
        p.checks.append(c);
    }
    return p;
}

// The fields a stored validation has with and without its report.
ValidationInfo decodeValidationSummary(FieldReader &in)
{
    ValidationInfo v;
    v.id = in.integer("id");
    v.job = in.string("job");
    v.candidate = in.string("candidate");
    v.baseline = in.string("baseline");
    v.passed = in.boolean("passed");
    v.createdMs = in.integer("created_ms");
    v.createdBy = in.string("created_by");
    return v;
}

ValidationDiff decodeDiff(FieldReader &&in, QString *error)
{
    ValidationDiff d;
    d.key = in.integer("key");
    d.samples = strings(in, "samples", error);
    d.field = in.string("field");
    d.live = in.any("live");
    d.candidate = in.any("candidate");
    return d;
}

// Either an aggregate of the business metrics or the fraud score's PSI
// (name score_psi, with value and max instead of live, candidate, delta).
ValidationAggregate decodeAggregate(FieldReader &&in)
{
    ValidationAggregate a;
    a.name = in.string("name");
    a.ok = in.boolean("ok");
    if (a.name == QLatin1String("score_psi")) {
        a.delta = in.number("value");
        a.tolerance = in.number("max");
        return a;
    }
    a.live = in.number("live");
    a.candidate = in.number("candidate");
    if (!in.isNull("delta"))
        a.delta = in.number("delta");
    a.tolerance = in.number("tolerance");
    return a;
}

void decodeReport(FieldReader &&in, ValidationInfo &v, QString *error)
{
    FieldReader keys(in.object("keys"), in.path("keys"), error);
    v.keysCompared = keys.integer("compared");
    v.keysDiffering = keys.integer("differing");
    v.differingShare = keys.number("differing_share");
    v.maxDiffShare = keys.number("max_diff_share");
    v.addedFields = strings(keys, "added_fields", error);
    const QJsonArray diffs = in.array("diffs");
    for (qsizetype i = 0; i < diffs.size() && error->isEmpty(); ++i)
        v.diffs.append(
            decodeDiff(FieldReader(diffs[i].toObject(), indexed(in.path("diffs"), i), error), error));
    const QJsonArray aggregates = in.array("aggregates");
    for (qsizetype i = 0; i < aggregates.size() && error->isEmpty(); ++i)
        v.aggregates.append(
            decodeAggregate(FieldReader(aggregates[i].toObject(), indexed(in.path("aggregates"), i), error)));
    v.reasons = strings(in, "reasons", error);
    v.attempts = static_cast<int>(in.integer("attempts"));
}

SwitchRequestInfo decodeSwitchObject(FieldReader &&in)
{
    SwitchRequestInfo s;
    s.id = in.integer("id");
    s.job = in.string("job");
    s.fromVersion = in.string("from_version");
    s.toVersion = in.string("to_version");
    s.validationId = in.integer("validation_id");
    s.overrideReason = in.string("override_reason");
    s.requestedBy = in.string("requested_by");
    s.requestedMs = in.integer("requested_ms");
    s.expiresMs = in.integer("expires_ms");
    s.state = in.string("state");
    s.decidedBy = in.string("decided_by");
    s.decidedMs = in.integer("decided_ms");
    s.reason = in.string("reason");
    return s;
}

AuditEntry decodeAuditEntry(FieldReader &&in)
{
    AuditEntry e;
    e.seq = in.integer("seq");
    e.atMs = in.integer("at_ms");
    e.actor = in.string("actor");
    e.action = in.string("action");
    e.subject = in.string("subject");
    e.detail = in.string("detail");
    e.hash = in.string("hash");
    return e;
}

void insertRate(QJsonObject &body, const RateSettings &rate)
{
    if (rate.rateMultiple)
        body.insert(QStringLiteral("rate_multiple"), *rate.rateMultiple);
    if (rate.maxRate)
        body.insert(QStringLiteral("max_rate"), *rate.maxRate);
    if (rate.minRate)
        body.insert(QStringLiteral("min_rate"), *rate.minRate);
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

Decoded<Identity> decodeIdentity(const QByteArray &body)
{
    return decodeObject<Identity>(body, [](FieldReader &in, QString *) {
        return Identity{in.string("name"), in.string("role")};
    });
}

Decoded<JobVersionSpec> decodeVersionSpec(const QByteArray &body)
{
    return decodeObject<JobVersionSpec>(body, [](FieldReader &in, QString *) {
        JobVersionSpec v;
        v.job = in.string("job");
        v.version = in.string("version");
        v.state = in.string("state");
        v.createdBy = in.string("created_by");
        v.createdMs = in.integer("created_ms");
        v.spec = in.object("spec");
        return v;
    });
}

Decoded<Preflight> decodePreflight(const QByteArray &body)
{
    return decodeObject<Preflight>(body, [](FieldReader &in, QString *error) {
        return decodePreflightObject(FieldReader(in.object("preflight"), in.path("preflight"), error), error);
    });
}

Decoded<ValidationInfo> decodeValidation(const QByteArray &body)
{
    return decodeObject<ValidationInfo>(body, [](FieldReader &in, QString *error) {
        ValidationInfo v = decodeValidationSummary(in);
        decodeReport(FieldReader(in.object("report"), in.path("report"), error), v, error);
        return v;
    });
}

Decoded<QList<ValidationInfo>> decodeValidations(const QByteArray &body)
{
    return decodeObject<QList<ValidationInfo>>(body, [](FieldReader &in, QString *error) {
        QList<ValidationInfo> out;
        const QJsonArray list = in.array("validations");
        for (qsizetype i = 0; i < list.size() && error->isEmpty(); ++i) {
            FieldReader item(list[i].toObject(), indexed(QStringLiteral("validations"), i), error);
            out.append(decodeValidationSummary(item));
        }
        return out;
    });
}

Decoded<SwitchRequestInfo> decodeSwitch(const QByteArray &body)
{
    return decodeObject<SwitchRequestInfo>(body, [](FieldReader &in, QString *) {
        return decodeSwitchObject(std::move(in));
    });
}

Decoded<QList<SwitchRequestInfo>> decodeSwitches(const QByteArray &body)
{
    return decodeObject<QList<SwitchRequestInfo>>(body, [](FieldReader &in, QString *error) {
        QList<SwitchRequestInfo> out;
        const QJsonArray list = in.array("switches");
        for (qsizetype i = 0; i < list.size() && error->isEmpty(); ++i)
            out.append(decodeSwitchObject(
                FieldReader(list[i].toObject(), indexed(QStringLiteral("switches"), i), error)));
        return out;
    });
}

Decoded<RollbackResult> decodeRollback(const QByteArray &body)
{
    return decodeObject<RollbackResult>(body, [](FieldReader &in, QString *) {
        return RollbackResult{in.string("job"), in.string("live_version")};
    });
}

Decoded<QList<AuditEntry>> decodeAudit(const QByteArray &body)
{
    return decodeObject<QList<AuditEntry>>(body, [](FieldReader &in, QString *error) {
        QList<AuditEntry> out;
        const QJsonArray list = in.array("entries");
        for (qsizetype i = 0; i < list.size() && error->isEmpty(); ++i)
            out.append(decodeAuditEntry(
                FieldReader(list[i].toObject(), indexed(QStringLiteral("entries"), i), error)));
        return out;
    });
}

Decoded<AuditVerification> decodeAuditVerification(const QByteArray &body)
{
    return decodeObject<AuditVerification>(body, [](FieldReader &in, QString *) {
        AuditVerification v;
        v.ok = in.boolean("ok");
        v.entries = in.integer("entries");
        if (!in.isNull("first_bad_seq"))
            v.firstBadSeq = in.integer("first_bad_seq");
        v.problem = in.string("problem");
        return v;
    });
}

Decoded<QByteArray> encodeLaunchReplay(const LaunchReplayRequest &request)
{
    QJsonObject body;
    if (!request.specJson.isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument spec = QJsonDocument::fromJson(request.specJson, &parseError);
        if (parseError.error != QJsonParseError::NoError || !spec.isObject())
            return ApiError{QStringLiteral("InvalidArgument"),
                            parseError.error != QJsonParseError::NoError
                                ? QStringLiteral("the spec is not JSON (%1)").arg(parseError.errorString())
                                : QStringLiteral("the spec is not a JSON object"),
                            0};
        body.insert(QStringLiteral("spec"), spec.object());
    }
    // Both or neither of job_version and spec: kappad's 400 says so.
    if (!request.jobVersion.isEmpty() || request.specJson.isEmpty())
        body.insert(QStringLiteral("job_version"), request.jobVersion);
    body.insert(QStringLiteral("from"), request.from);
    insertRate(body, request.rate);
    if (request.dryRun)
        body.insert(QStringLiteral("dry_run"), true);
    return compact(body);
}

QByteArray encodeRate(const RateSettings &rate)
{
    QJsonObject body;
    insertRate(body, rate);
    return compact(body);
}

QByteArray encodeRebuild(const RebuildRequest &request)
{
    QJsonObject body;
    insertRate(body, request.rate);
    if (!request.serveFrom.isEmpty())
        body.insert(QStringLiteral("serve_from"), request.serveFrom);
    return compact(body);
}

} // namespace kappa::console
