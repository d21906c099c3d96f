#include "log/batch_format.h"

#include "base/crc32c.h"

namespace kappa::log {

// Header layout (little-endian), see FORMAT.md:
//   0 magic u32 | 4 crc u32 | 8 size u32 | 12 recordCount u32
//  16 baseOffset i64 | 24 appendTime i64 | 32 reserved u32 (0)
std::uint32_t batchCrc(std::string_view wholeBatch)
{
    return base::crc32cExtend(0, wholeBatch.data() + 8, wholeBatch.size() - 8);
}

void writeBatchHeader(char *p, const BatchHeader &header)
{
    storeLe<std::uint32_t>(p, kBatchMagic);
    storeLe<std::uint32_t>(p + 4, header.crc);
    storeLe<std::uint32_t>(p + 8, header.size);
    storeLe<std::uint32_t>(p + 12, header.recordCount);
    storeLe<std::int64_t>(p + 16, header.baseOffset);
    storeLe<std::int64_t>(p + 24, header.appendTime);
    storeLe<std::uint32_t>(p + 32, 0);
}

DecodeResult decodeBatchHeader(std::string_view bytes, BatchHeader *header, std::string *why)
{
    if (bytes.size() < kBatchHeaderSize) {
        *why = "incomplete batch header";
        return DecodeResult::Incomplete;
    }
    const char *p = bytes.data();
    if (loadLe<std::uint32_t>(p) != kBatchMagic) {
        *why = "bad batch magic";
        return DecodeResult::Invalid;
    }
    header->crc = loadLe<std::uint32_t>(p + 4);
    header->size = loadLe<std::uint32_t>(p + 8);
    header->recordCount = loadLe<std::uint32_t>(p + 12);
    header->baseOffset = loadLe<std::int64_t>(p + 16);
    header->appendTime = loadLe<std::int64_t>(p + 24);
    const auto reserved = loadLe<std::uint32_t>(p + 32);
    // Every record takes at least two bytes (two one-byte varints).
    if (header->recordCount == 0 || header->size > kMaxBatchSize
        || header->size < kBatchHeaderSize + 2ull * header->recordCount) {
        *why = "implausible batch size " + std::to_string(header->size) + " for "
               + std::to_string(header->recordCount) + " records";
        return DecodeResult::Invalid;
    }
    if (reserved != 0 || header->baseOffset < 0
        || header->baseOffset > INT64_MAX - std::int64_t(header->recordCount)) {
        *why = "bad batch header fields";
        return DecodeResult::Invalid;
    }
    return DecodeResult::Ok;
}

bool verifyBatch(std::string_view bytes, const BatchHeader &header, std::string *why)
{
    return decodeBatchRecords(bytes, header, why, [](std::uint32_t, std::string_view, std::string_view) {});
}

} // namespace kappa::log
