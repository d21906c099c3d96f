#include "client/kappad_client.h"

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

QNetworkReply *KappadClient::get(const QString &path)
{
    QUrl url = m_baseUrl;
    url.setPath(path);
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    request.setRawHeader("Accept", "application/json");
    if (!m_authorization.isEmpty())
        request.setRawHeader("Authorization", m_authorization);
    return m_network->get(request);
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

template<typename T, typename Decode, typename Signal>
void KappadClient::fetch(const QString &what, const QString &path, Decode decode, Signal received)
{
    QNetworkReply *reply = get(path);
    connect(reply, &QNetworkReply::finished, this, [this, reply, what, decode, received] {
        reply->deleteLater();
        const QByteArray body = reply->readAll();
        if (std::optional<ApiError> error = errorOf(*reply, body)) {
            emit failed(what, *error);
            return;
        }
        Decoded<T> decoded = decode(body);
        if (const ApiError *error = std::get_if<ApiError>(&decoded))
            emit failed(what, *error);
        else
            emit(this->*received)(std::get<T>(decoded));
    });
}

void KappadClient::fetchJobs()
{
    fetch<JobsSnapshot>(QStringLiteral("jobs"), QStringLiteral("/api/v1/jobs"), decodeJobs,
                        &KappadClient::jobsReceived);
}

void KappadClient::fetchStatus()
{
    fetch<ServiceStatus>(QStringLiteral("status"), QStringLiteral("/api/v1/status"), decodeStatus,
                         &KappadClient::statusReceived);
}

} // namespace kappa::console
