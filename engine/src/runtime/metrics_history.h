// MetricsHistory: the recent history of every task's key figures, for the
// service's history endpoint and the console's charts. The Runtime samples
// its tasks once per interval (default 1 s) into ring buffers (default one
// hour of samples per series).
//
// Threading: sample() from one thread (the runtime's sampler); everything
// else from any thread.
#pragma once

#include "metrics/histogram_snapshot.h"
#include "metrics/ring_series.h"
#include "runtime/task_metrics.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::runtime {

enum class TaskSeries {
    LagRecords,
    LagSeconds,
    InputRate,        // records/s arriving in the input
    ProcessingRate,   // records/s consumed
    CheckpointMillis, // the last checkpoint's duration
    LatencyP99Millis, // append to view-visible, p99 over the last interval (0 without records)
};
inline constexpr int kTaskSeriesCount = 6;

// "lag_records", "lag_seconds", "input_rate", "processing_rate", "checkpoint_ms", "latency_p99_ms".
std::string_view taskSeriesName(TaskSeries series);
std::optional<TaskSeries> parseTaskSeries(std::string_view name);

class MetricsHistory
{
public:
    explicit MetricsHistory(std::size_t capacity = 3600);

    void sample(WallTime now, const std::vector<TaskMetricsSnapshot> &tasks);

    // The samples of one task's series in [from, to]; empty for an unknown task.
    std::vector<metrics::Sample> range(const std::string &task, TaskSeries series, WallTime from,
                                       WallTime to) const;
    std::vector<std::string> tasks() const;

private:
    struct TaskHistory
    {
        explicit TaskHistory(std::size_t capacity);
        std::vector<std::unique_ptr<metrics::RingSeries>> series; // by TaskSeries (not movable: a mutex each)
        metrics::HistogramSnapshot lastLatency;                   // to take the last interval's share
    };

    const std::size_t m_capacity;
    mutable std::mutex m_mutex; // guards the map (the series lock themselves)
    std::map<std::string, std::unique_ptr<TaskHistory>> m_tasks;
};

} // namespace kappa::runtime
