#include "runtime/task_metrics.h"

#include <algorithm>

namespace kappa::runtime {

TaskMetrics::TaskMetrics(std::string task, std::string topic, PartitionId partition)
    : m_task(std::move(task))
    , m_topic(std::move(topic))
    , m_partition(partition)
{}

void TaskMetrics::recordRead(WallTime now, std::size_t records, Offset position, Offset endOffset,
                             std::optional<WallTime> oldestUnprocessed)
{
    {
        std::lock_guard lock(m_mutex);
        m_position = position.value();
        m_endOffset = endOffset.value();
        m_oldestUnprocessed = oldestUnprocessed;
        m_recordsRead += records;
    }
    if (records > 0)
        m_processingRate.add(now, records);
    // What arrived since the last read; the backlog found at the first read is not arrival.
    if (m_lastEndOffset && endOffset.value() > *m_lastEndOffset)
        m_inputRate.add(now, static_cast<std::uint64_t>(endOffset.value() - *m_lastEndOffset));
    m_lastEndOffset = endOffset.value();
}

void TaskMetrics::recordVisible(WallTime now, WallTime appendTime, std::uint64_t count)
{
    // Clocks of different processes may disagree slightly; a negative latency is taken as 0.
    const std::int64_t micros = std::max<std::int64_t>(0, (now.value() - appendTime.value()) * 1000);
    m_latency.record(micros, count);
}

void TaskMetrics::recordCheckpoint(std::int64_t millis)
{
    m_checkpoints.add(millis);
    m_checkpointHistogram.record(millis * 1000, 1);
}

TaskMetricsSnapshot TaskMetrics::snapshot(WallTime now) const
{
    TaskMetricsSnapshot s;
    s.task = m_task;
    s.topic = m_topic;
    s.partition = m_partition;
    {
        std::lock_guard lock(m_mutex);
        s.position = m_position;
        s.endOffset = m_endOffset;
        s.recordsRead = m_recordsRead;
        s.lagRecords = std::max<std::int64_t>(0, m_endOffset - m_position);
        s.caughtUp = s.lagRecords == 0;
        if (m_oldestUnprocessed && !s.caughtUp)
            s.lagSeconds = std::max<double>(0.0, double(now.value() - m_oldestUnprocessed->value()) / 1000.0);
    }
    s.stalenessSeconds = s.lagSeconds;
    if (const std::int64_t held = m_oldestHeldMs.load(std::memory_order_relaxed); held > 0)
        s.stalenessSeconds = std::max(s.stalenessSeconds, double(now.value() - held) / 1000.0);
    s.recordsSkipped = m_skipped.load(std::memory_order_relaxed);
    s.lateDropped = m_lateDropped.load(std::memory_order_relaxed);
    s.watermarkMs = m_watermarkMs.load(std::memory_order_relaxed);
    s.inputRatePerSecond = m_inputRate.ratePerSecond(now, 10'000);
    s.processingRatePerSecond = m_processingRate.ratePerSecond(now, 10'000);
    s.checkpoints = m_checkpoints.totalCount();
    s.checkpointMillis = m_checkpoints.stats();
    s.checkpointMicros = m_checkpointHistogram.snapshot();
    s.latencyMicros = m_latency.snapshot();
    return s;
}

} // namespace kappa::runtime
