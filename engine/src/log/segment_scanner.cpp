#include "log/segment_scanner.h"

#include <algorithm>

namespace kappa::log {
namespace {

constexpr std::size_t kScanChunk = 4u << 20;

// A read-ahead window over a file, so small header reads do not each cost a pread.
class WindowReader
{
public:
    WindowReader(const ReadableFile &file, std::uint64_t fileSize)
        : m_file(file)
        , m_fileSize(fileSize)
    {}

    // Makes [pos, pos + n) available (clipped at end of file) and returns a view of it.
    Result<std::string_view> view(std::uint64_t pos, std::size_t n)
    {
        if (pos >= m_fileSize)
            return std::string_view();
        n = static_cast<std::size_t>(std::min<std::uint64_t>(n, m_fileSize - pos));
        if (pos < m_start || pos + n > m_start + m_buffer.size()) {
            const std::size_t want = static_cast<std::size_t>(
                std::min<std::uint64_t>(std::max(n, kScanChunk), m_fileSize - pos));
            m_buffer.resize(want);
            std::size_t got = 0;
            KAPPA_RETURN_IF_ERROR(m_file.read(pos, want, m_buffer.data(), &got));
            m_buffer.resize(got);
            m_start = pos;
            n = std::min(n, got);
        }
        return std::string_view(m_buffer.data() + (pos - m_start), n);
    }

private:
    const ReadableFile &m_file;
    std::uint64_t m_fileSize;
    std::uint64_t m_start = 0;
    std::string m_buffer;
};

// Checks for a whole valid batch at pos with offset >= minOffset.
Result<bool> validBatchAt(WindowReader &reader, std::uint64_t pos, std::int64_t minOffset)
{
    KAPPA_ASSIGN_OR_RETURN(std::string_view head, reader.view(pos, kBatchHeaderSize));
    BatchHeader header;
    std::string why;
    if (decodeBatchHeader(head, &header, &why) != DecodeResult::Ok || header.baseOffset < minOffset)
        return false;
    KAPPA_ASSIGN_OR_RETURN(std::string_view whole, reader.view(pos, header.size));
    return whole.size() == header.size && verifyBatch(whole, header, &why);
}

// After damage at `from`: looks for any later valid batch (see SegmentScan).
Status searchForValidBatch(WindowReader &reader, std::uint64_t fileSize, std::uint64_t from,
                           std::int64_t minOffset, SegmentScan &scan)
{
    constexpr char kMagic[4] = {'K', 'P', 'B', '1'};
    std::uint64_t pos = from + 1;
    while (pos + kBatchHeaderSize <= fileSize) {
        KAPPA_ASSIGN_OR_RETURN(std::string_view window, reader.view(pos, kScanChunk));
        const auto hit = std::search(window.begin(), window.end(), std::begin(kMagic), std::end(kMagic));
        if (hit == window.end()) {
            // The magic may straddle the window edge: step back three bytes.
            pos += std::max<std::uint64_t>(1, window.size() > 3 ? window.size() - 3 : 1);
            continue;
        }
        const std::uint64_t candidate = pos + std::uint64_t(hit - window.begin());
        KAPPA_ASSIGN_OR_RETURN(bool valid, validBatchAt(reader, candidate, minOffset));
        if (valid) {
            scan.validBatchAfter = true;
            scan.validBatchAfterAt = candidate;
            return Status::ok();
        }
        pos = candidate + 1;
    }
    return Status::ok();
}

} // namespace

Result<SegmentScan> scanSegment(const ReadableFile &file, std::int64_t baseOffset, std::uint64_t fileSize,
                                std::uint32_t indexIntervalBytes)
{
    SegmentScan scan(SegmentIndex(baseOffset, indexIntervalBytes));
    WindowReader reader(file, fileSize);
    std::uint64_t pos = 0;
    std::int64_t expected = baseOffset;
    std::string why;
    while (pos < fileSize) {
        KAPPA_ASSIGN_OR_RETURN(std::string_view head, reader.view(pos, kBatchHeaderSize));
        BatchHeader header;
        if (decodeBatchHeader(head, &header, &why) != DecodeResult::Ok)
            break;
        if (header.size > fileSize - pos) {
            why = "incomplete batch: needs " + std::to_string(header.size) + " bytes, "
                  + std::to_string(fileSize - pos) + " left in the file";
            break;
        }
        KAPPA_ASSIGN_OR_RETURN(std::string_view whole, reader.view(pos, header.size));
        if (whole.size() != header.size) {
            why = "file shorter than its size";
            break;
        }
        if (!verifyBatch(whole, header, &why))
            break;
        if (header.baseOffset != expected) {
            why = "offset discontinuity: expected offset " + std::to_string(expected) + ", batch starts at "
                  + std::to_string(header.baseOffset);
            break;
        }
        scan.index.addBatch(pos, header);
        expected = header.nextOffset();
        pos += header.size;
    }
    if (pos < fileSize) {
        scan.clean = false;
        scan.invalidAt = pos;
        scan.why = why;
        KAPPA_RETURN_IF_ERROR(searchForValidBatch(reader, fileSize, pos, expected, scan));
    }
    return scan;
}

} // namespace kappa::log
