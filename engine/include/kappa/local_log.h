// LocalLog: the embedded EventLog. Each topic partition is a directory of
// segment files holding CRC32C-checked record batches, with a sparse offset
// index and time index per segment. The on-disk format and the recovery rules
// are written down in engine/src/log/FORMAT.md.
//
// Contracts beyond EventLog's:
// - Durability: append() returns once its records are on disk (fdatasync).
//   Concurrent appenders to one partition share syncs (group commit, see
//   LocalLogOptions::syncInterval / syncBytes).
// - Failure: a failed write or sync makes the whole log failed. From then on
//   every append, every read at or past the durable end and every
//   enforceRetention() returns Internal carrying the first error. Nothing is
//   retried; reopen the directory to recover what was durable.
// - Append times: one wall-clock reading per partition per append() call,
//   made monotonic non-decreasing per partition (max(previous, now)), so
//   offsetForTime() can binary-search and a clock step back cannot reorder.
// - Exclusivity: a writable LocalLog holds an exclusive flock on <dir>/LOCK;
//   a second writable open of the same directory (from any process) fails
//   with Unavailable. A readOnly LocalLog takes no lock, writes
//   nothing, and sees a snapshot of what was complete and valid at open.
// - Lifetime: the caller keeps options.fs and options.clock alive for the
//   life of the LocalLog and makes no call concurrently with its destructor.
#pragma once

#include "kappa/event_log.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace kappa {

class Clock;
class FileSystem;

struct LocalLogOptions
{
    FileSystem *fs = nullptr; // nullptr: FileSystem::posix()
    Clock *clock = nullptr;   // nullptr: Clock::system(); read once per partition per append
    bool readOnly = false;

    // A partition rolls to a new segment before writing a batch once the active
    // segment holds at least this many bytes. 4 KiB .. 1 GiB.
    std::uint64_t segmentBytes = 128ull << 20;
    // An append is cut into on-disk batches of about this size (a batch holds
    // at least one record). Readers fetch whole batches. 1 KiB .. 16 MiB.
    std::uint32_t maxBatchBytes = 1u << 20;
    // One offset-index and one time-index entry per this many segment bytes.
    std::uint32_t indexIntervalBytes = 4096;

    // Group commit. A sync of a partition starts as soon as no other sync of
    // it is running, unless syncInterval > 0: then the syncing appender first
    // waits until syncInterval has passed since the oldest unsynced append or
    // syncBytes are pending, whichever is first, to let more appends join.
    // Appends that arrive while a sync runs always share the next one.
    std::chrono::microseconds syncInterval{0};
    std::uint64_t syncBytes = 4ull << 20;

    // Retention, applied by enforceRetention() to closed segments only: the
    // oldest are deleted while a partition holds more than retentionBytes, or
    // while their newest record is older than retentionAge. 0 = unlimited.
    std::uint64_t retentionBytes = 0;
    std::chrono::milliseconds retentionAge{0};

    // true: open() checks the CRC of every batch of every segment (cost: reads
    // the whole log), so corruption anywhere refuses to open. false: closed
    // segments with a valid index are trusted at open and their corruption is
    // reported by the read that meets it. The last segment is always scanned.
    bool verifyOnOpen = true;
};

// Counters for tests and metrics; monotonically increasing.
struct LocalLogStats
{
    std::uint64_t appendCalls = 0;  // per partition touched
    std::uint64_t syncs = 0;        // data fdatasyncs of segment files
    std::uint64_t bytesWritten = 0; // segment bytes written
    std::uint64_t segmentsRolled = 0;
    std::uint64_t segmentsDeleted = 0;
    std::uint64_t tailBytesTruncated = 0; // by recovery at open
};

class LocalLog : public EventLog
{
public:
    // Opens (creating if needed, unless readOnly) the log in `dir` and
    // recovers every topic: a torn or corrupt tail of a partition's last
    // segment is truncated, missing or invalid indexes are rebuilt, and any
    // other corruption fails with Corruption naming the file and byte
    // position. Unavailable if another writer holds the directory;
    // NotFound if readOnly and `dir` does not exist; InvalidArgument for bad options.
    static Result<std::unique_ptr<LocalLog>> open(const std::string &dir, const LocalLogOptions &options);

    ~LocalLog() override;
    LocalLog(const LocalLog &) = delete;
    LocalLog &operator=(const LocalLog &) = delete;

    Status createTopic(std::string_view topic, const TopicConfig &config) override;
    Result<TopicConfig> describeTopic(std::string_view topic) override;
    std::vector<std::string> listTopics() override;
    // Crash-safe: the topic directory is first renamed to a tombstone (see
    // FORMAT.md "Deleting a topic"), which open() removes, so a crash at any
    // point leaves either the whole topic or none of it. A failed rename or
    // directory sync makes the log failed (see Failure). If only removing the
    // tombstone's files fails, the topic is deleted all the same and that
    // error is returned; the next writable open() removes what is left.
    Status deleteTopic(std::string_view topic) override;

    Result<std::vector<AppendPosition>> append(std::string_view topic,
                                               std::span<const Record> records) override;
    Result<Offset> appendToPartition(std::string_view topic, PartitionId partition,
                                     std::span<const Record> records) override;
    // Queues the records in the partition's group commit without waiting:
    // the next durable append or waitDurable() on the partition writes and
    // syncs them with its own. Records still queued when the log closes are
    // dropped (none was acknowledged durable).
    Result<Offset> appendToPartitionDeferred(std::string_view topic, PartitionId partition,
                                             std::span<const Record> records) override;
    Status waitDurable(std::string_view topic, PartitionId partition, Offset end) override;

    Status read(std::string_view topic, PartitionId partition, Offset from, std::size_t maxBytes,
                RecordBatch &batch) override;
    Result<Offset> offsetForTime(std::string_view topic, PartitionId partition, WallTime t) override;
    Result<PartitionInfo> partitionInfo(std::string_view topic, PartitionId partition) override;

    // Deletes closed segments beyond the retention limits in every partition
    // and advances start offsets. Runs only when called (kappad calls it
    // periodically); safe concurrently with appends and reads (a reader
    // already inside a deleted segment finishes its read).
    Status enforceRetention();

    // Ok, or the Internal status that made the log failed.
    Status health() const;
    LocalLogStats stats() const;
    const std::string &directory() const;

    class Impl;

private:
    explicit LocalLog(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace kappa
