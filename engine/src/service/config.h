// ServiceConfig: everything kappad is told at start, from a TOML file
// (`kappad --config FILE`) and command-line flags that override it.
//
// File format (every key optional; unknown keys are errors, so that a typo
// does not silently fall back to a default):
//
//   data_dir = "/var/lib/kappa"         # log, catalog, state, views
//   listen = "127.0.0.1:8470"           # host:port; port 0 picks a free one
//   jobs = "all"                        # or "user_features@v1,fraud@v1" or an array of names
//   checkpoint_interval_ms = 5000       # intervals and timeouts: at most one hour
//   token_file = "/etc/kappa/tokens.json"   # default <data_dir>/tokens.json
//   tls_cert = "/etc/kappa/cert.pem"    # both or neither
//   tls_key = "/etc/kappa/key.pem"
//   log_level = "info"                  # debug, info, warn, error
//   anonymous_loopback_viewer = false   # viewer access without a token from 127.0.0.1/::1
//   stream_interval_ms = 1000           # SSE metrics snapshots
//   max_body_bytes = 65536
//   read_timeout_ms = 5000              # a client slower than this is disconnected
//   write_timeout_ms = 5000
//   http_threads = 32                   # 4..1024; each open connection holds one (idle ones close after 2 s)
//   [demo]
//   enabled = false
//   rate = 20000                        # events/s of the live sample producer
//   [reprocessing]
//   rate_multiple = 5.0                 # default k: a replay reads at k x the live ingest rate...
//   max_rate = 0                        # ...at most this many events/s (0: no cap)...
//   min_rate = 1000                     # ...and at least this many (ingest may be idle)
//   caught_up_records = 1000            # caught up: lag under max(this, 1 s of ingest)...
//   caught_up_hold_ms = 10000           # ...for this long
//   approval_ttl_ms = 3600000           # a switch request must be approved within this
//   four_eyes = true                    # the approver may not be the requester or the launcher
//   rollback_window_ms = 3600000        # the old version stays warm this long after a switch
//   retention_ms = 86400000             # a retired version's views and state are kept this long
//   [reprocessing.slo_seconds]          # live lag SLO per pipeline; replays back off at half of it
//   user_features = 2.0
//   fraud = 2.0
//   business_metrics = 60.0
//   [slo.latency_p99_ms]                # append-to-view-visible p99 SLO per pipeline (DESIGN.md's
//   user_features = 100.0               # targets); shown beside the measured latency, not enforced
//   fraud = 100.0
//   business_metrics = 1000.0
//   [log]                               # where the event log is (catalog, state, views stay in data_dir)
//   kind = "embedded"                   # or "kafka"
//   bootstrap_servers = "k1:9092,k2:9092"   # kafka: required (a string or an array of host:port)
//   topic_prefix = "prod."              # kafka: prepended to every topic Kappa uses
//   replication_factor = -1             # kafka: of the topics Kappa creates (-1: the broker's default)
//   linger_ms = 5                       # kafka producer: batching wait, 0..900000
//   batch_size = 1048576                # kafka producer: bytes per batch, 1..2147483647
//   compression = "lz4"                 # kafka producer: none, gzip, snappy, lz4 or zstd
//   [log.kafka_properties]              # passed through to librdkafka (SASL/SSL, tuning); values are
//   "security.protocol" = "SASL_SSL"    # strings, integers or booleans. Secrets (passwords, keys,
//   "sasl.password" = "..."             # tokens) are never logged.
//
// The kafka-only [log] keys are errors with kind = "embedded", so that a Kafka
// cluster is never silently ignored.
//
// SLO values are positive, finite numbers; a pipeline other than the three is an error.
// Threading: a plain value.
#pragma once

#include "kappa/status.h"
#include "reprocessing/reprocessing_options.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace kappa::service {

enum class LogLevel { Debug, Info, Warn, Error };
std::string_view logLevelName(LogLevel level);
Result<LogLevel> parseLogLevel(std::string_view name);

enum class LogKind { Embedded, Kafka };
std::string_view logKindName(LogKind kind);

// The [log] table: which EventLog holds the events (event_log_factory.h opens it).
struct LogSettings
{
    LogKind kind = LogKind::Embedded;
    // Kafka only (validate() refuses them with the embedded log):
    std::string bootstrapServers; // "host:port,host:port"
    std::string topicPrefix;      // prepended to every topic name; [A-Za-z0-9._-]
    std::int16_t replicationFactor = -1;
    std::chrono::milliseconds linger{5};
    std::int32_t batchBytes = 1 << 20;
    std::string compression = "lz4";
    // Passed through to librdkafka; librdkafka and KafkaLog check them when the log opens.
    std::map<std::string, std::string> kafkaProperties;

    bool operator==(const LogSettings &) const = default;
    // InvalidArgument naming the first bad setting (as "log.<key>").
    Status validate() const;
};

// Whether a librdkafka property holds a secret (passwords, private keys,
// tokens, JAAS or OAuth configuration), whose value must never be logged.
bool isSecretKafkaProperty(std::string_view name);
// Parses "KEY=VALUE" (a --kafka-property flag) into `properties`.
Status addKafkaProperty(std::string_view keyValue, std::map<std::string, std::string> &properties);

// Scale-out (Kafka only): instances with the same group share the source
// partitions through a Kafka consumer group; see engine/src/cluster.
struct ClusterSettings
{
    std::string group;      // empty: this instance runs every partition alone
    std::string instanceId; // unique in the group, stable across restarts; empty: "<host>-<listen port>"
    // Where the other instances reach this one's API ("http://host:port");
    // empty: the listen address, which must then not be a wildcard.
    std::string advertisedUrl;

    bool operator==(const ClusterSettings &) const = default;
    bool enabled() const { return !group.empty(); }
};

struct ServiceConfig
{
    std::string dataDir = "./kappa-data";
    std::string listenHost = "127.0.0.1";
    int listenPort = 8470;
    std::string jobs = "all";
    std::chrono::milliseconds checkpointInterval{5000};
    std::string tokenFile; // empty: <dataDir>/tokens.json
    std::string tlsCert;
    std::string tlsKey;
    LogLevel logLevel = LogLevel::Info;
    bool anonymousLoopbackViewer = false;
    std::chrono::milliseconds streamInterval{1000};
    std::size_t maxBodyBytes = 64 * 1024;
    std::chrono::milliseconds readTimeout{5000};
    std::chrono::milliseconds writeTimeout{5000};
    int httpThreads = 32;
    bool demo = false;
    double demoRate = 20'000;
    reprocessing::ReprocessingOptions reprocessing;
    LogSettings log;
    ClusterSettings cluster;
    // The p99 append-to-view-visible latency (ms) each pipeline should stay
    // under, by pipeline name; every pipeline has one.
    std::map<std::string, double> latencySloMillis = {{"user_features", 100.0},
                                                      {"fraud", 100.0},
                                                      {"business_metrics", 1000.0}};

    std::string effectiveTokenFile() const;
    // InvalidArgument naming the first bad setting.
    Status validate() const;
};

// Applies the settings of a TOML document on top of `config`. InvalidArgument
// with the line and column of a syntax error, or naming a bad or unknown key.
Status applyConfigToml(std::string_view toml, std::string_view sourceName, ServiceConfig &config);
// Reads a file and applies it; NotFound if it cannot be read.
Status applyConfigFile(const std::string &path, ServiceConfig &config);
// "host:port" (IPv6 as "[::1]:8470"); InvalidArgument otherwise.
Status parseListenAddress(std::string_view text, std::string &host, int &port);

} // namespace kappa::service
