// The engine on a real Kafka broker, through kappactl: the same sample events
// generated into Kafka and into an embedded data directory, the three jobs
// run to the end of each log, and every view dumped: the two are
// byte-identical. Also checks the topics the engine created on the cluster
// (the fraud job's rekey topics, with the events topic's partition count),
// the topic prefix, and the Kafka cases of the LocalLog-specific commands.
//
// Needs the shared broker (tests/kafka/broker): run through CTest. Every run
// uses topic names of its own (a prefix with the pid and the time).
#include "kafka_broker_address.h"
#include "kappactl_process.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {

constexpr int kEvents = 200'000;
constexpr int kPartitions = 8;
const QStringList kJobs = {QStringLiteral("user_features"), QStringLiteral("fraud"),
                           QStringLiteral("business_metrics")};

// Topic name -> partition count, from `log info --json`.
QMap<QString, int> topicPartitions(const QByteArray &infoJson)
{
    QMap<QString, int> out;
    for (const QJsonValue &topic : parseObject(infoJson).value(QStringLiteral("topics")).toArray())
        out.insert(topic[QStringLiteral("topic")].toString(),
                   topic[QStringLiteral("partitions")].toArray().size());
    return out;
}

qint64 recordsOf(const QByteArray &infoJson, const QString &topicName)
{
    qint64 records = 0;
    for (const QJsonValue &topic : parseObject(infoJson).value(QStringLiteral("topics")).toArray())
        if (topic[QStringLiteral("topic")].toString() == topicName)
            for (const QJsonValue &partition : topic[QStringLiteral("partitions")].toArray())
                records += partition[QStringLiteral("records")].toInteger();
    return records;
}

} // namespace

class TestKafkaEngine : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        KAPPA_KAFKA_BROKER_OR_SKIP(m_bootstrap);
        m_prefix = QStringLiteral("e2e-%1-%2.")
                       .arg(QCoreApplication::applicationPid())
                       .arg(QDateTime::currentMSecsSinceEpoch());
        QVERIFY(m_dir.isValid());
    }

    // The heart of it: views computed from Kafka equal views computed from the embedded log.
    void viewsFromKafkaEqualViewsFromTheEmbeddedLog()
    {
        const QString embedded = m_dir.filePath(QStringLiteral("embedded"));
        const QString kafka = m_dir.filePath(QStringLiteral("kafka"));
        const QStringList gen = {QStringLiteral("gen"),       QStringLiteral("--events"),
                                 QString::number(kEvents),    QStringLiteral("--seed"),
                                 QStringLiteral("20240601"),  QStringLiteral("--days"),
                                 QStringLiteral("2"),         QStringLiteral("--partitions"),
                                 QString::number(kPartitions)};
        const Run genEmbedded = kappactl(embedded, gen);
        QVERIFY2(genEmbedded.exitCode == 0, genEmbedded.err.constData());
        const Run genKafka = kappactl(kafka, kafkaArgs() + gen);
        QVERIFY2(genKafka.exitCode == 0, genKafka.err.constData());
        QVERIFY2(genKafka.out.contains("into Kafka at " + m_bootstrap.toUtf8()), genKafka.out.constData());
        QVERIFY(!QFileInfo::exists(kafka + QStringLiteral("/log"))); // only the catalog is local

        const QStringList run = {QStringLiteral("run"), QStringLiteral("--jobs"), QStringLiteral("all"),
                                 QStringLiteral("--until-caught-up"), QStringLiteral("--json")};
        const Run runEmbedded = kappactl(embedded, run);
        QVERIFY2(runEmbedded.exitCode == 0, runEmbedded.err.constData());
        const Run runKafka = kappactl(kafka, kafkaArgs() + run, 600'000);
        QVERIFY2(runKafka.exitCode == 0, runKafka.err.constData());
        qInfo("run --until-caught-up: embedded %s s, Kafka %s s",
              qPrintable(
                  QString::number(parseObject(runEmbedded.out).value(QStringLiteral("seconds")).toDouble())),
              qPrintable(
                  QString::number(parseObject(runKafka.out).value(QStringLiteral("seconds")).toDouble())));

        for (const QString &job : kJobs) {
            const QStringList dump = {QStringLiteral("views"), QStringLiteral("dump"), job,
                                      QStringLiteral("--format"), QStringLiteral("jsonl")};
            const Run expected = kappactl(embedded, dump);
            QVERIFY2(expected.exitCode == 0, expected.err.constData());
            const Run actual = kappactl(kafka, kafkaArgs() + dump);
            QVERIFY2(actual.exitCode == 0, actual.err.constData());
            QVERIFY2(lines(expected.out).size() > 100, qPrintable(job));
            const QString difference = firstDifference(expected.out, actual.out);
            QVERIFY2(difference.isEmpty(), qPrintable(job + QStringLiteral(": ") + difference));
        }
    }

    // The engine created the fraud job's rekey topics on the cluster, with the
    // events topic's partition count, under the prefix; and nothing else.
    void engineCreatedItsTopicsOnKafka()
    {
        const QString kafka = m_dir.filePath(QStringLiteral("kafka"));
        const Run info = kappactl(kafka, kafkaArgs() + QStringList{"log", "info", "--json"});
        QVERIFY2(info.exitCode == 0, info.err.constData());
        const QMap<QString, int> topics = topicPartitions(info.out);
        const QMap<QString, int> expected = {{"events", kPartitions},
                                             {"fraud.v1.by-card", kPartitions},
                                             {"fraud.v1.by-merchant", kPartitions}};
        QCOMPARE(topics, expected);
        QCOMPARE(recordsOf(info.out, QStringLiteral("events")), qint64(kEvents));
        QVERIFY(recordsOf(info.out, QStringLiteral("fraud.v1.by-merchant")) > 0);
        // Kafka reports no segments or bytes to clients: null, not a made-up 0.
        QVERIFY(info.out.contains("\"segments\": null"));

        // Without the prefix the same cluster has the topic under its real
        // name. (Read one topic, not `log info` over the whole shared broker:
        // suites running beside this one create and delete topics there, and
        // one deleted between the listing and its description would fail
        // `log info` with NotFound. Reading the transactional topics other
        // suites leave there is tested in test_kafka_transactional_read.)
        const Run unprefixed = kappactl(kafka, {"--kafka-bootstrap", m_bootstrap, "log", "dump", "--topic",
                                                m_prefix + QStringLiteral("events"), "--limit", "1"});
        QVERIFY2(unprefixed.exitCode == 0, unprefixed.err.constData());
        QCOMPARE(lines(unprefixed.out).size(), 1);
        const Run bare = kappactl(kafka, {"--kafka-bootstrap", m_bootstrap, "log", "dump", "--topic",
                                          QStringLiteral("fraud.v1.by-card"), "--limit", "1"});
        QCOMPARE(bare.exitCode, 3); // not found: no such topic without the prefix
    }

    void logCommandsOnKafka()
    {
        const QString kafka = m_dir.filePath(QStringLiteral("kafka"));
        const Run dump = kappactl(kafka, kafkaArgs()
                                             + QStringList{"log", "dump", "--partition", "3", "--limit", "5"});
        QVERIFY2(dump.exitCode == 0, dump.err.constData());
        QCOMPARE(lines(dump.out).size(), 5);
        QCOMPARE(parseObject(lines(dump.out).first()).value(QStringLiteral("offset")).toInteger(), 0);
        // The same records as in the embedded log, but for the append time.
        const Run same = kappactl(m_dir.filePath(QStringLiteral("embedded")),
                                  {"log", "dump", "--partition", "3", "--limit", "5"});
        QCOMPARE(withoutAppendTimes(same.out), withoutAppendTimes(dump.out));
        // Segment files are the embedded log's: verify does not apply (exit 4).
        const Run verify = kappactl(kafka, kafkaArgs() + QStringList{"log", "verify"});
        QCOMPARE(verify.exitCode, 4);
        QVERIFY2(verify.err.contains("embedded log"), verify.err.constData());
    }

    // One engine per data directory also with Kafka (engine.lock: exit 7 for
    // the second), and a mistyped data directory is not created (exit 3).
    void dataDirectoryStaysExclusiveAndIsNotCreated()
    {
        const QString kafka = m_dir.filePath(QStringLiteral("kafka"));
        QProcess tailing; // `run` without --until-caught-up tails until SIGTERM
        tailing.start(QStringLiteral(KAPPACTL_PATH),
                      QStringList{"--data-dir", kafka} + kafkaArgs() + QStringList{"run", "--jobs", "all"});
        QVERIFY(tailing.waitForStarted());
        QTest::qWait(3000); // past its open: the lock is taken before the jobs start
        QCOMPARE(tailing.state(), QProcess::Running);
        const Run second = kappactl(kafka, kafkaArgs() + QStringList{"run", "--until-caught-up"});
        QCOMPARE(second.exitCode, 7);
        QVERIFY2(second.err.contains("in use"), second.err.constData());
        ::kill(static_cast<pid_t>(tailing.processId()), SIGTERM);
        QVERIFY(tailing.waitForFinished(60'000));
        QCOMPARE(tailing.exitCode(), 0);

        const QString missing = m_dir.filePath(QStringLiteral("typo"));
        const Run run = kappactl(missing, kafkaArgs() + QStringList{"run", "--until-caught-up"});
        QCOMPARE(run.exitCode, 3);
        QVERIFY(!QFileInfo::exists(missing));
    }

    void badSettingsAreUsageErrors()
    {
        const QString kafka = m_dir.filePath(QStringLiteral("kafka"));
        const Run property = kappactl(kafka, kafkaArgs()
                                                 + QStringList{"--kafka-property", "no.such.property=1",
                                                               "--kafka-property", "sasl.password=hunter2-x",
                                                               "log", "info"});
        QCOMPARE(property.exitCode, 2);
        QVERIFY2(property.err.contains("no.such.property"), property.err.constData());
        QVERIFY(!property.err.contains("hunter2"));
        const Run embeddedProperty = kappactl(kafka,
                                              {"--kafka-property", "security.protocol=SSL", "log", "info"});
        QCOMPARE(embeddedProperty.exitCode, 2);
        const Run prefix = kappactl(kafka,
                                    kafkaArgs() + QStringList{"--kafka-topic-prefix", "a/b", "log", "info"});
        QCOMPARE(prefix.exitCode, 2);

        // --config reads kappad's file: its data_dir and [log] table.
        const QString config = m_dir.filePath(QStringLiteral("kappad.toml"));
        QFile file(config);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("data_dir = \"%1\"\n[log]\nkind = \"kafka\"\nbootstrap_servers = \"%2\"\n"
                                  "topic_prefix = \"%3\"\n")
                       .arg(kafka, m_bootstrap, m_prefix)
                       .toUtf8());
        file.close();
        QProcess process;
        process.start(QStringLiteral(KAPPACTL_PATH), {"--config", config, "views", "dump", "fraud"});
        QVERIFY(process.waitForFinished(120'000));
        QCOMPARE(process.exitCode(), 0);
        QVERIFY(lines(process.readAllStandardOutput()).size() > 100);
    }

    // Last: views drop deletes the version's rekey topics from the cluster.
    void dropDeletesTheRekeyTopics()
    {
        const QString kafka = m_dir.filePath(QStringLiteral("kafka"));
        const Run drop = kappactl(kafka, kafkaArgs() + QStringList{"views", "drop", "fraud@v1", "--force"});
        QVERIFY2(drop.exitCode == 0, drop.err.constData());
        const Run info = kappactl(kafka, kafkaArgs() + QStringList{"log", "info", "--json"});
        QCOMPARE(topicPartitions(info.out).keys(), QStringList{QStringLiteral("events")});
    }

private:
    QStringList kafkaArgs() const
    {
        return {QStringLiteral("--kafka-bootstrap"), m_bootstrap, QStringLiteral("--kafka-topic-prefix"),
                m_prefix};
    }

    static QByteArray withoutAppendTimes(const QByteArray &jsonl)
    {
        QByteArray out;
        for (const QByteArray &line : lines(jsonl)) {
            QJsonObject record = parseObject(line);
            record.remove(QStringLiteral("append_ts_ms"));
            out += QJsonDocument(record).toJson(QJsonDocument::Compact) + '\n';
        }
        return out;
    }

    QString m_bootstrap;
    QString m_prefix;
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestKafkaEngine)
#include "test_kafka_engine.moc"
