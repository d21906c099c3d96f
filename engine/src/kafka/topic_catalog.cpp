#include "kafka/topic_catalog.h"

#include "kafka/errors.h"
#include "kafka/handles.h"

#include <functional>
#include <mutex>
#include <thread>

namespace kappa::kafka {

namespace {

constexpr std::int32_t kMaxPartitions = 1024;

// The EventLog rule (same as LocalLog), stricter than Kafka's own, so a topic
// name valid for one log is valid for the other.
Status validateName(std::string_view name)
{
    bool ok = !name.empty() && name.size() <= 200 && name != "." && name != "..";
    for (char c : name) {
        ok = ok
             && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                 || c == '_' || c == '-');
    }
    if (!ok)
        return Status::invalidArgument("topic name '" + std::string(name)
                                       + "' must be 1..200 characters of [A-Za-z0-9._-] and not . or ..");
    return Status::ok();
}

Status notFound(std::string_view topic)
{
    return Status::notFound("topic " + std::string(topic) + " does not exist");
}

// Sends one admin request and waits for its result event, bounded by the
// request timeout (the admin options make librdkafka time out first).
Result<EventPtr> runAdmin(rd_kafka_t *client, rd_kafka_admin_op_t op, std::chrono::milliseconds timeout,
                          const std::function<void(const rd_kafka_AdminOptions_t *, rd_kafka_queue_t *)> &send)
{
    QueuePtr queue(rd_kafka_queue_new(client));
    AdminOptionsPtr options(rd_kafka_AdminOptions_new(client, op));
    char error[512] = {};
    const int timeoutMs = static_cast<int>(timeout.count());
    if (rd_kafka_AdminOptions_set_request_timeout(options.get(), timeoutMs, error, sizeof error)
            != RD_KAFKA_RESP_ERR_NO_ERROR
        || rd_kafka_AdminOptions_set_operation_timeout(options.get(), timeoutMs, error, sizeof error)
               != RD_KAFKA_RESP_ERR_NO_ERROR)
        return Status::invalidArgument(std::string("Kafka admin timeout: ") + error);
    send(options.get(), queue.get());
    EventPtr event(rd_kafka_queue_poll(queue.get(), timeoutMs + 1000));
    if (!event)
        return Status::unavailable("no answer from the Kafka cluster within "
                                   + std::to_string(timeout.count()) + " ms");
    if (const rd_kafka_resp_err_t err = rd_kafka_event_error(event.get()))
        return errorStatus(err, rd_kafka_event_error_string(event.get()));
    return event;
}

// The one topic result of a CreateTopics or DeleteTopics event.
const rd_kafka_topic_result_t *singleResult(const rd_kafka_topic_result_t **results, std::size_t count)
{
    return count == 1 ? results[0] : nullptr;
}

} // namespace

TopicCatalog::TopicCatalog(rd_kafka_t *client, const KafkaLogConfig &config)
    : m_client(client)
    , m_requestTimeout(config.requestTimeout)
    , m_replicationFactor(config.replicationFactor)
{}

Result<TopicCatalog::TopicMap> TopicCatalog::fetchTopics()
{
    const rd_kafka_metadata_t *raw = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(m_client, 1, nullptr, &raw,
                                                      static_cast<int>(m_requestTimeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        return errorStatus(err, "reading Kafka cluster metadata");
    MetadataPtr metadata(raw);
    TopicMap topics;
    for (int i = 0; i < metadata->topic_cnt; ++i) {
        const rd_kafka_metadata_topic_t &topic = metadata->topics[i];
        // A topic being created may report LEADER_NOT_AVAILABLE with its
        // partitions; only "unknown" means it is not there.
        if (topic.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || topic.partition_cnt == 0)
            continue;
        topics.emplace(topic.topic, topic.partition_cnt);
    }
    std::unique_lock lock(m_cacheMutex);
    m_cache = topics;
    return topics;
}

Result<std::int32_t> TopicCatalog::partitionCount(std::string_view topic)
{
    {
        std::shared_lock lock(m_cacheMutex);
        if (auto it = m_cache.find(topic); it != m_cache.end())
            return it->second;
    }
    KAPPA_ASSIGN_OR_RETURN(TopicMap topics, fetchTopics());
    if (auto it = topics.find(topic); it != topics.end())
        return it->second;
    return notFound(topic);
}

Status TopicCatalog::checkPartition(std::string_view topic, PartitionId partition)
{
    KAPPA_ASSIGN_OR_RETURN(std::int32_t count, partitionCount(topic));
    if (partition.value() >= count) {
        // Partitions may have been added since the cache was filled.
        KAPPA_ASSIGN_OR_RETURN(TopicMap topics, fetchTopics());
        auto it = topics.find(topic);
        if (it == topics.end())
            return notFound(topic);
        count = it->second;
    }
    if (partition.value() < 0 || partition.value() >= count)
        return Status::invalidArgument("topic " + std::string(topic) + " has partitions 0.."
                                       + std::to_string(count - 1) + ", not "
                                       + std::to_string(partition.value()));
    return Status::ok();
}

Status TopicCatalog::create(std::string_view topic, std::int32_t partitions,
                            const std::map<std::string, std::string> &topicConfigs)
{
    KAPPA_RETURN_IF_ERROR(validateName(topic));
    if (partitions < 1 || partitions > kMaxPartitions)
        return Status::invalidArgument("topic " + std::string(topic) + ": partition count "
                                       + std::to_string(partitions) + " is not within 1..1024");
    const std::string name(topic);
    auto sameOrConflict = [&](std::int32_t existing) {
        if (existing == partitions)
            return Status::ok();
        return Status::alreadyExists("topic " + name + " exists with " + std::to_string(existing)
                                     + " partitions, not " + std::to_string(partitions));
    };
    {
        KAPPA_ASSIGN_OR_RETURN(TopicMap topics, fetchTopics());
        if (auto it = topics.find(name); it != topics.end())
            return sameOrConflict(it->second);
    }

    char error[512] = {};
    rd_kafka_NewTopic_t *newTopic = rd_kafka_NewTopic_new(name.c_str(), partitions, m_replicationFactor,
                                                          error, sizeof error);
    if (!newTopic)
        return Status::invalidArgument("topic " + name + ": " + error);
    std::unique_ptr<rd_kafka_NewTopic_t, void (*)(rd_kafka_NewTopic_t *)> owner(newTopic,
                                                                                rd_kafka_NewTopic_destroy);
    for (const auto &[key, value] : topicConfigs) {
        if (const rd_kafka_resp_err_t err = rd_kafka_NewTopic_set_config(newTopic, key.c_str(), value.c_str()))
            return errorStatus(err, "topic " + name + " config " + key + "=" + value);
    }
    KAPPA_ASSIGN_OR_RETURN(EventPtr event,
                           runAdmin(m_client, RD_KAFKA_ADMIN_OP_CREATETOPICS, m_requestTimeout,
                                    [&](const rd_kafka_AdminOptions_t *options, rd_kafka_queue_t *queue) {
                                        rd_kafka_CreateTopics(m_client, &newTopic, 1, options, queue);
                                    }));
    std::size_t count = 0;
    const rd_kafka_topic_result_t **results
        = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event.get()), &count);
    const rd_kafka_topic_result_t *result = singleResult(results, count);
    if (!result)
        return Status::internal("CreateTopics for " + name + " returned " + std::to_string(count)
                                + " results");
    const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(result);
    if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        // Lost a race with another creator: compare with what won.
        KAPPA_ASSIGN_OR_RETURN(TopicConfig existing, describe(name));
        return sameOrConflict(existing.partitions);
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char *detail = rd_kafka_topic_result_error_string(result);
        return errorStatus(err,
                           "creating topic " + name + (detail ? std::string(": ") + detail : std::string()));
    }
    // The controller answered; wait until metadata (which appends and reads
    // consult) agrees, so the topic is usable as soon as this returns.
    return waitUntilListed(name, true);
}

Result<TopicConfig> TopicCatalog::describe(std::string_view topic)
{
    KAPPA_ASSIGN_OR_RETURN(TopicMap topics, fetchTopics());
    if (auto it = topics.find(topic); it != topics.end())
        return TopicConfig{it->second};
    return notFound(topic);
}

Result<std::vector<std::string>> TopicCatalog::list()
{
    KAPPA_ASSIGN_OR_RETURN(TopicMap topics, fetchTopics());
    std::vector<std::string> names;
    for (const auto &[name, partitions] : topics) {
        if (!name.starts_with("__"))
            names.push_back(name);
    }
    return names;
}

Status TopicCatalog::remove(std::string_view topic)
{
    KAPPA_RETURN_IF_ERROR(validateName(topic));
    const std::string name(topic);
    {
        KAPPA_ASSIGN_OR_RETURN(TopicMap topics, fetchTopics());
        if (!topics.contains(name))
            return notFound(name);
    }
    rd_kafka_DeleteTopic_t *deleteTopic = rd_kafka_DeleteTopic_new(name.c_str());
    std::unique_ptr<rd_kafka_DeleteTopic_t, void (*)(rd_kafka_DeleteTopic_t *)>
        owner(deleteTopic, rd_kafka_DeleteTopic_destroy);
    KAPPA_ASSIGN_OR_RETURN(EventPtr event,
                           runAdmin(m_client, RD_KAFKA_ADMIN_OP_DELETETOPICS, m_requestTimeout,
                                    [&](const rd_kafka_AdminOptions_t *options, rd_kafka_queue_t *queue) {
                                        rd_kafka_DeleteTopics(m_client, &deleteTopic, 1, options, queue);
                                    }));
    std::size_t count = 0;
    const rd_kafka_topic_result_t **results
        = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event.get()), &count);
    const rd_kafka_topic_result_t *result = singleResult(results, count);
    if (!result)
        return Status::internal("DeleteTopics for " + name + " returned " + std::to_string(count)
                                + " results");
    const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(result);
    if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        return notFound(name);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        return errorStatus(err, "deleting topic " + name);
    return waitUntilListed(name, false);
}

Status TopicCatalog::waitUntilListed(std::string_view topic, bool listed)
{
    const auto deadline = std::chrono::steady_clock::now() + m_requestTimeout;
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(TopicMap topics, fetchTopics());
        if (topics.contains(topic) == listed)
            return Status::ok();
        if (std::chrono::steady_clock::now() >= deadline)
            return Status::unavailable("topic " + std::string(topic)
                                       + (listed ? " was created" : " was deleted")
                                       + " but cluster metadata did not show it within "
                                       + std::to_string(m_requestTimeout.count()) + " ms");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

} // namespace kappa::kafka
