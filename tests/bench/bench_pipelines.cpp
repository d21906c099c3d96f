// The three pipelines' per-core cost: decode each sample event, apply it to
// the pipeline's aggregates in keyed state (write-back cache over a real
// RocksDB StateStore), build the view rows of the keys each batch touched, and
// checkpoint every 5 s of processing, on one thread. Each pipeline alone, then
// the three on the same decoded events.
//
// Not measured: the log read, the runtime (threads, queues, watermarks), the
// rekey topics (fraud's EnrichedPayment is serialized and parsed again in
// their place) and the view writes (rows are built as JSON and dropped).
//
// Usage: bench_pipelines [events [pipeline...]]  (default 2000000 events and every
// measurement; naming pipelines, e.g. "user_features", measures only those, for profiling;
// state under ./bench_pipelines_data, removed at the end)
#include "base/murmur2.h"
#include "bench_support.h"
#include "kappa/event_codec.h"
#include "kappa/sample_generator.h"
#include "pipelines/business_metrics.h"
#include "pipelines/fraud.h"
#include "pipelines/job_spec.h"
#include "pipelines/user_features.h"
#include "state/keyed_state.h"
#include "state/state_store.h"
#include "state/task_state.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

using namespace kappa;
using kappa::bench::fail;
using kappa::bench::orFail;
using kappa::bench::Stopwatch;

namespace {

constexpr int kRuns = 3;
constexpr std::int32_t kPartitions = 8;
constexpr std::size_t kBatch = 10'000;
constexpr double kCheckpointIntervalSeconds = 5.0;
// Entries per keyed table: the sample's user count, so the cache holds the
// whole working set of these runs and no clean entry is ever evicted.
constexpr std::size_t kCacheCapacity = 1'000'000;
const std::string kDataDir = "./bench_pipelines_data";

// An encoded event and the partition the log would put it in (by its key).
struct Payload
{
    std::string_view bytes;
    std::int32_t partition = 0;
};

struct EncodedSample
{
    std::string buffer;
    std::vector<Payload> payloads;
};

EncodedSample encodeSample(const EventCodec &codec, std::int64_t events)
{
    SampleConfig config;
    config.totalEvents = events;
    config.spanMs = 7 * 86'400'000LL;
    SampleGenerator generator = orFail(SampleGenerator::create(config));
    EncodedSample sample;
    std::vector<std::size_t> ends;
    std::vector<std::int32_t> partitions;
    std::vector<Event> chunk;
    while (true) {
        chunk.clear();
        if (generator.nextHistory(kBatch, chunk) == 0)
            break;
        for (const Event &e : chunk) {
            codec.encode(e, sample.buffer);
            ends.push_back(sample.buffer.size());
            partitions.push_back(base::partitionForKey(eventKey(e), kPartitions));
        }
    }
    // Views are taken only now: the buffer no longer moves.
    const std::string_view all(sample.buffer);
    std::size_t begin = 0;
    for (std::size_t i = 0; i < ends.size(); ++i) {
        sample.payloads.push_back({all.substr(begin, ends[i] - begin), partitions[i]});
        begin = ends[i];
    }
    return sample;
}

// A state key: the id in decimal, as the log keys events by user id.
class DecimalKey
{
public:
    std::string_view operator()(std::int64_t id)
    {
        const auto r = std::to_chars(m_buffer.data(), m_buffer.data() + m_buffer.size(), id);
        return {m_buffer.data(), static_cast<std::size_t>(r.ptr - m_buffer.data())};
    }

private:
    std::array<char, 24> m_buffer{};
};

void sortUnique(std::vector<std::int64_t> &ids)
{
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

// One pipeline's tasks and state in one StateStore (one per job version, as
// in the runtime), driven event by event from one thread.
class PipelineRunner
{
public:
    PipelineRunner(std::string name, int tasks)
        : m_name(std::move(name))
    {
        const std::string dir = kDataDir + "/" + m_name;
        if (Status s = state::StateStore::destroy(dir); !s.isOk())
            fail(s);
        m_store = orFail(state::StateStore::open(dir));
        for (int t = 0; t < tasks; ++t)
            m_tasks.push_back(orFail(m_store->openTask(state::TaskId(static_cast<std::uint32_t>(t)))));
    }
    virtual ~PipelineRunner() = default;
    PipelineRunner(const PipelineRunner &) = delete;
    PipelineRunner &operator=(const PipelineRunner &) = delete;

    // Called once the caches are attached (restore() discards them).
    void restore()
    {
        for (auto &task : m_tasks)
            if (auto r = task->restore(); !r.isOk())
                fail(r.status());
    }

    virtual void apply(const Event &event, std::int32_t partition) = 0;
    // The rows of the keys touched since the last call, as a view write needs them.
    virtual void emitRows() = 0;

    // One checkpoint of every task of the pipeline; its duration is recorded.
    void checkpoint(const state::CheckpointMeta &meta)
    {
        Stopwatch watch;
        for (auto &task : m_tasks)
            if (auto r = task->checkpoint(meta); !r.isOk())
                fail(r.status());
        m_checkpointMillis.push_back(watch.seconds() * 1e3);
    }

    const std::string &name() const { return m_name; }
    const std::vector<double> &checkpointMillis() const { return m_checkpointMillis; }
    state::StateStore &store() const { return *m_store; }
    std::uint64_t rowBytes() const { return m_rowBytes; }
    std::uint64_t rows() const { return m_rows; }

protected:
    state::TaskState &task(int i) { return *m_tasks[static_cast<std::size_t>(i)]; }
    void noteRow(const std::string &json)
    {
        m_rowBytes += json.size();
        ++m_rows;
    }

private:
    std::string m_name;
    std::shared_ptr<state::StateStore> m_store;
    std::vector<std::unique_ptr<state::TaskState>> m_tasks;
    std::vector<double> m_checkpointMillis;
    std::uint64_t m_rowBytes = 0;
    std::uint64_t m_rows = 0;
};

// user_features: one aggregate per user_id.
class UserFeaturesRunner final : public PipelineRunner
{
public:
    UserFeaturesRunner()
        : PipelineRunner("user_features", 1)
        , m_users(orFail(state::KeyedState<pipelines::UserFeatures>::create(task(0), 0, kCacheCapacity)))
    {
        restore();
    }

    void apply(const Event &event, std::int32_t) override
    {
        pipelines::UserFeatures *user = orFail(m_users->getOrCreate(m_key(event.userId)));
        user->apply(event, m_params);
        m_touched.push_back(event.userId);
    }

    void emitRows() override
    {
        sortUnique(m_touched);
        for (std::int64_t id : m_touched) {
            const pipelines::UserFeatures *user = orFail(m_users->find(m_key(id)));
            noteRow(user->row(id, m_params).toJson(m_params));
        }
        m_touched.clear();
    }

private:
    pipelines::UserFeaturesParams m_params;
    std::unique_ptr<state::KeyedState<pipelines::UserFeatures>> m_users;
    std::vector<std::int64_t> m_touched;
    DecimalKey m_key;
};

// fraud: the merchant stage (task 0, key merchant_id) and the card stage
// (task 1, key card_id), joined by a serialize/parse round trip that stands in
// for the rekey topic. Only payments reach either stage.
class FraudRunner final : public PipelineRunner
{
public:
    FraudRunner()
        : PipelineRunner("fraud", 2)
        , m_merchants(
              orFail(state::KeyedState<pipelines::MerchantAggregate>::create(task(0), 0, kCacheCapacity)))
        , m_cards(orFail(state::KeyedState<pipelines::CardAggregate>::create(task(1), 0, kCacheCapacity)))
    {
        restore();
    }

    void apply(const Event &event, std::int32_t) override
    {
        const std::optional<pipelines::EnrichedPayment> payment = pipelines::toPayment(event);
        if (!payment)
            return;
        pipelines::MerchantAggregate *merchant = orFail(m_merchants->getOrCreate(m_key(payment->merchantId)));
        m_rekeyed.clear();
        merchant->apply(*payment).serialize(m_rekeyed);
        const pipelines::EnrichedPayment enriched = orFail(pipelines::EnrichedPayment::parse(m_rekeyed));
        pipelines::CardAggregate *card = orFail(m_cards->getOrCreate(m_key(enriched.cardId)));
        card->apply(enriched, m_params);
        m_touched.push_back(enriched.cardId);
        ++m_payments;
    }

    void emitRows() override
    {
        sortUnique(m_touched);
        for (std::int64_t id : m_touched) {
            const pipelines::CardAggregate *card = orFail(m_cards->find(m_key(id)));
            noteRow(card->row(id, m_params).toJson(m_params));
        }
        m_touched.clear();
    }

    std::int64_t payments() const { return m_payments; }

private:
    pipelines::FraudParams m_params;
    std::unique_ptr<state::KeyedState<pipelines::MerchantAggregate>> m_merchants;
    std::unique_ptr<state::KeyedState<pipelines::CardAggregate>> m_cards;
    std::vector<std::int64_t> m_touched;
    std::string m_rekeyed;
    std::int64_t m_payments = 0;
    DecimalKey m_key;
};

// BusinessMetrics as a keyed-state aggregate: its parse takes the params,
// which are v1's defaults here.
struct MetricsState
{
    pipelines::BusinessMetrics metrics{pipelines::BusinessMetricsParams{}};

    void serialize(std::string &out) const { metrics.serialize(out); }
    static Result<MetricsState> parse(std::string_view bytes)
    {
        KAPPA_ASSIGN_OR_RETURN(pipelines::BusinessMetrics metrics,
                               pipelines::BusinessMetrics::parse(bytes, pipelines::BusinessMetricsParams{}));
        return MetricsState{std::move(metrics)};
    }
};

// business_metrics: one aggregate per source partition (keys "0".."7"), all in
// one task here; drained at every batch.
class BusinessMetricsRunner final : public PipelineRunner
{
public:
    BusinessMetricsRunner()
        : PipelineRunner("business_metrics", 1)
        , m_partitions(orFail(state::KeyedState<MetricsState>::create(task(0), 0, kCacheCapacity)))
    {
        restore();
    }

    void apply(const Event &event, std::int32_t partition) override
    {
        MetricsState *state = orFail(m_partitions->getOrCreate(m_key(partition)));
        if (!state->metrics.apply(event))
            ++m_droppedLate;
        m_touched[static_cast<std::size_t>(partition)] = true;
    }

    void emitRows() override
    {
        for (std::int32_t p = 0; p < kPartitions; ++p) {
            if (!m_touched[static_cast<std::size_t>(p)])
                continue;
            MetricsState *state = orFail(m_partitions->getOrCreate(m_key(p)));
            for (const pipelines::MetricsRow &row : state->metrics.drain().changed)
                noteRow(row.toJson());
            m_touched[static_cast<std::size_t>(p)] = false;
        }
    }

    std::int64_t droppedLate() const { return m_droppedLate; }

private:
    std::unique_ptr<state::KeyedState<MetricsState>> m_partitions;
    std::array<bool, kPartitions> m_touched{};
    std::int64_t m_droppedLate = 0;
    DecimalKey m_key;
};

// Source positions as the runtime would checkpoint them: next offset and
// watermark (max event time) of each partition of `events`.
class SourcePositions
{
public:
    SourcePositions()
        : m_next(kPartitions, 0)
        , m_maxTs(kPartitions, 0)
    {}
    void advance(std::int32_t partition, EventTime ts)
    {
        const auto p = static_cast<std::size_t>(partition);
        ++m_next[p];
        m_maxTs[p] = std::max(m_maxTs[p], ts.value());
    }
    state::CheckpointMeta meta() const
    {
        state::CheckpointMeta meta;
        for (std::int32_t p = 0; p < kPartitions; ++p)
            meta.inputs.push_back({"events", PartitionId(p), Offset(m_next[static_cast<std::size_t>(p)]),
                                   EventTime(m_maxTs[static_cast<std::size_t>(p)])});
        return meta;
    }

private:
    std::vector<std::int64_t> m_next;
    std::vector<std::int64_t> m_maxTs;
};

// Decodes every payload and applies it to every runner; rows per batch,
// checkpoints every kCheckpointIntervalSeconds and at the end. Returns seconds.
double runOnce(const EventCodec &codec, const EncodedSample &sample,
               const std::vector<PipelineRunner *> &runners)
{
    SourcePositions positions;
    Event event;
    std::int64_t checksum = 0;
    Stopwatch watch;
    double lastCheckpoint = 0.0;
    for (std::size_t i = 0; i < sample.payloads.size(); ++i) {
        const Payload &payload = sample.payloads[i];
        if (Status s = codec.decode(payload.bytes, event); !s.isOk())
            fail(s);
        checksum += event.eventId;
        positions.advance(payload.partition, event.ts);
        for (PipelineRunner *runner : runners)
            runner->apply(event, payload.partition);
        if ((i + 1) % kBatch == 0) {
            for (PipelineRunner *runner : runners)
                runner->emitRows();
            if (watch.seconds() - lastCheckpoint >= kCheckpointIntervalSeconds) {
                for (PipelineRunner *runner : runners)
                    runner->checkpoint(positions.meta());
                lastCheckpoint = watch.seconds();
            }
        }
    }
    for (PipelineRunner *runner : runners) {
        runner->emitRows();
        runner->checkpoint(positions.meta());
    }
    const double seconds = watch.seconds();
    const auto n = static_cast<std::int64_t>(sample.payloads.size());
    if (checksum != n * (n + 1) / 2)
        fail(Status::internal("event ids do not add up: events were lost or duplicated"));
    return seconds;
}

std::unique_ptr<PipelineRunner> makeRunner(const std::string &name)
{
    if (name == "user_features")
        return std::make_unique<UserFeaturesRunner>();
    if (name == "fraud")
        return std::make_unique<FraudRunner>();
    if (name == "business_metrics")
        return std::make_unique<BusinessMetricsRunner>();
    fail(Status::invalidArgument("unknown pipeline " + name));
    return nullptr;
}

std::string megabytes(std::uint64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", double(bytes) / 1e6);
    return text;
}

// The last run's runners, measured after their final checkpoint.
void printState(const std::vector<std::unique_ptr<PipelineRunner>> &runners,
                const std::vector<double> &checkpointMillis, std::size_t runs)
{
    std::vector<double> millis = checkpointMillis;
    const double maxMillis = millis.empty() ? 0.0 : *std::max_element(millis.begin(), millis.end());
    std::printf(
        "    checkpoints: %.1f per run (incl. the final one), median %.1f ms, max %.1f ms over %zu runs\n",
        double(millis.size()) / double(runs), bench::median(millis), maxMillis, runs);
    for (const auto &runner : runners) {
        const state::StoreSize size = orFail(runner->store().size());
        const state::CheckpointStats stats = runner->store().checkpointStats();
        std::printf(
            "    %-16s state at end: ~%llu keys, %s (SST %s + memtable %s); last run wrote %llu keys, %s "
            "in %llu task commits; %llu rows (%s of JSON)",
            runner->name().c_str(), static_cast<unsigned long long>(size.estimatedKeys),
            megabytes(size.bytes()).c_str(), megabytes(size.sstFileBytes).c_str(),
            megabytes(size.memtableBytes).c_str(), static_cast<unsigned long long>(stats.totalKeys),
            megabytes(stats.totalBytes).c_str(), static_cast<unsigned long long>(stats.count),
            static_cast<unsigned long long>(runner->rows()), megabytes(runner->rowBytes()).c_str());
        std::int64_t totalMicros = 0;
        std::int64_t writeMicros = 0;
        for (const state::CheckpointRecord &record : stats.recent) {
            totalMicros += record.durationMicros;
            writeMicros += record.writeMicros;
        }
        std::printf("; commits %.1f ms of which synced write %.1f ms", double(totalMicros) / 1e3,
                    double(writeMicros) / 1e3);
        if (const auto *fraud = dynamic_cast<const FraudRunner *>(runner.get()))
            std::printf("; %lld payments", static_cast<long long>(fraud->payments()));
        if (const auto *metrics = dynamic_cast<const BusinessMetricsRunner *>(runner.get()))
            std::printf("; %lld late events dropped", static_cast<long long>(metrics->droppedLate()));
        std::printf("\n");
    }
}

// Runs the named pipelines together kRuns times, each time on fresh state.
void measure(const std::string &label, const std::vector<std::string> &names, const EventCodec &codec,
             const EncodedSample &sample)
{
    const auto events = double(sample.payloads.size());
    std::vector<double> rates;
    std::vector<double> checkpointMillis;
    std::vector<std::unique_ptr<PipelineRunner>> runners;
    for (int run = 0; run < kRuns; ++run) {
        runners.clear(); // closes the previous run's stores before they are destroyed
        std::vector<PipelineRunner *> raw;
        for (const std::string &name : names) {
            runners.push_back(makeRunner(name));
            raw.push_back(runners.back().get());
        }
        rates.push_back(events / runOnce(codec, sample, raw));
        // Checkpoints of the pipelines are taken at the same moments; count each moment once.
        for (std::size_t i = 0; i < raw.front()->checkpointMillis().size(); ++i) {
            double total = 0.0;
            for (PipelineRunner *runner : raw)
                total += runner->checkpointMillis()[i];
            checkpointMillis.push_back(total);
        }
    }
    std::printf("%-28s %10.0f events/s  (runs:", label.c_str(), bench::median(rates));
    for (double r : rates)
        std::printf(" %.0f", r);
    std::printf(")\n");
    printState(runners, checkpointMillis, kRuns);
}

double decodeOnly(const EventCodec &codec, const EncodedSample &sample)
{
    std::vector<double> rates;
    for (int run = 0; run < kRuns; ++run)
        rates.push_back(double(sample.payloads.size()) / runOnce(codec, sample, {}));
    return bench::median(rates);
}

} // namespace

int main(int argc, char **argv)
{
    const std::int64_t events = argc > 1 ? std::stoll(argv[1]) : 2'000'000;
    bench::printHeader(
        "bench_pipelines: the three pipelines' logic + keyed state + decode, one thread (= per core)");

    SchemaRegistry registry;
    auto codec = orFail(EventCodec::create(registry));
    const EncodedSample sample = encodeSample(*codec, events);
    std::printf(
        "events: %lld sample events (history mode, 7 days, seed 42), Avro payloads in memory (%.1f "
        "B/event),\n"
        "        %d partitions by murmur2(user_id) like the log; v1 params of every job\n"
        "per event: decode into kappa::Event, then each pipeline's keyed state (KeyedState write-back "
        "cache,\n"
        "        capacity %zu entries per table, over a RocksDB StateStore in %s):\n"
        "        user_features by user_id; fraud = purchases only, merchant stage by merchant_id ->\n"
        "        EnrichedPayment serialized + parsed (stands in for the rekey topic) -> card stage by "
        "card_id;\n"
        "        business_metrics one aggregate per partition\n"
        "per batch of %zu events: the row JSON of every touched user / card, business_metrics drain() + row "
        "JSON\n"
        "checkpoints: every %.0f s of processing and at the end (synced RocksDB write per task), on the same "
        "thread\n"
        "NOT measured: the log read, the runtime (threads, queues), the rekey topics, the view writes.\n"
        "%d runs each on fresh state, median events/s (all events count, also those a pipeline ignores)\n\n",
        static_cast<long long>(events), double(sample.buffer.size()) / double(events), kPartitions,
        kCacheCapacity, kDataDir.c_str(), kBatch, kCheckpointIntervalSeconds, kRuns);

    std::filesystem::create_directories(kDataDir);
    const std::vector<std::string> only(argv + std::min(argc, 2), argv + argc);
    if (!only.empty()) {
        for (const std::string &name : only)
            measure(name, {name}, *codec, sample);
    } else {
        std::printf("%-28s %10.0f events/s  (baseline: decode alone)\n", "decode only",
                    decodeOnly(*codec, sample));
        for (const char *name : {"user_features", "fraud", "business_metrics"})
            measure(name, {name}, *codec, sample);
        measure("all three, one thread", {"user_features", "fraud", "business_metrics"}, *codec, sample);
    }
    std::printf(
        "\ntargets (issue 3): one pipeline >= 1.5M events/s per core; the three together >= 1M events/s on "
        "2 cores\n(here: one core, without the runtime, log read, rekey topics or view writes).\n");

    std::error_code ec;
    std::filesystem::remove_all(kDataDir, ec);
    return 0;
}
