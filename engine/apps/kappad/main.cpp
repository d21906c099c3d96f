// kappad: the Kappa engine as a headless service (see service/service.h and
// the README). Signals: SIGTERM/SIGINT stop gracefully (final checkpoints,
// exit 0); SIGHUP reloads the token file and the reloadable settings. Under
// systemd (Type=notify) it reports readiness and feeds the watchdog.
#include "base/exit_code.h"
#include "service/http_api.h"
#include "service/service.h"

#include <CLI/CLI.hpp>
#include <systemd/sd-daemon.h>

#include <csignal>
#include <iostream>
#include <optional>
#include <thread>

namespace {

using namespace kappa;
using namespace kappa::service;

// Flags given on the command line; each overrides the config file.
struct Flags
{
    std::string configFile;
    std::optional<std::string> dataDir, listen, jobs, tokenFile, tlsCert, tlsKey, logLevel;
    std::optional<std::string> kafkaBootstrap, kafkaTopicPrefix, clusterGroup, instanceId;
    std::optional<std::int64_t> checkpointIntervalMs, streamIntervalMs;
    std::optional<double> demoRate;
    bool demo = false;
    bool anonymousLoopbackViewer = false;
};

// Defaults (--demo's included), then the config file, then the flags.
Result<ServiceConfig> buildConfig(const Flags &flags)
{
    ServiceConfig config;
    if (flags.demo) {
        // A demo is local by nature: viewers need no token from this machine
        // (a config file may still say anonymous_loopback_viewer = false).
        config.demo = true;
        config.anonymousLoopbackViewer = true;
        config.dataDir = "./kappa-demo";
    }
    if (!flags.configFile.empty())
        KAPPA_RETURN_IF_ERROR(applyConfigFile(flags.configFile, config));
    if (flags.dataDir)
        config.dataDir = *flags.dataDir;
    if (flags.listen)
        KAPPA_RETURN_IF_ERROR(parseListenAddress(*flags.listen, config.listenHost, config.listenPort));
    if (flags.jobs)
        config.jobs = *flags.jobs;
    if (flags.tokenFile)
        config.tokenFile = *flags.tokenFile;
    if (flags.tlsCert)
        config.tlsCert = *flags.tlsCert;
    if (flags.tlsKey)
        config.tlsKey = *flags.tlsKey;
    if (flags.logLevel) {
        KAPPA_ASSIGN_OR_RETURN(config.logLevel, parseLogLevel(*flags.logLevel));
    }
    if (flags.checkpointIntervalMs)
        config.checkpointInterval = std::chrono::milliseconds(*flags.checkpointIntervalMs);
    if (flags.streamIntervalMs)
        config.streamInterval = std::chrono::milliseconds(*flags.streamIntervalMs);
    if (flags.demoRate)
        config.demoRate = *flags.demoRate;
    if (flags.anonymousLoopbackViewer)
        config.anonymousLoopbackViewer = true;
    if (flags.kafkaBootstrap) {
        config.log.kind = LogKind::Kafka;
        config.log.bootstrapServers = *flags.kafkaBootstrap;
    }
    if (flags.kafkaTopicPrefix)
        config.log.topicPrefix = *flags.kafkaTopicPrefix;
    if (flags.clusterGroup)
        config.cluster.group = *flags.clusterGroup;
    if (flags.instanceId)
        config.cluster.instanceId = *flags.instanceId;
    if (config.checkpointInterval.count() <= 0 || config.streamInterval.count() <= 0)
        return Status::invalidArgument("intervals must be positive (milliseconds)");
    KAPPA_RETURN_IF_ERROR(config.validate());
    return config;
}

void addFlags(CLI::App &app, Flags &f)
{
    app.add_option("--config", f.configFile, "TOML configuration file (flags override it)");
    app.add_option("--data-dir", f.dataDir,
                   "data directory: log, catalog, state, views (default ./kappa-data)");
    app.add_option("--listen", f.listen, "listen address host:port (default 127.0.0.1:8470; port 0: any)");
    app.add_option("--jobs", f.jobs, "job versions to run: all, or JOB@VERSION,... (default all)");
    app.add_option("--checkpoint-interval-ms", f.checkpointIntervalMs, "checkpoint interval (default 5000)");
    app.add_option("--stream-interval-ms", f.streamIntervalMs, "SSE metrics snapshot interval (default 1000)");
    app.add_option("--token-file", f.tokenFile, "bearer token file (default <data-dir>/tokens.json)");
    app.add_option("--tls-cert", f.tlsCert, "TLS certificate (PEM); with --tls-key serves HTTPS");
    app.add_option("--tls-key", f.tlsKey, "TLS private key (PEM)");
    app.add_option("--log-level", f.logLevel, "debug, info, warn or error (default info)");
    app.add_flag("--demo", f.demo,
                 "demo: data in ./kappa-demo (or --data-dir), live sample events, the v1 jobs, "
                 "anonymous viewer access from loopback");
    app.add_option("--demo-rate", f.demoRate, "demo producer rate in events/s (default 20000)");
    app.add_option("--kafka-bootstrap", f.kafkaBootstrap,
                   "event log on Kafka at HOST:PORT[,HOST:PORT...] (sets log.kind = \"kafka\"); "
                   "catalog, state and views stay in the data directory");
    app.add_option("--kafka-topic-prefix", f.kafkaTopicPrefix,
                   "prepended to every Kafka topic name (log.topic_prefix)");
    app.add_option("--cluster-group", f.clusterGroup,
                   "share the partitions with the other instances of this group (cluster.group; Kafka only)");
    app.add_option("--instance-id", f.instanceId,
                   "this instance's name in its group, stable across restarts (cluster.instance_id; "
                   "default <host>-<listen port>)");
    app.add_flag("--anonymous-loopback-viewer", f.anonymousLoopbackViewer,
                 "allow viewer access without a token from 127.0.0.1/::1");
}

int failStartup(Logger &logger, const Status &status)
{
    logger.error("cannot start", {{"code", statusCodeName(status.code())}, {"error", status.message()}});
    return static_cast<int>(exitCodeFor(status));
}

// systemd's watchdog, fed while the engine is healthy; a no-op outside systemd.
class Watchdog
{
public:
    explicit Watchdog(const Service &service)
    {
        std::uint64_t usec = 0;
        if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
            return;
        m_thread = std::thread([this, &service, period = std::chrono::microseconds(usec / 2)] {
            std::unique_lock lock(m_mutex);
            while (!m_stopping) {
                // A failed engine stops feeding the watchdog, so that systemd restarts kappad.
                if (service.health().isOk())
                    sd_notify(0, "WATCHDOG=1");
                m_wake.wait_for(lock, period);
            }
        });
    }
    ~Watchdog()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_wake.notify_all();
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
};

// Waits for SIGTERM/SIGINT (returns) and handles SIGHUP (reload) meanwhile.
void serveSignals(const sigset_t &signals, const Flags &flags, Service &service, Logger &logger)
{
    while (true) {
        int signal = 0;
        if (sigwait(&signals, &signal) != 0)
            continue;
        if (signal != SIGHUP) {
            logger.info("stopping", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
            return;
        }
        sd_notify(0, "RELOADING=1");
        Result<ServiceConfig> fresh = buildConfig(flags);
        const Status reloaded = fresh.isOk() ? service.reload(*fresh) : fresh.status();
        if (reloaded.isOk())
            logger.info("reloaded", {{"token_file", service.config().effectiveTokenFile()}});
        else
            logger.error("reload failed; keeping the previous settings", {{"error", reloaded.toString()}});
        sd_notify(0, "READY=1");
    }
}

} // namespace

int main(int argc, char **argv)
{
    CLI::App app{"kappad: the Kappa engine as a headless service with an HTTP API"};
    app.footer(
        "Exit codes: 0 stopped cleanly, 2 invalid configuration, 3 data directory or file not found,\n"
        "5 corruption, 7 unavailable (log or data directory locked by another process, address in use,\n"
        "no Kafka broker answering), 1 other errors.");
    Flags flags;
    addFlags(app, flags);
    CLI11_PARSE(app, argc, argv);

    // Blocked before any thread starts, so that every thread inherits the mask and only sigwait sees them.
    sigset_t signals;
    sigemptyset(&signals);
    for (int s : {SIGTERM, SIGINT, SIGHUP})
        sigaddset(&signals, s);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a client that goes away is an error on its socket, not a signal

    Logger logger;
    Result<ServiceConfig> config = buildConfig(flags);
    if (!config.isOk())
        return failStartup(logger, config.status());
    logger.setLevel(config->logLevel);

    Result<std::unique_ptr<Service>> service = Service::open(*config, logger);
    if (!service.isOk())
        return failStartup(logger, service.status());
    Result<std::unique_ptr<HttpApi>> api = HttpApi::create(**service);
    if (!api.isOk())
        return failStartup(logger, api.status());
    Result<int> port = (*api)->bind();
    if (!port.isOk())
        return failStartup(logger, port.status());
    const std::string scheme = config->tlsCert.empty() ? "http" : "https";
    (*service)->setListenUrl(scheme + "://" + config->listenHost + ":" + std::to_string(*port));
    if (Status started = (*service)->start(); !started.isOk())
        return failStartup(logger, started);
    std::thread serving([&] { (*api)->run(); });
    if (!(*api)->waitUntilRunning(std::chrono::seconds(30))) {
        // Without this wait a SIGTERM during start-up could stop the server before it runs, and the join would hang.
        (*api)->stop();
        serving.join();
        return failStartup(logger, Status::internal("the HTTP server did not start"));
    }

    logger.info("listening", {{"address", config->listenHost + ":" + std::to_string(*port)},
                              {"url", scheme + "://" + config->listenHost + ":" + std::to_string(*port)},
                              {"data_dir", config->dataDir},
                              {"log", logKindName(config->log.kind)},
                              {"demo", config->demo},
                              {"jobs", config->jobs}});
    sd_notify(0, "READY=1");
    {
        Watchdog watchdog(**service);
        serveSignals(signals, flags, **service, logger);
        sd_notify(0, "STOPPING=1");
        // Stop accepting work first (streams end, the server stops), then the final checkpoints.
        (*service)->beginShutdown();
        (*api)->stop();
        serving.join();
    }
    const Status stopped = (*service)->stop();
    if (!stopped.isOk()) {
        logger.error("stopped with an error", {{"error", stopped.toString()}});
        return static_cast<int>(exitCodeFor(stopped));
    }
    logger.info("stopped", {{"final_checkpoint", "ok"}});
    return 0;
}
