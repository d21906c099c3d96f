#include "jobs/engine.h"

#include "jobs/builtin_specs.h"
#include "jobs/stored_entities.h"
#include "jobs/view_rebuild.h"
#include "jobs/view_sinks.h"
#include "pipelines/fraud.h"
#include "state/state_store.h"
#include "state/task_state.h"
#include "views/kv_view.h"
#include "views/metrics_view.h"
#include "views/score_cache.h"

#include <filesystem>

namespace kappa::jobs {

struct Engine::RunningJob
{
    JobDefinition definition;
    std::shared_ptr<state::StateStore> store;
    std::unique_ptr<views::KeyValueView> keyValueView;
    std::unique_ptr<views::MetricsView> metricsView;
    std::unique_ptr<views::ScoreCache> cards;
    std::unique_ptr<views::ScoreCache> merchants;
    std::unique_ptr<pipelines::RowSink> featureSink;
    std::unique_ptr<pipelines::RowSink> cardSink;
    std::unique_ptr<pipelines::RowSink> merchantSink;
    std::unique_ptr<pipelines::MetricsSink> metricsSink;
    std::size_t firstTask = 0; // in the runtime's order
    std::vector<int> stages;   // of its tasks
};

namespace {

// The ids of the job's tasks of these partitions, every stage.
std::vector<state::TaskId> ownedTasks(const pipelines::JobSpec &spec, std::span<const PartitionId> partitions)
{
    std::vector<state::TaskId> tasks;
    for (PartitionId partition : partitions)
        for (state::TaskId task : pipelines::taskIdsOf(spec, partition))
            tasks.push_back(task);
    return tasks;
}

// Fills a score cache from one stage's checkpointed keyed state. The rows get
// position -1 so that whatever the tasks write when they replay wins.
template<typename Aggregate, typename RowOf>
Status loadScores(const state::StateStore &store, std::span<const PartitionId> partitions, int stage,
                  std::uint8_t table, views::ScoreCache &cache, const RowOf &rowOf)
{
    std::vector<views::ScoreWrite> writes;
    KAPPA_RETURN_IF_ERROR(forEachStoredEntity<Aggregate>(
        store, partitions, stage, table,
        [&](PartitionId partition, std::int64_t id, const Aggregate &aggregate) {
            writes.push_back({id, {partition, Offset(-1)}, rowOf(id, aggregate)});
        }));
    cache.write(writes);
    return Status::ok();
}

} // namespace

Result<JobDefinition> parseJobDefinition(std::string json)
{
    KAPPA_ASSIGN_OR_RETURN(pipelines::JobSpec spec, pipelines::parseJobSpec(json));
    return JobDefinition{std::move(spec), std::move(json)};
}

Result<JobDefinition> resolveJobDefinition(const Catalog &catalog, const JobVersionName &name)
{
    Result<JobVersionInfo> registered = catalog.jobVersion(name.job, name.version);
    if (registered.isOk())
        return parseJobDefinition(registered->specJson);
    if (registered.status().code() != StatusCode::NotFound)
        return registered.status();
    KAPPA_ASSIGN_OR_RETURN(BuiltinSpec builtin, builtinSpec(name.job, name.version));
    return parseJobDefinition(std::string(builtin.json));
}

Result<std::vector<JobDefinition>> resolveJobList(const Catalog &catalog, std::string_view list)
{
    std::vector<std::string> names;
    if (list == "all") {
        names = defaultJobVersions();
    } else {
        while (!list.empty()) {
            const std::size_t comma = list.find(',');
            names.emplace_back(list.substr(0, comma));
            list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        }
    }
    std::vector<JobDefinition> definitions;
    for (const std::string &text : names) {
        KAPPA_ASSIGN_OR_RETURN(JobVersionName name, parseJobVersionName(text));
        KAPPA_ASSIGN_OR_RETURN(JobDefinition definition, resolveJobDefinition(catalog, name));
        definitions.push_back(std::move(definition));
    }
    return definitions;
}

Engine::Engine(EventLog &log, Catalog &catalog, EngineOptions options)
    : m_log(log)
    , m_catalog(catalog)
    , m_options(std::move(options))
{}

Engine::~Engine()
{
    if (m_runtime)
        (void) m_runtime->stop();
}

Result<std::unique_ptr<Engine>> Engine::open(EventLog &log, Catalog &catalog,
                                             std::vector<JobDefinition> definitions, EngineOptions options)
{
    // An engine of several job versions shares their decoded source batches;
    // engines that share them with each other (a Fleet's) are given one. One
    // job version alone has no one to share with: no batches are kept.
    if (!options.tasks.sharedBatches && definitions.size() > 1)
        options.tasks.sharedBatches = std::make_shared<runtime::SharedBatches>();
    std::unique_ptr<Engine> engine(new Engine(log, catalog, std::move(options)));
    Result<TopicConfig> topic = log.describeTopic(engine->m_options.sourceTopic);
    if (!topic.isOk())
        return topic.status().withContext("the jobs' input (generate events first: kappactl gen)");
    engine->m_partitions = topic->partitions;
    KAPPA_ASSIGN_OR_RETURN(engine->m_codec, EventCodec::create(catalog.schemas()));
    engine->m_runtime = std::make_unique<runtime::Runtime>(engine->m_options.runtime);
    for (JobDefinition &definition : definitions)
        KAPPA_RETURN_IF_ERROR(engine->addJob(std::move(definition)));
    return engine;
}

Status Engine::registerVersion(const JobDefinition &definition)
{
    const pipelines::JobSpec &spec = definition.spec;
    KAPPA_ASSIGN_OR_RETURN(std::optional<std::string> live, m_catalog.alias(spec.job));
    JobVersionInfo info;
    info.job = spec.job;
    info.version = spec.version;
    info.specJson = definition.json;
    info.createdBy = m_options.actor;
    // The first version of a job serves at once; later ones replay beside the live one.
    info.state = live ? VersionState::Replaying : VersionState::Live;
    Result<JobVersionInfo> existing = m_catalog.jobVersion(spec.job, spec.version);
    if (existing.isOk()) {
        if (existing->state == VersionState::Retired || existing->state == VersionState::Failed
            || existing->state == VersionState::Cancelled)
            return Status::failedPrecondition(spec.job + "@" + spec.version + " is "
                                              + std::string(versionStateName(existing->state))
                                              + "; register a new version instead");
        info.state = existing->state;
    }
    KAPPA_RETURN_IF_ERROR(m_catalog.addJobVersion(info));
    if (!live)
        KAPPA_RETURN_IF_ERROR(m_catalog.setAlias(spec.job, spec.version, m_options.actor));
    return Status::ok();
}

Status Engine::addJob(JobDefinition definition)
{
    const pipelines::JobSpec &spec = definition.spec;
    const DataLayout &layout = m_options.layout;
    KAPPA_RETURN_IF_ERROR(registerVersion(definition));

    auto job = std::make_unique<RunningJob>();
    std::error_code ec;
    std::filesystem::create_directories(layout.root + "/state", ec);
    std::filesystem::create_directories(layout.root + "/views", ec);
    if (ec)
        return Status::internal("cannot create directories under " + layout.root + ": " + ec.message());
    state::StoreOptions storeOptions;
    if (m_options.replication) {
        KAPPA_ASSIGN_OR_RETURN(storeOptions.changelog,
                               m_options.replication->changelogFor(spec, m_partitions));
    }
    KAPPA_ASSIGN_OR_RETURN(job->store,
                           state::StateStore::open(layout.stateDir(spec.job, spec.version), storeOptions));
    pipelines::JobEnvironment env;
    env.log = &m_log;
    env.codec = m_codec.get();
    env.store = job->store;
    env.sourceTopic = m_options.sourceTopic;
    env.sourcePartitions = m_partitions;
    env.partitions = m_options.partitions;
    env.clock = m_options.runtime.clock;
    env.options = m_options.tasks;
    const std::vector<PartitionId> owned = pipelines::ownedPartitions(env);
    if (spec.job == "business_metrics") { // before the restore, which may need the view's rows
        KAPPA_ASSIGN_OR_RETURN(job->metricsView,
                               views::MetricsView::open(layout.metricsViewPath(spec.job, spec.version)));
    }
    std::vector<state::TaskId> takenOver; // tasks whose state another process wrote
    if (m_options.replication) {
        if (job->metricsView)
            KAPPA_RETURN_IF_ERROR(
                keepMetricsRowsFromView(*job->store, *job->metricsView, ownedTasks(spec, owned)));
        KAPPA_ASSIGN_OR_RETURN(takenOver, m_options.replication->restore(spec, *job->store, owned));
    }
    for (const std::string &topic : pipelines::internalTopics(spec))
        KAPPA_RETURN_IF_ERROR(
            m_log.createTopic(topic, TopicConfig{m_partitions}).withContext("internal topic"));

    pipelines::JobSinks sinks;
    if (spec.job == "user_features") {
        KAPPA_ASSIGN_OR_RETURN(job->keyValueView,
                               views::KeyValueView::open(layout.keyValueViewDir(spec.job, spec.version)));
        job->featureSink = std::make_unique<KeyValueRowSink>(*job->keyValueView);
        sinks.features = job->featureSink.get();
    } else if (spec.job == "business_metrics") {
        job->metricsSink = std::make_unique<MetricsViewSink>(*job->metricsView);
        sinks.metrics = job->metricsSink.get();
    } else if (spec.job == "fraud") {
        job->cards = std::make_unique<views::ScoreCache>();
        job->merchants = std::make_unique<views::ScoreCache>();
        const auto &params = std::get<pipelines::FraudParams>(spec.params);
        KAPPA_RETURN_IF_ERROR(
            loadScores<pipelines::CardAggregate>(*job->store, owned, pipelines::kFraudCardStage,
                                                 pipelines::kCardTable, *job->cards,
                                                 [&](std::int64_t id, const pipelines::CardAggregate &card) {
                                                     return card.row(id, params).toJson(params);
                                                 }));
        KAPPA_RETURN_IF_ERROR(
            loadScores<pipelines::MerchantAggregate>(*job->store, owned, pipelines::kFraudMerchantStage,
                                                     pipelines::kMerchantTable, *job->merchants,
                                                     [](std::int64_t id,
                                                        const pipelines::MerchantAggregate &merchant) {
                                                         return merchant.row(id).toJson();
                                                     }));
        job->cardSink = std::make_unique<ScoreRowSink>(*job->cards);
        job->merchantSink = std::make_unique<ScoreRowSink>(*job->merchants);
        sinks.cards = job->cardSink.get();
        sinks.merchants = job->merchantSink.get();
    }

    if (!takenOver.empty() && sinks.features)
        KAPPA_RETURN_IF_ERROR(rebuildFeatureRows(*job->store, spec, takenOver, *sinks.features));
    if (!takenOver.empty() && sinks.metrics)
        KAPPA_RETURN_IF_ERROR(rebuildMetricsRows(*job->store, takenOver, *sinks.metrics));
    KAPPA_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<runtime::Task>> tasks,
                           pipelines::makeJobTasks(spec, env, sinks));
    job->firstTask = 0;
    for (const auto &other : m_jobs)
        job->firstTask += other->stages.size();
    for (auto &task : tasks) {
        job->stages.push_back(task->stage());
        m_runtime->addTask(std::move(task));
    }
    m_runtime->addStateStore(runtime::stateRowName(spec.job + "@" + spec.version), job->store);
    job->definition = std::move(definition);
    m_jobs.push_back(std::move(job));
    return Status::ok();
}

Status Engine::start()
{
    return m_runtime->start();
}

Status Engine::runUntilCaughtUp()
{
    return m_runtime->runUntilCaughtUp();
}

Status Engine::stop()
{
    Status stopped = m_runtime->stop();
    for (const auto &job : m_jobs)
        if (stopped.isOk())
            stopped = job->store->flush();
    return stopped;
}

void Engine::requestStop()
{
    m_runtime->requestStop();
}

Status Engine::health() const
{
    return m_runtime->health();
}

std::vector<JobReport> Engine::report() const
{
    return figures().reports;
}

std::vector<TaskFigures> Engine::taskFigures() const
{
    return labelled(m_runtime->metrics());
}

Engine::Figures Engine::figures() const
{
    const std::vector<runtime::TaskMetricsSnapshot> tasks = m_runtime->metrics();
    Figures out;
    for (const auto &job : m_jobs) {
        const pipelines::JobSpec &spec = job->definition.spec;
        const int viewStage = spec.job == "fraud" ? pipelines::kFraudCardStage : 0;
        const std::span<const runtime::TaskMetricsSnapshot> own(tasks.data() + job->firstTask,
                                                                job->stages.size());
        JobReport report = summarize(spec.job, spec.version, own, job->stages, viewStage);
        if (Result<state::StoreSize> size = job->store->size(); size.isOk()) {
            report.stateBytes = size->bytes();
            report.stateKeys = size->estimatedKeys;
        }
        out.reports.push_back(std::move(report));
    }
    out.tasks = labelled(tasks);
    return out;
}

std::vector<TaskFigures> Engine::labelled(std::vector<runtime::TaskMetricsSnapshot> tasks) const
{
    std::vector<TaskFigures> figures;
    figures.reserve(tasks.size());
    for (const auto &job : m_jobs) {
        const pipelines::JobSpec &spec = job->definition.spec;
        for (std::size_t i = 0; i < job->stages.size(); ++i)
            figures.push_back({spec.job, spec.version,
                               std::string(pipelines::stageName(spec.job, job->stages[i])),
                               std::move(tasks[job->firstTask + i])});
    }
    return figures;
}

const runtime::MetricsHistory &Engine::history() const
{
    return m_runtime->history();
}

std::vector<JobVersionName> Engine::versions() const
{
    std::vector<JobVersionName> names;
    for (const auto &job : m_jobs)
        names.push_back({job->definition.spec.job, job->definition.spec.version});
    return names;
}

const views::KeyValueView *Engine::featureView(const std::string &version) const
{
    const RunningJob *running = find("user_features", version);
    return running ? running->keyValueView.get() : nullptr;
}

const Engine::RunningJob *Engine::find(const std::string &job, const std::string &version) const
{
    for (const auto &running : m_jobs)
        if (running->definition.spec.job == job && running->definition.spec.version == version)
            return running.get();
    return nullptr;
}

const views::ScoreCache *Engine::cardScores(const std::string &job, const std::string &version) const
{
    const RunningJob *running = find(job, version);
    return running ? running->cards.get() : nullptr;
}

const views::ScoreCache *Engine::merchantScores(const std::string &job, const std::string &version) const
{
    const RunningJob *running = find(job, version);
    return running ? running->merchants.get() : nullptr;
}

} // namespace kappa::jobs
