// libFuzzer target for the segment reader: feeds arbitrary bytes as a segment
// file to the recovery scanner, to the read path (over the whole input, not
// only the valid prefix) and to the index parser. None may crash, hang or
// read out of bounds; the read path must only ever return Ok or Corruption.
#include "log/segment.h"
#include "log/segment_scanner.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

using namespace kappa;
using namespace kappa::log;

namespace {

class MemoryFile final : public ReadableFile
{
public:
    MemoryFile(const char *data, std::size_t size)
        : m_data(data, size)
    {}
    Status read(std::uint64_t offset, std::size_t n, char *dst, std::size_t *bytesRead) const override
    {
        const std::size_t start = offset < m_data.size() ? std::size_t(offset) : m_data.size();
        *bytesRead = std::min(n, m_data.size() - start);
        if (*bytesRead)
            std::memcpy(dst, m_data.data() + start, *bytesRead);
        return Status::ok();
    }
    Result<std::uint64_t> size() const override { return std::uint64_t(m_data.size()); }

private:
    std::string m_data;
};

// Reports which property broke before aborting, so a crash file explains itself.
#define check(condition) \
    do { \
        if (!(condition)) { \
            std::fprintf(stderr, "fuzz_segment_reader: check failed at line %d: %s\n", __LINE__, #condition); \
            std::abort(); \
        } \
    } while (false)

// The fuzzer bounds reads by bytes only.
constexpr std::int64_t kNoEnd = std::numeric_limits<std::int64_t>::max();

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const auto *bytes = reinterpret_cast<const char *>(data);
    // The scanner, as recovery runs it. Seeds start at offset 0.
    auto file = std::make_unique<MemoryFile>(bytes, size);
    auto scan = scanSegment(*file, 0, size, 512);
    check(scan.isOk());
    check(scan->index.size() <= size);
    check(scan->clean == (scan->index.size() == size));

    // The read path over everything, valid or not.
    Segment segment("/fuzz", SegmentIndex(0, 512), std::move(file));
    RecordBatch batch;
    const std::int64_t end = scan->index.nextOffset();
    for (std::int64_t from : {std::int64_t(0), end / 2, end > 0 ? end - 1 : 0}) {
        const Status s = readSegmentRecords(segment, 0, 0, size, from, kNoEnd, 1 + from % 5000, batch);
        check(s.isOk() || s.code() == StatusCode::Corruption);
        for (const RecordView &r : batch) {
            check(r.offset.value() >= from);
            check(r.key.data() >= batch.buffer().data()
                  && r.value.data() + r.value.size() <= batch.buffer().data() + batch.buffer().size());
        }
        auto t = findTimeInSegment(segment, 0, 0, size, from);
        check(t.isOk() || t.status().code() == StatusCode::Corruption);
    }
    // A valid prefix reads back completely.
    if (end > 0) {
        std::int64_t next = 0;
        while (next < end) {
            const Status s = readSegmentRecords(segment, 0, 0, scan->index.size(), next, kNoEnd, 1 << 20,
                                                batch);
            check(s.isOk() && !batch.empty() && batch[0].offset.value() == next);
            next = batch.nextOffset().value();
        }
    }
    // The index parser, on the input split into an offset and a time index.
    std::string why;
    const std::size_t half = size / 2;
    auto index = SegmentIndex::parse(std::string_view(bytes, half),
                                     std::string_view(bytes + half, size - half), 0, size, 512, &why);
    if (index && !index->empty())
        check(index->floorForOffset(index->nextOffset() - 1).position < size);
    return 0;
}
