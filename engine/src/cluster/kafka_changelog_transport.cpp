#include "cluster/kafka_changelog_transport.h"

#include "kafka/changelog_topic.h"

#include <vector>

namespace kappa::cluster {

Result<std::shared_ptr<KafkaChangelogTransport>> KafkaChangelogTransport::open(
    const KafkaLogConfig &connection, std::string topicPrefix, std::string transactionalBase,
    const std::string &instanceId)
{
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<KafkaLog> admin, KafkaLog::open(connection));
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<kafka::ChangelogWriter> writer,
                           kafka::ChangelogWriter::open(connection, transactionalBase + "." + instanceId));
    return std::shared_ptr<KafkaChangelogTransport>(
        new KafkaChangelogTransport(connection, std::move(topicPrefix), std::move(transactionalBase),
                                    std::move(admin), std::move(writer)));
}

KafkaChangelogTransport::KafkaChangelogTransport(KafkaLogConfig connection, std::string topicPrefix,
                                                 std::string transactionalBase,
                                                 std::unique_ptr<KafkaLog> admin,
                                                 std::unique_ptr<kafka::ChangelogWriter> instanceWriter)
    : m_connection(std::move(connection))
    , m_prefix(std::move(topicPrefix))
    , m_transactionalBase(std::move(transactionalBase))
    , m_admin(std::move(admin))
    , m_instanceWriter(std::move(instanceWriter))
{}

KafkaChangelogTransport::~KafkaChangelogTransport() = default;

Status KafkaChangelogTransport::createTopic(std::string_view topic, std::int32_t partitions)
{
    return m_admin->createTopic(m_prefix + std::string(topic), partitions, {{"cleanup.policy", "compact"}});
}

Status KafkaChangelogTransport::claim(PartitionId partition)
{
    // A fresh writer every time: initializing the id is what fences whoever
    // held the partition since this process last did.
    const std::string id = m_transactionalBase + ".partition-" + std::to_string(partition.value());
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<kafka::ChangelogWriter> writer,
                           kafka::ChangelogWriter::open(m_connection, id));
    std::lock_guard lock(m_mutex);
    m_partitionWriters[partition.value()] = std::move(writer);
    return Status::ok();
}

Status KafkaChangelogTransport::write(std::string_view topic, PartitionId partition,
                                      std::span<const ChangelogEntry> entries)
{
    std::shared_ptr<kafka::ChangelogWriter> writer;
    {
        std::lock_guard lock(m_mutex);
        const auto found = m_partitionWriters.find(partition.value());
        if (found == m_partitionWriters.end())
            return Status::failedPrecondition("changelog partition " + std::to_string(partition.value())
                                              + " was not claimed by this instance");
        writer = found->second; // alive through the write even if the partition is claimed again meanwhile
    }
    return writeWith(*writer, topic, partition, entries);
}

Status KafkaChangelogTransport::writeAsInstance(std::string_view topic, PartitionId partition,
                                                std::span<const ChangelogEntry> entries)
{
    return writeWith(*m_instanceWriter, topic, partition, entries);
}

Status KafkaChangelogTransport::writeWith(kafka::ChangelogWriter &writer, std::string_view topic,
                                          PartitionId partition, std::span<const ChangelogEntry> entries)
{
    std::vector<kafka::ChangelogRecord> records;
    records.reserve(entries.size());
    for (const ChangelogEntry &entry : entries)
        records.push_back({entry.key, entry.value});
    return writer.write(m_prefix + std::string(topic), partition, records);
}

Result<Offset> KafkaChangelogTransport::readFrom(
    std::string_view topic, PartitionId partition, Offset from,
    const std::function<void(std::string_view key, std::optional<std::string_view> value)> &visit)
{
    return kafka::readChangelog(m_connection, m_prefix + std::string(topic), partition, from, visit);
}

} // namespace kappa::cluster
