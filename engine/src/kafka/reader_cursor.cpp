#include "kafka/reader_cursor.h"

#include "kafka/errors.h"

#include <algorithm>
#include <array>

namespace kappa::kafka {

namespace {

// Messages taken from the client per call; only bounds a stack array.
constexpr std::size_t kTakeAtOnce = 256;

// A null key or payload (a Kafka "null") reads back as empty.
void appendBytes(std::string &buffer, const void *bytes, std::size_t size)
{
    if (size > 0)
        buffer.append(static_cast<const char *>(bytes), size);
}

} // namespace

ReaderCursor::ReaderCursor(rd_kafka_t *consumer, const std::string &topic, PartitionId partition)
    : m_consumer(consumer)
    , m_topicName(topic)
    , m_partition(partition)
    // Topic handles are reference counted per client, so cursors of one
    // topic on one client share the same object.
    , m_topic(rd_kafka_topic_new(consumer, topic.c_str(), nullptr))
{}

ReaderCursor::~ReaderCursor()
{
    dropBuffered();
    if (!m_started)
        return;
    rd_kafka_consume_stop(m_topic.get(), m_partition.value());
    // Whatever the fetcher queued after our last take (records, or an error
    // when the topic was just deleted) holds a reference to the partition, and
    // with it to the broker: left in the queue, it would make destroying the
    // client wait forever. Taking it now releases it.
    std::array<rd_kafka_message_t *, kTakeAtOnce> taken;
    ssize_t count;
    while ((count = rd_kafka_consume_batch(m_topic.get(), m_partition.value(), 0, taken.data(), taken.size()))
           > 0) {
        for (ssize_t i = 0; i < count; ++i)
            rd_kafka_message_destroy(taken[static_cast<std::size_t>(i)]);
    }
}

Status ReaderCursor::moveTo(Offset from, std::chrono::milliseconds timeout)
{
    dropBuffered();
    const std::string where = m_topicName + "[" + std::to_string(m_partition.value()) + "] at offset "
                              + std::to_string(from.value());
    if (!m_topic)
        return errorStatus(rd_kafka_last_error(), "reading " + where);
    if (!m_started) {
        if (rd_kafka_consume_start(m_topic.get(), m_partition.value(), from.value()) == -1)
            return errorStatus(rd_kafka_last_error(), "starting to read " + where);
        m_started = true;
    } else if (const rd_kafka_resp_err_t err = rd_kafka_seek(m_topic.get(), m_partition.value(), from.value(),
                                                             static_cast<int>(timeout.count()))) {
        return errorStatus(err, "seeking to " + where);
    }
    m_broken = false;
    m_reportedEnd.reset();
    return Status::ok();
}

void ReaderCursor::takePrefetched(std::chrono::milliseconds wait)
{
    std::array<rd_kafka_message_t *, kTakeAtOnce> taken;
    // consume_batch waits for a full array, so it only ever runs without a
    // timeout; waiting for the first message is consume()'s job.
    ssize_t count = rd_kafka_consume_batch(m_topic.get(), m_partition.value(), 0, taken.data(), taken.size());
    if (count == 0 && wait.count() > 0) {
        if (rd_kafka_message_t *first = rd_kafka_consume(m_topic.get(), m_partition.value(),
                                                         static_cast<int>(wait.count()))) {
            m_buffered.emplace_back(first);
            count = rd_kafka_consume_batch(m_topic.get(), m_partition.value(), 0, taken.data(), taken.size());
        }
    }
    for (ssize_t i = 0; i < count; ++i)
        m_buffered.emplace_back(taken[static_cast<std::size_t>(i)]);
}

bool ReaderCursor::awaitsRecord(std::int64_t position, const Wait &wait) const
{
    switch (wait.until) {
    case Wait::Until::Record: return true;
    case Wait::Until::RecordOrReportedEnd: return !reportedEndAt(Offset(position));
    case Wait::Until::LeaderEnd: return position < wait.leaderEnd.value();
    }
    return false;
}

Status ReaderCursor::fill(Offset from, std::size_t maxBytes, const Wait &wait, RecordBatch &batch)
{
    using namespace std::chrono;
    std::string &buffer = batch.buffer();
    m_placements.clear();
    std::size_t payload = 0;
    // Where the batch continues: every offset below it was handed out or
    // holds no record for this reader.
    std::int64_t next = from.value();
    const auto deadline = steady_clock::now() + wait.timeout;
    Status status;
    while (m_placements.empty() || payload < maxBytes) {
        if (m_buffered.empty()) {
            milliseconds waitNow(0);
            if (m_placements.empty() && awaitsRecord(next, wait))
                waitNow = std::max(duration_cast<milliseconds>(deadline - steady_clock::now()),
                                   milliseconds(0));
            takePrefetched(waitNow);
            if (m_buffered.empty())
                break;
        }
        const rd_kafka_message_t &message = *m_buffered.front();
        if (message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            // The client fetched up to message.offset and found nothing more.
            // It queued every record before that offset ahead of this event,
            // so the offsets from `next` up to there hold no record for this
            // reader; what follows in the queue comes from later fetches.
            m_reportedEnd = std::max(m_reportedEnd.value_or(message.offset), message.offset);
            next = std::max(next, message.offset);
            m_buffered.pop_front();
            continue;
        }
        if (message.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (!m_placements.empty())
                break; // return the records first, the error on the next call
            status = errorStatus(message.err, "reading " + m_topicName + "["
                                                  + std::to_string(m_partition.value()) + "] at offset "
                                                  + std::to_string(next) + ": "
                                                  + rd_kafka_message_errstr(&message));
            m_broken = status.code() == StatusCode::OutOfRange;
            m_buffered.pop_front();
            break;
        }
        // A fetch returns whole broker batches; skip what precedes the
        // position. A record beyond it is the next one there is: the client
        // delivers a partition's records in offset order from the position
        // it was started or moved to (moveTo drops what the cursor buffered,
        // and the client drops what it fetched before a seek), so the offsets
        // it passed over hold no record for this reader.
        if (message.offset >= next) {
            rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
            const std::int64_t time = rd_kafka_message_timestamp(&message, &type);
            Placement placement{message.offset, time < 0 ? 0 : time, buffer.size(), message.key_len, 0,
                                message.len};
            appendBytes(buffer, message.key, message.key_len);
            placement.valuePos = buffer.size();
            appendBytes(buffer, message.payload, message.len);
            payload += message.key_len + message.len;
            m_placements.push_back(placement);
            next = message.offset + 1;
        }
        m_buffered.pop_front();
    }
    // The views are made only now: appending above may have moved the buffer.
    auto &records = batch.records();
    records.reserve(m_placements.size());
    for (const Placement &p : m_placements) {
        records.push_back(RecordView{Offset(p.offset), WallTime(p.time),
                                     std::string_view(buffer.data() + p.keyPos, p.keySize),
                                     std::string_view(buffer.data() + p.valuePos, p.valueSize)});
    }
    batch.setNextOffset(Offset(next));
    return status;
}

std::optional<Watermarks> ReaderCursor::cachedWatermarks() const
{
    std::int64_t low = -1;
    std::int64_t high = -1;
    if (rd_kafka_get_watermark_offsets(m_consumer, m_topicName.c_str(), m_partition.value(), &low, &high)
            != RD_KAFKA_RESP_ERR_NO_ERROR
        || high < 0)
        return std::nullopt;
    return Watermarks{Offset(low), Offset(high)};
}

} // namespace kappa::kafka
