// ServiceConfig's SLO tables: the defaults match DESIGN.md's targets, the
// TOML tables override them per pipeline, every bad value is an
// InvalidArgument naming the key, and a file with an error changes nothing.
// Also checks that the packaged example config parses to the defaults.
#include "service/config.h"

#include "test_support.h"

#include <QFile>

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
    }
};

QTEST_APPLESS_MAIN(TestServiceConfig)
#include "test_service_config.moc"
