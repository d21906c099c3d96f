// Decoding of the dashboard's answers (per-task metrics with and without the
// latency histogram, history rows including the state store's) and of the
// stream's events (with and without positions); malformed input is a
// BadAnswer that names the field.
#include "client/dashboard_decode.h"

#include <QTest>

using namespace kappa::console;

namespace {

const char *kTask = R"({"task":"fraud@v1/card/3","stage":"card","topic":"fraud-v1-by-card","partition":3,
  "position":1200,"end_offset":1250,"lag_records":50,"lag_seconds":0.5,"input_rate":100.0,
  "processing_rate":98.5,"records_read":1200,"skipped":0,"late_dropped":2,"watermark_ms":1700000000000,
  "caught_up":true,"checkpoints":4,"checkpoint_ms":{"last":3.5,"mean":3.0,"p50":3.0,"p99":7.5,"max":8.0},
  "latency_ms":{"count":10,"p50":1.0,"p90":2.0,"p99":4.5,"p999":5.0}})";

QByteArray metrics(const QByteArray &histogram)
{
    return QByteArray(R"({"job":"fraud","version":"v1","tasks":[)") + kTask + "]" + histogram + "}";
}

const char *kHistogram = R"(,"latency_histogram":{"count":6,"p50":1.5,"p99":20.0,"buckets":[
  {"le_ms":1,"count":2},{"le_ms":2,"count":3},{"le_ms":5,"count":0},{"le_ms":null,"count":1}]})";

const char *kVersion = R"({"job":"fraud","version":"v1","events":500,"lag_records":7,"lag_seconds":0.25,
  "input_rate":100.5,"processing_rate":99.5,"checkpoints":3,"checkpoint_ms":{"mean":4.0,"p99":9.0},
  "latency_ms":{"count":10,"p50":2.0,"p90":3.0,"p99":8.0,"p999":9.0},"late_dropped":1,"skipped":0,
  "state_bytes":4096,"state_keys":12})";

QString errorOf(const auto &decoded)
{
    const ApiError *error = std::get_if<ApiError>(&decoded);
    if (!error)
        return QString();
    return error->code + QLatin1Char(':') + error->message;
}

} // namespace

class TestDashboardDecode : public QObject
{
    Q_OBJECT

private slots:
    void versionMetrics()
    {
        const Decoded<VersionMetricsInfo> decoded = decodeVersionMetrics(metrics(kHistogram));
        QVERIFY2(std::holds_alternative<VersionMetricsInfo>(decoded), qPrintable(errorOf(decoded)));
        const VersionMetricsInfo &m = std::get<VersionMetricsInfo>(decoded);
        QCOMPARE(m.job, QStringLiteral("fraud"));
        QCOMPARE(m.tasks.size(), 1);
        const TaskMetricsInfo &t = m.tasks[0];
        QCOMPARE(t.task, QStringLiteral("fraud@v1/card/3"));
        QCOMPARE(t.stage, QStringLiteral("card"));
        QCOMPARE(t.topic, QStringLiteral("fraud-v1-by-card"));
        QCOMPARE(t.partition, 3);
        QCOMPARE(t.position, 1200);
        QCOMPARE(t.endOffset, 1250);
        QCOMPARE(t.lagRecords, 50);
        QCOMPARE(t.lagSeconds, 0.5);
        QCOMPARE(t.inputRate, 100.0);
        QCOMPARE(t.processingRate, 98.5);
        QCOMPARE(t.recordsRead, 1200);
        QCOMPARE(t.lateDropped, 2);
        QCOMPARE(t.watermarkMs, Q_INT64_C(1700000000000));
        QVERIFY(t.caughtUp);
        QCOMPARE(t.checkpoints, 4);
        QCOMPARE(t.checkpointLastMs, 3.5);
        QCOMPARE(t.checkpointP99Ms, 7.5);
        QCOMPARE(t.latencyP99Ms, 4.5);
        QCOMPARE(m.latency.count, 6);
        QCOMPARE(m.latency.p50Ms, 1.5);
        QCOMPARE(m.latency.p99Ms, 20.0);
        QCOMPARE(m.latency.buckets.size(), 4);
        QCOMPARE(m.latency.buckets[1].upperMs, std::optional<double>(2));
        QCOMPARE(m.latency.buckets[1].count, 3);
        QVERIFY(!m.latency.buckets[3].upperMs.has_value()); // the overflow bucket
        QCOMPARE(m.latency.buckets[3].count, 1);
    }

    void versionMetricsWithoutHistogram()
    {
        const Decoded<VersionMetricsInfo> decoded = decodeVersionMetrics(metrics(""));
        QVERIFY2(std::holds_alternative<VersionMetricsInfo>(decoded), qPrintable(errorOf(decoded)));
        const VersionMetricsInfo &m = std::get<VersionMetricsInfo>(decoded);
        QCOMPARE(m.tasks.size(), 1);
        QCOMPARE(m.latency.count, 0);
        QVERIFY(m.latency.buckets.isEmpty());
    }

    void history()
    {
        const QByteArray body = R"({"job":"fraud","version":"v1","series":"lag_records","from_ms":0,"to_ms":9,
            "tasks":[{"task":"fraud@v1/route/0","stage":"route","partition":0,"samples":[[1000,5],[2000,7.5]]},
                     {"task":"fraud@v1/card/1","stage":"card","partition":1,"samples":[]}]})";
        const Decoded<HistoryInfo> decoded = decodeHistory(body);
        QVERIFY2(std::holds_alternative<HistoryInfo>(decoded), qPrintable(errorOf(decoded)));
        const HistoryInfo &h = std::get<HistoryInfo>(decoded);
        QCOMPARE(h.series, HistorySeries::LagRecords);
        QCOMPARE(h.tasks.size(), 2);
        QCOMPARE(h.tasks[0].stage, QStringLiteral("route"));
        QCOMPARE(h.tasks[0].samples, (QList<QPair<qint64, double>>{{1000, 5.0}, {2000, 7.5}}));
        QCOMPARE(h.tasks[1].partition, 1);
        QVERIFY(h.tasks[1].samples.isEmpty());
    }

    void historyOfTheStateStore()
    {
        const QByteArray body = R"({"job":"fraud","version":"v1","series":"state_bytes","from_ms":0,"to_ms":9,
            "tasks":[{"task":"fraud@v1/state","stage":"state","samples":[[1000,4096]]}]})";
        const Decoded<HistoryInfo> decoded = decodeHistory(body);
        QVERIFY2(std::holds_alternative<HistoryInfo>(decoded), qPrintable(errorOf(decoded)));
        const HistoryInfo &h = std::get<HistoryInfo>(decoded);
        QCOMPARE(h.series, HistorySeries::StateBytes);
        QCOMPARE(h.tasks[0].partition, -1);
        QCOMPARE(h.tasks[0].samples.value(0).second, 4096.0);
    }

    void seriesNames()
    {
        for (HistorySeries s : {HistorySeries::LagRecords, HistorySeries::LagSeconds, HistorySeries::InputRate,
                                HistorySeries::ProcessingRate, HistorySeries::CheckpointMs,
                                HistorySeries::LatencyP99Ms, HistorySeries::StateBytes}) {
            QVERIFY(!historySeriesName(s).isEmpty());
            QCOMPARE(historySeriesFromName(historySeriesName(s)), std::optional<HistorySeries>(s));
        }
        QCOMPARE(historySeriesName(HistorySeries::CheckpointMs), QStringLiteral("checkpoint_ms"));
        QCOMPARE(historySeriesName(HistorySeries::StateBytes), QStringLiteral("state_bytes"));
        QVERIFY(!historySeriesFromName(QStringLiteral("nonsense")).has_value());
    }

    void metricsEvent()
    {
        const QByteArray data = QByteArray(R"({"ts_ms":1700000000123,"versions":[)") + kVersion
                                + R"(],"tasks":[
            {"task":"fraud@v1/route/0","position":77,"lag_records":3,"lag_seconds":0.1,"processing_rate":50},
            {"task":"fraud@v1/route/1","lag_records":4,"lag_seconds":0.2,"processing_rate":60}]})";
        const Decoded<MetricsSnapshot> decoded = decodeMetricsEvent(data, 42);
        QVERIFY2(std::holds_alternative<MetricsSnapshot>(decoded), qPrintable(errorOf(decoded)));
        const MetricsSnapshot &s = std::get<MetricsSnapshot>(decoded);
        QCOMPARE(s.eventId, 42);
        QCOMPARE(s.timeMs, Q_INT64_C(1700000000123));
        QCOMPARE(s.versions.size(), 1);
        QCOMPARE(s.versions[0].job, QStringLiteral("fraud"));
        QCOMPARE(s.versions[0].version, QStringLiteral("v1"));
        QCOMPARE(s.versions[0].figures.lagRecords, 7);
        QCOMPARE(s.versions[0].figures.checkpointP99Ms, 9.0);
        QCOMPARE(s.versions[0].figures.latencyMs.p50, 2.0);
        QCOMPARE(s.versions[0].figures.stateBytes, 4096);
        QCOMPARE(s.tasks.size(), 2);
        QCOMPARE(s.tasks[0].position, std::optional<qint64>(77));
        QVERIFY(!s.tasks[1].position.has_value()); // an older kappad sends none
        QCOMPARE(s.tasks[1].lagRecords, 4);
        QCOMPARE(s.tasks[1].processingRate, 60.0);
    }

    void lifecycleEvent()
    {
        const Decoded<LifecycleEvent> decoded = decodeLifecycleEvent(
            R"({"event":"switch.done","ts_ms":5,"subject":"fraud@v2","detail":"alias flipped"})", 9);
        QVERIFY2(std::holds_alternative<LifecycleEvent>(decoded), qPrintable(errorOf(decoded)));
        const LifecycleEvent &e = std::get<LifecycleEvent>(decoded);
        QCOMPARE(e.eventId, 9);
        QCOMPARE(e.event, QStringLiteral("switch.done"));
        QCOMPARE(e.timeMs, 5);
        QCOMPARE(e.subject, QStringLiteral("fraud@v2"));
        QCOMPARE(e.detail, QStringLiteral("alias flipped"));
        QVERIFY(e.error.isEmpty());

        const Decoded<LifecycleEvent> started
            = decodeLifecycleEvent(R"({"event":"started","ts_ms":1,"versions":["fraud@v1"],"demo":true})", 1);
        QVERIFY2(std::holds_alternative<LifecycleEvent>(started), qPrintable(errorOf(started)));
        QCOMPARE(std::get<LifecycleEvent>(started).event, QStringLiteral("started"));
    }

    void badAnswersNameTheField_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("mentions");
        QByteArray noLag = metrics("");
        noLag.replace("\"lag_records\":50,", "");
        QTest::newRow("task without lag") << "metrics" << noLag << "tasks[0].lag_records is missing";
        QByteArray badCheckpoint = metrics("");
        badCheckpoint.replace("\"last\":3.5", "\"last\":\"slow\"");
        QTest::newRow("checkpoint last a string")
            << "metrics" << badCheckpoint << "tasks[0].checkpoint_ms.last has the wrong type";
        QTest::newRow("bucket without count")
            << "metrics"
            << metrics(R"(,"latency_histogram":{"count":1,"p50":1,"p99":1,"buckets":[{"le_ms":1}]})")
            << "latency_histogram.buckets[0].count is missing";
        QTest::newRow("bucket without bound")
            << "metrics"
            << metrics(R"(,"latency_histogram":{"count":1,"p50":1,"p99":1,"buckets":[{"count":1}]})")
            << "latency_histogram.buckets[0].le_ms is missing";
        QTest::newRow("histogram without p99")
            << "metrics" << metrics(R"(,"latency_histogram":{"count":1,"p50":1,"buckets":[]})")
            << "latency_histogram.p99 is missing";
        QTest::newRow("not json") << "metrics" << QByteArray("<html>") << "not JSON";
        QTest::newRow("history unknown series")
            << "history" << QByteArray(R"({"job":"a","version":"v","series":"bogus","tasks":[]})") << "bogus";
        QTest::newRow("history sample not a pair")
            << "history"
            << QByteArray(R"({"job":"a","version":"v","series":"lag_records","tasks":[)"
                          R"({"task":"a@v/0","stage":"source","partition":0,"samples":[[1,2],[3]]}]})")
            << "tasks[0].samples[1] is not a [time_ms, value] pair";
        QTest::newRow("history row without stage")
            << "history"
            << QByteArray(
                   R"({"job":"a","version":"v","series":"lag_records","tasks":[{"task":"a@v/0","samples":[]}]})")
            << "tasks[0].stage is missing";
        QTest::newRow("event without ts")
            << "event" << QByteArray(R"({"versions":[],"tasks":[]})") << "ts_ms is missing";
        QTest::newRow("event version without job")
            << "event" << QByteArray(R"({"ts_ms":1,"versions":[{}],"tasks":[]})")
            << "versions[0].job is missing";
        QTest::newRow("event task position a string")
            << "event"
            << QByteArray(R"({"ts_ms":1,"versions":[],"tasks":[{"task":"a@v/0","position":"x",)"
                          R"("lag_records":1,"lag_seconds":0,"processing_rate":0}]})")
            << "tasks[0].position has the wrong type";
        QTest::newRow("lifecycle without event")
            << "lifecycle" << QByteArray(R"({"ts_ms":1})") << "event is missing";
    }

    void badAnswersNameTheField()
    {
        QFETCH(QString, what);
        QFETCH(QByteArray, body);
        QFETCH(QString, mentions);
        QString error;
        if (what == QLatin1String("metrics"))
            error = errorOf(decodeVersionMetrics(body));
        else if (what == QLatin1String("history"))
            error = errorOf(decodeHistory(body));
        else if (what == QLatin1String("event"))
            error = errorOf(decodeMetricsEvent(body, 1));
        else
            error = errorOf(decodeLifecycleEvent(body, 1));
        QVERIFY2(error.startsWith(QLatin1String("BadAnswer:")), qPrintable(error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }
};

QTEST_APPLESS_MAIN(TestDashboardDecode)
#include "test_dashboard_decode.moc"
