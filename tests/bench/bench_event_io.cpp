// The log with real sample events: generate, encode and append durably
// (keyed over 8 partitions, as `kappactl gen` does), then read every partition
// back and decode every event, on one thread (= per core).
//
// Usage: bench_event_io [events] [directory]  (defaults: 2000000, ./bench_event_io_data)
#include "bench_support.h"
#include "kappa/event_codec.h"
#include "kappa/local_log.h"
#include "kappa/sample_generator.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

using namespace kappa;
using kappa::bench::fail;
using kappa::bench::orFail;
using kappa::bench::Stopwatch;

namespace {

constexpr int kRuns = 5;
constexpr int kPartitions = 8;
constexpr std::size_t kBatch = 10'000;

// Encoded events, laid out as one buffer per batch with record views into it.
struct EncodedBatch
{
    std::string buffer;
    std::vector<Record> records;
};

std::vector<EncodedBatch> encodeSample(const EventCodec &codec, std::int64_t events)
{
    SampleConfig config;
    config.totalEvents = events;
    config.spanMs = 7 * 86'400'000LL;
    SampleGenerator generator = orFail(SampleGenerator::create(config));
    std::vector<EncodedBatch> batches;
    std::vector<Event> chunk;
    struct Span
    {
        std::size_t key, value, end;
    };
    std::vector<Span> spans;
    while (true) {
        chunk.clear();
        if (generator.nextHistory(kBatch, chunk) == 0)
            break;
        EncodedBatch &batch = batches.emplace_back();
        spans.clear();
        for (const Event &e : chunk) {
            const std::size_t key = batch.buffer.size();
            batch.buffer += eventKey(e);
            const std::size_t value = batch.buffer.size();
            codec.encode(e, batch.buffer);
            spans.push_back({key, value, batch.buffer.size()});
        }
        // Views are taken only now: the buffer no longer moves.
        const std::string_view all(batch.buffer);
        for (const Span &s : spans)
            batch.records.push_back(
                {all.substr(s.key, s.value - s.key), all.substr(s.value, s.end - s.value)});
    }
    return batches;
}

double appendAll(const std::string &dir, const std::vector<EncodedBatch> &batches)
{
    std::filesystem::remove_all(dir);
    auto log = orFail(LocalLog::open(dir, LocalLogOptions{}));
    if (Status s = log->createTopic("events", TopicConfig{kPartitions}); !s.isOk())
        fail(s);
    Stopwatch watch;
    for (const EncodedBatch &batch : batches)
        if (auto r = log->append("events", batch.records); !r.isOk())
            fail(r.status());
    return watch.seconds();
}

// Reads every partition from offset 0 and decodes every event; returns seconds.
double readAndDecodeAll(const std::string &dir, const EventCodec &codec, std::int64_t expected)
{
    auto log = orFail(LocalLog::open(dir, LocalLogOptions{}));
    RecordBatch batch;
    Event event;
    std::int64_t decoded = 0;
    std::int64_t checksum = 0;
    Stopwatch watch;
    for (int p = 0; p < kPartitions; ++p) {
        Offset next(0);
        while (true) {
            if (Status s = log->read("events", PartitionId(p), next, 1 << 20, batch); !s.isOk())
                fail(s);
            if (batch.empty())
                break;
            for (const RecordView &record : batch) {
                if (Status s = codec.decode(record.value, event); !s.isOk())
                    fail(s);
                checksum += event.eventId;
                ++decoded;
            }
            next = batch.nextOffset();
        }
    }
    const double seconds = watch.seconds();
    if (decoded != expected)
        fail(Status::internal("decoded " + std::to_string(decoded) + " events, expected "
                              + std::to_string(expected)));
    if (checksum != expected * (expected + 1) / 2)
        fail(Status::internal("event ids do not add up: events were lost or duplicated"));
    return seconds;
}

} // namespace

int main(int argc, char **argv)
{
    const std::int64_t events = argc > 1 ? std::stoll(argv[1]) : 2'000'000;
    const std::string dir = argc > 2 ? argv[2] : "./bench_event_io_data";
    bench::printHeader(
        "bench_event_io: sample events through LocalLog (encode, durable append, read + decode)");

    SchemaRegistry registry;
    auto codec = orFail(EventCodec::create(registry));
    const auto batches = encodeSample(*codec, events);
    std::size_t bytes = 0;
    for (const auto &b : batches)
        bytes += b.buffer.size();
    std::printf(
        "events: %lld sample events (%.1f B/event key+value), %d partitions, appends of %zu events,\n"
        "fsync policy: each append returns after fdatasync of every partition it touched; %d runs, medians\n",
        static_cast<long long>(events), double(bytes) / double(events), kPartitions, kBatch, kRuns);

    std::vector<double> appendRates;
    std::vector<double> readRates;
    for (int run = 0; run < kRuns; ++run) {
        appendRates.push_back(double(events) / appendAll(dir, batches));
        readRates.push_back(double(events) / readAndDecodeAll(dir, *codec, events));
    }
    std::printf("append (durable, keyed)          %12.0f events/s\n", bench::median(appendRates));
    std::printf("read + decode into Event, 1 thread %10.0f events/s\n", bench::median(readRates));
    std::filesystem::remove_all(dir);
    return 0;
}
