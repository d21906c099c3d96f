#include "jobs/run_report.h"

#include <algorithm>

namespace kappa::jobs {

JobReport summarize(std::string job, std::string version, std::span<const runtime::TaskMetricsSnapshot> tasks,
                    std::span<const int> stages, int viewStage)
{
    JobReport report;
    report.job = std::move(job);
    report.version = std::move(version);
    double checkpointMillisTotal = 0.0;
    std::size_t checkpointsHeld = 0; // the durations the tasks still hold, which their means cover
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        const runtime::TaskMetricsSnapshot &task = tasks[i];
        if (stages[i] == 0) {
            report.events += task.recordsRead;
            report.skipped += task.recordsSkipped;
        }
        if (stages[i] == viewStage)
            report.latencyMicros.merge(task.latencyMicros);
        report.lateDropped += task.lateDropped;
        report.lagRecords += task.lagRecords;
        report.lagSeconds = std::max(report.lagSeconds, task.lagSeconds);
        report.checkpoints += task.checkpoints;
        checkpointMillisTotal += task.checkpointMillis.meanMillis
                                 * static_cast<double>(task.checkpointMillis.count);
        checkpointsHeld += task.checkpointMillis.count;
        report.checkpointP99Millis = std::max(report.checkpointP99Millis, task.checkpointMillis.p99Millis);
        report.checkpointMaxMillis = std::max(report.checkpointMaxMillis, task.checkpointMillis.maxMillis);
    }
    report.checkpointMeanMillis = checkpointsHeld
                                      ? checkpointMillisTotal / static_cast<double>(checkpointsHeld)
                                      : 0.0;
    return report;
}

} // namespace kappa::jobs
