// Service: the engine as kappad runs it. Opens the data directory (log,
// catalog), runs the configured job versions on a jobs::Engine, optionally
// the demo's live producer, publishes a metrics snapshot to the SSE journal
// every stream interval, and answers the HTTP API's questions as JSON.
//
// Lifecycle: open() -> start() -> [reload()...] -> stop(). stop() stops the
// producer first, then takes the engine's final checkpoints: a SIGTERM under
// load loses nothing, and a restart replays only what followed the last
// checkpoint.
//
// Threading: open/start/stop from one thread; everything else from any
// thread (the HTTP server's).
#pragma once

#include "jobs/engine.h"
#include "reprocessing/fleet.h"
#include "reprocessing/replay_manager.h"
#include "reprocessing/switch_coordinator.h"
#include "reprocessing/validator.h"
#include "service/cluster_control.h"
#include "service/cluster_member.h"
#include "service/config.h"
#include "service/demo_producer.h"
#include "service/event_journal.h"
#include "service/logger.h"
#include "service/token_store.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>

namespace kappa {
class Catalog;
class EventCodec;
class EventLog;
} // namespace kappa

namespace kappa::service {

// The freshness every view answer carries.
struct ViewFreshness
{
    std::string job;
    std::string version;
    std::int64_t asOfMs = 0; // the version's event-time watermark (lowest over its source partitions)
    double lagSeconds = 0.0; // the largest lag of its tasks (0: caught up)
    std::string servedBy;    // in a cluster: the instance that answered
    nlohmann::json toJson() const;
};

struct ViewAnswer
{
    ViewFreshness view;
    std::string dataJson; // the rows as stored (JSON text): not re-parsed on the read path
};

class Service
{
public:
    static Result<std::unique_ptr<Service>> open(ServiceConfig config, Logger &logger);
    ~Service();
    Service(const Service &) = delete;
    Service &operator=(const Service &) = delete;

    Status start();
    // The first step of a graceful stop: no longer ready, a last lifecycle
    // event, and every SSE stream ends (so that the HTTP server can stop).
    void beginShutdown();
    // Stops the producer, then the engine with its final checkpoints.
    Status stop();
    // SIGHUP: re-reads the token file and applies the reloadable settings of
    // `fresh` (log level, demo rate if its configured value changed, stream
    // interval); logs a warning naming changed settings that need a restart.
    // Errors leave the old settings. From one thread at a time.
    Status reload(const ServiceConfig &fresh);

    const ServiceConfig &config() const { return m_config; }
    Logger &logger() const { return m_logger; }
    const TokenStore &tokens() const { return *m_tokens; }
    const EventJournal &journal() const { return m_journal; }
    bool ready() const { return m_ready.load(std::memory_order_acquire); }
    // The engine's health: the first task failure, if any.
    Status health() const;
    void countRequest() { m_requests.fetch_add(1, std::memory_order_relaxed); }

    nlohmann::json status() const;
    Result<nlohmann::json> jobs() const;
    Result<nlohmann::json> versionMetrics(const std::string &job, const std::string &version) const;
    Result<nlohmann::json> history(const std::string &job, const std::string &version,
                                   const std::string &series, std::int64_t fromMs, std::int64_t toMs) const;

    // Reads through the job's alias unless a version is given.
    Result<ViewAnswer> features(std::int64_t userId, const std::optional<std::string> &version) const;
    Result<ViewAnswer> fraudCard(std::int64_t cardId, const std::optional<std::string> &version) const;
    // In a cluster, who serves a user's features or a card's score: nullopt
    // for this instance (always without a cluster), else the owner of its
    // partition. Unavailable while that partition has no owner.
    Result<std::optional<ClusterPeer>> ownerOfUser(std::int64_t userId) const;
    Result<std::optional<ClusterPeer>> ownerOfCard(std::int64_t cardId) const;
    // In a cluster, the other instances that own partitions (each once), for
    // a metrics read to gather; empty without a cluster. Unavailable while a
    // partition has no owner.
    Result<std::vector<ClusterPeer>> metricsPeers() const;
    // In a cluster, the instance that decides replays, validations and
    // switches (cluster_control.h): nullopt for this one (always without a
    // cluster). Unavailable while partition 0 has no owner.
    Result<std::optional<ClusterPeer>> leader() const;
    // In a cluster, on the leader: shares the catalog's changes now (not at
    // the next control step), so that a request's answer is the cluster's.
    Status publishCatalog();
    // In a cluster, held by a request that changes the catalog as leader
    // until its change is shared (ClusterControl::leadLease); empty without one.
    std::shared_lock<std::shared_mutex> leadLease() const;
    // The most rows a metrics read returns (else ResourceExhausted).
    static constexpr std::size_t kMaxMetricsRows = 200'000;
    // This instance's id in its cluster; empty without one.
    const std::string &instanceId() const { return m_instanceId; }
    // Where this instance's API listens ("http://host:port"), advertised to
    // the cluster; call before start().
    void setListenUrl(std::string url) { m_listenUrl = std::move(url); }
    Result<ViewAnswer> metrics(std::int64_t fromMs, std::int64_t toMs, std::optional<std::int32_t> category,
                               const std::optional<std::string> &version) const;

    std::string prometheus() const;

    // Replays, validations, switches and the audit log (reprocessing module).
    reprocessing::ReplayManager &replays() { return *m_replays; }
    reprocessing::SwitchCoordinator &switches() { return *m_switches; }
    reprocessing::Validator &validator() { return *m_validator; }
    Catalog &catalog() { return *m_catalog; }

    // The demo producer's rate; FailedPrecondition without --demo.
    Result<double> demoRate() const;
    Status setDemoRate(double eventsPerSecond, const std::string &actor);

private:
    Service(ServiceConfig config, Logger &logger);
    Status openData();
    Status followSharedCatalog();
    void startConfiguredVersions();
    bool startsBeforeLeading(const jobs::JobDefinition &definition) const;
    Result<std::string> runningVersion(const std::string &job,
                                       const std::optional<std::string> &version) const;
    ViewFreshness freshness(const std::string &job, const std::string &version) const;
    jobs::Engine::Figures allFigures() const;
    std::shared_ptr<jobs::Engine> engineOf(const std::string &job, const std::string &version) const;
    Result<std::vector<jobs::JobDefinition>> versionsToStart();
    void controlLoop();
    void lifecycle(const std::string &what, const std::string &subject, const std::string &detail);
    void refreshFreshness() const;
    void refreshServingIfStale() const;
    nlohmann::json metricsSnapshot() const;
    void publishLoop();
    void publishLifecycle(const std::string &what, nlohmann::json fields);

    ServiceConfig m_config;
    Logger &m_logger;
    const std::chrono::steady_clock::time_point m_startedAt = std::chrono::steady_clock::now();
    std::unique_ptr<Catalog> m_catalog;
    std::unique_ptr<EventCodec> m_codec;
    std::unique_ptr<EventLog> m_log; // embedded or Kafka (event_log_factory.h)
    std::string m_instanceId;        // [cluster] only, else empty
    std::string m_listenUrl;
    std::shared_ptr<cluster::ChangelogTransport> m_clusterTransport; // [cluster] only
    std::shared_ptr<cluster::ChangelogReplication> m_replication;    // [cluster] only
    std::unique_ptr<reprocessing::Fleet> m_fleet;                    // one engine per running job version
    std::unique_ptr<ClusterMember> m_cluster; // [cluster] only; after m_fleet, so destroyed before it
    std::unique_ptr<cluster::CatalogReplication> m_catalogReplication; // [cluster] only
    std::unique_ptr<cluster::InstanceBoard> m_replayShares;            // [cluster] only
    std::unique_ptr<reprocessing::ReplayManager> m_replays;
    std::unique_ptr<reprocessing::SwitchCoordinator> m_switches;
    std::unique_ptr<reprocessing::Validator> m_validator;
    std::unique_ptr<ClusterControl> m_clusterControl; // [cluster] only: the control step
    std::vector<jobs::JobDefinition> m_startVersions; // live and warm versions, started by start()
    std::unique_ptr<DemoProducer> m_producer;
    std::unique_ptr<TokenStore> m_tokens;
    EventJournal m_journal;
    std::atomic<std::int64_t> m_streamIntervalMs;
    double m_configuredDemoRate; // by the config at start or the last reload (reload's thread only)
    std::atomic<bool> m_ready{false};
    std::atomic<std::uint64_t> m_requests{0};

    // Freshness of every running version and the aliases, recomputed at most
    // every kServingTtlMs by whichever reader finds them stale: a metrics
    // snapshot and a catalog query per read would cost more than the read.
    mutable std::shared_mutex m_freshnessMutex;
    mutable std::map<std::string, ViewFreshness> m_freshness; // by "job@version"
    mutable std::map<std::string, std::string> m_aliases;     // job -> live version, refreshed with it
    mutable std::atomic<std::int64_t> m_freshnessAtMs{0};     // steady clock; 0: never
    mutable std::atomic_flag m_refreshing;

    std::mutex m_publishMutex;
    std::condition_variable m_publishWake;
    bool m_stopping = false;
    std::thread m_publisher;
    std::thread m_control; // replays' throttle and progress, switch expiry and retirement
};

} // namespace kappa::service
