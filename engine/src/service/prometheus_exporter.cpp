#include "service/prometheus_exporter.h"

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>
#include <prometheus/text_serializer.h>

#include <optional>
#include <sstream>
#include <utility>
#include <vector>

namespace kappa::service {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using Labels = std::vector<ClientMetric::Label>;
using runtime::TaskMetricsSnapshot;

// The job's name goes into `pipeline`, not `job`: Prometheus sets `job` itself
// on every scraped series (the scrape config's job_name), and with the default
// honor_labels=false an exposed `job` label would be renamed `exported_job`,
// which breaks every query and dashboard written against it.
constexpr const char *kPipelineLabel = "pipeline";

Labels taskLabels(const ExportedTask &task)
{
    return {{kPipelineLabel, task.job},
            {"version", task.version},
            {"stage", task.stage},
            {"partition", std::to_string(task.metrics.partition.value())}};
}

Labels jobLabels(const ExportedJob &job)
{
    return {{kPipelineLabel, job.job}, {"version", job.version}};
}

MetricFamily makeFamily(const char *name, const char *help, MetricType type)
{
    MetricFamily family;
    family.name = name;
    family.help = help;
    family.type = type;
    return family;
}

void addSample(MetricFamily &family, Labels labels, double value)
{
    ClientMetric metric;
    metric.label = std::move(labels);
    if (family.type == MetricType::Counter)
        metric.counter.value = value;
    else
        metric.gauge.value = value;
    family.metric.push_back(std::move(metric));
}

void addHistogram(MetricFamily &family, Labels labels, const metrics::PrometheusHistogram &histogram)
{
    ClientMetric metric;
    metric.label = std::move(labels);
    metric.histogram.sample_count = histogram.sampleCount;
    metric.histogram.sample_sum = histogram.sampleSumSeconds;
    // toPrometheus already ends with the +Inf bucket (== sampleCount), as the
    // format requires; TextSerializer writes the buckets as given.
    for (const metrics::PrometheusHistogram::Bucket &bucket : histogram.buckets)
        metric.histogram.bucket.push_back({bucket.cumulativeCount, bucket.upperBoundSeconds});
    family.metric.push_back(std::move(metric));
}

double seconds(std::int64_t millis)
{
    return static_cast<double>(millis) / 1000.0;
}

// A per-task number; nullopt leaves the task's series out rather than
// exporting a placeholder that would read as a real value.
struct TaskScalar
{
    const char *name;
    const char *help;
    MetricType type;
    std::optional<double> (*value)(const TaskMetricsSnapshot &);
};

// Checkpoint durations: TaskMetricsSnapshot holds only DurationHistory::Stats
// over a bounded window of recent checkpoints, not cumulative bucket counts,
// so a true histogram (whose buckets and _sum must only ever grow) cannot be
// built from it. The last duration and the recent p99 are exported as gauges.
constexpr TaskScalar kTaskScalars[] = {
    {"kappa_consumer_lag_records", "Records in the task's input partition not yet read.", MetricType::Gauge,
     [](const TaskMetricsSnapshot &m) -> std::optional<double> { return double(m.lagRecords); }},
    {"kappa_consumer_lag_seconds",
     "Age of the oldest record in the task's input not yet processed; 0 when caught up.", MetricType::Gauge,
     [](const TaskMetricsSnapshot &m) -> std::optional<double> { return m.lagSeconds; }},
    {"kappa_events_processed_total", "Records the task has read from its input.", MetricType::Counter,
     [](const TaskMetricsSnapshot &m) -> std::optional<double> { return double(m.recordsRead); }},
    {"kappa_events_skipped_total", "Undecodable source records counted and skipped.", MetricType::Counter,
     [](const TaskMetricsSnapshot &m) -> std::optional<double> { return double(m.recordsSkipped); }},
    {"kappa_late_events_dropped_total", "Events dropped for arriving beyond the allowed lateness.",
     MetricType::Counter,
     [](const TaskMetricsSnapshot &m) -> std::optional<double> { return double(m.lateDropped); }},
    {"kappa_input_rate_events_per_second", "Records arriving in the task's input, over the last 10 s.",
     MetricType::Gauge,
     [](const TaskMetricsSnapshot &m) -> std::optional<double> { return m.inputRatePerSecond; }},
    {"kappa_processing_rate_events_per_second", "Records the task consumed, over the last 10 s.",
     MetricType::Gauge,
     [](const TaskMetricsSnapshot &m) -> std::optional<double> { return m.processingRatePerSecond; }},
    // 0 means "no event yet", which as a timestamp would read as 1970.
    {"kappa_watermark_seconds", "The task's event-time watermark, in seconds since the Unix epoch.",
     MetricType::Gauge,
     [](const TaskMetricsSnapshot &m) -> std::optional<double> {
         if (m.watermarkMs <= 0)
             return std::nullopt;
         return seconds(m.watermarkMs);
     }},
    {"kappa_caught_up", "1 when the task has read everything in its input, else 0.", MetricType::Gauge,
     [](const TaskMetricsSnapshot &m) -> std::optional<double> { return m.caughtUp ? 1.0 : 0.0; }},
    {"kappa_checkpoints_total", "Checkpoints the task has taken.", MetricType::Counter,
     [](const TaskMetricsSnapshot &m) -> std::optional<double> { return double(m.checkpoints); }},
    {"kappa_checkpoint_last_duration_seconds", "Duration of the task's most recent checkpoint.",
     MetricType::Gauge,
     [](const TaskMetricsSnapshot &m) -> std::optional<double> {
         if (m.checkpointMillis.count == 0)
             return std::nullopt;
         return seconds(m.checkpointMillis.lastMillis);
     }},
    {"kappa_checkpoint_duration_p99_seconds",
     "99th percentile (nearest rank) of the task's recent checkpoint durations.", MetricType::Gauge,
     [](const TaskMetricsSnapshot &m) -> std::optional<double> {
         if (m.checkpointMillis.count == 0)
             return std::nullopt;
         return seconds(m.checkpointMillis.p99Millis);
     }},
};

void appendTaskFamilies(std::vector<MetricFamily> &out, std::span<const ExportedTask> tasks)
{
    for (const TaskScalar &scalar : kTaskScalars) {
        MetricFamily family = makeFamily(scalar.name, scalar.help, scalar.type);
        for (const ExportedTask &task : tasks) {
            if (const std::optional<double> value = scalar.value(task.metrics))
                addSample(family, taskLabels(task), *value);
        }
        out.push_back(std::move(family));
    }

    MetricFamily latency = makeFamily("kappa_end_to_end_latency_seconds",
                                      "Time from a record's append to the log until the view rows it "
                                      "produced are visible.",
                                      MetricType::Histogram);
    for (const ExportedTask &task : tasks) {
        // Fails only for invalid bounds, and the default bounds are valid; a
        // task whose export failed is left out rather than the whole scrape.
        const Result<metrics::PrometheusHistogram> histogram = task.metrics.latencyMicros.toPrometheus();
        if (histogram.isOk())
            addHistogram(latency, taskLabels(task), *histogram);
    }
    out.push_back(std::move(latency));

    MetricFamily checkpoints = makeFamily("kappa_checkpoint_duration_seconds",
                                          "Duration of the task's checkpoints since it started.",
                                          MetricType::Histogram);
    for (const ExportedTask &task : tasks) {
        const Result<metrics::PrometheusHistogram> histogram = task.metrics.checkpointMicros.toPrometheus();
        if (histogram.isOk())
            addHistogram(checkpoints, taskLabels(task), *histogram);
    }
    out.push_back(std::move(checkpoints));
}

void appendJobFamilies(std::vector<MetricFamily> &out, std::span<const ExportedJob> jobs)
{
    MetricFamily bytes = makeFamily("kappa_state_size_bytes", "Size of the job version's state store.",
                                    MetricType::Gauge);
    MetricFamily keys = makeFamily("kappa_state_keys", "Keys in the job version's state store.",
                                   MetricType::Gauge);
    MetricFamily live = makeFamily("kappa_job_live",
                                   "1 for the job version the job's alias points to, else 0; "
                                   "the state label is its lifecycle state.",
                                   MetricType::Gauge);
    for (const ExportedJob &job : jobs) {
        addSample(bytes, jobLabels(job), double(job.stateBytes));
        addSample(keys, jobLabels(job), double(job.stateKeys));
        Labels liveLabels = jobLabels(job);
        liveLabels.push_back({"state", job.state});
        addSample(live, std::move(liveLabels), job.live ? 1.0 : 0.0);
    }
    out.push_back(std::move(bytes));
    out.push_back(std::move(keys));
    out.push_back(std::move(live));
}

void appendServiceFamilies(std::vector<MetricFamily> &out, const ExportedService &service)
{
    MetricFamily uptime = makeFamily("kappa_uptime_seconds", "Time since kappad started.", MetricType::Gauge);
    addSample(uptime, {}, service.uptimeSeconds);
    out.push_back(std::move(uptime));

    MetricFamily requests = makeFamily("kappa_http_requests_total", "HTTP requests kappad has served.",
                                       MetricType::Counter);
    addSample(requests, {}, double(service.httpRequests));
    out.push_back(std::move(requests));

    if (service.demoRatePerSecond >= 0) {
        MetricFamily demo = makeFamily("kappa_demo_rate_events_per_second",
                                       "Events per second the demo producer is set to append.",
                                       MetricType::Gauge);
        addSample(demo, {}, service.demoRatePerSecond);
        out.push_back(std::move(demo));
    }
}

} // namespace

std::string renderPrometheus(std::span<const ExportedTask> tasks, std::span<const ExportedJob> jobs,
                             const ExportedService &service)
{
    std::vector<MetricFamily> families;
    appendTaskFamilies(families, tasks);
    appendJobFamilies(families, jobs);
    appendServiceFamilies(families, service);
    // A HELP/TYPE header without samples says nothing; leave such families out.
    std::erase_if(families, [](const MetricFamily &family) { return family.metric.empty(); });

    std::ostringstream text;
    prometheus::TextSerializer().Serialize(text, families);
    return text.str();
}

} // namespace kappa::service
