// LocalLog throughput: durable appends (group commit) and sequential reads.
//
// Usage: bench_log [directory]  (default: ./bench_log_data, removed at the end).
// Every append() returns only after fdatasync, so the append figures include
// the sync cost: each append call is one group commit of its whole batch
// (default options: no linger, syncs shared by concurrent appenders). Reads
// run after the writes, with the segment files in the page cache.
#include "bench_support.h"
#include "kappa/local_log.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include <sys/vfs.h>

using namespace kappa;
using kappa::bench::fail;
using kappa::bench::Stopwatch;

namespace {

constexpr int kRuns = 5;

struct Payloads
{
    std::vector<std::string> keys;
    std::vector<std::string> values;
    std::vector<Record> records;
    std::size_t bytes = 0;
};

// `count` records with 8..16-byte keys and 100..200-byte values.
Payloads makePayloads(std::size_t count, unsigned seed)
{
    std::mt19937 rng(seed);
    Payloads p;
    for (std::size_t i = 0; i < count; ++i) {
        p.keys.push_back("user" + std::to_string(rng() % 100000000));
        std::string v(100 + rng() % 101, '\0');
        for (char &c : v)
            c = static_cast<char>('a' + rng() % 26);
        p.values.push_back(std::move(v));
    }
    for (std::size_t i = 0; i < count; ++i) {
        p.records.push_back(Record{p.keys[i], p.values[i]});
        p.bytes += p.keys[i].size() + p.values[i].size();
    }
    return p;
}

std::unique_ptr<LocalLog> openFresh(const std::string &dir, int partitions)
{
    std::filesystem::remove_all(dir);
    auto log = LocalLog::open(dir, LocalLogOptions{});
    if (!log.isOk())
        fail(log.status());
    if (Status s = (*log)->createTopic("bench", TopicConfig{partitions}); !s.isOk())
        fail(s);
    return std::move(log).value();
}

// Appends `appends` batches per thread with appendToPartition (threads share partition 0) or keyed append.
void benchAppend(const std::string &dir, const char *label, std::size_t batch, int appends, int threads,
                 bool keyed, int partitions)
{
    std::vector<double> rates;
    std::vector<double> mbps;
    std::vector<double> syncsPerAppend;
    const Payloads payloads = makePayloads(batch, 7);
    for (int run = 0; run < kRuns; ++run) {
        auto log = openFresh(dir, partitions);
        Stopwatch watch;
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t) {
            workers.emplace_back([&] {
                for (int a = 0; a < appends; ++a) {
                    if (keyed) {
                        auto r = log->append("bench", payloads.records);
                        if (!r.isOk())
                            fail(r.status());
                    } else {
                        auto r = log->appendToPartition("bench", PartitionId(0), payloads.records);
                        if (!r.isOk())
                            fail(r.status());
                    }
                }
            });
        }
        for (auto &w : workers)
            w.join();
        const double seconds = watch.seconds();
        const double events = double(batch) * appends * threads;
        rates.push_back(events / seconds);
        mbps.push_back(double(payloads.bytes) * appends * threads / seconds / 1e6);
        const LocalLogStats stats = log->stats();
        syncsPerAppend.push_back(double(stats.syncs) / double(appends * threads));
    }
    std::printf("append  %-44s %10.0f events/s  %7.1f MB/s  (%.2f fdatasyncs per append call)\n", label,
                bench::median(rates), bench::median(mbps), bench::median(syncsPerAppend));
}

void benchRead(const std::string &dir)
{
    constexpr std::size_t kBatch = 10000;
    constexpr int kAppends = 300;
    auto log = openFresh(dir, 1);
    const Payloads payloads = makePayloads(kBatch, 11);
    for (int a = 0; a < kAppends; ++a) {
        auto r = log->appendToPartition("bench", PartitionId(0), payloads.records);
        if (!r.isOk())
            fail(r.status());
    }
    std::vector<double> rates;
    std::vector<double> mbps;
    std::size_t checksum = 0;
    for (int run = 0; run < kRuns; ++run) {
        RecordBatch batch;
        Offset next(0);
        std::size_t events = 0;
        std::size_t bytes = 0;
        Stopwatch watch;
        for (;;) {
            if (Status s = log->read("bench", PartitionId(0), next, 1 << 20, batch); !s.isOk())
                fail(s);
            if (batch.empty())
                break;
            for (const RecordView &r : batch) {
                bytes += r.key.size() + r.value.size();
                checksum += static_cast<unsigned char>(r.value[0]);
            }
            events += batch.size();
            next = batch.nextOffset();
        }
        const double seconds = watch.seconds();
        rates.push_back(double(events) / seconds);
        mbps.push_back(double(bytes) / seconds / 1e6);
    }
    std::printf("read    %-44s %10.0f events/s  %7.1f MB/s  (1 thread, 1 MiB reads, checksum %zu)\n",
                "sequential, 3M events, page cache warm", bench::median(rates), bench::median(mbps),
                checksum % 10);
}

std::string fileSystemType(const std::string &dir)
{
    struct statfs st
    {};
    if (::statfs(dir.c_str(), &st) != 0)
        return "unknown";
    switch (st.f_type) {
    case 0xEF53: return "ext4";
    case 0x01021994: return "tmpfs";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    default: return "other";
    }
}

} // namespace

int main(int argc, char **argv)
{
    const std::string dir = argc > 1 ? argv[1] : "bench_log_data";
    std::filesystem::create_directories(dir);
    bench::printHeader("bench_log: LocalLog append and read");
    std::printf(
        "directory: %s (%s); %d runs each, medians; keys 8-16 B, values 100-200 B (avg ~163 B/event)\n",
        std::filesystem::absolute(dir).c_str(), fileSystemType(dir).c_str(), kRuns);
    std::printf("fsync policy: every append() returns after fdatasync of its data (group commit, default "
                "options: segments 128 MiB, batches <= 1 MiB, no linger)\n");
    benchAppend(dir, "1 partition, batches of 1000, 1 thread", 1000, 1000, 1, false, 1);
    benchAppend(dir, "1 partition, batches of 10000, 1 thread", 10000, 200, 1, false, 1);
    benchAppend(dir, "1 partition, batches of 1000, 4 threads", 1000, 250, 4, false, 1);
    benchAppend(dir, "keyed over 8 partitions, batches of 10000", 10000, 100, 1, true, 8);
    benchRead(dir);
    std::filesystem::remove_all(dir);
    return 0;
}
