#include "service/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

namespace kappa::service {

namespace {

Status badKey(std::string_view source, std::string_view key, std::string_view why)
{
    return Status::invalidArgument(std::string(source) + ": '" + std::string(key) + "' " + std::string(why));
}

template<typename T>
Result<T> required(const toml::node &node, std::string_view source, std::string_view key,
                   std::string_view what)
{
    std::optional<T> value = node.value<T>();
    if (!value)
        return badKey(source, key, std::string("must be ") + std::string(what));
    return *value;
}

Result<std::chrono::milliseconds> positiveMillis(const toml::node &node, std::string_view source,
                                                 std::string_view key)
{
    KAPPA_ASSIGN_OR_RETURN(std::int64_t ms, required<std::int64_t>(node, source, key, "an integer"));
    if (ms <= 0)
        return badKey(source, key, "must be positive (milliseconds)");
    return std::chrono::milliseconds(ms);
}

// The job list as one comma-separated string (the file may give an array).
Result<std::string> jobList(const toml::node &node, std::string_view source)
{
    if (std::optional<std::string> text = node.value<std::string>())
        return *text;
    const toml::array *array = node.as_array();
    if (!array)
        return badKey(source, "jobs", "must be a string or an array of strings");
    std::string out;
    for (const toml::node &item : *array) {
        std::optional<std::string> name = item.value<std::string>();
        if (!name)
            return badKey(source, "jobs", "must hold only strings");
        out += (out.empty() ? "" : ",") + *name;
    }
    return out;
}

Status applyDemo(const toml::table &demo, std::string_view source, ServiceConfig &config)
{
    for (const auto &[key, node] : demo) {
        if (key == "enabled") {
            KAPPA_ASSIGN_OR_RETURN(config.demo, required<bool>(node, source, "demo.enabled", "true or false"));
        } else if (key == "rate") {
            KAPPA_ASSIGN_OR_RETURN(config.demoRate, required<double>(node, source, "demo.rate", "a number"));
        } else {
            return badKey(source, "demo." + std::string(key.str()), "is not a setting");
        }
    }
    return Status::ok();
}

// A table of SLOs by pipeline (`table` names it in messages): each key one of
// the pipelines `slos` holds, each value a positive, finite number. An
// infinite SLO would be no SLO, and it has no JSON number to be shown as.
Status applySlos(const toml::table &slos, std::string_view source, std::string_view table,
                 std::map<std::string, double> &values)
{
    for (const auto &[key, node] : slos) {
        const std::string name = std::string(table) + "." + std::string(key.str());
        if (!values.count(std::string(key.str())))
            return badKey(source, name, "is not a pipeline (user_features, fraud, business_metrics)");
        KAPPA_ASSIGN_OR_RETURN(double value, required<double>(node, source, name, "a number"));
        if (!(value > 0) || !std::isfinite(value))
            return badKey(source, name, "must be a positive, finite number");
        values[std::string(key.str())] = value;
    }
    return Status::ok();
}

// The [slo] table: latency_p99_ms, the only SLO that is not the replays' business.
Status applySloTable(const toml::table &table, std::string_view source, ServiceConfig &config)
{
    for (const auto &[key, node] : table) {
        const std::string name = "slo." + std::string(key.str());
        if (key.str() != "latency_p99_ms")
            return badKey(source, name, "is not a setting");
        const toml::table *latency = node.as_table();
        if (!latency)
            return badKey(source, name, "must be a table ([slo.latency_p99_ms])");
        KAPPA_RETURN_IF_ERROR(applySlos(*latency, source, name, config.latencySloMillis));
    }
    return Status::ok();
}

Result<std::chrono::milliseconds> anyMillis(const toml::node &node, std::string_view source,
                                            const std::string &key)
{
    KAPPA_ASSIGN_OR_RETURN(std::int64_t ms, required<std::int64_t>(node, source, key, "an integer"));
    if (ms < 0 || ms > 366LL * 86'400'000)
        return badKey(source, key, "must be in [0, one year] milliseconds");
    return std::chrono::milliseconds(ms);
}

Status applyReprocessing(const toml::table &table, std::string_view source,
                         reprocessing::ReprocessingOptions &o)
{
    for (const auto &[keyName, node] : table) {
        const std::string_view key = keyName.str();
        const std::string name = "reprocessing." + std::string(key);
        if (key == "rate_multiple") {
            KAPPA_ASSIGN_OR_RETURN(o.rateMultiple, required<double>(node, source, name, "a number"));
        } else if (key == "max_rate") {
            KAPPA_ASSIGN_OR_RETURN(o.maxRate, required<double>(node, source, name, "a number"));
        } else if (key == "min_rate") {
            KAPPA_ASSIGN_OR_RETURN(o.minRate, required<double>(node, source, name, "a number"));
        } else if (key == "caught_up_records") {
            KAPPA_ASSIGN_OR_RETURN(o.caughtUpRecords,
                                   required<std::int64_t>(node, source, name, "an integer"));
        } else if (key == "caught_up_hold_ms") {
            KAPPA_ASSIGN_OR_RETURN(o.caughtUpHold, anyMillis(node, source, name));
        } else if (key == "approval_ttl_ms") {
            KAPPA_ASSIGN_OR_RETURN(o.approvalTtl, anyMillis(node, source, name));
        } else if (key == "four_eyes") {
            KAPPA_ASSIGN_OR_RETURN(o.fourEyes, required<bool>(node, source, name, "true or false"));
        } else if (key == "rollback_window_ms") {
            KAPPA_ASSIGN_OR_RETURN(o.rollbackWindow, anyMillis(node, source, name));
        } else if (key == "retention_ms") {
            KAPPA_ASSIGN_OR_RETURN(o.retention, anyMillis(node, source, name));
        } else if (key == "slo_seconds" && node.as_table()) {
            KAPPA_RETURN_IF_ERROR(applySlos(*node.as_table(), source, name, o.sloSeconds));
        } else {
            return badKey(source, name, "is not a setting");
        }
    }
    if (!(o.rateMultiple > 0) || !(o.minRate >= 0) || !(o.maxRate >= 0)
        || (o.maxRate > 0 && o.maxRate < o.minRate))
        return badKey(source, "reprocessing",
                      "rates must be rate_multiple > 0, 0 <= min_rate <= max_rate (0: no cap)");
    return Status::ok();
}

// A comma-separated list; the file may also give an array of strings.
Result<std::string> bootstrapList(const toml::node &node, std::string_view source)
{
    if (std::optional<std::string> text = node.value<std::string>())
        return *text;
    const toml::array *array = node.as_array();
    if (!array)
        return badKey(source, "log.bootstrap_servers", "must be a string or an array of strings");
    std::string out;
    for (const toml::node &item : *array) {
        std::optional<std::string> server = item.value<std::string>();
        if (!server)
            return badKey(source, "log.bootstrap_servers", "must hold only strings");
        out += (out.empty() ? "" : ",") + *server;
    }
    return out;
}

Result<std::int64_t> integerIn(const toml::node &node, std::string_view source, const std::string &key,
                               std::int64_t low, std::int64_t high)
{
    KAPPA_ASSIGN_OR_RETURN(std::int64_t value, required<std::int64_t>(node, source, key, "an integer"));
    if (value < low || value > high)
        return badKey(source, key, "must be in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
    return value;
}

// librdkafka takes every property as text; TOML integers and booleans are
// accepted too, so that `"socket.keepalive.enable" = true` reads naturally.
Status applyKafkaProperties(const toml::table &table, std::string_view source,
                            std::map<std::string, std::string> &properties)
{
    for (const auto &[keyName, node] : table) {
        const std::string key(keyName.str());
        if (std::optional<std::string> text = node.value_exact<std::string>())
            properties[key] = *text;
        else if (std::optional<std::int64_t> number = node.value_exact<std::int64_t>())
            properties[key] = std::to_string(*number);
        else if (std::optional<bool> flag = node.value_exact<bool>())
            properties[key] = *flag ? "true" : "false";
        else
            return badKey(source, "log.kafka_properties." + key, "must be a string, an integer or a boolean");
    }
    return Status::ok();
}

Status applyLogKey(std::string_view key, const toml::node &node, std::string_view source, LogSettings &log)
{
    const std::string name = "log." + std::string(key);
    if (key == "kind") {
        KAPPA_ASSIGN_OR_RETURN(std::string kind, required<std::string>(node, source, name, "a string"));
        if (kind == "embedded")
            log.kind = LogKind::Embedded;
        else if (kind == "kafka")
            log.kind = LogKind::Kafka;
        else
            return badKey(source, name, "must be \"embedded\" or \"kafka\", not \"" + kind + "\"");
    } else if (key == "bootstrap_servers") {
        KAPPA_ASSIGN_OR_RETURN(log.bootstrapServers, bootstrapList(node, source));
    } else if (key == "topic_prefix") {
        KAPPA_ASSIGN_OR_RETURN(log.topicPrefix, required<std::string>(node, source, name, "a string"));
    } else if (key == "replication_factor") {
        KAPPA_ASSIGN_OR_RETURN(std::int64_t factor, integerIn(node, source, name, -1, 32767));
        log.replicationFactor = static_cast<std::int16_t>(factor);
    } else if (key == "linger_ms") {
        KAPPA_ASSIGN_OR_RETURN(std::int64_t ms, integerIn(node, source, name, 0, 900'000));
        log.linger = std::chrono::milliseconds(ms);
    } else if (key == "batch_size") {
        KAPPA_ASSIGN_OR_RETURN(std::int64_t bytes, integerIn(node, source, name, 1, INT32_MAX));
        log.batchBytes = static_cast<std::int32_t>(bytes);
    } else if (key == "compression") {
        KAPPA_ASSIGN_OR_RETURN(log.compression, required<std::string>(node, source, name, "a string"));
    } else if (key == "kafka_properties" && node.as_table()) {
        return applyKafkaProperties(*node.as_table(), source, log.kafkaProperties);
    } else if (key == "kafka_properties") {
        return badKey(source, name, "must be a table ([log.kafka_properties])");
    } else {
        return badKey(source, name, "is not a setting");
    }
    return Status::ok();
}

Status applyLog(const toml::table &table, std::string_view source, LogSettings &log)
{
    // Checked as a whole by ServiceConfig::validate(), after the flags (--kafka-bootstrap).
    for (const auto &[key, node] : table)
        KAPPA_RETURN_IF_ERROR(applyLogKey(key.str(), node, source, log));
    return Status::ok();
}

Status applyCluster(const toml::table &table, std::string_view source, ClusterSettings &cluster)
{
    for (const auto &[key, node] : table) {
        const std::string name = "cluster." + std::string(key.str());
        if (key.str() == "group") {
            KAPPA_ASSIGN_OR_RETURN(cluster.group, required<std::string>(node, source, name, "a string"));
        } else if (key.str() == "advertised_url") {
            KAPPA_ASSIGN_OR_RETURN(cluster.advertisedUrl,
                                   required<std::string>(node, source, name, "a string"));
            if (!cluster.advertisedUrl.starts_with("http://")
                && !cluster.advertisedUrl.starts_with("https://"))
                return badKey(source, name, "must be an http:// or https:// URL");
        } else if (key.str() == "instance_id") {
            KAPPA_ASSIGN_OR_RETURN(cluster.instanceId, required<std::string>(node, source, name, "a string"));
        } else {
            return badKey(source, name, "is not a setting");
        }
    }
    return Status::ok();
}

Status applyKey(std::string_view key, const toml::node &node, std::string_view source, ServiceConfig &c)
{
    if (key == "data_dir") {
        KAPPA_ASSIGN_OR_RETURN(c.dataDir, required<std::string>(node, source, key, "a string"));
    } else if (key == "listen") {
        KAPPA_ASSIGN_OR_RETURN(std::string listen, required<std::string>(node, source, key, "a string"));
        KAPPA_RETURN_IF_ERROR(parseListenAddress(listen, c.listenHost, c.listenPort).withContext(source));
    } else if (key == "jobs") {
        KAPPA_ASSIGN_OR_RETURN(c.jobs, jobList(node, source));
    } else if (key == "checkpoint_interval_ms") {
        KAPPA_ASSIGN_OR_RETURN(c.checkpointInterval, positiveMillis(node, source, key));
    } else if (key == "token_file") {
        KAPPA_ASSIGN_OR_RETURN(c.tokenFile, required<std::string>(node, source, key, "a string"));
    } else if (key == "tls_cert") {
        KAPPA_ASSIGN_OR_RETURN(c.tlsCert, required<std::string>(node, source, key, "a string"));
    } else if (key == "tls_key") {
        KAPPA_ASSIGN_OR_RETURN(c.tlsKey, required<std::string>(node, source, key, "a string"));
    } else if (key == "log_level") {
        KAPPA_ASSIGN_OR_RETURN(std::string level, required<std::string>(node, source, key, "a string"));
        KAPPA_ASSIGN_OR_RETURN(c.logLevel, parseLogLevel(level));
    } else if (key == "anonymous_loopback_viewer") {
        KAPPA_ASSIGN_OR_RETURN(c.anonymousLoopbackViewer, required<bool>(node, source, key, "true or false"));
    } else if (key == "stream_interval_ms") {
        KAPPA_ASSIGN_OR_RETURN(c.streamInterval, positiveMillis(node, source, key));
    } else if (key == "max_body_bytes") {
        KAPPA_ASSIGN_OR_RETURN(std::int64_t bytes, required<std::int64_t>(node, source, key, "an integer"));
        if (bytes <= 0)
            return badKey(source, key, "must be positive");
        c.maxBodyBytes = static_cast<std::size_t>(bytes);
    } else if (key == "read_timeout_ms") {
        KAPPA_ASSIGN_OR_RETURN(c.readTimeout, positiveMillis(node, source, key));
    } else if (key == "write_timeout_ms") {
        KAPPA_ASSIGN_OR_RETURN(c.writeTimeout, positiveMillis(node, source, key));
    } else if (key == "http_threads") {
        KAPPA_ASSIGN_OR_RETURN(std::int64_t threads, required<std::int64_t>(node, source, key, "an integer"));
        c.httpThreads = static_cast<int>(std::clamp<std::int64_t>(threads, 0, 100000));
    } else if (key == "demo") {
        const toml::table *demo = node.as_table();
        if (!demo)
            return badKey(source, key, "must be a table ([demo])");
        return applyDemo(*demo, source, c);
    } else if (key == "slo") {
        const toml::table *slo = node.as_table();
        if (!slo)
            return badKey(source, key, "must be a table ([slo.latency_p99_ms])");
        return applySloTable(*slo, source, c);
    } else if (key == "reprocessing") {
        const toml::table *reprocessing = node.as_table();
        if (!reprocessing)
            return badKey(source, key, "must be a table ([reprocessing])");
        return applyReprocessing(*reprocessing, source, c.reprocessing);
    } else if (key == "cluster") {
        const toml::table *cluster = node.as_table();
        if (!cluster)
            return badKey(source, key, "must be a table ([cluster])");
        return applyCluster(*cluster, source, c.cluster);
    } else if (key == "log") {
        const toml::table *log = node.as_table();
        if (!log)
            return badKey(source, key, "must be a table ([log])");
        return applyLog(*log, source, c.log);
    } else {
        return badKey(source, key, "is not a setting");
    }
    return Status::ok();
}

} // namespace

std::string_view logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
    }
    return "info";
}

Result<LogLevel> parseLogLevel(std::string_view name)
{
    for (LogLevel level : {LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error})
        if (logLevelName(level) == name)
            return level;
    return Status::invalidArgument("unknown log level '" + std::string(name) + "' (debug, info, warn, error)");
}

std::string_view logKindName(LogKind kind)
{
    return kind == LogKind::Kafka ? "kafka" : "embedded";
}

namespace {

// Properties the [log] table sets through its own keys: a pass-through value
// would be overridden or would override them, either way silently.
constexpr std::pair<std::string_view, std::string_view> kOwnedProperties[] = {
    {"bootstrap.servers", "log.bootstrap_servers"},
    {"metadata.broker.list", "log.bootstrap_servers"},
    {"linger.ms", "log.linger_ms"},
    {"queue.buffering.max.ms", "log.linger_ms"},
    {"batch.size", "log.batch_size"},
    {"compression.type", "log.compression"},
    {"compression.codec", "log.compression"},
};

// EventLog's topic-name alphabet; the prefix is part of every name.
bool isTopicNameText(std::string_view text)
{
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
               || c == '_' || c == '-';
    });
}

Status validateBootstrapServers(const std::string &servers)
{
    std::size_t start = 0;
    while (start <= servers.size()) {
        const std::size_t comma = std::min(servers.find(',', start), servers.size());
        const std::string_view server = std::string_view(servers).substr(start, comma - start);
        if (server.empty() || server.find_first_of(" \t") != std::string_view::npos)
            return Status::invalidArgument(
                "log.bootstrap_servers '" + servers
                + "' must be host:port[,host:port...] without spaces or empty entries");
        start = comma + 1;
    }
    return Status::ok();
}

Status validateKafkaSettings(const LogSettings &log)
{
    if (log.bootstrapServers.empty())
        return Status::invalidArgument(
            "log.kind = \"kafka\" needs log.bootstrap_servers (or --kafka-bootstrap)");
    KAPPA_RETURN_IF_ERROR(validateBootstrapServers(log.bootstrapServers));
    if (log.topicPrefix.size() > 100 || !isTopicNameText(log.topicPrefix))
        return Status::invalidArgument("log.topic_prefix '" + log.topicPrefix
                                       + "' must be at most 100 characters of [A-Za-z0-9._-]");
    if (log.replicationFactor == 0 || log.replicationFactor < -1)
        return Status::invalidArgument(
            "log.replication_factor must be -1 (the broker's default) or positive");
    if (log.linger.count() < 0 || log.linger.count() > 900'000)
        return Status::invalidArgument("log.linger_ms must be in [0, 900000]");
    if (log.batchBytes < 1)
        return Status::invalidArgument("log.batch_size must be positive");
    static const std::set<std::string> kCompressions = {"none", "gzip", "snappy", "lz4", "zstd"};
    if (!kCompressions.count(log.compression))
        return Status::invalidArgument("log.compression '" + log.compression
                                       + "' must be none, gzip, snappy, lz4 or zstd");
    for (const auto &[name, value] : log.kafkaProperties) {
        if (name.empty())
            return Status::invalidArgument("log.kafka_properties: a property name must not be empty");
        for (const auto &[owned, key] : kOwnedProperties)
            if (name == owned)
                return Status::invalidArgument("Kafka property " + name + " is set by " + std::string(key)
                                               + "; set that instead");
    }
    return Status::ok();
}

} // namespace

Status LogSettings::validate() const
{
    if (kind == LogKind::Kafka)
        return validateKafkaSettings(*this);
    // A Kafka setting beside the embedded log is a mistake: say so rather than ignore the cluster.
    const LogSettings defaults;
    const auto kafkaOnly = [](const char *key) {
        return Status::invalidArgument(std::string("log.") + key + " applies only with log.kind = \"kafka\"");
    };
    if (!bootstrapServers.empty())
        return kafkaOnly("bootstrap_servers");
    if (!topicPrefix.empty())
        return kafkaOnly("topic_prefix");
    if (replicationFactor != defaults.replicationFactor)
        return kafkaOnly("replication_factor");
    if (linger != defaults.linger)
        return kafkaOnly("linger_ms");
    if (batchBytes != defaults.batchBytes)
        return kafkaOnly("batch_size");
    if (compression != defaults.compression)
        return kafkaOnly("compression");
    if (!kafkaProperties.empty())
        return kafkaOnly("kafka_properties");
    return Status::ok();
}

bool isSecretKafkaProperty(std::string_view name)
{
    // librdkafka's secrets: *.password, sasl.oauthbearer.client.secret,
    // sasl.oauthbearer.config, ssl.key.pem (a private key), ssl_key; plus any
    // name that says token or secret, for plugins' properties.
    for (std::string_view word :
         {"password", "secret", "token", "oauthbearer.config", "jaas", "ssl.key.pem", "ssl_key", "private"})
        if (name.find(word) != std::string_view::npos)
            return true;
    return false;
}

Status addKafkaProperty(std::string_view keyValue, std::map<std::string, std::string> &properties)
{
    const std::size_t equals = keyValue.find('=');
    // The text is not echoed: it may be a secret's value.
    if (equals == std::string_view::npos || equals == 0)
        return Status::invalidArgument("--kafka-property takes KEY=VALUE with a non-empty KEY");
    properties[std::string(keyValue.substr(0, equals))] = std::string(keyValue.substr(equals + 1));
    return Status::ok();
}

std::string ServiceConfig::effectiveTokenFile() const
{
    return tokenFile.empty() ? dataDir + "/tokens.json" : tokenFile;
}

Status ServiceConfig::validate() const
{
    if (dataDir.empty())
        return Status::invalidArgument("the data directory must not be empty");
    if (listenPort < 0 || listenPort > 65535)
        return Status::invalidArgument("listen port " + std::to_string(listenPort) + " is out of range");
    if (tlsCert.empty() != tlsKey.empty())
        return Status::invalidArgument("TLS needs both a certificate and a key (tls_cert, tls_key)");
    if (httpThreads < 4 || httpThreads > 1024)
        return Status::invalidArgument("http_threads must be in [4, 1024]");
    constexpr std::chrono::milliseconds kHour{3'600'000};
    if (checkpointInterval > kHour || streamInterval > kHour || readTimeout > kHour || writeTimeout > kHour)
        return Status::invalidArgument(
            "checkpoint_interval_ms, stream_interval_ms and the timeouts must be at most one hour");
    if (maxBodyBytes > 64 * 1024 * 1024)
        return Status::invalidArgument("max_body_bytes must be at most 64 MiB");
    if (!(demoRate >= 0) || demoRate > 10'000'000)
        return Status::invalidArgument("the demo rate must be in [0, 10000000] events/s");
    KAPPA_RETURN_IF_ERROR(log.validate());
    if (cluster.enabled() && log.kind != LogKind::Kafka)
        return Status::invalidArgument("cluster.group needs the log on Kafka (log.kind = \"kafka\"): the "
                                       "instances share its partitions through a Kafka consumer group");
    if (cluster.enabled() && demo)
        return Status::invalidArgument("cluster.group and the demo do not go together: run the demo on one "
                                       "instance, or produce the events with kappactl gen");
    const auto plainName = [](const std::string &name) {
        return std::all_of(name.begin(), name.end(), [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-';
        });
    };
    if (!plainName(cluster.group) || !plainName(cluster.instanceId))
        return Status::invalidArgument("cluster.group and cluster.instance_id may hold only letters, digits, "
                                       "'.', '_' and '-'");
    if (!cluster.instanceId.empty() && !cluster.enabled())
        return Status::invalidArgument("cluster.instance_id applies only with cluster.group");
    // The file cannot break these, but code that builds a config can.
    for (const char *pipeline : {"user_features", "fraud", "business_metrics"}) {
        const auto lag = reprocessing.sloSeconds.find(pipeline);
        const auto latency = latencySloMillis.find(pipeline);
        if (lag == reprocessing.sloSeconds.end() || !(lag->second > 0) || !std::isfinite(lag->second)
            || latency == latencySloMillis.end() || !(latency->second > 0) || !std::isfinite(latency->second))
            return Status::invalidArgument(std::string("the SLOs of ") + pipeline
                                           + " must be positive, finite numbers");
    }
    return Status::ok();
}

Status parseListenAddress(std::string_view text, std::string &host, int &port)
{
    const auto bad = [&] {
        return Status::invalidArgument("listen address '" + std::string(text)
                                       + "' is not host:port (for example 127.0.0.1:8470 or [::1]:8470)");
    };
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
        return bad();
    std::string_view hostPart = text.substr(0, colon);
    if (hostPart.front() == '[') {
        if (hostPart.size() < 3 || hostPart.back() != ']')
            return bad();
        hostPart = hostPart.substr(1, hostPart.size() - 2);
    }
    const std::string_view portPart = text.substr(colon + 1);
    int value = -1;
    const auto [end, error] = std::from_chars(portPart.data(), portPart.data() + portPart.size(), value);
    if (error != std::errc() || end != portPart.data() + portPart.size() || value < 0 || value > 65535)
        return bad();
    host = std::string(hostPart);
    port = value;
    return Status::ok();
}

Status applyConfigToml(std::string_view toml, std::string_view sourceName, ServiceConfig &config)
{
    toml::table table;
    try {
        table = toml::parse(toml, sourceName);
    } catch (const toml::parse_error &error) {
        const toml::source_position at = error.source().begin;
        return Status::invalidArgument(std::string(sourceName) + ":" + std::to_string(at.line) + ":"
                                       + std::to_string(at.column) + ": " + std::string(error.description()));
    }
    // Applied to a copy: a file with an error changes nothing.
    ServiceConfig updated = config;
    for (const auto &[key, node] : table)
        KAPPA_RETURN_IF_ERROR(applyKey(key.str(), node, sourceName, updated));
    config = std::move(updated);
    return Status::ok();
}

Status applyConfigFile(const std::string &path, ServiceConfig &config)
{
    std::ifstream in(path);
    if (!in)
        return Status::notFound("cannot read config file " + path);
    std::stringstream text;
    text << in.rdbuf();
    return applyConfigToml(text.str(), path, config);
}

} // namespace kappa::service
