// Topics through the Kafka Admin API and cluster metadata: create, describe,
// list, delete, and a cache of partition counts for the append and read paths.
//
// Threading: thread-safe. The cache is refreshed from a full metadata request
// when a topic is missing from it, so a topic created elsewhere is found on
// first use; a topic deleted elsewhere stays cached until deleteTopic here or
// until Kafka reports it unknown to the call that uses it.
#pragma once

#include "kappa/kafka_log.h"

#include <librdkafka/rdkafka.h>

#include <map>
#include <shared_mutex>

namespace kappa::kafka {

class TopicCatalog
{
public:
    // `client` may be any librdkafka client; it must outlive the catalog.
    TopicCatalog(rd_kafka_t *client, const KafkaLogConfig &config);

    // The partition count; NotFound if the topic does not exist.
    Result<std::int32_t> partitionCount(std::string_view topic);
    // Ok if the topic exists and has the partition; NotFound or InvalidArgument otherwise.
    Status checkPartition(std::string_view topic, PartitionId partition);

    Status create(std::string_view topic, std::int32_t partitions,
                  const std::map<std::string, std::string> &topicConfigs);
    Result<TopicConfig> describe(std::string_view topic);
    // Sorted, without Kafka's internal "__" topics.
    Result<std::vector<std::string>> list();
    Status remove(std::string_view topic);

private:
    using TopicMap = std::map<std::string, std::int32_t, std::less<>>;
    // Every topic the cluster reports, fresh; also replaces the cache.
    Result<TopicMap> fetchTopics();
    // Polls metadata until the topic is listed (or not), bounded by the request timeout.
    Status waitUntilListed(std::string_view topic, bool listed);

    rd_kafka_t *m_client;
    std::chrono::milliseconds m_requestTimeout;
    std::int16_t m_replicationFactor;
    std::shared_mutex m_cacheMutex;
    TopicMap m_cache;
};

} // namespace kappa::kafka
