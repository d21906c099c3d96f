// KafkaLog: the EventLog on an Apache Kafka cluster, through librdkafka.
// No librdkafka type appears here; the adapter lives in engine/src/kafka.
//
// Contracts beyond EventLog's:
// - Durability: append() returns once every record's delivery report arrived
//   from an idempotent producer with acks=all, so "durable" means what the
//   topic's min.insync.replicas makes it mean. The offsets returned are those
//   of the delivery reports. Records of one call that go to one partition are
//   contiguous in it (appenders to a partition enqueue one call at a time);
//   retries never duplicate or reorder (idempotence).
// - Failure: a delivery error fails the call with a Status naming the
//   librdkafka error (Unavailable for timeouts and retriable errors, NotFound
//   for an unknown topic, InvalidArgument for a rejected record,
//   FailedPrecondition when not authorized, Internal otherwise). Records of
//   the same call that were delivered stay in the log: a failed append may
//   have appended some of its records.
// - Partitioning: append() places a key where librdkafka's murmur2_random
//   partitioner and Java clients do, which is also LocalLog's partition.
// - Reads return what the brokers have replicated (the high watermark) and,
//   of records written in Kafka transactions, only committed ones
//   (read_committed): while a transaction is open, the end is the last stable
//   offset, before its first record. read() at the end of a partition waits
//   config.emptyReadWait at most and returns an empty batch; before it
//   answers "end" it asks the leader for the end offset (one request), so a
//   record whose append() has returned is never hidden by a client's older
//   view of the end. A read that should find records (from below the end) but
//   gets none within requestTimeout returns Unavailable.
// - Gaps, unlike EventLog's dense offsets: in a topic written in Kafka
//   transactions (by other clients; KafkaLog's appends are not
//   transactional) or compacted, offsets may hold no record: transaction
//   markers, records of aborted transactions, records compacted away. Reads
//   skip them: the offsets of a batch's records may have gaps, and
//   nextOffset() is past every offset the read examined, so for an empty
//   batch it may lie beyond `from` (when the offsets up to the end hold no
//   record). An empty batch still means the end: reading on from
//   nextOffset() until a batch is empty reads every record up to the end.
//   Topics written only through append() have dense offsets.
// - appendTime is the Kafka message timestamp: CreateTime (the producer's wall
//   clock when the record was enqueued) or LogAppendTime (the broker's), as
//   the topic's message.timestamp.type says. It need not be monotonic.
// - partitionInfo(): segments and bytes are always 0 (Kafka does not report
//   them to clients); the append times are read from the first and last record
//   (lastAppendTime is unknown when none of the last 64 offsets holds a record).
// - Topics: names starting with "__" (Kafka's internal topics) are hidden from
//   listTopics(). deleteTopic() returns once the brokers no longer list the
//   topic (bounded by requestTimeout); it does not wait for calls already
//   running on the topic: they fail or finish on their own.
// - Threading: all methods are thread-safe; reads of one partition at
//   different positions run concurrently (see engine/src/kafka/README.md).
// - Lifetime: make no call concurrently with the destructor. The destructor
//   waits at most config.closeTimeout for records still being delivered and
//   then abandons them; it never blocks longer on an unreachable cluster.
#pragma once

#include "kappa/event_log.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace kappa {

struct KafkaLogConfig
{
    // "host:port,host:port". Required.
    std::string bootstrapServers;
    std::string clientId = "kappa";

    // Producer batching: wait up to lingerTime for more records to join a
    // batch of at most batchBytes, compressed with compression (none, gzip,
    // snappy, lz4 or zstd).
    std::chrono::milliseconds lingerTime{5};
    std::int32_t batchBytes = 1 << 20;
    std::string compression = "lz4";
    // A record not acknowledged within this time fails its append (Unavailable).
    std::chrono::milliseconds deliveryTimeout{120'000};

    // open() fails with Unavailable if no broker answers within connectTimeout.
    std::chrono::milliseconds connectTimeout{10'000};
    // Bound on each metadata, admin and offset request.
    std::chrono::milliseconds requestTimeout{10'000};
    // How long read() waits for new records at the end of a partition.
    std::chrono::milliseconds emptyReadWait{5};
    // How long the destructor waits for records still being delivered.
    std::chrono::milliseconds closeTimeout{10'000};

    // Reader cursors: at most readerHandles consumer connections (so at most
    // that many positions in one partition are kept at once), holding at
    // most readerCursors positions in all, each prefetching up to
    // readerPrefetchKBytes.
    std::int32_t readerHandles = 4;
    std::int32_t readerCursors = 64;
    std::int32_t readerPrefetchKBytes = 4096;
    // How long a broker may hold a reader's fetch while no new records
    // arrive. Fetches of one client are answered in order, so this also
    // bounds how soon a new or moved cursor on that client gets its first
    // records; tail latency does not depend on it (a fetch returns as soon as
    // records arrive).
    std::chrono::milliseconds readerFetchWait{100};

    // Replication factor for createTopic(); -1 takes the broker's default.
    std::int16_t replicationFactor = -1;

    // Extra librdkafka properties (security.protocol, sasl.*, ssl.*, ...),
    // applied to every client. Properties KafkaLog itself relies on (acks,
    // enable.idempotence, partitioner, bootstrap.servers, ...) are refused.
    std::map<std::string, std::string> properties;
};

// Counters of the reader cursors, for tests and metrics; monotonically increasing.
struct KafkaLogStats
{
    std::uint64_t cursorsOpened = 0;   // new (client, partition) positions started
    std::uint64_t cursorsMoved = 0;    // seeks of an existing position
    std::uint64_t sequentialReads = 0; // reads served by a cursor already at `from`
};

class KafkaLog : public EventLog
{
public:
    // Validates the configuration (InvalidArgument naming the property and
    // librdkafka's complaint), connects, and fails with Unavailable if no
    // broker answers within config.connectTimeout.
    static Result<std::unique_ptr<KafkaLog>> open(const KafkaLogConfig &config);

    ~KafkaLog() override;
    KafkaLog(const KafkaLog &) = delete;
    KafkaLog &operator=(const KafkaLog &) = delete;

    Status createTopic(std::string_view topic, const TopicConfig &config) override;
    // As createTopic(topic, config), also setting Kafka topic configs such as
    // cleanup.policy=compact. The configs apply only when the topic is created:
    // an existing topic with the same partition count is Ok and left unchanged.
    // InvalidArgument if the brokers reject a config.
    Status createTopic(std::string_view topic, std::int32_t partitions,
                       const std::map<std::string, std::string> &topicConfigs);
    Result<TopicConfig> describeTopic(std::string_view topic) override;
    // Empty if the cluster cannot be reached.
    std::vector<std::string> listTopics() override;
    Status deleteTopic(std::string_view topic) override;

    Result<std::vector<AppendPosition>> append(std::string_view topic,
                                               std::span<const Record> records) override;
    Result<Offset> appendToPartition(std::string_view topic, PartitionId partition,
                                     std::span<const Record> records) override;

    Status read(std::string_view topic, PartitionId partition, Offset from, std::size_t maxBytes,
                RecordBatch &batch) override;
    Result<Offset> offsetForTime(std::string_view topic, PartitionId partition, WallTime t) override;
    Result<PartitionInfo> partitionInfo(std::string_view topic, PartitionId partition) override;
    // One watermark request, without partitionInfo()'s record reads.
    Result<Offset> endOffset(std::string_view topic, PartitionId partition) override;

    KafkaLogStats stats() const;

    class Impl;

private:
    explicit KafkaLog(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace kappa
