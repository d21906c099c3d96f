// The idempotent producer behind KafkaLog::append: enqueues records, waits
// for their delivery reports and turns them into offsets or a Status.
//
// Threading: append calls run concurrently. Per partition, one call at a time
// enqueues (a striped mutex), so the records a call sends to one partition get
// contiguous offsets; waiting for delivery happens outside that mutex, so
// appenders to one partition share in-flight batches. A dedicated thread polls
// the client and serves delivery reports, waking the waiting appenders.
#pragma once

#include "kafka/handles.h"
#include "kappa/kafka_log.h"

#include <array>
#include <atomic>
#include <mutex>
#include <thread>

namespace kappa::kafka {

class Producer
{
public:
    // Creates the client and starts its poll thread. Connects lazily.
    static Result<std::unique_ptr<Producer>> create(const KafkaLogConfig &config);
    // Waits up to closeTimeout for records in flight, abandons the rest, and
    // stops the poll thread. No append may run concurrently.
    ~Producer();
    Producer(const Producer &) = delete;
    Producer &operator=(const Producer &) = delete;

    // For metadata, admin and offset requests, which any client can send.
    rd_kafka_t *client() const { return m_client.get(); }

    // partitions[i] is where records[i] goes; the caller checked that they exist.
    Result<std::vector<AppendPosition>> append(std::string_view topic, std::span<const Record> records,
                                               std::span<const PartitionId> partitions);

    // The partition librdkafka's murmur2_random partitioner picks for key.
    static PartitionId partitionForKey(std::string_view key, std::int32_t partitionCount);

    struct Delivery; // one record's report; public for the C callback
    struct PendingAppend;

private:
    Producer(ClientPtr client, const KafkaLogConfig &config);
    void pollLoop();
    std::mutex &enqueueMutex(std::string_view topic, PartitionId partition);
    // Enqueues records[indexes...] to one partition; returns how many were enqueued.
    Status enqueue(std::string_view topic, PartitionId partition, std::span<const Record> records,
                   std::span<const std::size_t> indexes, std::span<Delivery> deliveries,
                   std::size_t *enqueued);

    static constexpr std::size_t kEnqueueStripes = 64;

    ClientPtr m_client;
    std::chrono::milliseconds m_closeTimeout;
    std::array<std::mutex, kEnqueueStripes> m_enqueueMutexes;
    std::atomic<bool> m_stopPolling{false};
    std::thread m_pollThread;
};

} // namespace kappa::kafka
