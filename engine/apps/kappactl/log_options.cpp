#include "log_options.h"

#include <CLI/CLI.hpp>

namespace kappa::ctl {

void addLogOptions(CLI::App &app, LogFlags &flags)
{
    app.add_option("--config", flags.configFile,
                   "kappad's TOML config file: its data_dir and [log] table (the flags override them)");
    app.add_option(
        "--kafka-bootstrap", flags.kafkaBootstrap,
        "Event log on Kafka at HOST:PORT[,HOST:PORT...]; catalog, state and views stay in --data-dir");
    app.add_option("--kafka-topic-prefix", flags.kafkaTopicPrefix, "Prepended to every Kafka topic name");
    app.add_option(
        "--kafka-property", flags.kafkaProperties,
        "librdkafka property KEY=VALUE (repeatable; secrets belong in --config, not on a command line)");
}

Status resolveLogOptions(const LogFlags &flags, DataDir &dataDir)
{
    if (!flags.configFile.empty()) {
        service::ServiceConfig config;
        KAPPA_RETURN_IF_ERROR(service::applyConfigFile(flags.configFile, config));
        if (!flags.dataDirOption || flags.dataDirOption->count() == 0)
            dataDir.root = config.dataDir;
        dataDir.log = config.log;
    }
    service::LogSettings &log = dataDir.log;
    if (flags.kafkaBootstrap) {
        log.kind = service::LogKind::Kafka;
        log.bootstrapServers = *flags.kafkaBootstrap;
    }
    if (flags.kafkaTopicPrefix)
        log.topicPrefix = *flags.kafkaTopicPrefix;
    for (const std::string &property : flags.kafkaProperties)
        KAPPA_RETURN_IF_ERROR(service::addKafkaProperty(property, log.kafkaProperties));
    return log.validate();
}

} // namespace kappa::ctl
