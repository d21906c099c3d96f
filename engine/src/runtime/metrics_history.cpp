#include "runtime/metrics_history.h"

#include <array>

namespace kappa::runtime {

namespace {

constexpr std::array<std::string_view, kTaskSeriesCount> kNames = {
    "lag_records", "lag_seconds", "input_rate", "processing_rate", "checkpoint_ms", "latency_p99_ms",
};

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

MetricsHistory::TaskHistory::TaskHistory(std::size_t capacity)
{
    series.reserve(kTaskSeriesCount);
    for (int i = 0; i < kTaskSeriesCount; ++i)
        series.push_back(std::make_unique<metrics::RingSeries>(capacity));
}

MetricsHistory::MetricsHistory(std::size_t capacity)
    : m_capacity(capacity)
{}

void MetricsHistory::sample(WallTime now, const std::vector<TaskMetricsSnapshot> &tasks)
{
    for (const TaskMetricsSnapshot &task : tasks) {
        TaskHistory *history = nullptr;
        {
            std::lock_guard lock(m_mutex);
            auto &slot = m_tasks[task.task];
            if (!slot)
                slot = std::make_unique<TaskHistory>(m_capacity);
            history = slot.get();
        }
        const metrics::HistogramSnapshot interval = task.latencyMicros.since(history->lastLatency);
        history->lastLatency = task.latencyMicros;
        const std::array<double, kTaskSeriesCount> values = {
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
