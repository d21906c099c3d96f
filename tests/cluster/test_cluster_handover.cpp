// State hand-over through changelogs (ChangelogReplication), in process: two
// engines share the partitions of one log, each with its own data directory
// (state, views, catalog) like two kappad instances; then one takes over the
// other's partitions from the changelog alone and goes on. Its views must
// equal those of a single engine that ran over every event, byte for byte.
// The transport is an in-memory one here; the Kafka transport is tested
// against the broker in tests/kafka.
#include "../jobs/jobs_test_util.h"
#include "cluster/changelog_replication.h"
#include "memory_transport.h"

#include <map>
#include <mutex>
#include <thread>

using namespace jobstest;
using clustertest::MemoryTransport;
using kappa::PartitionId;
using kappa::cluster::ChangelogEntry;

namespace {

constexpr std::int32_t kPartitions = 4;
const std::vector<std::string> kJobs = {"user_features@v1", "business_metrics@v1"};

} // namespace

class TestClusterHandover : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // Runs jobs over `log` until caught up with `data`'s catalog and state,
    // for the given partitions, publishing to / restoring from `replication`.
    static Status run(DataDir &data, kappa::EventLog &log, std::optional<std::vector<PartitionId>> partitions,
                      std::shared_ptr<kappa::jobs::StateReplication> replication)
    {
        KAPPA_ASSIGN_OR_RETURN(std::vector<kappa::jobs::JobDefinition> defs, data.definitions(kJobs));
        kappa::jobs::EngineOptions options;
        options.layout = data.layout;
        options.runtime.threads = 2;
        options.runtime.checkpointInterval = std::chrono::milliseconds(100);
        options.partitions = std::move(partitions);
        options.replication = std::move(replication);
        KAPPA_ASSIGN_OR_RETURN(auto engine,
                               kappa::jobs::Engine::open(log, *data.catalog, std::move(defs), options));
        Status status = engine->start();
        if (status.isOk())
            status = engine->runUntilCaughtUp();
        const Status stopped = engine->stop();
        KAPPA_RETURN_IF_ERROR(status);
        return stopped;
    }

private slots:
    void takeoverFromTheChangelogEqualsOneInstance()
    {
        const std::vector<kappa::Event> events = sampleEvents(80'000, 77);
        const std::vector<kappa::Event> first(events.begin(), events.begin() + 50'000);
        const std::vector<kappa::Event> rest(events.begin() + 50'000, events.end());

        // The reference: one engine, every partition, every event.
        DataDir single;
        KAPPA_VERIFY_OK(single.open(tempPath(m_dir, "single"), kPartitions));
        KAPPA_VERIFY_OK(single.append(events));
        KAPPA_VERIFY_OK(run(single, *single.log, std::nullopt, nullptr));

        // Two instances over one log (a's), each with its own data directory.
        auto transport = std::make_shared<MemoryTransport>();
        auto replication = std::make_shared<kappa::cluster::ChangelogReplication>(transport);
        DataDir a, b;
        KAPPA_VERIFY_OK(a.open(tempPath(m_dir, "a"), kPartitions));
        KAPPA_VERIFY_OK(b.open(tempPath(m_dir, "b"), kPartitions));
        KAPPA_VERIFY_OK(a.append(first));
        Status ranA, ranB;
        std::thread other([&] {
            ranB = run(b, *a.log, std::vector{PartitionId(2), PartitionId(3)}, replication);
        });
        ranA = run(a, *a.log, std::vector{PartitionId(0), PartitionId(1)}, replication);
        other.join();
        KAPPA_VERIFY_OK(ranA);
        KAPPA_VERIFY_OK(ranB);
        QVERIFY(transport->writes > 0);

        // b is gone for good (its directory too); a takes its partitions over
        // from the changelog and processes the rest of the events.
        b.close();
        std::filesystem::remove_all(b.root);
        KAPPA_VERIFY_OK(a.append(rest));
        KAPPA_VERIFY_OK(run(a, *a.log, std::nullopt, replication));

        for (const std::string job : {"user_features", "business_metrics"}) {
            KAPPA_ASSIGN_OR_FAIL(auto expected, single.dump(job, "v1"));
            KAPPA_ASSIGN_OR_FAIL(auto actual, a.dump(job, "v1"));
            QVERIFY2(!expected.empty(), job.c_str());
            QCOMPARE(actual.size(), expected.size());
            QVERIFY2(actual == expected, job.c_str());
        }
    }

    void aStoreWithoutChangelogPublishesItsWholeState()
    {
        // A deployment that ran on one instance without a changelog joins a
        // cluster: its first restore publishes everything, so another
        // instance can take any partition over from the changelog.
        const std::vector<kappa::Event> events = sampleEvents(20'000, 5);
        DataDir a, b;
        KAPPA_VERIFY_OK(a.open(tempPath(m_dir, "solo"), kPartitions));
        KAPPA_VERIFY_OK(b.open(tempPath(m_dir, "joiner"), kPartitions));
        KAPPA_VERIFY_OK(a.append(events));
        KAPPA_VERIFY_OK(run(a, *a.log, std::nullopt, nullptr));
        auto transport = std::make_shared<MemoryTransport>();
        auto replication = std::make_shared<kappa::cluster::ChangelogReplication>(transport);
        KAPPA_VERIFY_OK(run(a, *a.log, std::nullopt,
                            replication)); // nothing new to process: only the restore's publishing
        QVERIFY(transport->writes >= std::size_t(2 * kPartitions));
        KAPPA_VERIFY_OK(run(b, *a.log, std::nullopt, replication));
        for (const std::string job : {"user_features", "business_metrics"}) {
            KAPPA_ASSIGN_OR_FAIL(auto expected, a.dump(job, "v1"));
            KAPPA_ASSIGN_OR_FAIL(auto actual, b.dump(job, "v1"));
            QVERIFY2(actual == expected, job.c_str());
        }
    }

    void anInstanceThatRanAloneInBetweenHandsOverWhatItWrote()
    {
        // Alone, business_metrics keeps its rows only in the view; rejoining,
        // the instance must hand over the rows of that time too, not the
        // older ones its state kept while it last was in the cluster.
        const std::vector<kappa::Event> events = sampleEvents(60'000, 9);
        const std::vector<kappa::Event> inCluster(events.begin(), events.begin() + 20'000);
        const std::vector<kappa::Event> alone(events.begin() + 20'000, events.begin() + 40'000);
        const std::vector<kappa::Event> after(events.begin() + 40'000, events.end());
        DataDir a, b;
        KAPPA_VERIFY_OK(a.open(tempPath(m_dir, "rejoins"), kPartitions));
        KAPPA_VERIFY_OK(b.open(tempPath(m_dir, "takes-over"), kPartitions));
        auto transport = std::make_shared<MemoryTransport>();
        auto replication = std::make_shared<kappa::cluster::ChangelogReplication>(transport);
        KAPPA_VERIFY_OK(a.append(inCluster));
        KAPPA_VERIFY_OK(run(a, *a.log, std::nullopt, replication));
        KAPPA_VERIFY_OK(a.append(alone));
        KAPPA_VERIFY_OK(run(a, *a.log, std::nullopt, nullptr));
        KAPPA_VERIFY_OK(run(a, *a.log, std::nullopt, replication)); // rejoins: publishes what it is ahead by
        KAPPA_ASSIGN_OR_FAIL(auto beforeTakeover, a.dump("business_metrics", "v1"));
        KAPPA_VERIFY_OK(run(b, *a.log, std::nullopt, replication));
        KAPPA_ASSIGN_OR_FAIL(auto takenOver, b.dump("business_metrics", "v1"));
        QVERIFY(!beforeTakeover.empty());
        QVERIFY(takenOver == beforeTakeover);
        KAPPA_VERIFY_OK(a.append(after));
        KAPPA_VERIFY_OK(run(b, *a.log, std::nullopt, replication));
        KAPPA_VERIFY_OK(run(a, *a.log, std::nullopt, nullptr));
        KAPPA_ASSIGN_OR_FAIL(auto expected, a.dump("business_metrics", "v1"));
        KAPPA_ASSIGN_OR_FAIL(auto actual, b.dump("business_metrics", "v1"));
        QVERIFY(actual == expected);
    }
};

QTEST_APPLESS_MAIN(TestClusterHandover)
#include "test_cluster_handover.moc"
