// Scans a segment file batch by batch, checking every batch (header, CRC,
// records, offset continuity) and rebuilding its index. Used by recovery at
// open and by the fuzzer (over an in-memory ReadableFile).
#pragma once

#include "kappa/file_system.h"
#include "log/segment_index.h"

#include <cstdint>
#include <string>

namespace kappa::log {

struct SegmentScan
{
    explicit SegmentScan(SegmentIndex idx)
        : index(std::move(idx))
    {}

    // Index of the valid prefix; index.size() is where the prefix ends.
    SegmentIndex index;
    // false when bytes after the valid prefix do not form a valid batch.
    bool clean = true;
    std::uint64_t invalidAt = 0; // == index.size() when !clean
    std::string why;             // what is wrong at invalidAt
    // When !clean: whether a complete, CRC-valid batch with a plausible
    // offset (>= the expected next offset) starts somewhere after invalidAt,
    // i.e. the damage is in the middle rather than a torn tail.
    bool validBatchAfter = false;
    std::uint64_t validBatchAfterAt = 0;
};

// Reads `fileSize` bytes of `file`, whose first batch must have offset
// baseOffset. Fails only on I/O errors; invalid data is reported in the result.
Result<SegmentScan> scanSegment(const ReadableFile &file, std::int64_t baseOffset, std::uint64_t fileSize,
                                std::uint32_t indexIntervalBytes);

} // namespace kappa::log
