// One partition of a topic: its segments, its group-commit writer, its
// readers and its retention.
//
// Writing (group commit, after LevelDB's writer queue): append = enqueue()
// then waitDurable(). enqueue() assigns offsets and one append time and
// encodes the records into the partition's pending buffer, all under
// m_mutex, so offsets follow buffer order. waitDurable() makes the caller
// the sync leader if no sync is running: the leader swaps the pending buffer
// out, writes it with one write() per segment touched, fdatasyncs, publishes
// the new durable end and wakes the followers. Appends that arrive while the
// leader works wait in the next pending buffer and share the next sync. Only
// the leader touches segment files, so a WritableFile is never used by two
// threads at once (the FileSystem contract).
//
// Reading: readers never take m_mutex. They load m_durableEnd (acquire),
// look the segment and index entry up under the shared state lock, and read
// with positional reads bounded by the segment's durableSize, so they never
// see bytes that are not durable.
#pragma once

#include "log/log_context.h"
#include "log/segment.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

namespace kappa::log {

class PartitionLog
{
public:
    // Recovers the partition in `dir` (partition_recovery.cpp): see FORMAT.md
    // "Recovery". Creates the first segment if there is none (unless readOnly).
    static Result<std::unique_ptr<PartitionLog>> open(LogContext &context, const std::string &topic,
                                                      PartitionId id, const std::string &dir);
    ~PartitionLog();

    // Assigns offsets to `records` and queues them for the next group write;
    // returns the first offset. Nothing is durable yet: follow with waitDurable().
    Result<std::int64_t> enqueue(std::span<const Record> records);
    // Returns once every offset below `end` is durable, or the log's failure.
    // InvalidArgument if `end` lies beyond the offsets assigned so far.
    Status waitDurable(std::int64_t end);

    Status read(std::int64_t from, std::size_t maxBytes, RecordBatch &batch) const;
    Result<Offset> offsetForTime(std::int64_t t) const;
    PartitionInfo info() const;
    Status enforceRetention(std::int64_t now);

    // Closes the active segment's writer; no other call may run concurrently or follow.
    void close();

private:
    struct PendingBatch
    {
        std::size_t position; // in the pending buffer
        BatchHeader header;
    };

    PartitionLog(LogContext &context, std::string topic, PartitionId id, std::string dir);
    Status recover();
    Status recoverSegment(std::int64_t base, bool last, std::int64_t expectedBase);
    Status createSegment(std::int64_t base);
    void lingerForMoreAppends(std::unique_lock<std::mutex> &lock);
    Status writeAndSync();
    Status writeChunk(std::size_t from, std::size_t to, std::size_t firstBatch, std::size_t endBatch);
    Status roll();
    void publishDurable(Segment &segment);
    std::shared_ptr<Segment> segmentFor(std::int64_t offset) const;
    std::string name() const;
    Status belowStart(std::int64_t from, std::int64_t start) const;

    LogContext &m_context;
    const std::string m_topic;
    const PartitionId m_id;
    const std::string m_dir;

    // Sequencing, guarded by m_mutex: offsets, append times, the pending group, leadership.
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::int64_t m_nextOffset = 0;
    std::int64_t m_lastAppendTime = 0;
    std::string m_pending;
    std::vector<PendingBatch> m_pendingBatches;
    std::chrono::steady_clock::time_point m_firstPendingAt;
    bool m_leaderActive = false;

    // Owned by the sync leader (or by open/close).
    std::string m_writing;
    std::vector<PendingBatch> m_writingBatches;
    std::shared_ptr<Segment> m_active;

    // Segment list, and the index of the active segment, guarded by m_stateMutex.
    mutable std::shared_mutex m_stateMutex;
    std::vector<std::shared_ptr<Segment>> m_segments;

    // Published state, readable without locks.
    std::atomic<std::int64_t> m_durableEnd{0};
    std::atomic<std::int64_t> m_startOffset{0};
    std::atomic<std::int64_t> m_durableLastTime{0};
    std::atomic<bool> m_hasDurableTime{false};

    std::mutex m_retentionMutex;
};

} // namespace kappa::log
