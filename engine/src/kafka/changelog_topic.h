// Changelog topics: compacted Kafka topics that hold the latest value of
// every key, written in transactions so that a reader sees the records of
// one write all together or not at all. The cluster module keeps each task's
// checkpointed state in one (state hand-over between instances).
//
// ChangelogWriter: a transactional producer (transactional.id given by the
// caller; a newer writer with the same id fences the older one, whose next
// write fails with FailedPrecondition). write() puts its records into one
// partition in one transaction and returns once it is committed.
//
// readChangelog: reads one partition from its start to its last stable
// offset with isolation.level=read_committed, so aborted or unfinished
// transactions are never seen; offsets may have gaps (compaction, the
// transaction markers).
//
// Threading: a ChangelogWriter serializes its write() calls (one
// transaction at a time); different writers and readers run in parallel.
#pragma once

#include "kappa/kafka_log.h"
#include "kappa/status.h"
#include "kappa/types.h"

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kappa::kafka {

struct ChangelogRecord
{
    std::string key;
    std::optional<std::string> value; // nullopt: a tombstone (the key is deleted)
};

class ChangelogWriter
{
public:
    // Connects and initializes the transactions of transactionalId (fencing
    // any older writer with the same id). Unavailable if the cluster does not
    // answer within connection.connectTimeout.
    static Result<std::unique_ptr<ChangelogWriter>> open(const KafkaLogConfig &connection,
                                                         std::string transactionalId);
    ~ChangelogWriter(); // aborts a transaction in progress; bounded by closeTimeout
    ChangelogWriter(const ChangelogWriter &) = delete;
    ChangelogWriter &operator=(const ChangelogWriter &) = delete;

    // Appends records (in order) to topic/partition in one transaction.
    // Ok: committed. On an error the transaction was aborted (none of the
    // records is visible to read_committed readers); FailedPrecondition once
    // the writer is fenced (it stays unusable).
    Status write(std::string_view topic, PartitionId partition, std::span<const ChangelogRecord> records);

    class Impl;

private:
    explicit ChangelogWriter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// Calls visit for every committed record of topic/partition in offset order,
// from the start up to the last stable offset as of the call. NotFound if
// the topic does not exist.
Status readChangelog(
    const KafkaLogConfig &connection, std::string_view topic, PartitionId partition,
    const std::function<void(std::string_view key, std::optional<std::string_view> value)> &visit);
// The same from offset `from` on (below the partition's start: from its
// start); returns the offset to read from next time: the last stable offset
// as of the call, or `from` if that lies beyond it.
Result<Offset> readChangelog(
    const KafkaLogConfig &connection, std::string_view topic, PartitionId partition, Offset from,
    const std::function<void(std::string_view key, std::optional<std::string_view> value)> &visit);

} // namespace kappa::kafka
