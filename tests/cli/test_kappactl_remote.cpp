// kappactl --url against a running `kappad --demo` on loopback: status, jobs
// and get answered by the server, and the documented exit code and a clear
// message for each way it can go wrong (unknown user, bad URL, nothing
// listening, a token kappad rejects, --url missing or misapplied).
#include "kappactl_process.h"
#include "kappad_process.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

namespace {

using CtlRun = Run;

// `kappactl args...` with KAPPA_TOKEN removed from the environment unless `token` is given.
CtlRun kappactl(const QStringList &args, const QString &token = {})
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("KAPPA_TOKEN"));
    if (!token.isEmpty())
        env.insert(QStringLiteral("KAPPA_TOKEN"), token);
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(KAPPACTL_PATH), args);
    if (!process.waitForFinished(120'000))
        qFatal("kappactl did not finish");
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace

class TestKappactlRemote : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_dataDir = m_dir.path() + "/demo";
        m_kappad = std::make_unique<KappadProcess>(m_dataDir, QStringList{"--demo"});
        QVERIFY2(m_kappad->started(), m_kappad->log().constData());
        m_url = QStringLiteral("http://127.0.0.1:%1").arg(m_kappad->port());
        m_tokenFile = m_dataDir + "/demo-operator.token";
        QVERIFY2(QFile::exists(m_tokenFile), qPrintable(m_tokenFile));

        // The demo producer and the jobs need a moment: find a user with a features row.
        auto client = m_kappad->client();
        QDeadlineTimer deadline(90'000);
        while (m_user == 0 && !deadline.hasExpired()) {
            for (int id = 1; id <= 200 && m_user == 0; ++id) {
                const httplib::Result row = client->Get("/api/v1/views/features/" + std::to_string(id));
                if (row && row->status == 200)
                    m_user = id;
            }
            if (m_user == 0)
                QThread::msleep(250);
        }
        QVERIFY2(m_user != 0, "no user among ids 1..200 got a features row within 90 s");
    }

    void cleanupTestCase()
    {
        if (m_kappad)
            QCOMPARE(m_kappad->stop(), 0);
    }

    void statusTableAndJson()
    {
        const CtlRun table = kappactl({"--url", m_url, "--token-file", m_tokenFile, "status"});
        QVERIFY2(table.exitCode == 0, table.err.constData());
        QVERIFY2(table.out.contains("ready") && table.out.contains("health") && table.out.contains("demo"),
                 table.out.constData());

        const CtlRun json = kappactl({"--url", m_url, "--token-file", m_tokenFile, "status", "--json"});
        QVERIFY2(json.exitCode == 0, json.err.constData());
        const QJsonObject status = parseObject(json.out);
        QCOMPARE(status.value("service").toString(), QStringLiteral("kappad"));
        QVERIFY(status.value("events_topic").toObject().value("partitions").toInt() > 0);
        QVERIFY2(json.out.count('\n') > 5, "--json is pretty-printed, one field a line");
    }

    void jobsTableJsonAndTasks()
    {
        const CtlRun table = kappactl({"--url", m_url, "--token-file", m_tokenFile, "jobs"});
        QVERIFY2(table.exitCode == 0, table.err.constData());
        for (const char *job : {"user_features@", "fraud@", "business_metrics@"})
            QVERIFY2(table.out.contains(job), table.out.constData());

        const CtlRun json = kappactl({"--url", m_url, "--token-file", m_tokenFile, "jobs", "--json"});
        QVERIFY2(json.exitCode == 0, json.err.constData());
        const QJsonArray jobs = parseObject(json.out).value("jobs").toArray();
        QCOMPARE(jobs.size(), 3);
        const QJsonObject features = jobs.at(0).toObject();
        QCOMPARE(features.value("job").toString(), QStringLiteral("user_features"));
        const QString live = features.value("live_version").toString();
        QVERIFY(!live.isEmpty());

        const CtlRun tasks = kappactl({"--url", m_url, "jobs", "user_features@" + live});
        QVERIFY2(tasks.exitCode == 0, tasks.err.constData());
        QVERIFY2(tasks.out.startsWith("task"), tasks.out.constData());
        QVERIFY2(lines(tasks.out).size() > 1, tasks.out.constData());

        const CtlRun unknown = kappactl({"--url", m_url, "jobs", "user_features@nope"});
        QCOMPARE(unknown.exitCode, 3);
        QVERIFY2(unknown.err.contains("HTTP 404 NotFound"), unknown.err.constData());
    }

    void getFeaturesFraudAndMetrics()
    {
        const CtlRun features = kappactl(
            {"--url", m_url, "--token-file", m_tokenFile, "get", "features", QString::number(m_user)});
        QVERIFY2(features.exitCode == 0, features.err.constData());
        QCOMPARE(lines(features.out).size(), 1);
        QVERIFY2(!parseObject(features.out).isEmpty(), features.out.constData());

        // Token from the environment instead of a file; anonymous would also pass on loopback,
        // so a wrong one proves it is sent.
        QFile tokenFile(m_tokenFile);
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        const QString token = QString::fromUtf8(tokenFile.readLine().trimmed());
        const CtlRun viaEnv = kappactl({"--url", m_url, "get", "features", QString::number(m_user)}, token);
        QVERIFY2(viaEnv.exitCode == 0, viaEnv.err.constData());
        const CtlRun badEnv = kappactl({"--url", m_url, "status"}, QStringLiteral("kappa_wrong"));
        QCOMPARE(badEnv.exitCode, 2);
        QVERIFY2(badEnv.err.contains("401"), badEnv.err.constData());

        const CtlRun missing = kappactl({"--url", m_url, "get", "features", "987654321"});
        QCOMPARE(missing.exitCode, 3);
        QVERIFY2(missing.err.contains("HTTP 404 NotFound") && missing.err.contains("987654321"),
                 missing.err.constData());
        QVERIFY(missing.out.isEmpty());

        const CtlRun fraud = kappactl({"--url", m_url, "get", "fraud", "987654321"});
        QCOMPARE(fraud.exitCode, 3);

        const CtlRun wrongVersion = kappactl(
            {"--url", m_url, "get", "features", QString::number(m_user), "--version", "v-none"});
        QCOMPARE(wrongVersion.exitCode, 3);
        QVERIFY2(wrongVersion.err.contains("v-none"), wrongVersion.err.constData());

        const QString to = QString::number(QDateTime::currentMSecsSinceEpoch() + 3'600'000);
        const CtlRun jsonl = kappactl({"--url", m_url, "get", "metrics", "--from", "0", "--to", to});
        QVERIFY2(jsonl.exitCode == 0, jsonl.err.constData());
        for (const QByteArray &line : lines(jsonl.out))
            QVERIFY2(parseObject(line).contains("window_start_ms"), line.constData());
        const CtlRun csv = kappactl({"--url", m_url, "get", "metrics", "--from", "0", "--to", to, "--format",
                                     "csv", "--category", "0"});
        QVERIFY2(csv.exitCode == 0, csv.err.constData());
        QVERIFY2(csv.out.startsWith("window_start_ms,category_id,"), csv.out.constData());

        const CtlRun backwards = kappactl({"--url", m_url, "get", "metrics", "--from", "10", "--to", "5"});
        QCOMPARE(backwards.exitCode, 2);
        const CtlRun country = kappactl(
            {"--url", m_url, "get", "metrics", "--from", "0", "--to", to, "--country", "DE"});
        QCOMPARE(country.exitCode, 2);
    }

    void rejectedTokenFile()
    {
        const QString bad = m_dir.path() + "/bad.token";
        QVERIFY(writeFile(bad, "kappa_not_a_real_token\n"));
        const CtlRun run = kappactl(
            {"--url", m_url, "--token-file", bad, "get", "features", QString::number(m_user)});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        QVERIFY2(run.err.contains("HTTP 401 Unauthenticated") && run.err.contains("not valid"),
                 run.err.constData());
        QVERIFY2(!run.err.contains("kappa_not_a_real_token"), "the token must never be printed");

        const CtlRun absent = kappactl(
            {"--url", m_url, "--token-file", m_dir.path() + "/none.token", "status"});
        QCOMPARE(absent.exitCode, 3);
        QVERIFY2(absent.err.contains("none.token"), absent.err.constData());

        const QString empty = m_dir.path() + "/empty.token";
        QVERIFY(writeFile(empty, "\n"));
        const CtlRun blank = kappactl({"--url", m_url, "--token-file", empty, "status"});
        QCOMPARE(blank.exitCode, 2);
        QVERIFY2(blank.err.contains("empty"), blank.err.constData());
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("status without --url") << QStringList{"status"} << QByteArray("--url");
        QTest::newRow("jobs without --url") << QStringList{"jobs"} << QByteArray("--url");
        QTest::newRow("ftp scheme") << QStringList{"--url", "ftp://127.0.0.1:1", "status"}
                                    << QByteArray("http:// or https://");
        QTest::newRow("no scheme") << QStringList{"--url", "127.0.0.1:8080", "status"}
                                   << QByteArray("not a kappad URL");
        QTest::newRow("bad port") << QStringList{"--url", "http://127.0.0.1:99999", "status"}
                                  << QByteArray("port");
        QTest::newRow("a path") << QStringList{"--url", "http://127.0.0.1:8080/api", "status"}
                                << QByteArray("no path");
        QTest::newRow("token file without --url")
            << QStringList{"--token-file", "x", "status"} << QByteArray("--url");
        QTest::newRow("offline-only command")
            << QStringList{"--url", "http://127.0.0.1:1", "log", "info"}
            << QByteArray("--url applies to status, jobs, get and the reprocessing commands");
        QTest::newRow("--url with --data-dir")
            << QStringList{"--url", "http://127.0.0.1:1", "--data-dir", "/tmp", "status"}
            << QByteArray("excludes");
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, message);
        const CtlRun run = kappactl(args);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(message), run.err.constData());
    }

    // Last: stops kappad, then nothing listens on its port.
    void unreachable()
    {
        const QString url = m_url;
        QCOMPARE(m_kappad->stop(), 0);
        m_kappad.reset();
        const CtlRun run = kappactl({"--url", url, "status"});
        QCOMPARE(run.exitCode, 7);
        QVERIFY2(run.err.contains("cannot reach kappad at " + url.toUtf8()), run.err.constData());
    }

private:
    QTemporaryDir m_dir;
    QString m_dataDir;
    std::unique_ptr<KappadProcess> m_kappad;
    QString m_url;
    QString m_tokenFile;
    int m_user = 0;
};

QTEST_APPLESS_MAIN(TestKappactlRemote)
#include "test_kappactl_remote.moc"
