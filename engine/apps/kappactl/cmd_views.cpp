// kappactl get features|fraud|metrics and kappactl views list|dump|drop:
// reading the serving views (through the job's alias unless --version is
// given), listing them, and dropping a version's views and state.
#include "commands.h"

#include "jobs/data_layout.h"
#include "jobs/view_reader.h"
#include "kappa/catalog.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>
#include <optional>

namespace kappa::ctl {
namespace {

// What every view command opens: the catalog, and the log read-only for the partition count.
struct ViewContext
{
    std::unique_ptr<Catalog> catalog;
    std::unique_ptr<jobs::ViewReader> reader;
};

Result<ViewContext> openViews(const DataDir &dataDir)
{
    service::LogAccess access;
    access.readOnly = true;
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<EventLog> log, openLog(dataDir, access));
    KAPPA_ASSIGN_OR_RETURN(TopicConfig events, log->describeTopic(jobs::kEventsTopic));
    ViewContext context;
    KAPPA_ASSIGN_OR_RETURN(context.catalog, Catalog::open(dataDir.catalogPath()));
    context.reader = std::make_unique<jobs::ViewReader>(dataDir, *context.catalog, events.partitions);
    return context;
}

// Prints one entity's row, or fails with NotFound naming what was looked up.
int printEntity(const DataDir &dataDir, const std::string &job, std::int64_t id,
                const std::optional<std::string> &version)
{
    Result<ViewContext> context = openViews(dataDir);
    if (!context.isOk())
        return fail(context.status());
    Result<std::string> resolved = context->reader->resolveVersion(job, version);
    if (!resolved.isOk())
        return fail(resolved.status());
    Result<std::optional<std::string>> row = job == "user_features"
                                                 ? context->reader->features(id, *resolved)
                                                 : context->reader->fraudCard(id, *resolved);
    if (!row.isOk())
        return fail(row.status());
    if (!*row)
        return fail(Status::notFound(std::string(job == "user_features" ? "user " : "card ")
                                     + std::to_string(id) + " has no row in " + job + "@" + *resolved));
    std::cout << **row << "\n";
    return 0;
}

struct MetricsOptions
{
    std::int64_t fromMs = 0;
    std::int64_t toMs = 0;
    std::optional<std::int32_t> category;
    std::optional<std::string> country;
    std::string format = "jsonl";
    std::optional<std::string> version;
};

int printMetrics(const DataDir &dataDir, const MetricsOptions &options)
{
    if (options.toMs <= options.fromMs)
        return fail(Status::invalidArgument("--to must be greater than --from"));
    if (options.category && options.country)
        return fail(Status::invalidArgument("--category and --country select different rows; give one"));
    Result<ViewContext> context = openViews(dataDir);
    if (!context.isOk())
        return fail(context.status());
    Result<std::string> version = context->reader->resolveVersion("business_metrics", options.version);
    if (!version.isOk())
        return fail(version.status());
    jobs::MetricsSelection selection{options.fromMs, options.toMs, options.category, options.country,
                                     std::nullopt};
    Result<std::vector<jobs::MetricsRecord>> rows = context->reader->metrics(selection, *version);
    if (!rows.isOk())
        return fail(rows.status());
    if (options.format == "csv")
        std::cout << jobs::MetricsRecord::csvHeader() << "\n";
    for (const jobs::MetricsRecord &row : *rows)
        std::cout << (options.format == "csv" ? row.toCsv() : row.toJson()) << "\n";
    return 0;
}

int listViews(const DataDir &dataDir, bool json)
{
    Result<ViewContext> context = openViews(dataDir);
    if (!context.isOk())
        return fail(context.status());
    Result<std::vector<jobs::ViewInfo>> views = context->reader->list();
    if (!views.isOk())
        return fail(views.status());
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const jobs::ViewInfo &v : *views)
            out.push_back({{"job", v.job},
                           {"version", v.version},
                           {"state", v.state},
                           {"live", v.live},
                           {"kind", v.kind},
                           {"location", v.location},
                           {"bytes", v.bytes}});
        std::cout << out.dump() << "\n";
        return 0;
    }
    std::cout << std::left << std::setw(24) << "view" << std::setw(11) << "state" << std::setw(6) << "live"
              << std::setw(21) << "kind" << std::right << std::setw(14) << "bytes"
              << "  location\n";
    for (const jobs::ViewInfo &v : *views)
        std::cout << std::left << std::setw(24) << (v.job + "@" + v.version) << std::setw(11) << v.state
                  << std::setw(6) << (v.live ? "yes" : "") << std::setw(21) << v.kind << std::right
                  << std::setw(14) << v.bytes << "  " << v.location << "\n";
    return 0;
}

int dumpView(const DataDir &dataDir, const std::string &job, const std::optional<std::string> &version)
{
    Result<ViewContext> context = openViews(dataDir);
    if (!context.isOk())
        return fail(context.status());
    Result<std::string> resolved = context->reader->resolveVersion(job, version);
    if (!resolved.isOk())
        return fail(resolved.status());
    Status dumped = context->reader->dump(job, *resolved,
                                          [](const std::string &row) { std::cout << row << '\n'; });
    std::cout.flush();
    return dumped.isOk() ? 0 : fail(dumped);
}

int dropView(const DataDir &dataDir, const std::string &name, bool force)
{
    Result<jobs::JobVersionName> parsed = jobs::parseJobVersionName(name);
    if (!parsed.isOk())
        return fail(parsed.status());
    // The exclusive open also proves no engine is running on this directory.
    service::LogAccess access;
    access.exclusive = true;
    access.missingHint = "nothing to drop";
    Result<std::unique_ptr<EventLog>> log = openLog(dataDir, access);
    if (!log.isOk())
        return fail(log.status());
    Result<std::unique_ptr<Catalog>> catalog = Catalog::open(dataDir.catalogPath());
    if (!catalog.isOk())
        return fail(catalog.status());
    Status dropped = jobs::dropViews(dataDir, **catalog, **log, *parsed, force);
    if (!dropped.isOk())
        return fail(dropped);
    std::cout << "dropped the views and state of " << name << "\n";
    return 0;
}

} // namespace

void addViewCommands(CLI::App &app, const DataDir &dataDir, Action &action)
{
    CLI::App *get = app.add_subcommand("get", "Read serving views through the job's alias");
    get->require_subcommand(1);
    for (const auto &[command, job, what] :
         {std::tuple{"features", "user_features", "USER_ID"}, std::tuple{"fraud", "fraud", "CARD_ID"}}) {
        auto id = std::make_shared<std::int64_t>(0);
        auto version = std::make_shared<std::optional<std::string>>();
        CLI::App *sub = get->add_subcommand(command, std::string("The row of one ") + what);
        sub->add_option(std::string("id"), *id, what)->required();
        sub->add_option("--version", *version, "Read this version instead of the live one");
        const std::string jobName = job;
        sub->callback([&dataDir, &action, id, version, jobName] {
            action = [&dataDir, id, version, jobName] { return printEntity(dataDir, jobName, *id, *version); };
        });
    }
    auto metrics = std::make_shared<MetricsOptions>();
    CLI::App *metricsCommand = get->add_subcommand("metrics", "Business metrics rows of a time range");
    metricsCommand->add_option("--from", metrics->fromMs, "First window start, ms since the epoch")->required();
    metricsCommand->add_option("--to", metrics->toMs, "Windows starting before this, ms")->required();
    metricsCommand->add_option("--category", metrics->category, "Only this category (0: all categories)");
    metricsCommand->add_option("--country", metrics->country,
                               "Country rows of a v2 job instead of categories");
    metricsCommand->add_option("--format", metrics->format, "jsonl or csv")
        ->check(CLI::IsMember({"jsonl", "csv"}))
        ->capture_default_str();
    metricsCommand->add_option("--version", metrics->version, "Read this version instead of the live one");
    metricsCommand->callback([&dataDir, &action, metrics] {
        action = [&dataDir, metrics] { return printMetrics(dataDir, *metrics); };
    });

    CLI::App *views = app.add_subcommand("views", "List, dump and drop serving views");
    views->require_subcommand(1);
    auto listJson = std::make_shared<bool>(false);
    CLI::App *list = views->add_subcommand("list", "Every job version with its view");
    list->add_flag("--json", *listJson, "As JSON");
    list->callback([&dataDir, &action, listJson] {
        action = [&dataDir, listJson] { return listViews(dataDir, *listJson); };
    });

    auto dumpJob = std::make_shared<std::string>();
    auto dumpVersion = std::make_shared<std::optional<std::string>>();
    auto dumpFormat = std::make_shared<std::string>("jsonl");
    CLI::App *dump = views->add_subcommand("dump", "Every row of a view as JSON lines, in key order");
    dump->add_option("job", *dumpJob, "user_features, fraud or business_metrics")->required();
    dump->add_option("--version", *dumpVersion, "Dump this version instead of the live one");
    dump->add_option("--format", *dumpFormat, "jsonl")->check(CLI::IsMember({"jsonl"}))->capture_default_str();
    // Every option target is captured by its callback: CLI11 keeps only a pointer to it.
    dump->callback([&dataDir, &action, dumpJob, dumpVersion, dumpFormat] {
        action = [&dataDir, dumpJob, dumpVersion] { return dumpView(dataDir, *dumpJob, *dumpVersion); };
    });

    auto dropName = std::make_shared<std::string>();
    auto dropForce = std::make_shared<bool>(false);
    CLI::App *drop = views->add_subcommand("drop", "Delete a version's views, state and internal topics");
    drop->add_option("name", *dropName, "JOB@VERSION")->required();
    drop->add_flag("--force", *dropForce, "Also drop the live version (reads fail until it is rebuilt)");
    drop->callback([&dataDir, &action, dropName, dropForce] {
        action = [&dataDir, dropName, dropForce] { return dropView(dataDir, *dropName, *dropForce); };
    });
}

} // namespace kappa::ctl
