// EventStream against a scripted SSE server on loopback, for what a real
// kappad cannot be made to do on demand: go silent without closing, answer
// 503 or 403, dribble an event byte by byte. The request carries the token
// and, on reconnection, Last-Event-ID; the backoff grows and resets after a
// good connection.
#include "client/event_stream.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <functional>

using namespace kappa::console;

namespace {

const QByteArray kOk = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                       "Connection: close\r\n\r\n";

QByteArray errorAnswer(int status, const QByteArray &code)
{
    const QByteArray body = R"({"code":")" + code + R"(","message":"scripted"})";
    return "HTTP/1.1 " + QByteArray::number(status) + " Scripted\r\nContent-Type: application/json\r\n"
           + "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

QByteArray metricsEvent(int id)
{
    return "id: " + QByteArray::number(id) + "\nevent: metrics\ndata: {\"ts_ms\":"
           + QByteArray::number(1000 * id) + ",\"versions\":[],\"tasks\":[{\"task\":\"a@v/0\",\"position\":"
           + QByteArray::number(id) + ",\"lag_records\":1,\"lag_seconds\":0,\"processing_rate\":0}]}\n\n";
}

// Accepts connections, keeps each request's head, and lets the test answer.
class ScriptedServer : public QObject
{
public:
    using Handler = std::function<void(QTcpSocket *socket, int connection)>;

    explicit ScriptedServer(Handler handler)
        : m_handler(std::move(handler))
    {
        m_server.listen(QHostAddress::LocalHost);
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                auto *buffer = new QByteArray;
                QObject::connect(socket, &QObject::destroyed, [buffer] { delete buffer; });
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
                    if (buffer->contains("\r\n\r\n"))
                        return; // the head was handled
                    buffer->append(socket->readAll());
                    if (!buffer->contains("\r\n\r\n"))
                        return;
                    m_requests.append(buffer->left(buffer->indexOf("\r\n\r\n")));
                    m_sockets.append(socket);
                    m_handler(socket, static_cast<int>(m_requests.size()) - 1);
                });
            }
        });
    }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    const QList<QByteArray> &requests() const { return m_requests; }
    QByteArray header(int request, const QByteArray &name) const
    {
        for (const QByteArray &line : m_requests.value(request).split('\n'))
            if (line.toLower().startsWith(name.toLower() + ":"))
                return line.mid(name.size() + 1).trimmed();
        return {};
    }

private:
    Handler m_handler;
    QTcpServer m_server;
    QList<QByteArray> m_requests;
    QList<QPointer<QTcpSocket>> m_sockets;
};

void closeLater(QTcpSocket *socket, int ms)
{
    QTimer::singleShot(ms, socket, [socket] { socket->disconnectFromHost(); });
}

} // namespace

class TestEventStreamFaults : public QObject
{
    Q_OBJECT

private slots:
    void silentStreamIsReopenedWithLastEventId()
    {
        ScriptedServer server([](QTcpSocket *socket, int) {
            socket->write(kOk + metricsEvent(7)); // then nothing: no events, no keep-alives
        });
        EventStream stream(server.url(), QStringLiteral("s3cret"));
        stream.setSilenceTimeout(400);
        stream.setBackoff(50, 200);
        QSignalSpy metrics(&stream, &EventStream::metricsReceived);
        QSignalSpy disconnected(&stream, &EventStream::disconnected);
        QSignalSpy connected(&stream, &EventStream::connectedChanged);
        stream.start();
        QVERIFY(metrics.wait(5000));
        QCOMPARE(metrics.at(0).at(0).value<MetricsSnapshot>().eventId, 7);
        QCOMPARE(metrics.at(0).at(0).value<MetricsSnapshot>().tasks.value(0).position,
                 std::optional<qint64>(7));
        QCOMPARE(stream.lastEventId(), 7);
        QVERIFY(disconnected.wait(3000));
        QCOMPARE(disconnected.at(0).at(0).value<ApiError>().code, QStringLiteral("StreamSilent"));
        QCOMPARE(connected.at(0).at(0).toBool(), true);
        QCOMPARE(connected.at(1).at(0).toBool(), false);
        QTRY_VERIFY_WITH_TIMEOUT(server.requests().size() >= 2, 5000);
        QCOMPARE(server.header(0, "Authorization"), QByteArray("Bearer s3cret"));
        QCOMPARE(server.header(0, "Accept"), QByteArray("text/event-stream"));
        QVERIFY(server.header(0, "Last-Event-ID").isEmpty()); // a first connection has none
        QCOMPARE(server.header(1, "Last-Event-ID"), QByteArray("7"));
        QVERIFY(server.requests()[0].startsWith("GET /api/v1/stream HTTP/1.1"));
        stream.stop();
        QCOMPARE(stream.state(), EventStream::State::Stopped);
        QCOMPARE(stream.nextRetryInMs(), -1);
    }

    void keepAlivesKeepItOpen()
    {
        ScriptedServer server([](QTcpSocket *socket, int) {
            socket->write(kOk);
            auto *timer = new QTimer(socket);
            QObject::connect(timer, &QTimer::timeout, socket, [socket] { socket->write(": keep-alive\n\n"); });
            timer->start(100);
        });
        EventStream stream(server.url(), QString());
        stream.setSilenceTimeout(1000); // ten keep-alive periods: robust on a busy machine
        QSignalSpy disconnected(&stream, &EventStream::disconnected);
        stream.start();
        QTRY_VERIFY_WITH_TIMEOUT(stream.isConnected(), 5000);
        QTest::qWait(2500);
        QCOMPARE(disconnected.count(), 0);
        QVERIFY(stream.isConnected());
        QVERIFY(server.header(0, "Authorization").isEmpty()); // anonymous
    }

    void eventDribbledByteByByte()
    {
        const QByteArray events
            = "retry: 60000\n\n" + metricsEvent(1) + ": keep-alive\r\n\r\n"
              + "id: 2\r\nevent: lifecycle\r\ndata: {\"event\":\"stopping\",\"ts_ms\":5}\r\n\r\n"
              + "event: metrics\ndata: {\"broken\":true}\n\n" + metricsEvent(3);
        ScriptedServer server([events](QTcpSocket *socket, int) {
            socket->write(kOk);
            auto *timer = new QTimer(socket);
            auto *sent = new qsizetype(0);
            QObject::connect(timer, &QObject::destroyed, [sent] { delete sent; });
            QObject::connect(timer, &QTimer::timeout, socket, [socket, timer, events, sent] {
                if (*sent == events.size()) {
                    timer->stop();
                    return;
                }
                socket->write(events.mid((*sent)++, 1));
                socket->flush();
            });
            timer->start(0);
        });
        EventStream stream(server.url(), QString());
        QSignalSpy metrics(&stream, &EventStream::metricsReceived);
        QSignalSpy lifecycle(&stream, &EventStream::lifecycleReceived);
        QSignalSpy bad(&stream, &EventStream::badEvent);
        stream.start();
        QTRY_COMPARE_WITH_TIMEOUT(metrics.count(), 2, 10000);
        QCOMPARE(lifecycle.count(), 1);
        QCOMPARE(lifecycle.at(0).at(0).value<LifecycleEvent>().event, QStringLiteral("stopping"));
        QCOMPARE(lifecycle.at(0).at(0).value<LifecycleEvent>().eventId, 2);
        QCOMPARE(bad.count(), 1); // the broken one is reported and skipped
        QVERIFY(bad.at(0).at(0).value<ApiError>().message.contains("ts_ms is missing"));
        QCOMPARE(metrics.at(1).at(0).value<MetricsSnapshot>().eventId, 3);
    }

    void serverErrorsAreRetriedWithGrowingDelays()
    {
        // Three refusals, then a good connection that ends, then refusals again.
        ScriptedServer server([](QTcpSocket *socket, int connection) {
            if (connection == 3) {
                socket->write(kOk + metricsEvent(1));
                closeLater(socket, 50);
            } else {
                socket->write(errorAnswer(503, "Unavailable"));
                closeLater(socket, 0);
            }
        });
        EventStream stream(server.url(), QString());
        stream.setBackoff(100, 800);
        QSignalSpy scheduled(&stream, &EventStream::reconnectScheduled);
        QSignalSpy disconnected(&stream, &EventStream::disconnected);
        QSignalSpy metrics(&stream, &EventStream::metricsReceived);
        stream.start();
        QTRY_VERIFY_WITH_TIMEOUT(scheduled.count() >= 5, 10000);
        stream.stop();
        QList<int> delays;
        for (const QList<QVariant> &args : scheduled)
            delays.append(args.at(0).toInt());
        // 100, 200, 400 (each 80-100 % of its step), then after the good connection 100 again.
        QVERIFY2(delays[0] >= 80 && delays[0] <= 100, qPrintable(QString::number(delays[0])));
        QVERIFY2(delays[1] >= 160 && delays[1] <= 200, qPrintable(QString::number(delays[1])));
        QVERIFY2(delays[2] >= 320 && delays[2] <= 400, qPrintable(QString::number(delays[2])));
        QVERIFY(delays[0] < delays[1] && delays[1] < delays[2]);
        QCOMPARE(metrics.count(), 1);
        QVERIFY2(delays[3] >= 80 && delays[3] <= 100, qPrintable(QString::number(delays[3])));
        QVERIFY2(delays[4] >= 160 && delays[4] <= 200, qPrintable(QString::number(delays[4])));
        const ApiError first = disconnected.at(0).at(0).value<ApiError>();
        QCOMPARE(first.httpStatus, 503);
        QCOMPARE(first.code, QStringLiteral("Unavailable"));
        QCOMPARE(disconnected.at(3).at(0).value<ApiError>().code, QStringLiteral("StreamEnded"));
    }

    void delaysStopGrowingAtTheMaximum()
    {
        ScriptedServer server([](QTcpSocket *socket, int) {
            socket->write(errorAnswer(503, "Unavailable"));
            closeLater(socket, 0);
        });
        EventStream stream(server.url(), QString());
        stream.setBackoff(20, 80);
        QSignalSpy scheduled(&stream, &EventStream::reconnectScheduled);
        stream.start();
        QTRY_VERIFY_WITH_TIMEOUT(scheduled.count() >= 6, 10000);
        for (qsizetype i = 2; i < scheduled.size(); ++i)
            QVERIFY(scheduled.at(i).at(0).toInt() >= 64 && scheduled.at(i).at(0).toInt() <= 80);
        QVERIFY(stream.nextRetryInMs() <= 80);
    }

    void forbiddenIsFinal()
    {
        ScriptedServer server([](QTcpSocket *socket, int) {
            socket->write(errorAnswer(403, "PermissionDenied"));
            closeLater(socket, 0);
        });
        EventStream stream(server.url(), QStringLiteral("viewer-less"));
        stream.setBackoff(10, 20);
        QSignalSpy disconnected(&stream, &EventStream::disconnected);
        QSignalSpy scheduled(&stream, &EventStream::reconnectScheduled);
        stream.start();
        QVERIFY(disconnected.wait(5000));
        QCOMPARE(disconnected.at(0).at(0).value<ApiError>().httpStatus, 403);
        QCOMPARE(stream.state(), EventStream::State::Failed);
        QTest::qWait(200);
        QCOMPARE(scheduled.count(), 0);
        QCOMPARE(server.requests().size(), 1);
        QCOMPARE(stream.nextRetryInMs(), -1);
    }
};

QTEST_GUILESS_MAIN(TestEventStreamFaults)
#include "test_event_stream_faults.moc"
