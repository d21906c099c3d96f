// The log position a view row reflects, and the rule that keeps views from
// going backwards.
#pragma once

#include "kappa/types.h"

#include <cstring>
#include <string>
#include <string_view>

namespace kappa::views {

// A row reflects everything up to and including `offset` of `partition` of
// the topic its job reads for that key (the source topic, or a rekey topic).
struct ViewPosition
{
    PartitionId partition;
    Offset offset;

    // A key is always fed from one partition, so only offsets really compete;
    // comparing the partition first merely makes the order total and
    // deterministic should that ever not hold.
    auto operator<=>(const ViewPosition &) const = default;
};

// Rows are stored as a 12-byte position header followed by the row bytes.
inline constexpr std::size_t kPositionHeaderSize = 12;

inline void appendPositionHeader(std::string &out, ViewPosition position)
{
    const std::int32_t partition = position.partition.value();
    const std::int64_t offset = position.offset.value();
    char header[kPositionHeaderSize];
    std::memcpy(header, &partition, 4); // little-endian hosts only (x86_64, aarch64)
    std::memcpy(header + 4, &offset, 8);
    out.append(header, kPositionHeaderSize);
}

// False if the stored bytes are too short to hold a header.
inline bool readPositionHeader(std::string_view stored, ViewPosition &position)
{
    if (stored.size() < kPositionHeaderSize)
        return false;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::memcpy(&partition, stored.data(), 4);
    std::memcpy(&offset, stored.data() + 4, 8);
    position = {PartitionId(partition), Offset(offset)};
    return true;
}

} // namespace kappa::views
