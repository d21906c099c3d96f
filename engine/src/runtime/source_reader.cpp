#include "runtime/source_reader.h"

#include <algorithm>

namespace kappa::runtime {

SourceReader::SourceReader(EventLog &log, std::string topic, PartitionId partition, std::size_t batchBytes)
    : m_log(log)
    , m_topic(std::move(topic))
    , m_partition(partition)
    , m_batchBytes(batchBytes)
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

Status SourceReader::read(std::size_t maxBytes)
{
    const std::string where = m_topic + "/" + std::to_string(m_partition.value());
    Result<Offset> end = m_log.endOffset(m_topic, m_partition);
    if (!end.isOk())
        return end.status().withContext(where);
    m_end = *end;
    m_decoded = 0;
    m_skipped = 0;
    m_emptyBeforeEnd = false;
    if (m_next > m_end)
        return Status::outOfRange(where + ": the next offset " + std::to_string(m_next.value())
                                  + " is beyond the end of the partition (" + std::to_string(m_end.value())
                                  + "): the log is not the one the checkpoint was taken on");
    if (m_next == m_end) {
        m_batch.reset(m_next);
        return Status::ok();
    }
    const Status read = m_log.read(m_topic, m_partition, m_next, std::min(maxBytes, m_batchBytes), m_batch);
    if (read.code() == StatusCode::OutOfRange)
        return belowStart(where, read);
    KAPPA_RETURN_IF_ERROR(read.withContext(where));
    m_next = m_batch.nextOffset();
    m_emptyBeforeEnd = m_batch.empty();
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
    // Events are overwritten in place: their strings keep their capacity.
    if (m_events.size() < m_batch.size())
        m_events.resize(m_batch.size());
    m_eventRecords.clear();
    m_skipped = 0;
    std::size_t decoded = 0;
    for (std::size_t i = 0; i < m_batch.size(); ++i) {
        if (!codec.decode(m_batch[i].value, m_events[decoded]).isOk()) {
            ++m_skipped;
            continue;
        }
        m_eventRecords.push_back(i);
        ++decoded;
    }
    m_decoded = decoded;
}

} // namespace kappa::runtime
