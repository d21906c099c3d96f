// Offset queries against the brokers: watermarks and offsets by timestamp.
#pragma once

#include "kappa/status.h"
#include "kappa/types.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <string>

namespace kappa::kafka {

// [start, end) of a partition as its leader reports it now.
struct Watermarks
{
    Offset start;
    Offset end; // the high watermark: one past the last replicated record
};

// Asks the partition leader; Unavailable if it does not answer within timeout.
Result<Watermarks> queryWatermarks(rd_kafka_t *client, const std::string &topic, PartitionId partition,
                                   std::chrono::milliseconds timeout);

// The first offset whose message timestamp is >= t (Kafka's ListOffsets by
// time), or the end offset if there is none.
Result<Offset> queryOffsetForTime(rd_kafka_t *client, const std::string &topic, PartitionId partition,
                                  WallTime t, std::chrono::milliseconds timeout);

} // namespace kappa::kafka
