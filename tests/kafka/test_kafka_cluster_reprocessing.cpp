// Replays, validation and a switch across a cluster, on a real Kafka broker:
// two kappad instances share the 8 partitions of the events topic and the
// catalog of record (a compacted topic the leader writes). A replay launched
// through either runs on both, each on its own partitions; its progress,
// caught-up and validation count both shares; the switch, requested through
// one and approved through the other, flips what both serve; both hold the
// same audit log, which verifies on each. Then the leader is killed: the
// survivor leads from the shared catalog and rolls the switch back.
//
// Needs the shared broker (tests/kafka/broker): run through CTest.
#include "../service/reprocessing_api.h"
#include "cluster_log.h"
#include "kafka_broker_address.h"
#include "kappactl_process.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

#include <set>

using json = nlohmann::json;

namespace {

constexpr int kPartitions = 8;

// The partitions a version runs on an instance (-1: it does not run there).
int runningPartitions(ReprocessingApi &api, const std::string &job, const std::string &version)
{
    const Answer jobs = api.get("/api/v1/jobs");
    for (const json &j : jobs.body.value("jobs", json::array()))
        if (j.value("job", "") == job)
            for (const json &v : j.value("versions", json::array()))
                if (v.value("version", "") == version && v.value("running", false))
                    return static_cast<int>(v.value("partitions", json::array()).size());
    return -1;
}

std::string liveVersion(ReprocessingApi &api, const std::string &job)
{
    const Answer jobs = api.get("/api/v1/jobs");
    for (const json &j : jobs.body.value("jobs", json::array()))
        if (j.value("job", "") == job && j["live_version"].is_string())
            return j["live_version"].get<std::string>();
    return {};
}

} // namespace

class TestKafkaClusterReprocessing : public QObject
{
    Q_OBJECT

    QString m_bootstrap;
    QString m_prefix;
    QTemporaryDir m_dir;

    QStringList kafkaArgs() const
    {
        return {QStringLiteral("--kafka-bootstrap"), m_bootstrap, QStringLiteral("--kafka-topic-prefix"),
                m_prefix};
    }
    QStringList instanceArgs(const QString &id, const QString &config, const QString &tokens) const
    {
        return kafkaArgs() + QStringList{QStringLiteral("--cluster-group"), QStringLiteral("ops"),
                                         QStringLiteral("--instance-id"),   id,
                                         QStringLiteral("--config"),        config,
                                         QStringLiteral("--token-file"),    tokens};
    }

private slots:
    void initTestCase()
    {
        KAPPA_KAFKA_BROKER_OR_SKIP(m_bootstrap);
        m_prefix = QStringLiteral("reproc-%1-%2.")
                       .arg(QCoreApplication::applicationPid())
                       .arg(QDateTime::currentMSecsSinceEpoch());
        QVERIFY(m_dir.isValid());
    }

    void replayValidateAndSwitchAcrossTwoInstances()
    {
        const QString dataA = m_dir.filePath(QStringLiteral("a"));
        const QString dataB = m_dir.filePath(QStringLiteral("b"));
        const qint64 dayAgo = QDateTime::currentMSecsSinceEpoch() - 86'400'000;
        const Run gen = kappactl(dataA, kafkaArgs()
                                            + QStringList{"gen", "--events", "40000", "--days", "1",
                                                          "--partitions", QString::number(kPartitions),
                                                          "--start", QString::number(dayAgo)});
        QVERIFY2(gen.exitCode == 0, gen.err.constData());
        QVERIFY(QDir().mkpath(dataB));
        // One token file for both: a request forwarded between them carries its caller's token.
        const QString tokens = m_dir.filePath(QStringLiteral("tokens.json"));
        const Run op = kappactl(dataA, {"token", "add", "ops", "--role", "operator", "--token-file", tokens});
        QVERIFY2(op.exitCode == 0, op.err.constData());
        const Run boss = kappactl(dataA,
                                  {"token", "add", "boss", "--role", "approver", "--token-file", tokens});
        QVERIFY2(boss.exitCode == 0, boss.err.constData());
        const std::string operatorToken = op.out.trimmed().toStdString();
        const std::string approverToken = boss.out.trimmed().toStdString();
        const QString config = m_dir.filePath(QStringLiteral("kappad.toml"));
        QFile file(config);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("[reprocessing]\ncaught_up_hold_ms = 1000\n");
        file.close();

        KappadProcess a(dataA, instanceArgs(QStringLiteral("a"), config, tokens));
        QVERIFY2(a.started(), a.log().constData());
        QVERIFY2(waitFor([&] { return ownedPartitions(a.log()) == kPartitions; }, 60'000),
                 a.log().constData());
        KappadProcess b(dataB, instanceArgs(QStringLiteral("b"), config, tokens));
        QVERIFY2(b.started(), b.log().constData());
        QVERIFY2(waitFor([&] { return ownedPartitions(a.log()) == 4 && ownedPartitions(b.log()) == 4; },
                         60'000),
                 (a.log() + b.log()).constData());
        ReprocessingApi apiA(a, operatorToken, approverToken);
        ReprocessingApi apiB(b, operatorToken, approverToken);
        const auto logs = [&] { return notable(a.log()) + "\n---- b:\n" + notable(b.log()); };

        // A replay launched through b runs on both instances, each on its own partitions.
        const json request = {{"spec",
                               {{"job", "user_features"}, {"version", "v1-copy"}, {"params", json::object()}}},
                              {"rate_multiple", 20},
                              {"min_rate", 20000}};
        // (A 503 while partition 0, and with it the lead, moves between them: try again.)
        Answer launched;
        QVERIFY(waitFor(
            [&] {
                launched = apiB.post("/api/v1/replays", request);
                return launched.status != 503;
            },
            30'000));
        QVERIFY2(launched.status == 201, launched.body.dump().c_str());
        const std::int64_t id = launched.body.value("id", std::int64_t{0});
        QVERIFY(id > 0);
        QVERIFY2(waitFor(
                     [&] {
                         return runningPartitions(apiA, "user_features", "v1-copy") == 4
                                && runningPartitions(apiB, "user_features", "v1-copy") == 4;
                     },
                     30'000),
                 logs().constData());

        // Its progress counts both shares; it catches up over all 8 partitions, whichever is asked.
        json progress;
        QVERIFY2(waitFor(
                     [&] {
                         progress = apiA.replay(id);
                         return progress.value("state", "") == "caught_up";
                     },
                     120'000),
                 (progress.dump() + "\n" + logs().toStdString()).c_str());
        const json status = apiB.replay(id);
        QCOMPARE(status["partitions"].size(), std::size_t{kPartitions});
        QCOMPARE(status.value("state", ""), std::string("caught_up"));

        // The validation compares each instance's partitions and passes only if both pass.
        const Answer validation = apiA.validate("user_features", "v1-copy");
        QVERIFY2(validation.status == 201, validation.body.dump().c_str());
        QVERIFY2(validation.body.value("passed", false), validation.body.dump().c_str());
        const json &shares = validation.body["report"]["shares"];
        QCOMPARE(shares.size(), std::size_t{2});
        std::set<std::string> instances;
        int compared = 0;
        for (const json &share : shares) {
            instances.insert(share["instance"].get<std::string>());
            QVERIFY(share["passed"].get<bool>());
            compared += share["report"]["keys"]["compared"].get<int>();
        }
        QCOMPARE(instances, (std::set<std::string>{"a", "b"}));
        QVERIFY(compared > 0);

        // Requested through b by the operator, approved through a by the approver.
        const Answer switchRequest = apiB.post("/api/v1/switches",
                                               {{"job", "user_features"}, {"version", "v1-copy"}});
        QVERIFY2(switchRequest.status == 201, switchRequest.body.dump().c_str());
        const std::string switchId = std::to_string(switchRequest.body.value("id", std::int64_t{0}));
        const Answer approved = apiA.post("/api/v1/switches/" + switchId + "/approve", json::object(),
                                          approverToken);
        QVERIFY2(approved.status == 200, approved.body.dump().c_str());
        QCOMPARE(approved.body.value("state", ""), std::string("switched"));

        // Both serve the new version, for every user (a's own, b's forwarded).
        QVERIFY2(waitFor(
                     [&] {
                         return liveVersion(apiA, "user_features") == "v1-copy"
                                && liveVersion(apiB, "user_features") == "v1-copy";
                     },
                     10'000),
                 logs().constData());
        for (int user = 1; user <= 20; ++user) {
            for (ReprocessingApi *api : {&apiA, &apiB}) {
                const Answer read = api->get("/api/v1/views/features/" + std::to_string(user));
                if (read.status == 404)
                    continue; // a user without events
                QVERIFY2(read.status == 200, read.body.dump().c_str());
                QCOMPARE(read.body["view"]["version"].get<std::string>(), std::string("v1-copy"));
            }
        }

        // One audit log, the same on both, and it verifies on each.
        json auditA, auditB;
        QVERIFY2(waitFor(
                     [&] {
                         auditA = apiA.get("/api/v1/audit").body;
                         auditB = apiB.get("/api/v1/audit").body;
                         return auditA == auditB;
                     },
                     10'000),
                 (auditA.dump() + "\n" + auditB.dump()).c_str());
        std::set<std::string> actions;
        for (const json &entry : auditA["entries"])
            actions.insert(entry["action"].get<std::string>());
        for (const char *action :
             {"replay.start", "replay.caught_up", "validation.run", "switch.request", "alias.switch"})
            QVERIFY2(actions.contains(action), action);
        for (ReprocessingApi *api : {&apiA, &apiB}) {
            const Answer verified = api->get("/api/v1/audit/verify");
            QVERIFY2(verified.body.value("ok", false), verified.body.dump().c_str());
        }

        // The leader dies; the survivor takes partition 0 over, and with it the
        // lead, and goes on from the shared catalog: it rolls the switch back.
        const bool aLeads = leadsCluster(a.log());
        QVERIFY(aLeads != leadsCluster(b.log()));
        KappadProcess &leader = aLeads ? a : b;
        KappadProcess &survivor = aLeads ? b : a;
        ReprocessingApi &api = aLeads ? apiB : apiA;
        leader.signal(SIGKILL);
        QVERIFY2(waitFor([&] { return ownedPartitions(survivor.log()) == kPartitions; }, 60'000),
                 notable(survivor.log()).constData());
        Answer rolledBack;
        QVERIFY2(waitFor(
                     [&] {
                         rolledBack = api.post("/api/v1/jobs/user_features/rollback", {{"reason", "test"}},
                                               approverToken);
                         return rolledBack.status != 503;
                     },
                     30'000),
                 rolledBack.body.dump().c_str());
        QVERIFY2(rolledBack.status == 200,
                 (rolledBack.body.dump() + "\n" + notable(survivor.log()).toStdString()).c_str());
        QCOMPARE(liveVersion(api, "user_features"), std::string("v1"));
        const Answer read = api.get("/api/v1/views/features/1");
        QVERIFY2(read.status == 200 || read.status == 404, read.body.dump().c_str());
        if (read.status == 200)
            QCOMPARE(read.body["view"]["version"].get<std::string>(), std::string("v1"));
        const json audit = api.get("/api/v1/audit").body;
        std::vector<std::string> order; // the alias changes, oldest first
        for (const json &entry : audit["entries"])
            if (entry["action"].get<std::string>().starts_with("alias."))
                order.push_back(entry["action"].get<std::string>());
        QVERIFY2(!order.empty() && order.back() == "alias.rollback" && order.size() >= 2
                     && order[order.size() - 2] == "alias.switch",
                 audit.dump().c_str());
        QVERIFY(api.get("/api/v1/audit/verify").body.value("ok", false));
        QCOMPARE(leader.stop(), -1); // killed
        QCOMPARE(survivor.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TestKafkaClusterReprocessing)
#include "test_kafka_cluster_reprocessing.moc"
