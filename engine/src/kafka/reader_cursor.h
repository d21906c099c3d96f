// One read position in one partition on one consumer client, built on
// librdkafka's per-partition (legacy) consumer: consume_start at an offset,
// then the client prefetches in the background and the cursor hands records
// out in offset order. Moving the position is a seek, which drops the prefetch.
//
// Offsets may hold no record for a reader: transaction markers, records of
// aborted transactions (the client reads read_committed) and, on compacted
// topics, records compacted away. The client skips them, so records may
// follow each other with gaps, and its end-of-partition event (an offset it
// fetched up to and found nothing more) tells that no record exists before
// that offset even when no record comes at all.
//
// Threading: a cursor is used by one thread at a time (ReaderPool leases it).
// Lifetime: destroy the cursor before its client; a client waits for every
// message it handed out, so the cursor releases its buffered messages first.
#pragma once

#include "kafka/handles.h"
#include "kafka/offsets.h"
#include "kappa/event_log.h"

#include <chrono>
#include <deque>
#include <optional>

namespace kappa::kafka {

class ReaderCursor
{
public:
    ReaderCursor(rd_kafka_t *consumer, const std::string &topic, PartitionId partition);
    ~ReaderCursor();
    ReaderCursor(const ReaderCursor &) = delete;
    ReaderCursor &operator=(const ReaderCursor &) = delete;

    // Starts fetching at `from`, or moves there if already started.
    Status moveTo(Offset from, std::chrono::milliseconds timeout);

    // How long fill() waits while it has no record yet, and for what.
    struct Wait
    {
        enum class Until {
            // A record: at the end of the partition, one appended meanwhile.
            Record,
            // A record, or the client's end-of-partition event at the
            // position (now or earlier; see reportedEndAt()): records were
            // thought due by the client's view, which the event corrects.
            RecordOrReportedEnd,
            // A record, or the position reaching leaderEnd, the end offset
            // the leader named during this read: end events below it may
            // predate the leader's answer and do not end the wait.
            LeaderEnd,
        };
        Until until;
        std::chrono::milliseconds timeout;
        Offset leaderEnd{}; // for Until::LeaderEnd
    };

    // Fills batch (already reset to `from`) with the records from `from` on,
    // up to about maxBytes of payload (at least one record if any arrives),
    // and sets its next offset: one past the last record, or past the offsets
    // the client reported to hold no record (an end-of-partition event beyond
    // the position), so it may be beyond `from` with the batch empty.
    // Waits as `wait` says for the first record, then takes only what has
    // arrived. OutOfRange (and broken()) if the broker does not hold the
    // position; Unavailable for a fetch error (the client keeps retrying).
    Status fill(Offset from, std::size_t maxBytes, const Wait &wait, RecordBatch &batch);

    // Whether the client's last end-of-partition event since the cursor was
    // positioned is at or beyond `position`: by the client's last fetch, no
    // record exists from there on (yet).
    bool reportedEndAt(Offset position) const { return m_reportedEnd && *m_reportedEnd >= position.value(); }

    // The watermarks from the client's last fetch response, without asking
    // the broker; nullopt before the first response.
    std::optional<Watermarks> cachedWatermarks() const;

    // After an offset error the fetcher has stopped: the cursor must be
    // dropped (or moved) before it reads again.
    bool broken() const { return m_broken; }
    rd_kafka_t *consumer() const { return m_consumer; }

private:
    // Appends to m_buffered what the client has prefetched, waiting up to
    // `wait` for the first message if there is none yet.
    void takePrefetched(std::chrono::milliseconds wait);
    // Whether fill() at `position`, with no record yet, is to wait for one.
    bool awaitsRecord(std::int64_t position, const Wait &wait) const;
    void dropBuffered() { m_buffered.clear(); }

    struct Placement
    {
        std::int64_t offset;
        std::int64_t time;
        std::size_t keyPos, keySize, valuePos, valueSize;
    };

    rd_kafka_t *m_consumer;
    std::string m_topicName;
    PartitionId m_partition;
    TopicPtr m_topic;
    bool m_started = false;
    bool m_broken = false;
    // The offset of the client's last end-of-partition event since moveTo.
    std::optional<std::int64_t> m_reportedEnd;
    std::deque<MessagePtr> m_buffered;   // taken from the client, not yet returned
    std::vector<Placement> m_placements; // scratch for fill(), kept for its capacity
};

} // namespace kappa::kafka
