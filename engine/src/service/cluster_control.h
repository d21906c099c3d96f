// ClusterControl: the control step of one instance of a cluster (every
// 250 ms, Service's control thread): who decides, and how the others follow.
//
// The leader is the instance that owns source partition 0 (the group's
// assignment; it holds that partition's claim, which fences the catalog
// topic too, cluster/catalog_replication.h). It runs the replays' control
// (ReplayManager::tick: caught-up, failures), the switches' (expiry,
// retirement) and publishes the catalog's changes. A follower applies the
// shared catalog, starts and stops what it says (replays with their
// settings, live and warm versions, retired ones stop) and posts its share of
// each replay for the leader, which counts the shares in progress and
// caught-up. An instance that becomes leader first reads the catalog to its
// end, so that it goes on from the previous leader's last word.
//
// Threading: step() from one thread, beforeRevoke() from the group's; the
// rest from any.
#pragma once

#include "cluster/catalog_replication.h"
#include "cluster/instance_board.h"
#include "reprocessing/fleet.h"
#include "reprocessing/replay_manager.h"
#include "reprocessing/switch_coordinator.h"
#include "service/cluster_member.h"
#include "service/logger.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>

namespace kappa::service {

struct ClusterControlParts
{
    ClusterMember *member = nullptr;
    cluster::CatalogReplication *catalogReplication = nullptr;
    cluster::InstanceBoard *shares = nullptr;
    Catalog *catalog = nullptr;
    reprocessing::Fleet *fleet = nullptr;
    reprocessing::ReplayManager *replays = nullptr;
    reprocessing::SwitchCoordinator *switches = nullptr;
    Logger *logger = nullptr;
    std::function<void()> catalogChanged; // readers see new aliases at once
    // A new leader starts the configured versions the cluster does not run
    // yet (registering them: only a leader writes the catalog).
    std::function<void()> startConfigured;
};

class ClusterControl
{
public:
    explicit ClusterControl(ClusterControlParts parts);

    void step();
    bool leads() const { return m_leading.load(std::memory_order_acquire); }
    // Held (shared) by a request that changes the catalog as leader, from
    // its check that this instance leads until its change is shared; the
    // lead changes hands (exclusively) only between such requests.
    std::shared_lock<std::shared_mutex> leadLease() const { return std::shared_lock(m_leaseMutex); }
    // Before the group takes partitions away: if partition 0 goes, this
    // instance shares its last changes and follows from then on, so that the
    // next leader goes on from everything it decided.
    void beforeRevoke(const std::vector<PartitionId> &partitions);

private:
    void becomeLeader();
    void stepDown();
    void lead();
    void follow();
    void startServingVersions();
    void stopEndedVersions();
    void postShares();
    void gatherShares();
    void logOnce(const char *what, const Status &status);

    ClusterControlParts m_parts;
    mutable std::shared_mutex m_leaseMutex; // exclusive: the lead changes hands
    std::atomic<bool> m_leading{false};
    std::chrono::steady_clock::time_point m_lastShares{};
    // Each instance's last posted shares and when the leader first saw them:
    // a post not renewed for a while is from an instance gone (by this
    // instance's clock, so that the instances' clocks need not agree).
    std::map<std::string, std::pair<std::string, std::chrono::steady_clock::time_point>> m_posted;
    std::string m_lastError; // logged once until it changes
};

// The shares of replays as the board holds them (one JSON document per instance).
std::string encodeReplayShares(const std::vector<reprocessing::ReplayShare> &shares, std::int64_t atMs);
// Nothing for a post of another format (another build's): counted as not reported.
std::vector<reprocessing::ReplayShare> decodeReplayShares(const std::string &json);

} // namespace kappa::service
