// The three v1 job versions reading from Apache Kafka against reading from
// the embedded log, on the same events.
//
// The sample history (SampleGenerator, seed 42, a week of event time, keyed by
// user id, appends of 8192 events: what `kappactl gen` writes) is written once
// into a LocalLog and once into a new topic on the Kafka cluster; both appends
// are timed. One thread then reads each log's events topic sequentially through
// EventLog::read alone, and partitionInfo() (which the runtime's source reader
// asks before every read) is timed: the log's own share of the difference.
// Then user_features@v1, fraud@v1 and business_metrics@v1 run together from
// offset 0 on each log, into fresh state and views (each log has a data
// directory of its own), on the runtime's default worker threads, as
// bench_engine's throughput part does: start() + runUntilCaughtUp() + stop()
// is timed. Last, every view of both runs is dumped (jobs::ViewReader, as the
// jobs tests read them) and compared row by row: a log that served other
// records would show here, not as a faster figure.
//
// Every topic on Kafka carries a prefix unique to the run (the engine's topic
// names are fixed: "events" and fraud's rekey topics), so runs against the same
// cluster do not meet; the run deletes its topics at the end.
//
// Usage: bench_kafka BOOTSTRAP [events]
//   BOOTSTRAP  host:port of the cluster (tests/kafka/broker: DIR/bootstrap)
//   events     history events (default 2000000: about 2.5 minutes on 2 cores shared with a local broker)
// Data lives under ./bench_kafka_data and is removed at the end, unless the views differ.
#include "bench_support.h"
#include "engine_bench_support.h"
#include "jobs/view_reader.h"
#include "kappa/kafka_log.h"
#include "log/prefixed_event_log.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace kappa;
using kappa::bench::EngineDataDir;
using kappa::bench::fail;
using kappa::bench::orFail;
using kappa::bench::Stopwatch;

namespace {

constexpr std::int64_t kDefaultEvents = 2'000'000;
constexpr std::chrono::milliseconds kCheckpointInterval{5000}; // as bench_engine
const std::vector<std::string> kJobs = {"user_features", "fraud", "business_metrics"};

const std::string kRoot = "./bench_kafka_data";

void check(const Status &status)
{
    if (!status.isOk())
        fail(status);
}

struct EngineRun
{
    double seconds = 0.0;
    double cpuSeconds = 0.0;        // this process
    double machineCpuSeconds = 0.0; // every process on the machine, the broker's included
    std::vector<jobs::JobReport> reports;
};

// The three jobs together from offset 0 into the data directory's fresh state and views.
EngineRun runThreeJobs(EngineDataDir &dir, std::int64_t events)
{
    EngineRun run;
    {
        std::unique_ptr<jobs::Engine> engine = bench::openV1Engine(dir, kJobs, "bench_kafka",
                                                                   kCheckpointInterval);
        const double cpuBefore = bench::processCpuSeconds();
        const double machineBefore = bench::machineCpuSeconds();
        Stopwatch watch;
        check(engine->start());
        check(engine->runUntilCaughtUp());
        check(engine->stop());
        run.seconds = watch.seconds();
        run.cpuSeconds = bench::processCpuSeconds() - cpuBefore;
        run.machineCpuSeconds = bench::machineCpuSeconds() - machineBefore;
        run.reports = engine->report();
    }
    bench::checkEveryJobReadAll(run.reports, events);
    return run;
}

// Writes every row of the three views to `path`, each job's rows after a
// "# job@v1" line; returns the row counts in kJobs order.
std::vector<std::size_t> dumpViews(const EngineDataDir &dir, const std::string &path)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    const jobs::ViewReader reader(dir.layout, *dir.catalog, bench::kGenPartitions);
    std::vector<std::size_t> counts;
    for (const std::string &job : kJobs) {
        out << "# " << job << "@v1\n";
        std::size_t rows = 0;
        check(reader.dump(job, "v1", [&](const std::string &row) {
            out << row << '\n';
            ++rows;
        }));
        counts.push_back(rows);
    }
    out.flush();
    if (!out)
        fail(Status::internal("cannot write " + path));
    return counts;
}

std::string clip(const std::string &line)
{
    constexpr std::size_t kMax = 300;
    return line.size() <= kMax ? line : line.substr(0, kMax) + "...";
}

// "" if the two files hold the same lines; otherwise where they first differ.
std::string firstDifference(const std::string &a, const std::string &b)
{
    std::ifstream inA(a, std::ios::binary);
    std::ifstream inB(b, std::ios::binary);
    std::string lineA, lineB;
    for (std::size_t n = 1;; ++n) {
        const bool moreA = static_cast<bool>(std::getline(inA, lineA));
        const bool moreB = static_cast<bool>(std::getline(inB, lineB));
        if (!moreA && !moreB)
            return {};
        if (moreA != moreB || lineA != lineB)
            return "line " + std::to_string(n) + ":\n    embedded: " + (moreA ? clip(lineA) : "(end)")
                   + "\n    kafka:    " + (moreB ? clip(lineB) : "(end)");
    }
}

struct ScanFigures
{
    std::int64_t records = 0;
    double seconds = 0.0;
};

// Reads every partition of the events topic from 0 to `ends` through
// EventLog::read alone, one thread, no decoding: what the log itself delivers
// to one sequential reader, without the engine's work between reads.
ScanFigures scanEvents(EventLog &log, const std::vector<std::int64_t> &ends)
{
    constexpr std::size_t kReadBytes = 1 << 20;
    ScanFigures figures;
    RecordBatch batch;
    Stopwatch watch;
    for (std::int32_t p = 0; p < bench::kGenPartitions; ++p) {
        Offset from{0};
        while (from.value() < ends[static_cast<std::size_t>(p)]) {
            check(log.read(jobs::kEventsTopic, PartitionId(p), from, kReadBytes, batch));
            figures.records += static_cast<std::int64_t>(batch.size());
            from = batch.nextOffset();
        }
    }
    figures.seconds = watch.seconds();
    return figures;
}

// Mean milliseconds of EventLog::partitionInfo on the events topic, which the
// runtime's SourceReader calls before every read to learn the end offset.
double partitionInfoMillis(EventLog &log)
{
    constexpr int kRounds = 10;
    Stopwatch watch;
    for (int round = 0; round < kRounds; ++round)
        for (std::int32_t p = 0; p < bench::kGenPartitions; ++p)
            check(log.partitionInfo(jobs::kEventsTopic, PartitionId(p)).status());
    return watch.seconds() * 1e3 / (kRounds * bench::kGenPartitions);
}

void printAppend(const char *log, const bench::HistoryFigures &f)
{
    std::printf("  %-9s %9lld %8.2f %11.0f %10.2f %12.0f\n", log, static_cast<long long>(f.events), f.seconds,
                double(f.events) / f.seconds, f.appendSeconds, double(f.events) / f.appendSeconds);
}

void printRun(const char *log, std::int64_t events, const EngineRun &run, int cores)
{
    const double machineBusy = run.machineCpuSeconds / run.seconds;
    const double ownBusy = run.cpuSeconds / run.seconds;
    std::printf("  %-9s %9lld %8.2f %11.0f %14.0f    %.2f / %.2f / %.2f of %d\n", log,
                static_cast<long long>(events), run.seconds, double(events) / run.seconds,
                double(events) * double(kJobs.size()) / run.seconds, ownBusy, machineBusy - ownBusy,
                machineBusy, cores);
}

void printCheckpoints(const char *log, const EngineRun &run)
{
    std::printf("  %-9s checkpoints (task checkpoints, mean ms):", log);
    for (const jobs::JobReport &r : run.reports)
        std::printf("  %s %llu, %.1f", r.job.c_str(), static_cast<unsigned long long>(r.checkpoints),
                    r.checkpointMeanMillis);
    std::printf("\n");
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || std::string(argv[1]).empty())
        fail(Status::invalidArgument("usage: bench_kafka BOOTSTRAP [events >= 1] (default "
                                     + std::to_string(kDefaultEvents) + ")"));
    const std::string bootstrap = argv[1];
    const std::int64_t events = argc > 2 ? std::stoll(argv[2]) : kDefaultEvents;
    if (events < 1)
        fail(Status::invalidArgument("events must be >= 1"));

    bench::printHeader("bench_kafka: the three v1 job versions together reading from Kafka vs from the "
                       "embedded log");
    const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    std::printf("load average at start (1/5/15 min): %s\n", bench::loadAverage().c_str());

    // Seconds since the epoch and the pid: unique on one cluster unless two runs start in the same
    // second on two machines with the same pid.
    const auto epochSeconds = std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
    const std::string prefix = "bench-kafka-" + std::to_string(epochSeconds) + "-" + std::to_string(getpid())
                               + ".";
    KafkaLogConfig config;
    config.bootstrapServers = bootstrap;
    config.clientId = "bench_kafka";
    std::printf(
        "kafka: %s, topics under the prefix \"%s\"; KafkaLog defaults: idempotent producer, acks=all, "
        "%s,\n"
        "       linger %lld ms, batches <= %d KiB; %d reader connections, %d KiB prefetch per "
        "cursor, fetch wait %lld ms\n",
        bootstrap.c_str(), prefix.c_str(), config.compression.c_str(),
        static_cast<long long>(config.lingerTime.count()), config.batchBytes / 1024, config.readerHandles,
        config.readerPrefetchKBytes, static_cast<long long>(config.readerFetchWait.count()));

    std::filesystem::remove_all(kRoot);
    const std::string localRoot = kRoot + "/embedded";
    const std::string kafkaRoot = kRoot + "/kafka";
    EngineDataDir local = bench::openEngineDataDir(localRoot, bench::openLocalLog(localRoot));
    // The prefix makes the engine's fixed topic names names of this run alone.
    std::unique_ptr<KafkaLog> kafkaLog = orFail(KafkaLog::open(config));
    const KafkaLog &kafka = *kafkaLog;
    auto prefixed = std::make_unique<log::PrefixedEventLog>(std::move(kafkaLog), prefix);
    EngineDataDir remote = bench::openEngineDataDir(kafkaRoot, std::move(prefixed));

    // ---- appends: the same events into each log
    const bench::HistoryFigures localAppend = bench::writeHistory(local, events);
    const bench::HistoryFigures kafkaAppend = bench::writeHistory(remote, events);
    std::printf(
        "input: %lld history events (seed 42, 7 days from 2024-01-01, %zu fraud episodes), %.1f B/event "
        "key+value,\n"
        "       %d partitions keyed by user_id, durable appends of %zu events from one thread "
        "(kappactl gen)\n",
        static_cast<long long>(events), localAppend.fraudEpisodes, double(localAppend.bytes) / double(events),
        bench::kGenPartitions, bench::kGenBatch);
    if (kafkaAppend.bytes != localAppend.bytes)
        fail(Status::internal("the logs were given different bytes: " + std::to_string(localAppend.bytes)
                              + " vs " + std::to_string(kafkaAppend.bytes)));
    // Same keys, same partitioner: each partition must hold the same records at the same offsets.
    const std::vector<std::int64_t> localEnds = bench::eventsEndOffsets(*local.log);
    const std::vector<std::int64_t> kafkaEnds = bench::eventsEndOffsets(*remote.log);
    if (localEnds != kafkaEnds)
        fail(Status::internal("the events topic's partitions differ in length between the logs"));

    std::printf("\n-- appends: generate + encode + durable append (the append call waits for the log's "
                "acknowledgement)\n");
    std::printf("  %-9s %9s %8s %11s %10s %12s\n", "log", "events", "seconds", "events/s", "in appends",
                "events/s");
    printAppend("embedded", localAppend);
    printAppend("kafka", kafkaAppend);

    std::printf("\n-- one thread reads all %d partitions sequentially through EventLog::read (1 MiB per "
                "call), no decoding\n",
                bench::kGenPartitions);
    const ScanFigures localScan = scanEvents(*local.log, localEnds);
    const ScanFigures kafkaScan = scanEvents(*remote.log, kafkaEnds);
    std::printf("  %-9s %9lld records in %.2f s = %.0f records/s\n", "embedded",
                static_cast<long long>(localScan.records), localScan.seconds,
                double(localScan.records) / localScan.seconds);
    std::printf("  %-9s %9lld records in %.2f s = %.0f records/s\n", "kafka",
                static_cast<long long>(kafkaScan.records), kafkaScan.seconds,
                double(kafkaScan.records) / kafkaScan.seconds);

    std::printf(
        "  partitionInfo() (the runtime's source reader asks it before every read): embedded %.3f ms, "
        "kafka %.1f ms per call\n",
        partitionInfoMillis(*local.log), partitionInfoMillis(*remote.log));

    // ---- the three jobs on each log
    std::printf("\n-- user_features@v1 + fraud@v1 + business_metrics@v1 together, from offset 0 into fresh "
                "state and views;\n"
                "   timed: Engine::start() + runUntilCaughtUp() + stop(); %d worker threads, durable "
                "checkpoints every %lld ms;\n"
                "   cores busy = CPU time / wall time: this process / all other processes (the broker, any "
                "other load) / the machine\n",
                cores, static_cast<long long>(kCheckpointInterval.count()));
    const EngineRun localRun = runThreeJobs(local, events);
    const KafkaLogStats statsBefore = kafka.stats();
    const EngineRun kafkaRun = runThreeJobs(remote, events);
    const KafkaLogStats stats = kafka.stats();
    std::printf("  %-9s %9s %8s %11s %14s    %s\n", "log", "events", "seconds", "events/s", "job-events/s",
                "cores busy");
    printRun("embedded", events, localRun, cores);
    printRun("kafka", events, kafkaRun, cores);
    std::printf("  kafka / embedded: %.2f x the throughput\n", localRun.seconds / kafkaRun.seconds);
    printCheckpoints("embedded", localRun);
    printCheckpoints("kafka", kafkaRun);
    std::printf("  kafka reader cursors during the run: %llu opened, %llu moved (seeks), %llu reads served "
                "sequentially\n",
                static_cast<unsigned long long>(stats.cursorsOpened - statsBefore.cursorsOpened),
                static_cast<unsigned long long>(stats.cursorsMoved - statsBefore.cursorsMoved),
                static_cast<unsigned long long>(stats.sequentialReads - statsBefore.sequentialReads));

    // ---- the views of both runs
    const std::vector<std::size_t> localRows = dumpViews(local, kRoot + "/embedded.views");
    const std::vector<std::size_t> kafkaRows = dumpViews(remote, kRoot + "/kafka.views");
    const std::string difference = firstDifference(kRoot + "/embedded.views", kRoot + "/kafka.views");
    std::printf("\n-- views (jobs::ViewReader::dump of every row, compared line by line)\n");
    for (std::size_t i = 0; i < kJobs.size(); ++i)
        std::printf("  %-20s embedded %zu rows, kafka %zu rows\n", (kJobs[i] + "@v1").c_str(), localRows[i],
                    kafkaRows[i]);
    std::printf("views identical: %s\n", difference.empty() ? "yes" : "no");
    if (!difference.empty())
        std::printf("  first difference at %s\n", difference.c_str());

    // The run's topics go; a failed run (fail() exits) leaves them under its prefix.
    for (const std::string &topic : remote.log->listTopics())
        check(remote.log->deleteTopic(topic));
    remote.close();
    local.close();
    std::printf("\nload average at end (1/5/15 min): %s; peak RSS of this process: %s\n",
                bench::loadAverage().c_str(), bench::peakRss().c_str());
    if (!difference.empty()) {
        std::printf("the data is kept in %s\n", kRoot.c_str());
        return 1;
    }
    std::filesystem::remove_all(kRoot);
    return 0;
}
