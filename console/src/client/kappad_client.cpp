#include "client/kappad_client.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace kappa::console {

KappadClient::KappadClient(QUrl baseUrl, QString token, QObject *parent)
    : QObject(parent)
    , m_baseUrl(std::move(baseUrl))
    , m_network(new QNetworkAccessManager(this))
{
    if (!token.isEmpty())
        m_authorization = "Bearer " + token.trimmed().toUtf8();
}

QNetworkRequest KappadClient::request(const QString &path) const
{
    QUrl url = m_baseUrl;
    url.setPath(path);
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    request.setRawHeader("Accept", "application/json");
    if (!m_authorization.isEmpty())
        request.setRawHeader("Authorization", m_authorization);
    return request;
}

QNetworkReply *KappadClient::get(const QString &path)
{
    return m_network->get(request(path));
}

QNetworkReply *KappadClient::post(const QString &path, const QByteArray &json)
{
    QNetworkRequest r = request(path);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    return m_network->post(r, json);
}

QNetworkReply *KappadClient::put(const QString &path, const QByteArray &json)
{
    QNetworkRequest r = request(path);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    return m_network->put(r, json);
}

void KappadClient::fail(QNetworkReply &reply, const QString &what, const ApiError &error)
{
    if (reply.operation() == QNetworkAccessManager::GetOperation)
        emit failed(what, error);
    else
        emit actionFailed(what, error);
}

std::optional<ApiError> KappadClient::errorOf(QNetworkReply &reply, const QByteArray &body)
{
    const QVariant status = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid()) // no HTTP answer at all: refused, timed out, reset
        return ApiError{QStringLiteral("Unreachable"), reply.errorString(), 0};
    const int code = status.toInt();
    if (code < 200 || code >= 300)
        return decodeError(code, body);
    return std::nullopt;
}

void KappadClient::fetchJobs()
{
    answer<JobsSnapshot>(get(QStringLiteral("/api/v1/jobs")), QStringLiteral("jobs"), decodeJobs,
                         &KappadClient::jobsReceived);
}

void KappadClient::fetchStatus()
{
    answer<ServiceStatus>(get(QStringLiteral("/api/v1/status")), QStringLiteral("status"), decodeStatus,
                          &KappadClient::statusReceived);
}

void KappadClient::fetchReplays()
{
    answer<QList<ReplayInfo>>(get(QStringLiteral("/api/v1/replays")), QStringLiteral("replays"),
                              decodeReplays, &KappadClient::replaysReceived);
}

void KappadClient::controlReplay(qint64 id, ReplayAction action, const QString &reason)
{
    const char *verb = action == ReplayAction::Pause    ? "pause"
                       : action == ReplayAction::Resume ? "resume"
                                                        : "cancel";
    QJsonObject body;
    if (action == ReplayAction::Cancel && !reason.isEmpty())
        body.insert(QStringLiteral("reason"), reason);
    const QString path = QStringLiteral("/api/v1/replays/%1/%2").arg(id).arg(QLatin1String(verb));
    answer<ReplayInfo>(post(path, QJsonDocument(body).toJson(QJsonDocument::Compact)),
                       QStringLiteral("%1 replay %2").arg(QLatin1String(verb)).arg(id), decodeReplay,
                       &KappadClient::replayChanged);
}

} // namespace kappa::console
