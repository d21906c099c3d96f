// Pieces of an engine benchmark that do not depend on which EventLog the
// engine reads: a data directory (catalog, codec, log), the sample history as
// `kappactl gen` writes it, an engine over the v1 job versions, and what the
// process and the machine spent meanwhile. bench_engine measures the same
// things over the embedded log only; bench_kafka compares logs with these.
#pragma once

#include "bench_support.h"
#include "jobs/data_layout.h"
#include "jobs/engine.h"
#include "jobs/event_writer.h"
#include "kappa/catalog.h"
#include "kappa/event_codec.h"
#include "kappa/event_log.h"
#include "kappa/local_log.h"
#include "kappa/sample_generator.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

namespace kappa::bench {

// kappactl gen's defaults: 8 partitions keyed by user id, appends of 8192 events.
inline constexpr std::int32_t kGenPartitions = 8;
inline constexpr std::size_t kGenBatch = 8192;
// A week of event time, as bench_engine's history.
inline constexpr std::int64_t kHistorySpanMs = 7 * 86'400'000LL;

// A Kappa data directory whose event log may live elsewhere (Kafka). Members
// are destroyed in reverse order: the log and the codec (which uses the
// catalog's schema registry) before the catalog.
struct EngineDataDir
{
    jobs::DataLayout layout;
    std::unique_ptr<Catalog> catalog;
    std::unique_ptr<EventCodec> codec;
    std::unique_ptr<EventLog> log;

    void close()
    {
        log.reset();
        codec.reset();
        catalog.reset();
    }
};

// The embedded log of the data directory at `root`, opened as kappactl run opens it.
inline std::unique_ptr<EventLog> openLocalLog(const std::string &root)
{
    LocalLogOptions options;
    options.verifyOnOpen = false;
    return orFail(LocalLog::open(jobs::DataLayout{root}.logDir(), options));
}

// Opens (creating) the catalog under `root` and adopts `log` as its event log.
inline EngineDataDir openEngineDataDir(const std::string &root, std::unique_ptr<EventLog> log)
{
    std::filesystem::create_directories(root);
    EngineDataDir dir;
    dir.layout.root = root;
    dir.catalog = orFail(Catalog::open(dir.layout.catalogPath()));
    dir.codec = orFail(EventCodec::create(dir.catalog->schemas()));
    dir.log = std::move(log);
    return dir;
}

struct HistoryFigures
{
    std::int64_t events = 0;
    std::uint64_t bytes = 0; // encoded keys and values
    std::size_t fraudEpisodes = 0;
    double seconds = 0.0;       // generation, encoding and appends
    double appendSeconds = 0.0; // inside EventWriter::write (encoding and the durable append)
};

// Creates the events topic and writes `events` history events into it as
// `kappactl gen` does (seed 42 by default, a week from 2024-01-01): the same
// events, keys and bytes on every log.
inline HistoryFigures writeHistory(EngineDataDir &dir, std::int64_t events)
{
    if (Status s = dir.log->createTopic(jobs::kEventsTopic, TopicConfig{kGenPartitions}); !s.isOk())
        fail(s);
    SampleConfig config;
    config.totalEvents = events;
    config.spanMs = kHistorySpanMs;
    SampleGenerator generator = orFail(SampleGenerator::create(config));
    jobs::EventWriter writer(*dir.log, *dir.codec, jobs::kEventsTopic);
    std::vector<Event> batch;
    HistoryFigures figures;
    Stopwatch watch;
    while (true) {
        batch.clear();
        if (generator.nextHistory(kGenBatch, batch) == 0)
            break;
        Stopwatch append;
        if (Status s = writer.write(batch); !s.isOk())
            fail(s);
        figures.appendSeconds += append.seconds();
        figures.events += static_cast<std::int64_t>(batch.size());
    }
    figures.seconds = watch.seconds();
    figures.bytes = writer.bytes();
    figures.fraudEpisodes = generator.fraudCases().size();
    return figures;
}

// The end offset of every partition of the events topic.
inline std::vector<std::int64_t> eventsEndOffsets(EventLog &log)
{
    std::vector<std::int64_t> ends;
    for (std::int32_t p = 0; p < kGenPartitions; ++p)
        ends.push_back(orFail(log.partitionInfo(jobs::kEventsTopic, PartitionId(p))).endOffset.value());
    return ends;
}

// An engine over the v1 versions of `jobNames`, on the runtime's default
// worker threads (one per hardware thread), with durable checkpoints.
inline std::unique_ptr<jobs::Engine> openV1Engine(EngineDataDir &dir,
                                                  const std::vector<std::string> &jobNames,
                                                  const std::string &actor,
                                                  std::chrono::milliseconds checkpointInterval)
{
    std::vector<jobs::JobDefinition> definitions;
    for (const std::string &job : jobNames)
        definitions.push_back(orFail(jobs::resolveJobDefinition(*dir.catalog, {job, "v1"})));
    jobs::EngineOptions options;
    options.layout = dir.layout;
    options.runtime.threads = 0;
    options.runtime.checkpointInterval = checkpointInterval;
    options.actor = actor;
    return orFail(jobs::Engine::open(*dir.log, *dir.catalog, std::move(definitions), options));
}

// Fails the benchmark unless every job read all `events` and skipped none:
// a run that processed something else measured nothing.
inline void checkEveryJobReadAll(const std::vector<jobs::JobReport> &reports, std::int64_t events)
{
    for (const jobs::JobReport &report : reports)
        if (report.events != static_cast<std::uint64_t>(events) || report.skipped != 0)
            fail(Status::internal(report.job + " read " + std::to_string(report.events) + " events ("
                                  + std::to_string(report.skipped) + " skipped), expected "
                                  + std::to_string(events)));
}

// User + system CPU time of this process so far.
inline double processCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// CPU time every process on the machine has spent so far (busy time of all
// cores from /proc/stat): with this process's own, it shows what others (a
// broker on the same machine) took during a measurement.
inline double machineCpuSeconds()
{
    std::ifstream in("/proc/stat");
    std::string line;
    std::getline(in, line);
    std::istringstream fields(line);
    std::string cpu;
    // user nice system idle iowait irq softirq: idle and iowait are not busy (and steal,
    // which follows, is time the hypervisor gave to other guests).
    std::uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
    fields >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq;
    const double ticksPerSecond = double(sysconf(_SC_CLK_TCK));
    return double(user + nice + system + irq + softirq) / ticksPerSecond;
}

// The first three fields of /proc/loadavg: on a shared machine, how many others wanted the cores.
inline std::string loadAverage()
{
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

inline std::string peakRss()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return line.substr(line.find_first_not_of(" \t", 6));
    return "unknown";
}

} // namespace kappa::bench
