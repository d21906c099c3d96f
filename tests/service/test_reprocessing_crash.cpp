// SIGKILL of `kappad --demo` during a replay, during a validation and during a
// switch, each followed by a restart on the same data directory: the replay
// resumes from its checkpoints (not from the start) and catches up with views
// that validate against the live version; an interrupted validation leaves
// no report and can be run again; an interrupted switch leaves the alias
// wholly on the old or wholly on the new version, consistent with the
// versions' states and the request, and reads keep working.
#include "kappactl_process.h"
#include "reprocessing_api.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using nlohmann::json;

class TestReprocessingCrash : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void replayResumesAfterKill();
    void validationInterruptedLeavesNoReport();
    void switchInterruptedIsWholeOrNothing();

private:
    void restart(bool kill);
    json version(const std::string &job, const std::string &name);

    QTemporaryDir m_dir;
    QString m_data;
    QString m_config;
    std::unique_ptr<KappadProcess> m_kappad;
    std::unique_ptr<ReprocessingApi> m_api;
    std::int64_t m_replay = 0;
};

void TestReprocessingCrash::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_data = m_dir.filePath("data");
    const qint64 dayAgo = QDateTime::currentMSecsSinceEpoch() - 86'400'000;
    const Run gen = kappactl(m_data, {"gen", "--events", "1000000", "--days", "1", "--partitions", "8",
                                      "--start", QString::number(dayAgo)});
    QVERIFY2(gen.exitCode == 0, gen.err.constData());
    m_config = m_dir.filePath("kappad.toml");
    QFile file(m_config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    // Checkpoints every second, so that a kill loses little.
    file.write(
        "checkpoint_interval_ms = 1000\n[demo]\nrate = 5000\n[reprocessing]\ncaught_up_hold_ms = 1000\n");
    file.close();
    restart(false);
}

void TestReprocessingCrash::restart(bool kill)
{
    if (m_kappad && kill)
        m_kappad->stop(SIGKILL);
    m_api.reset();
    m_kappad = std::make_unique<KappadProcess>(m_data, QStringList{"--demo", "--config", m_config});
    QVERIFY2(m_kappad->started(), m_kappad->log().constData());
    m_api = std::make_unique<ReprocessingApi>(*m_kappad, m_data);
}

json TestReprocessingCrash::version(const std::string &job, const std::string &name)
{
    const json jobs = m_api->get("/api/v1/jobs").body;
    for (const json &entry : jobs["jobs"])
        if (entry["job"] == job)
            for (const json &v : entry["versions"])
                if (v["version"] == name)
                    return v;
    return json();
}

void TestReprocessingCrash::replayResumesAfterKill()
{
    // Slow enough to be killed half way: 1M events at 60K/s.
    m_replay = m_api->launch({{"job_version", "user_features@v2"}, {"max_rate", 60000}});
    QVERIFY(m_replay != 0);
    double before = 0;
    QVERIFY(waitFor(
        [&] {
            before = m_api->replay(m_replay).value("percent", 0.0);
            return before > 40;
        },
        std::chrono::seconds(120)));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // at least one checkpoint past 40 %
    restart(true);
    // The replay runs again with its settings and continues from its checkpoints.
    double after = 0;
    QVERIFY(waitFor(
        [&] {
            const json r = m_api->replay(m_replay);
            after = r.value("percent", 0.0);
            return r.value("running", false) && r.value("max_rate", 0.0) == 60000;
        },
        std::chrono::seconds(60)));
    qInfo("replay at %.1f %% when killed, %.1f %% after the restart", before, after);
    QVERIFY2(after >= 30, "the replay started over instead of resuming");
    QVERIFY(m_api->waitCaughtUp(m_replay));
    const Answer validation = m_api->validate("user_features", "v2");
    QVERIFY2(validation.status == 201 && validation.body["passed"].get<bool>(),
             validation.body.dump().c_str());
    QVERIFY(validation.body["report"]["keys"]["compared"].get<int>() > 0);
}

void TestReprocessingCrash::validationInterruptedLeavesNoReport()
{
    // Run one on fraud v1's copy: launch, catch up, then validate and kill during it.
    const std::int64_t id = m_api->launch(
        {{"spec", {{"job", "fraud"}, {"version", "v1-copy"}, {"params", json::object()}}},
         {"rate_multiple", 50}});
    QVERIFY(id != 0 && m_api->waitCaughtUp(id));
    const std::size_t reportsBefore = m_api->get("/api/v1/validations").body["validations"].size();
    std::thread validating([this] { (void) m_api->validate("fraud", "v1-copy"); });
    std::this_thread::sleep_for(
        std::chrono::milliseconds(200)); // a validation waits 700 ms before it compares
    m_kappad->stop(SIGKILL);
    validating.join();
    restart(false);
    QCOMPARE(m_api->get("/api/v1/validations").body["validations"].size(), reportsBefore);
    QCOMPARE(version("fraud", "v1-copy")["state"].get<std::string>(), std::string("caught_up"));
    QVERIFY(m_api->waitCaughtUp(id));
    // Right after a restart no key may be final in both versions yet (the
    // validation then fails with "nothing to compare"): validate again, as an
    // operator would, until there is something to compare.
    Answer again;
    QVERIFY(waitFor(
        [&] {
            again = m_api->validate("fraud", "v1-copy");
            return again.status != 201 || again.body["report"]["keys"]["compared"].get<int>() > 0;
        },
        std::chrono::seconds(60)));
    QVERIFY2(again.status == 201 && again.body["passed"].get<bool>(), again.body.dump().c_str());
}

void TestReprocessingCrash::switchInterruptedIsWholeOrNothing()
{
    const Answer request = m_api->post("/api/v1/switches", {{"job", "user_features"}, {"version", "v2"}});
    QVERIFY2(request.status == 201, request.body.dump().c_str());
    const std::string id = std::to_string(request.body["id"].get<std::int64_t>());
    std::thread approving([this, id] {
        (void) m_api->post("/api/v1/switches/" + id + "/approve", json::object(), m_api->approverToken());
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    m_kappad->stop(SIGKILL);
    approving.join();
    restart(false);

    const json jobs = m_api->get("/api/v1/jobs").body;
    const std::string live = jobs["jobs"][0]["live_version"].get<std::string>();
    const std::string other = live == "v1" ? "v2" : "v1";
    qInfo("after the kill user_features serves from %s", live.c_str());
    QCOMPARE(version("user_features", live)["state"].get<std::string>(), std::string("live"));
    QCOMPARE(version("user_features", other)["state"].get<std::string>(), std::string("validated"));
    std::string state;
    const json switches = m_api->get("/api/v1/switches").body;
    for (const json &s : switches["switches"])
        if (std::to_string(s["id"].get<std::int64_t>()) == id)
            state = s["state"].get<std::string>();
    QCOMPARE(state, std::string(live == "v2" ? "switched" : "pending"));
    for (int user = 1; user < 200; ++user) {
        const Answer read = m_api->get("/api/v1/views/features/" + std::to_string(user));
        QVERIFY(read.status == 200 || read.status == 404);
        if (read.status == 200)
            QCOMPARE(read.body["view"]["version"].get<std::string>(), live);
    }
    if (live == "v1") // not yet switched: the request still stands
        QCOMPARE(m_api->post("/api/v1/switches/" + id + "/approve", json::object(), m_api->approverToken())
                     .status,
                 200);
    const Answer verified = m_api->get("/api/v1/audit/verify");
    QVERIFY(verified.body["ok"].get<bool>());
    QCOMPARE(m_kappad->stop(SIGTERM), 0);
}

QTEST_APPLESS_MAIN(TestReprocessingCrash)
#include "test_reprocessing_crash.moc"
