// The engine end to end: jobs::Engine running the v1 job versions over the
// embedded log with its Runtime, as `kappactl run` does: log reads, decoding,
// each pipeline's keyed state, fraud's rekey topics, view writes and durable
// checkpoints, on the runtime's default worker threads.
//
// 1. Throughput. N history events are generated once (SampleGenerator,
//    `kappactl gen` style: 8 partitions keyed by user id, durable appends).
//    Each pipeline alone, then the three together, runs from offset 0 into
//    fresh state and views (every run works on its own copy of the generated
//    data directory); start() + runUntilCaughtUp() + stop() is timed.
// 2. Latency. For each pipeline alone, on a fresh data directory with an empty
//    events topic, a producer thread appends live events (event time = wall
//    clock) at 200K events/s in small durable keyed appends while the engine
//    tails the log; after a warm-up, the engine's own append-to-view-visible
//    histogram is read.
//
// Usage: bench_engine [events [live_seconds [part]]]
//   events        history events for the throughput part (default 10000000)
//   live_seconds  duration of each latency run (default 20; the first quarter, at most 5 s, is warm-up)
//   part          all (default), throughput or latency; or a job name (user_features, fraud,
//                 business_metrics): the throughput of that job alone, for profiling; or
//                 together: the throughput of the three together only
// Data lives under ./bench_engine_data and is removed at the end.
#include "bench_support.h"
#include "engine_bench_support.h"
#include "jobs/data_layout.h"
#include "jobs/engine.h"
#include "jobs/event_writer.h"
#include "kappa/catalog.h"
#include "kappa/clock.h"
#include "kappa/event_codec.h"
#include "kappa/local_log.h"
#include "kappa/sample_generator.h"
#include "runtime/shared_batches.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace kappa;
using kappa::bench::fail;
using kappa::bench::loadAverage;
using kappa::bench::orFail;
using kappa::bench::peakRss;
using kappa::bench::processCpuSeconds;
using kappa::bench::Stopwatch;

namespace {

constexpr std::int32_t kPartitions = 8;
constexpr std::size_t kGenerateBatch = 8192; // events per append, as kappactl gen
constexpr std::int64_t kSpanMs = 7 * 86'400'000LL;
constexpr std::int64_t kSmallRunMaxEvents = 3'000'000; // up to this many: kRepeatSmall runs, medians
constexpr int kRepeatSmall = 3;
constexpr std::chrono::milliseconds kCheckpointInterval{5000};

constexpr double kLiveRate = 200'000;                 // events/s
constexpr std::chrono::milliseconds kProducerTick{5}; // one append per tick: 1,000 events at 200K/s
constexpr std::int64_t kMaxLiveAppend = 20'000;       // a producer that fell behind catches up in steps
constexpr std::chrono::milliseconds kLiveDrain{1000}; // after the producer stops, before the last reading

constexpr double kThreeTogetherTarget = 1'000'000; // events/s on 2 cores
constexpr double kPerCoreTarget = 1'500'000;       // events/s per core, one pipeline

const std::string kRoot = "./bench_engine_data";
const std::string kSourceDir = kRoot + "/source";
const std::string kRunDir = kRoot + "/run";
const std::string kLiveDir = kRoot + "/live";

void check(const Status &status)
{
    if (!status.isOk())
        fail(status);
}

const char *mark(bool met)
{
    return met ? "\u2714" : "\u2718";
}

std::string megabytes(std::uint64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", double(bytes) / 1e6);
    return text;
}

double millis(std::int64_t micros)
{
    return double(micros) / 1e3;
}

// An open data directory. Members are destroyed in reverse order: the codec
// (which uses the catalog's schema registry) and the log before the catalog.
struct DataDir
{
    std::unique_ptr<Catalog> catalog;
    std::unique_ptr<EventCodec> codec;
    std::unique_ptr<LocalLog> log;
};

DataDir openDataDir(const std::string &root, bool createEventsTopic)
{
    std::filesystem::create_directories(root);
    const jobs::DataLayout layout{root};
    DataDir dir;
    dir.catalog = orFail(Catalog::open(layout.catalogPath()));
    dir.codec = orFail(EventCodec::create(dir.catalog->schemas()));
    LocalLogOptions options;
    options.verifyOnOpen = false; // as kappactl run
    dir.log = orFail(LocalLog::open(layout.logDir(), options));
    if (createEventsTopic)
        check(dir.log->createTopic(jobs::kEventsTopic, TopicConfig{kPartitions}));
    return dir;
}

// shared: the decoded source batches the jobs share (nullptr: the engine makes its own).
std::unique_ptr<jobs::Engine> openEngine(DataDir &dir, const std::string &root,
                                         const std::vector<std::string> &jobNames,
                                         std::shared_ptr<runtime::SharedBatches> shared = nullptr)
{
    std::vector<jobs::JobDefinition> definitions;
    for (const std::string &job : jobNames)
        definitions.push_back(orFail(jobs::resolveJobDefinition(*dir.catalog, {job, "v1"})));
    jobs::EngineOptions options;
    options.layout.root = root;
    options.runtime.threads = 0; // the default: one per hardware thread
    options.runtime.checkpointInterval = kCheckpointInterval;
    options.actor = "bench_engine";
    options.tasks.sharedBatches = std::move(shared);
    return orFail(jobs::Engine::open(*dir.log, *dir.catalog, std::move(definitions), options));
}

// ---- 1. throughput -------------------------------------------------------------------------

void generateHistory(std::int64_t events)
{
    std::filesystem::remove_all(kSourceDir);
    DataDir dir = openDataDir(kSourceDir, true);
    SampleConfig config;
    config.totalEvents = events;
    config.spanMs = kSpanMs;
    SampleGenerator generator = orFail(SampleGenerator::create(config));
    jobs::EventWriter writer(*dir.log, *dir.codec, jobs::kEventsTopic);
    std::vector<Event> batch;
    Stopwatch watch;
    while (true) {
        batch.clear();
        if (generator.nextHistory(kGenerateBatch, batch) == 0)
            break;
        check(writer.write(batch));
    }
    const double seconds = watch.seconds();
    std::printf(
        "input: %lld history events (seed 42, 7 days from 2024-01-01, %zu fraud episodes), %.1f B/event "
        "key+value,\n"
        "       %d partitions keyed by user_id, durable appends of %zu events: generated + written in "
        "%.1f s (%.0f events/s)\n",
        static_cast<long long>(events), generator.fraudCases().size(),
        double(writer.bytes()) / double(events), kPartitions, kGenerateBatch, seconds,
        double(events) / seconds);
}

struct ThroughputRun
{
    double seconds = 0.0;
    double cpuSeconds = 0.0;
    std::vector<jobs::JobReport> reports;
    std::int64_t sharedReads = 0; // source reads served by another job's decoded batch
    std::int64_t ownReads = 0;    // source reads that read and decoded
};

// One run of `jobNames` from offset 0 on a fresh copy of the generated data directory.
ThroughputRun runToTail(const std::vector<std::string> &jobNames, std::int64_t events)
{
    std::filesystem::remove_all(kRunDir);
    std::filesystem::copy(kSourceDir, kRunDir, std::filesystem::copy_options::recursive);
    ThroughputRun run;
    {
        DataDir dir = openDataDir(kRunDir, false);
        auto shared = std::make_shared<runtime::SharedBatches>();
        std::unique_ptr<jobs::Engine> engine = openEngine(dir, kRunDir, jobNames, shared);
        const double cpuBefore = processCpuSeconds();
        Stopwatch watch;
        check(engine->start());
        check(engine->runUntilCaughtUp());
        check(engine->stop());
        run.seconds = watch.seconds();
        run.cpuSeconds = processCpuSeconds() - cpuBefore;
        run.reports = engine->report();
        run.sharedReads = shared->hits();
        run.ownReads = shared->misses();
    }
    bench::checkEveryJobReadAll(run.reports, events);
    std::filesystem::remove_all(kRunDir);
    return run;
}

void printJobFigures(const jobs::JobReport &r)
{
    std::printf("      %-22s checkpoints: %llu task checkpoints (incl. every task's final one), duration "
                "mean %.1f ms, p99 %lld ms, max %lld ms;\n"
                "      %-22s state at end %s (~%llu keys); late dropped %llu\n",
                (r.job + "@" + r.version).c_str(), static_cast<unsigned long long>(r.checkpoints),
                r.checkpointMeanMillis, static_cast<long long>(r.checkpointP99Millis),
                static_cast<long long>(r.checkpointMaxMillis), "", megabytes(r.stateBytes).c_str(),
                static_cast<unsigned long long>(r.stateKeys), static_cast<unsigned long long>(r.lateDropped));
}

void measureThroughput(const std::string &label, const std::vector<std::string> &jobNames,
                       std::int64_t events, int runs, int threads)
{
    std::vector<double> rates;
    std::vector<double> seconds;
    ThroughputRun last;
    for (int run = 0; run < runs; ++run) {
        last = runToTail(jobNames, events);
        rates.push_back(double(events) / last.seconds);
        seconds.push_back(last.seconds);
    }
    const double rate = bench::median(rates);
    std::printf("  %-22s %10.0f events/s  (%.2f s", label.c_str(), rate, bench::median(seconds));
    if (runs > 1) {
        std::printf("; runs:");
        for (double r : rates)
            std::printf(" %.0f", r);
    }
    std::printf(")\n");
    if (jobNames.size() == 1) {
        const double perThread = rate / threads;
        std::printf("      per thread: %.0f events/s   target >= %.1fM events/s per core %s\n", perThread,
                    kPerCoreTarget / 1e6, mark(perThread >= kPerCoreTarget));
    } else {
        std::printf(
            "      job-events: %.0f /s (%zu jobs x events/s)   target >= %.0fM events/s on 2 cores %s%s\n",
            rate * double(jobNames.size()), jobNames.size(), kThreeTogetherTarget / 1e6,
            mark(rate >= kThreeTogetherTarget), threads == 2 ? "" : " (this run did not use 2 threads)");
    }
    std::printf("      last run: %.2f cores busy on average (process CPU time / wall time)\n",
                last.cpuSeconds / last.seconds);
    if (jobNames.size() > 1)
        std::printf(
            "      last run: %lld source reads decoded, %lld more served by another job's decoded batch\n",
            static_cast<long long>(last.ownReads), static_cast<long long>(last.sharedReads));
    for (const jobs::JobReport &report : last.reports)
        printJobFigures(report);
}

// `only`: one job to measure alone, or "together" for the three together
// (for profiling); empty: all four measurements.
void throughputPart(std::int64_t events, int threads, const std::string &only)
{
    const int runs = events <= kSmallRunMaxEvents ? kRepeatSmall : 1;
    std::printf("\n-- 1. throughput: from offset 0 to the end of the log, fresh state and views per run\n");
    generateHistory(events);
    std::printf("timed: Engine::start() + runUntilCaughtUp() + stop() (final checkpoints and store flush "
                "included);\n"
                "       checkpoints every %lld ms, durable; %d run%s each (%s), page cache warm\n",
                static_cast<long long>(kCheckpointInterval.count()), runs, runs > 1 ? "s" : "",
                runs > 1 ? "medians" : "N > 3M: one run");
    if (!only.empty() && only != "together") {
        measureThroughput(only + "@v1", {only}, events, runs, threads);
    } else {
        if (only.empty())
            for (const char *job : {"user_features", "fraud", "business_metrics"})
                measureThroughput(std::string(job) + "@v1", {job}, events, runs, threads);
        measureThroughput("all three together", {"user_features", "fraud", "business_metrics"}, events, runs,
                          threads);
    }
    std::filesystem::remove_all(kSourceDir);
}

// ---- 2. latency ----------------------------------------------------------------------------

// Appends live events (event time = wall clock) at a fixed rate, one durable
// keyed append per tick, on its own thread.
class LiveProducer
{
public:
    LiveProducer(EventLog &log, const EventCodec &codec, double rate)
        : m_writer(log, codec, jobs::kEventsTopic)
        , m_rate(rate)
        , m_generator(orFail(SampleGenerator::create(SampleConfig{})))
    {}

    void run(std::chrono::duration<double> duration)
    {
        using namespace std::chrono;
        const auto start = steady_clock::now();
        auto tick = start;
        std::vector<Event> events;
        while (true) {
            tick += kProducerTick;
            std::this_thread::sleep_until(tick);
            const double elapsed = std::chrono::duration<double>(steady_clock::now() - start).count();
            if (elapsed >= duration.count())
                break;
            const auto due = static_cast<std::int64_t>(elapsed * m_rate);
            const std::int64_t n = std::min(due - m_written, kMaxLiveAppend);
            if (n <= 0)
                continue;
            events.clear();
            m_generator.nextLive(EventTime(Clock::system().now().value()), static_cast<std::size_t>(n),
                                 events);
            Stopwatch append;
            if (Status s = m_writer.write(events); !s.isOk()) {
                m_status = s;
                break;
            }
            m_appendMillis.push_back(append.seconds() * 1e3);
            m_written += n;
        }
        m_seconds = std::chrono::duration<double>(steady_clock::now() - start).count();
    }

    Status status() const { return m_status; }
    std::int64_t written() const { return m_written; }
    double seconds() const { return m_seconds; }
    std::vector<double> appendMillis() const { return m_appendMillis; }

private:
    jobs::EventWriter m_writer;
    double m_rate;
    SampleGenerator m_generator;
    std::int64_t m_written = 0;
    double m_seconds = 0.0;
    std::vector<double> m_appendMillis;
    Status m_status;
};

double quantile(std::vector<double> values, double q)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, static_cast<std::size_t>(q * double(values.size())))];
}

void measureLatency(const std::string &job, double seconds, double warmup, double p99TargetMillis)
{
    std::filesystem::remove_all(kLiveDir);
    jobs::JobReport before;
    jobs::JobReport atStop;
    jobs::JobReport after;
    double maxLagSeconds = 0.0;
    std::int64_t maxLagRecords = 0;
    std::int64_t written = 0;
    double producerSeconds = 0.0;
    std::vector<double> appendMillis;
    {
        DataDir dir = openDataDir(kLiveDir, true);
        std::unique_ptr<jobs::Engine> engine = openEngine(dir, kLiveDir, {job});
        check(engine->start());
        LiveProducer producer(*dir.log, *dir.codec, kLiveRate);
        std::thread producing([&] { producer.run(std::chrono::duration<double>(seconds)); });
        const auto startedAt = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(std::chrono::duration<double>(warmup));
        before = engine->report().front();
        // Lag is sampled while the producer runs (after the warm-up).
        while (std::chrono::steady_clock::now() - startedAt < std::chrono::duration<double>(seconds)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
            const jobs::JobReport now = engine->report().front();
            maxLagSeconds = std::max(maxLagSeconds, now.lagSeconds);
            maxLagRecords = std::max(maxLagRecords, now.lagRecords);
            check(engine->health());
        }
        producing.join();
        atStop = engine->report().front();
        std::this_thread::sleep_for(kLiveDrain);
        after = engine->report().front();
        check(engine->stop());
        check(producer.status());
        written = producer.written();
        producerSeconds = producer.seconds();
        appendMillis = producer.appendMillis();
    }
    std::filesystem::remove_all(kLiveDir);

    const metrics::HistogramSnapshot window = after.latencyMicros.since(before.latencyMicros);
    const double achieved = double(written) / producerSeconds;
    const double p99 = millis(window.percentile(0.99));
    std::printf("  %s@v1\n", job.c_str());
    std::printf(
        "      input: %lld events in %.1f s = %.0f events/s achieved (asked %.0f)%s; %zu appends, append "
        "call p50 %.2f / p99 %.2f / max %.2f ms\n",
        static_cast<long long>(written), producerSeconds, achieved, kLiveRate,
        achieved < 0.98 * kLiveRate ? "  ** producer could NOT sustain the asked rate **" : "",
        appendMillis.size(), quantile(appendMillis, 0.5), quantile(appendMillis, 0.99),
        quantile(appendMillis, 1.0));
    std::printf("      engine: read %llu events in total; reported lag (at each task's last read; a stalled "
                "task does "
                "not update it)\n"
                "        after warm-up max %lld records / %.2f s; at producer stop %lld records / %.2f s\n",
                static_cast<unsigned long long>(after.events), static_cast<long long>(maxLagRecords),
                maxLagSeconds, static_cast<long long>(atStop.lagRecords), atStop.lagSeconds);
    std::printf(
        "      latency append -> view-visible, %llu events made visible from %.0f s to producer stop + "
        "%.0f s:\n"
        "        p50 %.1f  p90 %.1f  p99 %.1f  p999 %.1f  max %.1f ms   target p99 <= %.0f ms %s\n",
        static_cast<unsigned long long>(window.count()), warmup, double(kLiveDrain.count()) / 1e3,
        millis(window.percentile(0.5)), millis(window.percentile(0.9)), p99, millis(window.percentile(0.999)),
        millis(window.max()), p99TargetMillis, mark(window.count() > 0 && p99 <= p99TargetMillis));
    std::printf("      checkpoints: %llu task checkpoints, duration mean %.1f ms, p99 %lld ms, max %lld ms\n",
                static_cast<unsigned long long>(after.checkpoints), after.checkpointMeanMillis,
                static_cast<long long>(after.checkpointP99Millis),
                static_cast<long long>(after.checkpointMaxMillis));
}

void latencyPart(double seconds)
{
    const double warmup = std::min(5.0, seconds / 4);
    std::printf("\n-- 2. latency at a live input of %.0f events/s, each pipeline alone\n", kLiveRate);
    std::printf(
        "producer thread (in this process, sharing the cores): SampleGenerator live mode (event time = "
        "wall clock),\n"
        "       one durable keyed append every %lld ms (~%.0f events), for %.0f s; engine on an "
        "empty events topic,\n"
        "       checkpoints every %lld ms; latency = the engine's histogram (log append time -> view "
        "write visible;\n"
        "       append times have millisecond resolution), events made visible after a %.1f s warm-up\n",
        static_cast<long long>(kProducerTick.count()), kLiveRate * double(kProducerTick.count()) / 1e3,
        seconds, static_cast<long long>(kCheckpointInterval.count()), warmup);
    measureLatency("user_features", seconds, warmup, 100);
    measureLatency("fraud", seconds, warmup, 100);
    measureLatency("business_metrics", seconds, warmup, 1000);
}

} // namespace

int main(int argc, char **argv)
{
    const std::int64_t events = argc > 1 ? std::stoll(argv[1]) : 10'000'000;
    const double liveSeconds = argc > 2 ? std::stod(argv[2]) : 20.0;
    const std::string part = argc > 3 ? argv[3] : "all";
    const bool onePart = part == "user_features" || part == "fraud" || part == "business_metrics"
                         || part == "together";
    if (events < 1 || !(liveSeconds >= 2)
        || (part != "all" && part != "throughput" && part != "latency" && !onePart))
        fail(Status::invalidArgument(
            "usage: bench_engine [events >= 1 [live_seconds >= 2 "
            "[all|throughput|latency|user_features|fraud|business_metrics|together]]]"));

    bench::printHeader("bench_engine: jobs::Engine end to end over the embedded log (v1 job versions)");
    const int threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    std::printf("runtime: %d worker threads (RuntimeOptions default: one per hardware thread; never more "
                "workers than tasks)\n",
                threads);
    std::printf("load average at start (1/5/15 min): %s\n", loadAverage().c_str());

    std::filesystem::remove_all(kRoot);
    if (part != "latency")
        throughputPart(events, threads, onePart ? part : std::string());
    if (part == "all" || part == "latency")
        latencyPart(liveSeconds);
    std::printf("\nload average at end (1/5/15 min): %s; peak RSS of this process: %s\n",
                loadAverage().c_str(), peakRss().c_str());
    std::filesystem::remove_all(kRoot);
    return 0;
}
