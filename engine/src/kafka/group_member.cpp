#include "kafka/group_member.h"

#include "base/thread_name.h"
#include "kafka/client_config.h"
#include "kafka/errors.h"
#include "kafka/handles.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <thread>
#include <tuple>

namespace kappa::kafka {

namespace {

// How long one poll of the member thread waits for a callback; it bounds how
// soon the thread notices leave() only if the wake-up (queue yield) is missed.
constexpr int kPollMs = 100;

// Properties the group membership relies on, on top of those KafkaLog itself
// refuses (group.id, client.id, enable.auto.commit, ...): a pass-through
// value for one of them would change when partitions move. Static membership
// (group.instance.id) in particular would keep a leaving member's partitions
// away from the others until its session ran out.
constexpr std::array<std::string_view, 6> kGroupProperties = {
    "partition.assignment.strategy", "session.timeout.ms", "heartbeat.interval.ms",
    "max.poll.interval.ms",          "group.instance.id",  "group.protocol.type",
};

Status setProperty(rd_kafka_conf_t *conf, const std::string &name, const std::string &value)
{
    char error[512] = {};
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK)
        return Status::invalidArgument("Kafka property " + name + ": " + error);
    return Status::ok();
}

Status validate(const GroupMemberConfig &config)
{
    if (config.groupId.empty())
        return Status::invalidArgument("GroupMemberConfig.groupId must not be empty");
    if (config.instanceId.empty())
        return Status::invalidArgument("GroupMemberConfig.instanceId must not be empty");
    if (config.topic.empty())
        return Status::invalidArgument("GroupMemberConfig.topic must not be empty");
    if (config.sessionTimeout.count() < 1 || config.heartbeatInterval.count() < 1
        || config.maxListenerTime.count() < 1)
        return Status::invalidArgument("GroupMemberConfig timeouts must be positive");
    // Kafka's own rules, checked here for a message that names our fields.
    if (config.heartbeatInterval >= config.sessionTimeout)
        return Status::invalidArgument(
            "GroupMemberConfig.heartbeatInterval must be shorter than sessionTimeout");
    if (config.maxListenerTime < config.sessionTimeout)
        return Status::invalidArgument("GroupMemberConfig.maxListenerTime must be at least sessionTimeout");
    for (const auto &[name, value] : config.connection.properties) {
        for (std::string_view managed : kGroupProperties) {
            if (name == managed)
                return Status::invalidArgument("Kafka property " + name
                                               + " is set by GroupMember and cannot be passed through");
        }
    }
    return Status::ok();
}

std::vector<PartitionId> partitionsOf(const rd_kafka_topic_partition_list_t *list, const std::string &topic)
{
    std::vector<PartitionId> partitions;
    if (!list)
        return partitions;
    for (int i = 0; i < list->cnt; ++i) {
        if (topic == list->elems[i].topic)
            partitions.emplace_back(list->elems[i].partition);
    }
    std::sort(partitions.begin(), partitions.end());
    return partitions;
}

// Coordinator errors a describe may meet while the group moves or the
// coordinator loads: transient, unlike what errorStatus() makes of them.
bool coordinatorBusy(rd_kafka_resp_err_t err)
{
    return err == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE || err == RD_KAFKA_RESP_ERR_NOT_COORDINATOR
           || err == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS || err == RD_KAFKA_RESP_ERR__WAIT_COORD;
}

// The partitions of `topic` in a member's assignment as the group
// coordinator keeps it: Kafka's ConsumerProtocolAssignment, whose versions
// all start with int16 version, [string topic, [int32 partition]] (big
// endian, int16-sized strings, int32-counted arrays), followed by user data
// that is not needed here. Empty while the member awaits its assignment.
// nullopt if the bytes are not in that format.
std::optional<std::vector<PartitionId>> assignedPartitions(const void *bytes, int size,
                                                           const std::string &topic)
{
    std::vector<PartitionId> partitions;
    if (!bytes || size <= 0)
        return partitions;
    const auto *data = static_cast<const unsigned char *>(bytes);
    const std::size_t end = static_cast<std::size_t>(size);
    std::size_t pos = 0;
    auto take = [&](std::size_t width, std::int64_t &out) {
        if (end - pos < width)
            return false;
        std::uint32_t value = 0;
        for (std::size_t i = 0; i < width; ++i)
            value = (value << 8) | data[pos + i];
        pos += width;
        out = width == 2 ? static_cast<std::int16_t>(value) : static_cast<std::int32_t>(value);
        return true;
    };
    std::int64_t version = 0;
    std::int64_t topics = 0;
    if (!take(2, version) || version < 0 || !take(4, topics))
        return std::nullopt;
    for (std::int64_t t = 0; t < topics; ++t) {
        std::int64_t nameSize = 0;
        if (!take(2, nameSize) || nameSize < 0 || end - pos < static_cast<std::size_t>(nameSize))
            return std::nullopt;
        const std::string_view name(reinterpret_cast<const char *>(data + pos),
                                    static_cast<std::size_t>(nameSize));
        pos += static_cast<std::size_t>(nameSize);
        std::int64_t count = 0;
        if (!take(4, count))
            return std::nullopt;
        for (std::int64_t p = 0; p < count; ++p) {
            std::int64_t partition = 0;
            if (!take(4, partition))
                return std::nullopt;
            if (name == topic)
                partitions.emplace_back(static_cast<std::int32_t>(partition));
        }
    }
    std::sort(partitions.begin(), partitions.end());
    return partitions;
}

} // namespace

class GroupMember::Impl
{
public:
    Impl(const GroupMemberConfig &config, GroupListener &listener)
        : m_config(config)
        , m_listener(listener)
    {}

    ~Impl()
    {
        leave();
        // Queues go before the client they belong to.
        m_consumerQueue.reset();
        // A consumer that did not finish closing (the cluster went away) must
        // not try again here: rd_kafka_destroy would close it without a bound.
        if (m_client && !m_closed)
            rd_kafka_destroy_flags(m_client.release(), RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    }

    Result<ConfPtr> makeConf()
    {
        KAPPA_RETURN_IF_ERROR(validate(m_config));
        // The reader's configuration (connection, security, no auto commit),
        // turned into a group member.
        KAPPA_ASSIGN_OR_RETURN(ConfPtr conf, consumerConf(m_config.connection));
        rd_kafka_conf_t *c = conf.get();
        KAPPA_RETURN_IF_ERROR(setProperty(c, "group.id", m_config.groupId));
        KAPPA_RETURN_IF_ERROR(setProperty(c, "client.id", m_config.instanceId));
        KAPPA_RETURN_IF_ERROR(setProperty(c, "partition.assignment.strategy", "cooperative-sticky"));
        KAPPA_RETURN_IF_ERROR(setProperty(c, "enable.auto.commit", "false"));
        KAPPA_RETURN_IF_ERROR(
            setProperty(c, "session.timeout.ms", std::to_string(m_config.sessionTimeout.count())));
        KAPPA_RETURN_IF_ERROR(
            setProperty(c, "heartbeat.interval.ms", std::to_string(m_config.heartbeatInterval.count())));
        KAPPA_RETURN_IF_ERROR(
            setProperty(c, "max.poll.interval.ms", std::to_string(m_config.maxListenerTime.count())));
        // Partitions are assigned at their end and paused at once (see
        // assign()); should a fetch slip in before the pause, it starts at
        // the end too and finds nothing, instead of failing for want of a
        // committed offset.
        KAPPA_RETURN_IF_ERROR(setProperty(c, "auto.offset.reset", "latest"));
        rd_kafka_conf_set_rebalance_cb(c, &Impl::onRebalance);
        rd_kafka_conf_set_opaque(c, this);
        return conf;
    }

    Status start(ConfPtr conf)
    {
        char error[512] = {};
        // rd_kafka_new takes ownership of conf only on success.
        m_client.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error, sizeof error));
        if (!m_client)
            return Status::invalidArgument(std::string("creating the Kafka group member: ") + error);
        conf.release();
        // Errors and logs go to the consumer queue, so the member thread's
        // poll serves everything the client has for the application.
        rd_kafka_poll_set_consumer(m_client.get());
        m_consumerQueue.reset(rd_kafka_queue_get_consumer(m_client.get()));

        PartitionListPtr topics(rd_kafka_topic_partition_list_new(1));
        rd_kafka_topic_partition_list_add(topics.get(), m_config.topic.c_str(), RD_KAFKA_PARTITION_UA);
        if (const rd_kafka_resp_err_t err = rd_kafka_subscribe(m_client.get(), topics.get()))
            return errorStatus(err, "subscribing group " + m_config.groupId + " to " + m_config.topic);
        m_thread = std::thread([this] {
            base::nameThisThread("kappa-group");
            run();
        });
        return Status::ok();
    }

    std::vector<PartitionId> assignment() const
    {
        std::lock_guard lock(m_assignmentMutex);
        return {m_assignment.begin(), m_assignment.end()};
    }

    Result<std::vector<GroupMemberDescription>> describeGroup() const;

    void leave()
    {
        m_stop.store(true);
        if (m_consumerQueue)
            rd_kafka_queue_yield(m_consumerQueue.get());
        // From the listener (the member thread itself) leaving can only be
        // requested: the thread closes the consumer once the listener returns.
        if (std::this_thread::get_id() == m_threadId.load())
            return;
        std::lock_guard lock(m_joinMutex);
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    static void onRebalance(rd_kafka_t *, rd_kafka_resp_err_t err,
                            rd_kafka_topic_partition_list_t *partitions, void *opaque)
    {
        static_cast<Impl *>(opaque)->rebalance(err, partitions);
    }

    void run();
    void close();
    void rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *partitions);
    void assign(rd_kafka_topic_partition_list_t *partitions, bool cooperative);
    void revoke(rd_kafka_topic_partition_list_t *partitions, bool cooperative);
    std::vector<PartitionId> takeAll();

    const GroupMemberConfig m_config;
    GroupListener &m_listener;
    ClientPtr m_client;
    QueuePtr m_consumerQueue;

    mutable std::mutex m_assignmentMutex;
    std::set<PartitionId> m_assignment; // guarded by m_assignmentMutex

    std::atomic<bool> m_stop{false};
    std::atomic<std::thread::id> m_threadId{};
    bool m_closed = false; // written by the member thread, read after it was joined
    std::mutex m_joinMutex;
    std::thread m_thread;
};

void GroupMember::Impl::run()
{
    m_threadId.store(std::this_thread::get_id());
    while (!m_stop.load()) {
        // Rebalance callbacks run inside this call. No record arrives (every
        // partition is paused), and errors need no action here: librdkafka
        // logs them and retries, and a membership that fails for good shows
        // up as a lost assignment (onLost).
        if (rd_kafka_message_t *message = rd_kafka_consumer_poll(m_client.get(), kPollMs))
            rd_kafka_message_destroy(message);
    }
    close();
}

// Leaves the group from the member thread, so the revoke runs here like every
// other listener call. rd_kafka_consumer_close() has no bound of its own when
// the coordinator cannot be reached, so the close runs in librdkafka's
// background (rd_kafka_consumer_close_queue) while this thread serves its
// events for at most connection.closeTimeout after the last listener call.
void GroupMember::Impl::close()
{
    QueuePtr queue(rd_kafka_queue_new(m_client.get()));
    if (rd_kafka_error_t *error = rd_kafka_consumer_close_queue(m_client.get(), queue.get())) {
        rd_kafka_error_destroy(error);
    } else {
        auto deadline = std::chrono::steady_clock::now() + m_config.connection.closeTimeout;
        while (!rd_kafka_consumer_closed(m_client.get()) && std::chrono::steady_clock::now() < deadline) {
            EventPtr event(rd_kafka_queue_poll(queue.get(), kPollMs));
            // Polled as events, the revoke comes back as one (librdkafka
            // does not call the rebalance callback from rd_kafka_queue_poll).
            if (event && rd_kafka_event_type(event.get()) == RD_KAFKA_EVENT_REBALANCE) {
                rebalance(rd_kafka_event_error(event.get()), rd_kafka_event_topic_partition_list(event.get()));
                deadline = std::chrono::steady_clock::now() + m_config.connection.closeTimeout;
            }
        }
        m_closed = rd_kafka_consumer_closed(m_client.get()) != 0;
    }
    // The revoke did not come in time: the partitions are given up all the
    // same (the session runs out) and another member may have them already,
    // so they are lost, not revoked: the listener stops them without
    // publishing anything more about them.
    if (std::vector<PartitionId> left = takeAll(); !left.empty())
        m_listener.onLost(left);
}

void GroupMember::Impl::rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *partitions)
{
    rd_kafka_t *client = m_client.get();
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(client), "COOPERATIVE") == 0;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        assign(partitions, cooperative);
    } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        revoke(partitions, cooperative);
    } else {
        // The rebalance failed (e.g. the assignor): librdkafka's documented
        // answer, for either protocol, is to drop the whole assignment; the
        // group then tries again.
        if (std::vector<PartitionId> lost = takeAll(); !lost.empty())
            m_listener.onLost(lost);
        rd_kafka_assign(client, nullptr);
    }
}

void GroupMember::Impl::assign(rd_kafka_topic_partition_list_t *partitions, bool cooperative)
{
    rd_kafka_t *client = m_client.get();
    // Starting at the end needs no committed offset (this group commits
    // none), so assigning sends no OffsetFetch.
    for (int i = 0; i < partitions->cnt; ++i)
        partitions->elems[i].offset = RD_KAFKA_OFFSET_END;
    bool assigned = true;
    if (cooperative) {
        if (rd_kafka_error_t *error = rd_kafka_incremental_assign(client, partitions)) {
            assigned = false;
            rd_kafka_error_destroy(error);
        }
    } else {
        assigned = rd_kafka_assign(client, partitions) == RD_KAFKA_RESP_ERR_NO_ERROR;
    }
    if (!assigned || partitions->cnt == 0)
        return;
    // Paused partitions are left out of fetch requests: the group never
    // costs a fetch. A failed pause only means records that are dropped.
    rd_kafka_pause_partitions(client, partitions);
    const std::vector<PartitionId> added = partitionsOf(partitions, m_config.topic);
    {
        std::lock_guard lock(m_assignmentMutex);
        // An eager assignment replaces the previous one (which was revoked before).
        if (!cooperative)
            m_assignment.clear();
        m_assignment.insert(added.begin(), added.end());
    }
    if (!added.empty())
        m_listener.onAssigned(added);
}

void GroupMember::Impl::revoke(rd_kafka_topic_partition_list_t *partitions, bool cooperative)
{
    rd_kafka_t *client = m_client.get();
    const std::vector<PartitionId> removed = partitionsOf(partitions, m_config.topic);
    // The listener first: the partitions stay ours until it returned, so no
    // other member can get them while it still processes them.
    if (!removed.empty()) {
        if (rd_kafka_assignment_lost(client))
            m_listener.onLost(removed);
        else
            m_listener.onRevoked(removed);
    }
    {
        std::lock_guard lock(m_assignmentMutex);
        for (PartitionId partition : removed)
            m_assignment.erase(partition);
    }
    if (cooperative) {
        if (rd_kafka_error_t *error = rd_kafka_incremental_unassign(client, partitions))
            rd_kafka_error_destroy(error);
    } else {
        rd_kafka_assign(client, nullptr);
    }
}

std::vector<PartitionId> GroupMember::Impl::takeAll()
{
    std::lock_guard lock(m_assignmentMutex);
    std::vector<PartitionId> all(m_assignment.begin(), m_assignment.end());
    m_assignment.clear();
    return all;
}

// Asks with rd_kafka_list_groups (ListGroups, then DescribeGroups at the
// coordinator) rather than the Admin API's DescribeConsumerGroups: in
// librdkafka 2.0.2 the latter aborts the process (assertion
// "eonce->refcnt > 0": librdkafka issue #4605, pull request #5397) when its
// request to the coordinator cannot be sent, e.g. because the connection just
// dropped or the broker lacks DescribeGroups, as the mock cluster does. The
// price: ListGroups goes to every broker, once per call.
Result<std::vector<GroupMemberDescription>> GroupMember::Impl::describeGroup() const
{
    const std::string where = "describing group " + m_config.groupId;
    const rd_kafka_group_list *raw = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_list_groups(m_client.get(), m_config.groupId.c_str(), &raw,
                                                         static_cast<int>(
                                                             m_config.connection.requestTimeout.count()));
    // __PARTIAL: some broker did not answer, which matters only if the
    // coordinator was among them (then the group is missing below).
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__PARTIAL) {
        // A cluster without ListGroups or DescribeGroups (the mock cluster).
        if (err == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE)
            return Status::failedPrecondition(where + ": " + describeError(err));
        if (coordinatorBusy(err))
            return Status::unavailable(where + ": " + describeError(err));
        return errorStatus(err, where);
    }
    const std::unique_ptr<const rd_kafka_group_list, void (*)(const rd_kafka_group_list *)>
        groups(raw, rd_kafka_group_list_destroy);
    const rd_kafka_group_info *group = nullptr;
    for (int i = 0; i < groups->group_cnt; ++i) {
        if (m_config.groupId == groups->groups[i].group)
            group = &groups->groups[i];
    }
    if (!group) {
        if (err == RD_KAFKA_RESP_ERR__PARTIAL)
            return Status::unavailable(where + ": not every broker answered within "
                                       + std::to_string(m_config.connection.requestTimeout.count()) + " ms");
        return std::vector<GroupMemberDescription>{}; // no member left: Kafka forgot the group
    }
    if (group->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (coordinatorBusy(group->err))
            return Status::unavailable(where + ": " + describeError(group->err));
        return errorStatus(group->err, where);
    }
    std::vector<GroupMemberDescription> members;
    for (int i = 0; i < group->member_cnt; ++i) {
        const rd_kafka_group_member_info &member = group->members[i];
        GroupMemberDescription out;
        out.instanceId = member.client_id ? member.client_id : "";
        out.host = member.client_host ? member.client_host : "";
        std::optional<std::vector<PartitionId>> partitions = assignedPartitions(member.member_assignment,
                                                                                member.member_assignment_size,
                                                                                m_config.topic);
        if (!partitions)
            return Status::internal(where + ": member " + out.instanceId
                                    + " has an assignment that is not Kafka's consumer protocol");
        out.partitions = std::move(*partitions);
        members.push_back(std::move(out));
    }
    std::sort(members.begin(), members.end(), [](const auto &a, const auto &b) {
        return std::tie(a.instanceId, a.host) < std::tie(b.instanceId, b.host);
    });
    return members;
}

Result<std::unique_ptr<GroupMember>> GroupMember::start(const GroupMemberConfig &config,
                                                        GroupListener &listener)
{
    auto impl = std::make_unique<Impl>(config, listener);
    KAPPA_ASSIGN_OR_RETURN(ConfPtr conf, impl->makeConf());
    KAPPA_RETURN_IF_ERROR(impl->start(std::move(conf)));
    return std::unique_ptr<GroupMember>(new GroupMember(std::move(impl)));
}

GroupMember::GroupMember(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

GroupMember::~GroupMember() = default;

std::vector<PartitionId> GroupMember::assignment() const
{
    return m_impl->assignment();
}

Result<std::vector<GroupMemberDescription>> GroupMember::describeGroup() const
{
    return m_impl->describeGroup();
}

void GroupMember::leave()
{
    m_impl->leave();
}

} // namespace kappa::kafka
