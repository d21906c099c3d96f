// ServiceConfig's SLO tables: the defaults match DESIGN.md's targets, the
// TOML tables override them per pipeline, every bad value is an
// InvalidArgument naming the key, and a file with an error changes nothing.
// Also checks that the packaged example config parses to the defaults.
#include "service/config.h"
#include "service/event_log_factory.h"

#include "test_support.h"

#include <QFile>
#include <QFileInfo>

using namespace kappa;
using namespace kappa::service;

namespace {

const std::map<std::string, double> kDefaultLatencyMillis = {{"user_features", 100.0},
                                                             {"fraud", 100.0},
                                                             {"business_metrics", 1000.0}};
const std::map<std::string, double> kDefaultLagSeconds = {{"user_features", 2.0},
                                                          {"fraud", 2.0},
                                                          {"business_metrics", 60.0}};

} // namespace

class TestServiceConfig : public QObject
{
    Q_OBJECT

private slots:
    void defaultsAreTheDesignTargets()
    {
        const ServiceConfig config;
        QCOMPARE(config.latencySloMillis, kDefaultLatencyMillis);
        QCOMPARE(config.reprocessing.sloSeconds, kDefaultLagSeconds);
        KAPPA_VERIFY_OK(config.validate());
    }

    void tablesOverrideOnePipelineEach()
    {
        ServiceConfig config;
        KAPPA_VERIFY_OK(applyConfigToml("[slo.latency_p99_ms]\nfraud = 250\nbusiness_metrics = 1500.5\n"
                                        "[reprocessing.slo_seconds]\nuser_features = 3.5\n",
                                        "test.toml", config));
        QCOMPARE(config.latencySloMillis.at("fraud"), 250.0); // an integer is a number too
        QCOMPARE(config.latencySloMillis.at("business_metrics"), 1500.5);
        QCOMPARE(config.latencySloMillis.at("user_features"), 100.0);
        QCOMPARE(config.reprocessing.sloSeconds.at("user_features"), 3.5);
        QCOMPARE(config.reprocessing.sloSeconds.at("fraud"), 2.0);
        KAPPA_VERIFY_OK(config.validate());
    }

    void badValuesAreErrorsNamingTheKey_data()
    {
        QTest::addColumn<QByteArray>("toml");
        QTest::addColumn<QString>("named");
        QTest::newRow("zero") << QByteArray("[slo.latency_p99_ms]\nfraud = 0\n")
                              << "slo.latency_p99_ms.fraud";
        QTest::newRow("negative") << QByteArray("[slo.latency_p99_ms]\nfraud = -5.0\n")
                                  << "slo.latency_p99_ms.fraud";
        QTest::newRow("infinite") << QByteArray("[slo.latency_p99_ms]\nuser_features = inf\n")
                                  << "slo.latency_p99_ms.user_features";
        QTest::newRow("not a number") << QByteArray("[slo.latency_p99_ms]\nuser_features = nan\n")
                                      << "slo.latency_p99_ms.user_features";
        QTest::newRow("a string") << QByteArray("[slo.latency_p99_ms]\nfraud = \"100\"\n")
                                  << "slo.latency_p99_ms.fraud";
        QTest::newRow("unknown pipeline")
            << QByteArray("[slo.latency_p99_ms]\nfeatures = 100\n") << "slo.latency_p99_ms.features";
        QTest::newRow("unknown slo") << QByteArray("[slo.latency_p50_ms]\nfraud = 100\n")
                                     << "slo.latency_p50_ms";
        QTest::newRow("slo not a table") << QByteArray("slo = 5\n") << "slo";
        QTest::newRow("latency not a table")
            << QByteArray("[slo]\nlatency_p99_ms = 100\n") << "slo.latency_p99_ms";
        QTest::newRow("lag zero") << QByteArray("[reprocessing.slo_seconds]\nfraud = 0\n")
                                  << "reprocessing.slo_seconds.fraud";
        QTest::newRow("lag infinite")
            << QByteArray("[reprocessing.slo_seconds]\nfraud = inf\n") << "reprocessing.slo_seconds.fraud";
    }

    void badValuesAreErrorsNamingTheKey()
    {
        QFETCH(QByteArray, toml);
        QFETCH(QString, named);
        ServiceConfig config;
        const Status status = applyConfigToml(toml.toStdString(), "test.toml", config);
        QCOMPARE(status.code(), StatusCode::InvalidArgument);
        QVERIFY2(QString::fromStdString(status.message()).contains("'" + named + "'"),
                 status.message().c_str());
        QVERIFY(status.message().find("test.toml") != std::string::npos);
        // Applied to a copy: nothing changed.
        QCOMPARE(config.latencySloMillis, kDefaultLatencyMillis);
        QCOMPARE(config.reprocessing.sloSeconds, kDefaultLagSeconds);
    }

    void validateRejectsAMissingSlo()
    {
        ServiceConfig config;
        config.latencySloMillis.erase("fraud");
        QCOMPARE(config.validate().code(), StatusCode::InvalidArgument);
        config = ServiceConfig();
        config.reprocessing.sloSeconds["business_metrics"] = -1.0;
        QCOMPARE(config.validate().code(), StatusCode::InvalidArgument);
    }

    void packagedConfigStatesTheDefaults()
    {
        const QByteArray source = qgetenv("KAPPA_SOURCE_DIR");
        QVERIFY2(!source.isEmpty(), "KAPPA_SOURCE_DIR is not set (run through CTest)");
        ServiceConfig config;
        KAPPA_VERIFY_OK(applyConfigFile(source.toStdString() + "/packaging/kappad.toml", config));
        QCOMPARE(config.latencySloMillis, kDefaultLatencyMillis);
        QCOMPARE(config.reprocessing.sloSeconds, kDefaultLagSeconds);
        QVERIFY(config.log == LogSettings()); // the [log] keys are documented, commented out
    }

    // [log]: the embedded log by default; a Kafka table with every key.
    void logTableSelectsKafka()
    {
        ServiceConfig config;
        QCOMPARE(config.log.kind, LogKind::Embedded);
        KAPPA_VERIFY_OK(
            applyConfigToml("[log]\nkind = \"kafka\"\nbootstrap_servers = [\"k1:9092\", \"k2:9093\"]\n"
                            "topic_prefix = \"prod.eu-1_\"\nreplication_factor = 3\nlinger_ms = 0\n"
                            "batch_size = 65536\ncompression = \"zstd\"\n"
                            "[log.kafka_properties]\n\"security.protocol\" = \"SASL_SSL\"\n"
                            "\"socket.keepalive.enable\" = true\n\"retries\" = 7\n",
                            "test.toml", config));
        KAPPA_VERIFY_OK(config.validate());
        QCOMPARE(config.log.kind, LogKind::Kafka);
        QCOMPARE(config.log.bootstrapServers, std::string("k1:9092,k2:9093"));
        QCOMPARE(config.log.topicPrefix, std::string("prod.eu-1_"));
        QCOMPARE(config.log.replicationFactor, std::int16_t{3});
        QCOMPARE(config.log.linger.count(), 0);
        QCOMPARE(config.log.batchBytes, 65536);
        QCOMPARE(config.log.compression, std::string("zstd"));
        const std::map<std::string, std::string> properties = {{"security.protocol", "SASL_SSL"},
                                                               {"socket.keepalive.enable", "true"},
                                                               {"retries", "7"}};
        QCOMPARE(config.log.kafkaProperties, properties);
    }

    // Errors found while reading the file (parse) or when the whole config is checked (validate).
    void badLogSettingsAreErrors_data()
    {
        QTest::addColumn<QByteArray>("toml");
        QTest::addColumn<bool>("atParse");
        QTest::addColumn<QString>("named");
        QTest::newRow("unknown kind") << QByteArray("[log]\nkind = \"pulsar\"\n") << true << "log.kind";
        QTest::newRow("unknown key") << QByteArray("[log]\nbootstrap = \"k:1\"\n") << true << "log.bootstrap";
        QTest::newRow("log not a table") << QByteArray("log = \"kafka\"\n") << true << "'log'";
        QTest::newRow("properties not a table")
            << QByteArray("[log]\nkafka_properties = 5\n") << true << "log.kafka_properties";
        QTest::newRow("property value an array")
            << QByteArray("[log.kafka_properties]\n\"ssl.ca.location\" = [1]\n") << true
            << "log.kafka_properties.ssl.ca.location";
        QTest::newRow("linger out of range")
            << QByteArray("[log]\nlinger_ms = -1\n") << true << "log.linger_ms";
        QTest::newRow("batch zero") << QByteArray("[log]\nbatch_size = 0\n") << true << "log.batch_size";
        QTest::newRow("kafka without servers")
            << QByteArray("[log]\nkind = \"kafka\"\n") << false << "log.bootstrap_servers";
        QTest::newRow("empty server")
            << QByteArray("[log]\nkind = \"kafka\"\nbootstrap_servers = \"k:1,,k:2\"\n") << false
            << "log.bootstrap_servers";
        QTest::newRow("kafka key with embedded")
            << QByteArray("[log]\nbootstrap_servers = \"k:1\"\n") << false << "log.bootstrap_servers";
        QTest::newRow("property with embedded")
            << QByteArray("[log.kafka_properties]\n\"acks\" = \"1\"\n") << false << "log.kafka_properties";
        QTest::newRow("bad compression")
            << QByteArray("[log]\nkind = \"kafka\"\nbootstrap_servers = \"k:1\"\ncompression = \"brotli\"\n")
            << false << "log.compression";
        QTest::newRow("bad prefix") << QByteArray("[log]\nkind = \"kafka\"\nbootstrap_servers = \"k:1\"\n"
                                                  "topic_prefix = \"prod/\"\n")
                                    << false << "log.topic_prefix";
        QTest::newRow("owned property") << QByteArray("[log]\nkind = \"kafka\"\nbootstrap_servers = \"k:1\"\n"
                                                      "[log.kafka_properties]\n\"linger.ms\" = 50\n")
                                        << false << "log.linger_ms";
        const QByteArray kafka("[log]\nkind = \"kafka\"\nbootstrap_servers = \"k:1\"\n");
        QTest::newRow("cluster unknown key") << kafka + "[cluster]\nname = \"x\"\n" << true << "cluster.name";
        QTest::newRow("cluster not a table") << QByteArray("cluster = \"x\"\n") << true << "'cluster'";
        QTest::newRow("cluster on the embedded log")
            << QByteArray("[cluster]\ngroup = \"prod\"\n") << false << "cluster.group";
        QTest::newRow("cluster group with a slash") << kafka + "[cluster]\ngroup = \"a/b\"\n"
                                                    << false << "cluster.group";
        QTest::newRow("instance id without a group") << kafka + "[cluster]\ninstance_id = \"a\"\n"
                                                     << false << "cluster.instance_id";
    }

    void clusterTableJoinsAGroup()
    {
        ServiceConfig config;
        KAPPA_VERIFY_OK(applyConfigToml("[log]\nkind = \"kafka\"\nbootstrap_servers = \"k:1\"\n"
                                        "[cluster]\ngroup = \"prod\"\ninstance_id = \"kappa-1\"\n",
                                        "test.toml", config));
        KAPPA_VERIFY_OK(config.validate());
        QVERIFY(config.cluster.enabled());
        QCOMPARE(config.cluster.group, std::string("prod"));
        QCOMPARE(config.cluster.instanceId, std::string("kappa-1"));
    }

    void badLogSettingsAreErrors()
    {
        QFETCH(QByteArray, toml);
        QFETCH(bool, atParse);
        QFETCH(QString, named);
        ServiceConfig config;
        const Status parsed = applyConfigToml(toml.toStdString(), "test.toml", config);
        const Status status = atParse ? parsed : config.validate();
        QVERIFY2(atParse || parsed.isOk(), parsed.toString().c_str());
        QCOMPARE(status.code(), StatusCode::InvalidArgument);
        QVERIFY2(QString::fromStdString(status.message()).contains(named), status.message().c_str());
    }

    void kafkaPropertyFlags()
    {
        std::map<std::string, std::string> properties;
        KAPPA_VERIFY_OK(addKafkaProperty("sasl.mechanism=SCRAM-SHA-512", properties));
        KAPPA_VERIFY_OK(addKafkaProperty("ssl.key.password=a=b", properties)); // the first '=' splits
        QCOMPARE(properties.at("sasl.mechanism"), std::string("SCRAM-SHA-512"));
        QCOMPARE(properties.at("ssl.key.password"), std::string("a=b"));
        const Status noEquals = addKafkaProperty("hunter2", properties);
        QCOMPARE(noEquals.code(), StatusCode::InvalidArgument);
        QVERIFY(noEquals.message().find("hunter2") == std::string::npos); // it may have been a secret
        QCOMPARE(addKafkaProperty("=x", properties).code(), StatusCode::InvalidArgument);
    }

    void secretsAreNeverShown()
    {
        for (const char *name : {"sasl.password", "ssl.key.password", "ssl.keystore.password", "ssl.key.pem",
                                 "sasl.oauthbearer.client.secret", "sasl.oauthbearer.config"})
            QVERIFY2(isSecretKafkaProperty(name), name);
        for (const char *name : {"security.protocol", "sasl.username", "sasl.mechanism", "ssl.ca.location"})
            QVERIFY2(!isSecretKafkaProperty(name), name);
        LogSettings log;
        log.kind = LogKind::Kafka;
        log.bootstrapServers = "k:1";
        log.kafkaProperties = {{"sasl.username", "alice"}, {"sasl.password", "hunter2-Secret"}};
        const std::string shown = describeLogSettings(log).dump();
        QVERIFY2(shown.find("hunter2") == std::string::npos, shown.c_str());
        QVERIFY2(shown.find("alice") != std::string::npos, shown.c_str());
        QCOMPARE(redactSecrets("bad value hunter2-Secret, twice: hunter2-Secret", log),
                 std::string("bad value [redacted], twice: [redacted]"));
    }

    // librdkafka checks the pass-through properties before any connection is
    // tried: no broker is needed to see the error, and secrets stay out of it.
    void badPropertyFailsTheOpen()
    {
        QTemporaryDir dir;
        LogSettings log;
        log.kind = LogKind::Kafka;
        log.bootstrapServers = "127.0.0.1:1";
        log.kafkaProperties = {{"no.such.property", "1"}, {"sasl.password", "hunter2-Secret"}};
        LogAccess access;
        access.readOnly = true;
        Result<std::unique_ptr<EventLog>> opened = openEventLog(log, dir.path().toStdString(), access);
        QCOMPARE(opened.status().code(), StatusCode::InvalidArgument);
        QVERIFY2(opened.status().message().find("no.such.property") != std::string::npos,
                 opened.status().message().c_str());
        QVERIFY(opened.status().message().find("hunter2") == std::string::npos);
        log.kafkaProperties = {{"acks", "1"}}; // KafkaLog relies on acks=all
        opened = openEventLog(log, dir.path().toStdString(), access);
        QCOMPARE(opened.status().code(), StatusCode::InvalidArgument);
        QVERIFY2(opened.status().message().find("acks") != std::string::npos,
                 opened.status().message().c_str());
    }

    // An exclusive open of a data directory that does not exist is NotFound, for either log.
    void missingDataIsNotCreated()
    {
        QTemporaryDir dir;
        const std::string missing = dir.path().toStdString() + "/typo";
        LogAccess access;
        access.exclusive = true;
        QCOMPARE(openEventLog(LogSettings(), missing, access).status().code(), StatusCode::NotFound);
        LogSettings kafka;
        kafka.kind = LogKind::Kafka;
        kafka.bootstrapServers = "127.0.0.1:1";
        QCOMPARE(openEventLog(kafka, missing, access).status().code(), StatusCode::NotFound);
        QVERIFY(!QFileInfo::exists(QString::fromStdString(missing)));
    }
};

QTEST_APPLESS_MAIN(TestServiceConfig)
#include "test_service_config.moc"
