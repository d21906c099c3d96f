#include "log/segment_index.h"

#include "base/crc32c.h"

#include <algorithm>

namespace kappa::log {
namespace {

// Index file header (little-endian), see FORMAT.md:
//   0 magic u32 | 4 crc u32 over [8, end) | 8 entryCount u32 | 12 reserved u32
//  16 baseOffset i64 | 24 nextOffset i64 | 32 segmentSize u64 | 40 lastTime i64
struct IndexFileHeader
{
    std::uint32_t entryCount = 0;
    std::int64_t baseOffset = 0;
    std::int64_t nextOffset = 0;
    std::uint64_t segmentSize = 0;
    std::int64_t lastTime = 0;

    bool operator==(const IndexFileHeader &) const = default;
};

bool parseHeader(std::string_view file, std::uint32_t magic, std::size_t entrySize, IndexFileHeader *h,
                 std::string *why)
{
    if (file.size() < kIndexHeaderSize || loadLe<std::uint32_t>(file.data()) != magic) {
        *why = "missing header or bad magic";
        return false;
    }
    const char *p = file.data();
    if (base::crc32cExtend(0, p + 8, file.size() - 8) != loadLe<std::uint32_t>(p + 4)) {
        *why = "CRC mismatch";
        return false;
    }
    h->entryCount = loadLe<std::uint32_t>(p + 8);
    h->baseOffset = loadLe<std::int64_t>(p + 16);
    h->nextOffset = loadLe<std::int64_t>(p + 24);
    h->segmentSize = loadLe<std::uint64_t>(p + 32);
    h->lastTime = loadLe<std::int64_t>(p + 40);
    if (loadLe<std::uint32_t>(p + 12) != 0
        || file.size() != kIndexHeaderSize + std::uint64_t(h->entryCount) * entrySize) {
        *why = "size does not match the entry count";
        return false;
    }
    return true;
}

// Checks that parsed entries describe a plausible segment (see the invariant in the header).
bool entriesAreConsistent(const std::vector<IndexEntry> &entries, const IndexFileHeader &h, std::string *why)
{
    const bool empty = h.nextOffset == h.baseOffset;
    if (h.nextOffset < h.baseOffset || empty != entries.empty() || empty != (h.segmentSize == 0)
        || h.nextOffset - h.baseOffset > INT64_C(0xFFFFFFFF)) {
        *why = "header does not describe the segment";
        return false;
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const IndexEntry &e = entries[i];
        const bool first = i == 0;
        if ((first && (e.relOffset != 0 || e.position != 0))
            || (!first
                && (e.relOffset <= entries[i - 1].relOffset || e.position <= entries[i - 1].position
                    || e.time < entries[i - 1].time))
            || e.relOffset >= h.nextOffset - h.baseOffset || e.position >= h.segmentSize
            || e.time > h.lastTime) {
            *why = "entry " + std::to_string(i) + " is out of order or out of range";
            return false;
        }
    }
    return true;
}

} // namespace

SegmentIndex::SegmentIndex(std::int64_t baseOffset, std::uint32_t intervalBytes)
    : m_baseOffset(baseOffset)
    , m_intervalBytes(intervalBytes)
    , m_nextOffset(baseOffset)
{}

void SegmentIndex::addBatch(std::uint64_t position, const BatchHeader &header)
{
    if (m_entries.empty() || position >= std::uint64_t(m_entries.back().position) + m_intervalBytes) {
        m_entries.push_back(IndexEntry{static_cast<std::uint32_t>(header.baseOffset - m_baseOffset),
                                       static_cast<std::uint32_t>(position), header.appendTime});
    }
    m_nextOffset = header.nextOffset();
    m_size = position + header.size;
    m_lastTime = header.appendTime;
}

std::optional<std::int64_t> SegmentIndex::firstTime() const
{
    if (m_entries.empty())
        return std::nullopt;
    return m_entries.front().time;
}

std::optional<std::int64_t> SegmentIndex::lastTime() const
{
    if (empty())
        return std::nullopt;
    return m_lastTime;
}

IndexEntry SegmentIndex::floorForOffset(std::int64_t offset) const
{
    const auto rel = static_cast<std::uint64_t>(std::max<std::int64_t>(0, offset - m_baseOffset));
    auto it = std::upper_bound(m_entries.begin(), m_entries.end(), rel,
                               [](std::uint64_t r, const IndexEntry &e) { return r < e.relOffset; });
    return it == m_entries.begin() ? m_entries.front() : *(it - 1);
}

std::optional<IndexEntry> SegmentIndex::floorForTime(std::int64_t t, std::int64_t limit) const
{
    const auto relLimit = static_cast<std::uint64_t>(std::max<std::int64_t>(0, limit - m_baseOffset));
    auto end = std::lower_bound(m_entries.begin(), m_entries.end(), relLimit,
                                [](const IndexEntry &e, std::uint64_t r) { return e.relOffset < r; });
    if (end == m_entries.begin())
        return std::nullopt;
    // Times are non-decreasing, so entries with time < t form a prefix.
    auto it = std::lower_bound(m_entries.begin(), end, t,
                               [](const IndexEntry &e, std::int64_t time) { return e.time < time; });
    return it == m_entries.begin() ? m_entries.front() : *(it - 1);
}

std::string SegmentIndex::serialize(std::uint32_t magic, bool timeIndex) const
{
    const std::size_t entrySize = timeIndex ? kTimeEntrySize : kOffsetEntrySize;
    std::string out(kIndexHeaderSize + m_entries.size() * entrySize, '\0');
    char *p = out.data();
    storeLe<std::uint32_t>(p, magic);
    storeLe<std::uint32_t>(p + 8, static_cast<std::uint32_t>(m_entries.size()));
    storeLe<std::int64_t>(p + 16, m_baseOffset);
    storeLe<std::int64_t>(p + 24, m_nextOffset);
    storeLe<std::uint64_t>(p + 32, m_size);
    storeLe<std::int64_t>(p + 40, m_lastTime);
    char *e = p + kIndexHeaderSize;
    for (const IndexEntry &entry : m_entries) {
        if (timeIndex) {
            storeLe<std::int64_t>(e, entry.time);
            storeLe<std::uint32_t>(e + 8, entry.relOffset);
        } else {
            storeLe<std::uint32_t>(e, entry.relOffset);
            storeLe<std::uint32_t>(e + 4, entry.position);
        }
        e += entrySize;
    }
    storeLe<std::uint32_t>(p + 4, base::crc32cExtend(0, p + 8, out.size() - 8));
    return out;
}

std::string SegmentIndex::serializeOffsetIndex() const
{
    return serialize(kOffsetIndexMagic, false);
}

std::string SegmentIndex::serializeTimeIndex() const
{
    return serialize(kTimeIndexMagic, true);
}

std::optional<SegmentIndex> SegmentIndex::parse(std::string_view offsetFile, std::string_view timeFile,
                                                std::int64_t baseOffset, std::uint64_t segmentSize,
                                                std::uint32_t intervalBytes, std::string *why)
{
    IndexFileHeader oh;
    IndexFileHeader th;
    if (!parseHeader(offsetFile, kOffsetIndexMagic, kOffsetEntrySize, &oh, why)
        || !parseHeader(timeFile, kTimeIndexMagic, kTimeEntrySize, &th, why))
        return std::nullopt;
    if (!(oh == th) || oh.baseOffset != baseOffset || oh.segmentSize != segmentSize) {
        *why = "index does not match the segment (stale or foreign)";
        return std::nullopt;
    }
    SegmentIndex index(baseOffset, intervalBytes);
    index.m_entries.resize(oh.entryCount);
    for (std::uint32_t i = 0; i < oh.entryCount; ++i) {
        const char *o = offsetFile.data() + kIndexHeaderSize + i * kOffsetEntrySize;
        const char *t = timeFile.data() + kIndexHeaderSize + i * kTimeEntrySize;
        IndexEntry &e = index.m_entries[i];
        e.relOffset = loadLe<std::uint32_t>(o);
        e.position = loadLe<std::uint32_t>(o + 4);
        e.time = loadLe<std::int64_t>(t);
        if (loadLe<std::uint32_t>(t + 8) != e.relOffset) {
            *why = "offset and time index disagree at entry " + std::to_string(i);
            return std::nullopt;
        }
    }
    if (!entriesAreConsistent(index.m_entries, oh, why))
        return std::nullopt;
    index.m_nextOffset = oh.nextOffset;
    index.m_size = oh.segmentSize;
    index.m_lastTime = oh.lastTime;
    return index;
}

} // namespace kappa::log
