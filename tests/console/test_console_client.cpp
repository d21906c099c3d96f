// KappadClient against a real kappad --demo on loopback: answers decode into
// values, a wrong token and an absent kappad arrive as errors, nothing blocks.
#include "client/kappad_client.h"
#include "kappad_process.h"

#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace kappa::console;

class TestConsoleClient : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_kappad = std::make_unique<KappadProcess>(m_dir.filePath("data"), QStringList{"--demo"});
        QVERIFY2(m_kappad->started(), m_kappad->log().constData());
        m_url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_kappad->port()));
    }

    void jobsOfTheDemo()
    {
        KappadClient client(m_url, operatorToken());
        QSignalSpy received(&client, &KappadClient::jobsReceived);
        QSignalSpy failed(&client, &KappadClient::failed);
        // The live versions have figures once their tasks have reported.
        JobsSnapshot snapshot;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                client.fetchJobs();
                if (!received.wait(5000))
                    return false;
                snapshot = received.takeLast().at(0).value<JobsSnapshot>();
                for (const JobInfo &job : snapshot.jobs)
                    for (const JobVersionInfo &version : job.versions)
                        if (version.live && !version.figures)
                            return false;
                return true;
            }(),
            30000);
        QCOMPARE(failed.count(), 0);
        QStringList jobs;
        for (const JobInfo &job : snapshot.jobs) {
            jobs << job.job;
            QCOMPARE(job.liveVersion, QStringLiteral("v1"));
            QVERIFY(job.versions.size() >= 1);
            QVERIFY(job.versions[0].running);
        }
        jobs.sort();
        QCOMPARE(jobs, (QStringList{"business_metrics", "fraud", "user_features"}));
    }

    void statusOfTheDemo()
    {
        KappadClient client(m_url, QString()); // anonymous: the demo allows viewers on loopback
        QSignalSpy received(&client, &KappadClient::statusReceived);
        client.fetchStatus();
        QVERIFY(received.wait(10000));
        const ServiceStatus status = received.at(0).at(0).value<ServiceStatus>();
        QVERIFY(status.demoRate.has_value());
        QVERIFY(status.partitions > 0);
    }

    void wrongTokenIsAnError()
    {
        KappadClient client(m_url, QStringLiteral("not-a-token"));
        QSignalSpy failed(&client, &KappadClient::failed);
        client.fetchJobs();
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("jobs"));
        const ApiError error = failed.at(0).at(1).value<ApiError>();
        QCOMPARE(error.httpStatus, 401);
        QCOMPARE(error.code, QStringLiteral("Unauthenticated"));
    }

    void absentKappadIsUnreachable()
    {
        // A port that was just free: nothing listens on it.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        KappadClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), QString());
        QSignalSpy failed(&client, &KappadClient::failed);
        client.fetchStatus();
        QVERIFY(failed.wait(10000));
        const ApiError error = failed.at(0).at(1).value<ApiError>();
        QCOMPARE(error.code, QStringLiteral("Unreachable"));
        QCOMPARE(error.httpStatus, 0);
        QVERIFY(!error.message.isEmpty());
    }

    void replaysAreListedAndControlled()
    {
        // Launched over plain HTTP: the client only lists and controls replays so far.
        const std::string launch
            = R"({"spec":{"job":"fraud","version":"v1-copy","params":{}},"max_rate":2000})";
        httplib::Headers headers{{"Authorization", "Bearer " + operatorToken().toStdString()}};
        const httplib::Result launched = m_kappad->client()->Post("/api/v1/replays", headers, launch,
                                                                  "application/json");
        QVERIFY(launched && launched->status == 201);
        const qint64 id = QJsonDocument::fromJson(QByteArray::fromStdString(launched->body))["id"].toInteger();
        QVERIFY(id > 0);

        KappadClient client(m_url, operatorToken());
        QSignalSpy listed(&client, &KappadClient::replaysReceived);
        QSignalSpy changed(&client, &KappadClient::replayChanged);
        QSignalSpy failed(&client, &KappadClient::actionFailed);
        client.fetchReplays();
        QVERIFY(listed.wait(10000));
        const QList<ReplayInfo> replays = listed.at(0).at(0).value<QList<ReplayInfo>>();
        QCOMPARE(replays.size(), 1);
        QCOMPARE(replays[0].id, id);
        QCOMPARE(replays[0].version, QStringLiteral("v1-copy"));
        QCOMPARE(replays[0].maxRate, 2000.0);

        client.controlReplay(id, ReplayAction::Pause);
        QVERIFY(changed.wait(10000));
        QVERIFY(changed.takeFirst().at(0).value<ReplayInfo>().paused);
        client.controlReplay(id, ReplayAction::Resume);
        QVERIFY(changed.wait(10000));
        QVERIFY(!changed.takeFirst().at(0).value<ReplayInfo>().paused);

        // A viewer may look but not control.
        KappadClient viewer(m_url, QString());
        QSignalSpy refused(&viewer, &KappadClient::actionFailed);
        viewer.controlReplay(id, ReplayAction::Cancel);
        QVERIFY(refused.wait(10000));
        QCOMPARE(refused.at(0).at(0).toString(), QStringLiteral("cancel replay %1").arg(id));
        QCOMPARE(refused.at(0).at(1).value<ApiError>().httpStatus, 401);

        client.controlReplay(id, ReplayAction::Cancel, QStringLiteral("tried from the console test"));
        QVERIFY(changed.wait(10000));
        const ReplayInfo cancelled = changed.takeFirst().at(0).value<ReplayInfo>();
        QCOMPARE(cancelled.state, QStringLiteral("cancelled"));
        QVERIFY2(cancelled.reason.contains("tried from the console test"), qPrintable(cancelled.reason));
        QCOMPARE(failed.count(), 0);

        // Controlling an ended replay is kappad's error, passed on as it is.
        client.controlReplay(id, ReplayAction::Pause);
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.at(0).at(1).value<ApiError>().httpStatus, 404);
    }

    void cleanupTestCase()
    {
        if (m_kappad)
            QCOMPARE(m_kappad->stop(), 0);
    }

private:
    QString operatorToken() const
    {
        QFile file(m_dir.filePath("data/demo-operator.token"));
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed() : QString();
    }

    QTemporaryDir m_dir;
    std::unique_ptr<KappadProcess> m_kappad;
    QUrl m_url;
};

QTEST_GUILESS_MAIN(TestConsoleClient)
#include "test_console_client.moc"
