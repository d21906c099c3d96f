#include "log/segment.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace kappa::log {
namespace {

constexpr std::size_t kMinReadBytes = 16u << 10;

Status corruptionAt(const Segment &segment, std::uint64_t position, const std::string &why)
{
    return Status::corruption("segment " + segment.logPath() + " at byte " + std::to_string(position) + ": "
                              + why);
}

// Grows the batch buffer to `newSize` bytes, reading file bytes [base + filled, base + newSize).
Status extendBuffer(const Segment &segment, std::uint64_t base, std::string &buffer, std::size_t filled,
                    std::size_t newSize)
{
    buffer.resize(newSize);
    std::size_t got = 0;
    KAPPA_RETURN_IF_ERROR(
        segment.reader().read(base + filled, newSize - filled, buffer.data() + filled, &got));
    if (got != newSize - filled)
        return corruptionAt(segment, base + filled + got, "file ends before its durable size");
    return Status::ok();
}

} // namespace

Segment::Segment(const std::string &dir, SegmentIndex idx, std::unique_ptr<ReadableFile> reader)
    : index(std::move(idx))
    , m_baseOffset(index.baseOffset())
    , m_logPath(dir + "/" + fileName(m_baseOffset, ".log"))
    , m_indexPath(dir + "/" + fileName(m_baseOffset, ".index"))
    , m_timeIndexPath(dir + "/" + fileName(m_baseOffset, ".timeindex"))
    , m_reader(std::move(reader))
{
    durableSize.store(index.size(), std::memory_order_relaxed);
}

std::string Segment::fileName(std::int64_t baseOffset, const char *ext)
{
    char digits[32];
    std::snprintf(digits, sizeof digits, "%020lld", static_cast<long long>(baseOffset));
    return std::string(digits) + ext;
}

std::optional<std::int64_t> Segment::parseLogFileName(std::string_view name)
{
    constexpr std::size_t kDigits = 20;
    if (name.size() != kDigits + 4 || name.substr(kDigits) != ".log")
        return std::nullopt;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + kDigits, value);
    if (ec != std::errc() || end != name.data() + kDigits || value < 0)
        return std::nullopt;
    return value;
}

Status Segment::writeIndexFiles(FileSystem &fs) const
{
    KAPPA_RETURN_IF_ERROR(writeFileAtomically(fs, m_indexPath, index.serializeOffsetIndex()));
    return writeFileAtomically(fs, m_timeIndexPath, index.serializeTimeIndex());
}

Status Segment::removeFiles(FileSystem &fs) const
{
    KAPPA_RETURN_IF_ERROR(fs.removeFile(m_logPath));
    for (const std::string *path : {&m_indexPath, &m_timeIndexPath}) {
        if (fs.exists(*path))
            KAPPA_RETURN_IF_ERROR(fs.removeFile(*path));
    }
    return Status::ok();
}

Status readSegmentRecords(const Segment &segment, std::uint64_t position, std::int64_t positionOffset,
                          std::uint64_t bound, std::int64_t from, std::int64_t end, std::size_t maxBytes,
                          RecordBatch &batch)
{
    std::string &buffer = batch.buffer();
    auto &records = batch.records();
    records.clear();
    const std::size_t available = static_cast<std::size_t>(bound - position);
    std::size_t filled = std::min(available, std::max(maxBytes, kMinReadBytes) + kMinReadBytes);
    KAPPA_RETURN_IF_ERROR(extendBuffer(segment, position, buffer, 0, filled));

    std::size_t cursor = 0;
    std::size_t payload = 0;
    std::int64_t expected = positionOffset;
    std::string why;
    while (cursor < available && expected < end && !(payload >= maxBytes && !records.empty())) {
        if (filled - cursor < kBatchHeaderSize) {
            if (!records.empty())
                break;
            const std::size_t newFilled = std::min(available, cursor + kMinReadBytes);
            KAPPA_RETURN_IF_ERROR(extendBuffer(segment, position, buffer, filled, newFilled));
            filled = newFilled;
        }
        BatchHeader header;
        if (decodeBatchHeader(std::string_view(buffer.data() + cursor, filled - cursor), &header, &why)
            != DecodeResult::Ok)
            return corruptionAt(segment, position + cursor, why);
        if (header.size > available - cursor)
            return corruptionAt(segment, position + cursor, "batch extends past the durable end");
        if (header.baseOffset != expected)
            return corruptionAt(segment, position + cursor,
                                "expected offset " + std::to_string(expected) + ", found "
                                    + std::to_string(header.baseOffset));
        if (header.size > filled - cursor) {
            if (!records.empty())
                break; // the views point into the buffer: do not grow it now
            KAPPA_RETURN_IF_ERROR(extendBuffer(segment, position, buffer, filled, cursor + header.size));
            filled = cursor + header.size;
        }
        const bool ok = decodeBatchRecords(
            std::string_view(buffer.data() + cursor, header.size), header, &why,
            [&](std::uint32_t i, std::string_view key, std::string_view value) {
                const std::int64_t offset = header.baseOffset + i;
                if (offset < from || offset >= end || (payload >= maxBytes && !records.empty()))
                    return;
                records.push_back(RecordView{Offset(offset), WallTime(header.appendTime), key, value});
                payload += key.size() + value.size();
            });
        if (!ok) {
            records.clear();
            return corruptionAt(segment, position + cursor, why);
        }
        expected = header.nextOffset();
        cursor += header.size;
    }
    buffer.resize(filled);
    batch.setNextOffset(records.empty() ? Offset(from) : records.back().offset + 1);
    return Status::ok();
}

Result<std::optional<std::int64_t>> findTimeInSegment(const Segment &segment, std::uint64_t position,
                                                      std::int64_t positionOffset, std::uint64_t bound,
                                                      std::int64_t t)
{
    std::string buffer;
    std::int64_t expected = positionOffset;
    std::string why;
    while (position < bound) {
        char head[kBatchHeaderSize];
        std::size_t got = 0;
        KAPPA_RETURN_IF_ERROR(segment.reader().read(position, sizeof head, head, &got));
        BatchHeader header;
        if (decodeBatchHeader(std::string_view(head, got), &header, &why) != DecodeResult::Ok)
            return corruptionAt(segment, position, why);
        if (header.baseOffset != expected || header.size > bound - position)
            return corruptionAt(segment, position, "batch offset or size does not continue the segment");
        if (header.appendTime >= t) {
            buffer.resize(header.size);
            KAPPA_RETURN_IF_ERROR(segment.reader().read(position, header.size, buffer.data(), &got));
            if (got != header.size || !verifyBatch(buffer, header, &why))
                return corruptionAt(segment, position, got != header.size ? "file ends early" : why);
            return std::optional<std::int64_t>(header.baseOffset);
        }
        expected = header.nextOffset();
        position += header.size;
    }
    return std::optional<std::int64_t>();
}

} // namespace kappa::log
