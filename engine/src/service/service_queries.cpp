// The Service's answers to the HTTP API: status, jobs, per-task metrics and
// their history, and view reads with their freshness.
#include "service/prometheus_exporter.h"
#include "service/service.h"

#include "base/murmur2.h"
#include "jobs/view_reader.h"
#include "kappa/catalog.h"
#include "kappa/local_log.h"
#include "pipelines/job_tasks.h"
#include "views/kv_view.h"
#include "views/score_cache.h"

#include <algorithm>
#include <limits>
#include <set>

namespace kappa::service {

namespace {

const char *const kKnownJobs[] = {"user_features", "fraud", "business_metrics"};
// How old the freshness a view answer reports, and the alias it read through, may be.
constexpr std::int64_t kServingTtlMs = 100;
// The stage of the history row of a version's state store.
constexpr const char *kStateStage = "state";
// The largest metrics answer: a day of one-minute windows for ~100 categories fits; a month does not.

double millis(std::int64_t micros)
{
    return static_cast<double>(micros) / 1000.0;
}

nlohmann::json latencyJson(const metrics::HistogramSnapshot &latency)
{
    return {{"count", latency.count()},
            {"p50", millis(latency.percentile(0.50))},
            {"p90", millis(latency.percentile(0.90))},
            {"p99", millis(latency.percentile(0.99))},
            {"p999", millis(latency.percentile(0.999))}};
}

// A version's latency as a coarse histogram for a chart with a log axis:
// every bucket of metrics::kLogScaleBoundsMicros, empty ones too (so that the
// shape never changes), with its own count, then the overflow beyond one hour
// with le_ms null.
Result<nlohmann::json> latencyHistogramJson(const metrics::HistogramSnapshot &latency)
{
    KAPPA_ASSIGN_OR_RETURN(const std::vector<metrics::CoarseBucket> coarse, latency.coarseBuckets());
    nlohmann::json buckets = nlohmann::json::array();
    for (const metrics::CoarseBucket &bucket : coarse)
        buckets.push_back({{"le_ms", bucket.upperBoundMicros ? nlohmann::json(millis(*bucket.upperBoundMicros))
                                                             : nlohmann::json()},
                           {"count", bucket.count}});
    return nlohmann::json{{"count", latency.count()},
                          {"p50", millis(latency.percentile(0.50))},
                          {"p99", millis(latency.percentile(0.99))},
                          {"buckets", std::move(buckets)}};
}

nlohmann::json taskJson(const jobs::TaskFigures &figures)
{
    const runtime::TaskMetricsSnapshot &m = figures.metrics;
    return {
        {"task", m.task},
        {"stage", figures.stage},
        {"topic", m.topic},
        {"partition", m.partition.value()},
        {"position", m.position},
        {"end_offset", m.endOffset},
        {"lag_records", m.lagRecords},
        {"lag_seconds", m.lagSeconds},
        {"input_rate", m.inputRatePerSecond},
        {"processing_rate", m.processingRatePerSecond},
        {"records_read", m.recordsRead},
        {"skipped", m.recordsSkipped},
        {"late_dropped", m.lateDropped},
        {"watermark_ms", m.watermarkMs},
        {"caught_up", m.caughtUp},
        {"checkpoints", m.checkpoints},
        {"checkpoint_ms",
         {{"last", m.checkpointMillis.lastMillis},
          {"mean", m.checkpointMillis.meanMillis},
          {"p50", m.checkpointMillis.p50Millis},
          {"p99", m.checkpointMillis.p99Millis},
          {"max", m.checkpointMillis.maxMillis}}},
        {"latency_ms", latencyJson(m.latencyMicros)},
    };
}

nlohmann::json reportJson(const jobs::JobReport &r, double inputRate, double processingRate)
{
    return {{"events", r.events},
            {"lag_records", r.lagRecords},
            {"lag_seconds", r.lagSeconds},
            {"input_rate", inputRate},
            {"processing_rate", processingRate},
            {"checkpoints", r.checkpoints},
            {"checkpoint_ms", {{"mean", r.checkpointMeanMillis}, {"p99", r.checkpointP99Millis}}},
            {"latency_ms", latencyJson(r.latencyMicros)},
            {"late_dropped", r.lateDropped},
            {"skipped", r.skipped},
            {"state_bytes", r.stateBytes},
            {"state_keys", r.stateKeys}};
}

// A job's SLOs as configured (ServiceConfig::validate makes sure every job has both).
nlohmann::json sloJson(const ServiceConfig &config, const std::string &job)
{
    const auto valueOf = [&](const std::map<std::string, double> &slos) {
        const auto found = slos.find(job);
        return found != slos.end() ? found->second : 0.0;
    };
    return {{"lag_seconds", valueOf(config.reprocessing.sloSeconds)},
            {"latency_p99_ms", valueOf(config.latencySloMillis)}};
}

// The history series, comma-separated, for an error message.
std::string seriesNames()
{
    std::string names;
    for (int i = 0; i < runtime::kTaskSeriesCount; ++i)
        names += (i ? ", " : "") + std::string(runtime::taskSeriesName(static_cast<runtime::TaskSeries>(i)));
    return names;
}

// Input and processing rates of a version: its source stage's, summed over partitions.
std::pair<double, double> sourceRates(const std::vector<jobs::TaskFigures> &tasks, const std::string &job,
                                      const std::string &version)
{
    double input = 0.0, processing = 0.0;
    for (const jobs::TaskFigures &t : tasks)
        if (t.job == job && t.version == version && t.metrics.topic == jobs::kEventsTopic) {
            input += t.metrics.inputRatePerSecond;
            processing += t.metrics.processingRatePerSecond;
        }
    return {input, processing};
}

} // namespace

jobs::Engine::Figures Service::allFigures() const
{
    jobs::Engine::Figures all;
    if (!m_fleet)
        return all;
    for (const reprocessing::RunningVersion &running : m_fleet->all()) {
        jobs::Engine::Figures one = running.engine->figures();
        std::move(one.tasks.begin(), one.tasks.end(), std::back_inserter(all.tasks));
        std::move(one.reports.begin(), one.reports.end(), std::back_inserter(all.reports));
    }
    return all;
}

std::shared_ptr<jobs::Engine> Service::engineOf(const std::string &job, const std::string &version) const
{
    if (!m_fleet)
        return nullptr;
    std::optional<reprocessing::RunningVersion> running = m_fleet->find(job, version);
    return running ? running->engine : nullptr;
}

Result<std::string> Service::runningVersion(const std::string &job,
                                            const std::optional<std::string> &version) const
{
    if (std::find(std::begin(kKnownJobs), std::end(kKnownJobs), job) == std::end(kKnownJobs))
        return Status::notFound("unknown job '" + job + "' (user_features, fraud, business_metrics)");
    refreshServingIfStale();
    std::string resolved;
    if (version) {
        resolved = *version;
    } else {
        std::shared_lock lock(m_freshnessMutex);
        const auto live = m_aliases.find(job);
        if (live == m_aliases.end())
            return Status::notFound("job '" + job + "' has no live version");
        resolved = live->second;
    }
    // Reads through the alias of a version being rebuilt go to the version the
    // operator chose; without one, and for reads of that very version, none.
    if (std::optional<std::string> servedBy = m_replays ? m_replays->rebuilding(job, resolved)
                                                        : std::nullopt) {
        if (servedBy->empty() || version)
            return Status::unavailable(
                job + "@" + resolved
                + " is being rebuilt from the log; its reads resume once it has caught up "
                  "(GET /api/v1/replays shows its progress)");
        resolved = *servedBy;
    }
    {
        std::shared_lock lock(m_freshnessMutex);
        if (m_freshness.count(job + "@" + resolved))
            return resolved;
    }
    if (m_fleet->find(job, resolved)) // running, on no partition of this instance (a cluster)
        return resolved;
    for (const reprocessing::MovingVersion &moving : m_fleet->moving())
        if (moving.name.job == job && moving.name.version == resolved)
            return Status::unavailable(
                job + "@" + resolved
                + " is moving to other partitions on this instance (a rebalance); try again");
    for (const reprocessing::RunningVersion &stranded : m_fleet->stranded())
        if (stranded.name.job == job && stranded.name.version == resolved)
            return Status::unavailable(job + "@" + resolved
                                       + " is not running here: " + stranded.failure.toString());
    return Status::notFound(job + "@" + resolved + " is not running in this kappad");
}

void Service::refreshFreshness() const
{
    std::map<std::string, ViewFreshness> fresh;
    for (const jobs::TaskFigures &t : allFigures().tasks) {
        ViewFreshness &view = fresh[t.job + "@" + t.version];
        view.job = t.job;
        view.version = t.version;
        view.lagSeconds = std::max(view.lagSeconds, t.metrics.stalenessSeconds); // held rows are missing too
        // The lowest watermark over the source partitions that have seen events.
        if (t.metrics.topic == jobs::kEventsTopic && t.metrics.watermarkMs > 0)
            view.asOfMs = view.asOfMs == 0 ? t.metrics.watermarkMs
                                           : std::min(view.asOfMs, t.metrics.watermarkMs);
    }
    std::map<std::string, std::string> aliases;
    for (const char *job : kKnownJobs)
        if (Result<std::optional<std::string>> live = m_catalog->alias(job); live.isOk() && *live)
            aliases[job] = **live;
    std::unique_lock lock(m_freshnessMutex);
    m_freshness = std::move(fresh);
    m_aliases = std::move(aliases);
}

void Service::refreshServingIfStale() const
{
    const std::int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count();
    const std::int64_t at = m_freshnessAtMs.load(std::memory_order_acquire);
    if ((at == 0 || nowMs - at >= kServingTtlMs) && !m_refreshing.test_and_set(std::memory_order_acq_rel)) {
        refreshFreshness();
        m_freshnessAtMs.store(nowMs, std::memory_order_release);
        m_refreshing.clear(std::memory_order_release);
    }
}

ViewFreshness Service::freshness(const std::string &job, const std::string &version) const
{
    refreshServingIfStale();
    std::shared_lock lock(m_freshnessMutex);
    const auto found = m_freshness.find(job + "@" + version);
    ViewFreshness fresh = found != m_freshness.end() ? found->second
                                                     : ViewFreshness{job, version, 0, 0.0, ""};
    fresh.servedBy = instanceId();
    return fresh;
}

Result<std::optional<ClusterPeer>> Service::ownerOfUser(std::int64_t userId) const
{
    if (!m_cluster)
        return std::optional<ClusterPeer>();
    // The events topic is keyed by the user id in decimal (kappa::eventKey).
    return m_cluster->ownerOf(
        PartitionId(base::partitionForKey(std::to_string(userId), m_cluster->partitionCount())));
}

Result<std::optional<ClusterPeer>> Service::leader() const
{
    if (!m_cluster)
        return std::optional<ClusterPeer>();
    const Status taking = Status::unavailable(
        "this instance is taking the lead of the cluster (reading the shared catalog); try again");
    if (m_cluster->leads())
        return m_clusterControl && m_clusterControl->leads()
                   ? Result<std::optional<ClusterPeer>>(std::nullopt)
                   : Result<std::optional<ClusterPeer>>(taking);
    KAPPA_ASSIGN_OR_RETURN(std::optional<ClusterPeer> leader, m_cluster->leader());
    if (!leader) // partition 0 came here meanwhile
        return taking;
    return leader;
}

std::shared_lock<std::shared_mutex> Service::leadLease() const
{
    if (!m_clusterControl)
        return {};
    return m_clusterControl->leadLease();
}

Status Service::publishCatalog()
{
    if (!m_catalogReplication)
        return Status::ok();
    return m_catalogReplication->publish().status().withContext(
        "done on this instance, but not shared with the cluster");
}

Result<std::vector<ClusterPeer>> Service::metricsPeers() const
{
    if (!m_cluster)
        return std::vector<ClusterPeer>();
    return m_cluster->peers();
}

Result<std::optional<ClusterPeer>> Service::ownerOfCard(std::int64_t cardId) const
{
    if (!m_cluster)
        return std::optional<ClusterPeer>();
    // A card's row is computed by the card task of its partition of the by-card rekey topic.
    return m_cluster->ownerOf(
        PartitionId(base::partitionForKey(pipelines::rekeyKey(cardId), m_cluster->partitionCount())));
}

nlohmann::json Service::status() const
{
    std::int64_t endOffsets = 0;
    std::int32_t partitions = 0;
    if (Result<TopicConfig> topic = m_log->describeTopic(jobs::kEventsTopic); topic.isOk()) {
        partitions = topic->partitions;
        for (std::int32_t p = 0; p < partitions; ++p)
            if (Result<PartitionInfo> info = m_log->partitionInfo(jobs::kEventsTopic, PartitionId(p));
                info.isOk())
                endOffsets += info->endOffset.value();
    }
    const Status health = this->health();
    nlohmann::json out = {
        {"service", "kappad"},
        {"ready", ready()},
        {"health", health.isOk() ? nlohmann::json("ok") : nlohmann::json(health.toString())},
        {"uptime_seconds",
         std::chrono::duration<double>(std::chrono::steady_clock::now() - m_startedAt).count()},
        {"data_dir", m_config.dataDir},
        {"events_topic",
         {{"name", jobs::kEventsTopic}, {"partitions", partitions}, {"end_offsets_total", endOffsets}}},
        {"requests_total", m_requests.load(std::memory_order_relaxed)},
        {"demo", nullptr},
    };
    if (m_producer)
        out["demo"] = {{"rate", m_producer->rate()}, {"produced", m_producer->produced()}};
    return out;
}

Result<nlohmann::json> Service::jobs() const
{
    const auto [tasks, reports] = allFigures();
    const std::vector<reprocessing::MovingVersion> moving = m_fleet->moving();
    const std::optional<std::vector<PartitionId>> owned = m_fleet->partitions();
    const auto partitionsJson = [](const std::vector<PartitionId> &partitions) {
        nlohmann::json list = nlohmann::json::array();
        for (PartitionId p : partitions)
            list.push_back(p.value());
        return list;
    };
    nlohmann::json out = nlohmann::json::array();
    for (const char *job : kKnownJobs) {
        KAPPA_ASSIGN_OR_RETURN(std::vector<JobVersionInfo> versions, m_catalog->jobVersions(job));
        KAPPA_ASSIGN_OR_RETURN(std::optional<std::string> live, m_catalog->alias(job));
        nlohmann::json entry = {{"job", job},
                                {"live_version", live ? nlohmann::json(*live) : nlohmann::json()},
                                {"slo", sloJson(m_config, job)},
                                {"versions", nlohmann::json::array()}};
        for (const JobVersionInfo &v : versions) {
            nlohmann::json version = {{"version", v.version},      {"state", versionStateName(v.state)},
                                      {"live", live == v.version}, {"created_ms", v.createdAt.value()},
                                      {"created_by", v.createdBy}, {"running", false}};
            for (const jobs::JobReport &r : reports)
                if (r.job == v.job && r.version == v.version) {
                    const auto [input, processing] = sourceRates(tasks, r.job, r.version);
                    version["running"] = true;
                    version["figures"] = reportJson(r, input, processing);
                    if (owned)
                        version["partitions"] = partitionsJson(*owned);
                }
            for (const reprocessing::MovingVersion &m : moving)
                if (m.name.job == v.job && m.name.version == v.version)
                    version["restoring"] = {{"partitions", partitionsJson(m.partitions)},
                                            {"since_ms", m.sinceMs}};
            entry["versions"].push_back(std::move(version));
        }
        out.push_back(std::move(entry));
    }
    return out;
}

Result<nlohmann::json> Service::versionMetrics(const std::string &job, const std::string &version) const
{
    KAPPA_RETURN_IF_ERROR(runningVersion(job, version).status());
    const std::shared_ptr<jobs::Engine> engine = engineOf(job, version);
    const jobs::Engine::Figures figures = engine ? engine->figures() : jobs::Engine::Figures();
    nlohmann::json tasks = nlohmann::json::array();
    for (const jobs::TaskFigures &t : figures.tasks)
        if (t.job == job && t.version == version)
            tasks.push_back(taskJson(t));
    // The version report's histogram: the tasks that make rows visible merged
    // over the same span as the figures' latency_ms, so the percentiles agree.
    metrics::HistogramSnapshot latency;
    for (const jobs::JobReport &r : figures.reports)
        if (r.job == job && r.version == version)
            latency = r.latencyMicros;
    KAPPA_ASSIGN_OR_RETURN(nlohmann::json histogram, latencyHistogramJson(latency));
    return nlohmann::json{{"job", job},
                          {"version", version},
                          {"tasks", std::move(tasks)},
                          {"latency_histogram", std::move(histogram)}};
}

Result<nlohmann::json> Service::history(const std::string &job, const std::string &version,
                                        const std::string &seriesName, std::int64_t fromMs,
                                        std::int64_t toMs) const
{
    KAPPA_RETURN_IF_ERROR(runningVersion(job, version).status());
    std::optional<runtime::TaskSeries> series = runtime::parseTaskSeries(seriesName);
    if (!series)
        return Status::invalidArgument("unknown series '" + seriesName + "' (" + seriesNames() + ")");
    if (fromMs > toMs)
        return Status::invalidArgument("from_ms must not be after to_ms");
    const std::shared_ptr<jobs::Engine> engine = engineOf(job, version);
    if (!engine)
        return Status::notFound(job + "@" + version + " is not running in this kappad");
    const auto samplesOf = [&](const std::string &row) {
        nlohmann::json samples = nlohmann::json::array();
        for (const metrics::Sample &s :
             engine->history().range(row, *series, WallTime(fromMs), WallTime(toMs)))
            samples.push_back({s.time.value(), s.value});
        return samples;
    };
    nlohmann::json tasks = nlohmann::json::array();
    if (runtime::isStateSeries(*series)) {
        // The version's tasks share one state store: one row, without a partition.
        const std::string row = runtime::stateRowName(job + "@" + version);
        tasks.push_back({{"task", row}, {"stage", kStateStage}, {"samples", samplesOf(row)}});
    } else {
        for (const jobs::TaskFigures &t : engine->taskFigures())
            if (t.job == job && t.version == version)
                tasks.push_back({{"task", t.metrics.task},
                                 {"stage", t.stage},
                                 {"partition", t.metrics.partition.value()},
                                 {"samples", samplesOf(t.metrics.task)}});
    }
    return nlohmann::json{{"job", job},        {"version", version}, {"series", seriesName},
                          {"from_ms", fromMs}, {"to_ms", toMs},      {"tasks", std::move(tasks)}};
}

Result<ViewAnswer> Service::features(std::int64_t userId, const std::optional<std::string> &version) const
{
    KAPPA_ASSIGN_OR_RETURN(std::string resolved, runningVersion("user_features", version));
    const std::shared_ptr<jobs::Engine> engine = engineOf("user_features", resolved);
    const views::KeyValueView *view = engine ? engine->featureView(resolved) : nullptr;
    if (!view)
        return Status::notFound("user_features@" + resolved + " has no view in this kappad");
    KAPPA_ASSIGN_OR_RETURN(std::optional<views::ViewRow> row, view->get(pipelines::entityKey(userId)));
    if (!row)
        return Status::notFound("no features for user " + std::to_string(userId) + " in user_features@"
                                + resolved);
    return ViewAnswer{freshness("user_features", resolved), std::move(row->row)};
}

Result<ViewAnswer> Service::fraudCard(std::int64_t cardId, const std::optional<std::string> &version) const
{
    KAPPA_ASSIGN_OR_RETURN(std::string resolved, runningVersion("fraud", version));
    const std::shared_ptr<jobs::Engine> engine = engineOf("fraud", resolved);
    const views::ScoreCache *cards = engine ? engine->cardScores("fraud", resolved) : nullptr;
    if (!cards)
        return Status::notFound("fraud@" + resolved + " has no score view in this kappad");
    std::optional<views::ScoreRow> row = cards->get(cardId);
    if (!row)
        return Status::notFound("no fraud score for card " + std::to_string(cardId) + " in fraud@" + resolved);
    return ViewAnswer{freshness("fraud", resolved), std::move(row->row)};
}

Result<ViewAnswer> Service::metrics(std::int64_t fromMs, std::int64_t toMs,
                                    std::optional<std::int32_t> category,
                                    const std::optional<std::string> &version) const
{
    KAPPA_ASSIGN_OR_RETURN(std::string resolved, runningVersion("business_metrics", version));
    if (fromMs >= toMs)
        return Status::invalidArgument("from_ms must be before to_ms");
    KAPPA_ASSIGN_OR_RETURN(TopicConfig topic, m_log->describeTopic(jobs::kEventsTopic));
    const jobs::ViewReader reader(jobs::DataLayout{m_config.dataDir}, *m_catalog, topic.partitions);
    jobs::MetricsSelection selection;
    selection.fromMs = fromMs;
    selection.toMs = toMs;
    selection.categoryId = category;
    if (m_cluster) // the partials of partitions it no longer owns are stale here: the owner answers for them
        selection.sourcePartitions = m_cluster->partitions();
    // One row more than the limit tells that the answer would be too large.
    KAPPA_ASSIGN_OR_RETURN(std::vector<jobs::MetricsRecord> records,
                           reader.metrics(selection, resolved, kMaxMetricsRows + 1));
    if (records.size() > kMaxMetricsRows)
        return Status::resourceExhausted(
            "more than " + std::to_string(kMaxMetricsRows)
            + " metrics rows in the range: narrow from_ms..to_ms or pick a category");
    std::string rows = "[";
    for (const jobs::MetricsRecord &record : records)
        rows += (rows.size() > 1 ? "," : "") + record.toJson();
    rows += "]";
    return ViewAnswer{freshness("business_metrics", resolved), std::move(rows)};
}

nlohmann::json Service::metricsSnapshot() const
{
    const auto [tasks, reports] = allFigures();
    nlohmann::json versions = nlohmann::json::array();
    for (const jobs::JobReport &r : reports) {
        const auto [input, processing] = sourceRates(tasks, r.job, r.version);
        nlohmann::json figures = reportJson(r, input, processing);
        figures["job"] = r.job;
        figures["version"] = r.version;
        versions.push_back(std::move(figures));
    }
    nlohmann::json partitions = nlohmann::json::array();
    for (const jobs::TaskFigures &t : tasks)
        partitions.push_back({{"task", t.metrics.task},
                              {"position", t.metrics.position},
                              {"lag_records", t.metrics.lagRecords},
                              {"lag_seconds", t.metrics.lagSeconds},
                              {"processing_rate", t.metrics.processingRatePerSecond}});
    return {{"ts_ms", Clock::system().now().value()},
            {"versions", std::move(versions)},
            {"tasks", std::move(partitions)}};
}

std::string Service::prometheus() const
{
    const auto [tasks, reports] = allFigures();
    std::vector<ExportedJob> versions;
    for (const jobs::JobReport &r : reports) {
        ExportedJob job;
        job.job = r.job;
        job.version = r.version;
        job.stateBytes = r.stateBytes;
        job.stateKeys = r.stateKeys;
        if (Result<JobVersionInfo> info = m_catalog->jobVersion(r.job, r.version); info.isOk())
            job.state = std::string(versionStateName(info->state));
        if (Result<std::optional<std::string>> live = m_catalog->alias(r.job); live.isOk())
            job.live = *live == r.version;
        versions.push_back(std::move(job));
    }
    ExportedService service;
    service.uptimeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_startedAt)
                                .count();
    service.httpRequests = m_requests.load(std::memory_order_relaxed);
    service.demoRatePerSecond = m_producer ? m_producer->rate() : -1.0;
    return renderPrometheus(tasks, versions, service);
}

} // namespace kappa::service
