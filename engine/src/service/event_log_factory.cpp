#include "service/event_log_factory.h"

#include "jobs/data_layout.h"
#include "kappa/kafka_log.h"
#include "kappa/local_log.h"
#include "log/lock_file.h"
#include "log/prefixed_event_log.h"

#include <filesystem>

namespace kappa::service {

namespace {

constexpr const char *kRedacted = "[redacted]";

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
    return kafkaClientConfig(settings, access.clientId);
}

Result<std::unique_ptr<EventLog>> openKafka(const LogSettings &settings, const std::string &dataDir,
                                            const LogAccess &access)
{
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<log::LockFile> lock, lockDataDir(dataDir, access));
    Result<std::unique_ptr<KafkaLog>> kafka = KafkaLog::open(kafkaConfig(settings, access));
    if (!kafka.isOk()) {
        // librdkafka's complaint about a property may quote its value.
        const Status &failed = kafka.status();
        return Status(failed.code(), redactSecrets(failed.message(), settings));
    }
    return std::unique_ptr<EventLog>(std::make_unique<log::PrefixedEventLog>(std::move(kafka).value(),
                                                                             settings.topicPrefix,
                                                                             std::move(lock)));
}

} // namespace

KafkaLogConfig kafkaClientConfig(const LogSettings &settings, std::string clientId)
{
    KafkaLogConfig config;
    config.bootstrapServers = settings.bootstrapServers;
    config.clientId = std::move(clientId);
    config.lingerTime = settings.linger;
    config.batchBytes = settings.batchBytes;
    config.compression = settings.compression;
    config.replicationFactor = settings.replicationFactor;
    config.properties = settings.kafkaProperties;
    return config;
}

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
