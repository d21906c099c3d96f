#include "kappa/kafka_log.h"

#include "kafka/client_config.h"
#include "kafka/errors.h"
#include "kafka/offsets.h"
#include "kafka/producer.h"
#include "kafka/reader_pool.h"
#include "kafka/topic_catalog.h"

#include <algorithm>

namespace kappa {

using kafka::Producer;
using kafka::ReaderPool;
using kafka::TopicCatalog;

class KafkaLog::Impl
{
public:
    Impl(const KafkaLogConfig &config, std::unique_ptr<Producer> producer)
        : m_config(config)
        , m_producer(std::move(producer))
        , m_catalog(m_producer->client(), config)
        , m_readers(std::in_place, config, m_producer->client())
    {}

    // Readers go first: their clients hold no records in flight, while the
    // producer's destructor may wait up to closeTimeout for deliveries.
    ~Impl() { m_readers.reset(); }

    // The last offset holds no record (a transaction marker, as a topic
    // written in transactions ends with, or an aborted record): the last
    // record is searched among the offsets before it, a bounded number of
    // them, read one record at a time on one cursor.
    Status findLastAppendTime(const std::string &topic, PartitionId partition, const kafka::Watermarks &marks,
                              PartitionInfo &info)
    {
        constexpr std::int64_t kSearched = 64;
        RecordBatch batch;
        Offset next = std::max(marks.start, marks.end - kSearched);
        while (next < marks.end) {
            KAPPA_RETURN_IF_ERROR(m_readers->read(topic, partition, next, 1, batch));
            if (batch.empty())
                break;
            for (const RecordView &record : batch) {
                if (record.offset < marks.end)
                    info.lastAppendTime = record.appendTime;
            }
            next = batch.nextOffset();
        }
        return Status::ok();
    }

    const KafkaLogConfig m_config;
    const std::unique_ptr<Producer> m_producer;
    TopicCatalog m_catalog;
    std::optional<ReaderPool> m_readers;
};

Result<std::unique_ptr<KafkaLog>> KafkaLog::open(const KafkaLogConfig &config)
{
    KAPPA_RETURN_IF_ERROR(kafka::validateConfig(config));
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<Producer> producer, Producer::create(config));
    // librdkafka connects lazily and retries forever; one bounded metadata
    // request tells whether any broker answers at all.
    const rd_kafka_metadata_t *metadata = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(producer->client(), 0, nullptr, &metadata,
                                                      static_cast<int>(config.connectTimeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        return Status::unavailable("no Kafka broker at " + config.bootstrapServers + " answered within "
                                   + std::to_string(config.connectTimeout.count())
                                   + " ms: " + kafka::describeError(err));
    rd_kafka_metadata_destroy(metadata);
    return std::unique_ptr<KafkaLog>(new KafkaLog(std::make_unique<Impl>(config, std::move(producer))));
}

KafkaLog::KafkaLog(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

KafkaLog::~KafkaLog() = default;

Status KafkaLog::createTopic(std::string_view topic, const TopicConfig &config)
{
    return m_impl->m_catalog.create(topic, config.partitions, {});
}

Status KafkaLog::createTopic(std::string_view topic, std::int32_t partitions,
                             const std::map<std::string, std::string> &topicConfigs)
{
    return m_impl->m_catalog.create(topic, partitions, topicConfigs);
}

Result<TopicConfig> KafkaLog::describeTopic(std::string_view topic)
{
    return m_impl->m_catalog.describe(topic);
}

std::vector<std::string> KafkaLog::listTopics()
{
    auto topics = m_impl->m_catalog.list();
    return topics.isOk() ? std::move(topics).value() : std::vector<std::string>{};
}

Status KafkaLog::deleteTopic(std::string_view topic)
{
    // The cursors go first, while their partitions still exist: a reader
    // client that still refers to a partition of a deleted topic can make
    // destroying it wait forever (librdkafka 2.0).
    m_impl->m_readers->forgetTopic(topic);
    return m_impl->m_catalog.remove(topic);
}

Result<std::vector<AppendPosition>> KafkaLog::append(std::string_view topic, std::span<const Record> records)
{
    KAPPA_ASSIGN_OR_RETURN(std::int32_t partitionCount, m_impl->m_catalog.partitionCount(topic));
    std::vector<PartitionId> partitions;
    partitions.reserve(records.size());
    for (const Record &record : records)
        partitions.push_back(Producer::partitionForKey(record.key, partitionCount));
    return m_impl->m_producer->append(topic, records, partitions);
}

Result<Offset> KafkaLog::appendToPartition(std::string_view topic, PartitionId partition,
                                           std::span<const Record> records)
{
    KAPPA_RETURN_IF_ERROR(m_impl->m_catalog.checkPartition(topic, partition));
    if (records.empty()) {
        KAPPA_ASSIGN_OR_RETURN(kafka::Watermarks marks,
                               kafka::queryWatermarks(m_impl->m_producer->client(), std::string(topic),
                                                      partition, m_impl->m_config.requestTimeout));
        return marks.end;
    }
    const std::vector<PartitionId> partitions(records.size(), partition);
    KAPPA_ASSIGN_OR_RETURN(std::vector<AppendPosition> positions,
                           m_impl->m_producer->append(topic, records, partitions));
    return positions.front().offset;
}

Status KafkaLog::read(std::string_view topic, PartitionId partition, Offset from, std::size_t maxBytes,
                      RecordBatch &batch)
{
    batch.reset(from);
    KAPPA_RETURN_IF_ERROR(m_impl->m_catalog.checkPartition(topic, partition));
    return m_impl->m_readers->read(std::string(topic), partition, from, maxBytes, batch);
}

Result<Offset> KafkaLog::offsetForTime(std::string_view topic, PartitionId partition, WallTime t)
{
    KAPPA_RETURN_IF_ERROR(m_impl->m_catalog.checkPartition(topic, partition));
    return kafka::queryOffsetForTime(m_impl->m_producer->client(), std::string(topic), partition, t,
                                     m_impl->m_config.requestTimeout);
}

Result<PartitionInfo> KafkaLog::partitionInfo(std::string_view topic, PartitionId partition)
{
    KAPPA_RETURN_IF_ERROR(m_impl->m_catalog.checkPartition(topic, partition));
    const std::string name(topic);
    KAPPA_ASSIGN_OR_RETURN(kafka::Watermarks marks,
                           kafka::queryWatermarks(m_impl->m_producer->client(), name, partition,
                                                  m_impl->m_config.requestTimeout));
    PartitionInfo info{partition, marks.start, marks.end, 0, 0, std::nullopt, std::nullopt};
    if (marks.start < marks.end) {
        // Kafka keeps no per-partition times for clients: read the two records.
        RecordBatch edge;
        KAPPA_RETURN_IF_ERROR(m_impl->m_readers->read(name, partition, marks.start, 1, edge));
        if (!edge.empty())
            info.firstAppendTime = edge[0].appendTime;
        KAPPA_RETURN_IF_ERROR(m_impl->m_readers->read(name, partition, marks.end - 1, 1, edge));
        if (!edge.empty())
            info.lastAppendTime = edge[0].appendTime;
        else
            KAPPA_RETURN_IF_ERROR(m_impl->findLastAppendTime(name, partition, marks, info));
    }
    return info;
}

Result<Offset> KafkaLog::endOffset(std::string_view topic, PartitionId partition)
{
    KAPPA_RETURN_IF_ERROR(m_impl->m_catalog.checkPartition(topic, partition));
    KAPPA_ASSIGN_OR_RETURN(kafka::Watermarks marks,
                           kafka::queryWatermarks(m_impl->m_producer->client(), std::string(topic), partition,
                                                  m_impl->m_config.requestTimeout));
    return marks.end;
}

KafkaLogStats KafkaLog::stats() const
{
    return m_impl->m_readers->stats();
}

} // namespace kappa
