// KappadClient: asynchronous calls to one kappad over HTTP. Every call
// returns at once; its answer arrives as a signal on the client's thread
// (the GUI thread in the console), so nothing ever blocks it.
#pragma once

#include "client/api_decode.h"
#include "client/dashboard_types.h"
#include "client/workflow_types.h"

#include <QNetworkReply>
#include <QObject>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkRequest;

namespace kappa::console {

class KappadClient : public QObject
{
    Q_OBJECT

public:
    // baseUrl: scheme, host and port of kappad (http://127.0.0.1:8470). An
    // empty token calls anonymously (kappad allows viewers on loopback in demos).
    KappadClient(QUrl baseUrl, QString token, QObject *parent = nullptr);

    QUrl baseUrl() const { return m_baseUrl; }
    // A call that has no answer after this long fails with "Unreachable".
    void setTimeout(int milliseconds) { m_timeoutMs = milliseconds; }

    void fetchJobs();
    void fetchStatus();
    void fetchReplays();
    // Pauses, resumes or cancels replay `id`; `reason` goes to the audit log (cancel only).
    void controlReplay(qint64 id, ReplayAction action, const QString &reason = QString());

    // The job dashboard (kappad_client_dashboard.cpp).
    void fetchMetrics(const QString &job, const QString &version);
    // Wall times in ms since the epoch.
    void fetchHistory(const QString &job, const QString &version, HistorySeries series, qint64 fromMs,
                      qint64 toMs);

    // The reprocessing workflow and the audit log (kappad_client_workflow.cpp).
    void fetchIdentity();
    // The spec job@version was registered with (any registered version, running or not).
    void fetchSpec(const QString &job, const QString &version);
    // A dry run answers preflightReceived, a launch replayLaunched.
    void launchReplay(const LaunchReplayRequest &request);
    void setReplayRate(qint64 id, const RateSettings &rate);
    void rebuild(const RebuildRequest &request);
    void validate(const QString &job, const QString &version);
    void fetchValidations();
    void fetchValidation(qint64 id);
    void fetchSwitches();
    // `overrideReason`: an admin's reason to switch without a passed validation.
    void requestSwitch(const QString &job, const QString &version, const QString &overrideReason = QString());
    void approveSwitch(qint64 id, const QString &reason = QString());
    void rejectSwitch(qint64 id, const QString &reason);
    void rollback(const QString &job, const QString &reason = QString());
    void fetchAudit(qint64 afterSeq = 0, int limit = 1000);
    void verifyAudit();

signals:
    void jobsReceived(const kappa::console::JobsSnapshot &snapshot);
    void statusReceived(const kappa::console::ServiceStatus &status);
    void replaysReceived(const QList<kappa::console::ReplayInfo> &replays);
    // The replay as it is after a control call.
    void replayChanged(const kappa::console::ReplayInfo &replay);
    void metricsReceived(const kappa::console::VersionMetricsInfo &metrics);
    void historyReceived(const kappa::console::HistoryInfo &history);
    void identityReceived(const kappa::console::Identity &identity);
    void specReceived(const kappa::console::JobVersionSpec &spec);
    void preflightReceived(const kappa::console::Preflight &preflight);
    // A new replay or rebuild.
    void replayLaunched(const kappa::console::ReplayInfo &replay);
    void validationReceived(const kappa::console::ValidationInfo &validation);
    void validationsReceived(const QList<kappa::console::ValidationInfo> &validations);
    void switchesReceived(const QList<kappa::console::SwitchRequestInfo> &switches);
    // A switch request as it is after it was made, approved or rejected.
    void switchChanged(const kappa::console::SwitchRequestInfo &request);
    void rolledBack(const kappa::console::RollbackResult &result);
    void auditReceived(const QList<kappa::console::AuditEntry> &entries);
    void auditVerified(const kappa::console::AuditVerification &verification);

    // A call that reads (GET) failed. `what` names the call ("jobs", "status"), for messages.
    void failed(const QString &what, const kappa::console::ApiError &error);
    // A call that changes something (POST, PUT) was refused or failed.
    void actionFailed(const QString &what, const kappa::console::ApiError &error);

private:
    QNetworkReply *get(const QString &path);
    QNetworkReply *post(const QString &path, const QByteArray &json);
    QNetworkReply *put(const QString &path, const QByteArray &json);
    QNetworkRequest request(const QString &path) const;
    // The error of a finished reply, if it has one.
    static std::optional<ApiError> errorOf(QNetworkReply &reply, const QByteArray &body);
    // Emits `failed` for a GET, `actionFailed` for the calls that change something.
    void fail(QNetworkReply &reply, const QString &what, const ApiError &error);
    // Decodes the answer of `reply` with `decode` and emits `received` with it, or fails.
    template<typename T, typename Decode, typename Signal>
    void answer(QNetworkReply *reply, const QString &what, Decode decode, Signal received);

    QUrl m_baseUrl;
    QByteArray m_authorization;
    int m_timeoutMs = 5000;
    QNetworkAccessManager *m_network;
};

template<typename T, typename Decode, typename Signal>
void KappadClient::answer(QNetworkReply *reply, const QString &what, Decode decode, Signal received)
{
    connect(reply, &QNetworkReply::finished, this, [this, reply, what, decode, received] {
        reply->deleteLater();
        const QByteArray body = reply->readAll();
        if (std::optional<ApiError> error = errorOf(*reply, body)) {
            fail(*reply, what, *error);
            return;
        }
        Decoded<T> decoded = decode(body);
        if (const ApiError *error = std::get_if<ApiError>(&decoded))
            fail(*reply, what, *error);
        else
            emit(this->*received)(std::get<T>(decoded));
    });
}

} // namespace kappa::console
