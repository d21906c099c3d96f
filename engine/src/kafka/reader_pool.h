// ReaderPool: the cursors behind KafkaLog::read, on a bounded set of
// consumer clients.
//
// A cursor is one (client, topic, partition) position; a librdkafka client
// can hold only one position per partition, so N clients allow N concurrent
// positions in one partition (the live job at the tail and replays from 0).
// read(from) leases, in this order:
//  1. an idle cursor of the partition whose next offset is `from`: a
//     sequential reader keeps its cursor and never seeks;
//  2. a new cursor on the least loaded client that has no cursor of the
//     partition (evicting the least recently used idle cursor at the limit);
//  3. the least recently used idle cursor of the partition, moved (a seek);
//  4. otherwise it waits until a cursor of the partition is released.
// A cursor that is new or moved first asks the leader for the watermarks, so
// a position outside [start, end] fails with OutOfRange before any fetch.
// A sequential read goes by the watermarks of the client's last fetch
// response, and asks the leader only when it found nothing: that response
// may predate an append that has returned, whose records must not be
// answered with "end of the partition".
// Offsets below the end may hold no record (transaction markers, aborted or
// compacted records): records then come with gaps, and where none comes
// before the end, the client's end-of-partition event moves the position
// past those offsets. An empty batch is thus the end as the leader named it
// during the call, its next offset possibly beyond `from`.
//
// Threading: thread-safe; the pool mutex guards only the cursor table, and
// reads through different cursors run in parallel.
#pragma once

#include "kafka/reader_cursor.h"
#include "kappa/kafka_log.h"

#include <condition_variable>
#include <mutex>

namespace kappa::kafka {

class ReaderPool
{
public:
    // Watermarks are asked through offsetsClient (which must outlive the
    // pool), not through the readers' clients: a broker answers a
    // connection's requests in order, so there they would queue behind a
    // fetch the broker holds for up to readerFetchWait.
    ReaderPool(const KafkaLogConfig &config, rd_kafka_t *offsetsClient);
    ~ReaderPool();
    ReaderPool(const ReaderPool &) = delete;
    ReaderPool &operator=(const ReaderPool &) = delete;

    // EventLog::read for a partition the caller checked exists.
    Status read(const std::string &topic, PartitionId partition, Offset from, std::size_t maxBytes,
                RecordBatch &batch);

    // Drops the cursors of a deleted topic (leased ones when released).
    void forgetTopic(std::string_view topic);

    KafkaLogStats stats() const;

private:
    struct Slot
    {
        std::unique_ptr<ReaderCursor> cursor;
        std::string topic;
        PartitionId partition;
        std::size_t client = 0;
        Offset next;             // the offset the cursor delivers next, once positioned
        bool positioned = false; // false until the first moveTo
        bool leased = false;
        bool discard = false;
        std::uint64_t lastUse = 0;
    };
    struct Lease
    {
        Slot *slot = nullptr;
        bool sequential = false;
    };

    Result<Lease> acquire(const std::string &topic, PartitionId partition, Offset from);
    void release(Slot *slot, bool keep, Offset next);
    // Under m_mutex: the consumer client `index`, created on first use.
    Result<rd_kafka_t *> client(std::size_t index);
    // Under m_mutex: destroys an idle slot's cursor and removes it.
    void eraseSlot(Slot *slot);
    // Positions a new or moved cursor at `from` after asking the leader for
    // the watermarks (returned): OutOfRange outside [start, end].
    Result<Watermarks> moveSlot(Slot &slot, Offset from, const std::string &where);
    Status readLeased(Lease lease, Offset from, std::size_t maxBytes, RecordBatch &batch);

    KafkaLogConfig m_config;
    rd_kafka_t *m_offsetsClient;
    mutable std::mutex m_mutex;
    std::condition_variable m_released;
    // Declared before m_slots: cursors must be destroyed before their clients.
    std::vector<ClientPtr> m_clients;
    std::vector<std::unique_ptr<Slot>> m_slots;
    std::uint64_t m_useCounter = 0;
    KafkaLogStats m_stats;
};

} // namespace kappa::kafka
