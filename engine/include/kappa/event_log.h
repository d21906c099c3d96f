// EventLog: the durable, partitioned, append-only log that is Kappa's source
// of truth. LocalLog (local_log.h) is the embedded implementation; KafkaLog
// will implement the same interface on Apache Kafka.
//
// Contracts common to every implementation:
// - A topic has a fixed number of partitions. Offsets within a partition are
//   dense and start at 0; retention may advance a partition's start offset.
// - append() returns only once every record is durable; the offsets it
//   returns are then visible to readers, and never before.
// - Readers never see a record that is not durable, never see a gap, and see
//   records of a partition in offset order.
// - Threading: all methods are thread-safe. Appends to one partition are
//   serialized internally; reads run concurrently with appends and each other.
#pragma once

#include "kappa/status.h"
#include "kappa/types.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kappa {

// A record to append; the views must stay valid for the duration of the call.
struct Record
{
    std::string_view key;
    std::string_view value;
};

// A record as read back. Its views point into the RecordBatch that holds it.
struct RecordView
{
    Offset offset;
    WallTime appendTime; // wall clock of the appending process, never event time
    std::string_view key;
    std::string_view value;
};

// Records read from one partition. The batch owns the bytes; its RecordViews
// stay valid until the batch is cleared, refilled or destroyed. Reusing one
// batch across reads reuses its memory, so steady-state reads do not allocate.
class RecordBatch
{
public:
    std::size_t size() const { return m_records.size(); }
    bool empty() const { return m_records.empty(); }
    const RecordView &operator[](std::size_t i) const { return m_records[i]; }
    auto begin() const { return m_records.begin(); }
    auto end() const { return m_records.end(); }
    // The offset to read from next: one past the last record, or the requested offset if empty.
    Offset nextOffset() const { return m_nextOffset; }
    std::size_t bytes() const { return m_buffer.size(); }

    // For EventLog implementations: the raw storage and the record index.
    void reset(Offset from)
    {
        m_buffer.clear();
        m_records.clear();
        m_nextOffset = from;
    }
    std::string &buffer() { return m_buffer; }
    std::vector<RecordView> &records() { return m_records; }
    void setNextOffset(Offset next) { m_nextOffset = next; }

private:
    std::string m_buffer;
    std::vector<RecordView> m_records;
    Offset m_nextOffset;
};

struct TopicConfig
{
    std::int32_t partitions = 8;
};

struct AppendPosition
{
    PartitionId partition;
    Offset offset;
};

struct PartitionInfo
{
    PartitionId partition;
    Offset startOffset; // first readable offset (advances with retention)
    Offset endOffset;   // one past the last durable record
    std::int32_t segments = 0;
    std::uint64_t bytes = 0;
    std::optional<WallTime> firstAppendTime; // of the first readable record
    std::optional<WallTime> lastAppendTime;  // of the last durable record
};

class EventLog
{
public:
    virtual ~EventLog() = default;

    // Creates a topic. Ok if it exists with the same partition count;
    // AlreadyExists if it exists with a different one; InvalidArgument for a
    // bad name (only [A-Za-z0-9._-], at most 200 characters) or count (1..1024).
    virtual Status createTopic(std::string_view topic, const TopicConfig &config) = 0;
    // NotFound if the topic does not exist.
    virtual Result<TopicConfig> describeTopic(std::string_view topic) = 0;
    virtual std::vector<std::string> listTopics() = 0;
    // Deletes a topic and all its records; the name can then be created
    // again, with any partition count. NotFound if the topic does not exist;
    // InvalidArgument for a bad name; FailedPrecondition if the log is
    // read-only. Calls on the topic that start after deleteTopic returns see
    // NotFound; calls already running finish first (deleteTopic waits for them).
    virtual Status deleteTopic(std::string_view topic) = 0;

    // Appends each record to the partition chosen by its key (Kafka's murmur2
    // partitioner) and returns once all are durable. positions[i] is records[i]'s.
    virtual Result<std::vector<AppendPosition>> append(std::string_view topic, std::span<const Record> records)
        = 0;
    // Appends to one given partition; returns the offset of the first record.
    virtual Result<Offset> appendToPartition(std::string_view topic, PartitionId partition,
                                             std::span<const Record> records)
        = 0;
    // As appendToPartition (returns the offset of the first record), but may
    // return before the records are durable; until they are, readers do not
    // see them. They become durable with the next durable append to the
    // partition, or with waitDurable(). Appends from several callers so
    // share one sync. The default appends durably at once.
    virtual Result<Offset> appendToPartitionDeferred(std::string_view topic, PartitionId partition,
                                                     std::span<const Record> records)
    {
        return appendToPartition(topic, partition, records);
    }
    // Returns once every record of the partition below `end` is durable
    // (makes them so if needed), or with the log's failure. InvalidArgument
    // if `end` lies beyond the offsets appended so far.
    virtual Status waitDurable(std::string_view topic, PartitionId partition, Offset end)
    {
        (void) topic;
        (void) partition;
        (void) end;
        return Status::ok(); // the default appends durably at once
    }

    // Fills `batch` (reset first) with records from `from` on, up to about
    // maxBytes of payload but always at least one record if any is available.
    // At the end of the partition the batch is empty. OutOfRange if `from` is
    // below the start offset or beyond the end offset.
    virtual Status read(std::string_view topic, PartitionId partition, Offset from, std::size_t maxBytes,
                        RecordBatch &batch)
        = 0;

    // The first offset whose append time is >= t; the end offset if none is.
    virtual Result<Offset> offsetForTime(std::string_view topic, PartitionId partition, WallTime t) = 0;

    virtual Result<PartitionInfo> partitionInfo(std::string_view topic, PartitionId partition) = 0;

    // partitionInfo(...).endOffset alone, which readers ask before every read.
    // Logs where the rest of partitionInfo() costs more (KafkaLog reads two
    // records for the append times) answer it more cheaply.
    virtual Result<Offset> endOffset(std::string_view topic, PartitionId partition)
    {
        Result<PartitionInfo> info = partitionInfo(topic, partition);
        if (!info.isOk())
            return info.status();
        return info->endOffset;
    }
};

} // namespace kappa
