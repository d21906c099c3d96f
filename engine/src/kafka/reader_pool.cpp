#include "kafka/reader_pool.h"

#include "kafka/client_config.h"
#include "kafka/errors.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>

namespace kappa::kafka {

ReaderPool::ReaderPool(const KafkaLogConfig &config, rd_kafka_t *offsetsClient)
    : m_config(config)
    , m_offsetsClient(offsetsClient)
{
    m_clients.resize(static_cast<std::size_t>(config.readerHandles));
}

ReaderPool::~ReaderPool()
{
    m_slots.clear();
    // rd_kafka_destroy waits until every partition reference is released,
    // and librdkafka 2.0 can keep one it never releases (seen for partitions
    // of deleted topics under load). Each client is destroyed on a thread of
    // its own; past closeTimeout the ones still waiting are abandoned (and
    // leak) rather than block the destructor, as kafka_log.h promises.
    std::vector<std::future<void>> destroyed;
    for (ClientPtr &client : m_clients) {
        if (!client)
            continue;
        std::packaged_task<void()> destroy([raw = client.release()] { rd_kafka_destroy(raw); });
        destroyed.push_back(destroy.get_future());
        std::thread(std::move(destroy)).detach();
    }
    const auto deadline = std::chrono::steady_clock::now() + m_config.closeTimeout;
    for (std::future<void> &done : destroyed)
        done.wait_until(deadline);
}

Result<rd_kafka_t *> ReaderPool::client(std::size_t index)
{
    if (!m_clients[index]) {
        KafkaLogConfig config = m_config;
        config.clientId += "-reader-" + std::to_string(index);
        KAPPA_ASSIGN_OR_RETURN(ConfPtr conf, consumerConf(config));
        char error[512] = {};
        m_clients[index].reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error, sizeof error));
        if (!m_clients[index])
            return Status::invalidArgument(std::string("creating a Kafka reader: ") + error);
        conf.release(); // owned by the client now
    }
    return m_clients[index].get();
}

void ReaderPool::eraseSlot(Slot *slot)
{
    auto it = std::find_if(m_slots.begin(), m_slots.end(), [&](const auto &s) { return s.get() == slot; });
    m_slots.erase(it);
}

Result<ReaderPool::Lease> ReaderPool::acquire(const std::string &topic, PartitionId partition, Offset from)
{
    std::unique_lock lock(m_mutex);
    const std::size_t clientCount = m_clients.size();
    while (true) {
        Slot *exact = nullptr;
        Slot *oldestOfPartition = nullptr; // idle
        Slot *oldest = nullptr;            // idle, any partition
        std::vector<bool> clientHasPartition(clientCount, false);
        std::vector<std::size_t> load(clientCount, 0);
        for (const auto &owned : m_slots) {
            Slot *slot = owned.get();
            ++load[slot->client];
            const bool samePartition = slot->topic == topic && slot->partition == partition;
            if (samePartition)
                clientHasPartition[slot->client] = true;
            if (slot->leased || slot->discard)
                continue;
            if (samePartition && slot->positioned && slot->next == from && !slot->cursor->broken())
                exact = slot;
            if (samePartition && (!oldestOfPartition || slot->lastUse < oldestOfPartition->lastUse))
                oldestOfPartition = slot;
            if (!oldest || slot->lastUse < oldest->lastUse)
                oldest = slot;
        }
        if (exact) {
            exact->leased = true;
            ++m_stats.sequentialReads;
            return Lease{exact, true};
        }
        std::optional<std::size_t> freeClient;
        for (std::size_t i = 0; i < clientCount; ++i) {
            if (!clientHasPartition[i] && (!freeClient || load[i] < load[*freeClient]))
                freeClient = i;
        }
        if (freeClient) {
            if (m_slots.size() >= static_cast<std::size_t>(m_config.readerCursors)) {
                if (oldest) {
                    eraseSlot(oldest);
                    continue;
                }
            } else {
                KAPPA_ASSIGN_OR_RETURN(rd_kafka_t * consumer, client(*freeClient));
                auto slot = std::make_unique<Slot>();
                slot->cursor = std::make_unique<ReaderCursor>(consumer, topic, partition);
                slot->topic = topic;
                slot->partition = partition;
                slot->client = *freeClient;
                slot->leased = true;
                m_slots.push_back(std::move(slot));
                ++m_stats.cursorsOpened;
                return Lease{m_slots.back().get(), false};
            }
        }
        if (oldestOfPartition) {
            oldestOfPartition->leased = true;
            ++m_stats.cursorsMoved;
            return Lease{oldestOfPartition, false};
        }
        m_released.wait(lock);
    }
}

void ReaderPool::release(Slot *slot, bool keep, Offset next)
{
    std::lock_guard lock(m_mutex);
    slot->leased = false;
    if (!keep || slot->discard || slot->cursor->broken()) {
        eraseSlot(slot);
    } else {
        slot->next = next;
        slot->lastUse = ++m_useCounter;
    }
    m_released.notify_all();
}

Status ReaderPool::read(const std::string &topic, PartitionId partition, Offset from, std::size_t maxBytes,
                        RecordBatch &batch)
{
    batch.reset(from);
    KAPPA_ASSIGN_OR_RETURN(Lease lease, acquire(topic, partition, from));
    const Status status = readLeased(lease, from, maxBytes, batch);
    // Unavailable leaves the cursor where it was (the client retries the
    // fetch); after any other error its position is not worth keeping.
    const bool keep = status.isOk() || status.code() == StatusCode::Unavailable;
    release(lease.slot, keep && lease.slot->positioned, batch.nextOffset());
    return status;
}

Result<Watermarks> ReaderPool::moveSlot(Slot &slot, Offset from, const std::string &where)
{
    slot.positioned = false;
    KAPPA_ASSIGN_OR_RETURN(Watermarks marks, queryWatermarks(m_offsetsClient, slot.topic, slot.partition,
                                                             m_config.requestTimeout));
    if (from < marks.start)
        return Status::outOfRange(where + ": offset " + std::to_string(from.value())
                                  + " is below the start offset " + std::to_string(marks.start.value()));
    if (from > marks.end)
        return Status::outOfRange(where + ": offset " + std::to_string(from.value())
                                  + " is past the end offset " + std::to_string(marks.end.value()));
    KAPPA_RETURN_IF_ERROR(slot.cursor->moveTo(from, m_config.requestTimeout));
    slot.positioned = true;
    return marks;
}

Status ReaderPool::readLeased(Lease lease, Offset from, std::size_t maxBytes, RecordBatch &batch)
{
    using Until = ReaderCursor::Wait::Until;
    Slot &slot = *lease.slot;
    ReaderCursor &cursor = *slot.cursor;
    const std::string where = slot.topic + "[" + std::to_string(slot.partition.value()) + "]";
    std::optional<Watermarks> marks;
    if (lease.sequential) {
        // The last fetch response tells whether records are due; no request.
        marks = cursor.cachedWatermarks();
    } else {
        KAPPA_ASSIGN_OR_RETURN(marks, moveSlot(slot, from, where));
    }
    // Below the end, records exist, or offsets that hold none up to the next
    // one or the end (transaction markers, aborted or compacted records),
    // which the client reports; the wait is for the fetch round trip. At the
    // end, wait only briefly for new records.
    ReaderCursor::Wait wait{Until::Record, m_config.emptyReadWait};
    if (marks && from < marks->end) {
        wait = lease.sequential ? ReaderCursor::Wait{Until::RecordOrReportedEnd, m_config.requestTimeout}
                                : ReaderCursor::Wait{Until::LeaderEnd, m_config.requestTimeout, marks->end};
    }
    KAPPA_RETURN_IF_ERROR(cursor.fill(from, maxBytes, wait, batch));
    if (!batch.empty())
        return Status::ok();
    // No record from `from` up to position, which is beyond `from` if the
    // client reported the offsets in between to hold none.
    Offset position = batch.nextOffset();
    if (lease.sequential && (wait.until == Until::Record || cursor.reportedEndAt(position))) {
        // The end by the client's view: its cached high watermark is the one
        // of its last fetch response, and its end-of-partition event may be
        // older still. Either may predate an append that has since returned
        // (the client's next fetch, held by the broker, may not have come
        // back yet). Answering "end" then would hide durable records
        // (EventLog::append's contract), so ask the leader before doing so.
        // (The client's high watermark may also lie beyond the last stable
        // offset, which ends what a read_committed reader gets while a
        // transaction is open; the leader names the latter as the end.)
        KAPPA_ASSIGN_OR_RETURN(marks, queryWatermarks(m_offsetsClient, slot.topic, slot.partition,
                                                      m_config.requestTimeout));
        if (position >= marks->end)
            return Status::ok();
        wait = ReaderCursor::Wait{Until::LeaderEnd, m_config.requestTimeout, marks->end};
        KAPPA_RETURN_IF_ERROR(cursor.fill(position, maxBytes, wait, batch));
        if (!batch.empty())
            return Status::ok();
        position = batch.nextOffset();
    }
    // Records were due and none came, nor did the client report the offsets
    // up to the end to hold none: the fetch is not progressing.
    if ((wait.until == Until::LeaderEnd && position < wait.leaderEnd)
        || wait.until == Until::RecordOrReportedEnd)
        return Status::unavailable(where + ": no records arrived at offset " + std::to_string(position.value())
                                   + " within " + std::to_string(wait.timeout.count())
                                   + " ms although the end offset is " + std::to_string(marks->end.value()));
    return Status::ok();
}

void ReaderPool::forgetTopic(std::string_view topic)
{
    std::lock_guard lock(m_mutex);
    std::vector<Slot *> idle;
    for (const auto &slot : m_slots) {
        if (slot->topic != topic)
            continue;
        if (slot->leased)
            slot->discard = true;
        else
            idle.push_back(slot.get());
    }
    for (Slot *slot : idle)
        eraseSlot(slot);
}

KafkaLogStats ReaderPool::stats() const
{
    std::lock_guard lock(m_mutex);
    return m_stats;
}

} // namespace kappa::kafka
