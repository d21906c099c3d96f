#include "runtime/source_reader.h"

#include <algorithm>
#include <atomic>

namespace kappa::runtime {

SourceReader::SourceReader(EventLog &log, std::string topic, PartitionId partition, std::size_t batchBytes,
                           std::shared_ptr<SharedBatches> shared)
    : m_log(log)
    , m_topic(std::move(topic))
    , m_partition(partition)
    , m_batchBytes(batchBytes)
    , m_shared(std::move(shared))
{}

Status SourceReader::read()
{
    return read(m_batchBytes);
}

Status SourceReader::refreshEnd()
{
    Result<Offset> end = m_log.endOffset(m_topic, m_partition);
    if (!end.isOk())
        return end.status().withContext(m_topic + "/" + std::to_string(m_partition.value()));
    m_end = *end;
    return Status::ok();
}

Result<bool> SourceReader::prepareRead(const std::string &where)
{
    Result<Offset> end = m_log.endOffset(m_topic, m_partition);
    if (!end.isOk())
        return end.status().withContext(where);
    m_end = *end;
    m_emptyBeforeEnd = false;
    m_borrowed.reset();
    m_empty.records.reset(m_next);
    m_current = &m_empty;
    if (m_next > m_end)
        return Status::outOfRange(where + ": the next offset " + std::to_string(m_next.value())
                                  + " is beyond the end of the partition (" + std::to_string(m_end.value())
                                  + "): the log is not the one the checkpoint was taken on");
    return m_next < m_end;
}

DecodedBatch &SourceReader::writableBatch()
{
    // Held only here: nobody else can reach it (SharedBatches lets go of a
    // batch before anyone may write it), so it is overwritten in place.
    if (m_own && m_own.use_count() == 1) {
        // use_count() is a relaxed load: order a last borrower's reads before these writes.
        std::atomic_thread_fence(std::memory_order_acquire);
        return *m_own;
    }
    m_own = m_shared ? m_shared->takeSpare(m_log, m_topic, m_partition) : nullptr;
    if (!m_own)
        m_own = std::make_shared<DecodedBatch>();
    return *m_own;
}

Status SourceReader::read(std::size_t maxBytes)
{
    const std::string where = m_topic + "/" + std::to_string(m_partition.value());
    KAPPA_ASSIGN_OR_RETURN(const bool due, prepareRead(where));
    return due ? readPrepared(where, maxBytes) : Status::ok();
}

Status SourceReader::readPrepared(const std::string &where, std::size_t maxBytes)
{
    DecodedBatch &batch = writableBatch();
    batch.from = m_next;
    batch.endAtRead = m_end;
    batch.budget = std::min(maxBytes, m_batchBytes);
    batch.registry = nullptr;
    batch.decoded = 0;
    batch.skipped = 0;
    const Status read = m_log.read(m_topic, m_partition, m_next, batch.budget, batch.records);
    if (read.code() == StatusCode::OutOfRange)
        return belowStart(where, read);
    KAPPA_RETURN_IF_ERROR(read.withContext(where));
    m_current = &batch;
    m_next = batch.records.nextOffset();
    m_emptyBeforeEnd = batch.records.empty();
    return Status::ok();
}

Status SourceReader::readDecoded(std::size_t maxBytes, const EventCodec &codec)
{
    const std::string where = m_topic + "/" + std::to_string(m_partition.value());
    KAPPA_ASSIGN_OR_RETURN(const bool due, prepareRead(where));
    if (!due)
        return Status::ok();
    if (m_shared) {
        m_borrowed = m_shared->find(m_log, m_topic, m_partition, m_next, std::min(maxBytes, m_batchBytes),
                                    codec);
        if (m_borrowed) {
            m_current = m_borrowed.get();
            m_next = m_borrowed->records.nextOffset();
            // A batch that reached the end its reader saw leaves this reader
            // caught up as well, as its own read at that moment would have:
            // else a task that borrows while input keeps arriving would count
            // as behind and hold its outputs back (SourceTask::publishDue).
            if (m_next >= m_borrowed->endAtRead)
                m_end = m_borrowed->endAtRead;
            return Status::ok();
        }
    }
    KAPPA_RETURN_IF_ERROR(readPrepared(where, maxBytes));
    decode(codec);
    if (m_shared && m_current == m_own.get())
        m_shared->keep(m_log, m_topic, m_partition, m_own);
    return Status::ok();
}

// Only asked when a read is refused: the start offset is not worth a question
// before every read (on Kafka it is a broker request).
Status SourceReader::belowStart(const std::string &where, const Status &refused) const
{
    Result<PartitionInfo> info = m_log.partitionInfo(m_topic, m_partition);
    if (info.isOk() && m_next < info->startOffset)
        return Status::outOfRange(where + ": the next offset " + std::to_string(m_next.value())
                                  + " was deleted by retention (the partition starts at "
                                  + std::to_string(info->startOffset.value()) + ")");
    return refused.withContext(where);
}

void SourceReader::decode(const EventCodec &codec)
{
    if (m_current != m_own.get())
        return; // nothing read here: an empty read, or a batch another reader decoded
    DecodedBatch &batch = *m_own;
    if (batch.registry == &codec.registry() || m_own.use_count() > 1)
        return; // decoded already (a batch others hold was, and stays as it is)
    // Events are overwritten in place: their strings keep their capacity.
    if (batch.events.size() < batch.records.size())
        batch.events.resize(batch.records.size());
    batch.eventRecords.clear();
    batch.registry = &codec.registry();
    batch.skipped = 0;
    std::size_t decoded = 0;
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
        if (!codec.decode(batch.records[i].value, batch.events[decoded]).isOk()) {
            ++batch.skipped;
            continue;
        }
        batch.eventRecords.push_back(i);
        ++decoded;
    }
    batch.decoded = decoded;
}

} // namespace kappa::runtime
