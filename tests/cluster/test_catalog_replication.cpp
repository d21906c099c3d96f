// The shared catalog of a cluster (CatalogReplication): what the leader
// publishes, a follower applies; only changed rows travel; the leader never
// takes its own older writes back; an instance with a history of its own is
// told so. The transport is in memory; test_kafka_cluster_reprocessing runs
// it on the real broker.
#include "cluster/catalog_replication.h"
#include "memory_transport.h"

#include <QTemporaryDir>
#include <QTest>

using namespace kappa;
using clustertest::MemoryTransport;

namespace {

const std::string kTopic = "cluster.test.catalog";

JobVersionInfo version(const std::string &job, const std::string &name, VersionState state)
{
    JobVersionInfo info;
    info.job = job;
    info.version = name;
    info.specJson = R"({"job":")" + job + R"(","version":")" + name + R"(","params":{}})";
    info.state = state;
    info.createdBy = "alice";
    return info;
}

std::unique_ptr<Catalog> openCatalog(const QTemporaryDir &dir, const char *name)
{
    auto catalog = Catalog::open(dir.filePath(QString::fromUtf8(name)).toStdString());
    return catalog.isOk() ? std::move(catalog).value() : nullptr;
}

ReplayRecord replayOf(const std::string &job, const std::string &name)
{
    ReplayRecord record;
    record.job = job;
    record.version = name;
    record.from = "earliest";
    record.startOffsets = {0, 0};
    record.rateMultiple = 5;
    record.createdBy = "alice";
    return record;
}

} // namespace

class TestCatalogReplication : public QObject
{
    Q_OBJECT

private slots:
    void followerGetsWhatTheLeaderPublishes()
    {
        QTemporaryDir dir;
        auto leader = openCatalog(dir, "leader.db");
        auto follower = openCatalog(dir, "follower.db");
        QVERIFY(leader && follower);
        auto transport = std::make_shared<MemoryTransport>();
        cluster::CatalogReplication publishing(transport, *leader, kTopic);
        cluster::CatalogReplication following(transport, *follower, kTopic);
        QVERIFY(publishing.createTopic().isOk());

        QVERIFY(leader->addJobVersion(version("fraud", "v1", VersionState::Live)).isOk());
        QVERIFY(leader->setAlias("fraud", "v1", "kappad").isOk());
        QVERIFY(leader->addJobVersion(version("fraud", "v2", VersionState::Replaying)).isOk());
        Result<std::int64_t> replay = leader->addReplay(replayOf("fraud", "v2"));
        QVERIFY(replay.isOk());
        Result<std::size_t> published = publishing.publish();
        QVERIFY2(published.isOk(), published.status().toString().c_str());
        QVERIFY(*published > 5);
        QCOMPARE(*publishing.publish(), std::size_t{0}); // nothing changed since

        Result<std::size_t> applied = following.follow();
        QVERIFY2(applied.isOk(), applied.status().toString().c_str());
        QCOMPARE(*applied, *published);
        QCOMPARE(*follower->sharedRows(), *leader->sharedRows());
        QCOMPARE(follower->alias("fraud")->value_or(""), std::string("v1"));
        QVERIFY(follower->verifyAudit().isOk() && !follower->verifyAudit()->firstBadSeq);
        QCOMPARE(*following.follow(), std::size_t{0});

        // A change travels alone: the replay's row and its audit entry.
        ReplayRecord paused = *leader->replay(*replay);
        paused.paused = true;
        QVERIFY(leader->updateReplay(paused, "bob", "replay.pause", "paused").isOk());
        QCOMPARE(*publishing.publish(), std::size_t{2});
        QCOMPARE(*following.follow(), std::size_t{2});
        QVERIFY(follower->replay(*replay)->paused);
        QCOMPARE(*follower->sharedRows(), *leader->sharedRows());
        QVERIFY(following.unsharedKeys()->empty());
    }

    void leaderNeverTakesItsOwnOlderWritesBack()
    {
        QTemporaryDir dir;
        auto leader = openCatalog(dir, "leader.db");
        QVERIFY(leader);
        auto transport = std::make_shared<MemoryTransport>();
        cluster::CatalogReplication replication(transport, *leader, kTopic);
        QVERIFY(replication.createTopic().isOk());
        QVERIFY(leader->addJobVersion(version("fraud", "v1", VersionState::Live)).isOk());
        QVERIFY(leader->addJobVersion(version("fraud", "v2", VersionState::Replaying)).isOk());
        QVERIFY(replication.publish().isOk());
        QVERIFY(leader->setVersionState("fraud", "v2", VersionState::CaughtUp, "kappad").isOk());
        QVERIFY(replication.publish().isOk());
        QVERIFY(leader->setVersionState("fraud", "v2", VersionState::Validated, "kappad").isOk());
        // Not published yet. Following now (it lost the lead, say) reads its
        // own two writes of v2: the newer local state must stay.
        QVERIFY(replication.follow().isOk());
        QCOMPARE(leader->jobVersion("fraud", "v2")->state, VersionState::Validated);
    }

    void instanceWithAHistoryOfItsOwnIsTold()
    {
        QTemporaryDir dir;
        auto leader = openCatalog(dir, "leader.db");
        auto loner = openCatalog(dir, "loner.db");
        QVERIFY(leader && loner);
        auto transport = std::make_shared<MemoryTransport>();
        cluster::CatalogReplication publishing(transport, *leader, kTopic);
        cluster::CatalogReplication joining(transport, *loner, kTopic);
        QVERIFY(publishing.createTopic().isOk());
        QVERIFY(leader->addJobVersion(version("fraud", "v1", VersionState::Live)).isOk());
        QVERIFY(publishing.publish().isOk());
        // The same version registered on its own, plus a replay the cluster never saw.
        QVERIFY(loner->addJobVersion(version("fraud", "v1", VersionState::Live)).isOk());
        QVERIFY(loner->addJobVersion(version("fraud", "v3", VersionState::Replaying)).isOk());
        QVERIFY(loner->addReplay(replayOf("fraud", "v3")).isOk());
        QVERIFY(joining.follow().isOk());
        const std::vector<std::string> unshared = *joining.unsharedKeys();
        QVERIFY(!unshared.empty());
        QVERIFY(std::find(unshared.begin(), unshared.end(), "replays/1") != unshared.end());
    }

    void aLeaderThatLostTheLeadDropsWhatItCouldNotShare()
    {
        QTemporaryDir dir;
        auto first = openCatalog(dir, "first.db");
        auto second = openCatalog(dir, "second.db");
        QVERIFY(first && second);
        auto transport = std::make_shared<MemoryTransport>();
        cluster::CatalogReplication oldLeader(transport, *first, kTopic);
        cluster::CatalogReplication newLeader(transport, *second, kTopic);
        QVERIFY(oldLeader.createTopic().isOk());
        QVERIFY(first->addJobVersion(version("fraud", "v1", VersionState::Live)).isOk());
        QVERIFY(first->setAlias("fraud", "v1", "kappad").isOk());
        QVERIFY(oldLeader.publish().isOk());
        QVERIFY(newLeader.follow().isOk());
        // The old leader launches a replay but is fenced before it can share it.
        QVERIFY(first->addJobVersion(version("fraud", "v2", VersionState::Replaying)).isOk());
        QVERIFY(first->addReplay(replayOf("fraud", "v2")).isOk());
        transport->failWrites = true;
        QVERIFY(!oldLeader.publish().isOk());
        transport->failWrites = false;
        // The new leader makes a change of its own, with the same ids.
        QVERIFY(second->addJobVersion(version("fraud", "v3", VersionState::Replaying)).isOk());
        QVERIFY(second->addReplay(replayOf("fraud", "v3")).isOk());
        QVERIFY(newLeader.publish().isOk());
        // The old one follows, and drops what the cluster never got.
        QVERIFY(oldLeader.follow().isOk());
        QVERIFY(!oldLeader.unsharedKeys()->empty());
        Result<std::size_t> dropped = oldLeader.dropUnshared();
        QVERIFY2(dropped.isOk(), dropped.status().toString().c_str());
        QVERIFY(*dropped > 0);
        QCOMPARE(*first->sharedRows(), *second->sharedRows());
        QCOMPARE(first->replay(1)->version, std::string("v3"));
        QVERIFY(!first->jobVersion("fraud", "v2").isOk());
        QVERIFY(!first->verifyAudit()->firstBadSeq);
    }

    void aFencedLeaderCannotPublish()
    {
        QTemporaryDir dir;
        auto leader = openCatalog(dir, "leader.db");
        QVERIFY(leader);
        auto transport = std::make_shared<MemoryTransport>();
        cluster::CatalogReplication replication(transport, *leader, kTopic);
        QVERIFY(replication.createTopic().isOk());
        QVERIFY(leader->addJobVersion(version("fraud", "v1", VersionState::Live)).isOk());
        transport->failWrites = true; // another instance claimed partition 0
        Result<std::size_t> published = replication.publish();
        QVERIFY(!published.isOk());
        // What it could not publish is still to be published once it may.
        transport->failWrites = false;
        QVERIFY(*replication.publish() > 0);
    }
};

QTEST_GUILESS_MAIN(TestCatalogReplication)
#include "test_catalog_replication.moc"
