// Fleet: the job versions a service runs, each on an engine of its own, so
// that a replay starts, stops and fails without touching the live versions
// (and a live version keeps serving while its successor replays).
//
// Readers get a shared_ptr to a version's engine: a version stopped (or
// retired) meanwhile keeps its views open until the last reader lets go.
//
// Threading: start/stop from the control thread(s), serialized internally;
// find/all/health from any thread.
#pragma once

#include "jobs/engine.h"
#include "runtime/rate_limiter.h"

#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

namespace kappa::reprocessing {

struct RunningVersion
{
    jobs::JobVersionName name;
    std::shared_ptr<jobs::Engine> engine;
    std::shared_ptr<runtime::RateLimiter> throttle; // nullptr: unthrottled (a live version)
    // What started it, to start it again on other partitions (reassign).
    std::shared_ptr<const jobs::JobDefinition> definition;
    std::string actor;
    std::vector<Offset> startOffsets;
    // Set on a version in stranded(): why it could not start again.
    Status failure;
};

// A version moving to a new set of partitions (reassign): stopped, and
// being restored from the changelog before it starts again.
struct MovingVersion
{
    jobs::JobVersionName name;
    std::vector<PartitionId> partitions; // the new set
    std::int64_t sinceMs = 0;            // wall time the move began
};

class Fleet
{
public:
    // The log and the catalog must outlive the fleet. `options` is the
    // template for every version's engine.
    Fleet(EventLog &log, Catalog &catalog, jobs::EngineOptions options);
    ~Fleet(); // stops every version (final checkpoints)
    Fleet(const Fleet &) = delete;
    Fleet &operator=(const Fleet &) = delete;

    // Opens and starts the version's engine: registers it in the catalog (as
    // live if its job has no alias yet, else as replaying), restores its
    // checkpoint or starts at `startOffsets` (empty: offset 0).
    // AlreadyExists if it runs already.
    Status start(jobs::JobDefinition definition, const std::string &actor,
                 std::shared_ptr<runtime::RateLimiter> throttle = nullptr,
                 std::vector<Offset> startOffsets = {});
    // Final checkpoint and stop; NotFound if it does not run.
    Status stop(const std::string &job, const std::string &version);
    Status stopAll();

    // Scale-out: from now on every version runs the tasks of these source
    // partitions only (nullopt: all). Each running version is stopped (final
    // checkpoint, published to its changelog) and started again on the new
    // set, restoring what it was given from the changelog; a version keeps
    // its throttle and start offsets. Returns the first error; the versions
    // that could not start again are gone from the fleet.
    Status reassign(std::optional<std::vector<PartitionId>> partitions);
    std::optional<std::vector<PartitionId>> partitions() const;
    // The versions reassign() is moving right now (not in all() meanwhile).
    std::vector<MovingVersion> moving() const;
    // The versions a move stopped but could not start again (each with its
    // failure, engine null); the next reassign() tries them again.
    std::vector<RunningVersion> stranded() const;

    std::optional<RunningVersion> find(const std::string &job, const std::string &version) const;
    // Every running version, in the order started.
    std::vector<RunningVersion> all() const;

private:
    Result<std::shared_ptr<jobs::Engine>> open(const RunningVersion &version) const;

    EventLog &m_log;
    Catalog &m_catalog;
    jobs::EngineOptions m_options; // partitions change with reassign(), under m_controlMutex
    std::mutex m_controlMutex;     // one start/stop/reassign at a time
    mutable std::shared_mutex m_mutex;
    std::vector<RunningVersion> m_versions;
    std::vector<MovingVersion> m_moving;
    std::vector<RunningVersion> m_stranded;
    std::optional<std::vector<PartitionId>> m_partitions; // what partitions() shows: m_options' under m_mutex
};

} // namespace kappa::reprocessing
