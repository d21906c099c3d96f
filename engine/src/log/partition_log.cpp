#include "log/partition_log.h"

#include <algorithm>

namespace kappa::log {

PartitionLog::PartitionLog(LogContext &context, std::string topic, PartitionId id, std::string dir)
    : m_context(context)
    , m_topic(std::move(topic))
    , m_id(id)
    , m_dir(std::move(dir))
{}

PartitionLog::~PartitionLog()
{
    close();
}

void PartitionLog::close()
{
    if (m_active && m_active->writer) {
        // Everything acknowledged is already synced; a close error loses nothing acknowledged.
        m_active->writer->close().ignore();
        m_active->writer.reset();
    }
}

std::string PartitionLog::name() const
{
    return "topic " + m_topic + " partition " + std::to_string(m_id.value());
}

Status PartitionLog::belowStart(std::int64_t from, std::int64_t start) const
{
    return Status::outOfRange(name() + ": offset " + std::to_string(from) + " is below the start offset "
                              + std::to_string(start) + " (removed by retention)");
}

Result<std::int64_t> PartitionLog::enqueue(std::span<const Record> records)
{
    std::lock_guard lock(m_mutex);
    KAPPA_RETURN_IF_ERROR(m_context.health.status());
    // Append times never go backwards within a partition, so the time index stays sorted.
    m_lastAppendTime = std::max(m_lastAppendTime, m_context.clock.now().value());
    if (m_pending.empty())
        m_firstPendingAt = std::chrono::steady_clock::now();
    const std::int64_t first = m_nextOffset;
    encodeBatches(records, first, m_lastAppendTime, m_context.options.maxBatchBytes, m_pending,
                  [this](std::size_t position, const BatchHeader &header) {
                      m_pendingBatches.push_back(PendingBatch{position, header});
                  });
    m_nextOffset += static_cast<std::int64_t>(records.size());
    m_context.counters.appendCalls.fetch_add(1, std::memory_order_relaxed);
    if (m_leaderActive && m_pending.size() >= m_context.options.syncBytes)
        m_cv.notify_all(); // a lingering leader may stop waiting
    return first;
}

void PartitionLog::lingerForMoreAppends(std::unique_lock<std::mutex> &lock)
{
    const auto interval = m_context.options.syncInterval;
    if (interval.count() <= 0)
        return;
    m_cv.wait_until(lock, m_firstPendingAt + interval, [this] {
        return m_pending.size() >= m_context.options.syncBytes || m_context.health.failed();
    });
}

Status PartitionLog::waitDurable(std::int64_t end)
{
    std::unique_lock lock(m_mutex);
    if (end > m_nextOffset) // else no sync could ever reach it
        return Status::invalidArgument(name() + ": cannot wait for offset " + std::to_string(end)
                                       + " to be durable: the partition ends at "
                                       + std::to_string(m_nextOffset));
    while (m_durableEnd.load(std::memory_order_acquire) < end) {
        KAPPA_RETURN_IF_ERROR(m_context.health.status());
        if (m_leaderActive) {
            m_cv.wait(lock);
            continue;
        }
        m_leaderActive = true;
        lingerForMoreAppends(lock);
        std::swap(m_pending, m_writing);
        std::swap(m_pendingBatches, m_writingBatches);
        lock.unlock();
        Status status = m_context.health.status();
        if (status.isOk())
            status = writeAndSync();
        m_writing.clear();
        m_writingBatches.clear();
        lock.lock();
        m_leaderActive = false;
        if (!status.isOk())
            m_context.health.fail(status.withContext(name()));
        m_cv.notify_all();
    }
    return Status::ok();
}

Status PartitionLog::writeAndSync()
{
    const std::uint64_t segmentBytes = m_context.options.segmentBytes;
    std::size_t chunkStart = 0;
    std::size_t firstBatch = 0;
    for (std::size_t i = 0; i < m_writingBatches.size(); ++i) {
        const std::size_t position = m_writingBatches[i].position;
        if (m_active->index.size() + (position - chunkStart) >= segmentBytes) {
            KAPPA_RETURN_IF_ERROR(writeChunk(chunkStart, position, firstBatch, i));
            KAPPA_RETURN_IF_ERROR(roll());
            chunkStart = position;
            firstBatch = i;
        }
    }
    KAPPA_RETURN_IF_ERROR(writeChunk(chunkStart, m_writing.size(), firstBatch, m_writingBatches.size()));
    KAPPA_RETURN_IF_ERROR(m_active->writer->sync());
    m_context.counters.syncs.fetch_add(1, std::memory_order_relaxed);
    publishDurable(*m_active);
    return Status::ok();
}

Status PartitionLog::writeChunk(std::size_t from, std::size_t to, std::size_t firstBatch, std::size_t endBatch)
{
    if (from == to)
        return Status::ok();
    const std::uint64_t segmentStart = m_active->index.size();
    KAPPA_RETURN_IF_ERROR(m_active->writer->append(std::string_view(m_writing.data() + from, to - from)));
    m_context.counters.bytesWritten.fetch_add(to - from, std::memory_order_relaxed);
    std::unique_lock lock(m_stateMutex);
    for (std::size_t i = firstBatch; i < endBatch; ++i) {
        const PendingBatch &batch = m_writingBatches[i];
        m_active->index.addBatch(segmentStart + (batch.position - from), batch.header);
    }
    return Status::ok();
}

void PartitionLog::publishDurable(Segment &segment)
{
    // Order matters: a reader that sees the new durable end must also see the
    // segment bytes and index entries that back it.
    segment.durableSize.store(segment.index.size(), std::memory_order_release);
    if (auto last = segment.index.lastTime()) {
        m_durableLastTime.store(*last, std::memory_order_relaxed);
        m_hasDurableTime.store(true, std::memory_order_release);
    }
    m_durableEnd.store(segment.index.nextOffset(), std::memory_order_release);
}

Status PartitionLog::roll()
{
    Segment &old = *m_active;
    KAPPA_RETURN_IF_ERROR(old.writer->sync());
    m_context.counters.syncs.fetch_add(1, std::memory_order_relaxed);
    publishDurable(old);
    KAPPA_RETURN_IF_ERROR(old.writer->close());
    old.writer.reset();
    KAPPA_RETURN_IF_ERROR(old.writeIndexFiles(m_context.fs));
    KAPPA_RETURN_IF_ERROR(createSegment(old.index.nextOffset()));
    m_context.counters.segmentsRolled.fetch_add(1, std::memory_order_relaxed);
    return Status::ok();
}

Status PartitionLog::createSegment(std::int64_t base)
{
    FileSystem &fs = m_context.fs;
    const std::string path = m_dir + "/" + Segment::fileName(base, ".log");
    KAPPA_ASSIGN_OR_RETURN(auto writer, fs.openWritable(path));
    if (writer->size() != 0)
        return Status::internal("new segment " + path + " is not empty");
    // The directory entry must be durable before any record in the file is acknowledged.
    KAPPA_RETURN_IF_ERROR(fs.syncDir(m_dir));
    KAPPA_ASSIGN_OR_RETURN(auto reader, fs.openReadable(path));
    auto segment = std::make_shared<Segment>(m_dir, SegmentIndex(base, m_context.options.indexIntervalBytes),
                                             std::move(reader));
    segment->writer = std::move(writer);
    {
        std::unique_lock lock(m_stateMutex);
        m_segments.push_back(segment);
    }
    m_active = std::move(segment);
    return Status::ok();
}

std::shared_ptr<Segment> PartitionLog::segmentFor(std::int64_t offset) const
{
    auto it = std::upper_bound(m_segments.begin(), m_segments.end(), offset,
                               [](std::int64_t o, const std::shared_ptr<Segment> &s) {
                                   return o < s->baseOffset();
                               });
    if (it == m_segments.begin())
        return nullptr;
    return *(it - 1);
}

Status PartitionLog::read(std::int64_t from, std::size_t maxBytes, RecordBatch &batch) const
{
    batch.records().clear();
    batch.setNextOffset(Offset(from));
    const std::int64_t end = m_durableEnd.load(std::memory_order_acquire);
    const std::int64_t start = m_startOffset.load(std::memory_order_acquire);
    if (from < start)
        return belowStart(from, start);
    if (from > end)
        return Status::outOfRange(name() + ": offset " + std::to_string(from) + " is past the end offset "
                                  + std::to_string(end));
    if (from == end) {
        batch.buffer().clear();
        // Past the durable end of a failed log nothing will ever arrive: say why.
        return m_context.health.status();
    }
    std::shared_ptr<Segment> segment;
    IndexEntry entry;
    {
        std::shared_lock lock(m_stateMutex);
        segment = segmentFor(from);
        if (!segment)
            return belowStart(from, m_startOffset.load(std::memory_order_acquire));
        entry = segment->index.floorForOffset(from);
    }
    // durableSize is published before m_durableEnd, so it may already cover
    // records past `end`; they are left for the next read, or a caller could
    // hold a next offset beyond the end that partitionInfo() reports.
    const std::uint64_t bound = segment->durableSize.load(std::memory_order_acquire);
    return readSegmentRecords(*segment, entry.position, segment->baseOffset() + entry.relOffset, bound, from,
                              end, maxBytes, batch)
        .withContext(name());
}

Result<Offset> PartitionLog::offsetForTime(std::int64_t t) const
{
    const std::int64_t end = m_durableEnd.load(std::memory_order_acquire);
    std::shared_ptr<Segment> segment;
    IndexEntry entry;
    std::int64_t nextBase = end;
    {
        std::shared_lock lock(m_stateMutex);
        // The answer lies in the last segment whose first durable record is
        // older than t, or starts the segment after it (times are monotonic).
        for (auto it = m_segments.rbegin(); it != m_segments.rend(); ++it) {
            auto floor = (*it)->index.floorForTime(t, end);
            if (floor && floor->time < t) {
                segment = *it;
                entry = *floor;
                break;
            }
            nextBase = (*it)->baseOffset();
        }
        if (!segment)
            return Offset(std::min(end, m_segments.empty() ? end : m_segments.front()->baseOffset()));
    }
    const std::uint64_t bound = segment->durableSize.load(std::memory_order_acquire);
    auto found = findTimeInSegment(*segment, entry.position, segment->baseOffset() + entry.relOffset, bound,
                                   t);
    if (!found.isOk())
        return found.status().withContext(name());
    return Offset(found->value_or(std::min(nextBase, end)));
}

PartitionInfo PartitionLog::info() const
{
    PartitionInfo info;
    info.partition = m_id;
    const std::int64_t end = m_durableEnd.load(std::memory_order_acquire);
    info.endOffset = Offset(end);
    std::shared_lock lock(m_stateMutex);
    info.startOffset = Offset(m_segments.empty() ? end : m_segments.front()->baseOffset());
    info.segments = static_cast<std::int32_t>(m_segments.size());
    for (const auto &segment : m_segments) {
        info.bytes += segment->durableSize.load(std::memory_order_acquire);
        if (!info.firstAppendTime && segment->baseOffset() < end) {
            if (auto first = segment->index.firstTime())
                info.firstAppendTime = WallTime(*first);
        }
    }
    if (info.startOffset.value() < end && m_hasDurableTime.load(std::memory_order_acquire))
        info.lastAppendTime = WallTime(m_durableLastTime.load(std::memory_order_relaxed));
    return info;
}

Status PartitionLog::enforceRetention(std::int64_t now)
{
    std::lock_guard retentionLock(m_retentionMutex);
    const LocalLogOptions &options = m_context.options;
    std::vector<std::shared_ptr<Segment>> doomed;
    {
        std::unique_lock lock(m_stateMutex);
        std::uint64_t total = 0;
        for (const auto &segment : m_segments)
            total += segment->index.size();
        // Never the last (active) segment; oldest first so what remains stays contiguous.
        while (m_segments.size() > 1) {
            const Segment &oldest = *m_segments.front();
            const auto lastTime = oldest.index.lastTime();
            const bool bySize = options.retentionBytes > 0 && total > options.retentionBytes;
            const bool byAge = options.retentionAge.count() > 0
                               && (!lastTime || *lastTime < now - options.retentionAge.count());
            if (!bySize && !byAge)
                break;
            total -= oldest.index.size();
            doomed.push_back(m_segments.front());
            m_segments.erase(m_segments.begin());
        }
        m_startOffset.store(m_segments.front()->baseOffset(), std::memory_order_release);
    }
    // Readers already inside a doomed segment keep its open file and finish.
    for (const auto &segment : doomed) {
        KAPPA_RETURN_IF_ERROR(segment->removeFiles(m_context.fs).withContext(name()));
        m_context.counters.segmentsDeleted.fetch_add(1, std::memory_order_relaxed);
    }
    if (!doomed.empty()) {
        Status synced = m_context.fs.syncDir(m_dir);
        if (!synced.isOk()) {
            m_context.health.fail(synced.withContext(name()));
            return m_context.health.status();
        }
    }
    return Status::ok();
}

} // namespace kappa::log
