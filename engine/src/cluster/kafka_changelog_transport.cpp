#include "cluster/kafka_changelog_transport.h"

#include "kafka/changelog_topic.h"

#include <vector>

namespace kappa::cluster {

Result<std::shared_ptr<KafkaChangelogTransport>> KafkaChangelogTransport::open(
    const KafkaLogConfig &connection, std::string topicPrefix, std::string transactionalId)
{
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<KafkaLog> admin, KafkaLog::open(connection));
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<kafka::ChangelogWriter> writer,
                           kafka::ChangelogWriter::open(connection, std::move(transactionalId)));
    return std::shared_ptr<KafkaChangelogTransport>(
        new KafkaChangelogTransport(connection, std::move(topicPrefix), std::move(admin), std::move(writer)));
}

KafkaChangelogTransport::KafkaChangelogTransport(KafkaLogConfig connection, std::string topicPrefix,
                                                 std::unique_ptr<KafkaLog> admin,
                                                 std::unique_ptr<kafka::ChangelogWriter> writer)
    : m_connection(std::move(connection))
    , m_prefix(std::move(topicPrefix))
    , m_admin(std::move(admin))
    , m_writer(std::move(writer))
{}

KafkaChangelogTransport::~KafkaChangelogTransport() = default;

Status KafkaChangelogTransport::createTopic(std::string_view topic, std::int32_t partitions)
{
    return m_admin->createTopic(m_prefix + std::string(topic), partitions, {{"cleanup.policy", "compact"}});
}

Status KafkaChangelogTransport::write(std::string_view topic, PartitionId partition,
                                      std::span<const ChangelogEntry> entries)
{
    std::vector<kafka::ChangelogRecord> records;
    records.reserve(entries.size());
    for (const ChangelogEntry &entry : entries)
        records.push_back({entry.key, entry.value});
    return m_writer->write(m_prefix + std::string(topic), partition, records);
}

Status KafkaChangelogTransport::read(
    std::string_view topic, PartitionId partition,
    const std::function<void(std::string_view key, std::optional<std::string_view> value)> &visit)
{
    return kafka::readChangelog(m_connection, m_prefix + std::string(topic), partition, visit);
}

} // namespace kappa::cluster
