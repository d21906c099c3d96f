#include "client/event_stream.h"

#include "client/api_decode.h"
#include "client/dashboard_decode.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>

namespace kappa::console {

EventStream::EventStream(QUrl baseUrl, QString token, QObject *parent)
    : QObject(parent)
    , m_baseUrl(std::move(baseUrl))
    , m_network(new QNetworkAccessManager(this)) // its own: the stream holds one connection for good
    , m_silence(new QTimer(this))
    , m_retry(new QTimer(this))
{
    if (!token.isEmpty())
        m_authorization = "Bearer " + token.trimmed().toUtf8();
    m_silence->setSingleShot(true);
    m_retry->setSingleShot(true);
    connect(m_silence, &QTimer::timeout, this, &EventStream::onSilence);
    connect(m_retry, &QTimer::timeout, this, &EventStream::open);
}

EventStream::~EventStream()
{
    dropReply();
}

void EventStream::setBackoff(int initialMs, int maxMs)
{
    m_initialDelayMs = std::max(1, initialMs);
    m_maxDelayMs = std::max(m_initialDelayMs, maxMs);
}

qint64 EventStream::lastEventId() const
{
    return m_parser.lastEventId().toLongLong();
}

int EventStream::nextRetryInMs() const
{
    return m_retry->isActive() ? std::max(0, m_retry->remainingTime()) : -1;
}

void EventStream::start()
{
    if (m_state == State::Connecting || m_state == State::Connected || m_state == State::Waiting)
        return;
    m_failures = 0;
    open();
}

void EventStream::stop()
{
    m_retry->stop();
    const bool wasConnected = m_state == State::Connected;
    dropReply();
    setState(State::Stopped);
    if (wasConnected)
        emit connectedChanged(false);
}

void EventStream::open()
{
    dropReply();
    m_parser.restart();
    m_silent = false;
    m_delivered = false;

    QUrl url = m_baseUrl;
    url.setPath(QStringLiteral("/api/v1/stream"));
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "text/event-stream");
    request.setRawHeader("Cache-Control", "no-cache");
    if (!m_authorization.isEmpty())
        request.setRawHeader("Authorization", m_authorization);
    if (!m_parser.lastEventId().isEmpty())
        request.setRawHeader("Last-Event-ID", m_parser.lastEventId());
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setTransferTimeout(0); // an endless answer: the silence timer watches it instead

    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &EventStream::onMetaData);
    connect(m_reply, &QNetworkReply::readyRead, this, &EventStream::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &EventStream::onFinished);
    m_silence->start(m_silenceTimeoutMs);
    setState(State::Connecting);
}

void EventStream::onMetaData()
{
    if (!m_reply || m_state != State::Connecting)
        return;
    m_silence->start(m_silenceTimeoutMs);
    if (m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
        return; // the error body is read when the reply finishes
    setState(State::Connected);
    emit connectedChanged(true);
}

void EventStream::onReadyRead()
{
    if (!m_reply || m_state != State::Connected)
        return; // an error answer's body: read in onFinished
    m_silence->start(m_silenceTimeoutMs);
    dispatch(m_parser.feed(m_reply->readAll()));
}

void EventStream::dispatch(const QList<SseEvent> &events)
{
    const QPointer<QNetworkReply> reply = m_reply;
    for (const SseEvent &event : events) {
        if (!reply || reply != m_reply)
            return; // a receiver stopped or restarted the stream
        if (!m_delivered) {
            m_delivered = true;
            m_failures = 0; // a good connection: the next failure starts the backoff afresh
        }
        const qint64 id = event.lastId.toLongLong();
        if (event.type == QLatin1String("metrics")) {
            Decoded<MetricsSnapshot> decoded = decodeMetricsEvent(event.data, id);
            if (const ApiError *error = std::get_if<ApiError>(&decoded))
                emit badEvent(*error);
            else
                emit metricsReceived(std::get<MetricsSnapshot>(decoded));
        } else if (event.type == QLatin1String("lifecycle")) {
            Decoded<LifecycleEvent> decoded = decodeLifecycleEvent(event.data, id);
            if (const ApiError *error = std::get_if<ApiError>(&decoded))
                emit badEvent(*error);
            else
                emit lifecycleReceived(std::get<LifecycleEvent>(decoded));
        } // other types: a newer kappad's, not for this console
    }
}

void EventStream::onSilence()
{
    if (!m_reply)
        return;
    m_silent = true;
    m_reply->abort(); // finishes the reply: onFinished reports and reconnects
}

void EventStream::onFinished()
{
    QNetworkReply *reply = qobject_cast<QNetworkReply *>(sender());
    if (!reply || reply != m_reply)
        return;
    m_silence->stop();
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const bool wasConnected = m_state == State::Connected;
    ApiError error;
    if (m_silent) {
        error = ApiError{QStringLiteral("StreamSilent"),
                         tr("no event and no keep-alive from kappad for %1 s").arg(m_silenceTimeoutMs / 1000.0),
                         0};
    } else if (wasConnected || status.toInt() == 200) {
        dispatch(m_parser.feed(reply->readAll())); // whatever came with the end
        if (reply != m_reply)
            return;
        error = ApiError{QStringLiteral("StreamEnded"), tr("kappad ended the event stream"), 0};
    } else if (!status.isValid()) {
        error = ApiError{QStringLiteral("Unreachable"), reply->errorString(), 0};
    } else {
        error = decodeError(status.toInt(), reply->readAll());
    }
    dropReply();
    if (wasConnected)
        emit connectedChanged(false);
    const bool refused = error.httpStatus == 401 || error.httpStatus == 403;
    setState(refused ? State::Failed : State::Waiting);
    emit disconnected(error);
    if (!refused && m_state == State::Waiting) // a receiver may have stopped it
        scheduleRetry();
}

void EventStream::scheduleRetry()
{
    const int initial = m_parser.retryMs() ? std::clamp(*m_parser.retryMs(), 1, m_maxDelayMs)
                                           : m_initialDelayMs;
    const int doublings = std::min(m_failures, 20);
    const qint64 step = std::min<qint64>(qint64(initial) << doublings, m_maxDelayMs);
    const int delay = static_cast<int>(step * (0.8 + 0.2 * QRandomGenerator::global()->generateDouble()));
    ++m_failures;
    m_retry->start(delay);
    emit reconnectScheduled(delay);
}

void EventStream::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void EventStream::dropReply()
{
    m_silence->stop();
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
}

} // namespace kappa::console
