// Helpers shared by the log suites: a manual clock, deterministic payloads,
// and whole-partition reads.
#pragma once

#include "kappa/clock.h"
#include "kappa/file_system.h"
#include "kappa/local_log.h"
#include "test_support.h"

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

namespace kappa::logtest {

class ManualClock final : public Clock
{
public:
    explicit ManualClock(std::int64_t ms = 1'000'000)
        : m_now(ms)
    {}
    WallTime now() const override { return WallTime(m_now.load()); }
    void set(std::int64_t ms) { m_now.store(ms); }
    void advance(std::int64_t ms) { m_now.fetch_add(ms); }

private:
    std::atomic<std::int64_t> m_now;
};

// The smallest segments and batches the options allow, so a few hundred
// records roll several segments and span several index entries.
inline LocalLogOptions smallSegments(FileSystem *fs = nullptr, Clock *clock = nullptr)
{
    LocalLogOptions options;
    options.segmentBytes = 4096;
    options.maxBatchBytes = 1024;
    options.indexIntervalBytes = 512;
    options.fs = fs;
    options.clock = clock;
    return options;
}

// The value stored at `offset` of partition `p` by the tests: self-describing
// and of varying length, so a misplaced or garbled record cannot pass.
inline std::string valueFor(std::int32_t p, std::int64_t offset)
{
    std::string v = "p" + std::to_string(p) + "-o" + std::to_string(offset) + "-";
    v.append(static_cast<std::size_t>(offset * 7919 % 113), static_cast<char>('a' + offset % 26));
    return v;
}

inline std::string keyFor(std::int64_t offset)
{
    return "key-" + std::to_string(offset % 1000);
}

// Appends `count` records to partition p whose values follow valueFor(p, offset).
inline Status appendSequence(EventLog &log, const std::string &topic, std::int32_t p,
                             std::int64_t firstOffset, std::int64_t count)
{
    std::vector<std::string> keys;
    std::vector<std::string> values;
    for (std::int64_t i = 0; i < count; ++i) {
        keys.push_back(keyFor(firstOffset + i));
        values.push_back(valueFor(p, firstOffset + i));
    }
    std::vector<Record> records;
    for (std::size_t i = 0; i < keys.size(); ++i)
        records.push_back(Record{keys[i], values[i]});
    auto result = log.appendToPartition(topic, PartitionId(p), records);
    if (!result.isOk())
        return result.status();
    if (result->value() != firstOffset)
        return Status::internal("appended at " + std::to_string(result->value()) + ", expected "
                                + std::to_string(firstOffset));
    return Status::ok();
}

struct ReadBack
{
    std::int64_t count = 0;
    std::int64_t next = 0;
};

// Reads [from, end) of a partition and checks every record against valueFor/keyFor.
inline Status verifySequence(EventLog &log, const std::string &topic, std::int32_t p, std::int64_t from,
                             std::size_t maxBytes, ReadBack *out)
{
    RecordBatch batch;
    std::int64_t expected = from;
    for (;;) {
        KAPPA_RETURN_IF_ERROR(log.read(topic, PartitionId(p), Offset(expected), maxBytes, batch));
        if (batch.empty())
            break;
        for (const RecordView &r : batch) {
            if (r.offset.value() != expected || r.value != valueFor(p, expected) || r.key != keyFor(expected))
                return Status::corruption("record at " + std::to_string(r.offset.value())
                                          + " (expected offset " + std::to_string(expected)
                                          + ") has wrong content");
            ++expected;
        }
        if (batch.nextOffset().value() != expected)
            return Status::internal("nextOffset disagrees with the records");
    }
    out->count = expected - from;
    out->next = expected;
    return Status::ok();
}

inline std::string segmentPath(const std::string &logDir, const std::string &topic, int p, std::int64_t base,
                               const char *ext = ".log")
{
    char name[64];
    std::snprintf(name, sizeof name, "%020lld%s", static_cast<long long>(base), ext);
    return logDir + "/" + topic + "/" + std::to_string(p) + "/" + name;
}

} // namespace kappa::logtest
