// GroupMember: this process's membership in a Kafka consumer group, used only
// to share the partitions of one topic among the instances of a deployment.
// The member never consumes records through the group (the engine's tasks
// read from their checkpointed positions): every partition it is given is
// paused at once, so the group costs no fetches.
//
// Rebalancing is cooperative (partition.assignment.strategy=cooperative-sticky):
// a rebalance revokes only the partitions that move, and the others keep
// being processed. The listener runs on the member's own thread, inside the
// rebalance: onRevoked returns before the partitions are given up, so the
// listener stops processing them (final checkpoint) before another member can
// get them; onAssigned runs once they are ours.
//
// Threading: the listener is called from the member's thread only, one call
// at a time; assignment() and describeGroup() from any thread.
#pragma once

#include "kappa/kafka_log.h"
#include "kappa/status.h"
#include "kappa/types.h"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kappa::kafka {

struct GroupMemberConfig
{
    // Connection and pass-through properties (SASL/SSL) as for KafkaLog;
    // bootstrapServers and properties are used.
    KafkaLogConfig connection;
    std::string groupId;    // required
    std::string instanceId; // required: the member's client.id, shown by describeGroup()
    std::string topic;      // required: the topic whose partitions are shared (full name)
    // A member that sends no heartbeat for this long is considered dead and
    // its partitions are given to the others.
    std::chrono::milliseconds sessionTimeout{6'000};
    std::chrono::milliseconds heartbeatInterval{1'000};
    // The longest a listener call may block the rebalance (Kafka's
    // max.poll.interval.ms); a member that exceeds it leaves the group.
    std::chrono::milliseconds maxListenerTime{300'000};
};

class GroupListener
{
public:
    virtual ~GroupListener() = default;
    // These partitions are about to be given up: stop processing them before returning.
    virtual void onRevoked(const std::vector<PartitionId> &partitions) = 0;
    // These partitions are now this member's too.
    virtual void onAssigned(const std::vector<PartitionId> &partitions) = 0;
    // The group membership itself failed (e.g. fenced or lost): every
    // partition is gone without a revoke.
    virtual void onLost(const std::vector<PartitionId> &partitions) = 0;
};

// One member of the group as the group coordinator describes it.
struct GroupMemberDescription
{
    std::string instanceId; // the member's client.id
    std::string host;       // as the broker sees the connection
    std::vector<PartitionId> partitions;
};

class GroupMember
{
public:
    // Validates the configuration (InvalidArgument), joins the group and
    // starts the member's thread. The listener must outlive the member.
    static Result<std::unique_ptr<GroupMember>> start(const GroupMemberConfig &config,
                                                      GroupListener &listener);
    ~GroupMember(); // leave()
    GroupMember(const GroupMember &) = delete;
    GroupMember &operator=(const GroupMember &) = delete;

    // The partitions currently assigned to this member, ascending.
    std::vector<PartitionId> assignment() const;
    // Every member of the group with its partitions (Admin API
    // DescribeConsumerGroups), for routing requests to the owner of a
    // partition. Unavailable if the coordinator does not answer in time.
    Result<std::vector<GroupMemberDescription>> describeGroup() const;
    // Leaves the group: onRevoked runs for every partition held (onLost if
    // the group does not answer within connection.closeTimeout: another
    // member may have them by then), then the thread stops. Idempotent.
    void leave();

    class Impl;

private:
    explicit GroupMember(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace kappa::kafka
