#include "kafka/producer.h"

#include "kafka/client_config.h"
#include "kafka/errors.h"

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <numeric>

namespace kappa::kafka {

// What a delivery report says about one record.
struct Producer::Delivery
{
    PendingAppend *pending = nullptr;
    std::int32_t partition = -1;
    std::int64_t offset = -1;
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

// One append call waiting for the reports of the records it enqueued.
// Invariant: every enqueued record gets exactly one report (librdkafka
// guarantees it, purges included), so the call never returns, and never
// frees its Delivery slots, while a report can still arrive.
struct Producer::PendingAppend
{
    std::mutex mutex;
    std::condition_variable allReported;
    std::size_t outstanding = 0;

    void forget(std::size_t count)
    {
        std::lock_guard lock(mutex);
        outstanding -= count;
    }
    void waitForReports()
    {
        std::unique_lock lock(mutex);
        allReported.wait(lock, [this] { return outstanding == 0; });
    }
};

namespace {

// Runs on the poll thread for every record the producer is done with.
void onDelivery(rd_kafka_t *, const rd_kafka_message_t *message, void *)
{
    auto *delivery = static_cast<Producer::Delivery *>(message->_private);
    delivery->partition = message->partition;
    delivery->offset = message->offset;
    delivery->error = message->err;
    Producer::PendingAppend &pending = *delivery->pending;
    // Notify under the lock: the waiter frees `pending` as soon as it sees zero.
    std::lock_guard lock(pending.mutex);
    if (--pending.outstanding == 0)
        pending.allReported.notify_all();
}

// librdkafka reads the key pointer to tell "no key" (nullptr) from an empty
// key; an empty string_view may carry nullptr, but an empty key is still a key.
const void *keyBytes(std::string_view key)
{
    static constexpr char kEmpty[] = "";
    return key.data() ? key.data() : kEmpty;
}

std::string partitionName(std::string_view topic, PartitionId partition)
{
    return std::string(topic) + "[" + std::to_string(partition.value()) + "]";
}

} // namespace

Result<std::unique_ptr<Producer>> Producer::create(const KafkaLogConfig &config)
{
    KAPPA_ASSIGN_OR_RETURN(ConfPtr conf, producerConf(config));
    rd_kafka_conf_set_dr_msg_cb(conf.get(), onDelivery);
    char error[512] = {};
    // rd_kafka_new takes ownership of conf only on success.
    ClientPtr client(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error, sizeof error));
    if (!client)
        return Status::invalidArgument(std::string("creating the Kafka producer: ") + error);
    conf.release();
    return std::unique_ptr<Producer>(new Producer(std::move(client), config));
}

Producer::Producer(ClientPtr client, const KafkaLogConfig &config)
    : m_client(std::move(client))
    , m_closeTimeout(config.closeTimeout)
    , m_pollThread([this] { pollLoop(); })
{}

Producer::~Producer()
{
    // flush() serves delivery reports itself and returns early once all are in.
    if (rd_kafka_flush(m_client.get(), static_cast<int>(m_closeTimeout.count()))
        != RD_KAFKA_RESP_ERR_NO_ERROR) {
        // Abandon what the cluster did not take in time, so destroying the
        // client does not wait for it.
        rd_kafka_purge(m_client.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_flush(m_client.get(), 100);
    }
    m_stopPolling.store(true);
    // Wakes the poll thread now rather than at its poll timeout.
    QueuePtr mainQueue(rd_kafka_queue_get_main(m_client.get()));
    rd_kafka_queue_yield(mainQueue.get());
    m_pollThread.join();
    rd_kafka_poll(m_client.get(), 0);
}

void Producer::pollLoop()
{
    // rd_kafka_poll returns as soon as it served a report, so the timeout only
    // bounds how long stopping takes.
    while (!m_stopPolling.load())
        rd_kafka_poll(m_client.get(), 100);
}

PartitionId Producer::partitionForKey(std::string_view key, std::int32_t partitionCount)
{
    // The partitioner only looks at the topic handle for keyless records,
    // and keyBytes() never passes one.
    return PartitionId(rd_kafka_msg_partitioner_murmur2_random(nullptr, keyBytes(key), key.size(),
                                                               partitionCount, nullptr, nullptr));
}

std::mutex &Producer::enqueueMutex(std::string_view topic, PartitionId partition)
{
    const std::size_t hash = std::hash<std::string_view>{}(topic) *31 + std::hash<PartitionId>{}(partition);
    return m_enqueueMutexes[hash % kEnqueueStripes];
}

Status Producer::enqueue(std::string_view topic, PartitionId partition, std::span<const Record> records,
                         std::span<const std::size_t> indexes, std::span<Delivery> deliveries,
                         std::size_t *enqueued)
{
    const std::string topicName(topic);
    std::lock_guard lock(enqueueMutex(topic, partition));
    for (std::size_t index : indexes) {
        const Record &record = records[index];
        rd_kafka_vu_t fields[6];
        fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
        fields[0].u.cstr = topicName.c_str();
        fields[1].vtype = RD_KAFKA_VTYPE_PARTITION;
        fields[1].u.i32 = partition.value();
        fields[2].vtype = RD_KAFKA_VTYPE_KEY;
        fields[2].u.mem.ptr = const_cast<void *>(keyBytes(record.key));
        fields[2].u.mem.size = record.key.size();
        fields[3].vtype = RD_KAFKA_VTYPE_VALUE;
        fields[3].u.mem.ptr = const_cast<char *>(record.value.data());
        fields[3].u.mem.size = record.value.size();
        // COPY: the caller's views only live for the call. BLOCK: a full
        // local queue is backpressure, not an error; the poll thread drains it.
        fields[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        fields[4].u.i = RD_KAFKA_MSG_F_COPY | RD_KAFKA_MSG_F_BLOCK;
        fields[5].vtype = RD_KAFKA_VTYPE_OPAQUE;
        fields[5].u.ptr = &deliveries[index];
        rd_kafka_error_t *error = rd_kafka_produceva(m_client.get(), fields, 6);
        if (error) {
            const Status status = errorStatus(rd_kafka_error_code(error),
                                              "append to " + partitionName(topic, partition) + ": "
                                                  + rd_kafka_error_string(error));
            rd_kafka_error_destroy(error);
            return status;
        }
        ++*enqueued;
    }
    return Status::ok();
}

Result<std::vector<AppendPosition>> Producer::append(std::string_view topic, std::span<const Record> records,
                                                     std::span<const PartitionId> partitions)
{
    char fatal[512] = {};
    if (const rd_kafka_resp_err_t err = rd_kafka_fatal_error(m_client.get(), fatal, sizeof fatal))
        return Status::internal("the Kafka producer failed permanently and must be reopened: "
                                + describeError(err) + ": " + fatal);

    // Enqueue partition by partition, so each partition's share of this call
    // is contiguous in it.
    std::vector<std::size_t> order(records.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return partitions[a] < partitions[b]; });

    PendingAppend pending;
    pending.outstanding = records.size();
    std::vector<Delivery> deliveries(records.size());
    for (Delivery &delivery : deliveries)
        delivery.pending = &pending;

    Status enqueueStatus;
    for (std::size_t begin = 0; begin < order.size();) {
        const PartitionId partition = partitions[order[begin]];
        std::size_t end = begin;
        while (end < order.size() && partitions[order[end]] == partition)
            ++end;
        std::size_t enqueued = 0;
        enqueueStatus = enqueue(topic, partition, records,
                                std::span<const std::size_t>(order).subspan(begin, end - begin), deliveries,
                                &enqueued);
        if (!enqueueStatus.isOk()) {
            // Nothing will report on records that never made it into the queue.
            pending.forget(order.size() - begin - enqueued);
            break;
        }
        begin = end;
    }
    pending.waitForReports();
    KAPPA_RETURN_IF_ERROR(enqueueStatus);

    std::vector<AppendPosition> positions;
    positions.reserve(records.size());
    for (const Delivery &delivery : deliveries) {
        const PartitionId partition(delivery.partition);
        if (delivery.error != RD_KAFKA_RESP_ERR_NO_ERROR)
            return errorStatus(delivery.error,
                               "append to " + partitionName(topic, partition) + ": delivery failed");
        positions.push_back(AppendPosition{partition, Offset(delivery.offset)});
    }
    return positions;
}

} // namespace kappa::kafka
