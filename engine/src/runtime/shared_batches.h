// SharedBatches: decoded batches of source partitions, shared by the source
// tasks of every job version that reads them. The three pipelines read the
// same events topic; without sharing each of them reads and decodes every
// event itself (reading and decoding were a sixth of the workers' time with
// all three in a catch-up).
//
// A source task that is about to read partition p from offset o with a
// budget of b bytes first looks for a batch that starts at o, was read with
// a budget of b (or a smaller one, if the batch still reached the end of the
// partition) and decoded by a codec over the same schema registry (each
// engine has its own codec); if there is one it takes it instead of reading. That batch is what its own read would have
// returned, or a prefix of it when the log grew in between: outputs never
// depend on batch boundaries, so sharing changes only who does the work. (A
// reader whose position retention deleted meanwhile may still take a kept
// batch from it: the same records it read before they were deleted.)
// Tasks that read the same partition at the same pace (one batch per step
// each, as the runtime steps them) meet at the same offsets, also live.
//
// Kept per partition: the few most recent batches. A batch is immutable
// while shared; once nobody holds it any more, it is reused for the next
// read, so steady-state reading does not allocate.
#pragma once

#include "kappa/event.h"
#include "kappa/event_codec.h"
#include "kappa/event_log.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace kappa::runtime {

// One read of a partition and, for the events topic, its decoding.
struct DecodedBatch
{
    Offset from{0};         // the offset the read started at
    Offset endAtRead{0};    // the partition's end offset the read saw
    std::size_t budget = 0; // the byte budget it was read with
    // The registry of the codec that decoded it (nullptr: not decoded). Not
    // the codec: a batch may outlive the engine whose codec decoded it.
    const SchemaRegistry *registry = nullptr;
    RecordBatch records;
    std::vector<Event> events;             // capacity reused; the first `decoded` are valid
    std::vector<std::size_t> eventRecords; // per decoded event, its index in records
    std::size_t decoded = 0;
    std::size_t skipped = 0; // records that did not decode
};

class SharedBatches
{
public:
    // batchesPerPartition: how many recent batches of each partition are kept.
    explicit SharedBatches(std::size_t batchesPerPartition = 3);

    // The kept batch of this partition reaching furthest that a read from `from` with
    // `budget` bytes would have returned when it was read (same budget, or a
    // smaller one that reached the end), decoded by a codec over `codec`'s
    // registry; nullptr if there is none.
    std::shared_ptr<const DecodedBatch> find(const EventLog &log, const std::string &topic,
                                             PartitionId partition, Offset from, std::size_t budget,
                                             const EventCodec &codec) const;
    // Keeps a decoded, non-empty batch for the other readers of its partition.
    void keep(const EventLog &log, const std::string &topic, PartitionId partition,
              std::shared_ptr<const DecodedBatch> batch);
    // A batch no one holds any more, to read into (nullptr: none spare).
    std::shared_ptr<DecodedBatch> takeSpare(const EventLog &log, const std::string &topic,
                                            PartitionId partition);

    // Counters for tests and benchmarks: reads served from a kept batch, and reads made.
    std::int64_t hits() const;
    std::int64_t misses() const;

private:
    using Key = std::tuple<const EventLog *, std::string, std::int32_t>;
    struct Partition
    {
        std::deque<std::shared_ptr<const DecodedBatch>> recent; // oldest first
        std::vector<std::shared_ptr<DecodedBatch>> spare;
    };

    const std::size_t m_batchesPerPartition;
    mutable std::mutex m_mutex;
    std::map<Key, Partition> m_partitions;
    mutable std::int64_t m_hits = 0;
    mutable std::int64_t m_misses = 0;
};

} // namespace kappa::runtime
