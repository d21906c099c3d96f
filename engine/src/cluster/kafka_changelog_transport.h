// KafkaChangelogTransport: changelogs as compacted Kafka topics
// (cleanup.policy=compact, so each key's latest value is kept for ever and
// older ones are cleaned away), written in Kafka transactions and read with
// read_committed.
//
// Fencing: each partition number has a transactional id of its own,
// "<base>.partition-<N>", used by whichever instance owns the partition; a new
// owner's claim() initializes it and so fences the previous owner (its open
// transaction is aborted, its later writes fail with FailedPrecondition),
// even one that is only paused and does not know yet that it lost the
// partition. The instance registry is written with the instance's own id,
// "<base>.<instance>".
#pragma once

#include "cluster/changelog_transport.h"
#include "kappa/kafka_log.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace kappa::kafka {
class ChangelogWriter;
} // namespace kappa::kafka

namespace kappa::cluster {

class KafkaChangelogTransport : public ChangelogTransport
{
public:
    // topicPrefix is prepended to every topic name (the deployment's, as the
    // log's); the transactional ids are built from transactionalBase.
    static Result<std::shared_ptr<KafkaChangelogTransport>> open(const KafkaLogConfig &connection,
                                                                 std::string topicPrefix,
                                                                 std::string transactionalBase,
                                                                 const std::string &instanceId);
    ~KafkaChangelogTransport() override;

    Status createTopic(std::string_view topic, std::int32_t partitions) override;
    Status claim(PartitionId partition) override;
    Status write(std::string_view topic, PartitionId partition,
                 std::span<const ChangelogEntry> entries) override;
    Status writeAsInstance(std::string_view topic, PartitionId partition,
                           std::span<const ChangelogEntry> entries) override;
    Result<Offset> readFrom(
        std::string_view topic, PartitionId partition, Offset from,
        const std::function<void(std::string_view key, std::optional<std::string_view> value)> &visit) override;

private:
    KafkaChangelogTransport(KafkaLogConfig connection, std::string topicPrefix, std::string transactionalBase,
                            std::unique_ptr<KafkaLog> admin,
                            std::unique_ptr<kafka::ChangelogWriter> instanceWriter);
    Status writeWith(kafka::ChangelogWriter &writer, std::string_view topic, PartitionId partition,
                     std::span<const ChangelogEntry> entries);

    const KafkaLogConfig m_connection;
    const std::string m_prefix;
    const std::string m_transactionalBase;
    std::unique_ptr<KafkaLog> m_admin; // topic creation only
    std::unique_ptr<kafka::ChangelogWriter> m_instanceWriter;
    std::mutex m_mutex; // guards m_partitionWriters (each writer serializes its own writes)
    std::map<std::int32_t, std::shared_ptr<kafka::ChangelogWriter>> m_partitionWriters;
};

} // namespace kappa::cluster
