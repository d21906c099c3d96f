#include "kafka/offsets.h"

#include "kafka/errors.h"
#include "kafka/handles.h"

namespace kappa::kafka {

namespace {

std::string partitionName(const std::string &topic, PartitionId partition)
{
    return topic + "[" + std::to_string(partition.value()) + "]";
}

} // namespace

Result<Watermarks> queryWatermarks(rd_kafka_t *client, const std::string &topic, PartitionId partition,
                                   std::chrono::milliseconds timeout)
{
    std::int64_t low = -1;
    std::int64_t high = -1;
    const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(client, topic.c_str(), partition.value(),
                                                                     &low, &high,
                                                                     static_cast<int>(timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        return errorStatus(err, "watermarks of " + partitionName(topic, partition));
    return Watermarks{Offset(low), Offset(high)};
}

Result<Offset> queryOffsetForTime(rd_kafka_t *client, const std::string &topic, PartitionId partition,
                                  WallTime t, std::chrono::milliseconds timeout)
{
    PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
    // ListOffsets takes the timestamp in the offset field.
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition.value())->offset = t.value();
    rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(client, list.get(),
                                                         static_cast<int>(timeout.count()));
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
        err = list->elems[0].err;
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
