// KappadClient: asynchronous calls to one kappad over HTTP. Every call
// returns at once; its answer arrives as a signal on the client's thread
// (the GUI thread in the console), so nothing ever blocks it.
#pragma once

#include "client/api_decode.h"

#include <QObject>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;
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

signals:
    void jobsReceived(const kappa::console::JobsSnapshot &snapshot);
    void statusReceived(const kappa::console::ServiceStatus &status);
    void replaysReceived(const QList<kappa::console::ReplayInfo> &replays);
    // The replay as it is after a control call.
    void replayChanged(const kappa::console::ReplayInfo &replay);
    // `what` names the call ("jobs", "status"), for messages.
    void failed(const QString &what, const kappa::console::ApiError &error);

private:
    QNetworkReply *get(const QString &path);
    QNetworkReply *post(const QString &path, const QByteArray &json);
    QNetworkRequest request(const QString &path) const;
    // The error of a finished reply, if it has one.
    static std::optional<ApiError> errorOf(QNetworkReply &reply, const QByteArray &body);
    // Decodes the answer of `reply` with `decode` and emits `received` with it, or `failed`.
    template<typename T, typename Decode, typename Signal>
    void answer(QNetworkReply *reply, const QString &what, Decode decode, Signal received);

    QUrl m_baseUrl;
    QByteArray m_authorization;
    int m_timeoutMs = 5000;
    QNetworkAccessManager *m_network;
};

} // namespace kappa::console
