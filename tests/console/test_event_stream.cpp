// EventStream against a real kappad --demo on loopback: it receives metrics
// of the three jobs; after stop() and start() it resumes right after the last
// event it had (Last-Event-ID); a wrong token is final; when kappad stops it
// reports the loss and retries with growing delays, and when a kappad is
// started again on the same port and data directory it reconnects by itself.
#include "client/event_stream.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace kappa::console;

namespace {

// kappad --demo on a fixed loopback port, so that a second one can take the
// first one's place.
class Kappad
{
public:
    Kappad(const QString &dataDir, int port)
    {
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(QStringLiteral(KAPPAD_PATH),
                        {QStringLiteral("--data-dir"), dataDir, QStringLiteral("--listen"),
                         QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--demo")});
        const QDeadlineTimer deadline(30'000);
        while (!deadline.hasExpired() && !m_listening && m_process.state() != QProcess::NotRunning) {
            m_process.waitForReadyRead(100);
            m_log += m_process.readAllStandardError();
            for (const QByteArray &line : m_log.split('\n'))
                if (QJsonDocument::fromJson(line).object().value("msg").toString()
                    == QLatin1String("listening"))
                    m_listening = true;
        }
    }
    ~Kappad() { stop(); }

    bool listening() const { return m_listening; }
    QByteArray log() { return m_log += m_process.readAllStandardError(); }
    bool stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return true;
        ::kill(static_cast<pid_t>(m_process.processId()), SIGTERM);
        if (m_process.waitForFinished(30'000))
            return m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
        m_process.kill();
        m_process.waitForFinished(5000);
        return false;
    }

private:
    QProcess m_process;
    QByteArray m_log;
    bool m_listening = false;
};

int freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost);
    return probe.serverPort();
}

QStringList jobsOf(const MetricsSnapshot &snapshot)
{
    QStringList jobs;
    for (const StreamVersion &v : snapshot.versions)
        jobs << v.job;
    jobs.sort();
    return jobs;
}

} // namespace

class TestEventStream : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_port = freePort();
        m_kappad = std::make_unique<Kappad>(m_dir.filePath("data"), m_port);
        QVERIFY2(m_kappad->listening(), m_kappad->log().constData());
        m_url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
    }

    void metricsOfTheThreeJobs()
    {
        EventStream stream(m_url, QString()); // anonymous: the demo allows viewers on loopback
        QSignalSpy connected(&stream, &EventStream::connectedChanged);
        QSignalSpy metrics(&stream, &EventStream::metricsReceived);
        QSignalSpy bad(&stream, &EventStream::badEvent);
        stream.start();
        QCOMPARE(stream.state(), EventStream::State::Connecting);
        QVERIFY(connected.wait(10'000));
        QVERIFY(stream.isConnected());
        // The versions appear once their tasks have reported.
        MetricsSnapshot snapshot;
        const QDeadlineTimer deadline(30'000);
        while (jobsOf(snapshot) != QStringList{"business_metrics", "fraud", "user_features"}) {
            QVERIFY2(!deadline.hasExpired(), qPrintable(jobsOf(snapshot).join(',')));
            if (metrics.isEmpty())
                QVERIFY(metrics.wait(5000));
            snapshot = metrics.takeLast().at(0).value<MetricsSnapshot>();
        }
        QCOMPARE(bad.count(), 0);
        QVERIFY(snapshot.eventId > 0);
        QVERIFY(snapshot.timeMs > 0);
        QVERIFY(!snapshot.tasks.isEmpty());
        int withPosition = 0;
        for (const StreamTask &task : snapshot.tasks) {
            QVERIFY(task.task.contains('@'));
            if (task.position) {
                QVERIFY(*task.position >= 0);
                ++withPosition;
            }
        }
        qInfo("%d of %d stream tasks carry a position", withPosition, int(snapshot.tasks.size()));
        QCOMPARE(stream.lastEventId(), snapshot.eventId);
        // One snapshot per second.
        const int before = int(metrics.count());
        QTest::qWait(2500);
        QVERIFY(metrics.count() >= before + 2);
    }

    void resumesAfterTheLastEventItHad()
    {
        EventStream stream(m_url, QString());
        QList<qint64> ids;
        connect(&stream, &EventStream::metricsReceived, this,
                [&ids](const MetricsSnapshot &s) { ids.append(s.eventId); });
        connect(&stream, &EventStream::lifecycleReceived, this,
                [&ids](const LifecycleEvent &e) { ids.append(e.eventId); });
        stream.start();
        QTRY_VERIFY_WITH_TIMEOUT(!ids.isEmpty(), 10'000);
        stream.stop();
        const qint64 last = stream.lastEventId();
        QCOMPARE(last, ids.back());
        ids.clear();
        QTest::qWait(3000); // kappad publishes about three snapshots meanwhile
        stream.start();     // sends Last-Event-ID: last
        QTRY_VERIFY_WITH_TIMEOUT(ids.size() >= 3, 10'000);
        // What was missed comes first, in order, without a gap: kappad honoured Last-Event-ID.
        QCOMPARE(ids[0], last + 1);
        QCOMPARE(ids[1], last + 2);
        QCOMPARE(ids[2], last + 3);
    }

    void wrongTokenIsFinal()
    {
        EventStream stream(m_url, QStringLiteral("not-a-token"));
        QSignalSpy disconnected(&stream, &EventStream::disconnected);
        QSignalSpy scheduled(&stream, &EventStream::reconnectScheduled);
        stream.start();
        QVERIFY(disconnected.wait(10'000));
        const ApiError error = disconnected.at(0).at(0).value<ApiError>();
        QCOMPARE(error.httpStatus, 401);
        QCOMPARE(error.code, QStringLiteral("Unauthenticated"));
        QCOMPARE(stream.state(), EventStream::State::Failed);
        QTest::qWait(1500);
        QCOMPARE(scheduled.count(), 0);
        QCOMPARE(disconnected.count(), 1);
    }

    void reconnectsToARestartedKappad()
    {
        EventStream stream(m_url, QString());
        QSignalSpy connected(&stream, &EventStream::connectedChanged);
        QSignalSpy disconnected(&stream, &EventStream::disconnected);
        QSignalSpy scheduled(&stream, &EventStream::reconnectScheduled);
        QSignalSpy metrics(&stream, &EventStream::metricsReceived);
        QStringList lifecycle;
        connect(&stream, &EventStream::lifecycleReceived, this,
                [&lifecycle](const LifecycleEvent &e) { lifecycle << e.event; });
        stream.start();
        QTRY_VERIFY_WITH_TIMEOUT(metrics.count() >= 2, 10'000);

        QElapsedTimer clock;
        clock.start();
        QVERIFY(m_kappad->stop());
        QTRY_VERIFY_WITH_TIMEOUT(!disconnected.isEmpty(), 10'000);
        QVERIFY2(lifecycle.contains("stopping"), qPrintable(lifecycle.join(',')));
        QCOMPARE(disconnected.at(0).at(0).value<ApiError>().code, QStringLiteral("StreamEnded"));
        QCOMPARE(connected.last().at(0).toBool(), false);
        const qint64 lastId = stream.lastEventId();
        QVERIFY(lastId > 0);

        // Nobody listens: each attempt fails and the next waits about twice as long
        // (kappad asked for retry: 1000, so 1 s, 2 s, 4 s, each 80-100 % of that).
        QTRY_VERIFY_WITH_TIMEOUT(scheduled.count() >= 3, 15'000);
        QList<int> delays;
        for (const QList<QVariant> &args : scheduled)
            delays.append(args.at(0).toInt());
        QVERIFY2(delays[0] >= 800 && delays[0] <= 1000, qPrintable(QString::number(delays[0])));
        QVERIFY2(delays[1] > delays[0] && delays[2] > delays[1],
                 qPrintable(QStringLiteral("%1 %2 %3").arg(delays[0]).arg(delays[1]).arg(delays[2])));
        QCOMPARE(disconnected.last().at(0).value<ApiError>().code, QStringLiteral("Unreachable"));
        QCOMPARE(stream.state(), EventStream::State::Waiting);
        QVERIFY(stream.nextRetryInMs() > 0);

        // A new kappad on the same port and data directory: the stream comes back by itself.
        metrics.clear();
        const qint64 restartedMs = QDateTime::currentMSecsSinceEpoch();
        m_kappad = std::make_unique<Kappad>(m_dir.filePath("data"), m_port);
        QVERIFY2(m_kappad->listening(), m_kappad->log().constData());
        QTRY_VERIFY_WITH_TIMEOUT(stream.isConnected(), 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(!metrics.isEmpty(), 10'000);
        // It sent Last-Event-ID (lastId), which the new kappad, whose ids start again at 1,
        // does not know: it starts afresh with its own newest snapshot.
        QVERIFY(metrics.at(0).at(0).value<MetricsSnapshot>().timeMs >= restartedMs - 1000);
        QCOMPARE(stream.failedAttempts(), 0);
        qInfo("stream back %lld ms after kappad was stopped", clock.elapsed());
    }

    void cleanupTestCase()
    {
        if (m_kappad)
            QVERIFY(m_kappad->stop());
    }

private:
    QTemporaryDir m_dir;
    int m_port = 0;
    std::unique_ptr<Kappad> m_kappad;
    QUrl m_url;
};

QTEST_GUILESS_MAIN(TestEventStream)
#include "test_event_stream.moc"
