// The writer of the crash test (test_log_crash.cpp): appends to a LocalLog
// forever until killed, and after each append() returns writes one line
// "<partition> <last acknowledged offset>\n" per partition to the
// acknowledgement file, in a single write(2): a line there means "acknowledged".
//
// Usage: log_crash_writer <log dir> <ack file> <seed>. Exit codes: 2 the log
// would not open, 3 an append failed or returned unexpected positions.
#include "base/murmur2.h"
#include "crash_payload.h"
#include "kappa/local_log.h"

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

using namespace kappa;

namespace {

[[noreturn]] void die(int code, const Status &status)
{
    std::fprintf(stderr, "log_crash_writer: %s\n", status.toString().c_str());
    std::exit(code);
}

LocalLogOptions writerOptions()
{
    LocalLogOptions options;
    options.segmentBytes = 64 << 10; // many rolls, so kills land in them too
    options.maxBatchBytes = 2048;
    options.indexIntervalBytes = 1024;
    return options;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: log_crash_writer <log dir> <ack file> <seed>\n");
        return 1;
    }
    auto opened = LocalLog::open(argv[1], writerOptions());
    if (!opened.isOk())
        die(2, opened.status());
    LocalLog &log = **opened;
    if (Status s = log.createTopic(crashtest::kTopic, TopicConfig{crashtest::kPartitions}); !s.isOk())
        die(2, s);
    std::vector<std::int64_t> next(crashtest::kPartitions);
    for (int p = 0; p < crashtest::kPartitions; ++p)
        next[std::size_t(p)] = log.partitionInfo(crashtest::kTopic, PartitionId(p))->endOffset.value();
    const int ack = ::open(argv[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (ack < 0)
        die(2, Status::internal("cannot open the ack file"));

    std::mt19937_64 rng(std::stoull(argv[3]));
    std::vector<std::string> keys;
    std::vector<std::string> values;
    std::vector<Record> records;
    for (;;) {
        const int count = int(rng() % 64) + 1;
        const bool keyed = rng() % 2 == 0;
        const int target = int(rng() % crashtest::kPartitions);
        keys.clear();
        values.clear();
        records.clear();
        std::vector<std::int64_t> planned = next; // offsets the records should get
        std::vector<int> partitionOf;
        for (int i = 0; i < count; ++i) {
            keys.push_back("user" + std::to_string(rng() % 10000));
            const int p = keyed ? base::partitionForKey(keys.back(), crashtest::kPartitions) : target;
            partitionOf.push_back(p);
            values.push_back(crashtest::payload(p, planned[std::size_t(p)]++));
        }
        for (int i = 0; i < count; ++i)
            records.push_back(Record{keys[std::size_t(i)], values[std::size_t(i)]});
        if (keyed) {
            auto positions = log.append(crashtest::kTopic, records);
            if (!positions.isOk())
                die(3, positions.status());
            for (int i = 0; i < count; ++i) {
                const int p = partitionOf[std::size_t(i)];
                if ((*positions)[std::size_t(i)].partition.value() != p
                    || (*positions)[std::size_t(i)].offset.value() != next[std::size_t(p)]++)
                    die(3, Status::internal("unexpected append position"));
            }
        } else {
            auto first = log.appendToPartition(crashtest::kTopic, PartitionId(target), records);
            if (!first.isOk())
                die(3, first.status());
            if (first->value() != next[std::size_t(target)])
                die(3, Status::internal("unexpected first offset"));
            next[std::size_t(target)] += count;
        }
        std::string lines;
        for (int p = 0; p < crashtest::kPartitions; ++p) {
            if (planned[std::size_t(p)] != next[std::size_t(p)])
                die(3, Status::internal("offset bookkeeping diverged"));
            lines += std::to_string(p) + " " + std::to_string(next[std::size_t(p)] - 1) + "\n";
        }
        if (::write(ack, lines.data(), lines.size()) != ssize_t(lines.size()))
            die(3, Status::internal("ack write failed"));
    }
}
