// Engine: runs job versions over the embedded log. For each job version it
// registers the version in the catalog (the first version of a job becomes
// live and gets the alias), opens its state store and views, creates its
// internal topics, and hands its tasks to one shared Runtime.
//
// The fraud view is an in-memory cache: open() fills it from the fraud job's
// checkpointed state before any task runs (at a position older than any the
// tasks write), and the tasks then bring it up to date as they replay.
//
// Threading: open/start/runUntilCaughtUp/stop from one thread; report(),
// health() and the score caches from any thread.
#pragma once

#include "jobs/data_layout.h"
#include "jobs/run_report.h"
#include "jobs/state_replication.h"
#include "kappa/catalog.h"
#include "kappa/event_codec.h"
#include "kappa/event_log.h"
#include "pipelines/job_spec.h"
#include "pipelines/job_tasks.h"
#include "runtime/runtime.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kappa::views {
class KeyValueView;
class ScoreCache;
} // namespace kappa::views

namespace kappa::jobs {

// A job version to run: its parsed spec and the JSON it was parsed from.
struct JobDefinition
{
    pipelines::JobSpec spec;
    std::string json;
};

// The definition of job@version: the catalog's if registered, else the built-in one.
Result<JobDefinition> resolveJobDefinition(const Catalog &catalog, const JobVersionName &name);
// The definitions of "all" (the default versions of the built-in jobs) or of a
// comma-separated list of job@version; "" selects none. InvalidArgument for a
// malformed name, NotFound for an unknown version.
Result<std::vector<JobDefinition>> resolveJobList(const Catalog &catalog, std::string_view list);
// Parses a spec file's contents; InvalidArgument naming the problem.
Result<JobDefinition> parseJobDefinition(std::string json);

// One task's figures with the job version and stage it belongs to.
struct TaskFigures
{
    std::string job;
    std::string version;
    std::string stage; // pipelines::stageName: "source", or fraud's "route", "merchant", "card"
    runtime::TaskMetricsSnapshot metrics;
};

struct EngineOptions
{
    DataLayout layout;
    std::string sourceTopic = kEventsTopic;
    runtime::RuntimeOptions runtime;
    pipelines::JobTaskOptions tasks;
    std::string actor = "kappactl"; // recorded in the catalog for registrations and aliases
    // The source partitions to run tasks for (scale-out: this process's
    // share of them); nullopt: all, empty: none (yet).
    std::optional<std::vector<PartitionId>> partitions;
    // How state moves between the processes that share the partitions
    // (state_replication.h); nullptr: it stays in this process's stores.
    std::shared_ptr<StateReplication> replication;
};

class Engine
{
public:
    // The log and the catalog must outlive the engine. NotFound if the source
    // topic does not exist; Conflict-like errors (AlreadyExists) if a version
    // is registered with another spec or an internal topic has another layout.
    static Result<std::unique_ptr<Engine>> open(EventLog &log, Catalog &catalog,
                                                std::vector<JobDefinition> definitions,
                                                EngineOptions options);
    ~Engine();
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    Status start();
    Status runUntilCaughtUp();
    Status stop();
    // From any thread: makes runUntilCaughtUp return Aborted after the tasks' final checkpoints.
    void requestStop();
    Status health() const;

    // Per job version, in the order given to open().
    std::vector<JobReport> report() const;
    // Every task's current figures, job versions in the order given to open().
    std::vector<TaskFigures> taskFigures() const;
    // Both from one snapshot of the tasks (each snapshot copies every task's histograms).
    struct Figures
    {
        std::vector<TaskFigures> tasks;
        std::vector<JobReport> reports;
    };
    Figures figures() const;
    // The sampled history of every task's figures and of each job version's state store
    // (row runtime::stateRowName("job@version")): the runtime's ring buffers.
    const runtime::MetricsHistory &history() const;
    // The job versions running, in the order given to open().
    std::vector<JobVersionName> versions() const;
    // The user_features version's key-value view; nullptr if not running.
    const views::KeyValueView *featureView(const std::string &version) const;
    // The fraud job version's card or merchant scores; nullptr if not running.
    const views::ScoreCache *cardScores(const std::string &job, const std::string &version) const;
    const views::ScoreCache *merchantScores(const std::string &job, const std::string &version) const;

private:
    struct RunningJob;
    Engine(EventLog &log, Catalog &catalog, EngineOptions options);
    Status addJob(JobDefinition definition);
    Status registerVersion(const JobDefinition &definition);
    const RunningJob *find(const std::string &job, const std::string &version) const;
    // The runtime's snapshots (in task order) with their job version and stage.
    std::vector<TaskFigures> labelled(std::vector<runtime::TaskMetricsSnapshot> tasks) const;

    EventLog &m_log;
    Catalog &m_catalog;
    EngineOptions m_options;
    std::int32_t m_partitions = 0;
    std::unique_ptr<EventCodec> m_codec;
    std::vector<std::unique_ptr<RunningJob>> m_jobs;
    std::unique_ptr<runtime::Runtime> m_runtime;
};

} // namespace kappa::jobs
