// PrefixedEventLog: an EventLog decorator that puts a prefix before every
// topic name on the way in and strips it from listTopics() on the way out,
// hiding the topics of other prefixes. Several deployments (or benchmark
// runs) can so share one Kafka cluster while the engine keeps its fixed topic
// names. It can also hold a lock file for as long as the log is open.
//
// Threading: as thread-safe as the log it wraps.
#pragma once

#include "kappa/event_log.h"
#include "log/lock_file.h"

#include <memory>
#include <string>

namespace kappa::log {

class PrefixedEventLog final : public EventLog
{
public:
    PrefixedEventLog(std::unique_ptr<EventLog> inner, std::string prefix,
                     std::unique_ptr<LockFile> lock = nullptr)
        : m_lock(std::move(lock))
        , m_inner(std::move(inner))
        , m_prefix(std::move(prefix))
    {}

    Status createTopic(std::string_view topic, const TopicConfig &config) override
    {
        return m_inner->createTopic(name(topic), config);
    }
    Result<TopicConfig> describeTopic(std::string_view topic) override
    {
        return m_inner->describeTopic(name(topic));
    }
    std::vector<std::string> listTopics() override
    {
        std::vector<std::string> ours;
        for (const std::string &topic : m_inner->listTopics())
            if (topic.size() > m_prefix.size() && topic.compare(0, m_prefix.size(), m_prefix) == 0)
                ours.push_back(topic.substr(m_prefix.size()));
        return ours;
    }
    Status deleteTopic(std::string_view topic) override { return m_inner->deleteTopic(name(topic)); }
    Result<std::vector<AppendPosition>> append(std::string_view topic,
                                               std::span<const Record> records) override
    {
        return m_inner->append(name(topic), records);
    }
    Result<Offset> appendToPartition(std::string_view topic, PartitionId partition,
                                     std::span<const Record> records) override
    {
        return m_inner->appendToPartition(name(topic), partition, records);
    }
    Result<Offset> appendToPartitionDeferred(std::string_view topic, PartitionId partition,
                                             std::span<const Record> records) override
    {
        return m_inner->appendToPartitionDeferred(name(topic), partition, records);
    }
    Status waitDurable(std::string_view topic, PartitionId partition, Offset end) override
    {
        return m_inner->waitDurable(name(topic), partition, end);
    }
    Status read(std::string_view topic, PartitionId partition, Offset from, std::size_t maxBytes,
                RecordBatch &batch) override
    {
        return m_inner->read(name(topic), partition, from, maxBytes, batch);
    }
    Result<Offset> offsetForTime(std::string_view topic, PartitionId partition, WallTime t) override
    {
        return m_inner->offsetForTime(name(topic), partition, t);
    }
    Result<PartitionInfo> partitionInfo(std::string_view topic, PartitionId partition) override
    {
        return m_inner->partitionInfo(name(topic), partition);
    }
    Result<Offset> endOffset(std::string_view topic, PartitionId partition) override
    {
        return m_inner->endOffset(name(topic), partition);
    }

private:
    // Without a prefix the name passes as it is; the common case costs one small copy.
    std::string name(std::string_view topic) const { return m_prefix + std::string(topic); }

    // Declared first so that it is released last, after the log is closed.
    std::unique_ptr<LockFile> m_lock;
    std::unique_ptr<EventLog> m_inner;
    const std::string m_prefix;
};

} // namespace kappa::log
