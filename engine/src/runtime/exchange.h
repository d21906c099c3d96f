// Exchange: moves records between the stages of a job through a topic of the
// log (a rekey topic), so that each record reaches the task that owns its key,
// and hands them to that task in an order that depends on the log contents
// alone.
//
// Why an order is needed: several upstream tasks append to one partition of a
// rekey topic at the same time, so the order of records in it depends on
// thread scheduling. A downstream aggregate whose output depends on arrival
// order (a merchant's count at the moment of each payment, a running z-score)
// would then differ between two runs over the same log.
//
// The protocol (all stamps are functions of the upstream's input):
// - Upstream task u stamps each record with (epoch, u, seq). seq is u's own
//   position (a source offset, or a counter it checkpoints), increasing.
//   epoch = floor(u's max event time so far / epoch length), so it never
//   decreases along seq.
// - After its records, u appends to every partition a marker "all my further
//   records have epoch >= E" once E has advanced.
// - The downstream buffers records and releases, in (epoch, u, seq) order,
//   each record whose epoch is below every upstream's latest marker. A record
//   precedes in its partition the marker that closes its epoch (u appends
//   both, in that order), so every record of a released epoch has been seen:
//   the released sequence is the same for every interleaving.
// - A record whose seq is not above the last one accepted from its upstream
//   is a duplicate (u re-emitting after a crash) and is dropped.
//
// Event time moves only with events: an upstream partition without events
// holds back every downstream release (as a lagging one does). A bounded run
// (`kappactl run --until-caught-up`) ends with flush(), which releases the
// rest in the same order; records that arrive later for an epoch already
// flushed are released at the next release() in (epoch, u, seq) order among
// those then buffered.
//
// Threading: an ExchangeWriter belongs to one upstream task, an ExchangeMerge
// to one downstream task; neither is thread-safe.
#pragma once

#include "kappa/event_log.h"
#include "kappa/status.h"
#include "kappa/types.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::runtime {

// Event time (ms) to exchange epoch; floor division, so negative times work too.
std::int64_t epochOf(std::int64_t maxEventTimeMs, std::int64_t epochMs);

class ExchangeWriter
{
public:
    // Writes to `topic` (which has `partitions` partitions) as upstream number `upstream`.
    ExchangeWriter(EventLog &log, std::string topic, std::int32_t partitions, std::int32_t upstream);

    // Queues a record for the partition of `key` (Kafka's partitioner).
    void add(std::string_view key, std::int64_t seq, std::int64_t epoch, WallTime sourceAppendTime,
             std::string_view payload);
    // Announces that every further record will have an epoch >= epoch; queued
    // for every partition if it advances the last announcement.
    void closeEpochsBelow(std::int64_t epoch);
    // Appends what is queued, partition by partition (records, then the
    // marker), each append durable before the next.
    Status flush();
    // The same without waiting for durability (EventLog::appendToPartitionDeferred):
    // the downstream sees the records once they are durable, through another
    // writer's sync of the partition or settle(). A caught-up upstream's
    // appends so share syncs with the other upstreams' (the eight route
    // tasks of fraud each append a marker to each partition whenever event
    // time passes an epoch; one fdatasync each cost 0.3 of a core at 200K
    // events/s).
    Status flushDeferred();
    // Appended records not known to be durable yet.
    bool unsettled() const { return !m_unsettled.empty(); }
    // Waits until the deferred appends are durable if the oldest is at least
    // `age` old (0: now); returns how many records (markers included) it
    // settled, some of which another writer's sync may have made durable already.
    Result<std::size_t> settle(std::chrono::steady_clock::duration age);
    // What a checkpoint waits for before its commit: the deferred appends so
    // far are durable. Runs on any thread (it holds a copy of their ends).
    std::function<Status()> durability() const;

    std::int64_t announcedEpoch() const { return m_announced; }
    const std::string &topic() const { return m_topic; }

private:
    struct Pending
    {
        std::vector<std::string> keys;
        std::vector<std::string> values;
    };
    // One partition's deferred appends: the offset they reach, and how many records.
    struct Unsettled
    {
        PartitionId partition;
        Offset end;
        std::size_t records = 0;
    };
    // Appends what is queued with `appendOne(partition, records)`.
    template<typename AppendOne>
    Status appendQueued(AppendOne appendOne);

    EventLog &m_log;
    const std::string m_topic;
    const std::int32_t m_upstream;
    std::vector<Pending> m_pending; // by partition
    std::int64_t m_announced = std::numeric_limits<std::int64_t>::min();
    bool m_markerPending = false;
    std::vector<Unsettled> m_unsettled; // at most one per partition
    std::chrono::steady_clock::time_point m_oldestUnsettled;
};

// A record handed to the downstream task, in release order.
struct ReleasedRecord
{
    std::int32_t upstream = 0;
    std::int64_t seq = 0;
    std::int64_t epoch = 0;
    WallTime sourceAppendTime;
    std::string_view payload; // valid during the callback
    // 0, 1, 2, ... over the whole life of the merge: a position in the
    // released (deterministic) sequence, used as the view position.
    std::int64_t ordinal = 0;
};

class ExchangeMerge
{
public:
    static constexpr std::size_t kDefaultMaxBuffered = 2'000'000;

    // A merge of `upstreams` upstream tasks, numbered 0..upstreams-1.
    explicit ExchangeMerge(std::int32_t upstreams, std::size_t maxBuffered = kDefaultMaxBuffered);

    // Takes one record read from the topic at `offset`. Corruption for bytes
    // that are not an exchange record or name an unknown upstream;
    // ResourceExhausted when the buffer holds maxBuffered records (an
    // upstream far behind the others in event time, or without events).
    Status add(Offset offset, std::string_view value);

    using Visitor = std::function<Status(const ReleasedRecord &)>;
    // Hands every releasable record to visit, in order; stops at the first error.
    Status release(const Visitor &visit);
    // Hands every buffered record to visit, in order (the end of a bounded run).
    Status flush(const Visitor &visit);

    // Where to read again after a restart: the oldest buffered record's
    // offset, or `nextOffset` when nothing is buffered.
    Offset restartOffset(Offset nextOffset) const;
    std::size_t buffered() const { return m_buffer.size(); }
    std::uint64_t duplicatesDropped() const { return m_duplicates; }
    std::int64_t releasedCount() const { return m_ordinal; }
    // Epochs below this are released: the minimum over the upstreams' markers.
    std::int64_t frontier() const;

    // Checkpoint form: the per-upstream markers and released positions and
    // the release counter (the buffer is not stored: a restart re-reads it
    // from restartOffset()). parse rejects truncated, trailing or mismatched bytes.
    void serialize(std::string &out) const;
    static Result<ExchangeMerge> parse(std::string_view bytes, std::int32_t upstreams,
                                       std::size_t maxBuffered = kDefaultMaxBuffered);

private:
    struct Key
    {
        std::int64_t epoch;
        std::int32_t upstream;
        std::int64_t seq;
        auto operator<=>(const Key &) const = default;
    };
    struct Entry
    {
        Offset offset;
        WallTime sourceAppendTime;
        std::string payload;
    };
    struct Upstream
    {
        std::int64_t closedBelow = std::numeric_limits<std::int64_t>::min();
        std::int64_t lastAccepted = -1; // seq
        std::int64_t lastReleased = -1; // seq
    };

    Status releaseBelow(std::int64_t epochLimit, const Visitor &visit);

    std::vector<Upstream> m_upstreams;
    std::size_t m_maxBuffered;
    std::map<Key, Entry> m_buffer;
    std::int64_t m_flushedBelow = std::numeric_limits<std::int64_t>::min();
    std::int64_t m_ordinal = 0;
    std::uint64_t m_duplicates = 0;
};

} // namespace kappa::runtime
