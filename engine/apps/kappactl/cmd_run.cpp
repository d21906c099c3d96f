// kappactl run: runs job versions over the event log (embedded or Kafka) in this process.
// With --until-caught-up it processes to the end of the log, takes a final
// checkpoint and prints what it measured; otherwise it keeps tailing the log
// until SIGINT or SIGTERM, then stops the same way.
#include "commands.h"

#include "jobs/builtin_specs.h"
#include "jobs/engine.h"
#include "kappa/catalog.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

namespace kappa::ctl {
namespace {

struct RunOptions
{
    std::string jobs = "all";
    std::vector<std::string> specFiles;
    bool untilCaughtUp = false;
    bool json = false;
    int threads = 0;
    std::int64_t checkpointIntervalMs = 5000;
    std::size_t batchBytes = 1 << 20;
};

std::atomic<bool> g_stopRequested{false};

void requestStop(int)
{
    g_stopRequested.store(true);
}

Result<std::vector<jobs::JobDefinition>> selectJobs(const RunOptions &options, const Catalog &catalog)
{
    KAPPA_ASSIGN_OR_RETURN(std::vector<jobs::JobDefinition> definitions,
                           jobs::resolveJobList(catalog, options.jobs));
    for (const std::string &file : options.specFiles) {
        std::ifstream in(file);
        if (!in)
            return Status::notFound("cannot read spec file " + file);
        std::stringstream text;
        text << in.rdbuf();
        Result<jobs::JobDefinition> definition = jobs::parseJobDefinition(text.str());
        if (!definition.isOk())
            return definition.status().withContext(file);
        definitions.push_back(std::move(definition).value());
    }
    if (definitions.empty())
        return Status::invalidArgument(
            "no jobs selected (--jobs all, --jobs JOB@VERSION,... or --spec FILE)");
    for (std::size_t i = 0; i < definitions.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (definitions[i].spec.job == definitions[j].spec.job
                && definitions[i].spec.version == definitions[j].spec.version)
                return Status::invalidArgument(definitions[i].spec.job + "@" + definitions[i].spec.version
                                               + " is selected twice");
    return definitions;
}

double millis(std::int64_t micros)
{
    return static_cast<double>(micros) / 1000.0;
}

nlohmann::json reportJson(const std::vector<jobs::JobReport> &reports, double seconds)
{
    nlohmann::json out = {{"seconds", seconds}, {"jobs", nlohmann::json::array()}};
    for (const jobs::JobReport &r : reports) {
        const auto &latency = r.latencyMicros;
        out["jobs"].push_back({
            {"job", r.job},
            {"version", r.version},
            {"events", r.events},
            {"seconds", seconds},
            {"events_per_second", seconds > 0 ? static_cast<double>(r.events) / seconds : 0.0},
            {"checkpoints", r.checkpoints},
            {"checkpoint_ms",
             {{"mean", r.checkpointMeanMillis},
              {"p99", r.checkpointP99Millis},
              {"max", r.checkpointMaxMillis}}},
            {"latency_ms",
             {{"p50", millis(latency.percentile(0.50))},
              {"p90", millis(latency.percentile(0.90))},
              {"p99", millis(latency.percentile(0.99))},
              {"p999", millis(latency.percentile(0.999))}}},
            {"late_dropped", r.lateDropped},
            {"skipped", r.skipped},
            {"lag_records", r.lagRecords},
            {"state_bytes", r.stateBytes},
            {"state_keys", r.stateKeys},
        });
    }
    return out;
}

void printReport(const std::vector<jobs::JobReport> &reports, double seconds)
{
    std::cout << std::left << std::setw(22) << "job" << std::right << std::setw(11) << "events"
              << std::setw(9) << "seconds" << std::setw(11) << "events/s" << std::setw(7) << "ckpts"
              << "  " << std::setw(20) << "ckpt ms mean/p99/max" << std::setw(28)
              << "latency ms p50/p90/p99/p999" << std::setw(14) << "late dropped"
              << "\n";
    for (const jobs::JobReport &r : reports) {
        const auto &l = r.latencyMicros;
        std::ostringstream checkpoint;
        checkpoint << std::fixed << std::setprecision(0) << r.checkpointMeanMillis << "/"
                   << r.checkpointP99Millis << "/" << r.checkpointMaxMillis;
        std::ostringstream latency;
        latency << std::fixed << std::setprecision(0) << millis(l.percentile(0.5)) << "/"
                << millis(l.percentile(0.9)) << "/" << millis(l.percentile(0.99)) << "/"
                << millis(l.percentile(0.999));
        std::cout << std::left << std::setw(22) << (r.job + "@" + r.version) << std::right << std::setw(11)
                  << r.events << std::setw(9) << std::fixed << std::setprecision(1) << seconds
                  << std::setw(11) << std::setprecision(0)
                  << (seconds > 0 ? static_cast<double>(r.events) / seconds : 0.0) << std::setw(7)
                  << r.checkpoints << "  " << std::setw(20) << checkpoint.str() << std::setw(28)
                  << latency.str() << std::setw(14) << r.lateDropped << "\n";
    }
}

// Tails the log until a signal asks to stop; a status line every 5 s on stderr.
Status tailUntilSignalled(jobs::Engine &engine)
{
    auto lastStatus = std::chrono::steady_clock::now();
    while (!g_stopRequested.load()) {
        KAPPA_RETURN_IF_ERROR(engine.health());
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (std::chrono::steady_clock::now() - lastStatus >= std::chrono::seconds(5)) {
            lastStatus = std::chrono::steady_clock::now();
            for (const jobs::JobReport &r : engine.report())
                std::cerr << r.job << "@" << r.version << ": " << r.events << " events, lag " << r.lagRecords
                          << " records / " << std::fixed << std::setprecision(1) << r.lagSeconds << " s\n";
        }
    }
    return Status::ok();
}

// Turns SIGINT/SIGTERM into a clean stop of a bounded run (a signal handler
// may only set a flag; this thread does the rest).
class StopOnSignal
{
public:
    explicit StopOnSignal(jobs::Engine &engine)
        : m_thread([this, &engine] {
            while (!m_done.load() && !g_stopRequested.load())
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            if (g_stopRequested.load())
                engine.requestStop();
        })
    {}
    ~StopOnSignal()
    {
        m_done.store(true);
        m_thread.join();
    }

private:
    std::atomic<bool> m_done{false};
    std::thread m_thread;
};

int runJobs(const DataDir &dataDir, const RunOptions &options)
{
    // Installed first, so that Ctrl-C during start-up also stops cleanly.
    std::signal(SIGINT, requestStop);
    std::signal(SIGTERM, requestStop);
    // Exclusive and not created: a mistyped --data-dir must not become a new,
    // empty data directory, and one directory runs one engine at a time.
    service::LogAccess access;
    access.exclusive = true;
    Result<std::unique_ptr<EventLog>> log = openLog(dataDir, access);
    if (!log.isOk())
        return fail(log.status());
    Result<std::unique_ptr<Catalog>> catalog = Catalog::open(dataDir.catalogPath());
    if (!catalog.isOk())
        return fail(catalog.status());
    Result<std::vector<jobs::JobDefinition>> definitions = selectJobs(options, **catalog);
    if (!definitions.isOk())
        return fail(definitions.status());

    jobs::EngineOptions engineOptions;
    engineOptions.layout.root = dataDir.root;
    engineOptions.runtime.threads = options.threads;
    engineOptions.runtime.checkpointInterval = std::chrono::milliseconds(options.checkpointIntervalMs);
    engineOptions.tasks.batchBytes = options.batchBytes;
    Result<std::unique_ptr<jobs::Engine>> engine = jobs::Engine::open(**log, **catalog,
                                                                      std::move(definitions).value(),
                                                                      engineOptions);
    if (!engine.isOk())
        return fail(engine.status());

    const auto started = std::chrono::steady_clock::now();
    Status status = (*engine)->start();
    if (status.isOk() && options.untilCaughtUp) {
        StopOnSignal stopOnSignal(**engine);
        status = (*engine)->runUntilCaughtUp();
    } else if (status.isOk()) {
        status = tailUntilSignalled(**engine);
    }
    const Status stopped = (*engine)->stop();
    if (g_stopRequested.load() && options.untilCaughtUp && status.code() == StatusCode::Aborted) {
        std::cerr << "kappactl: interrupted before the end of the log; every task took a final checkpoint\n";
        return 130; // the shell's convention for a run ended by SIGINT
    }
    if (!status.isOk())
        return fail(status);
    if (!stopped.isOk())
        return fail(stopped);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const std::vector<jobs::JobReport> reports = (*engine)->report();
    if (options.json)
        std::cout << reportJson(reports, seconds).dump() << "\n";
    else
        printReport(reports, seconds);
    return 0;
}

} // namespace

void addRunCommand(CLI::App &app, const DataDir &dataDir, Action &action)
{
    auto options = std::make_shared<RunOptions>();
    CLI::App *run = app.add_subcommand("run", "Run job versions over the event log");
    CLI::Option *jobsOption
        = run->add_option("--jobs", options->jobs,
                          "'all' (v1 of the three pipelines) or JOB@VERSION,... (registered or built in)")
              ->capture_default_str();
    run->add_option("--spec", options->specFiles, "A job spec file to run (repeatable)");
    run->add_flag("--until-caught-up", options->untilCaughtUp,
                  "Process to the end of the log, checkpoint, print the figures and exit");
    run->add_flag("--json", options->json, "Print the figures as JSON");
    run->add_option("--threads", options->threads, "Worker threads (0: one per core)")
        ->check(CLI::Range(0, 256));
    run->add_option("--checkpoint-interval-ms", options->checkpointIntervalMs, "Checkpoint interval")
        ->check(CLI::Range(std::int64_t{10}, std::int64_t{3'600'000}))
        ->capture_default_str();
    run->add_option("--batch-bytes", options->batchBytes, "Bytes per read of a partition")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{64} << 20))
        ->capture_default_str();
    run->callback([&dataDir, &action, options, jobsOption] {
        // --spec without --jobs runs only the spec files.
        if (!options->specFiles.empty() && jobsOption->count() == 0)
            options->jobs.clear();
        action = [&dataDir, options] { return runJobs(dataDir, *options); };
    });
}

} // namespace kappa::ctl
