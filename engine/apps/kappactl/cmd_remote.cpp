// kappactl --url URL [--token-file FILE] status | jobs [JOB@VERSION] | get ...:
// the same questions asked of a running kappad over its HTTP API instead of
// a data directory. `get` prints what the offline command prints (metrics
// rows byte for byte; a features or fraud row as the server's JSON, whose
// keys kappad sends sorted); `status` and `jobs` print a compact table, or
// kappad's JSON pretty-printed with --json.
#include "commands.h"

#include "jobs/data_layout.h"
#include "jobs/view_reader.h"
#include "remote_support.h"
#include "service/api_client.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

namespace kappa::ctl {
namespace {

int printStatus(const RemoteOptions &remote, bool json)
{
    return renderJson(remote, "/api/v1/status", [&](const nlohmann::json &status) {
        if (json) {
            std::cout << status.dump(2) << "\n";
            return 0;
        }
        const nlohmann::json &topic = status.at("events_topic");
        const nlohmann::json &demo = status.at("demo");
        const auto row = [](const char *key, const std::string &value) {
            std::cout << std::left << std::setw(10) << key << value << "\n";
        };
        row("kappad", remote.url);
        row("ready", status.at("ready").get<bool>() ? "yes" : "no");
        row("health", text(status.at("health")));
        row("uptime", fixed(status.at("uptime_seconds").get<double>()) + " s");
        row("data dir", text(status.at("data_dir")));
        row("events", text(topic.at("name")) + ": " + text(topic.at("partitions")) + " partitions, "
                          + text(topic.at("end_offsets_total")) + " records");
        row("requests", text(status.at("requests_total")));
        row("demo", demo.is_null() ? "off"
                                   : fixed(demo.at("rate").get<double>()) + " events/s, "
                                         + text(demo.at("produced")) + " produced");
        return 0;
    });
}

int printJobs(const RemoteOptions &remote, bool json)
{
    return renderJson(remote, "/api/v1/jobs", [&](const nlohmann::json &answer) {
        if (json) {
            std::cout << answer.dump(2) << "\n";
            return 0;
        }
        std::cout << std::left << std::setw(28) << "version" << std::setw(11) << "state" << std::setw(6)
                  << "live" << std::setw(8) << "running" << std::right << std::setw(12) << "events"
                  << std::setw(12) << "lag" << std::setw(9) << "lag s" << std::setw(11) << "events/s"
                  << std::setw(13) << "checkpoints"
                  << "\n";
        for (const nlohmann::json &job : answer.at("jobs")) {
            const std::string name = job.at("job").get<std::string>();
            if (job.at("versions").empty())
                std::cout << std::left << std::setw(28) << name << "(no versions)\n";
            for (const nlohmann::json &v : job.at("versions")) {
                std::cout << std::left << std::setw(28) << (name + "@" + v.at("version").get<std::string>())
                          << std::setw(11) << text(v.at("state")) << std::setw(6)
                          << (v.at("live").get<bool>() ? "yes" : "") << std::setw(8)
                          << (v.at("running").get<bool>() ? "yes" : "");
                if (const auto figures = v.find("figures"); figures != v.end())
                    std::cout << std::right << std::setw(12) << text(figures->at("events")) << std::setw(12)
                              << text(figures->at("lag_records")) << std::setw(9)
                              << fixed(figures->at("lag_seconds").get<double>()) << std::setw(11)
                              << fixed(figures->at("processing_rate").get<double>()) << std::setw(13)
                              << text(figures->at("checkpoints"));
                std::cout << "\n";
            }
        }
        return 0;
    });
}

// The tasks of one running version (GET /api/v1/jobs/{job}/versions/{version}/metrics).
int printTasks(const RemoteOptions &remote, const std::string &name, bool json)
{
    Result<jobs::JobVersionName> parsed = jobs::parseJobVersionName(name);
    if (!parsed.isOk())
        return fail(parsed.status());
    const std::string path = "/api/v1/jobs/" + service::percentEncode(parsed->job) + "/versions/"
                             + service::percentEncode(parsed->version) + "/metrics";
    return renderJson(remote, path, [&](const nlohmann::json &answer) {
        if (json) {
            std::cout << answer.dump(2) << "\n";
            return 0;
        }
        std::cout << std::left << std::setw(40) << "task" << std::right << std::setw(5) << "part"
                  << std::setw(12) << "position" << std::setw(12) << "end" << std::setw(10) << "lag"
                  << std::setw(9) << "lag s" << std::setw(11) << "events/s" << std::setw(11) << "caught up"
                  << std::setw(13) << "checkpoints"
                  << "\n";
        for (const nlohmann::json &t : answer.at("tasks"))
            std::cout << std::left << std::setw(40) << text(t.at("task")) << std::right << std::setw(5)
                      << text(t.at("partition")) << std::setw(12) << text(t.at("position")) << std::setw(12)
                      << text(t.at("end_offset")) << std::setw(10) << text(t.at("lag_records"))
                      << std::setw(9) << fixed(t.at("lag_seconds").get<double>()) << std::setw(11)
                      << fixed(t.at("processing_rate").get<double>()) << std::setw(11)
                      << (t.at("caught_up").get<bool>() ? "yes" : "no") << std::setw(13)
                      << text(t.at("checkpoints")) << "\n";
        return 0;
    });
}

std::string versionQuery(const std::optional<std::string> &version, char separator)
{
    return version ? std::string(1, separator) + "version=" + service::percentEncode(*version)
                   : std::string();
}

int printRemoteEntity(const RemoteOptions &remote, const std::string &command, std::int64_t id,
                      const std::optional<std::string> &version)
{
    const std::string path = (command == "features" ? "/api/v1/views/features/" : "/api/v1/views/fraud/cards/")
                             + std::to_string(id) + versionQuery(version, '?');
    return renderJson(remote, path, [](const nlohmann::json &answer) {
        std::cout << answer.at("data").dump() << "\n";
        return 0;
    });
}

struct RemoteMetrics
{
    std::int64_t fromMs = 0;
    std::int64_t toMs = 0;
    std::optional<std::int64_t> category;
    std::string format = "jsonl";
    std::optional<std::string> version;
};

jobs::MetricsRecord metricsRecord(const nlohmann::json &row)
{
    jobs::MetricsRecord record;
    record.windowStartMs = row.at("window_start_ms").get<std::int64_t>();
    if (row.contains("country"))
        record.country = row.at("country").get<std::string>();
    else
        record.categoryId = row.at("category_id").get<std::int32_t>();
    record.views = row.at("views").get<std::int64_t>();
    record.cartAdds = row.at("cart_adds").get<std::int64_t>();
    record.checkouts = row.at("checkouts").get<std::int64_t>();
    record.orders = row.at("orders").get<std::int64_t>();
    record.gmvCents = row.at("gmv_cents").get<std::int64_t>();
    record.sessions = row.at("sessions").get<std::int64_t>();
    record.purchasingSessions = row.at("purchasing_sessions").get<std::int64_t>();
    return record;
}

int printRemoteMetrics(const RemoteOptions &remote, const RemoteMetrics &options)
{
    if (options.toMs <= options.fromMs)
        return fail(Status::invalidArgument("--to must be greater than --from"));
    std::string path = "/api/v1/views/metrics?from_ms=" + std::to_string(options.fromMs)
                       + "&to_ms=" + std::to_string(options.toMs);
    if (options.category)
        path += "&category=" + std::to_string(*options.category);
    path += versionQuery(options.version, '&');
    return renderJson(remote, path, [&options](const nlohmann::json &answer) {
        // Converted before printing, so a malformed row prints nothing rather than half a table.
        std::vector<jobs::MetricsRecord> records;
        for (const nlohmann::json &row : answer.at("data"))
            records.push_back(metricsRecord(row));
        if (options.format == "csv")
            std::cout << jobs::MetricsRecord::csvHeader() << "\n";
        for (const jobs::MetricsRecord &record : records)
            std::cout << (options.format == "csv" ? record.toCsv() : record.toJson()) << "\n";
        return 0;
    });
}

std::optional<std::string> optionalString(const CLI::App &command, const std::string &name)
{
    const CLI::Option *option = command.get_option_no_throw(name);
    if (option == nullptr || option->count() == 0)
        return std::nullopt;
    return option->as<std::string>();
}

// The remote twin of the `get` subcommand the user selected (options registered in cmd_views.cpp).
Action remoteGet(const CLI::App &get, const RemoteOptions &remote)
{
    const auto selected = get.get_subcommands();
    if (selected.empty())
        return {};
    const CLI::App &command = *selected.front();
    const std::string name = command.get_name();
    if (name == "features" || name == "fraud") {
        const auto id = command.get_option("id")->as<std::int64_t>();
        const std::optional<std::string> version = optionalString(command, "--version");
        return [&remote, name, id, version] { return printRemoteEntity(remote, name, id, version); };
    }
    if (name == "metrics") {
        if (optionalString(command, "--country"))
            return [] {
                return fail(Status::invalidArgument(
                    "kappad's API has no country rows; read them offline with --data-dir instead of --url"));
            };
        RemoteMetrics options;
        options.fromMs = command.get_option("--from")->as<std::int64_t>();
        options.toMs = command.get_option("--to")->as<std::int64_t>();
        if (optionalString(command, "--category"))
            options.category = command.get_option("--category")->as<std::int64_t>();
        options.format = command.get_option("--format")->as<std::string>();
        options.version = optionalString(command, "--version");
        return [&remote, options] { return printRemoteMetrics(remote, options); };
    }
    return [name] { return fail(Status::internal("get " + name + " has no remote form")); };
}

} // namespace

void addRemoteCommands(CLI::App &app, RemoteOptions &remote, Action &action)
{
    CLI::Option *url = app.add_option("--url", remote.url,
                                      "Ask the kappad at this URL (http://HOST:PORT or https://HOST:PORT): "
                                      "status, jobs and get");
    if (CLI::Option *dataDir = app.get_option_no_throw("--data-dir"))
        url->excludes(dataDir);
    app.add_option("--token-file", remote.tokenFile,
                   "With --url: a file whose first line is the bearer token (default: $KAPPA_TOKEN)")
        ->needs(url);
    app.add_option("--ca-file", remote.caFile, "With an https --url: the PEM CA bundle to verify kappad with")
        ->needs(url);

    auto statusJson = std::make_shared<bool>(false);
    CLI::App *status = app.add_subcommand("status",
                                          "A running kappad's health, events and demo (needs --url)");
    status->add_flag("--json", *statusJson, "kappad's JSON, pretty-printed");
    status->callback([&remote, &action, statusJson] {
        action = [&remote, statusJson] {
            return remote.url.empty() ? needsUrl("status") : printStatus(remote, *statusJson);
        };
    });

    auto jobsJson = std::make_shared<bool>(false);
    auto jobsVersion = std::make_shared<std::optional<std::string>>();
    CLI::App *jobs = app.add_subcommand("jobs", "A running kappad's job versions, or one version's tasks "
                                                "(needs --url)");
    jobs->add_option("name", *jobsVersion, "JOB@VERSION: its tasks instead of every version");
    jobs->add_flag("--json", *jobsJson, "kappad's JSON, pretty-printed");
    jobs->callback([&remote, &action, jobsJson, jobsVersion] {
        action = [&remote, jobsJson, jobsVersion] {
            if (remote.url.empty())
                return needsUrl("jobs");
            return *jobsVersion ? printTasks(remote, **jobsVersion, *jobsJson) : printJobs(remote, *jobsJson);
        };
    });
}

void routeRemote(const CLI::App &app, const RemoteOptions &remote, Action &action)
{
    if (remote.url.empty())
        return;
    const auto selected = app.get_subcommands();
    if (selected.empty())
        return;
    const std::string name = selected.front()->get_name();
    if (name == "status" || name == "jobs" || name == "replay" || name == "validate" || name == "validation"
        || name == "switch" || name == "rollback" || name == "audit")
        return;
    if (name == "get") {
        if (Action remoteAction = remoteGet(*selected.front(), remote))
            action = std::move(remoteAction);
        return;
    }
    action = [name] {
        return fail(Status::invalidArgument(
            "--url applies to status, jobs, get and the reprocessing commands; `kappactl " + name
            + "` works on --data-dir"));
    };
}

} // namespace kappa::ctl
