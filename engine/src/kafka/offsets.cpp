#include "kafka/offsets.h"

#include "kafka/errors.h"
#include "kafka/handles.h"

#include <algorithm>
#include <thread>

namespace kappa::kafka {

namespace {

constexpr std::chrono::milliseconds kLeaderRetryDelay{50};

std::string partitionName(const std::string &topic, PartitionId partition)
{
    return topic + "[" + std::to_string(partition.value()) + "]";
}

// Errors a partition reports while its leader is still being elected or
// loaded (right after createTopic, or a broker restart): worth asking again.
bool leaderNotReady(rd_kafka_resp_err_t err)
{
    return err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION || err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE
           || err == RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH;
}

// Runs query(remaining ms) until it succeeds, fails otherwise than with
// leaderNotReady(), or the timeout runs out.
template<typename Query>
rd_kafka_resp_err_t retryWhileNoLeader(std::chrono::milliseconds timeout, Query query)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        const rd_kafka_resp_err_t err = query(static_cast<int>(std::max<std::int64_t>(remaining.count(), 1)));
        if (!leaderNotReady(err) || remaining <= kLeaderRetryDelay)
            return err;
        std::this_thread::sleep_for(kLeaderRetryDelay);
    }
}

} // namespace

Result<Watermarks> queryWatermarks(rd_kafka_t *client, const std::string &topic, PartitionId partition,
                                   std::chrono::milliseconds timeout)
{
    std::int64_t low = -1;
    std::int64_t high = -1;
    const rd_kafka_resp_err_t err = retryWhileNoLeader(timeout, [&](int timeoutMs) {
        return rd_kafka_query_watermark_offsets(client, topic.c_str(), partition.value(), &low, &high,
                                                timeoutMs);
    });
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        return errorStatus(err, "watermarks of " + partitionName(topic, partition));
    return Watermarks{Offset(low), Offset(high)};
}

Result<Offset> queryOffsetForTime(rd_kafka_t *client, const std::string &topic, PartitionId partition,
                                  WallTime t, std::chrono::milliseconds timeout)
{
    PartitionListPtr list;
    const rd_kafka_resp_err_t err = retryWhileNoLeader(timeout, [&](int timeoutMs) {
        list.reset(rd_kafka_topic_partition_list_new(1));
        // ListOffsets takes the timestamp in the offset field.
        rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition.value())->offset = t.value();
        const rd_kafka_resp_err_t requestErr = rd_kafka_offsets_for_times(client, list.get(), timeoutMs);
        return requestErr != RD_KAFKA_RESP_ERR_NO_ERROR ? requestErr : list->elems[0].err;
    });
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        return errorStatus(err, "offset for time " + std::to_string(t.value()) + " in "
                                    + partitionName(topic, partition));
    if (list->elems[0].offset >= 0)
        return Offset(list->elems[0].offset);
    // No record at or after t: the contract's answer is the end offset.
    KAPPA_ASSIGN_OR_RETURN(Watermarks marks, queryWatermarks(client, topic, partition, timeout));
    return marks.end;
}

} // namespace kappa::kafka
