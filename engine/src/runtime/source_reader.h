// SourceReader: a task's cursor over one partition of an input topic. Reads
// a batch (about batchBytes of payload) and, for the events topic, decodes it
// into reused Event objects, so steady-state reading does not allocate. Given
// SharedBatches, a decoded read takes the batch another job's reader of the
// same partition decoded already, and offers its own to them.
//
// A record that does not decode (wrong schema, corrupt payload) is counted
// and skipped: one bad record must not stop a job forever, and skipping it is
// still a function of the log (every replay skips the same record).
#pragma once

#include "kappa/event.h"
#include "kappa/event_codec.h"
#include "kappa/event_log.h"
#include "kappa/status.h"
#include "runtime/shared_batches.h"

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace kappa::runtime {

class SourceReader
{
public:
    // shared: where decoded batches are shared with other readers (nullptr: not shared).
    SourceReader(EventLog &log, std::string topic, PartitionId partition, std::size_t batchBytes,
                 std::shared_ptr<SharedBatches> shared = nullptr);
    SourceReader(const SourceReader &) = delete; // m_current may point into the reader
    SourceReader &operator=(const SourceReader &) = delete;

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
    // read(maxBytes) and decode(codec) in one, or the same batch from SharedBatches.
    Status readDecoded(std::size_t maxBytes, const EventCodec &codec);

    const RecordBatch &records() const { return m_current->records; }
    // Decoded events of the batch and, at the same index, their record.
    std::span<const Event> events() const { return {m_current->events.data(), m_current->decoded}; }
    const std::vector<std::size_t> &eventRecords() const { return m_current->eventRecords; }
    std::size_t skippedInLastBatch() const { return m_current->skipped; }

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
    // Learns the end offset; false (and an empty current batch) when there is nothing to read.
    Result<bool> prepareRead(const std::string &where);
    // read() after prepareRead() said a read is due: one end-offset lookup per read (on Kafka a request).
    Status readPrepared(const std::string &where, std::size_t maxBytes);
    // m_own, made safe to overwrite: a batch others still hold is left to them.
    DecodedBatch &writableBatch();

    EventLog &m_log;
    const std::string m_topic;
    const PartitionId m_partition;
    const std::size_t m_batchBytes;
    const std::shared_ptr<SharedBatches> m_shared;
    Offset m_next{0};
    Offset m_end{0};
    // The batch read last is one of three: m_own (read here; once offered to
    // SharedBatches, read-only until nobody else holds it), m_borrowed (taken
    // from SharedBatches), or m_empty (nothing to read: no batch is given up
    // for an empty read, which a caught-up task makes hundreds of times a second).
    std::shared_ptr<DecodedBatch> m_own;
    std::shared_ptr<const DecodedBatch> m_borrowed;
    DecodedBatch m_empty;
    const DecodedBatch *m_current = &m_empty;
    bool m_emptyBeforeEnd = false;
};

} // namespace kappa::runtime
