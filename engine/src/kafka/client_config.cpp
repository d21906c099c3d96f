#include "kafka/client_config.h"

#include <array>
#include <string_view>

namespace kappa::kafka {

namespace {

// Properties KafkaLog sets itself and relies on; a pass-through value for one
// of them would silently break a contract in kafka_log.h.
constexpr std::array<std::string_view, 14> kManagedProperties = {
    "bootstrap.servers",
    "metadata.broker.list",
    "client.id",
    "enable.idempotence",
    "acks",
    "request.required.acks",
    "partitioner",
    "message.timeout.ms",
    "delivery.timeout.ms",
    "enable.auto.commit",
    "auto.offset.reset",
    "enable.partition.eof",
    "group.id",
    "transactional.id",
};

Status setProperty(rd_kafka_conf_t *conf, const std::string &name, const std::string &value)
{
    char error[512] = {};
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK)
        // Only the name: the value may be a password (sasl.password, ssl.key.password).
        return Status::invalidArgument("Kafka property " + name + ": " + error);
    return Status::ok();
}

// Settings every client shares: where the cluster is, who we are, and the
// caller's pass-through properties (security, tuning).
Result<ConfPtr> commonConf(const KafkaLogConfig &config)
{
    KAPPA_RETURN_IF_ERROR(validateConfig(config));
    ConfPtr conf(rd_kafka_conf_new());
    KAPPA_RETURN_IF_ERROR(setProperty(conf.get(), "bootstrap.servers", config.bootstrapServers));
    KAPPA_RETURN_IF_ERROR(setProperty(conf.get(), "client.id", config.clientId));
    // Bounds how long a request to an unresponsive broker may hang, which
    // also bounds the admin and offset calls that wait on one.
    KAPPA_RETURN_IF_ERROR(
        setProperty(conf.get(), "socket.timeout.ms", std::to_string(config.requestTimeout.count())));
    for (const auto &[name, value] : config.properties)
        KAPPA_RETURN_IF_ERROR(setProperty(conf.get(), name, value));
    return conf;
}

} // namespace

Status validateConfig(const KafkaLogConfig &config)
{
    if (config.bootstrapServers.empty())
        return Status::invalidArgument("KafkaLogConfig.bootstrapServers must name at least one broker");
    if (config.lingerTime.count() < 0 || config.lingerTime.count() > 900'000)
        return Status::invalidArgument("KafkaLogConfig.lingerTime must be within 0 .. 900000 ms");
    if (config.batchBytes < 1)
        return Status::invalidArgument("KafkaLogConfig.batchBytes must be positive");
    if (config.deliveryTimeout.count() < 1 || config.connectTimeout.count() < 1
        || config.requestTimeout.count() < 10 || config.closeTimeout.count() < 0
        || config.emptyReadWait.count() < 0)
        return Status::invalidArgument(
            "KafkaLogConfig timeouts must be positive (requestTimeout at least 10 ms)");
    if (config.readerHandles < 1 || config.readerHandles > 64)
        return Status::invalidArgument("KafkaLogConfig.readerHandles must be within 1 .. 64");
    if (config.readerCursors < config.readerHandles)
        return Status::invalidArgument("KafkaLogConfig.readerCursors must be at least readerHandles");
    if (config.readerFetchWait.count() < 0)
        return Status::invalidArgument("KafkaLogConfig.readerFetchWait must not be negative");
    if (config.readerPrefetchKBytes < 1)
        return Status::invalidArgument("KafkaLogConfig.readerPrefetchKBytes must be positive");
    if (config.replicationFactor == 0 || config.replicationFactor < -1)
        return Status::invalidArgument("KafkaLogConfig.replicationFactor must be -1 or positive");
    for (const auto &[name, value] : config.properties) {
        for (std::string_view managed : kManagedProperties) {
            if (name == managed)
                return Status::invalidArgument("Kafka property " + name
                                               + " is set by KafkaLog and cannot be passed through");
        }
    }
    return Status::ok();
}

Result<ConfPtr> producerConf(const KafkaLogConfig &config)
{
    KAPPA_ASSIGN_OR_RETURN(ConfPtr conf, commonConf(config));
    rd_kafka_conf_t *c = conf.get();
    KAPPA_RETURN_IF_ERROR(setProperty(c, "enable.idempotence", "true"));
    KAPPA_RETURN_IF_ERROR(setProperty(c, "acks", "all"));
    // Same placement as Java clients and LocalLog (base/murmur2.h).
    KAPPA_RETURN_IF_ERROR(setProperty(c, "partitioner", "murmur2_random"));
    KAPPA_RETURN_IF_ERROR(setProperty(c, "linger.ms", std::to_string(config.lingerTime.count())));
    KAPPA_RETURN_IF_ERROR(setProperty(c, "batch.size", std::to_string(config.batchBytes)));
    KAPPA_RETURN_IF_ERROR(setProperty(c, "compression.type", config.compression));
    KAPPA_RETURN_IF_ERROR(
        setProperty(c, "message.timeout.ms", std::to_string(config.deliveryTimeout.count())));
    // Topics are created on purpose (createTopic), never as a side effect of
    // an append to a misspelt name.
    KAPPA_RETURN_IF_ERROR(setProperty(c, "allow.auto.create.topics", "false"));
    return conf;
}

Result<ConfPtr> consumerConf(const KafkaLogConfig &config)
{
    KAPPA_ASSIGN_OR_RETURN(ConfPtr conf, commonConf(config));
    rd_kafka_conf_t *c = conf.get();
    KAPPA_RETURN_IF_ERROR(setProperty(c, "enable.auto.commit", "false"));
    KAPPA_RETURN_IF_ERROR(setProperty(c, "enable.auto.offset.store", "false"));
    // A position the broker does not hold must surface as OutOfRange, never
    // as a silent jump to the start or the end.
    KAPPA_RETURN_IF_ERROR(setProperty(c, "auto.offset.reset", "error"));
    // The end of the partition is reported as an event at the offset the
    // client fetched up to: it is how a reader learns that the offsets before
    // it hold no record (transaction markers, aborted or compacted records),
    // which no record shows. isolation.level stays librdkafka's default,
    // read_committed, as for the watermark queries (ListOffsets) of the
    // producer client: both name the last stable offset as the end.
    KAPPA_RETURN_IF_ERROR(setProperty(c, "enable.partition.eof", "true"));
    KAPPA_RETURN_IF_ERROR(
        setProperty(c, "queued.max.messages.kbytes", std::to_string(config.readerPrefetchKBytes)));
    KAPPA_RETURN_IF_ERROR(setProperty(c, "fetch.wait.max.ms", std::to_string(config.readerFetchWait.count())));
    return conf;
}

} // namespace kappa::kafka
