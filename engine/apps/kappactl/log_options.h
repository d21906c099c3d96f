// kappactl's global options that say where the event log is: kappad's
// config file (--config: its data_dir and [log] table) and the --kafka-*
// flags, which override it. Resolved once after parsing, into the DataDir
// that every command reads (cli_support.h).
#pragma once

#include "cli_support.h"

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
} // namespace CLI

namespace kappa::ctl {

struct LogFlags
{
    std::string configFile;
    std::optional<std::string> kafkaBootstrap;
    std::optional<std::string> kafkaTopicPrefix;
    std::vector<std::string> kafkaProperties; // KEY=VALUE
    CLI::Option *dataDirOption = nullptr;     // to tell a given --data-dir from the default
};

// Registers --config, --kafka-bootstrap, --kafka-topic-prefix and --kafka-property.
void addLogOptions(CLI::App &app, LogFlags &flags);

// Applies the config file, then --data-dir and the --kafka-* flags, to
// dataDir; InvalidArgument naming the first bad setting, NotFound for a
// missing config file.
Status resolveLogOptions(const LogFlags &flags, DataDir &dataDir);

} // namespace kappa::ctl
