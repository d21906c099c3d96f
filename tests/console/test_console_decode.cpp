// The console's decoding of kappad's answers: complete answers become values,
// a malformed one is a BadAnswer that names the field, and error bodies keep
// kappad's code and message.
#include "client/api_decode.h"

#include <QTest>

using namespace kappa::console;

namespace {

const char *kJobs = R"({"jobs":[
  {"job":"fraud","live_version":"v1","versions":[
    {"version":"v1","state":"live","live":true,"running":true,"created_ms":1000,"created_by":"demo",
     "figures":{"events":500,"lag_records":7,"lag_seconds":0.25,"input_rate":100.5,"processing_rate":99.5,
                "checkpoints":3,"checkpoint_ms":{"mean":4.0,"p99":9.0},
                "latency_ms":{"count":10,"p50":2.0,"p90":3.0,"p99":8.0,"p999":9.0},
                "late_dropped":1,"skipped":0,"state_bytes":4096,"state_keys":12}},
    {"version":"v2","state":"replaying","live":false,"running":false,"created_ms":2000,"created_by":"ops"}]},
  {"job":"business_metrics","live_version":null,"versions":[]}]})";

} // namespace

class TestConsoleDecode : public QObject
{
    Q_OBJECT

private slots:
    void jobsWithAndWithoutFigures()
    {
        const Decoded<JobsSnapshot> decoded = decodeJobs(kJobs);
        QVERIFY(std::holds_alternative<JobsSnapshot>(decoded));
        const JobsSnapshot &snapshot = std::get<JobsSnapshot>(decoded);
        QCOMPARE(snapshot.jobs.size(), 2);
        const JobInfo &fraud = snapshot.jobs[0];
        QCOMPARE(fraud.liveVersion, QStringLiteral("v1"));
        QCOMPARE(fraud.versions.size(), 2);
        const JobVersionInfo &v1 = fraud.versions[0];
        QVERIFY(v1.live && v1.running);
        QVERIFY(v1.figures.has_value());
        QCOMPARE(v1.figures->lagRecords, 7);
        QCOMPARE(v1.figures->lagSeconds, 0.25);
        QCOMPARE(v1.figures->checkpointP99Ms, 9.0);
        QCOMPARE(v1.figures->latencyMs.p99, 8.0);
        QCOMPARE(v1.figures->stateKeys, 12);
        QCOMPARE(fraud.versions[1].state, QStringLiteral("replaying"));
        QVERIFY(!fraud.versions[1].figures.has_value());
        QVERIFY(snapshot.jobs[1].liveVersion.isEmpty());
    }

    void malformedAnswersNameTheField_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not json") << QByteArray("<html>") << "not JSON";
        QTest::newRow("array") << QByteArray("[]") << "not a JSON object";
        QTest::newRow("no jobs") << QByteArray("{}") << "jobs is missing";
        QTest::newRow("state a number") << QByteArray(
            R"({"jobs":[{"job":"fraud","live_version":null,"versions":[{"version":"v1","state":3,)"
            R"("live":true,"running":false,"created_ms":1,"created_by":"x"}]}]})")
                                        << "jobs[0].versions[0].state has the wrong type";
        QTest::newRow("figures without latency") << QByteArray(
            R"({"jobs":[{"job":"fraud","live_version":"v1","versions":[{"version":"v1",)"
            R"("state":"live","live":true,"running":true,"created_ms":1,"created_by":"x","figures":)"
            R"({"events":1,"lag_records":0,"lag_seconds":0,"input_rate":0,"processing_rate":0,)"
            R"("checkpoints":0,"checkpoint_ms":{"mean":0,"p99":0},"late_dropped":0,"skipped":0,)"
            R"("state_bytes":0,"state_keys":0}}]}]})")
                                                 << "jobs[0].versions[0].figures.latency_ms is missing";
    }

    void malformedAnswersNameTheField()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, mentions);
        const Decoded<JobsSnapshot> decoded = decodeJobs(body);
        QVERIFY(std::holds_alternative<ApiError>(decoded));
        const ApiError &error = std::get<ApiError>(decoded);
        QCOMPARE(error.code, QStringLiteral("BadAnswer"));
        QVERIFY2(error.message.contains(mentions), qPrintable(error.message));
    }

    void status()
    {
        const QByteArray body
            = R"({"service":"kappad","ready":true,"health":"ok","uptime_seconds":12.5,)"
              R"("data_dir":"/d","events_topic":{"name":"events","partitions":8,)"
              R"("end_offsets_total":1234},"requests_total":3,"demo":{"rate":20000,"produced":9}})";
        const Decoded<ServiceStatus> decoded = decodeStatus(body);
        QVERIFY(std::holds_alternative<ServiceStatus>(decoded));
        const ServiceStatus &s = std::get<ServiceStatus>(decoded);
        QVERIFY(s.ready);
        QCOMPARE(s.partitions, 8);
        QCOMPARE(s.eventsAppended, 1234);
        QCOMPARE(s.demoRate.value_or(0), 20000.0);
        QByteArray noDemo = body;
        noDemo.replace(R"({"rate":20000,"produced":9})", "null");
        QVERIFY(!std::get<ServiceStatus>(decodeStatus(noDemo)).demoRate.has_value());
    }

    void replays()
    {
        const QByteArray one
            = R"({"id":4,"job":"fraud","version":"v2","kind":"replay","from":"earliest",)"
              R"("state":"running","version_state":"replaying","paused":false,"serve_from":"",)"
              R"("reason":"","created_by":"ops","created_ms":5,"rate_multiple":5,"max_rate":0,)"
              R"("min_rate":1000,"running":true,"ingest_rate":100,"target_rate":500,)"
              R"("current_rate":480,"measured_rate":470,"slowdown_reason":"live lag",)"
              R"("percent":42.5,"eta_seconds":null,"lag_records":900,"partitions":[]})";
        const Decoded<ReplayInfo> decoded = decodeReplay(one);
        QVERIFY(std::holds_alternative<ReplayInfo>(decoded));
        const ReplayInfo &replay = std::get<ReplayInfo>(decoded);
        QCOMPARE(replay.id, 4);
        QCOMPARE(replay.from, QStringLiteral("earliest"));
        QCOMPARE(replay.slowdownReason, QStringLiteral("live lag"));
        QCOMPARE(replay.percent, 42.5);
        QVERIFY(!replay.etaSeconds.has_value()); // null: it does not gain on ingest
        QVERIFY(replay.active());

        const Decoded<QList<ReplayInfo>> list = decodeReplays("{\"replays\":[" + one + "]}");
        QVERIFY(std::holds_alternative<QList<ReplayInfo>>(list));
        QCOMPARE(std::get<QList<ReplayInfo>>(list).size(), 1);
        QByteArray noPercent = one;
        noPercent.replace(R"("percent":42.5,)", "");
        const Decoded<QList<ReplayInfo>> broken = decodeReplays("{\"replays\":[" + noPercent + "]}");
        QVERIFY(std::holds_alternative<ApiError>(broken));
        QVERIFY(std::get<ApiError>(broken).message.contains("replays[0].percent is missing"));
    }

    void errors()
    {
        const ApiError error = decodeError(401, R"({"code":"Unauthenticated","message":"no token"})");
        QCOMPARE(error.code, QStringLiteral("Unauthenticated"));
        QCOMPARE(error.message, QStringLiteral("no token"));
        QCOMPARE(error.httpStatus, 401);
        const ApiError proxy = decodeError(502, "<html>Bad Gateway</html>");
        QCOMPARE(proxy.code, QStringLiteral("HTTP 502"));
        QVERIFY(proxy.message.contains("Bad Gateway"));
        QCOMPARE(decodeError(500, "").message, QStringLiteral("no error message"));
    }
};

QTEST_APPLESS_MAIN(TestConsoleDecode)
#include "test_console_decode.moc"
