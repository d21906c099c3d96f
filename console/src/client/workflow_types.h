// Values of the reprocessing workflow: launching a replay (and its
// pre-flight), validations, switch requests, rollback, rebuild and the audit
// log. The wizards build the request values; the client sends them.
#pragma once

#include "client/api_types.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace kappa::console {

// Who the client's token is (GET /api/v1/whoami).
struct Identity
{
    QString name; // "anonymous" for anonymous loopback viewers
    QString role; // viewer, operator, approver, admin
};

// A registered version with the spec it was registered with
// (GET /api/v1/jobs/{job}/versions/{version}/spec).
struct JobVersionSpec
{
    QString job;
    QString version;
    QString state; // the version's lifecycle state, as in JobVersionInfo
    QString createdBy;
    qint64 createdMs = 0;
    QJsonObject spec; // {"job", "version", "params", "description", "validation"}
};

// A replay's throttle. Unset members keep kappad's defaults (or, when changing
// a running replay, its current values).
struct RateSettings
{
    std::optional<double> rateMultiple; // k: target = k × live ingest
    std::optional<double> maxRate;      // events/s; 0: no cap
    std::optional<double> minRate;      // events/s
};

// POST /api/v1/replays: exactly one of jobVersion ("user_features@v2") and specJson (a full spec object).
struct LaunchReplayRequest
{
    QString jobVersion;
    QByteArray specJson;
    QString from = QStringLiteral("earliest"); // earliest, an offset, a UTC time or a duration back (12h)
    RateSettings rate;
    bool dryRun = false;
};

struct PreflightCheck
{
    QString name; // version, range, schema, rate
    bool ok = false;
    QString detail;
};

struct Preflight
{
    bool ok = false;
    QString job;
    QString version;
    qint64 events = 0;
    double ingestRate = 0;
    double rate = 0;
    std::optional<double> expectedSeconds; // none when the rate check fails
    qint64 estimatedStateBytes = 0;
    qint64 estimatedViewBytes = 0;
    QList<PreflightCheck> checks;
};

// POST .../rebuild
struct RebuildRequest
{
    QString job;
    QString version;
    RateSettings rate;
    QString serveFrom; // empty: reads answer 503 until the rebuild caught up
};

struct ValidationDiff
{
    qint64 key = 0;
    QStringList samples; // uniform, hottest, recent, flagged, window
    QString field;       // "(row)": the candidate has no row
    QJsonValue live;
    QJsonValue candidate;
};

// A compared aggregate (business_metrics) or the score distribution shift (fraud, name score_psi).
struct ValidationAggregate
{
    QString name;
    std::optional<double> live;      // none for score_psi
    std::optional<double> candidate; // none for score_psi
    std::optional<double> delta;     // (candidate - live) / |live|; score_psi: the PSI
    double tolerance = 0;            // the largest |delta| (or PSI) allowed
    bool ok = false;
};

struct ValidationInfo
{
    qint64 id = 0;
    QString job;
    QString candidate;
    QString baseline;
    bool passed = false;
    qint64 createdMs = 0;
    QString createdBy;
    // The report; empty in a list of validations (GET /api/v1/validations).
    qint64 keysCompared = 0;
    qint64 keysDiffering = 0;
    double differingShare = 0;
    double maxDiffShare = 0;
    QStringList addedFields;
    QList<ValidationDiff> diffs;
    QList<ValidationAggregate> aggregates;
    QStringList reasons; // why it failed, for people
    int attempts = 0;
};

struct SwitchRequestInfo
{
    qint64 id = 0;
    QString job;
    QString fromVersion;
    QString toVersion;
    qint64 validationId = 0; // 0: an admin override
    QString overrideReason;
    QString requestedBy;
    qint64 requestedMs = 0;
    qint64 expiresMs = 0;
    QString state; // pending, switched, rejected, expired, void
    QString decidedBy;
    qint64 decidedMs = 0;
    QString reason;
};

// The answer of a rollback: the version the job serves from now.
struct RollbackResult
{
    QString job;
    QString liveVersion;
};

struct AuditEntry
{
    qint64 seq = 0;
    qint64 atMs = 0;
    QString actor;
    QString action; // alias.switch, replay.start, ...
    QString subject;
    QString detail;
    QString hash;
};

struct AuditVerification
{
    bool ok = false;
    qint64 entries = 0;
    std::optional<qint64> firstBadSeq;
    QString problem;
};

} // namespace kappa::console

Q_DECLARE_METATYPE(kappa::console::Identity)
Q_DECLARE_METATYPE(kappa::console::JobVersionSpec)
Q_DECLARE_METATYPE(kappa::console::Preflight)
Q_DECLARE_METATYPE(kappa::console::ValidationInfo)
Q_DECLARE_METATYPE(QList<kappa::console::ValidationInfo>)
Q_DECLARE_METATYPE(kappa::console::SwitchRequestInfo)
Q_DECLARE_METATYPE(QList<kappa::console::SwitchRequestInfo>)
Q_DECLARE_METATYPE(kappa::console::RollbackResult)
Q_DECLARE_METATYPE(QList<kappa::console::AuditEntry>)
Q_DECLARE_METATYPE(kappa::console::AuditVerification)
