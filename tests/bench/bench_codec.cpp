// Event codec throughput on one core: encode and decode of Event v1 payloads
// with our hand-written codec (compiled resolution plans) and with libavro
// (avro-c generic values) on the same bytes; plus decode of a v2 writer
// resolved to the v1 reader. Prints the median of several runs.
#include "bench_support.h"
#include "codec/avro_binary.h"
#include "kappa/event_codec.h"

#ifdef KAPPA_BENCH_LIBAVRO
#include "libavro_support.h"
#endif

#include <cstdio>
#include <iostream>
#include <random>

#include <time.h>

using namespace kappa;

namespace {

constexpr int kEvents = 200'000;
constexpr int kRuns = 7;

const char *const kEventV2 = R"({"type":"record","name":"Event","namespace":"kappa","fields":[
    {"name":"event_id","type":"long"},{"name":"ts_ms","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"type","type":{"type":"enum","name":"EventType","symbols":["view","search","cart_add","cart_remove","checkout","purchase"]}},
    {"name":"user_id","type":"long"},{"name":"session_id","type":"long"},{"name":"item_id","type":["null","long"],"default":null},
    {"name":"category_id","type":"int"},{"name":"merchant_id","type":["null","long"],"default":null},
    {"name":"card_id","type":["null","long"],"default":null},{"name":"amount_cents","type":["null","long"],"default":null},
    {"name":"currency","type":["null","string"],"default":null},{"name":"country","type":"string"},
    {"name":"device","type":"string","default":"unknown"}]})";

// A plausible mix: mostly views with items, some searches, carts and purchases with amounts.
std::vector<Event> makeEvents()
{
    std::mt19937_64 rng(42);
    std::vector<Event> events(kEvents);
    std::int64_t ts = 1'700'000'000'000;
    for (int i = 0; i < kEvents; ++i) {
        Event &e = events[static_cast<std::size_t>(i)];
        const int roll = static_cast<int>(rng() % 100);
        e.type = roll < 60   ? EventType::View
                 : roll < 75 ? EventType::Search
                 : roll < 88 ? EventType::CartAdd
                 : roll < 92 ? EventType::CartRemove
                 : roll < 97 ? EventType::Checkout
                             : EventType::Purchase;
        e.eventId = i;
        ts += static_cast<std::int64_t>(rng() % 20);
        e.ts = EventTime(ts);
        e.userId = static_cast<std::int64_t>(rng() % 1'000'000);
        e.sessionId = e.userId * 16 + static_cast<std::int64_t>(rng() % 16);
        e.categoryId = static_cast<std::int32_t>(1 + rng() % 100);
        if (e.type != EventType::Search)
            e.itemId = static_cast<std::int64_t>(rng() % 5'000'000);
        if (e.type != EventType::View && e.type != EventType::Search) {
            e.merchantId = static_cast<std::int64_t>(rng() % 10'000);
            e.amountCents = static_cast<std::int64_t>(100 + rng() % 50'000);
            e.currency = "EUR";
        }
        if (e.type == EventType::Checkout || e.type == EventType::Purchase)
            e.cardId = static_cast<std::int64_t>(rng() % 2'000'000);
        e.country = "DE";
    }
    return events;
}

// CPU time of this thread: on a shared machine, wall time also counts the
// time other processes held the core, which says nothing about the codec.
double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Rates
{
    double wall = 0; // events per wall-clock second
    double cpu = 0;  // events per CPU second of this thread
};

template<typename Body>
Rates medianRate(Body body)
{
    std::vector<double> wall;
    std::vector<double> cpu;
    for (int run = 0; run < kRuns; ++run) {
        const double cpuStart = threadCpuSeconds();
        bench::Stopwatch watch;
        body();
        wall.push_back(kEvents / watch.seconds());
        cpu.push_back(kEvents / (threadCpuSeconds() - cpuStart));
    }
    return {bench::median(wall), bench::median(cpu)};
}

void report(const char *what, Rates rate, std::size_t bytes = 0)
{
    std::printf("  %-46s %7.2f M/s cpu  %7.2f M/s wall", what, rate.cpu / 1e6, rate.wall / 1e6);
    if (bytes)
        std::printf("  %7.1f MB/s cpu", rate.cpu * static_cast<double>(bytes) / kEvents / 1e6);
    std::printf("\n");
}

} // namespace

int main()
{
    bench::printHeader("bench_codec: Event v1 Avro encode/decode, single thread (= per core)");
    std::printf("events: %d per run, median of %d runs; rates per CPU second of the benchmark thread and per "
                "wall second\n",
                kEvents, kRuns);
    const std::vector<Event> events = makeEvents();
    SchemaRegistry registry;
    auto created = EventCodec::create(registry);
    if (!created.isOk()) {
        std::cerr << created.status().toString() << "\n";
        return 1;
    }
    const EventCodec &codec = **created;
    std::vector<std::string> payloads(events.size());
    std::size_t totalBytes = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        payloads[i] = codec.encode(events[i]);
        totalBytes += payloads[i].size();
    }
    std::printf("payload: %.1f bytes on average (5-byte header included)\n",
                static_cast<double>(totalBytes) / kEvents);

    std::string buffer;
    buffer.reserve(128);
    report("kappa encode (framed)", medianRate([&] {
               for (const Event &e : events) {
                   buffer.clear();
                   codec.encode(e, buffer);
               }
           }),
           totalBytes);
    Event decoded;
    std::size_t failures = 0;
    report("kappa decode v1 -> Event", medianRate([&] {
               for (const std::string &p : payloads)
                   failures += !codec.decode(p, decoded).isOk();
           }),
           totalBytes);

    auto v2 = registry.registerSchema("events-value", kEventV2);
    std::vector<std::string> v2Payloads;
    for (const std::string &p : payloads) {
        std::string framed("\0\0\0\0", 4);
        framed += static_cast<char>(v2->id.value());
        framed.append(p, kWireHeaderSize);
        codec::writeBytes(framed, "mobile");
        v2Payloads.push_back(std::move(framed));
    }
    report("kappa decode v2 writer -> v1 Event (resolved)", medianRate([&] {
               for (const std::string &p : v2Payloads)
                   failures += !codec.decode(p, decoded).isOk();
           }));

#ifdef KAPPA_BENCH_LIBAVRO
    const std::string v1Json(EventCodec::eventSchemaJson());
    avroc::Generic generic(v1Json);
    report("libavro encode (generic value, no framing)", medianRate([&] {
               char out[256];
               avro_writer_t writer = avro_writer_memory(out, sizeof out);
               for (const Event &e : events) {
                   avroc::fillEvent(generic, e);
                   avro_writer_memory_set_dest(writer, out, sizeof out);
                   failures += avro_value_write(writer, &generic.value()) != 0;
               }
               avro_writer_free(writer);
           }));
    report("libavro decode v1 (generic value, body only)", medianRate([&] {
               avro_reader_t reader = avro_reader_memory(nullptr, 0);
               for (const std::string &p : payloads) {
                   avro_reader_memory_set_source(reader, p.data() + kWireHeaderSize,
                                                 static_cast<int64_t>(p.size() - kWireHeaderSize));
                   failures += avro_value_read(reader, &generic.value()) != 0;
               }
               avro_reader_free(reader);
           }));
    report("libavro decode v1 + copy into Event", medianRate([&] {
               avro_reader_t reader = avro_reader_memory(nullptr, 0);
               for (const std::string &p : payloads) {
                   avro_reader_memory_set_source(reader, p.data() + kWireHeaderSize,
                                                 static_cast<int64_t>(p.size() - kWireHeaderSize));
                   failures += avro_value_read(reader, &generic.value()) != 0;
                   decoded = avroc::readEvent(generic);
               }
               avro_reader_free(reader);
           }));
#else
    std::printf("  (libavro comparison not built: bench_codec is not linked with avro-c)\n");
#endif
    std::printf("decode failures: %zu (must be 0)\n", failures);
    return failures == 0 ? 0 : 1;
}
