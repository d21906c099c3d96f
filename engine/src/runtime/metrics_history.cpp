#include "runtime/metrics_history.h"

#include <array>

namespace kappa::runtime {

namespace {

constexpr std::array<std::string_view, kTaskSeriesCount> kNames = {
    "lag_records",   "lag_seconds",    "input_rate",  "processing_rate",
    "checkpoint_ms", "latency_p99_ms", "state_bytes", "state_keys",
};
// The series of a task row: those before the state series.
constexpr std::size_t kTaskRowSeries = static_cast<std::size_t>(TaskSeries::StateBytes);

} // namespace

std::string_view taskSeriesName(TaskSeries series)
{
    return kNames[static_cast<std::size_t>(series)];
}

std::optional<TaskSeries> parseTaskSeries(std::string_view name)
{
    for (std::size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == name)
            return static_cast<TaskSeries>(i);
    return std::nullopt;
}

bool isStateSeries(TaskSeries series)
{
    return series == TaskSeries::StateBytes || series == TaskSeries::StateKeys;
}

std::string stateRowName(std::string_view owner)
{
    return std::string(owner) + "/state";
}

MetricsHistory::TaskHistory::TaskHistory(std::size_t capacity)
{
    series.reserve(kTaskSeriesCount);
    for (int i = 0; i < kTaskSeriesCount; ++i)
        series.push_back(std::make_unique<metrics::RingSeries>(capacity));
}

MetricsHistory::MetricsHistory(std::size_t capacity)
    : m_capacity(capacity)
{}

MetricsHistory::TaskHistory &MetricsHistory::row(const std::string &name)
{
    std::lock_guard lock(m_mutex);
    auto &slot = m_tasks[name];
    if (!slot)
        slot = std::make_unique<TaskHistory>(m_capacity);
    return *slot;
}

void MetricsHistory::sample(WallTime now, const std::vector<TaskMetricsSnapshot> &tasks)
{
    for (const TaskMetricsSnapshot &task : tasks) {
        TaskHistory *history = &row(task.task);
        const metrics::HistogramSnapshot interval = task.latencyMicros.since(history->lastLatency);
        history->lastLatency = task.latencyMicros;
        // In TaskSeries order; the state series follow and stay empty in a task row.
        const std::array<double, kTaskRowSeries> values = {
            static_cast<double>(task.lagRecords),
            task.lagSeconds,
            task.inputRatePerSecond,
            task.processingRatePerSecond,
            static_cast<double>(task.checkpointMillis.lastMillis),
            static_cast<double>(interval.percentile(0.99)) / 1000.0,
        };
        // A wall clock stepping back makes append() refuse the sample: a gap, not an error.
        for (std::size_t i = 0; i < values.size(); ++i)
            (void) history->series[i]->append(now, values[i]);
    }
}

void MetricsHistory::sampleState(WallTime now, const std::string &name, std::uint64_t bytes,
                                 std::uint64_t keys)
{
    TaskHistory &history = row(name);
    metrics::RingSeries &bytesSeries = *history.series[static_cast<std::size_t>(TaskSeries::StateBytes)];
    metrics::RingSeries &keysSeries = *history.series[static_cast<std::size_t>(TaskSeries::StateKeys)];
    (void) bytesSeries.append(now, static_cast<double>(bytes));
    (void) keysSeries.append(now, static_cast<double>(keys));
}

std::vector<metrics::Sample> MetricsHistory::range(const std::string &task, TaskSeries series, WallTime from,
                                                   WallTime to) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_tasks.find(task);
    if (it == m_tasks.end())
        return {};
    return it->second->series[static_cast<std::size_t>(series)]->range(from, to);
}

std::vector<std::string> MetricsHistory::tasks() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::string> names;
    for (const auto &[name, history] : m_tasks)
        names.push_back(name);
    return names;
}

} // namespace kappa::runtime
