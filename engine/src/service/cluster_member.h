// ClusterMember: one kappad instance's part in a cluster ([cluster] group):
// the state replication its engines use (changelog topics on Kafka,
// cluster/changelog_replication.h) and its membership in the Kafka consumer
// group that shares the source topic's partitions among the instances.
//
// When the group moves partitions, the fleet follows (Fleet::reassign): a
// revoked partition's tasks take their final checkpoint, published to the
// changelog, before the group may give it to another instance; an assigned
// one is restored from the changelog before its tasks run. Until the first
// assignment the instance runs no partition.
//
// Threading: the group calls back on its own thread, one call at a time;
// partitions() from any thread.
#pragma once

#include "cluster/changelog_replication.h"
#include "kafka/group_member.h"
#include "reprocessing/fleet.h"
#include "service/config.h"
#include "service/logger.h"

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace kappa::service {

// The instance id the settings give, or "<host>-<listen port>".
std::string clusterInstanceId(const ServiceConfig &config);

// The changelog-based replication for the engines of a clustered service.
Result<std::shared_ptr<cluster::ChangelogReplication>> openStateReplication(const ServiceConfig &config);

class ClusterMember : private kafka::GroupListener
{
public:
    // Joins the group; the fleet must outlive the member.
    static Result<std::unique_ptr<ClusterMember>> join(
        const ServiceConfig &config, const std::string &topic,
        std::shared_ptr<cluster::ChangelogReplication> replication, reprocessing::Fleet &fleet,
        Logger &logger);
    ~ClusterMember() override; // leave()
    // Gives every partition back (final checkpoints) and leaves the group.
    void leave();

    std::vector<PartitionId> partitions() const;
    const std::string &instanceId() const { return m_instanceId; }

private:
    ClusterMember(std::string instanceId, std::shared_ptr<cluster::ChangelogReplication> replication,
                  reprocessing::Fleet &fleet, Logger &logger);
    void onRevoked(const std::vector<PartitionId> &partitions) override;
    void onAssigned(const std::vector<PartitionId> &partitions) override;
    void onLost(const std::vector<PartitionId> &partitions) override;
    void moveTo(std::set<PartitionId> owned, const char *why, const std::vector<PartitionId> &changed);

    const std::string m_instanceId;
    const std::shared_ptr<cluster::ChangelogReplication> m_replication;
    reprocessing::Fleet &m_fleet;
    Logger &m_logger;
    std::unique_ptr<kafka::GroupMember> m_member;
    mutable std::mutex m_mutex; // guards m_owned
    std::set<PartitionId> m_owned;
};

} // namespace kappa::service
