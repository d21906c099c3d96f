// The kappactl subcommands. Each registers its options on the CLI11 app and
// runs when selected; each returns a process exit code (cli_support.h).
#pragma once

#include "cli_support.h"

#include <functional>

namespace CLI {
class App;
}

namespace kappa::ctl {

// Set by a subcommand's callback; main() runs it after parsing.
using Action = std::function<int()>;

void addGenCommand(CLI::App &app, const DataDir &dataDir, Action &action);
void addLogCommands(CLI::App &app, const DataDir &dataDir, Action &action);
void addSchemaCommands(CLI::App &app, const DataDir &dataDir, Action &action);
void addRunCommand(CLI::App &app, const DataDir &dataDir, Action &action);
void addViewCommands(CLI::App &app, const DataDir &dataDir, Action &action);
void addTokenCommands(CLI::App &app, const DataDir &dataDir, Action &action);

// Where `status`, `jobs` and `get` ask a running kappad instead of --data-dir (cmd_remote.cpp).
struct RemoteOptions
{
    std::string url;       // "" = offline
    std::string tokenFile; // first line: the bearer token; "" = $KAPPA_TOKEN, else none
    std::string caFile;    // https: PEM bundle to verify kappad's certificate with
};

// The global --url, --token-file, --ca-file options and the `status` and `jobs` commands.
void addRemoteCommands(CLI::App &app, RemoteOptions &remote, Action &action);
// replay, validate, validation, switch, rollback and audit (cmd_reprocessing.cpp):
// the reprocessing workflow against a running kappad; audit also offline.
void addReprocessingCommands(CLI::App &app, const DataDir &dataDir, const RemoteOptions &remote,
                             Action &action);
// After parsing, with --url: points a selected `get` command at the server, and
// replaces any command that only works on a data directory by a usage error.
void routeRemote(const CLI::App &app, const RemoteOptions &remote, Action &action);

} // namespace kappa::ctl
