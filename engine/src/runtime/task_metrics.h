// TaskMetrics: what one task measures about itself, written by the task's
// thread and read by anyone (the runtime's summary, the service's API).
//
// Lag in seconds is (now - append time of the oldest unprocessed record), 0
// when caught up: how far the task's reading is behind, which a lag in
// records cannot say (a burst of a million records may be a second's work).
// Staleness also counts the records processed but held back for the task's
// next publish (see PublishPolicy): it says how stale the task's views are,
// and a read's max_staleness_ms is checked against it. The lag stays the
// consumer's own, for the replay throttle and the SLO, which a publish hold
// of a task catching up (about 2 s) would otherwise fill.
// End-to-end latency is measured from a record's append to the log to the
// moment the view writes its batch produced are visible, in microseconds.
//
// Threading: record*() from the task's thread only; snapshot() from any thread.
#pragma once

#include "kappa/types.h"
#include "metrics/duration_history.h"
#include "metrics/histogram_snapshot.h"
#include "metrics/latency_histogram.h"
#include "metrics/rate_meter.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace kappa::runtime {

struct TaskMetricsSnapshot
{
    std::string task;  // e.g. "fraud@v1/card/3"
    std::string topic; // the task's input
    PartitionId partition;
    std::int64_t position = 0;  // next offset to read
    std::int64_t endOffset = 0; // at the last read
    std::int64_t lagRecords = 0;
    double lagSeconds = 0.0;
    double stalenessSeconds = 0.0; // >= lagSeconds
    std::uint64_t recordsRead = 0;
    std::uint64_t recordsSkipped = 0;     // undecodable source records, counted and skipped
    std::uint64_t lateDropped = 0;        // events beyond the allowed lateness (business_metrics)
    double inputRatePerSecond = 0.0;      // records arriving in the input, over the last 10 s
    double processingRatePerSecond = 0.0; // records this task consumed, over the last 10 s
    std::int64_t watermarkMs = 0;         // 0 before the first event
    bool caughtUp = false;
    std::uint64_t checkpoints = 0;
    metrics::DurationHistory::Stats checkpointMillis; // over the recent checkpoints
    metrics::HistogramSnapshot checkpointMicros;      // every checkpoint since start (Prometheus)
    metrics::HistogramSnapshot latencyMicros;
};

class TaskMetrics
{
public:
    TaskMetrics(std::string task, std::string topic, PartitionId partition);

    // After each read: the position after it, the input's end offset, and the
    // append time of the oldest record not yet processed (none if caught up).
    void recordRead(WallTime now, std::size_t records, Offset position, Offset endOffset,
                    std::optional<WallTime> oldestUnprocessed);
    // After each batch and each publish: the append time of the oldest record
    // processed but not yet published (none: everything processed is out; a
    // time of 0 or less, a record without one, is not counted).
    void recordHeld(std::optional<WallTime> oldestHeld)
    {
        m_oldestHeldMs.store(oldestHeld ? oldestHeld->value() : 0, std::memory_order_relaxed);
    }
    void recordWatermark(std::int64_t watermarkMs)
    {
        m_watermarkMs.store(watermarkMs, std::memory_order_relaxed);
    }
    void recordSkipped(std::uint64_t n) { m_skipped.fetch_add(n, std::memory_order_relaxed); }
    void setLateDropped(std::uint64_t n) { m_lateDropped.store(n, std::memory_order_relaxed); }
    // `count` records appended at `appendTime` became visible in a view at `now`.
    void recordVisible(WallTime now, WallTime appendTime, std::uint64_t count);
    void recordCheckpoint(std::int64_t millis);

    TaskMetricsSnapshot snapshot(WallTime now) const;

private:
    const std::string m_task;
    const std::string m_topic;
    const PartitionId m_partition;

    mutable std::mutex m_mutex; // guards the read position fields
    std::int64_t m_position = 0;
    std::int64_t m_endOffset = 0;
    std::optional<WallTime> m_oldestUnprocessed;
    std::uint64_t m_recordsRead = 0;
    std::optional<std::int64_t> m_lastEndOffset; // task thread only: input growth between reads

    std::atomic<std::uint64_t> m_skipped{0};
    std::atomic<std::uint64_t> m_lateDropped{0};
    std::atomic<std::int64_t> m_watermarkMs{0};
    std::atomic<std::int64_t> m_oldestHeldMs{0}; // 0 or less: none held
    metrics::RateMeter m_inputRate;
    metrics::RateMeter m_processingRate;
    metrics::DurationHistory m_checkpoints{1000};
    metrics::LatencyHistogram m_checkpointHistogram;
    metrics::LatencyHistogram m_latency;
};

} // namespace kappa::runtime
