// kappactl log info | verify | dump: read-only inspection of the event log.
// They open the log read-only, so they work while a writer (kappad) is
// running. On Kafka, info has no segment or byte counts (brokers do not report
// them to clients) and verify does not apply (brokers check their own files).
#include "commands.h"

#include "kappa/catalog.h"
#include "kappa/event_codec.h"
#include "kappa/file_system.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>

namespace kappa::ctl {
namespace {

// Read-only opens take no lock and change nothing, so they work beside a
// running writer. Only `verify` pays for checking every batch's CRC up front;
// the others meet corruption, if any, when they read it.
Result<std::unique_ptr<EventLog>> openLogReadOnly(const DataDir &dataDir, bool verifyAll = false)
{
    service::LogAccess access;
    access.readOnly = true;
    access.verifyOnOpen = verifyAll;
    return openLog(dataDir, access);
}

std::string formatTime(std::optional<WallTime> t)
{
    if (!t)
        return "-";
    const std::time_t seconds = t->value() / 1000;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

// storage: whether the log reports segments and bytes (the embedded one
// does; Kafka's are null rather than a misleading 0).
nlohmann::json partitionJson(const PartitionInfo &info, bool storage)
{
    nlohmann::json j = {
        {"partition", info.partition.value()},
        {"start_offset", info.startOffset.value()},
        {"end_offset", info.endOffset.value()},
        {"records", info.endOffset - info.startOffset},
        {"segments", storage ? nlohmann::json(info.segments) : nlohmann::json()},
        {"bytes", storage ? nlohmann::json(info.bytes) : nlohmann::json()},
    };
    j["first_append_ts_ms"] = info.firstAppendTime ? nlohmann::json(info.firstAppendTime->value()) : nullptr;
    j["last_append_ts_ms"] = info.lastAppendTime ? nlohmann::json(info.lastAppendTime->value()) : nullptr;
    return j;
}

Result<nlohmann::json> collectInfo(EventLog &log, bool storage)
{
    nlohmann::json topics = nlohmann::json::array();
    for (const std::string &topic : log.listTopics()) {
        KAPPA_ASSIGN_OR_RETURN(TopicConfig config, log.describeTopic(topic));
        nlohmann::json partitions = nlohmann::json::array();
        for (std::int32_t p = 0; p < config.partitions; ++p) {
            KAPPA_ASSIGN_OR_RETURN(PartitionInfo info, log.partitionInfo(topic, PartitionId(p)));
            partitions.push_back(partitionJson(info, storage));
        }
        topics.push_back({{"topic", topic}, {"partitions", partitions}});
    }
    return nlohmann::json{{"topics", topics}};
}

void printInfoTable(const nlohmann::json &info)
{
    for (const auto &topic : info["topics"]) {
        std::int64_t records = 0;
        std::uint64_t bytes = 0;
        std::cout << "topic " << topic["topic"].get<std::string>() << " (" << topic["partitions"].size()
                  << " partitions)\n";
        std::cout << std::left << std::setw(10) << "partition" << std::right << std::setw(12) << "start"
                  << std::setw(12) << "end" << std::setw(10) << "segments" << std::setw(14) << "bytes"
                  << "  appended (UTC)\n";
        for (const auto &p : topic["partitions"]) {
            auto timeOf = [&](const char *key) {
                return p[key].is_null() ? std::optional<WallTime>() : WallTime(p[key].get<std::int64_t>());
            };
            auto figure = [&](const char *key) {
                return p[key].is_null() ? std::string("-") : std::to_string(p[key].get<std::uint64_t>());
            };
            std::cout << std::left << std::setw(10) << p["partition"].get<int>() << std::right
                      << std::setw(12) << p["start_offset"].get<std::int64_t>() << std::setw(12)
                      << p["end_offset"].get<std::int64_t>() << std::setw(10) << figure("segments")
                      << std::setw(14) << figure("bytes") << "  " << formatTime(timeOf("first_append_ts_ms"))
                      << " .. " << formatTime(timeOf("last_append_ts_ms")) << "\n";
            records += p["records"].get<std::int64_t>();
            bytes += p["bytes"].is_null() ? 0 : p["bytes"].get<std::uint64_t>();
        }
        std::cout << "total: " << records << " records"
                  << (topic["partitions"].empty() || !topic["partitions"][0]["bytes"].is_null()
                          ? ", " + std::to_string(bytes) + " bytes\n"
                          : "\n");
    }
}

int runInfo(const DataDir &dataDir, bool json)
{
    auto log = openLogReadOnly(dataDir);
    if (!log.isOk())
        return fail(log.status());
    auto info = collectInfo(**log, !dataDir.onKafka());
    if (!info.isOk())
        return fail(info.status());
    if (json)
        std::cout << info->dump(2) << "\n";
    else
        printInfoTable(*info);
    return 0;
}

int runVerify(const DataDir &dataDir)
{
    if (dataDir.onKafka())
        return fail(Status::failedPrecondition(
            "log verify checks the embedded log's segment files; Kafka brokers check their own "
            "(see Kafka's kafka-dump-log.sh)"));
    auto log = openLogReadOnly(dataDir, true);
    if (!log.isOk())
        return fail(log.status());
    auto info = collectInfo(**log, true);
    if (!info.isOk())
        return fail(info.status());
    std::int64_t records = 0;
    int segments = 0;
    for (const auto &topic : (*info)["topics"])
        for (const auto &p : topic["partitions"]) {
            records += p["records"].get<std::int64_t>();
            segments += p["segments"].get<int>();
        }
    std::cout << "verified " << segments << " segments holding " << records
              << " records: every batch checksum and offset is intact\n";
    return 0;
}

struct DumpOptions
{
    std::string topic = kEventsTopic;
    std::optional<std::int32_t> partition;
    std::int64_t fromOffset = 0;
    std::int64_t limit = 100;
    std::string format = "jsonl";
};

// Dumps one partition from options.fromOffset; returns records written or a failure.
Result<std::int64_t> dumpPartition(EventLog &log, EventCodec &codec, PartitionId partition,
                                   const DumpOptions &options, std::int64_t limit)
{
    RecordBatch batch;
    Offset next(options.fromOffset);
    std::int64_t written = 0;
    std::string line;
    while (written < limit) {
        KAPPA_RETURN_IF_ERROR(log.read(options.topic, partition, next, 1 << 20, batch));
        if (batch.empty())
            break;
        for (const RecordView &record : batch) {
            if (written == limit)
                break;
            line = "{\"partition\":" + std::to_string(partition.value())
                   + ",\"offset\":" + std::to_string(record.offset.value())
                   + ",\"append_ts_ms\":" + std::to_string(record.appendTime.value()) + ",";
            const Status decoded = codec.appendJsonFields(record.value, line);
            if (!decoded.isOk())
                return decoded.withContext(options.topic + "/" + std::to_string(partition.value())
                                           + " offset " + std::to_string(record.offset.value()));
            line += "}\n";
            std::cout << line;
            ++written;
        }
        next = batch.nextOffset();
    }
    return written;
}

int runDump(const DataDir &dataDir, const DumpOptions &options)
{
    if (options.format != "jsonl")
        return fail(
            Status::invalidArgument("unsupported --format '" + options.format + "' (supported: jsonl)"));
    if (options.limit < 0 || options.fromOffset < 0)
        return fail(Status::invalidArgument("--limit and --from-offset must not be negative"));
    auto log = openLogReadOnly(dataDir);
    if (!log.isOk())
        return fail(log.status());
    if (!FileSystem::posix().exists(dataDir.catalogPath()))
        return fail(Status::notFound("no catalog at " + dataDir.catalogPath() + " to decode events with"));
    auto catalog = Catalog::open(dataDir.catalogPath());
    if (!catalog.isOk())
        return fail(catalog.status());
    auto codec = EventCodec::create((*catalog)->schemas());
    if (!codec.isOk())
        return fail(codec.status());
    auto config = (*log)->describeTopic(options.topic);
    if (!config.isOk())
        return fail(config.status());
    if (options.partition && (*options.partition < 0 || *options.partition >= config->partitions))
        return fail(Status::notFound("partition " + std::to_string(*options.partition) + " of topic "
                                     + options.topic + " (it has " + std::to_string(config->partitions)
                                     + " partitions)"));
    std::int64_t remaining = options.limit;
    for (std::int32_t p = 0; p < config->partitions && remaining > 0; ++p) {
        if (options.partition && p != *options.partition)
            continue;
        auto written = dumpPartition(**log, **codec, PartitionId(p), options, remaining);
        if (!written.isOk())
            return fail(written.status());
        remaining -= *written;
    }
    return 0;
}

} // namespace

void addLogCommands(CLI::App &app, const DataDir &dataDir, Action &action)
{
    CLI::App *log = app.add_subcommand("log", "Inspect the event log");
    log->require_subcommand(1);

    CLI::App *info = log->add_subcommand("info",
                                         "Per partition: start and end offsets, segments, bytes, time range");
    auto json = std::make_shared<bool>(false);
    info->add_flag("--json", *json, "Print JSON instead of a table");
    info->callback(
        [&dataDir, &action, json] { action = [&dataDir, json] { return runInfo(dataDir, *json); }; });

    CLI::App *verify
        = log->add_subcommand("verify",
                              "Check the CRC and offsets of every batch in every segment (embedded log)");
    verify->callback([&dataDir, &action] { action = [&dataDir] { return runVerify(dataDir); }; });

    CLI::App *dump = log->add_subcommand("dump", "Print records as one flat JSON object per line");
    auto options = std::make_shared<DumpOptions>();
    dump->add_option("--topic", options->topic, "Topic to read")->capture_default_str();
    dump->add_option("--partition", options->partition, "Only this partition (default: all, in order)");
    dump->add_option("--from-offset", options->fromOffset, "First offset to print in each partition")
        ->capture_default_str();
    dump->add_option("--limit", options->limit, "Print at most this many records")->capture_default_str();
    dump->add_option("--format", options->format, "Output format (jsonl)")->capture_default_str();
    dump->callback([&dataDir, &action, options] {
        action = [&dataDir, options] { return runDump(dataDir, *options); };
    });
}

} // namespace kappa::ctl
