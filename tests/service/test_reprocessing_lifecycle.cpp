// The life of a version after a replay, against `kappad --demo`: a rebuild of
// a lost view (reads of the version answer 503 until it has caught up, or are
// served by another warm version the operator names; the rebuilt rows equal
// the old ones), and the retirement of the version a switch replaced once the
// rollback window is over, with its views and state deleted after retention.
#include "kappactl_process.h"
#include "reprocessing_api.h"

#include <QDateTime>
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using nlohmann::json;

namespace {

constexpr qint64 kHourMs = 3'600'000;
constexpr int kHistoryEvents = 400'000;

} // namespace

class TestReprocessingLifecycle : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void rebuildAnswers503UntilCaughtUp();
    void rebuildServedByAnotherVersion();
    void rebuildRejectsBadRequests();
    void replacedVersionRetiresThenIsDeleted();
    void kappactlWorkflow();
    void lifecycleEventsOnTheStream();

private:
    Run remoteCtl(const QStringList &args, const QString &token = "demo-operator.token");
    json versionEntry(const std::string &job, const std::string &version);
    std::string versionState(const std::string &job, const std::string &version);
    bool waitReplayState(std::int64_t id, const std::string &state);
    Answer metrics(const std::string &query);

    QTemporaryDir m_dir;
    QString m_data;
    qint64 m_dayAgo = 0;
    std::unique_ptr<KappadProcess> m_kappad;
    std::unique_ptr<ReprocessingApi> m_api;
    std::string m_card; // a card with a fraud row
};

void TestReprocessingLifecycle::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_data = m_dir.filePath("data");
    m_dayAgo = QDateTime::currentMSecsSinceEpoch() - 24 * kHourMs;
    const Run gen = kappactl(m_data, {"gen", "--events", QString::number(kHistoryEvents), "--days", "1",
                                      "--partitions", "8", "--start", QString::number(m_dayAgo)});
    QVERIFY2(gen.exitCode == 0, gen.err.constData());
    const QString config = m_dir.filePath("kappad.toml");
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    // Short windows, so that retirement and deletion happen within the test.
    file.write("[demo]\nrate = 5000\n[reprocessing]\ncaught_up_hold_ms = 1000\n"
               "rollback_window_ms = 3000\nretention_ms = 3000\n");
    file.close();
    m_kappad = std::make_unique<KappadProcess>(m_data, QStringList{"--demo", "--config", config});
    QVERIFY2(m_kappad->started(), m_kappad->log().constData());
    m_api = std::make_unique<ReprocessingApi>(*m_kappad, m_data);
    // The live versions first work through the day of history.
    for (const std::string job : {"business_metrics", "fraud"})
        QVERIFY2(waitFor(
                     [&] {
                         const json v = versionEntry(job, "v1");
                         // Lag is 0 before a task's first read: the events processed say more.
                         return v.contains("figures")
                                && v["figures"]["events"].get<double>() >= kHistoryEvents
                                && v["figures"]["lag_records"].get<double>() < 20000;
                     },
                     std::chrono::seconds(120)),
                 job.c_str());
    // A card that paid in the history, from the log itself.
    const Run dump = kappactl(m_data,
                              {"log", "dump", "--partition", "0", "--limit", "20000", "--format", "jsonl"});
    QVERIFY2(dump.exitCode == 0, dump.err.constData());
    for (const QByteArray &line : lines(dump.out)) {
        const json event = json::parse(line.toStdString(), nullptr, false);
        if (event.value("type", "") == "purchase") {
            m_card = std::to_string(event["card_id"].get<std::int64_t>());
            break;
        }
    }
    QVERIFY(!m_card.empty());
    QVERIFY(waitFor([&] { return m_api->get("/api/v1/views/fraud/cards/" + m_card).status == 200; },
                    std::chrono::seconds(60)));
}

// `kappactl --url ... --token-file <data dir>/<token> args...`.
Run TestReprocessingLifecycle::remoteCtl(const QStringList &args, const QString &token)
{
    QProcess process;
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(m_kappad->port());
    process.start(QStringLiteral(KAPPACTL_PATH),
                  QStringList{"--url", url, "--token-file", m_data + "/" + token} + args);
    if (!process.waitForFinished(120'000))
        qFatal("kappactl did not finish");
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

json TestReprocessingLifecycle::versionEntry(const std::string &job, const std::string &version)
{
    const json jobs = m_api->get("/api/v1/jobs").body;
    for (const json &entry : jobs["jobs"])
        if (entry["job"] == job)
            for (const json &v : entry["versions"])
                if (v["version"] == version)
                    return v;
    return json::object();
}

std::string TestReprocessingLifecycle::versionState(const std::string &job, const std::string &version)
{
    return versionEntry(job, version).value("state", "");
}

bool TestReprocessingLifecycle::waitReplayState(std::int64_t id, const std::string &state)
{
    return waitFor([&] { return m_api->replay(id).value("state", "") == state; }, std::chrono::seconds(180));
}

Answer TestReprocessingLifecycle::metrics(const std::string &query)
{
    return m_api->get("/api/v1/views/metrics?category=0&from_ms=" + std::to_string(m_dayAgo)
                      + "&to_ms=" + std::to_string(m_dayAgo + 6 * kHourMs) + query);
}

void TestReprocessingLifecycle::rebuildAnswers503UntilCaughtUp()
{
    // Six hours of windows a day old: closed, so the rebuilt rows must equal
    // these once the live version has written them all (two reads agree).
    Answer before = metrics("");
    for (int attempt = 0; attempt < 30 && before.status == 200; ++attempt) {
        QTest::qWait(1000);
        const Answer again = metrics("");
        if (again.status == 200 && again.body["data"] == before.body["data"])
            break;
        qInfo("the live view of closed windows was still changing (read %d)", attempt + 1);
        before = again;
    }
    QVERIFY2(before.status == 200, before.body.dump().c_str());
    QVERIFY(before.body["data"].size() > 100);

    const Run rebuild = remoteCtl({"replay", "rebuild", "business_metrics@v1", "--max-rate", "40000"});
    QVERIFY2(rebuild.exitCode == 0, rebuild.err.constData());
    QVERIFY2(rebuild.out.contains("until it has caught up its reads answer 503"), rebuild.out.constData());
    const std::int64_t id = rebuild.out.split(' ').value(1).toLongLong();
    QVERIFY(id > 0);

    const Answer during = metrics("");
    QCOMPARE(during.status, 503);
    QVERIFY2(during.body.dump().find("being rebuilt") != std::string::npos, during.body.dump().c_str());
    QCOMPARE(metrics("&version=v1").status, 503);
    QCOMPARE(versionState("business_metrics", "v1"), std::string("live"));

    QVERIFY(waitReplayState(id, "finished"));
    const json replay = m_api->replay(id);
    QVERIFY2(replay["reason"].get<std::string>().rfind("rebuilt", 0) == 0, replay.dump().c_str());
    QCOMPARE(versionState("business_metrics", "v1"), std::string("live"));
    const Answer after = metrics("");
    QVERIFY2(after.status == 200, after.body.dump().c_str());
    QCOMPARE(after.body["data"].size(), before.body["data"].size());
    std::size_t differing = 0;
    std::string first;
    for (std::size_t row = 0; row < before.body["data"].size(); ++row) {
        if (after.body["data"][row] == before.body["data"][row])
            continue;
        if (differing++ == 0)
            first = "row " + std::to_string(row) + ": " + before.body["data"][row].dump() + " became "
                    + after.body["data"][row].dump();
    }
    QVERIFY2(differing == 0, (std::to_string(differing) + " rows differ; the first, " + first).c_str());
}

void TestReprocessingLifecycle::rebuildServedByAnotherVersion()
{
    const std::int64_t copy = m_api->launch(
        {{"spec", {{"job", "fraud"}, {"version", "v1-copy"}, {"params", json::object()}}},
         {"rate_multiple", 50}});
    QVERIFY(copy != 0 && m_api->waitCaughtUp(copy));

    const Answer started = m_api->post("/api/v1/jobs/fraud/versions/v1/rebuild",
                                       {{"serve_from", "v1-copy"}, {"max_rate", 40000}});
    QVERIFY2(started.status == 201, started.body.dump().c_str());
    QCOMPARE(started.body["serve_from"].get<std::string>(), std::string("v1-copy"));
    const std::int64_t id = started.body["id"].get<std::int64_t>();

    const std::string card = "/api/v1/views/fraud/cards/" + m_card;
    const Answer during = m_api->get(card);
    QVERIFY2(during.status == 200, during.body.dump().c_str());
    QCOMPARE(during.body["view"]["version"].get<std::string>(), std::string("v1-copy"));
    QCOMPARE(m_api->get(card + "?version=v1").status, 503);

    QVERIFY2(waitReplayState(id, "finished"), m_api->replay(id).dump().c_str());
    const Answer after = m_api->get(card);
    QVERIFY2(after.status == 200, after.body.dump().c_str());
    QCOMPARE(after.body["view"]["version"].get<std::string>(), std::string("v1"));

    // A validated version being rebuilt cannot take the traffic until it has caught up.
    const Answer validation = m_api->validate("fraud", "v1-copy");
    QVERIFY2(validation.status == 201 && validation.body["passed"].get<bool>(),
             validation.body.dump().c_str());
    const Answer rebuilt = m_api->post("/api/v1/jobs/fraud/versions/v1-copy/rebuild", {{"max_rate", 40000}});
    QVERIFY2(rebuilt.status == 201, rebuilt.body.dump().c_str());
    const Answer request = m_api->post("/api/v1/switches", {{"job", "fraud"}, {"version", "v1-copy"}});
    QCOMPARE(request.status, 409);
    QVERIFY2(request.body.dump().find("being rebuilt") != std::string::npos, request.body.dump().c_str());
    const std::int64_t copyRebuild = rebuilt.body["id"].get<std::int64_t>();
    QVERIFY2(waitReplayState(copyRebuild, "finished"), m_api->replay(copyRebuild).dump().c_str());
    QCOMPARE(versionState("fraud", "v1-copy"), std::string("validated"));
}

void TestReprocessingLifecycle::rebuildRejectsBadRequests()
{
    const Answer self = m_api->post("/api/v1/jobs/fraud/versions/v1/rebuild", {{"serve_from", "v1"}});
    QCOMPARE(self.status, 400);
    const Answer missing = m_api->post("/api/v1/jobs/fraud/versions/v1/rebuild", {{"serve_from", "v9"}});
    QCOMPARE(missing.status, 400);
    QVERIFY2(missing.body.dump().find("serve_from") != std::string::npos, missing.body.dump().c_str());
    const Answer unknown = m_api->post("/api/v1/jobs/fraud/versions/v9/rebuild", json::object());
    QCOMPARE(unknown.status, 404);
    const Run usage = remoteCtl({"replay", "rebuild", "fraud"});
    QVERIFY(usage.exitCode != 0);
    QVERIFY2(usage.err.contains("JOB@VERSION"), usage.err.constData());
    // Reads were never disturbed by the refusals.
    QCOMPARE(m_api->get("/api/v1/views/fraud/cards/" + m_card).status, 200);
}

void TestReprocessingLifecycle::replacedVersionRetiresThenIsDeleted()
{
    const Answer validation = m_api->validate("fraud", "v1-copy");
    QVERIFY2(validation.status == 201 && validation.body["passed"].get<bool>(),
             validation.body.dump().c_str());
    const Answer request = m_api->post("/api/v1/switches", {{"job", "fraud"}, {"version", "v1-copy"}});
    QVERIFY2(request.status == 201, request.body.dump().c_str());
    const std::string approve = "/api/v1/switches/" + std::to_string(request.body["id"].get<std::int64_t>())
                                + "/approve";
    const Answer approved = m_api->post(approve, json::object(), m_api->approverToken());
    QVERIFY2(approved.status == 200, approved.body.dump().c_str());
    QCOMPARE(versionState("fraud", "v1"), std::string("validated")); // the warm rollback target

    const QString stateDir = m_data + "/state/fraud@v1";
    QVERIFY(QDir(stateDir).exists());
    QVERIFY(waitFor([&] { return versionState("fraud", "v1") == "retired"; }, std::chrono::seconds(30)));
    QVERIFY2(QDir(stateDir).exists(), "deleted before the retention was over");
    QVERIFY(waitFor([&] { return !QDir(stateDir).exists(); }, std::chrono::seconds(30)));
    // The new live version serves; a rollback to the retired one is refused.
    QCOMPARE(m_api->get("/api/v1/views/fraud/cards/" + m_card).body["view"]["version"].get<std::string>(),
             std::string("v1-copy"));
    const Answer rollback = m_api->post("/api/v1/jobs/fraud/rollback", {{"reason", "test"}},
                                        m_api->approverToken());
    QVERIFY2(rollback.status == 409 || rollback.status == 404, rollback.body.dump().c_str());
}

// The operator's whole path with kappactl: pre-flight, replay, validation,
// a four-eyes switch and a rollback, the audit chain.
void TestReprocessingLifecycle::kappactlWorkflow()
{
    const Run dryRun = remoteCtl({"replay", "start", "user_features@v2", "--dry-run"});
    QVERIFY2(dryRun.exitCode == 0, dryRun.err.constData());
    QVERIFY2(dryRun.out.startsWith("pre-flight passed for user_features@v2"), dryRun.out.constData());
    const Run taken = remoteCtl({"replay", "start", "user_features@v1", "--dry-run"});
    QCOMPARE(taken.exitCode, 4);
    QVERIFY2(taken.out.contains("FAIL version"), taken.out.constData());

    const Run started = remoteCtl({"replay", "start", "user_features@v2", "--rate-multiple", "50", "--wait"});
    QVERIFY2(started.exitCode == 0, started.err.constData());
    QVERIFY2(started.out.startsWith("replay "), started.out.constData());
    QVERIFY2(lines(started.out).last().contains("caught_up"), started.out.constData());
    const QByteArray id = started.out.split(' ').value(1);
    const Run status = remoteCtl({"replay", "status", QString::fromUtf8(id)});
    QVERIFY2(status.exitCode == 0 && status.out.contains("from earliest, k=50.00"), status.out.constData());

    const Run validated = remoteCtl({"validate", "user_features@v2"});
    QVERIFY2(validated.exitCode == 0, validated.err.constData());
    QVERIFY2(validated.out.contains("PASSED"), validated.out.constData());
    const Run requested = remoteCtl({"switch", "request", "user_features@v2"});
    QVERIFY2(requested.exitCode == 0, requested.err.constData());
    const QString request = QString::fromUtf8(requested.out.split(' ').value(2).chopped(1));
    const Run own = remoteCtl({"switch", "approve", request});
    QCOMPARE(own.exitCode, 4);
    QVERIFY2(own.err.contains("PermissionDenied"), own.err.constData());
    const Run approved = remoteCtl({"switch", "approve", request}, "demo-approver.token");
    QVERIFY2(approved.exitCode == 0 && approved.out.contains("switched"), approved.err.constData());
    QCOMPARE(versionState("user_features", "v2"), std::string("live"));
    const Run rolledBack = remoteCtl({"rollback", "user_features", "--reason", "drill"},
                                     "demo-approver.token");
    QVERIFY2(rolledBack.exitCode == 0, rolledBack.err.constData());
    QVERIFY2(rolledBack.out.contains("serves from v1 again"), rolledBack.out.constData());
    QCOMPARE(remoteCtl({"replay", "pause", "999"}).exitCode, 3);

    const Run verified = remoteCtl({"audit", "verify"});
    QVERIFY2(verified.exitCode == 0 && verified.out.contains("chain intact"), verified.out.constData());
}

// What happened above reached the SSE stream as lifecycle events (replayed
// from the start of kappad's event journal).
void TestReprocessingLifecycle::lifecycleEventsOnTheStream()
{
    const std::vector<std::string> expected = {"replay.started",  "replay.caught_up", "rebuild.finished",
                                               "validation.done", "switch.done",      "switch.rolled_back",
                                               "version.retired", "version.deleted"};
    const auto allSeen = [&](const std::string &text) {
        return std::all_of(expected.begin(), expected.end(),
                           [&](const std::string &what) { return text.find(what) != std::string::npos; });
    };
    std::string text;
    auto client = m_kappad->client();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    (void) client->Get(
        "/api/v1/stream", {{"Last-Event-ID", "0"}, {"Authorization", "Bearer " + m_api->operatorToken()}},
        [&](const httplib::Response &response) { return response.status == 200; },
        [&](const char *data, std::size_t length) {
            text.append(data, length);
            return !allSeen(text) && std::chrono::steady_clock::now() < deadline;
        });
    for (const std::string &what : expected)
        QVERIFY2(text.find(what) != std::string::npos, (what + " is not on the stream").c_str());
    QVERIFY(text.find("event: lifecycle") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestReprocessingLifecycle)
#include "test_reprocessing_lifecycle.moc"
