// The sparse index of one segment, in memory and as its two index files
// (<base>.index: offset -> byte position, <base>.timeindex: append time ->
// offset). Both files are derived data: written once when a segment is
// closed, validated at open and rebuilt from the segment when invalid.
//
// Invariant: entries are taken at the same batch boundaries for both
// indexes: the first batch of the segment, then the first batch starting at
// least intervalBytes after the previous entry. Relative offsets and
// positions strictly increase; times never decrease (append times are
// monotonic per partition).
#pragma once

#include "log/batch_format.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::log {

inline constexpr std::uint32_t kOffsetIndexMagic = 0x3158504Bu; // "KPX1"
inline constexpr std::uint32_t kTimeIndexMagic = 0x3154504Bu;   // "KPT1"
inline constexpr std::size_t kIndexHeaderSize = 48;
inline constexpr std::size_t kOffsetEntrySize = 8;
inline constexpr std::size_t kTimeEntrySize = 12;

struct IndexEntry
{
    std::uint32_t relOffset = 0; // offset - segment base offset
    std::uint32_t position = 0;  // byte position of the batch in the segment file
    std::int64_t time = 0;       // append time of that batch
};

class SegmentIndex
{
public:
    SegmentIndex(std::int64_t baseOffset, std::uint32_t intervalBytes);

    // Records a batch written at `position`. Batches arrive in file order.
    void addBatch(std::uint64_t position, const BatchHeader &header);

    std::int64_t baseOffset() const { return m_baseOffset; }
    std::int64_t nextOffset() const { return m_nextOffset; }
    std::uint64_t size() const { return m_size; }
    bool empty() const { return m_nextOffset == m_baseOffset; }
    std::optional<std::int64_t> firstTime() const;
    std::optional<std::int64_t> lastTime() const;
    const std::vector<IndexEntry> &entries() const { return m_entries; }

    // The last entry whose offset is <= offset (the first entry if none is).
    // Precondition: the segment is not empty.
    IndexEntry floorForOffset(std::int64_t offset) const;
    // Among entries with offset < limit: the last one whose time is < t, or
    // the first entry if none is. nullopt if no entry is below limit.
    std::optional<IndexEntry> floorForTime(std::int64_t t, std::int64_t limit) const;

    std::string serializeOffsetIndex() const;
    std::string serializeTimeIndex() const;

    // Rebuilds an index from its two files, checking them against the segment
    // (its base offset and file size). nullopt with a reason if either file is
    // not a valid index of that segment.
    static std::optional<SegmentIndex> parse(std::string_view offsetFile, std::string_view timeFile,
                                             std::int64_t baseOffset, std::uint64_t segmentSize,
                                             std::uint32_t intervalBytes, std::string *why);

private:
    std::string serialize(std::uint32_t magic, bool timeIndex) const;

    std::int64_t m_baseOffset;
    std::uint32_t m_intervalBytes;
    std::int64_t m_nextOffset;
    std::uint64_t m_size = 0;
    std::int64_t m_lastTime = 0;
    std::vector<IndexEntry> m_entries;
};

} // namespace kappa::log
