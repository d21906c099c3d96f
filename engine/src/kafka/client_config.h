// Builds the librdkafka configurations of KafkaLog's clients from a
// KafkaLogConfig, so every property KafkaLog depends on is set in one place.
#pragma once

#include "kafka/handles.h"
#include "kappa/kafka_log.h"

namespace kappa::kafka {

// InvalidArgument naming the field if a KafkaLogConfig value is out of range.
Status validateConfig(const KafkaLogConfig &config);

// The idempotent producer (acks=all, murmur2_random partitioner, batching and
// compression from config), also used for metadata and admin requests.
// InvalidArgument with librdkafka's text for a property it rejects.
Result<ConfPtr> producerConf(const KafkaLogConfig &config);

// A reader: legacy per-partition consumer without a group, that reports a
// position outside the partition as an error rather than jumping elsewhere.
Result<ConfPtr> consumerConf(const KafkaLogConfig &config);

} // namespace kappa::kafka
