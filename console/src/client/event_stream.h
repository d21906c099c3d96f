// EventStream: kappad's live Server-Sent-Events stream (GET /api/v1/stream)
// as signals carrying decoded values: a MetricsSnapshot per stream interval
// (one second by default) and the lifecycle events.
//
// Contract:
// - start() opens the stream and keeps it open until stop(): when it ends,
//   fails or goes silent, `disconnected` says why and it reconnects by itself
//   after a delay that doubles from the initial delay (the server's `retry:`
//   time if it sent one, else 0.5 s) up to 15 s, with jitter (each delay is
//   80–100 % of its step), and starts again from the initial delay once a
//   connection has delivered an event. A reconnection sends Last-Event-ID, so
//   that kappad replays what was missed as far as its journal holds it.
// - 401 and 403 are final (a wrong token does not improve by retrying): the
//   state becomes Failed and `disconnected` carries kappad's error; start()
//   tries again (a new token needs a new EventStream).
// - A stream without any bytes (events or ": keep-alive" comments, which kappad
//   sends after 5 s without events) for longer than the silence timeout,
//   3 × 5 s by default, counts as lost and is reopened.
// - A malformed event is reported with `badEvent` and skipped; the stream stays.
//
// Threading: lives on the thread that created it (the GUI thread) and emits
// there; nothing blocks, all network work is asynchronous.
#pragma once

#include "client/api_types.h"
#include "client/dashboard_types.h"
#include "client/sse_parser.h"

#include <QObject>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace kappa::console {

class EventStream : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Stopped,    // not started, or stop() was called
        Connecting, // the request is out, no answer yet
        Connected,  // kappad answered 200 and the stream is open
        Waiting,    // waiting to reconnect (nextRetryInMs())
        Failed,     // refused for good (401, 403); start() tries again
    };
    Q_ENUM(State)

    static constexpr int kDefaultSilenceTimeoutMs = 15000; // 3 × kappad's 5 s keep-alive
    static constexpr int kDefaultInitialDelayMs = 500;
    static constexpr int kDefaultMaxDelayMs = 15000;

    // baseUrl: scheme, host and port of kappad. An empty token: anonymous.
    EventStream(QUrl baseUrl, QString token, QObject *parent = nullptr);
    ~EventStream() override;

    QUrl baseUrl() const { return m_baseUrl; }

    // Opens the stream (does nothing while it is open or reconnecting).
    void start();
    // Closes the stream and stops reconnecting; the last event id is kept, so
    // a later start() resumes after it.
    void stop();

    State state() const { return m_state; }
    bool isConnected() const { return m_state == State::Connected; }
    // The id of the last event received (0: none yet).
    qint64 lastEventId() const;
    // Milliseconds until the next reconnection attempt; -1 when none is scheduled.
    int nextRetryInMs() const;
    // Attempts in a row that failed (0 after a connection that delivered an event).
    int failedAttempts() const { return m_failures; }

    // For tests and special deployments; the defaults are the constants above.
    void setSilenceTimeout(int milliseconds) { m_silenceTimeoutMs = milliseconds; }
    void setBackoff(int initialMs, int maxMs);

signals:
    void metricsReceived(const kappa::console::MetricsSnapshot &snapshot);
    void lifecycleReceived(const kappa::console::LifecycleEvent &event);
    void connectedChanged(bool connected);
    // The stream ended or could not be opened: code Unreachable (no HTTP
    // answer), StreamEnded (kappad closed it, e.g. when stopping), StreamSilent
    // (no bytes within the silence timeout), or kappad's error code.
    void disconnected(const kappa::console::ApiError &error);
    // A reconnection is scheduled in `delayMs`.
    void reconnectScheduled(int delayMs);
    void stateChanged(kappa::console::EventStream::State state);
    // An event whose data could not be decoded (code BadAnswer); it was skipped.
    void badEvent(const kappa::console::ApiError &error);

private:
    void open();
    void onMetaData();
    void onReadyRead();
    void onFinished();
    void onSilence();
    void dispatch(const QList<SseEvent> &events);
    void scheduleRetry();
    void setState(State state);
    void dropReply();

    QUrl m_baseUrl;
    QByteArray m_authorization;
    QNetworkAccessManager *m_network;
    QNetworkReply *m_reply = nullptr;
    QTimer *m_silence;
    QTimer *m_retry;
    SseParser m_parser;
    State m_state = State::Stopped;
    int m_failures = 0;
    bool m_silent = false;    // the watchdog aborted the current reply
    bool m_delivered = false; // the current connection delivered an event
    int m_silenceTimeoutMs = kDefaultSilenceTimeoutMs;
    int m_initialDelayMs = kDefaultInitialDelayMs;
    int m_maxDelayMs = kDefaultMaxDelayMs;
};

} // namespace kappa::console
