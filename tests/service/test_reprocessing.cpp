// The reprocessing workflow end to end against a real `kappad --demo` over a
// day of history: replays of the same logic under new names validate with
// zero differences, the example v2 specs with the differences their change
// implies; four-eyes, expiry, voiding and roles of switch approvals; a switch
// and a rollback under read load fail no read and never mix versions; the
// audit chain verifies and `kappactl audit verify` detects an edited row.
#include "kappactl_process.h"
#include "reprocessing_api.h"

#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include <atomic>
#include <set>
#include <thread>

using nlohmann::json;

namespace {

constexpr int kApprovalTtlMs = 4000;
constexpr double kMinReadsPerSecond = 500;

json copyOf(const std::string &job, const std::string &version, const json &params)
{
    return {{"spec", {{"job", job}, {"version", version}, {"params", params}}}, {"rate_multiple", 20}};
}

std::set<std::string> diffFields(const json &report)
{
    std::set<std::string> fields;
    for (const json &diff : report["diffs"])
        fields.insert(diff["field"].get<std::string>());
    return fields;
}

// One reader's view of a flip: the versions it saw, in order, and its failures.
struct ReaderLog
{
    std::vector<std::string> versions;
    int failures = 0;
};

} // namespace

class TestReprocessing : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sameLogicValidatesWithoutDifferences();
    void v2SpecsValidateWithTheirChanges();
    void approvalsNeedFourEyesAndExpire();
    void switchAndRollbackUnderReadLoad();
    void auditChainDetectsAnEditedRow();

private:
    // Launches every request, then waits until each has caught up; false if one did not.
    bool launchAndCatchUp(const std::vector<json> &requests);
    QByteArray errorsLogged();
    // Runs `flip` while readers hammer the features of one user; their logs.
    std::vector<ReaderLog> readDuring(const std::function<void()> &flip, double &readsPerSecond);

    QTemporaryDir m_dir;
    QString m_data;
    std::unique_ptr<KappadProcess> m_kappad;
    std::unique_ptr<ReprocessingApi> m_api;
};

void TestReprocessing::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_data = m_dir.filePath("data");
    // A day of history ending now, so that business-metrics windows are closed in both versions.
    const qint64 dayAgo = QDateTime::currentMSecsSinceEpoch() - 86'400'000;
    const Run gen = kappactl(m_data, {"gen", "--events", "300000", "--days", "1", "--partitions", "8",
                                      "--start", QString::number(dayAgo)});
    QVERIFY2(gen.exitCode == 0, gen.err.constData());
    const QString config = m_dir.filePath("kappad.toml");
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[demo]\nrate = 5000\n[reprocessing]\ncaught_up_hold_ms = 1000\napproval_ttl_ms = "
               + QByteArray::number(kApprovalTtlMs) + "\n");
    file.close();
    m_kappad = std::make_unique<KappadProcess>(m_data, QStringList{"--demo", "--config", config});
    QVERIFY2(m_kappad->started(), m_kappad->log().constData());
    m_api = std::make_unique<ReprocessingApi>(*m_kappad, m_data);
    QVERIFY(!m_api->operatorToken().empty() && !m_api->approverToken().empty());
}

bool TestReprocessing::launchAndCatchUp(const std::vector<json> &requests)
{
    std::vector<std::int64_t> ids;
    for (const json &request : requests)
        ids.push_back(m_api->launch(request));
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] == 0 || !m_api->waitCaughtUp(ids[i])) {
            qWarning("replay of %s did not catch up: %s\nkappad's errors:\n%s", requests[i].dump().c_str(),
                     m_api->replay(ids[i]).dump().c_str(), errorsLogged().constData());
            return false;
        }
    }
    return true;
}

QByteArray TestReprocessing::errorsLogged()
{
    QByteArray errors;
    for (const QByteArray &line : m_kappad->log().split('\n'))
        if (line.contains("\"error\"") || line.contains("failed"))
            errors += line + '\n';
    return errors;
}

void TestReprocessing::sameLogicValidatesWithoutDifferences()
{
    QElapsedTimer timer;
    timer.start();
    const std::vector<std::pair<std::string, json>> copies
        = {{"user_features", json::object()},
           {"fraud", json::object()}, // the defaults are v1's parameters
           {"business_metrics", json::object()}};
    std::vector<json> requests;
    for (const auto &[job, params] : copies)
        requests.push_back(copyOf(job, "v1-copy", params));
    QVERIFY(launchAndCatchUp(requests));
    for (const auto &[job, params] : copies) {
        const Answer validation = m_api->validate(job, "v1-copy");
        QVERIFY2(validation.status == 201, validation.body.dump().c_str());
        const json &report = validation.body["report"];
        QVERIFY2(validation.body["passed"].get<bool>(), report.dump().c_str());
        QVERIFY2(report["keys"]["compared"].get<int>() > 0, (job + ": nothing compared").c_str());
        QCOMPARE(report["keys"]["differing"].get<int>(), 0);
        qInfo("%s v1-copy validated after %lld ms", job.c_str(), static_cast<long long>(timer.elapsed()));
        QVERIFY(report["diffs"].empty());
    }
    // A passed validation moved the versions to `validated`.
    const json jobs = m_api->get("/api/v1/jobs").body;
    for (const json &job : jobs["jobs"])
        for (const json &version : job["versions"])
            if (version["version"] == "v1-copy")
                QCOMPARE(version["state"].get<std::string>(), std::string("validated"));
}

void TestReprocessing::v2SpecsValidateWithTheirChanges()
{
    QVERIFY(launchAndCatchUp({{{"job_version", "user_features@v2"}},
                              {{"job_version", "fraud@v2"}},
                              {{"job_version", "business_metrics@v2"}}}));

    // user_features v2 adds two features and changes none.
    const Answer features = m_api->validate("user_features", "v2");
    QVERIFY2(features.status == 201, features.body.dump().c_str());
    QVERIFY2(features.body["passed"].get<bool>(), features.body["report"].dump().c_str());
    const json added = features.body["report"]["keys"]["added_fields"];
    QVERIFY(std::find(added.begin(), added.end(), "views_7d") != added.end());
    QVERIFY(std::find(added.begin(), added.end(), "top_categories_7d") != added.end());

    // fraud v2 re-weights the score: scores, reasons and flags differ, the windows do not.
    const Answer fraud = m_api->validate("fraud", "v2");
    QVERIFY2(fraud.status == 201, fraud.body.dump().c_str());
    const json &fraudReport = fraud.body["report"];
    QVERIFY(!fraud.body["passed"].get<bool>());
    QVERIFY(fraudReport["keys"]["differing"].get<int>() > 0);
    const std::set<std::string> allowed = {"score", "reasons", "flagged"};
    for (const std::string &field : diffFields(fraudReport))
        QVERIFY2(allowed.count(field), ("unexpected difference in " + field).c_str());
    QCOMPARE(fraudReport["aggregates"][0]["name"].get<std::string>(), std::string("score_psi"));
    QVERIFY(fraudReport["events_behind"]["events"].size() > 0);
    for (const json &event : fraudReport["events_behind"]["events"])
        QCOMPARE(event["card_id"], fraudReport["events_behind"]["key"]);

    // business_metrics v2 adds per-country rows; the category rows stay equal.
    const Answer metrics = m_api->validate("business_metrics", "v2");
    QVERIFY2(metrics.status == 201, metrics.body.dump().c_str());
    QVERIFY2(metrics.body["passed"].get<bool>(), metrics.body["report"].dump().c_str());
    QVERIFY(metrics.body["report"]["aggregates"].size() >= 3);

    // The stored report is the one returned.
    const std::int64_t id = fraud.body["id"].get<std::int64_t>();
    const Answer stored = m_api->get("/api/v1/validations/" + std::to_string(id));
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.body["report"], fraudReport);
}

void TestReprocessing::approvalsNeedFourEyesAndExpire()
{
    const std::string op = m_api->operatorToken();
    const std::string approver = m_api->approverToken();
    // An unvalidated candidate needs an admin override.
    const Answer unvalidated = m_api->post("/api/v1/switches", {{"job", "fraud"}, {"version", "v2"}});
    QCOMPARE(unvalidated.status, 409);

    const json request = {{"job", "fraud"}, {"version", "v1-copy"}};
    // The approver may not approve a request they made.
    const Answer own = m_api->post("/api/v1/switches", request, approver);
    QVERIFY2(own.status == 201, (own.body.dump() + "\n" + errorsLogged().toStdString()).c_str());
    const std::string ownId = std::to_string(own.body["id"].get<std::int64_t>());
    const Answer selfApproved = m_api->post("/api/v1/switches/" + ownId + "/approve", json::object(),
                                            approver);
    QCOMPARE(selfApproved.status, 409);
    QVERIFY(selfApproved.body["message"].get<std::string>().find("four-eyes") != std::string::npos);
    // An operator may not approve at all.
    QCOMPARE(m_api->post("/api/v1/switches/" + ownId + "/approve", json::object(), op).status, 403);
    QCOMPARE(m_api->post("/api/v1/switches/" + ownId + "/reject", {{"reason", "test"}}, approver).status, 200);

    // A request not approved in time expires.
    const Answer late = m_api->post("/api/v1/switches", request);
    QCOMPARE(late.status, 201);
    std::this_thread::sleep_for(std::chrono::milliseconds(kApprovalTtlMs + 500));
    const std::string lateId = std::to_string(late.body["id"].get<std::int64_t>());
    QCOMPARE(m_api->post("/api/v1/switches/" + lateId + "/approve", json::object(), approver).status, 409);

    // A candidate validated again after the request voids it.
    const Answer voided = m_api->post("/api/v1/switches", request);
    QCOMPARE(voided.status, 201);
    QCOMPARE(m_api->validate("fraud", "v1-copy").status, 201);
    const std::string voidedId = std::to_string(voided.body["id"].get<std::int64_t>());
    const Answer approveVoided = m_api->post("/api/v1/switches/" + voidedId + "/approve", json::object(),
                                             approver);
    QCOMPARE(approveVoided.status, 409);
    std::map<std::string, std::string> states;
    const json switches = m_api->get("/api/v1/switches").body;
    for (const json &s : switches["switches"])
        states[std::to_string(s["id"].get<std::int64_t>())] = s["state"].get<std::string>();
    QCOMPARE(states[ownId], std::string("rejected"));
    QCOMPARE(states[lateId], std::string("expired"));
    QCOMPARE(states[voidedId], std::string("void"));
    QCOMPARE(m_api->get("/api/v1/jobs").body["jobs"][1]["live_version"].get<std::string>(),
             std::string("v1"));
}

std::vector<ReaderLog> TestReprocessing::readDuring(const std::function<void()> &flip, double &readsPerSecond)
{
    constexpr int kReaders = 4;
    std::atomic<bool> stop{false};
    std::atomic<std::int64_t> reads{0};
    std::vector<ReaderLog> logs(kReaders);
    std::vector<std::thread> readers;
    // A user that exists in both versions.
    std::string user;
    for (int id = 1; id < 1000 && user.empty(); ++id)
        if (m_api->get("/api/v1/views/features/" + std::to_string(id)).status == 200)
            user = std::to_string(id);
    for (int r = 0; r < kReaders; ++r) {
        readers.emplace_back([&, r] {
            auto client = m_kappad->client();
            client->set_keep_alive(true);
            const httplib::Headers token = {{"Authorization", "Bearer " + m_api->operatorToken()}};
            while (!stop.load()) {
                const httplib::Result result = client->Get("/api/v1/views/features/" + user, token);
                reads.fetch_add(1);
                if (!result || result->status != 200) {
                    ++logs[r].failures;
                    continue;
                }
                // The view object comes first ({"view":{...,"version":"v1",...},"data":...}):
                // a search instead of a parse leaves the CPU to the server.
                const std::size_t at = result->body.find("\"version\":\"");
                const std::size_t from = at == std::string::npos ? at : at + 11;
                const std::string version = at == std::string::npos
                                                ? std::string("?")
                                                : result->body.substr(from,
                                                                      result->body.find('"', from) - from);
                if (logs[r].versions.empty() || logs[r].versions.back() != version)
                    logs[r].versions.push_back(version);
            }
        });
    }
    // Counted once the readers are connected and warm.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const std::int64_t warmUpReads = reads.load();
    const auto started = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    flip();
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    stop = true;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (std::thread &reader : readers)
        reader.join();
    readsPerSecond = static_cast<double>(reads.load() - warmUpReads) / seconds;
    return logs;
}

void TestReprocessing::switchAndRollbackUnderReadLoad()
{
    // The other shadow versions are cancelled first: on two cores their
    // tailing would take CPU from the readers this test measures.
    for (const json &replay : m_api->get("/api/v1/replays").body["replays"]) {
        const std::string state = replay["state"].get<std::string>();
        if ((state == "running" || state == "caught_up")
            && !(replay["job"] == "user_features" && replay["version"] == "v2"))
            QCOMPARE(m_api
                         ->post("/api/v1/replays/" + std::to_string(replay["id"].get<std::int64_t>())
                                    + "/cancel",
                                {{"reason", "not needed by the switch test"}})
                         .status,
                     200);
    }
    const Answer request = m_api->post("/api/v1/switches", {{"job", "user_features"}, {"version", "v2"}});
    QVERIFY2(request.status == 201, request.body.dump().c_str());
    const std::string id = std::to_string(request.body["id"].get<std::int64_t>());
    Answer approved;
    double rate = 0;
    std::vector<ReaderLog> logs = readDuring(
        [&] {
            approved = m_api->post("/api/v1/switches/" + id + "/approve", json::object(),
                                   m_api->approverToken());
        },
        rate);
    QVERIFY2(approved.status == 200, approved.body.dump().c_str());
    // The rate is printed, not asserted (a shared two-core machine measures
    // 4-14K reads/s here; README, Reprocessing); the floor only makes sure
    // the switch happened under real concurrent reads.
    qInfo("switch under %.0f reads/s", rate);
    QVERIFY2(rate >= kMinReadsPerSecond, qPrintable(QString("only %1 reads/s").arg(rate)));
    for (const ReaderLog &log : logs) {
        QCOMPARE(log.failures, 0);
        QCOMPARE(log.versions, (std::vector<std::string>{"v1", "v2"}));
    }

    Answer rolledBack;
    logs = readDuring(
        [&] {
            rolledBack = m_api->post("/api/v1/jobs/user_features/rollback", {{"reason", "drill"}},
                                     m_api->approverToken());
        },
        rate);
    QVERIFY2(rolledBack.status == 200, rolledBack.body.dump().c_str());
    qInfo("rollback under %.0f reads/s", rate);
    QVERIFY2(rate >= kMinReadsPerSecond, qPrintable(QString("only %1 reads/s").arg(rate)));
    for (const ReaderLog &log : logs) {
        QCOMPARE(log.failures, 0);
        QCOMPARE(log.versions, (std::vector<std::string>{"v2", "v1"}));
    }
}

void TestReprocessing::auditChainDetectsAnEditedRow()
{
    const Answer verified = m_api->get("/api/v1/audit/verify");
    QCOMPARE(verified.status, 200);
    QVERIFY(verified.body["ok"].get<bool>());
    std::set<std::string> actions;
    const Answer audit = m_api->get("/api/v1/audit?limit=10000");
    QVERIFY2(audit.status == 200, audit.body.dump().c_str());
    for (const json &entry : audit.body["entries"])
        actions.insert(entry["action"].get<std::string>());
    for (const char *action :
         {"replay.start", "replay.caught_up", "validation.run", "switch.request", "switch.rejected",
          "switch.expired", "switch.void", "alias.switch", "alias.rollback"})
        QVERIFY2(actions.count(action),
                 (std::string(action) + " missing from " + json(actions).dump()).c_str());
    QCOMPARE(m_kappad->stop(SIGTERM), 0);

    QCOMPARE(kappactl(m_data, {"audit", "verify"}).exitCode, 0);
    sqlite3 *db = nullptr;
    QCOMPARE(sqlite3_open((m_data + "/catalog.db").toUtf8().constData(), &db), SQLITE_OK);
    QCOMPARE(sqlite3_exec(db,
                          "DROP TRIGGER audit_log_no_update; "
                          "UPDATE audit_log SET actor = 'mallory' WHERE seq = 12",
                          nullptr, nullptr, nullptr),
             SQLITE_OK);
    sqlite3_close(db);
    const Run tampered = kappactl(m_data, {"audit", "verify"});
    QCOMPARE(tampered.exitCode, 5); // Corruption
    QVERIFY2(tampered.err.contains("entry 12"), tampered.err.constData());
}

QTEST_APPLESS_MAIN(TestReprocessing)
#include "test_reprocessing.moc"
