// kappad on a real Kafka broker, configured by its TOML file: it starts,
// runs the three jobs over the Kafka topic, answers /api/v1/jobs and a
// feature read, never logs a secret property, and stops cleanly. Bad Kafka
// settings are start-up errors (exit 2); `kappad --demo` works on Kafka too.
//
// Needs the shared broker (tests/kafka/broker): run through CTest. Every run
// uses topic names of its own.
#include "kafka_broker_address.h"
#include "kappactl_process.h"
#include "kappad_process.h"

#include <nlohmann/json.hpp>

#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using json = nlohmann::json;

namespace {

constexpr int kEvents = 20'000;
const char *const kSecret = "hunter2-never-logged";

// Events processed per running job, from GET /api/v1/jobs; empty if it failed.
std::map<std::string, std::int64_t> eventsByJob(httplib::Client &client)
{
    std::map<std::string, std::int64_t> out;
    httplib::Result r = client.Get("/api/v1/jobs");
    if (!r || r->status != 200)
        return out;
    const json jobs = json::parse(r->body); // named: a range over a temporary's member would dangle
    for (const json &job : jobs["jobs"])
        for (const json &version : job["versions"])
            if (version["running"].get<bool>())
                out[job["job"].get<std::string>()] += version["figures"]["events"].get<std::int64_t>();
    return out;
}

int runKappad(const QStringList &args, QByteArray *err)
{
    QProcess process;
    process.start(QStringLiteral(KAPPAD_PATH), args);
    if (!process.waitForFinished(60'000))
        return -1;
    *err = process.readAllStandardError();
    return process.exitCode();
}

} // namespace

class TestKafkaEngineKappad : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        KAPPA_KAFKA_BROKER_OR_SKIP(m_bootstrap);
        m_prefix = QStringLiteral("kappad-%1-%2.")
                       .arg(QCoreApplication::applicationPid())
                       .arg(QDateTime::currentMSecsSinceEpoch());
        QVERIFY(m_dir.isValid());
    }

    void servesJobsAndViewsFromKafka()
    {
        const QString data = m_dir.filePath(QStringLiteral("data"));
        const Run gen = kappactl(data, {"--kafka-bootstrap", m_bootstrap, "--kafka-topic-prefix", m_prefix,
                                        "gen", "--events", QString::number(kEvents), "--seed", "5"});
        QVERIFY2(gen.exitCode == 0, gen.err.constData());
        const QString config = writeConfig(QStringLiteral("kappad.toml"),
                                           QStringLiteral(
                                               "[log]\nkind = \"kafka\"\nbootstrap_servers = \"%1\"\n"
                                               "topic_prefix = \"%2\"\nlinger_ms = 1\n"
                                               "[log.kafka_properties]\n\"sasl.password\" = \"%3\"\n"
                                               "\"socket.keepalive.enable\" = true\n")
                                               .arg(m_bootstrap, m_prefix, QString::fromLatin1(kSecret)));

        KappadProcess kappad(data, {"--config", config, "--anonymous-loopback-viewer",
                                    "--checkpoint-interval-ms", "500"});
        QVERIFY2(kappad.started(), kappad.log().constData());
        auto client = kappad.client();
        const bool caughtUp = waitFor(
            [&] {
                const auto events = eventsByJob(*client);
                return events.size() == 3 && events.at("user_features") >= kEvents
                       && events.at("business_metrics") >= kEvents && events.at("fraud") >= kEvents;
            },
            120'000);
        QVERIFY2(caughtUp, client->Get("/api/v1/jobs")->body.c_str());

        // A user of the generated events, found through the Kafka log itself.
        const Run dump = kappactl(data, {"--kafka-bootstrap", m_bootstrap, "--kafka-topic-prefix", m_prefix,
                                         "log", "dump", "--limit", "1"});
        QVERIFY2(dump.exitCode == 0, dump.err.constData());
        const std::int64_t user = json::parse(dump.out.toStdString())["user_id"].get<std::int64_t>();
        const httplib::Result features = client->Get("/api/v1/views/features/" + std::to_string(user));
        QVERIFY(features);
        QVERIFY2(features->status == 200, features->body.c_str());
        QCOMPARE(json::parse(features->body)["data"]["user_id"].get<std::int64_t>(), user);

        QCOMPARE(kappad.stop(), 0);
        const QByteArray log = kappad.log();
        QVERIFY2(log.contains("\"event log opened\""), log.constData());
        QVERIFY2(log.contains("\"kind\":\"kafka\"") && log.contains("[redacted]"), log.constData());
        QVERIFY2(!log.contains(kSecret), "kappad logged a secret property");
    }

    void badKafkaSettingsStopTheStart()
    {
        const QString data = m_dir.filePath(QStringLiteral("data"));
        QByteArray err;
        // kafka without servers; an unknown kind; a property librdkafka rejects.
        const QString noServers = writeConfig(QStringLiteral("no-servers.toml"), "[log]\nkind = \"kafka\"\n");
        QCOMPARE(runKappad({"--data-dir", data, "--config", noServers}, &err), 2);
        QVERIFY2(err.contains("bootstrap_servers"), err.constData());
        const QString badKind = writeConfig(QStringLiteral("bad-kind.toml"), "[log]\nkind = \"kinesis\"\n");
        QCOMPARE(runKappad({"--data-dir", data, "--config", badKind}, &err), 2);
        QVERIFY2(err.contains("log.kind"), err.constData());
        const QString badProperty = writeConfig(QStringLiteral("bad-property.toml"),
                                                QStringLiteral(
                                                    "[log.kafka_properties]\n\"no.such.property\" = 1\n"
                                                    "\"ssl.key.password\" = \"%1\"\n")
                                                    .arg(QString::fromLatin1(kSecret)));
        QCOMPARE(runKappad({"--data-dir", data, "--config", badProperty, "--kafka-bootstrap", m_bootstrap},
                           &err),
                 2);
        QVERIFY2(err.contains("no.such.property"), err.constData());
        QVERIFY(!err.contains(kSecret));
    }

    // --demo on Kafka: the events topic is created on the cluster (8
    // partitions) and the demo producer appends to it live.
    void demoRunsOnKafka()
    {
        const QString prefix = m_prefix + QStringLiteral("demo.");
        KappadProcess kappad(m_dir.filePath(QStringLiteral("demo")),
                             {"--demo", "--demo-rate", "2000", "--kafka-bootstrap", m_bootstrap,
                              "--kafka-topic-prefix", prefix});
        QVERIFY2(kappad.started(), kappad.log().constData());
        auto client = kappad.client();
        QVERIFY2(waitFor(
                     [&] {
                         const auto events = eventsByJob(*client);
                         return events.size() == 3 && events.at("user_features") > 1000;
                     },
                     60'000),
                 client->Get("/api/v1/jobs")->body.c_str());
        QCOMPARE(kappad.stop(), 0);
        const Run info = kappactl(m_dir.filePath(QStringLiteral("demo")),
                                  {"--kafka-bootstrap", m_bootstrap, "--kafka-topic-prefix", prefix, "log",
                                   "info", "--json"});
        QVERIFY2(info.exitCode == 0, info.err.constData());
        std::map<std::string, std::size_t> partitions;
        const json parsed = json::parse(
            info.out.toStdString()); // named: a range over a temporary's member would dangle
        for (const json &topic : parsed["topics"])
            partitions[topic["topic"].get<std::string>()] = topic["partitions"].size();
        QCOMPARE(partitions["events"], std::size_t{8});
        QCOMPARE(partitions["fraud.v1.by-card"], std::size_t{8}); // the engine's rekey topics
        QCOMPARE(partitions["fraud.v1.by-merchant"], std::size_t{8});
    }

private:
    QString writeConfig(const QString &name, const QString &text)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(text.toUtf8());
        return path;
    }

    QString m_bootstrap;
    QString m_prefix;
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestKafkaEngineKappad)
#include "test_kafka_engine_kappad.moc"
