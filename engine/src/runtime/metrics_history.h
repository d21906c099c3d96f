// MetricsHistory: the recent history of every task's key figures, for the
// service's history endpoint and the console's charts. The Runtime samples
// its tasks once per interval (default 1 s) into ring buffers (default one
// hour of samples per series).
//
// Rows are tasks, plus one row per state store (stateRowName): a job
// version's tasks share one store, whose size RocksDB only estimates as a
// whole, so its series (state_bytes, state_keys) belong to no single task.
// A task row has no state series and a store row only those.
//
// Threading: sample() from one thread (the runtime's sampler); everything
// else from any thread.
#pragma once

#include "metrics/histogram_snapshot.h"
#include "metrics/ring_series.h"
#include "runtime/task_metrics.h"

#include <cstdint>
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
    StateBytes,       // a store row only: the store's estimated size (state::StoreSize::bytes())
    StateKeys,        // a store row only: its estimated number of keys
};
inline constexpr int kTaskSeriesCount = 8;

// "lag_records", "lag_seconds", "input_rate", "processing_rate", "checkpoint_ms", "latency_p99_ms",
// "state_bytes", "state_keys".
std::string_view taskSeriesName(TaskSeries series);
std::optional<TaskSeries> parseTaskSeries(std::string_view name);
// True for the series kept in store rows (StateBytes, StateKeys), not task rows.
bool isStateSeries(TaskSeries series);
// The row of a state store owned by `owner` (a job version, "fraud@v1"): "fraud@v1/state".
// No task has that name (task names end in a partition number).
std::string stateRowName(std::string_view owner);

class MetricsHistory
{
public:
    explicit MetricsHistory(std::size_t capacity = 3600);

    // Appends every task's task series.
    void sample(WallTime now, const std::vector<TaskMetricsSnapshot> &tasks);
    // Appends the state series of the store row `row` (see stateRowName).
    void sampleState(WallTime now, const std::string &row, std::uint64_t bytes, std::uint64_t keys);

    // The samples of one row's series in [from, to]; empty for an unknown row
    // or a series the row does not keep.
    std::vector<metrics::Sample> range(const std::string &task, TaskSeries series, WallTime from,
                                       WallTime to) const;
    // Every row's name, tasks and stores.
    std::vector<std::string> tasks() const;

private:
    struct TaskHistory
    {
        explicit TaskHistory(std::size_t capacity);
        std::vector<std::unique_ptr<metrics::RingSeries>> series; // by TaskSeries (not movable: a mutex each)
        metrics::HistogramSnapshot lastLatency;                   // to take the last interval's share
    };

    TaskHistory &row(const std::string &name);

    const std::size_t m_capacity;
    mutable std::mutex m_mutex; // guards the map (the series lock themselves)
    std::map<std::string, std::unique_ptr<TaskHistory>> m_tasks;
};

} // namespace kappa::runtime
