// kappactl: the command-line client and offline tool for Kappa.
#include "cli_support.h"
#include "commands.h"
#include "log_options.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace {

constexpr const char *kExitCodeHelp = R"(Exit codes:
  0 success            1 internal error     2 usage error / invalid argument
  3 not found          4 conflict (incompatible schema, conflicting settings)
  5 corruption         6 out of range       7 unavailable (log locked, disk full,
                                                          no Kafka broker answering)
  130 `run --until-caught-up` interrupted (Ctrl-C/SIGTERM) after final checkpoints)";

// Arguments left over by the innermost selected (sub)command.
std::vector<std::string> unparsedArguments(const CLI::App &app)
{
    for (const CLI::App *sub : app.get_subcommands()) {
        auto rest = unparsedArguments(*sub);
        if (!rest.empty())
            return rest;
    }
    return app.remaining();
}

} // namespace

int main(int argc, char **argv)
{
    using namespace kappa::ctl;

    CLI::App app{"kappactl: generate sample events, inspect the log, manage schemas, run jobs, read views, "
                 "manage tokens; with --url, ask a running kappad"};
    app.footer(kExitCodeHelp);
    app.require_subcommand(1);

    DataDir dataDir;
    dataDir.root = "./kappa-data";
    LogFlags logFlags;
    logFlags.dataDirOption = app.add_option("--data-dir", dataDir.root,
                                            "Kappa data directory (catalog, state, views; the embedded log)")
                                 ->capture_default_str();
    addLogOptions(app, logFlags);

    Action action;
    addGenCommand(app, dataDir, action);
    addLogCommands(app, dataDir, action);
    addSchemaCommands(app, dataDir, action);
    addRunCommand(app, dataDir, action);
    addViewCommands(app, dataDir, action);
    addTokenCommands(app, dataDir, action);
    RemoteOptions remote;
    addRemoteCommands(app, remote, action);
    addReprocessingCommands(app, dataDir, remote, action);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp &e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp &e) {
        return app.exit(e);
    } catch (const CLI::ParseError &e) {
        // CLI11 reports a mistyped command as a missing one; name the word instead.
        const std::vector<std::string> unparsed = unparsedArguments(app);
        if (!unparsed.empty())
            std::cerr << "kappactl: unknown command or argument '" << unparsed.front()
                      << "' (see kappactl --help)\n";
        else
            std::cerr << "kappactl: " << e.what() << " (see kappactl --help)\n";
        return static_cast<int>(ExitCode::Usage);
    }
    if (kappa::Status resolved = resolveLogOptions(logFlags, dataDir); !resolved.isOk())
        return fail(resolved);
    routeRemote(app, remote, action);
    if (!action) {
        std::cerr << "kappactl: missing subcommand (see kappactl --help)\n";
        return static_cast<int>(ExitCode::Usage);
    }
    return action();
}
