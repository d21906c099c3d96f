// KappadClient's calls of the reprocessing workflow and the audit log.
#include "client/kappad_client.h"
#include "client/workflow_decode.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrlQuery>

namespace kappa::console {

namespace {

QString call(const char *name)
{
    return QString::fromLatin1(name);
}

// {"reason": ...}, or an empty object: kappad then records a default reason.
QByteArray reasonBody(const QString &reason)
{
    QJsonObject body;
    if (!reason.isEmpty())
        body.insert(QStringLiteral("reason"), reason);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QString versionPath(const QString &job, const QString &version, const char *action)
{
    return QStringLiteral("/api/v1/jobs/%1/versions/%2/%3").arg(job, version, QLatin1String(action));
}

} // namespace

void KappadClient::fetchIdentity()
{
    answer<Identity>(get(QStringLiteral("/api/v1/whoami")), call(workflow_call::kIdentity), decodeIdentity,
                     &KappadClient::identityReceived);
}

void KappadClient::fetchSpec(const QString &job, const QString &version)
{
    answer<JobVersionSpec>(get(versionPath(job, version, "spec")), call(workflow_call::kSpec),
                           decodeVersionSpec, &KappadClient::specReceived);
}

void KappadClient::launchReplay(const LaunchReplayRequest &request)
{
    const QString what = call(request.dryRun ? workflow_call::kPreflight : workflow_call::kLaunchReplay);
    Decoded<QByteArray> body = encodeLaunchReplay(request);
    if (const ApiError *error = std::get_if<ApiError>(&body)) {
        // Nothing to send; the refusal still arrives asynchronously, like kappad's would.
        QTimer::singleShot(0, this, [this, what, e = *error] { emit actionFailed(what, e); });
        return;
    }
    QNetworkReply *reply = post(QStringLiteral("/api/v1/replays"), std::get<QByteArray>(body));
    if (request.dryRun)
        answer<Preflight>(reply, what, decodePreflight, &KappadClient::preflightReceived);
    else
        answer<ReplayInfo>(reply, what, decodeReplay, &KappadClient::replayLaunched);
}

void KappadClient::setReplayRate(qint64 id, const RateSettings &rate)
{
    answer<ReplayInfo>(put(QStringLiteral("/api/v1/replays/%1/rate").arg(id), encodeRate(rate)),
                       call(workflow_call::kReplayRate), decodeReplay, &KappadClient::replayChanged);
}

void KappadClient::rebuild(const RebuildRequest &request)
{
    answer<ReplayInfo>(post(versionPath(request.job, request.version, "rebuild"), encodeRebuild(request)),
                       call(workflow_call::kRebuild), decodeReplay, &KappadClient::replayLaunched);
}

void KappadClient::validate(const QString &job, const QString &version)
{
    answer<ValidationInfo>(post(versionPath(job, version, "validate"), QByteArrayLiteral("{}")),
                           call(workflow_call::kValidate), decodeValidation,
                           &KappadClient::validationReceived);
}

void KappadClient::fetchValidations()
{
    answer<QList<ValidationInfo>>(get(QStringLiteral("/api/v1/validations")),
                                  call(workflow_call::kValidations), decodeValidations,
                                  &KappadClient::validationsReceived);
}

void KappadClient::fetchValidation(qint64 id)
{
    answer<ValidationInfo>(get(QStringLiteral("/api/v1/validations/%1").arg(id)),
                           call(workflow_call::kValidation), decodeValidation,
                           &KappadClient::validationReceived);
}

void KappadClient::fetchSwitches()
{
    answer<QList<SwitchRequestInfo>>(get(QStringLiteral("/api/v1/switches")), call(workflow_call::kSwitches),
                                     decodeSwitches, &KappadClient::switchesReceived);
}

void KappadClient::requestSwitch(const QString &job, const QString &version, const QString &overrideReason)
{
    QJsonObject body{{QStringLiteral("job"), job}, {QStringLiteral("version"), version}};
    if (!overrideReason.isEmpty())
        body.insert(QStringLiteral("override_reason"), overrideReason);
    answer<SwitchRequestInfo>(post(QStringLiteral("/api/v1/switches"),
                                   QJsonDocument(body).toJson(QJsonDocument::Compact)),
                              call(workflow_call::kRequestSwitch), decodeSwitch,
                              &KappadClient::switchChanged);
}

void KappadClient::approveSwitch(qint64 id, const QString &reason)
{
    answer<SwitchRequestInfo>(post(QStringLiteral("/api/v1/switches/%1/approve").arg(id), reasonBody(reason)),
                              call(workflow_call::kApproveSwitch), decodeSwitch,
                              &KappadClient::switchChanged);
}

void KappadClient::rejectSwitch(qint64 id, const QString &reason)
{
    answer<SwitchRequestInfo>(post(QStringLiteral("/api/v1/switches/%1/reject").arg(id), reasonBody(reason)),
                              call(workflow_call::kRejectSwitch), decodeSwitch, &KappadClient::switchChanged);
}

void KappadClient::rollback(const QString &job, const QString &reason)
{
    answer<RollbackResult>(post(QStringLiteral("/api/v1/jobs/%1/rollback").arg(job), reasonBody(reason)),
                           call(workflow_call::kRollback), decodeRollback, &KappadClient::rolledBack);
}

void KappadClient::fetchAudit(qint64 afterSeq, int limit)
{
    // get() takes a path only; the query goes on the request's URL.
    QNetworkRequest r = request(QStringLiteral("/api/v1/audit"));
    QUrl url = r.url();
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("after_seq"), QString::number(afterSeq));
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    url.setQuery(query);
    r.setUrl(url);
    answer<QList<AuditEntry>>(m_network->get(r), call(workflow_call::kAudit), decodeAudit,
                              &KappadClient::auditReceived);
}

void KappadClient::verifyAudit()
{
    answer<AuditVerification>(get(QStringLiteral("/api/v1/audit/verify")), call(workflow_call::kVerifyAudit),
                              decodeAuditVerification, &KappadClient::auditVerified);
}

} // namespace kappa::console
