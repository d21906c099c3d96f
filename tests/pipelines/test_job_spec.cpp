// Job specs: good and bad documents, and every file in resources/jobs.
#include "pipelines/job_spec.h"
#include "test_support.h"

#include <QDir>
#include <QFile>

using namespace kappa;
using namespace kappa::pipelines;

namespace {

// A compact description of a parsed spec for the tables.
QString describe(const JobSpec &spec)
{
    QString out = QString::fromStdString(spec.job + "@" + spec.version);
    if (const auto *u = std::get_if<UserFeaturesParams>(&spec.params)) {
        out += QStringLiteral(" views_7d=%1 top_categories_7d=%2").arg(u->views7d).arg(u->topCategories7d);
    } else if (const auto *f = std::get_if<FraudParams>(&spec.params)) {
        out += QStringLiteral(" bias=%1 weights=").arg(f->bias);
        QStringList w;
        for (double weight : f->weights)
            w << QString::number(weight);
        out += w.join(QLatin1Char(','));
        out += QStringLiteral(" threshold=%1 zscore=%2").arg(f->flagThreshold).arg(f->amountZscore);
    } else if (const auto *m = std::get_if<BusinessMetricsParams>(&spec.params)) {
        out += QStringLiteral(" lateness=%1 per_country=%2").arg(m->allowedLatenessMs).arg(m->perCountry);
    }
    return out;
}

QString sourceDir()
{
    const QByteArray dir = qgetenv("KAPPA_SOURCE_DIR");
    return dir.isEmpty() ? QStringLiteral(QT_TESTCASE_SOURCEDIR "/../..") : QString::fromLocal8Bit(dir);
}

} // namespace

class TestJobSpec : public QObject
{
    Q_OBJECT

private slots:
    void test_pipelines_job_spec_good_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("user_features defaults") << R"({"job":"user_features","version":"v1","params":{}})"
                                                << "user_features@v1 views_7d=0 top_categories_7d=0";
        QTest::newRow("params may be left out") << R"({"job":"user_features","version":"v1"})"
                                                << "user_features@v1 views_7d=0 top_categories_7d=0";
        QTest::newRow("user_features v2") << R"({"job":"user_features","version":"v2","description":"x",
                                                  "params":{"views_7d":true,"top_categories_7d":true}})"
                                          << "user_features@v2 views_7d=1 top_categories_7d=1";
        QTest::newRow("fraud defaults")
            << R"({"job":"fraud","version":"v1"})"
            << "fraud@v1 bias=-6 weights=0.9,0.05,0.001,0.6,1.2,0.3,0 threshold=0.8 "
               "zscore=0";
        QTest::newRow("fraud weights left out are 0")
            << R"({"job":"fraud","version":"v3","params":{"bias":-1,"weights":{"txn_1m":2},"flag_threshold":0.5}})"
            << "fraud@v3 bias=-1 weights=2,0,0,0,0,0,0 threshold=0.5 zscore=0";
        QTest::newRow("fraud z-score")
            << R"({"job":"fraud","version":"v2","params":{"amount_zscore":true,"weights":{"amount_zscore":0.5}}})"
            << "fraud@v2 bias=-6 weights=0,0,0,0,0,0,0.5 threshold=0.8 zscore=1";
        QTest::newRow("metrics defaults") << R"({"job":"business_metrics","version":"v1"})"
                                          << "business_metrics@v1 lateness=300000 per_country=0";
        QTest::newRow("metrics v2")
            << R"({"job":"business_metrics","version":"2.0-rc_1","params":{"allowed_lateness_ms":0,"per_country":true}})"
            << "business_metrics@2.0-rc_1 lateness=0 per_country=1";
    }

    void test_pipelines_job_spec_good()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        KAPPA_ASSIGN_OR_FAIL(JobSpec spec, parseJobSpec(json.toStdString()));
        QCOMPARE(describe(spec), expected);
    }

    void test_pipelines_job_spec_bad_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message"); // must start the error message
        QTest::newRow("not JSON") << "{\"job\":"
                                  << "spec: not valid JSON";
        QTest::newRow("not an object") << "[1]"
                                       << "spec: must be a JSON object";
        QTest::newRow("no job") << R"({"version":"v1"})"
                                << "job: missing";
        QTest::newRow("job not a string") << R"({"job":3,"version":"v1"})"
                                          << "job: missing or not a string";
        QTest::newRow("unknown job") << R"({"job":"churn","version":"v1"})"
                                     << "job: unknown job 'churn'";
        QTest::newRow("no version") << R"({"job":"fraud"})"
                                    << "version: missing";
        QTest::newRow("empty version") << R"({"job":"fraud","version":""})"
                                       << "version: must be";
        QTest::newRow("version with a slash") << R"({"job":"fraud","version":"v1/x"})"
                                              << "version: must be";
        QTest::newRow("unknown top-level field") << R"({"job":"fraud","version":"v1","parms":{}})"
                                                 << "parms: unknown top-level field";
        QTest::newRow("params not an object") << R"({"job":"fraud","version":"v1","params":[]})"
                                              << "params: must be an object";
        QTest::newRow("unknown user_features param")
            << R"({"job":"user_features","version":"v1","params":{"views_8d":true}})"
            << "params.views_8d: unknown parameter for job user_features";
        QTest::newRow("flag not a bool")
            << R"({"job":"user_features","version":"v1","params":{"views_7d":1}})"
            << "params.views_7d: must be true or false";
        QTest::newRow("unknown feature")
            << R"({"job":"fraud","version":"v1","params":{"weights":{"txn_1x":1}}})"
            << "params.weights.txn_1x: unknown fraud feature";
        QTest::newRow("weight not a number")
            << R"({"job":"fraud","version":"v1","params":{"weights":{"txn_1m":"1"}}})"
            << "params.weights.txn_1m: must be a number";
        QTest::newRow("bias not a number") << R"({"job":"fraud","version":"v1","params":{"bias":null}})"
                                           << "params.bias: must be a number";
        QTest::newRow("threshold above 1")
            << R"({"job":"fraud","version":"v1","params":{"flag_threshold":1.5}})"
            << "params.flag_threshold: must be within [0, 1]";
        QTest::newRow("z-score weight without the feature")
            << R"({"job":"fraud","version":"v1","params":{"weights":{"amount_zscore":1}}})"
            << "params.weights.amount_zscore: needs";
        QTest::newRow("negative lateness")
            << R"({"job":"business_metrics","version":"v1","params":{"allowed_lateness_ms":-1}})"
            << "params.allowed_lateness_ms: must be a non-negative integer";
        QTest::newRow("fractional lateness")
            << R"({"job":"business_metrics","version":"v1","params":{"allowed_lateness_ms":1.5}})"
            << "params.allowed_lateness_ms: must be a non-negative integer";
        QTest::newRow("fraud param on metrics")
            << R"({"job":"business_metrics","version":"v1","params":{"bias":1}})"
            << "params.bias: unknown parameter for job business_metrics";
    }

    void test_pipelines_job_spec_bad()
    {
        QFETCH(QString, json);
        QFETCH(QString, message);
        const auto spec = parseJobSpec(json.toStdString());
        QVERIFY(!spec.isOk());
        QCOMPARE(spec.status().code(), StatusCode::InvalidArgument);
        QVERIFY2(QString::fromStdString(spec.status().message()).startsWith(message),
                 spec.status().message().c_str());
    }

    void test_pipelines_job_spec_resource_files_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("user_features-v1") << "user_features-v1.json"
                                          << "user_features@v1 views_7d=0 top_categories_7d=0";
        QTest::newRow("user_features-v2") << "user_features-v2.json"
                                          << "user_features@v2 views_7d=1 top_categories_7d=1";
        QTest::newRow("fraud-v1")
            << "fraud-v1.json"
            << "fraud@v1 bias=-6 weights=0.9,0.05,0.001,0.6,1.2,0.3,0 threshold=0.8 zscore=0";
        QTest::newRow("fraud-v2")
            << "fraud-v2.json"
            << "fraud@v2 bias=-6.5 weights=0.8,0.04,0.0008,0.7,1.4,0.25,0.6 threshold=0.8 "
               "zscore=1";
        QTest::newRow("business_metrics-v1") << "business_metrics-v1.json"
                                             << "business_metrics@v1 lateness=300000 per_country=0";
        QTest::newRow("business_metrics-v2") << "business_metrics-v2.json"
                                             << "business_metrics@v2 lateness=300000 per_country=1";
    }

    void test_pipelines_job_spec_resource_files()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        QFile f(sourceDir() + QStringLiteral("/resources/jobs/") + file);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        KAPPA_ASSIGN_OR_FAIL(JobSpec spec, parseJobSpec(f.readAll().toStdString()));
        QCOMPARE(describe(spec), expected);
    }

    // Every file in resources/jobs parses and is named <job>-<version>.json.
    void test_pipelines_job_spec_every_resource_file()
    {
        const QDir dir(sourceDir() + QStringLiteral("/resources/jobs"));
        const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 6);
        for (const QString &name : files) {
            QFile f(dir.filePath(name));
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(name));
            const auto spec = parseJobSpec(f.readAll().toStdString());
            QVERIFY2(spec.isOk(), qPrintable(name + ": " + QString::fromStdString(spec.status().toString())));
            QCOMPARE(QString::fromStdString(spec->job + "-" + spec->version + ".json"), name);
        }
    }

    void test_pipelines_job_spec_feature_names()
    {
        QCOMPARE(fraudFeatureName(FraudFeature::Txn1m), std::string_view("txn_1m"));
        QCOMPARE(fraudFeatureName(FraudFeature::AmountZscore), std::string_view("amount_zscore"));
    }
};

QTEST_APPLESS_MAIN(TestJobSpec)
#include "test_job_spec.moc"
