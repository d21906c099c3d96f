#include "service/service.h"

#include "base/thread_name.h"
#include "kappa/catalog.h"
#include "kappa/event_codec.h"
#include "service/event_log_factory.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace kappa::service {

namespace {

constexpr std::int32_t kDemoPartitions = 8;

// Writes a demo token to <dataDir>/<name>.token (owner-only), creating the
// token if it or its file is missing, so that a restarted demo keeps working.
Status ensureDemoToken(TokenStore &tokens, const std::string &dataDir, const std::string &name, Role role)
{
    const std::string path = dataDir + "/" + name + ".token";
    const std::vector<TokenEntry> existing = tokens.list();
    const bool known = std::any_of(existing.begin(), existing.end(),
                                   [&](const TokenEntry &entry) { return entry.name == name; });
    if (known && std::filesystem::exists(path))
        return Status::ok();
    if (known)
        KAPPA_RETURN_IF_ERROR(tokens.revoke(name)); // its plaintext is lost: issue a new one
    KAPPA_ASSIGN_OR_RETURN(std::string token, tokens.add(name, role, Clock::system().now().value()));
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return Status::unavailable("cannot write " + path + ": " + std::strerror(errno));
    token += "\n";
    const bool written = ::write(fd, token.data(), token.size()) == static_cast<ssize_t>(token.size());
    ::close(fd);
    if (!written)
        return Status::unavailable("cannot write " + path);
    return Status::ok();
}

std::vector<std::string> changedSettingsNeedingRestart(const ServiceConfig &running,
                                                       const ServiceConfig &fresh)
{
    std::vector<std::string> changed;
    const auto check = [&](bool differs, const char *name) {
        if (differs)
            changed.emplace_back(name);
    };
    check(running.dataDir != fresh.dataDir, "data_dir");
    check(running.log != fresh.log, "log");
    check(running.listenHost != fresh.listenHost || running.listenPort != fresh.listenPort, "listen");
    check(running.jobs != fresh.jobs, "jobs");
    check(running.checkpointInterval != fresh.checkpointInterval, "checkpoint_interval_ms");
    check(running.effectiveTokenFile() != fresh.effectiveTokenFile(), "token_file");
    check(running.tlsCert != fresh.tlsCert || running.tlsKey != fresh.tlsKey, "tls_cert/tls_key");
    check(running.anonymousLoopbackViewer != fresh.anonymousLoopbackViewer, "anonymous_loopback_viewer");
    check(running.maxBodyBytes != fresh.maxBodyBytes, "max_body_bytes");
    check(running.readTimeout != fresh.readTimeout || running.writeTimeout != fresh.writeTimeout, "timeouts");
    check(running.httpThreads != fresh.httpThreads, "http_threads");
    check(running.demo != fresh.demo, "demo.enabled");
    check(running.reprocessing.sloSeconds != fresh.reprocessing.sloSeconds, "reprocessing.slo_seconds");
    check(running.latencySloMillis != fresh.latencySloMillis, "slo.latency_p99_ms");
    return changed;
}

} // namespace

nlohmann::json ViewFreshness::toJson() const
{
    nlohmann::json json{{"job", job}, {"version", version}, {"as_of_ms", asOfMs}, {"lag_seconds", lagSeconds}};
    if (!servedBy.empty())
        json["served_by"] = servedBy;
    return json;
}

Service::Service(ServiceConfig config, Logger &logger)
    : m_config(std::move(config))
    , m_logger(logger)
    // Once: it asks the host name, and every view read names the instance.
    , m_instanceId(m_config.cluster.enabled() ? clusterInstanceId(m_config) : std::string())
    , m_streamIntervalMs(m_config.streamInterval.count())
    , m_configuredDemoRate(m_config.demoRate)
{}

Service::~Service()
{
    (void) stop();
}

Result<std::unique_ptr<Service>> Service::open(ServiceConfig config, Logger &logger)
{
    KAPPA_RETURN_IF_ERROR(config.validate());
    std::unique_ptr<Service> service(new Service(std::move(config), logger));
    KAPPA_RETURN_IF_ERROR(service->openData());
    return service;
}

Status Service::openData()
{
    const jobs::DataLayout layout{m_config.dataDir};
    // The log first: it holds the data directory for this process (the
    // embedded log's lock, or engine.lock beside a Kafka log).
    LogAccess access;
    access.create = m_config.demo;
    access.exclusive = true;
    access.missingHint = "generate events with kappactl gen, or start kappad --demo";
    access.clientId = "kappad";
    KAPPA_ASSIGN_OR_RETURN(m_log, openEventLog(m_config.log, m_config.dataDir, access));
    m_logger.info("event log opened", {{"log", describeLogSettings(m_config.log)},
                                       {"location", logLocation(m_config.log, m_config.dataDir)}});
    KAPPA_ASSIGN_OR_RETURN(m_catalog, Catalog::open(layout.catalogPath()));
    KAPPA_ASSIGN_OR_RETURN(m_codec, EventCodec::create(m_catalog->schemas()));
    if (m_config.demo && !m_log->describeTopic(jobs::kEventsTopic).isOk())
        KAPPA_RETURN_IF_ERROR(m_log->createTopic(jobs::kEventsTopic, TopicConfig{kDemoPartitions}));
    KAPPA_ASSIGN_OR_RETURN(m_tokens, TokenStore::open(m_config.effectiveTokenFile()));
    if (m_config.demo) {
        // The whole workflow can be tried locally: an operator and an approver token.
        KAPPA_RETURN_IF_ERROR(ensureDemoToken(*m_tokens, m_config.dataDir, "demo-operator", Role::Operator));
        KAPPA_RETURN_IF_ERROR(ensureDemoToken(*m_tokens, m_config.dataDir, "demo-approver", Role::Approver));
    }

    KAPPA_RETURN_IF_ERROR(followSharedCatalog());
    KAPPA_ASSIGN_OR_RETURN(m_startVersions, versionsToStart());
    jobs::EngineOptions options;
    options.layout = layout;
    options.runtime.checkpointInterval = m_config.checkpointInterval;
    options.actor = "kappad";
    if (m_config.cluster.enabled()) {
        // No partition until the group assigns some (ClusterMember).
        options.partitions = std::vector<PartitionId>{}; // (m_clusterTransport: followSharedCatalog)
        m_replication = std::make_shared<cluster::ChangelogReplication>(m_clusterTransport);
        options.replication = m_replication;
    }

    m_fleet = std::make_unique<reprocessing::Fleet>(*m_log, *m_catalog, options);
    auto events = [this](const std::string &what, const std::string &subject, const std::string &detail) {
        lifecycle(what, subject, detail);
    };
    m_replays = std::make_unique<reprocessing::ReplayManager>(*m_log, *m_catalog, *m_fleet, layout,
                                                              jobs::kEventsTopic, m_config.reprocessing,
                                                              events);
    m_switches = std::make_unique<reprocessing::SwitchCoordinator>(*m_log, *m_catalog, *m_fleet, *m_replays,
                                                                   layout, m_config.reprocessing, events,
                                                                   [this] {
                                                                       // Readers see the new alias at once, not at the next refresh.
                                                                       refreshFreshness();
                                                                   });
    m_validator = std::make_unique<reprocessing::Validator>(*m_log, *m_catalog, *m_fleet, layout,
                                                            jobs::kEventsTopic, events);
    // In a cluster an instance follows the leader until it leads (cluster_control.h).
    m_replays->setFollowing(m_config.cluster.enabled());
    if (m_config.demo)
        m_producer = std::make_unique<DemoProducer>(*m_log, *m_codec, m_config.demoRate);
    return Status::ok();
}

// In a cluster: the shared catalog of record, read to its end before this
// instance decides what to run. An instance whose catalog holds history the
// cluster's does not (it ran alone before, or in another cluster) would mix
// both: it is refused unless the cluster has none yet (it then brings its
// own). A member's own rows are what it could not share as leader: dropped.
Status Service::followSharedCatalog()
{
    if (!m_config.cluster.enabled())
        return Status::ok();
    const std::string base = "cluster." + m_config.cluster.group;
    KAPPA_ASSIGN_OR_RETURN(m_clusterTransport, openClusterTransport(m_config));
    m_catalogReplication = std::make_unique<cluster::CatalogReplication>(m_clusterTransport, *m_catalog,
                                                                         base + ".catalog");
    m_replayShares = std::make_unique<cluster::InstanceBoard>(m_clusterTransport, base + ".replays");
    KAPPA_RETURN_IF_ERROR(m_catalogReplication->createTopic().withContext("the shared catalog"));
    KAPPA_RETURN_IF_ERROR(m_replayShares->createTopic().withContext("the replays' shares"));
    KAPPA_ASSIGN_OR_RETURN(const std::size_t applied, m_catalogReplication->follow());
    KAPPA_ASSIGN_OR_RETURN(const std::vector<std::string> unshared, m_catalogReplication->unsharedKeys());
    // Written once this data directory follows the cluster: rows of its own
    // after that are changes it made as leader and could not share.
    const std::string member = m_config.dataDir + "/cluster-" + m_config.cluster.group + ".member";
    const bool wasMember = std::filesystem::exists(member);
    if (applied > 0 && !unshared.empty() && !wasMember)
        return Status::failedPrecondition(
            "this instance's catalog (" + m_catalog->path() + ") has " + std::to_string(unshared.size())
            + " entries the cluster's shared catalog does not, e.g. " + unshared.front()
            + ": it has a history of its own. Start it with an empty data directory, or make it the "
              "cluster's first instance (README: Scaling out)");
    if (applied > 0 && !unshared.empty()) {
        KAPPA_ASSIGN_OR_RETURN(const std::size_t dropped, m_catalogReplication->dropUnshared());
        m_logger.warn("dropped catalog rows the cluster never got (this instance led and stopped before "
                      "it could share them)",
                      {{"rows", dropped}});
    }
    if (!wasMember && !std::ofstream(member).good())
        return Status::unavailable("cannot write " + member);
    m_logger.info("shared catalog read", {{"topic", m_catalogReplication->topic()}, {"rows", applied}});
    return Status::ok();
}

// The configured jobs, except that a job the catalog already serves from
// another version runs that version (the catalog of record wins over the
// configuration after a switch), plus every version kept warm for a rollback.
Result<std::vector<jobs::JobDefinition>> Service::versionsToStart()
{
    KAPPA_ASSIGN_OR_RETURN(std::vector<jobs::JobDefinition> configured,
                           jobs::resolveJobList(*m_catalog, m_config.jobs));
    if (configured.empty())
        return Status::invalidArgument("no jobs selected (jobs = \"all\" or a list of job@version)");
    std::vector<jobs::JobDefinition> start;
    for (jobs::JobDefinition &definition : configured) {
        const std::string job = definition.spec.job;
        KAPPA_ASSIGN_OR_RETURN(std::optional<std::string> live, m_catalog->alias(job));
        if (live && *live != definition.spec.version) {
            KAPPA_ASSIGN_OR_RETURN(definition, jobs::resolveJobDefinition(*m_catalog, {job, *live}));
        }
        start.push_back(std::move(definition));
        KAPPA_ASSIGN_OR_RETURN(std::vector<AliasChange> history, m_catalog->aliasHistory(job));
        if (history.empty() || !history.back().fromVersion)
            continue;
        const std::string warm = *history.back().fromVersion;
        KAPPA_ASSIGN_OR_RETURN(JobVersionInfo info, m_catalog->jobVersion(job, warm));
        if (info.state != VersionState::Validated)
            continue;
        KAPPA_ASSIGN_OR_RETURN(jobs::JobDefinition warmDefinition, jobs::parseJobDefinition(info.specJson));
        start.push_back(std::move(warmDefinition));
    }
    return start;
}

// In a cluster only the leader registers versions (ClusterControl calls this
// when this instance becomes it): the configured ones the cluster does not
// run yet. The others start what the shared catalog lists.
void Service::startConfiguredVersions()
{
    Result<std::vector<jobs::JobDefinition>> versions = versionsToStart();
    if (!versions.isOk()) {
        m_logger.error("cannot start the configured versions", {{"error", versions.status().toString()}});
        return;
    }
    for (jobs::JobDefinition &definition : *versions) {
        const std::string name = definition.spec.job + "@" + definition.spec.version;
        if (m_fleet->find(definition.spec.job, definition.spec.version))
            continue;
        if (Status started = m_fleet->start(std::move(definition), "kappad");
            !started.isOk() && started.code() != StatusCode::AlreadyExists)
            m_logger.error("cannot start a configured version",
                           {{"version", name}, {"error", started.toString()}});
    }
}

// Whether this instance may start a version now: always without a cluster;
// in one, only a version the shared catalog has, of a job that has an alias
// (starting it writes nothing to the catalog).
bool Service::startsBeforeLeading(const jobs::JobDefinition &definition) const
{
    if (!m_config.cluster.enabled())
        return true;
    const Result<std::optional<std::string>> live = m_catalog->alias(definition.spec.job);
    return m_catalog->jobVersion(definition.spec.job, definition.spec.version).isOk() && live.isOk()
           && live->has_value();
}

Status Service::start()
{
    for (jobs::JobDefinition &definition : m_startVersions)
        if (startsBeforeLeading(definition))
            KAPPA_RETURN_IF_ERROR(m_fleet->start(std::move(definition), "kappad"));
    m_startVersions.clear();
    if (!m_replication)
        KAPPA_RETURN_IF_ERROR(m_replays->resumeActive());
    else // the shared catalog's, on this instance's partitions (ClusterControl)
        KAPPA_RETURN_IF_ERROR(m_replays->syncWithCatalog());
    if (m_replication) {
        if (!m_config.cluster.advertisedUrl.empty())
            m_listenUrl = m_config.cluster.advertisedUrl;
        else if (m_config.listenHost == "0.0.0.0" || m_config.listenHost == "::"
                 || m_config.listenHost.empty())
            return Status::invalidArgument(
                "listening on " + m_config.listenHost
                + " (every interface) the other instances cannot tell where to reach "
                  "this one: set cluster.advertised_url");
        KAPPA_ASSIGN_OR_RETURN(TopicConfig events, m_log->describeTopic(jobs::kEventsTopic));
        KAPPA_ASSIGN_OR_RETURN(m_cluster, ClusterMember::join(m_config, jobs::kEventsTopic, events.partitions,
                                                              m_listenUrl, m_clusterTransport, m_replication,
                                                              *m_fleet, m_logger));
        ClusterControlParts parts;
        parts.member = m_cluster.get();
        parts.catalogReplication = m_catalogReplication.get();
        parts.shares = m_replayShares.get();
        parts.catalog = m_catalog.get();
        parts.fleet = m_fleet.get();
        parts.replays = m_replays.get();
        parts.switches = m_switches.get();
        parts.logger = &m_logger;
        parts.catalogChanged = [this] { refreshFreshness(); };
        parts.startConfigured = [this] { startConfiguredVersions(); };
        m_clusterControl = std::make_unique<ClusterControl>(std::move(parts));
        m_cluster->setBeforeRevoke(
            [control = m_clusterControl.get()](const std::vector<PartitionId> &partitions) {
                control->beforeRevoke(partitions);
            });
    }
    if (m_producer)
        KAPPA_RETURN_IF_ERROR(m_producer->start());
    m_publisher = std::thread([this] {
        base::nameThisThread("kappa-publish");
        publishLoop();
    });
    m_control = std::thread([this] {
        base::nameThisThread("kappa-control");
        controlLoop();
    });
    refreshServingIfStale(); // aliases and freshness before the first read
    m_ready.store(true, std::memory_order_release);
    nlohmann::json versions = nlohmann::json::array();
    for (const reprocessing::RunningVersion &running : m_fleet->all())
        versions.push_back(running.name.str());
    publishLifecycle("started", {{"versions", versions}, {"demo", m_config.demo}});
    return Status::ok();
}

void Service::beginShutdown()
{
    if (m_journal.closed())
        return;
    m_ready.store(false, std::memory_order_release);
    publishLifecycle("stopping", nlohmann::json::object());
    m_journal.close();
}

Status Service::stop()
{
    if (!m_fleet)
        return Status::ok();
    beginShutdown();
    // The producer first: the final checkpoints then cover everything appended.
    if (m_producer)
        m_producer->stop();
    {
        std::lock_guard lock(m_publishMutex);
        m_stopping = true;
    }
    m_publishWake.notify_all();
    if (m_publisher.joinable())
        m_publisher.join();
    if (m_control.joinable())
        m_control.join();
    // The leader's last decisions (a control step's) are shared before it goes.
    if (m_clusterControl && m_clusterControl->leads())
        if (Result<std::size_t> published = m_catalogReplication->publish(); !published.isOk())
            m_logger.warn("cannot publish the shared catalog", {{"error", published.status().toString()}});
    if (m_cluster)
        m_cluster->leave(); // the partitions go to the others with their final checkpoints
    Status stopped = m_fleet->stopAll();
    if (m_cluster)
        m_cluster->setBeforeRevoke(nullptr);
    m_clusterControl.reset();
    m_cluster.reset();
    m_validator.reset();
    m_switches.reset();
    m_replays.reset();
    m_fleet.reset();
    return stopped;
}

Status Service::reload(const ServiceConfig &fresh)
{
    KAPPA_RETURN_IF_ERROR(fresh.validate());
    // Said out loud, so that nobody believes a change is in effect that is not.
    const std::vector<std::string> ignored = changedSettingsNeedingRestart(m_config, fresh);
    if (!ignored.empty())
        m_logger.warn("these settings change only with a restart", {{"settings", ignored}});
    KAPPA_RETURN_IF_ERROR(m_tokens->reload());
    m_logger.setLevel(fresh.logLevel);
    m_streamIntervalMs.store(fresh.streamInterval.count(), std::memory_order_relaxed);
    // Only a changed configured rate applies: a rate set through the API survives a reload.
    if (m_producer && fresh.demoRate != m_configuredDemoRate)
        KAPPA_RETURN_IF_ERROR(setDemoRate(fresh.demoRate, "SIGHUP"));
    m_configuredDemoRate = fresh.demoRate;
    publishLifecycle("reloaded", nlohmann::json::object());
    return Status::ok();
}

Status Service::health() const
{
    if (!m_fleet)
        return Status::unavailable("the engine is stopped");
    // A failed replay is the replay's failure (it is marked failed and
    // stopped); the service is unhealthy when a serving version fails.
    for (const reprocessing::RunningVersion &running : m_fleet->all()) {
        Status health = running.engine->health();
        Result<std::optional<std::string>> live = m_catalog->alias(running.name.job);
        if (!health.isOk() && live.isOk() && *live == running.name.version)
            return health.withContext(running.name.str());
    }
    // In a cluster: a version that could not start on the partitions it was
    // given leaves them unprocessed while the group thinks they are served.
    for (const reprocessing::RunningVersion &stranded : m_fleet->stranded())
        return stranded.failure;
    return Status::ok();
}

void Service::lifecycle(const std::string &what, const std::string &subject, const std::string &detail)
{
    m_logger.info(what, {{"subject", subject}, {"detail", detail}});
    publishLifecycle(what, {{"subject", subject}, {"detail", detail}});
}

void Service::controlLoop()
{
    constexpr std::chrono::milliseconds kTick{250};
    std::unique_lock lock(m_publishMutex);
    while (!m_stopping) {
        m_publishWake.wait_for(lock, kTick, [&] { return m_stopping; });
        if (m_stopping)
            break;
        lock.unlock();
        if (m_clusterControl) {
            m_clusterControl->step();
        } else {
            m_replays->tick();
            m_switches->tick();
        }
        lock.lock();
    }
}

Result<double> Service::demoRate() const
{
    if (!m_producer)
        return Status::failedPrecondition("this kappad runs no demo producer (start it with --demo)");
    return m_producer->rate();
}

Status Service::setDemoRate(double eventsPerSecond, const std::string &actor)
{
    if (!m_producer)
        return Status::failedPrecondition("this kappad runs no demo producer (start it with --demo)");
    if (!(eventsPerSecond >= 0) || eventsPerSecond > 10'000'000)
        return Status::invalidArgument("events_per_second must be in [0, 10000000]");
    const double before = m_producer->rate();
    m_producer->setRate(eventsPerSecond);
    m_logger.info("demo rate changed", {{"from", before}, {"to", eventsPerSecond}, {"actor", actor}});
    publishLifecycle("demo_rate_changed", {{"from", before}, {"to", eventsPerSecond}, {"actor", actor}});
    return Status::ok();
}

void Service::publishLifecycle(const std::string &what, nlohmann::json fields)
{
    fields["event"] = what;
    fields["ts_ms"] = Clock::system().now().value();
    m_journal.publish("lifecycle", fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Service::publishLoop()
{
    // Each failure is logged once, not once per interval.
    bool engineFailureLogged = false;
    bool producerFailureLogged = false;
    std::unique_lock lock(m_publishMutex);
    while (!m_stopping) {
        const std::chrono::milliseconds interval(m_streamIntervalMs.load(std::memory_order_relaxed));
        m_publishWake.wait_for(lock, interval, [&] { return m_stopping; });
        if (m_stopping)
            break;
        lock.unlock();
        m_journal.publish("metrics",
                          metricsSnapshot().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        if (Status health = this->health(); !health.isOk() && !engineFailureLogged) {
            engineFailureLogged = true;
            m_logger.error("engine failed", {{"error", health.toString()}});
            publishLifecycle("engine_failed", {{"error", health.toString()}});
        }
        if (m_producer && !producerFailureLogged)
            if (Status produced = m_producer->status(); !produced.isOk()) {
                producerFailureLogged = true;
                m_logger.error("demo producer stopped", {{"error", produced.toString()}});
            }
        lock.lock();
    }
}

} // namespace kappa::service
