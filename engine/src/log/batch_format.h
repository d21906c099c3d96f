// The record batch: the unit the log writes, checksums and reads. Layout in
// FORMAT.md; this header is the only code that knows it. Pure functions on
// memory, so the fuzzer drives exactly what recovery and reads run.
#pragma once

#include "kappa/event_log.h"
#include "kappa/status.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace kappa::log {

static_assert(std::endian::native == std::endian::little, "the log format is little-endian on disk");

inline constexpr std::uint32_t kBatchMagic = 0x3142504Bu; // bytes "KPB1"
inline constexpr std::size_t kBatchHeaderSize = 36;
// A batch can never be larger than this; anything claiming more is corrupt.
inline constexpr std::uint32_t kMaxBatchSize = 64u << 20;
// Largest key + value of a single record (leaves room for header and varints).
inline constexpr std::size_t kMaxRecordPayload = kMaxBatchSize - 64;

struct BatchHeader
{
    std::uint32_t crc = 0;
    std::uint32_t size = 0; // whole batch, header included
    std::uint32_t recordCount = 0;
    std::int64_t baseOffset = 0;
    std::int64_t appendTime = 0;

    std::int64_t nextOffset() const { return baseOffset + recordCount; }
};

enum class DecodeResult {
    Ok,
    Incomplete, // fewer bytes than the header or the batch needs
    Invalid,    // the bytes are not a valid batch
};

template<typename T>
inline T loadLe(const char *p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

template<typename T>
inline void storeLe(char *p, T v)
{
    std::memcpy(p, &v, sizeof v);
}

// Bytes of the unsigned LEB128 encoding of v.
inline std::size_t varintSize(std::uint32_t v)
{
    std::size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

inline char *putVarint(char *p, std::uint32_t v)
{
    while (v >= 0x80) {
        *p++ = static_cast<char>((v & 0x7F) | 0x80);
        v >>= 7;
    }
    *p++ = static_cast<char>(v);
    return p;
}

// Decodes a varint of at most 5 bytes from [p, end); nullptr if malformed or truncated.
inline const char *getVarint(const char *p, const char *end, std::uint32_t *v)
{
    std::uint32_t result = 0;
    for (int shift = 0; shift <= 28 && p < end; shift += 7) {
        const auto byte = static_cast<std::uint8_t>(*p++);
        if (shift == 28 && byte > 0x0F)
            return nullptr;
        result |= std::uint32_t(byte & 0x7F) << shift;
        if ((byte & 0x80) == 0) {
            *v = result;
            return p;
        }
    }
    return nullptr;
}

inline std::size_t encodedRecordSize(const Record &r)
{
    return varintSize(static_cast<std::uint32_t>(r.key.size())) + r.key.size()
           + varintSize(static_cast<std::uint32_t>(r.value.size())) + r.value.size();
}

// Appends batches holding `records` to `out` (which is not cleared), cutting
// a new batch whenever the next record would push one past maxBatchBytes.
// Records must each be at most kMaxRecordPayload bytes (checked by the caller).
// Calls onBatch(positionInOut, header) after each batch is complete.
template<typename OnBatch>
void encodeBatches(std::span<const Record> records, std::int64_t baseOffset, std::int64_t appendTime,
                   std::size_t maxBatchBytes, std::string &out, OnBatch &&onBatch);

// Decodes and checks the fixed header at the start of `bytes` (magic, sizes,
// reserved field). Incomplete only if `bytes` is shorter than the header; the
// caller checks that header->size bytes are there. Ignores records and CRC.
DecodeResult decodeBatchHeader(std::string_view bytes, BatchHeader *header, std::string *why);

// Checks a whole batch (`bytes` holds exactly header.size bytes): CRC and that
// the records fill it exactly. Calls onRecord(index, key, value) per record
// as it goes, so on failure some records may already have been reported.
template<typename OnRecord>
bool decodeBatchRecords(std::string_view bytes, const BatchHeader &header, std::string *why,
                        OnRecord &&onRecord);

bool verifyBatch(std::string_view bytes, const BatchHeader &header, std::string *why);

// Implementation details of the templates above. The CRC covers bytes [8, size).
std::uint32_t batchCrc(std::string_view wholeBatch);
void writeBatchHeader(char *p, const BatchHeader &header);

template<typename OnBatch>
void encodeBatches(std::span<const Record> records, std::int64_t baseOffset, std::int64_t appendTime,
                   std::size_t maxBatchBytes, std::string &out, OnBatch &&onBatch)
{
    std::size_t i = 0;
    while (i < records.size()) {
        // Pass 1: how many records fit, and the exact size, so the buffer grows once.
        std::size_t size = kBatchHeaderSize + encodedRecordSize(records[i]);
        std::size_t end = i + 1;
        while (end < records.size()) {
            const std::size_t next = encodedRecordSize(records[end]);
            if (size + next > maxBatchBytes)
                break;
            size += next;
            ++end;
        }
        const std::size_t start = out.size();
        out.resize(start + size);
        char *p = out.data() + start + kBatchHeaderSize;
        for (std::size_t r = i; r < end; ++r) {
            const Record &rec = records[r];
            p = putVarint(p, static_cast<std::uint32_t>(rec.key.size()));
            if (!rec.key.empty())
                std::memcpy(p, rec.key.data(), rec.key.size());
            p += rec.key.size();
            p = putVarint(p, static_cast<std::uint32_t>(rec.value.size()));
            if (!rec.value.empty())
                std::memcpy(p, rec.value.data(), rec.value.size());
            p += rec.value.size();
        }
        BatchHeader header;
        header.size = static_cast<std::uint32_t>(size);
        header.recordCount = static_cast<std::uint32_t>(end - i);
        header.baseOffset = baseOffset + static_cast<std::int64_t>(i);
        header.appendTime = appendTime;
        writeBatchHeader(out.data() + start, header);
        header.crc = batchCrc(std::string_view(out.data() + start, size));
        storeLe<std::uint32_t>(out.data() + start + 4, header.crc);
        onBatch(start, header);
        i = end;
    }
}

template<typename OnRecord>
bool decodeBatchRecords(std::string_view bytes, const BatchHeader &header, std::string *why,
                        OnRecord &&onRecord)
{
    if (batchCrc(bytes) != header.crc) {
        *why = "CRC mismatch";
        return false;
    }
    const char *p = bytes.data() + kBatchHeaderSize;
    const char *end = bytes.data() + bytes.size();
    for (std::uint32_t i = 0; i < header.recordCount; ++i) {
        std::uint32_t keyLen = 0;
        std::uint32_t valueLen = 0;
        p = getVarint(p, end, &keyLen);
        if (!p || keyLen > std::size_t(end - p)) {
            *why = "record " + std::to_string(i) + " has a bad key length";
            return false;
        }
        const char *key = p;
        p += keyLen;
        p = getVarint(p, end, &valueLen);
        if (!p || valueLen > std::size_t(end - p)) {
            *why = "record " + std::to_string(i) + " has a bad value length";
            return false;
        }
        onRecord(i, std::string_view(key, keyLen), std::string_view(p, valueLen));
        p += valueLen;
    }
    if (p != end) {
        *why = "records do not fill the batch";
        return false;
    }
    return true;
}

} // namespace kappa::log
