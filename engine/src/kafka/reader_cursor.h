// One read position in one partition on one consumer client, built on
// librdkafka's per-partition (legacy) consumer: consume_start at an offset,
// then the client prefetches in the background and the cursor hands records
// out in offset order. Moving the position is a seek, which drops the prefetch.
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

    // Fills batch (already reset to `from`) with the records from `from` on,
    // up to about maxBytes of payload (at least one record if any arrives).
    // Waits up to waitForFirst for the first record, then takes only what has
    // arrived. OutOfRange (and broken()) if the broker does not hold the
    // position; Unavailable for a fetch error (the client keeps retrying).
    Status fill(Offset from, std::size_t maxBytes, std::chrono::milliseconds waitForFirst, RecordBatch &batch);

    // The watermarks from the client's last fetch response, without asking
    // the broker; nullopt before the first response.
    std::optional<Watermarks> cachedWatermarks() const;

    // After an offset error the fetcher has stopped, and after a record out of
    // sequence (fill) the cursor is not to be trusted: it must be dropped (or
    // moved) before it reads again.
    bool broken() const { return m_broken; }
    rd_kafka_t *consumer() const { return m_consumer; }

private:
    // Appends to m_buffered what the client has prefetched, waiting up to
    // `wait` for the first message if there is none yet.
    void takePrefetched(std::chrono::milliseconds wait);
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
    std::deque<MessagePtr> m_buffered;   // taken from the client, not yet returned
    std::vector<Placement> m_placements; // scratch for fill(), kept for its capacity
};

} // namespace kappa::kafka
