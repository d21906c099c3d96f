// SwitchCoordinator: moves a job's alias to a candidate version once an
// approver agrees, rolls it back within the rollback window, and retires the
// old version afterwards.
//
// Rules:
// - A request needs a validated candidate, or (admin only) an override with
//   a written reason for a candidate that is at least caught up.
// - The approver must hold the approver role (the caller checks roles) and,
//   with four-eyes on, be neither the requester nor the replay's launcher.
// - A request expires after approvalTtl and is void once the candidate
//   changes (another state, a newer validation): approving then fails and
//   closes it.
// - The flip is one catalog transaction (alias, both versions' states, the
//   request, the audit entry); both versions run throughout, so every read
//   is served by the old or the new one. The service is told at once.
// - The old version stays warm (running, `validated`) for the rollback
//   window, then retires: its tasks stop; its views and state are deleted
//   after the retention period.
//
// Threading: every member may be called from any thread.
#pragma once

#include "jobs/data_layout.h"
#include "reprocessing/fleet.h"
#include "reprocessing/replay_manager.h"

#include <functional>
#include <mutex>

namespace kappa::reprocessing {

struct Actor
{
    std::string name;
    bool admin = false;
};

class SwitchCoordinator
{
public:
    SwitchCoordinator(EventLog &log, Catalog &catalog, Fleet &fleet, ReplayManager &replays,
                      jobs::DataLayout layout, ReprocessingOptions options, LifecycleSink events,
                      std::function<void()> aliasChanged);

    Result<SwitchRequest> request(const std::string &job, const std::string &version, const Actor &actor,
                                  const std::string &overrideReason);
    Result<SwitchRequest> approve(std::int64_t requestId, const Actor &actor);
    Status reject(std::int64_t requestId, const Actor &actor, const std::string &reason);
    // Flips the alias back to the version it left, within the rollback window.
    Status rollback(const std::string &job, const Actor &actor, const std::string &reason);
    // Expires requests, retires versions whose window is over, deletes retired ones after retention.
    void tick();
    // Only the last: a follower in a cluster deletes its own views and state
    // of the versions the leader ended (it decides nothing).
    void deleteExpiredVersions();

private:
    Result<std::string> fingerprint(const std::string &job, const std::string &version) const;
    Status notRebuilding(const std::string &job, const std::string &version) const;
    void retireWarmVersions(std::int64_t nowMs);
    void dropExpiredVersions(std::int64_t nowMs);

    EventLog &m_log;
    Catalog &m_catalog;
    Fleet &m_fleet;
    ReplayManager &m_replays;
    const jobs::DataLayout m_layout;
    const ReprocessingOptions m_options;
    LifecycleSink m_events;
    std::function<void()> m_aliasChanged;
    std::mutex m_mutex; // one switch decision at a time
};

} // namespace kappa::reprocessing
