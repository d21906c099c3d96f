// JobReport: one job version's figures, summed over its tasks, for
// `kappactl run` and the service's summaries.
#pragma once

#include "metrics/histogram_snapshot.h"
#include "runtime/task_metrics.h"

#include <cstdint>
#include <span>
#include <string>

namespace kappa::jobs {

struct JobReport
{
    std::string job;
    std::string version;
    std::uint64_t events = 0;      // source records read (stage 0)
    std::uint64_t skipped = 0;     // undecodable source records
    std::uint64_t lateDropped = 0; // beyond the allowed lateness
    std::int64_t lagRecords = 0;   // summed over the tasks
    double lagSeconds = 0.0;       // the largest of the tasks
    std::uint64_t checkpoints = 0;
    double checkpointMeanMillis = 0.0;
    std::int64_t checkpointP99Millis = 0; // the largest task p99
    std::int64_t checkpointMaxMillis = 0;
    metrics::HistogramSnapshot latencyMicros; // append to view-visible, over the tasks that write views
    std::uint64_t stateBytes = 0;
    std::uint64_t stateKeys = 0;
};

// Sums the snapshots of one job version's tasks; `stages[i]` is task i's stage and
// `viewStage` the stage whose tasks make rows visible (their latency counts).
JobReport summarize(std::string job, std::string version, std::span<const runtime::TaskMetricsSnapshot> tasks,
                    std::span<const int> stages, int viewStage);

} // namespace kappa::jobs
