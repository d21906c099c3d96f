// ReplayManager: launches job versions that replay the log beside the live
// ones, throttles them relative to live ingest, tracks their progress and
// moves them to caught_up; pause, resume, cancel and rate changes at any time.
//
// The catalog is the record: every launch and change is stored (and audited)
// before it takes effect, so after a crash resumeActive() restarts every
// active replay from its checkpoints with its settings.
//
// tick() is the control step, called about every 250 ms by one thread: it
// measures ingest (the events topic's end offsets, averaged over a minute),
// checks live lag against the SLOs, sets each replay's rate (ThrottlePolicy)
// and its progress, and records caught_up and failures.
//
// Threading: every member may be called from any thread.
#pragma once

#include "jobs/engine.h"
#include "reprocessing/fleet.h"
#include "reprocessing/reprocessing_options.h"
#include "reprocessing/throttle_policy.h"

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>

namespace kappa::reprocessing {

struct LaunchRequest
{
    std::string specJson;   // a full spec, or
    std::string jobVersion; // "job@version" of a registered or built-in version
    std::string from = "earliest";
    std::optional<double> rateMultiple;
    std::optional<double> maxRate;
    std::optional<double> minRate;
};

struct PreflightCheck
{
    std::string name; // "version", "range", "schema", "rate"
    bool ok = true;
    std::string detail;
};

struct Preflight
{
    bool ok = true; // every check passed
    std::vector<PreflightCheck> checks;
    std::string job;
    std::string version;
    std::vector<Offset> startOffsets;
    std::int64_t events = 0; // in range now
    double ingestRate = 0;
    double rate = 0;                       // the target rate at launch
    std::optional<double> expectedSeconds; // none: it would never catch up at that rate
    std::uint64_t estimatedStateBytes = 0; // scaled from the live version
    std::uint64_t estimatedViewBytes = 0;
};

struct PartitionProgress
{
    std::int32_t partition = 0;
    std::int64_t start = 0;
    std::int64_t position = 0;
    std::int64_t end = 0;
};

struct ReplayStatus
{
    ReplayRecord record;
    std::string versionState;
    bool running = false;
    double ingestRate = 0;
    double targetRate = 0;
    double currentRate = 0;  // the limit in force
    double measuredRate = 0; // events read per second over the last few seconds
    std::string reason;      // why current < target
    double percent = 0;
    std::optional<double> etaSeconds;
    std::int64_t lagRecords = 0; // every stage of the version
    std::vector<PartitionProgress> partitions;
};

// One instance's part of a replay in a cluster: the source partitions it
// runs the replay on, and how far it is.
struct ReplayShare
{
    std::string instance;
    std::int64_t replayId = 0;
    std::vector<PartitionProgress> partitions;
    std::int64_t stageLagRecords = 0; // the version's other stages (the rekey topics)
    double measuredRate = 0;
    std::string failure; // why its engine failed; empty while healthy
};

// A lifecycle event for the SSE stream: what happened and to which subject.
using LifecycleSink
    = std::function<void(const std::string &what, const std::string &subject, const std::string &detail)>;

class ReplayManager
{
public:
    ReplayManager(EventLog &log, Catalog &catalog, Fleet &fleet, jobs::DataLayout layout,
                  std::string sourceTopic, ReprocessingOptions options, LifecycleSink events);

    // Restarts every replay the catalog lists as active (service start).
    Status resumeActive();
    void tick();

    Result<Preflight> preflight(const LaunchRequest &request) const;
    // Preflight, then launch; FailedPrecondition with the failed checks' reasons.
    Result<std::int64_t> launch(const LaunchRequest &request, const std::string &actor);
    // Rebuilds an existing version's views (lost or deleted): stops it if it
    // runs, deletes its views and state, and replays it from the log's start
    // at the replay throttle. Until it has caught up, its reads are served by
    // `serveFrom` (another running version of the job) or, without one,
    // answered Unavailable (see rebuilding()). Then a live or validated
    // version reads unthrottled again and keeps its state.
    Result<std::int64_t> rebuild(const std::string &job, const std::string &version,
                                 const LaunchRequest &request, const std::string &serveFrom,
                                 const std::string &actor);
    // For a version being rebuilt: the version that serves its reads meanwhile ("" for none).
    std::optional<std::string> rebuilding(const std::string &job, const std::string &version) const;
    Status pause(std::int64_t id, const std::string &actor);
    Status resume(std::int64_t id, const std::string &actor);
    Status cancel(std::int64_t id, const std::string &actor, const std::string &reason);
    Status setRate(std::int64_t id, std::optional<double> rateMultiple, std::optional<double> maxRate,
                   std::optional<double> minRate, const std::string &actor);
    // The version now serves: its replay is finished and its reads unthrottled.
    void promoted(const std::string &job, const std::string &version);

    // In a cluster every instance runs each replay on its own partitions and
    // one of them, the leader, decides for all: only it writes the catalog.
    // A follower mirrors what the shared catalog says (syncWithCatalog:
    // starts the replays it lists, follows their settings, stops the ones it
    // ended) and reports its shares; the leader counts the others' shares
    // (setPeerShares) in progress, caught-up and failures. Each instance's
    // throttle is its share (by partitions) of the replay's rate.
    void setFollowing(bool following);
    Status syncWithCatalog();
    std::vector<ReplayShare> shares(const std::string &instance) const;
    void setPeerShares(std::vector<ReplayShare> shares);

    Result<ReplayStatus> status(std::int64_t id) const;
    std::vector<ReplayStatus> statuses() const;
    double ingestRate() const;
    // The live version nearest its SLO, if it is past the back-off share.
    std::optional<LivePressure> livePressure() const;

private:
    struct Active
    {
        ReplayRecord record;
        std::shared_ptr<runtime::RateLimiter> throttle;
        ThrottlePolicy policy;
        std::deque<std::pair<double, std::int64_t>> spent; // (seconds, events spent) samples
        std::optional<double> lowLagSince;                 // seconds since start of the clock
        ReplayStatus status;
        // This instance's part of status (the same without other instances).
        std::vector<PartitionProgress> localPartitions;
        std::int64_t localStageLag = 0;
        std::string failure; // a follower's failed engine, reported to the leader
    };

    Result<std::int64_t> start(jobs::JobDefinition definition, ReplayRecord record, const std::string &actor);
    Status resumeLocked(const ReplayRecord &record);
    void mirror(Active &active, const ReplayRecord &record);
    double shareOfPartitions() const;
    std::int32_t sourcePartitions() const;
    bool coversEveryPartition(const Active &active) const;
    std::string peerFailure(std::int64_t id) const;
    Status startEngine(Active &active, const jobs::JobDefinition &definition, const std::string &actor);
    Result<jobs::JobDefinition> definitionFor(const LaunchRequest &request) const;
    ThrottleSettings settingsOf(const ReplayRecord &record) const;
    ThrottleSettings settingsOf(const LaunchRequest &request) const; // the defaults where it is silent
    void measureIngest(double now);
    void refresh(Active &active, double now, double elapsed, const std::optional<LivePressure> &pressure);
    void progress(Active &active, const RunningVersion &running, double now);
    void checkCaughtUp(Active &active, double now);
    double caughtUpThreshold(double ingestRate) const;
    std::optional<double> etaSeconds(const Active &active, std::int64_t remaining, double now) const;
    void end(Active &active, const std::string &state, VersionState versionState, const std::string &actor,
             const std::string &reason);
    Status update(Active &active, const std::string &actor, const std::string &action,
                  const std::string &detail);
    double secondsNow() const;
    double ingestRateLocked() const;

    Status stopAndDrop(const std::string &job, const std::string &version);
    Status supersedeReplay(const std::string &job, const std::string &version, const std::string &actor);
    void setRebuilding(const ReplayRecord &record, bool active);
    void finishRebuild(Active &active, const std::string &reason);

    EventLog &m_log;
    Catalog &m_catalog;
    Fleet &m_fleet;
    const jobs::DataLayout m_layout;
    const std::string m_sourceTopic;
    const ReprocessingOptions m_options;
    LifecycleSink m_events;
    const std::chrono::steady_clock::time_point m_epoch = std::chrono::steady_clock::now();

    mutable std::mutex m_mutex;
    std::map<std::int64_t, Active> m_active;              // running or caught up, by replay id
    std::deque<std::pair<double, std::int64_t>> m_ingest; // (seconds, total end offset), one minute
    double m_lastTick = 0;
    bool m_following = false;
    mutable std::int32_t m_sourcePartitions = 0; // under m_mutex
    std::vector<ReplayShare> m_peerShares;

    // "job@version" -> the version serving its reads, for the read path
    // (its own lock: a read must not wait for a control step).
    mutable std::shared_mutex m_rebuildsMutex;
    std::map<std::string, std::string> m_rebuilds;
};

} // namespace kappa::reprocessing
