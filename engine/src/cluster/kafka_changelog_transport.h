// KafkaChangelogTransport: changelogs as compacted Kafka topics
// (cleanup.policy=compact, so each key's latest value is kept for ever and
// older ones are cleaned away), written in Kafka transactions by one
// transactional producer per process and read with read_committed.
//
// Fencing: the transactional id is the process's (group + instance id); a
// restarted instance fences its previous incarnation. An instance that is
// only paused (not dead) while its partitions move is not fenced by another
// instance's id: it stops writing once its group membership tells it the
// partitions are gone (see ClusterMember).
#pragma once

#include "cluster/changelog_transport.h"
#include "kappa/kafka_log.h"

#include <memory>
#include <string>

namespace kappa::kafka {
class ChangelogWriter;
} // namespace kappa::kafka

namespace kappa::cluster {

class KafkaChangelogTransport : public ChangelogTransport
{
public:
    // topicPrefix is prepended to every topic name (the deployment's, as the log's).
    static Result<std::shared_ptr<KafkaChangelogTransport>> open(const KafkaLogConfig &connection,
                                                                 std::string topicPrefix,
                                                                 std::string transactionalId);
    ~KafkaChangelogTransport() override;

    Status createTopic(std::string_view topic, std::int32_t partitions) override;
    Status write(std::string_view topic, PartitionId partition,
                 std::span<const ChangelogEntry> entries) override;
    Status read(std::string_view topic, PartitionId partition,
                const std::function<void(std::string_view key, std::optional<std::string_view> value)> &visit)
        override;

private:
    KafkaChangelogTransport(KafkaLogConfig connection, std::string topicPrefix,
                            std::unique_ptr<KafkaLog> admin, std::unique_ptr<kafka::ChangelogWriter> writer);

    const KafkaLogConfig m_connection;
    const std::string m_prefix;
    std::unique_ptr<KafkaLog> m_admin; // topic creation only
    std::unique_ptr<kafka::ChangelogWriter> m_writer;
};

} // namespace kappa::cluster
