// openEventLog: the one place that turns the [log] settings (config.h) into
// an EventLog, for kappad and for every kappactl command that opens the log.
//
// - embedded: a LocalLog in <dataDir>/log, as before.
// - kafka: a KafkaLog on the configured cluster. The catalog, the jobs'
//   state and checkpoints and the views stay in dataDir; only the event log
//   and the jobs' internal (rekey) topics live on the cluster. A non-empty
//   topic_prefix is prepended to every topic name by a thin decorator, so the
//   engine, the jobs and kappactl never see it: several deployments can share
//   one cluster.
//
// Secrets among the librdkafka properties (isSecretKafkaProperty) never
// appear in what this file returns: error messages are scrubbed of their
// values and describeLogSettings() shows them as "[redacted]".
//
// Threading: free functions; the returned log is thread-safe (EventLog).
#pragma once

#include "kappa/event_log.h"
#include "kappa/kafka_log.h"
#include "service/config.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace kappa::service {

// How a caller uses the log.
struct LogAccess
{
    // A reader that changes nothing. Embedded: no lock, a snapshot as of open,
    // NotFound if there is no log. Kafka: the same client as a writer.
    bool readOnly = false;
    // Embedded only: check every batch's CRC at open (LocalLogOptions::verifyOnOpen).
    bool verifyOnOpen = false;
    // Creates what is missing (embedded: the log directory; kafka: the data
    // directory). Otherwise an exclusive open of a missing log (embedded: no
    // <dataDir>/log; kafka: no dataDir) is NotFound, ending with missingHint,
    // so that a mistyped data directory never becomes a new, empty one.
    bool create = false;
    // This process runs jobs on dataDir (kappad, kappactl run, views drop): no
    // other process may at the same time. Embedded: the writable log's lock
    // does that already; kafka: an flock on <dataDir>/engine.lock, held as
    // long as the returned log lives. Unavailable if another process holds it.
    bool exclusive = false;
    std::string missingHint = "generate events first: kappactl gen";
    // Kafka's client.id, which shows in the brokers' logs and quotas.
    std::string clientId = "kappa";
};

// Opens the event log the settings name. Errors: those of LocalLog::open and
// KafkaLog::open (InvalidArgument for a bad property, Unavailable if no broker
// answers), NotFound and Unavailable as LogAccess says.
Result<std::unique_ptr<EventLog>> openEventLog(const LogSettings &settings, const std::string &dataDir,
                                               const LogAccess &access);

// The librdkafka client settings of the [log] table (kind kafka), for the
// other Kafka clients of a process (the cluster's group member and changelog).
KafkaLogConfig kafkaClientConfig(const LogSettings &settings, std::string clientId);

// Where the log is, for messages: "<dataDir>/log" or "Kafka at HOSTS[ (topic prefix P)]".
std::string logLocation(const LogSettings &settings, const std::string &dataDir);

// The settings as JSON for a log line: kind, servers, prefix, producer
// settings and the pass-through properties, secrets shown as "[redacted]".
nlohmann::json describeLogSettings(const LogSettings &settings);

// `text` with the value of every secret property among the settings' replaced by "[redacted]".
std::string redactSecrets(std::string text, const LogSettings &settings);

} // namespace kappa::service
