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

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace kappa::service {

// The instance id the settings give, or "<host>-<listen port>".
std::string clusterInstanceId(const ServiceConfig &config);

// The Kafka transport of a clustered service's changelogs and instance registry.
Result<std::shared_ptr<cluster::ChangelogTransport>> openClusterTransport(const ServiceConfig &config);

// Another instance of the group, where requests for its partitions go.
struct ClusterPeer
{
    std::string instanceId;
    std::string url; // "http://host:port", as it advertised itself
};

class ClusterMember : private kafka::GroupListener
{
public:
    // Advertises `url` as where the other instances reach this one, then
    // joins the group that shares `topic` (of `partitions` partitions). The
    // fleet must outlive the member.
    static Result<std::unique_ptr<ClusterMember>> join(
        const ServiceConfig &config, const std::string &topic, std::int32_t partitions, std::string url,
        std::shared_ptr<cluster::ChangelogTransport> transport,
        std::shared_ptr<cluster::ChangelogReplication> replication, reprocessing::Fleet &fleet,
        Logger &logger);
    ~ClusterMember() override; // leave()
    // Gives every partition back (final checkpoints) and leaves the group.
    void leave();

    std::vector<PartitionId> partitions() const;
    const std::string &instanceId() const { return m_instanceId; }
    std::int32_t partitionCount() const { return m_partitionCount; }

    // Who serves a partition: nullopt if this instance does, else the owner
    // from the group's assignment (DescribeConsumerGroups) and the instance
    // registry, cached for a second. Unavailable while nobody owns it (a
    // rebalance) or the owner has not advertised itself.
    Result<std::optional<ClusterPeer>> ownerOf(PartitionId partition);
    // The cluster's leader is whoever owns partition 0 (cluster_control.h).
    bool leads() const;
    // Called on the group's thread before partitions are taken away (revoked
    // or lost), while this instance still owns them.
    void setBeforeRevoke(std::function<void(const std::vector<PartitionId> &)> hook);
    // nullopt if this instance leads, else the leader; Unavailable during a rebalance.
    Result<std::optional<ClusterPeer>> leader() { return ownerOf(PartitionId(0)); }
    // The owners of every partition this instance does not own, each once.
    Result<std::vector<ClusterPeer>> peers();

private:
    ClusterMember(std::string instanceId, const std::string &group, std::int32_t partitions,
                  std::shared_ptr<cluster::ChangelogTransport> transport,
                  std::shared_ptr<cluster::ChangelogReplication> replication, reprocessing::Fleet &fleet,
                  Logger &logger);
    Status refreshOwners();
    void onRevoked(const std::vector<PartitionId> &partitions) override;
    void onAssigned(const std::vector<PartitionId> &partitions) override;
    void onLost(const std::vector<PartitionId> &partitions) override;
    void moveTo(std::set<PartitionId> owned, const char *why, const std::vector<PartitionId> &changed);

    const std::string m_instanceId;
    const std::int32_t m_partitionCount;
    const std::string m_registryTopic; // compacted: instance id -> its URL
    const std::shared_ptr<cluster::ChangelogTransport> m_transport;
    const std::shared_ptr<cluster::ChangelogReplication> m_replication;
    reprocessing::Fleet &m_fleet;
    Logger &m_logger;
    std::unique_ptr<kafka::GroupMember> m_member;
    mutable std::mutex m_mutex; // guards everything below
    std::set<PartitionId> m_owned;
    std::function<void(const std::vector<PartitionId> &)> m_beforeRevoke;
    std::map<std::int32_t, ClusterPeer> m_owners; // of other instances' partitions, as of m_ownersAt
    std::chrono::steady_clock::time_point m_ownersAt;
    std::mutex m_refreshMutex; // one refresh at a time
};

} // namespace kappa::service
