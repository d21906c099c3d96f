// kappactl gen: writes deterministic sample events into the event log
// (embedded, or Kafka with --kafka-bootstrap or --config).
//
// History mode (default) spreads --events over --days of event time starting
// at --start and writes as fast as the log takes them. Live mode (--rate)
// stamps events with the current time and paces them at the given rate until
// --events are written (0: until interrupted).
#include "commands.h"

#include "jobs/event_writer.h"
#include "kappa/catalog.h"
#include "kappa/clock.h"
#include "kappa/event_codec.h"
#include "kappa/file_system.h"
#include "kappa/sample_generator.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <map>
#include <thread>

namespace kappa::ctl {
namespace {

constexpr std::size_t kBatchEvents = 8192;
constexpr std::int64_t kDayMs = 86'400'000;

std::atomic<bool> g_interrupted{false};

struct GenOptions
{
    std::int64_t events = 100'000;
    double days = 1;
    std::optional<double> rate;
    std::uint64_t seed = 42;
    std::optional<std::int32_t> partitions; // default: the topic's, or 8 for a new topic
    std::string start = "2024-01-01";
    double flashSale = 1;
    double lateFraction = 0;
    bool json = false;
};

// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SSZ" or milliseconds since the epoch.
Result<EventTime> parseStart(const std::string &text)
{
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos)
        return EventTime(std::stoll(text));
    std::tm tm{};
    const char *end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end) {
        tm = {};
        end = strptime(text.c_str(), "%Y-%m-%d", &tm);
    }
    if (!end || *end)
        return Status::invalidArgument("--start must be YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or epoch ms, not '"
                                       + text + "'");
    return EventTime(static_cast<std::int64_t>(timegm(&tm)) * 1000);
}

Status validate(const GenOptions &o)
{
    if (o.events < 0)
        return Status::invalidArgument("--events must not be negative");
    if (!o.rate && o.events == 0)
        return Status::invalidArgument("--events 0 (run until interrupted) needs --rate");
    if (!(o.days > 0) || o.days > 3650)
        return Status::invalidArgument("--days must be in (0, 3650]");
    if (o.rate && !(*o.rate > 0 && *o.rate <= 10'000'000))
        return Status::invalidArgument("--rate must be in (0, 10000000] events/s");
    if (o.partitions && (*o.partitions < 1 || *o.partitions > 1024))
        return Status::invalidArgument("--partitions must be in 1..1024");
    if (!(o.flashSale >= 1))
        return Status::invalidArgument("--flash-sale must be >= 1 (1 = off)");
    if (!(o.lateFraction >= 0 && o.lateFraction <= 1))
        return Status::invalidArgument("--late-fraction must be in [0, 1]");
    return Status::ok();
}

// Ids continue after what the topic already holds, so repeated runs never
// reuse an event or session id.
Result<std::int64_t> recordsInTopic(EventLog &log, std::int32_t partitions)
{
    std::int64_t total = 0;
    for (std::int32_t p = 0; p < partitions; ++p) {
        KAPPA_ASSIGN_OR_RETURN(PartitionInfo info, log.partitionInfo(kEventsTopic, PartitionId(p)));
        total += info.endOffset.value();
    }
    return total;
}

Result<SampleConfig> makeConfig(const GenOptions &o, std::int64_t existing)
{
    SampleConfig config;
    config.seed = o.seed;
    config.firstEventId = existing + 1;
    config.firstSessionId = existing + 1; // a run has fewer sessions than events
    config.totalEvents = o.events;
    config.spanMs = static_cast<std::int64_t>(o.days * kDayMs);
    KAPPA_ASSIGN_OR_RETURN(config.start, parseStart(o.start));
    config.lateFraction = o.lateFraction;
    if (o.flashSale > 1 && !o.rate) {
        // One two-hour sale in the middle of the span (or the whole of a shorter span).
        const std::int64_t duration = std::min<std::int64_t>(2 * 3'600'000, config.spanMs);
        config.flashSales.push_back({config.start + (config.spanMs - duration) / 2, duration, o.flashSale});
    }
    return config;
}

// Encodes a batch of events into one buffer and appends it as one log call.
// Prints a progress line on stderr at most every two seconds.
class Progress
{
public:
    void report(std::int64_t events)
    {
        const auto now = std::chrono::steady_clock::now();
        if (now - m_last < std::chrono::seconds(2))
            return;
        m_last = now;
        const double seconds = std::chrono::duration<double>(now - m_start).count();
        std::cerr << "  " << events << " events, " << static_cast<std::int64_t>(events / seconds)
                  << " events/s\n";
    }

private:
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point m_last = m_start;
};

Status runHistory(SampleGenerator &generator, jobs::EventWriter &writer)
{
    std::vector<Event> events;
    Progress progress;
    while (!g_interrupted.load()) {
        events.clear();
        if (generator.nextHistory(kBatchEvents, events) == 0)
            break;
        KAPPA_RETURN_IF_ERROR(writer.write(events));
        progress.report(generator.generatedEvents());
    }
    return Status::ok();
}

// Paces events at rate x flash-sale multiplier, stamping them with the wall
// clock (the generator plays a producer here, so wall time is its event time).
Status runLive(SampleGenerator &generator, jobs::EventWriter &writer, const GenOptions &o)
{
    using namespace std::chrono;
    generator.setFlashSale(o.flashSale);
    const auto start = steady_clock::now();
    std::vector<Event> events;
    Progress progress;
    std::int64_t written = 0;
    if (o.events == 0)
        std::cerr << "live mode: " << *o.rate << " events/s until interrupted (Ctrl-C)" << std::endl;
    while (!g_interrupted.load() && (o.events == 0 || written < o.events)) {
        std::this_thread::sleep_for(milliseconds(10));
        const double elapsed = duration<double>(steady_clock::now() - start).count();
        const auto due = static_cast<std::int64_t>(elapsed * *o.rate * generator.rateMultiplier());
        std::int64_t n = std::min<std::int64_t>(due - written, static_cast<std::int64_t>(kBatchEvents));
        if (o.events > 0)
            n = std::min(n, o.events - written);
        if (n <= 0)
            continue;
        events.clear();
        generator.nextLive(EventTime(Clock::system().now().value()), static_cast<std::size_t>(n), events);
        KAPPA_RETURN_IF_ERROR(writer.write(events));
        written += n;
        progress.report(written);
    }
    return Status::ok();
}

struct Session
{
    std::unique_ptr<Catalog> catalog;
    std::unique_ptr<EventCodec> codec;
    std::unique_ptr<EventLog> log;
    std::int32_t partitions = 0;
};

constexpr std::int32_t kDefaultPartitions = 8;

Result<Session> openSession(const DataDir &dataDir, std::optional<std::int32_t> partitions)
{
    Session s;
    KAPPA_RETURN_IF_ERROR(FileSystem::posix().createDirs(dataDir.root));
    KAPPA_ASSIGN_OR_RETURN(s.catalog, Catalog::open(dataDir.catalogPath()));
    KAPPA_ASSIGN_OR_RETURN(s.codec, EventCodec::create(s.catalog->schemas()));
    service::LogAccess access;
    access.create = true;
    access.verifyOnOpen = true; // as before: gen checks every batch of the embedded log first
    KAPPA_ASSIGN_OR_RETURN(s.log, openLog(dataDir, access));
    auto existing = s.log->describeTopic(kEventsTopic);
    if (existing.isOk()) {
        if (partitions && *partitions != existing->partitions)
            return Status::alreadyExists(
                "topic '" + std::string(kEventsTopic) + "' already has "
                + std::to_string(existing->partitions) + " partitions, not " + std::to_string(*partitions)
                + (dataDir.onKafka() ? " (omit --partitions or use a new topic prefix)"
                                     : " (omit --partitions or use a new --data-dir)"));
        s.partitions = existing->partitions;
        return s;
    }
    if (existing.status().code() != StatusCode::NotFound)
        return existing.status();
    s.partitions = partitions.value_or(kDefaultPartitions);
    KAPPA_RETURN_IF_ERROR(s.log->createTopic(kEventsTopic, TopicConfig{s.partitions}));
    return s;
}

void printSummary(const GenOptions &o, const SampleGenerator &generator, const jobs::EventWriter &writer,
                  double seconds, const DataDir &dataDir)
{
    std::map<std::string, int> fraud;
    for (const FraudCase &c : generator.fraudCases())
        ++fraud[std::string(fraudPatternName(c.pattern))];
    const std::int64_t events = generator.generatedEvents();
    if (o.json) {
        std::cout << nlohmann::json{{"events", events},
                                    {"bytes", writer.bytes()},
                                    {"seconds", seconds},
                                    {"mode", o.rate ? "live" : "history"},
                                    {"seed", o.seed},
                                    {"first_event_id", generator.config().firstEventId},
                                    {"fraud_cases", fraud}}
                         .dump(2)
                  << "\n";
        return;
    }
    std::cout << "generated " << events << " events (" << (o.rate ? "live" : "history") << " mode, seed "
              << o.seed << ") into " << service::logLocation(dataDir.log, dataDir.root) << " topic "
              << kEventsTopic << ": " << writer.bytes() << " bytes in " << seconds << " s ("
              << static_cast<std::int64_t>(seconds > 0 ? events / seconds : 0) << " events/s)\n";
    std::cout << "injected fraud episodes:";
    for (const auto &[pattern, count] : fraud)
        std::cout << " " << pattern << "=" << count;
    std::cout << (fraud.empty() ? " none\n" : "\n");
}

int runGen(const DataDir &dataDir, const GenOptions &o)
{
    // First of all: an interrupt while the log opens (slow on a busy machine)
    // must end the command cleanly too, not kill it mid-write.
    std::signal(SIGINT, [](int) { g_interrupted.store(true); });
    std::signal(SIGTERM, [](int) { g_interrupted.store(true); });
    if (Status valid = validate(o); !valid.isOk())
        return fail(valid);
    auto session = openSession(dataDir, o.partitions);
    if (!session.isOk())
        return fail(session.status());
    auto existing = recordsInTopic(*session->log, session->partitions);
    if (!existing.isOk())
        return fail(existing.status());
    auto config = makeConfig(o, *existing);
    if (!config.isOk())
        return fail(config.status());
    auto generator = SampleGenerator::create(*config);
    if (!generator.isOk())
        return fail(generator.status());

    jobs::EventWriter writer(*session->log, *session->codec, kEventsTopic);
    const auto start = std::chrono::steady_clock::now();
    const Status status = o.rate ? runLive(*generator, writer, o) : runHistory(*generator, writer);
    if (!status.isOk())
        return fail(status);
    printSummary(o, *generator, writer,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), dataDir);
    return 0;
}

} // namespace

void addGenCommand(CLI::App &app, const DataDir &dataDir, Action &action)
{
    CLI::App *gen = app.add_subcommand("gen", "Generate deterministic sample e-commerce events into the log");
    auto o = std::make_shared<GenOptions>();
    gen->add_option("--events", o->events, "Number of events (0 with --rate: until interrupted)")
        ->capture_default_str();
    gen->add_option("--days", o->days, "History mode: span of event time in days")->capture_default_str();
    gen->add_option("--rate", o->rate, "Live mode: events per second, event time = now");
    gen->add_option("--seed", o->seed, "Random seed; same seed and arguments give the same events")
        ->capture_default_str();
    gen->add_option("--partitions", o->partitions,
                    "Partitions of the events topic when it is created (default 8)");
    gen->add_option("--start", o->start, "History mode: first event time (YYYY-MM-DD[THH:MM:SSZ] or epoch ms)")
        ->capture_default_str();
    gen->add_option("--flash-sale", o->flashSale,
                    "Rate multiplier of a flash sale (history: a 2 h window mid-span; live: from the start)")
        ->capture_default_str();
    gen->add_option("--late-fraction", o->lateFraction,
                    "Fraction of sessions whose events arrive later than the 30 s disorder bound (tests)")
        ->capture_default_str();
    gen->add_flag("--json", o->json, "Print the summary as JSON");
    gen->callback([&dataDir, &action, o] { action = [&dataDir, o] { return runGen(dataDir, *o); }; });
}

} // namespace kappa::ctl
