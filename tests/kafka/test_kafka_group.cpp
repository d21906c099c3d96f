// GroupMember (engine/src/kafka/group_member.h) on librdkafka's mock cluster:
// two members share an 8-partition topic, a leaving member hands its
// partitions over (revoked before they are assigned elsewhere), leaving is
// idempotent and bounded without a cluster, and bad configurations fail.
//
// The mock of librdkafka 2.0.2 answers neither ListGroups nor DescribeGroups
// (librdkafka reports _UNSUPPORTED_FEATURE; DescribeConsumerGroups of the
// Admin API even aborts the process on it, see group_member.cpp), so
// describeGroup() is FailedPrecondition there and is tested against the real
// broker (tests/kafka/broker), as is the hand-over with a real coordinator:
// the *OnBroker functions, run by the test_kafka_group_broker entry of CTest
// and skipped without a broker.
#include "kafka/group_member.h"
#include "kafka_broker_address.h"
#include "mock_cluster.h"
#include "test_support.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

using namespace kappa;
using namespace kappa::kafka;
using namespace kappa::kafkatest;
using namespace std::chrono_literals;

namespace {

constexpr int kPartitions = 8;

bool waitFor(const std::function<bool()> &done, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

std::vector<int> ints(const std::vector<PartitionId> &partitions)
{
    std::vector<int> out;
    for (PartitionId p : partitions)
        out.push_back(p.value());
    return out;
}

std::string joined(const std::vector<int> &values)
{
    std::string text;
    for (int v : values)
        text += (text.empty() ? "" : ",") + std::to_string(v);
    return "[" + text + "]";
}

// Every listener call of every member in one order, and who owns which
// partition by the listeners' account. A partition assigned to a member
// while another still holds it (its onRevoked not run yet) is a violation.
class GroupRecorder
{
public:
    enum class Kind { Assigned, Revoked, Lost };
    struct Event
    {
        std::string member;
        Kind kind;
        std::vector<int> partitions;
    };

    void record(const std::string &member, Kind kind, const std::vector<PartitionId> &partitions)
    {
        std::lock_guard lock(m_mutex);
        m_events.push_back(Event{member, kind, ints(partitions)});
        for (PartitionId p : partitions) {
            if (kind == Kind::Assigned) {
                if (auto it = m_owner.find(p.value()); it != m_owner.end())
                    m_violations.push_back("partition " + std::to_string(p.value()) + " assigned to " + member
                                           + " while " + it->second + " held it");
                m_owner[p.value()] = member;
            } else {
                if (m_owner[p.value()] != member)
                    m_violations.push_back(member + " gave up partition " + std::to_string(p.value())
                                           + " it did not hold");
                m_owner.erase(p.value());
            }
        }
    }

    std::vector<Event> events() const
    {
        std::lock_guard lock(m_mutex);
        return m_events;
    }
    std::vector<std::string> violations() const
    {
        std::lock_guard lock(m_mutex);
        return m_violations;
    }
    // The index of the first event of `member` and `kind` that names partition p, or -1.
    int firstIndex(const std::string &member, Kind kind, int p) const
    {
        std::lock_guard lock(m_mutex);
        for (std::size_t i = 0; i < m_events.size(); ++i) {
            const Event &e = m_events[i];
            if (e.member == member && e.kind == kind
                && std::find(e.partitions.begin(), e.partitions.end(), p) != e.partitions.end())
                return static_cast<int>(i);
        }
        return -1;
    }

private:
    mutable std::mutex m_mutex;
    std::vector<Event> m_events;
    std::map<int, std::string> m_owner;
    std::vector<std::string> m_violations;
};

class RecordingListener : public GroupListener
{
public:
    RecordingListener(GroupRecorder &recorder, std::string name)
        : m_recorder(recorder)
        , m_name(std::move(name))
    {}
    void onRevoked(const std::vector<PartitionId> &partitions) override
    {
        // Stands for the final checkpoint: the partitions must stay away from
        // the other member for as long as this takes.
        std::this_thread::sleep_for(200ms);
        m_recorder.record(m_name, GroupRecorder::Kind::Revoked, partitions);
    }
    void onAssigned(const std::vector<PartitionId> &partitions) override
    {
        m_recorder.record(m_name, GroupRecorder::Kind::Assigned, partitions);
    }
    void onLost(const std::vector<PartitionId> &partitions) override
    {
        m_recorder.record(m_name, GroupRecorder::Kind::Lost, partitions);
    }

private:
    GroupRecorder &m_recorder;
    const std::string m_name;
};

bool isSplit(const std::vector<PartitionId> &a, const std::vector<PartitionId> &b)
{
    if (a.size() != kPartitions / 2 || b.size() != kPartitions / 2)
        return false;
    std::vector<PartitionId> all = a;
    all.insert(all.end(), b.begin(), b.end());
    std::sort(all.begin(), all.end());
    for (int p = 0; p < kPartitions; ++p) {
        if (all[static_cast<std::size_t>(p)] != PartitionId(p))
            return false;
    }
    return true;
}

std::vector<PartitionId> allPartitions()
{
    std::vector<PartitionId> all;
    for (int p = 0; p < kPartitions; ++p)
        all.emplace_back(p);
    return all;
}

} // namespace

class TestKafkaGroup : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<MockCluster> m_cluster;
    // Group and topic names carry the pid: the real broker is shared.
    const std::string m_suffix = std::to_string(::getpid());

    // The mock takes the session timeout as its rebalance delay, so a short
    // one keeps each rebalance to a second or two. A real broker refuses
    // sessions under group.min.session.timeout.ms (6 s by default).
    GroupMemberConfig memberConfig(const KafkaLogConfig &connection, const std::string &group,
                                   const std::string &topic, const std::string &instance,
                                   std::chrono::milliseconds session) const
    {
        GroupMemberConfig config;
        config.connection = connection;
        config.groupId = group;
        config.instanceId = instance;
        config.topic = topic;
        config.sessionTimeout = session;
        config.heartbeatInterval = 300ms;
        config.maxListenerTime = 60s;
        return config;
    }

    // Two members split the topic 4+4; then `a` leaves and `b` takes all 8,
    // each of them only after `a` revoked it.
    void shareAndHandOver(const KafkaLogConfig &connection, const std::string &topic,
                          std::chrono::milliseconds session)
    {
        const std::string group = "share-" + m_suffix + "-" + topic;
        GroupRecorder recorder;
        RecordingListener listenerA(recorder, "a");
        RecordingListener listenerB(recorder, "b");
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<GroupMember> a,
                             GroupMember::start(memberConfig(connection, group, topic, "a", session),
                                                listenerA));
        QVERIFY2(waitFor([&] { return a->assignment() == allPartitions(); }, 30s),
                 ("a alone holds " + joined(ints(a->assignment()))).c_str());

        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<GroupMember> b,
                             GroupMember::start(memberConfig(connection, group, topic, "b", session),
                                                listenerB));
        QVERIFY2(waitFor([&] { return isSplit(a->assignment(), b->assignment()); }, 60s),
                 ("a holds " + joined(ints(a->assignment())) + ", b holds " + joined(ints(b->assignment())))
                     .c_str());
        const std::vector<PartitionId> heldByA = a->assignment();
        QVERIFY(std::is_sorted(heldByA.begin(), heldByA.end()));
        const std::vector<PartitionId> heldByB = b->assignment();
        QVERIFY(std::is_sorted(heldByB.begin(), heldByB.end()));

        const auto leaveStart = std::chrono::steady_clock::now();
        a->leave();
        QVERIFY(std::chrono::steady_clock::now() - leaveStart < 10s);
        QVERIFY(a->assignment().empty());
        a->leave(); // idempotent
        QVERIFY2(waitFor([&] { return b->assignment() == allPartitions(); }, 60s),
                 ("b holds " + joined(ints(b->assignment()))).c_str());

        for (PartitionId p : heldByA) {
            const int revoked = recorder.firstIndex("a", GroupRecorder::Kind::Revoked, p.value());
            const int assigned = recorder.firstIndex("b", GroupRecorder::Kind::Assigned, p.value());
            QVERIFY2(revoked >= 0 && assigned > revoked,
                     ("partition " + std::to_string(p.value()) + ": a revoked it at event "
                      + std::to_string(revoked) + ", b got it at event " + std::to_string(assigned))
                         .c_str());
        }
        for (const auto &event : recorder.events())
            QVERIFY2(event.kind != GroupRecorder::Kind::Lost, ("lost by " + event.member).c_str());
        const std::vector<std::string> violations = recorder.violations();
        QVERIFY2(violations.empty(), violations.empty() ? "" : violations.front().c_str());
    }

private slots:
    void initTestCase() { m_cluster = std::make_unique<MockCluster>(); }
    void cleanupTestCase() { m_cluster.reset(); }

    void badConfig()
    {
        GroupRecorder recorder;
        RecordingListener listener(recorder, "x");
        const GroupMemberConfig good = memberConfig(m_cluster->config(), "g", "t", "x", 3s);
        std::vector<std::pair<const char *, std::function<void(GroupMemberConfig &)>>> cases = {
            {"no group", [](GroupMemberConfig &c) { c.groupId.clear(); }},
            {"no instance id", [](GroupMemberConfig &c) { c.instanceId.clear(); }},
            {"no topic", [](GroupMemberConfig &c) { c.topic.clear(); }},
            {"no brokers", [](GroupMemberConfig &c) { c.connection.bootstrapServers.clear(); }},
            {"heartbeat not below session",
             [](GroupMemberConfig &c) { c.heartbeatInterval = c.sessionTimeout; }},
            {"listener time below session", [](GroupMemberConfig &c) { c.maxListenerTime = 1s; }},
            {"zero session", [](GroupMemberConfig &c) { c.sessionTimeout = 0ms; }},
            {"group property passed through",
             [](GroupMemberConfig &c) { c.connection.properties["partition.assignment.strategy"] = "range"; }},
            {"static membership passed through",
             [](GroupMemberConfig &c) { c.connection.properties["group.instance.id"] = "x"; }},
            {"KafkaLog property passed through",
             [](GroupMemberConfig &c) { c.connection.properties["group.id"] = "other"; }},
            {"unknown property",
             [](GroupMemberConfig &c) { c.connection.properties["no.such.property"] = "1"; }},
        };
        for (const auto &[name, breakIt] : cases) {
            GroupMemberConfig config = good;
            breakIt(config);
            const auto member = GroupMember::start(config, listener);
            QVERIFY2(!member.isOk(), name);
            QVERIFY2(member.status().code() == StatusCode::InvalidArgument,
                     (std::string(name) + ": " + member.status().toString()).c_str());
        }
        QVERIFY(recorder.events().empty());
    }

    void twoMembersShareAndHandOver()
    {
        const std::string topic = "shared-" + m_suffix;
        QVERIFY(m_cluster->createTopic(topic, kPartitions));
        shareAndHandOver(m_cluster->config(), topic, 3s);
    }

    // Leaving revokes every partition held, also when the cluster is gone,
    // and does not wait for the cluster longer than closeTimeout.
    void leaveWithoutCluster()
    {
        MockCluster cluster;
        QVERIFY(cluster.createTopic("orphaned", kPartitions));
        GroupRecorder recorder;
        RecordingListener listener(recorder, "a");
        KafkaLogConfig connection = cluster.config();
        connection.closeTimeout = 1s;
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<GroupMember> member,
                             GroupMember::start(memberConfig(connection, "orphans", "orphaned", "a", 3s),
                                                listener));
        QVERIFY(waitFor([&] { return member->assignment() == allPartitions(); }, 30s));

        QCOMPARE(rd_kafka_mock_broker_set_down(cluster.get(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
        const auto start = std::chrono::steady_clock::now();
        member->leave();
        const auto took = std::chrono::steady_clock::now() - start;
        QVERIFY2(took < 8s, (std::to_string(took / 1ms) + " ms").c_str());
        QVERIFY(member->assignment().empty());
        const auto events = recorder.events();
        QVERIFY(!events.empty());
        QVERIFY(events.back().kind == GroupRecorder::Kind::Revoked);
        QCOMPARE(events.back().partitions, ints(allPartitions()));
        const auto destroyStart = std::chrono::steady_clock::now();
        member.reset();
        QVERIFY(std::chrono::steady_clock::now() - destroyStart < 8s);
        QVERIFY(recorder.violations().empty());
    }

    // A cluster that accepts requests but does not answer them: closing the
    // consumer would wait (LeaveGroup), so leaving gives up after
    // closeTimeout, and destroying the member does not wait either.
    void leaveWithUnresponsiveCluster()
    {
        MockCluster cluster;
        QVERIFY(cluster.createTopic("unanswered", kPartitions));
        GroupRecorder recorder;
        RecordingListener listener(recorder, "a");
        KafkaLogConfig connection = cluster.config();
        connection.closeTimeout = 1s;
        connection.requestTimeout = 2s;
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<GroupMember> member,
                             GroupMember::start(memberConfig(connection, "unanswered", "unanswered", "a", 3s),
                                                listener));
        QVERIFY(waitFor([&] { return member->assignment() == allPartitions(); }, 30s));

        QCOMPARE(rd_kafka_mock_broker_set_rtt(cluster.get(), 1, 60'000), RD_KAFKA_RESP_ERR_NO_ERROR);
        const auto start = std::chrono::steady_clock::now();
        member->leave();
        member.reset();
        const auto took = std::chrono::steady_clock::now() - start;
        QVERIFY2(took < 10s, (std::to_string(took / 1ms) + " ms").c_str());
        const auto events = recorder.events();
        QVERIFY(!events.empty());
        QVERIFY(events.back().kind == GroupRecorder::Kind::Revoked);
        QCOMPARE(events.back().partitions, ints(allPartitions()));
        QVERIFY(recorder.violations().empty());
        QCOMPARE(rd_kafka_mock_broker_set_rtt(cluster.get(), 1, 0), RD_KAFKA_RESP_ERR_NO_ERROR);
    }

    void describeGroupNotOnMock()
    {
        const std::string topic = "described-" + m_suffix;
        QVERIFY(m_cluster->createTopic(topic, 2));
        GroupRecorder recorder;
        RecordingListener listener(recorder, "a");
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<GroupMember> member,
                             GroupMember::start(memberConfig(m_cluster->config(), "described", topic, "a", 3s),
                                                listener));
        QVERIFY(waitFor([&] { return member->assignment().size() == 2; }, 30s));
        // librdkafka 2.0.2's mock has no ListGroups or DescribeGroups: see describeGroupOnBroker.
        const auto described = member->describeGroup();
        QCOMPARE(described.status().code(), StatusCode::FailedPrecondition);
    }

    // On the real broker (tests/kafka/broker): the same hand-over, with the
    // broker's own group coordinator.
    void shareAndHandOverOnBroker()
    {
        QString address;
        KAPPA_KAFKA_BROKER_OR_SKIP(address);
        KafkaLogConfig connection;
        connection.bootstrapServers = address.toStdString();
        connection.closeTimeout = 5s;
        const std::string topic = "group-shared-" + m_suffix;
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<KafkaLog> log, KafkaLog::open(connection));
        KAPPA_VERIFY_OK(log->createTopic(topic, TopicConfig{kPartitions}));
        shareAndHandOver(connection, topic, 6s);
    }

    void describeGroupOnBroker()
    {
        QString address;
        KAPPA_KAFKA_BROKER_OR_SKIP(address);
        KafkaLogConfig connection;
        connection.bootstrapServers = address.toStdString();
        const std::string topic = "group-described-" + m_suffix;
        const std::string group = "described-" + m_suffix;
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<KafkaLog> log, KafkaLog::open(connection));
        KAPPA_VERIFY_OK(log->createTopic(topic, TopicConfig{kPartitions}));

        GroupRecorder recorder;
        RecordingListener listenerA(recorder, "a");
        RecordingListener listenerB(recorder, "b");
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<GroupMember> a,
                             GroupMember::start(memberConfig(connection, group, topic, "member-a", 6s),
                                                listenerA));
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<GroupMember> b,
                             GroupMember::start(memberConfig(connection, group, topic, "member-b", 6s),
                                                listenerB));
        QVERIFY(waitFor([&] { return isSplit(a->assignment(), b->assignment()); }, 60s));

        // The coordinator's view settles with the last SyncGroup; ask until
        // it shows what the members hold.
        std::vector<GroupMemberDescription> members;
        const bool agreed = waitFor(
            [&] {
                Result<std::vector<GroupMemberDescription>> described = a->describeGroup();
                if (!described.isOk())
                    return false;
                members = *described;
                return members.size() == 2 && members[0].partitions == a->assignment()
                       && members[1].partitions == b->assignment();
            },
            30s);
        QVERIFY2(agreed, (std::to_string(members.size()) + " members described").c_str());
        QCOMPARE(members[0].instanceId, std::string("member-a"));
        QCOMPARE(members[1].instanceId, std::string("member-b"));
        for (const GroupMemberDescription &member : members)
            QVERIFY2(member.host.find("127.0.0.1") != std::string::npos, member.host.c_str());

        b->leave();
        QVERIFY(waitFor(
            [&] {
                Result<std::vector<GroupMemberDescription>> described = a->describeGroup();
                return described.isOk() && described->size() == 1
                       && (*described)[0].partitions == allPartitions();
            },
            30s));
    }
};

QTEST_APPLESS_MAIN(TestKafkaGroup)
#include "test_kafka_group.moc"
