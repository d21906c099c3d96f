// SourceReader: a task's cursor over one partition of an input topic. Reads
// a batch (about batchBytes of payload) and, for the events topic, decodes it
// into reused Event objects, so steady-state reading does not allocate.
//
// A record that does not decode (wrong schema, corrupt payload) is counted
// and skipped: one bad record must not stop a job forever, and skipping it is
// still a function of the log (every replay skips the same record).
#pragma once

#include "kappa/event.h"
#include "kappa/event_codec.h"
#include "kappa/event_log.h"
#include "kappa/status.h"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace kappa::runtime {

class SourceReader
{
public:
    SourceReader(EventLog &log, std::string topic, PartitionId partition, std::size_t batchBytes);

    void seek(Offset next)
    {
        m_next = next;
        m_emptyBeforeEnd = false;
    }
    // Reads the next batch of raw records (empty at the end of the partition)
    // and learns the partition's end offset.
    Status read();
    // The same with a smaller byte budget (at least one record is read).
    Status read(std::size_t maxBytes);
    // Learns the partition's end offset without reading.
    Status refreshEnd();
    // Decodes the batch read last into events(); undecodable records are left out and counted.
    void decode(const EventCodec &codec);

    const RecordBatch &records() const { return m_batch; }
    // Decoded events of the batch and, at the same index, their record.
    std::span<const Event> events() const { return {m_events.data(), m_decoded}; }
    const std::vector<std::size_t> &eventRecords() const { return m_eventRecords; }
    std::size_t skippedInLastBatch() const { return m_skipped; }

    Offset position() const { return m_next; } // the next offset to read
    Offset endOffset() const { return m_end; }
    // True when the last read returned nothing although the end offset it
    // learned lies beyond the position: records are due that the log did not
    // hand out (yet), so the input is not exhausted even though the batch is
    // empty. EventLog::read should not do this; a reader that trusted it
    // would take a race with the log's visibility for the end of its input.
    bool emptyBeforeEnd() const { return m_emptyBeforeEnd; }
    const std::string &topic() const { return m_topic; }
    PartitionId partition() const { return m_partition; }

private:
    // A read refused with OutOfRange: why, naming the start offset when retention deleted m_next.
    Status belowStart(const std::string &where, const Status &refused) const;

    EventLog &m_log;
    const std::string m_topic;
    const PartitionId m_partition;
    const std::size_t m_batchBytes;
    Offset m_next{0};
    Offset m_end{0};
    RecordBatch m_batch;
    std::vector<Event> m_events; // capacity reused across batches
    std::vector<std::size_t> m_eventRecords;
    std::size_t m_decoded = 0;
    std::size_t m_skipped = 0;
    bool m_emptyBeforeEnd = false;
};

} // namespace kappa::runtime
