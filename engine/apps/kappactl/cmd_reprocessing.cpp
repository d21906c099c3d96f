// kappactl --url URL replay | validate | validation | switch | rollback | audit:
// the reprocessing workflow against a running kappad. `audit list|verify`
// also works offline on --data-dir (it reads the catalog).
#include "commands.h"
#include "remote_support.h"

#include "kappa/catalog.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

namespace kappa::ctl {
namespace {

using Json = nlohmann::json;

struct ReplayArgs
{
    std::string target; // a spec file or JOB@VERSION
    std::string from = "earliest";
    std::optional<double> rateMultiple;
    std::optional<double> maxRate;
    std::optional<double> minRate;
    bool dryRun = false;
    bool wait = false;
    bool json = false;
    std::optional<std::int64_t> id;
    std::string reason;
    std::string serveFrom; // rebuild: the version that answers reads meanwhile
};

// Calls `request`, prints the answer with `render` (or as JSON); the exit code.
template<typename Request, typename Render>
int answer(Request request, bool json, Render render)
{
    Result<Json> result = request();
    if (!result.isOk())
        return fail(result.status());
    try {
        if (json)
            std::cout << result->dump(2) << "\n";
        else
            render(*result);
    } catch (const Json::exception &e) {
        return fail(Status::internal(std::string("unexpected answer from kappad: ") + e.what()));
    }
    return 0;
}

std::string rate(const Json &value)
{
    return value.is_number() ? fixed(value.get<double>(), 0) + "/s" : "-";
}

std::string eta(const Json &value)
{
    if (!value.is_number())
        return "unknown (not gaining on the log)";
    return fixed(value.get<double>(), 0) + " s";
}

void printReplayLine(const Json &r, std::ostream &out)
{
    out << "replay " << r["id"].get<std::int64_t>() << "  " << text(r["job"]) << "@" << text(r["version"])
        << "  " << text(r["state"]) << (r["paused"].get<bool>() ? " (paused)" : "");
    // An ended replay has no progress or rates any more, only why it ended.
    if (text(r["state"]) != "running" && text(r["state"]) != "caught_up") {
        out << "  (" << text(r["reason"]) << "; version " << text(r["version_state"]) << ")";
        return;
    }
    out << "  " << fixed(r["percent"].get<double>()) << " %  rate " << rate(r["measured_rate"])
        << " of target " << rate(r["target_rate"]) << " (ingest " << rate(r["ingest_rate"]) << ")  ETA "
        << eta(r["eta_seconds"]);
    if (!text(r["slowdown_reason"]).empty() && text(r["slowdown_reason"]) != "-")
        out << "  [" << text(r["slowdown_reason"]) << "]";
}

void printReplay(const Json &r)
{
    printReplayLine(r, std::cout);
    std::cout << "\n  from " << text(r["from"]) << ", k=" << fixed(r["rate_multiple"].get<double>(), 2)
              << ", max_rate " << rate(r["max_rate"]) << ", min_rate " << rate(r["min_rate"]) << ", version "
              << text(r["version_state"]) << ", launched by " << text(r["created_by"]) << "\n";
    for (const Json &p : r["partitions"])
        std::cout << "  partition " << p["partition"] << ": " << p["position"] << " of " << p["end"]
                  << " (from " << p["start"] << ")\n";
}

// Polls the replay until its version is caught up (or it ended), one line per second.
int watchReplay(const RemoteOptions &remote, std::int64_t id)
{
    const bool terminal = ::isatty(STDOUT_FILENO) != 0;
    while (true) {
        Result<Json> replay = fetchJson(remote, "/api/v1/replays/" + std::to_string(id));
        if (!replay.isOk())
            return fail(replay.status());
        std::ostringstream line;
        printReplayLine(*replay, line);
        std::cout << (terminal ? "\r\033[K" : "") << line.str() << (terminal ? "" : "\n") << std::flush;
        const std::string state = text((*replay)["state"]);
        if (state != "running") {
            std::cout << (terminal ? "\n" : "");
            return state == "caught_up" || state == "finished"
                       ? 0
                       : fail(Status::aborted("replay " + std::to_string(id) + " is " + state));
        }
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
}

void addRates(Json &body, const ReplayArgs &args)
{
    if (args.rateMultiple)
        body["rate_multiple"] = *args.rateMultiple;
    if (args.maxRate)
        body["max_rate"] = *args.maxRate;
    if (args.minRate)
        body["min_rate"] = *args.minRate;
}

Result<Json> launchBody(const ReplayArgs &args)
{
    Json body = {{"from", args.from}, {"dry_run", args.dryRun}};
    std::ifstream file(args.target);
    if (file) {
        std::stringstream text;
        text << file.rdbuf();
        Json spec = Json::parse(text.str(), nullptr, false);
        if (!spec.is_object())
            return Status::invalidArgument(args.target + " is not a JSON job spec");
        body["spec"] = std::move(spec);
    } else if (args.target.find('@') != std::string::npos) {
        body["job_version"] = args.target;
    } else {
        return Status::invalidArgument("replay start takes a spec file or JOB@VERSION, got '" + args.target
                                       + "'");
    }
    addRates(body, args);
    return body;
}

void printPreflight(const Json &p)
{
    std::cout << "pre-flight " << (p["ok"].get<bool>() ? "passed" : "FAILED") << " for " << text(p["job"])
              << "@" << text(p["version"]) << ": " << p["events"] << " events, rate " << rate(p["rate"])
              << " against ingest " << rate(p["ingest_rate"]) << ", expected "
              << (p["expected_seconds"].is_number() ? fixed(p["expected_seconds"].get<double>(), 0) + " s"
                                                    : "never")
              << ", state ~" << p["estimated_state_bytes"] << " B, view ~" << p["estimated_view_bytes"]
              << " B\n";
    for (const Json &check : p["checks"])
        std::cout << "  " << (check["ok"].get<bool>() ? "ok  " : "FAIL") << " " << text(check["name"]) << ": "
                  << text(check["detail"]) << "\n";
}

int replayStart(const RemoteOptions &remote, const ReplayArgs &args)
{
    Result<Json> body = launchBody(args);
    if (!body.isOk())
        return fail(body.status());
    Result<Json> started = sendJson(remote, "POST", "/api/v1/replays", *body);
    if (!started.isOk())
        return fail(started.status());
    if (args.json) {
        std::cout << started->dump(2) << "\n";
        return 0;
    }
    if (args.dryRun) {
        printPreflight((*started)["preflight"]);
        return (*started)["preflight"]["ok"].get<bool>() ? 0 : static_cast<int>(ExitCode::Conflict);
    }
    const std::int64_t id = (*started)["id"].get<std::int64_t>();
    std::cout << "replay " << id << " started: " << text((*started)["job"]) << "@"
              << text((*started)["version"]) << "\n";
    return args.wait ? watchReplay(remote, id) : 0;
}

// Drops the version's views and state and replays the log into them from the start.
int replayRebuild(const RemoteOptions &remote, const ReplayArgs &args)
{
    const std::size_t at = args.target.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == args.target.size())
        return fail(Status::invalidArgument("replay rebuild takes JOB@VERSION, got '" + args.target + "'"));
    Json body = {{"serve_from", args.serveFrom}};
    addRates(body, args);
    const std::string path = "/api/v1/jobs/" + args.target.substr(0, at) + "/versions/"
                             + args.target.substr(at + 1) + "/rebuild";
    Result<Json> started = sendJson(remote, "POST", path, body);
    if (!started.isOk())
        return fail(started.status());
    if (args.json) {
        std::cout << started->dump(2) << "\n";
        return 0;
    }
    const std::int64_t id = (*started)["id"].get<std::int64_t>();
    std::cout << "replay " << id << " rebuilds " << args.target << "; until it has caught up its reads "
              << (args.serveFrom.empty() ? "answer 503" : "are served by version " + args.serveFrom) << "\n";
    return args.wait ? watchReplay(remote, id) : 0;
}

int replayStatus(const RemoteOptions &remote, const ReplayArgs &args)
{
    if (args.id && args.wait)
        return watchReplay(remote, *args.id);
    const std::string path = args.id ? "/api/v1/replays/" + std::to_string(*args.id) : "/api/v1/replays";
    return answer([&] { return fetchJson(remote, path); }, args.json,
                  [&](const Json &out) {
                      if (args.id)
                          return printReplay(out);
                      for (const Json &replay : out["replays"]) {
                          printReplayLine(replay, std::cout);
                          std::cout << "\n";
                      }
                  });
}

int replayControl(const RemoteOptions &remote, const ReplayArgs &args, const std::string &action)
{
    const std::string path = "/api/v1/replays/" + std::to_string(*args.id);
    return answer(
        [&] {
            if (action == "set-rate") {
                Json body = Json::object();
                addRates(body, args);
                return sendJson(remote, "PUT", path + "/rate", body);
            }
            return sendJson(remote, "POST", path + "/" + action, Json{{"reason", args.reason}});
        },
        args.json, [](const Json &r) { printReplay(r); });
}

void addReplayCommands(CLI::App &app, const RemoteOptions &remote, Action &action)
{
    CLI::App *replay = app.add_subcommand("replay",
                                          "Replays of a new job version beside the live one (needs --url)");
    replay->require_subcommand(1);
    auto args = std::make_shared<ReplayArgs>();
    const auto rates = [args](CLI::App *command) {
        command->add_option("--rate-multiple", args->rateMultiple, "k: read at k x the live ingest rate");
        command->add_option("--max-rate", args->maxRate, "At most this many events/s (0: no cap)");
        command->add_option("--min-rate", args->minRate, "At least this many events/s (ingest may be idle)");
    };
    const auto run = [&remote, &action, args](std::function<int()> body) {
        action = [&remote, body] { return remote.url.empty() ? needsUrl("replay") : body(); };
    };

    CLI::App *start
        = replay->add_subcommand("start", "Pre-flight and launch a replay of SPEC (a file) or JOB@VERSION");
    start
        ->add_option("spec", args->target,
                     "A job spec file, or JOB@VERSION of a registered or built-in version")
        ->required();
    start->add_option("--from", args->from,
                      "earliest, an offset, a UTC time (2026-11-20T08:00:00Z) or a duration (90d)");
    rates(start);
    start->add_flag("--dry-run", args->dryRun,
                    "Only the pre-flight: what would be replayed, how fast, how big");
    start->add_flag("--wait", args->wait, "Show progress until the version is caught up");
    start->add_flag("--json", args->json, "kappad's JSON answer");
    start->callback([&remote, run, args] { run([&remote, args] { return replayStart(remote, *args); }); });

    CLI::App *rebuild = replay->add_subcommand(
        "rebuild", "Drop JOB@VERSION's views and state and replay the log into them from the start");
    rebuild->add_option("job_version", args->target, "JOB@VERSION of a registered version")->required();
    rebuild->add_option("--serve-from", args->serveFrom,
                        "Another running version that answers the reads meanwhile (default: they get 503)");
    rates(rebuild);
    rebuild->add_flag("--wait", args->wait, "Show progress until the rebuilt version has caught up");
    rebuild->add_flag("--json", args->json, "kappad's JSON answer");
    rebuild->callback([&remote, run, args] { run([&remote, args] { return replayRebuild(remote, *args); }); });

    CLI::App *status = replay->add_subcommand("status", "Every replay, or one replay's progress");
    status->add_option("id", args->id, "The replay id");
    status->add_flag("--watch", args->wait, "With an id: show progress until it is caught up or ends");
    status->add_flag("--json", args->json, "kappad's JSON answer");
    status->callback([&remote, run, args] { run([&remote, args] { return replayStatus(remote, *args); }); });

    for (const char *name : {"pause", "resume", "cancel", "set-rate"}) {
        CLI::App *control = replay->add_subcommand(name, std::string(name) + " a replay");
        control->add_option("id", args->id, "The replay id")->required();
        if (std::string(name) == "cancel")
            control->add_option("--reason", args->reason, "Why (kept in the audit log)");
        if (std::string(name) == "set-rate")
            rates(control);
        control->add_flag("--json", args->json, "kappad's JSON answer");
        const std::string verb = name;
        control->callback([&remote, run, args, verb] {
            run([&remote, args, verb] { return replayControl(remote, *args, verb); });
        });
    }
}

void printValidation(const Json &v)
{
    const Json &report = v["report"];
    std::cout << "validation " << v["id"] << " of " << text(v["job"]) << "@" << text(v["candidate"])
              << " against " << text(v["baseline"]) << ": " << (v["passed"].get<bool>() ? "PASSED" : "FAILED")
              << "\n";
    if (!report.is_object())
        return;
    for (const Json &reason : report["reasons"])
        std::cout << "  reason: " << text(reason) << "\n";
    const Json &keys = report["keys"];
    std::cout << "  keys compared " << keys["compared"] << ", differing " << keys["differing"]
              << ", not aligned " << keys["not_aligned"];
    if (!keys["added_fields"].empty())
        std::cout << ", fields added " << keys["added_fields"].dump();
    std::cout << "\n";
    for (const Json &diff : report["diffs"])
        std::cout << "  key " << diff["key"] << " " << text(diff["field"]) << ": live " << diff["live"].dump()
                  << ", candidate " << diff["candidate"].dump() << "\n";
    for (const Json &aggregate : report["aggregates"])
        std::cout << "  aggregate " << aggregate.dump() << "\n";
    if (report["events_behind"].is_object())
        std::cout << "  events behind key " << report["events_behind"]["key"] << ": "
                  << report["events_behind"]["events"].size() << " (see --json)\n";
}

void addValidationCommands(CLI::App &app, const RemoteOptions &remote, Action &action)
{
    auto target = std::make_shared<std::string>();
    auto id = std::make_shared<std::int64_t>(0);
    auto json = std::make_shared<bool>(false);
    CLI::App *validate = app.add_subcommand("validate",
                                            "Validate JOB@VERSION against the live version (needs --url)");
    validate->add_option("name", *target, "JOB@VERSION, caught up")->required();
    validate->add_flag("--json", *json, "kappad's JSON answer");
    validate->callback([&remote, &action, target, json] {
        action = [&remote, target, json] {
            if (remote.url.empty())
                return needsUrl("validate");
            const std::size_t at = target->find('@');
            if (at == std::string::npos)
                return fail(Status::invalidArgument("validate takes JOB@VERSION, got '" + *target + "'"));
            const std::string path = "/api/v1/jobs/" + target->substr(0, at) + "/versions/"
                                     + target->substr(at + 1) + "/validate";
            return answer([&] { return sendJson(remote, "POST", path, Json::object()); }, *json,
                          printValidation);
        };
    });
    CLI::App *validation = app.add_subcommand("validation", "Stored validation reports (needs --url)");
    validation->require_subcommand(1);
    CLI::App *show = validation->add_subcommand("show", "One validation report");
    show->add_option("id", *id, "The validation id")->required();
    show->add_flag("--json", *json, "kappad's JSON answer");
    show->callback([&remote, &action, id, json] {
        action = [&remote, id, json] {
            return remote.url.empty()
                       ? needsUrl("validation show")
                       : answer([&] { return fetchJson(remote, "/api/v1/validations/" + std::to_string(*id)); },
                                *json, printValidation);
        };
    });
}

void printSwitch(const Json &s)
{
    std::cout << "switch request " << s["id"] << ": " << text(s["job"]) << " " << text(s["from_version"])
              << " -> " << text(s["to_version"]) << "  " << text(s["state"]) << "  requested by "
              << text(s["requested_by"]);
    if (!text(s["decided_by"]).empty())
        std::cout << ", decided by " << text(s["decided_by"]);
    if (!text(s["reason"]).empty())
        std::cout << " (" << text(s["reason"]) << ")";
    std::cout << "\n";
}

void addSwitchCommands(CLI::App &app, const RemoteOptions &remote, Action &action)
{
    auto target = std::make_shared<std::string>();
    auto id = std::make_shared<std::int64_t>(0);
    auto reason = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    CLI::App *switching = app.add_subcommand("switch",
                                             "Switch a job's traffic to a validated version (needs --url)");
    switching->require_subcommand(1);
    CLI::App *request = switching->add_subcommand("request", "Ask for JOB@VERSION to serve");
    request->add_option("name", *target, "JOB@VERSION")->required();
    request->add_option("--override-reason", *reason,
                        "Admin only: switch to a caught-up, unvalidated version");
    CLI::App *approve = switching->add_subcommand("approve", "Approve a request: the switch happens now");
    approve->add_option("id", *id, "The request id")->required();
    CLI::App *reject = switching->add_subcommand("reject", "Reject a request");
    reject->add_option("id", *id, "The request id")->required();
    reject->add_option("--reason", *reason, "Why");
    CLI::App *list = switching->add_subcommand("list", "Every switch request");
    for (CLI::App *command : {request, approve, reject, list})
        command->add_flag("--json", *json, "kappad's JSON answer");

    request->callback([&remote, &action, target, reason, json] {
        action = [&remote, target, reason, json] {
            if (remote.url.empty())
                return needsUrl("switch request");
            const std::size_t at = target->find('@');
            if (at == std::string::npos)
                return fail(
                    Status::invalidArgument("switch request takes JOB@VERSION, got '" + *target + "'"));
            const Json body = {{"job", target->substr(0, at)},
                               {"version", target->substr(at + 1)},
                               {"override_reason", *reason}};
            return answer([&] { return sendJson(remote, "POST", "/api/v1/switches", body); }, *json,
                          printSwitch);
        };
    });
    for (CLI::App *decide : {approve, reject}) {
        const std::string verb = decide->get_name();
        decide->callback([&remote, &action, id, reason, json, verb] {
            action = [&remote, id, reason, json, verb] {
                if (remote.url.empty())
                    return needsUrl("switch " + verb);
                const std::string path = "/api/v1/switches/" + std::to_string(*id) + "/" + verb;
                return answer(
                    [&] {
                        return sendJson(remote, "POST", path, Json{{"reason", *reason}});
                    },
                    *json, printSwitch);
            };
        });
    }
    list->callback([&remote, &action, json] {
        action = [&remote, json] {
            if (remote.url.empty())
                return needsUrl("switch list");
            return answer([&] { return fetchJson(remote, "/api/v1/switches"); }, *json,
                          [](const Json &out) {
                              for (const Json &s : out["switches"])
                                  printSwitch(s);
                          });
        };
    });

    auto job = std::make_shared<std::string>();
    CLI::App *rollback = app.add_subcommand(
        "rollback", "Switch JOB back to the version it left, within the rollback window (needs --url)");
    rollback->add_option("job", *job, "The job")->required();
    rollback->add_option("--reason", *reason, "Why (kept in the audit log)");
    rollback->callback([&remote, &action, job, reason] {
        action = [&remote, job, reason] {
            if (remote.url.empty())
                return needsUrl("rollback");
            return answer(
                [&] {
                    return sendJson(remote, "POST", "/api/v1/jobs/" + *job + "/rollback",
                                    Json{{"reason", *reason}});
                },
                false,
                [](const Json &out) {
                    std::cout << text(out["job"]) << " serves from " << text(out["live_version"])
                              << " again\n";
                });
        };
    });
}

Json auditEntryJson(const AuditEntry &e)
{
    return {{"seq", e.seq},         {"at_ms", e.at.value()}, {"actor", e.actor},        {"action", e.action},
            {"subject", e.subject}, {"detail", e.detail},    {"prev_hash", e.prevHash}, {"hash", e.hash}};
}

// The audit log from kappad (--url) or from the catalog in --data-dir.
Result<Json> auditList(const DataDir &dataDir, const RemoteOptions &remote, std::int64_t after,
                       std::int64_t limit)
{
    if (!remote.url.empty())
        return fetchJson(remote, "/api/v1/audit?after_seq=" + std::to_string(after)
                                     + "&limit=" + std::to_string(limit));
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<Catalog> catalog, Catalog::open(dataDir.catalogPath()));
    KAPPA_ASSIGN_OR_RETURN(std::vector<AuditEntry> entries,
                           catalog->audit(after, static_cast<std::size_t>(limit)));
    Json out = Json::array();
    for (const AuditEntry &entry : entries)
        out.push_back(auditEntryJson(entry));
    return Json{{"entries", std::move(out)}};
}

Result<Json> auditVerify(const DataDir &dataDir, const RemoteOptions &remote)
{
    if (!remote.url.empty())
        return fetchJson(remote, "/api/v1/audit/verify");
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<Catalog> catalog, Catalog::open(dataDir.catalogPath()));
    KAPPA_ASSIGN_OR_RETURN(AuditVerification verified, catalog->verifyAudit());
    return Json{{"ok", !verified.firstBadSeq},
                {"entries", verified.entries},
                {"first_bad_seq", verified.firstBadSeq ? Json(*verified.firstBadSeq) : Json()},
                {"problem", verified.problem}};
}

void addAuditCommands(CLI::App &app, const DataDir &dataDir, const RemoteOptions &remote, Action &action)
{
    auto after = std::make_shared<std::int64_t>(0);
    auto limit = std::make_shared<std::int64_t>(1000);
    auto json = std::make_shared<bool>(false);
    CLI::App *audit = app.add_subcommand("audit", "The audit log (from --url or --data-dir)");
    audit->require_subcommand(1);
    CLI::App *list = audit->add_subcommand("list", "Entries, oldest first");
    list->add_option("--after", *after, "Only entries after this sequence number");
    list->add_option("--limit", *limit, "At most this many entries")->check(CLI::Range(1, 10000));
    list->add_flag("--json", *json, "As JSON");
    list->callback([&dataDir, &remote, &action, after, limit, json] {
        action = [&dataDir, &remote, after, limit, json] {
            return answer([&] { return auditList(dataDir, remote, *after, *limit); }, *json,
                          [](const Json &out) {
                              for (const Json &e : out["entries"])
                                  std::cout << e["seq"] << "  " << e["at_ms"] << "  " << text(e["actor"])
                                            << "  " << text(e["action"]) << "  " << text(e["subject"]) << "  "
                                            << text(e["detail"]) << "\n";
                          });
        };
    });
    CLI::App *verify = audit->add_subcommand("verify",
                                             "Check the hash chain; exit 1 (with the entry) if it is broken");
    verify->add_flag("--json", *json, "As JSON");
    verify->callback([&dataDir, &remote, &action, json] {
        action = [&dataDir, &remote, json] {
            Result<Json> verified = auditVerify(dataDir, remote);
            if (!verified.isOk())
                return fail(verified.status());
            if (*json)
                std::cout << verified->dump(2) << "\n";
            if ((*verified)["ok"].get<bool>()) {
                if (!*json)
                    std::cout << "audit log verified: " << (*verified)["entries"]
                              << " entries, chain intact\n";
                return 0;
            }
            return fail(Status::corruption("the audit log does not verify at entry "
                                           + (*verified)["first_bad_seq"].dump() + ": "
                                           + text((*verified)["problem"])));
        };
    });
}

} // namespace

void addReprocessingCommands(CLI::App &app, const DataDir &dataDir, const RemoteOptions &remote,
                             Action &action)
{
    addReplayCommands(app, remote, action);
    addValidationCommands(app, remote, action);
    addSwitchCommands(app, remote, action);
    addAuditCommands(app, dataDir, remote, action);
}

} // namespace kappa::ctl
