#include "service/event_log_factory.h"

#include "jobs/data_layout.h"
#include "kappa/kafka_log.h"
#include "kappa/local_log.h"
#include "log/lock_file.h"

#include <filesystem>

namespace kappa::service {

namespace {

constexpr const char *kRedacted = "[redacted]";

// Prepends a prefix to every topic name on the way in and strips it from
// listTopics() on the way out, hiding topics of other prefixes. Also keeps
// the data directory's engine lock for as long as the log is open.
class PrefixedEventLog final : public EventLog
{
public:
    PrefixedEventLog(std::unique_ptr<EventLog> inner, std::string prefix, std::unique_ptr<log::LockFile> lock)
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
    std::unique_ptr<log::LockFile> m_lock;
    std::unique_ptr<EventLog> m_inner;
    const std::string m_prefix;
};

Status ensureDirectory(const std::string &path)
{
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec)
        return Status::unavailable("cannot create directory " + path + ": " + ec.message());
    return Status::ok();
}

Result<std::unique_ptr<EventLog>> openEmbedded(const std::string &dataDir, const LogAccess &access)
{
    const std::string logDir = jobs::DataLayout{dataDir}.logDir();
    if (access.create && !access.readOnly) {
        KAPPA_RETURN_IF_ERROR(ensureDirectory(logDir));
    } else if (access.exclusive && !std::filesystem::exists(logDir)) {
        return Status::notFound("no event log in " + dataDir + " (" + access.missingHint + ")");
    }
    LocalLogOptions options;
    options.readOnly = access.readOnly;
    options.verifyOnOpen = access.verifyOnOpen;
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<LocalLog> log, LocalLog::open(logDir, options));
    return std::unique_ptr<EventLog>(std::move(log));
}

// The cluster knows nothing of the data directory, so the engine lock that
// LocalLog's own lock gives the embedded case is a file of its own here.
Result<std::unique_ptr<log::LockFile>> lockDataDir(const std::string &dataDir, const LogAccess &access)
{
    if (!access.exclusive)
        return std::unique_ptr<log::LockFile>();
    if (access.create)
        KAPPA_RETURN_IF_ERROR(ensureDirectory(dataDir));
    else if (!std::filesystem::is_directory(dataDir))
        return Status::notFound("no data directory " + dataDir + " (" + access.missingHint + ")");
    Result<std::unique_ptr<log::LockFile>> lock = log::LockFile::acquire(dataDir + "/engine.lock");
    if (lock.status().code() == StatusCode::Unavailable)
        return Status::unavailable("data directory " + dataDir
                                   + " is in use by another kappad or kappactl run (engine.lock is locked)");
    return lock;
}

KafkaLogConfig kafkaConfig(const LogSettings &settings, const LogAccess &access)
{
    KafkaLogConfig config;
    config.bootstrapServers = settings.bootstrapServers;
    config.clientId = access.clientId;
    config.lingerTime = settings.linger;
    config.batchBytes = settings.batchBytes;
    config.compression = settings.compression;
    config.replicationFactor = settings.replicationFactor;
    config.properties = settings.kafkaProperties;
    return config;
}

Result<std::unique_ptr<EventLog>> openKafka(const LogSettings &settings, const std::string &dataDir,
                                            const LogAccess &access)
{
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<log::LockFile> lock, lockDataDir(dataDir, access));
    Result<std::unique_ptr<KafkaLog>> log = KafkaLog::open(kafkaConfig(settings, access));
    if (!log.isOk()) {
        // librdkafka's complaint about a property may quote its value.
        const Status &failed = log.status();
        return Status(failed.code(), redactSecrets(failed.message(), settings));
    }
    return std::unique_ptr<EventLog>(
        std::make_unique<PrefixedEventLog>(std::move(log).value(), settings.topicPrefix, std::move(lock)));
}

} // namespace

Result<std::unique_ptr<EventLog>> openEventLog(const LogSettings &settings, const std::string &dataDir,
                                               const LogAccess &access)
{
    KAPPA_RETURN_IF_ERROR(settings.validate());
    if (settings.kind == LogKind::Kafka)
        return openKafka(settings, dataDir, access);
    return openEmbedded(dataDir, access);
}

std::string logLocation(const LogSettings &settings, const std::string &dataDir)
{
    if (settings.kind == LogKind::Embedded)
        return jobs::DataLayout{dataDir}.logDir();
    std::string out = "Kafka at " + settings.bootstrapServers;
    if (!settings.topicPrefix.empty())
        out += " (topic prefix " + settings.topicPrefix + ")";
    return out;
}

nlohmann::json describeLogSettings(const LogSettings &settings)
{
    nlohmann::json out = {{"kind", logKindName(settings.kind)}};
    if (settings.kind == LogKind::Embedded)
        return out;
    nlohmann::json properties = nlohmann::json::object();
    for (const auto &[name, value] : settings.kafkaProperties)
        properties[name] = isSecretKafkaProperty(name) ? kRedacted : value;
    out["bootstrap_servers"] = settings.bootstrapServers;
    out["topic_prefix"] = settings.topicPrefix;
    out["replication_factor"] = settings.replicationFactor;
    out["linger_ms"] = settings.linger.count();
    out["batch_size"] = settings.batchBytes;
    out["compression"] = settings.compression;
    out["kafka_properties"] = std::move(properties);
    return out;
}

std::string redactSecrets(std::string text, const LogSettings &settings)
{
    for (const auto &[name, value] : settings.kafkaProperties) {
        if (value.empty() || !isSecretKafkaProperty(name))
            continue;
        for (std::size_t at = text.find(value); at != std::string::npos;
             at = text.find(value, at + std::char_traits<char>::length(kRedacted)))
            text.replace(at, value.size(), kRedacted);
    }
    return text;
}

} // namespace kappa::service
