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

} // namespace kappa::ctl
