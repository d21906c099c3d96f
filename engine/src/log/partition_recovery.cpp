// PartitionLog::open: recovery of one partition directory. The rules are in
// FORMAT.md ("Recovery"); in short: every segment but the last must be
// wholly valid and the segments must continue each other's offsets; the last
// segment may end in a torn tail, which is truncated, but damage followed by
// a valid batch is corruption, never skipped.
#include "log/partition_log.h"
#include "log/segment_scanner.h"

#include <algorithm>

namespace kappa::log {
namespace {

bool endsWith(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Removes leftovers a crash can produce: temp files of atomic writes, index
// files whose segment was deleted by retention.
Status removeLeftovers(FileSystem &fs, const std::string &dir, const std::vector<std::string> &names,
                       const std::vector<std::int64_t> &bases)
{
    for (const std::string &name : names) {
        bool orphan = endsWith(name, ".tmp");
        for (const char *ext : {".index", ".timeindex"}) {
            if (!endsWith(name, ext))
                continue;
            const std::string stem = name.substr(0, name.size() - std::string_view(ext).size());
            const auto base = Segment::parseLogFileName(stem + ".log");
            orphan = base && !std::binary_search(bases.begin(), bases.end(), *base);
        }
        if (orphan)
            KAPPA_RETURN_IF_ERROR(fs.removeFile(dir + "/" + name));
    }
    return Status::ok();
}

// A closed segment's index from its files, if they exist and match the segment.
std::optional<SegmentIndex> loadIndex(FileSystem &fs, const Segment &segment, std::uint64_t size,
                                      std::uint32_t interval)
{
    auto offsets = readWholeFile(fs, segment.indexPath());
    auto times = readWholeFile(fs, segment.timeIndexPath());
    if (!offsets.isOk() || !times.isOk())
        return std::nullopt;
    std::string why;
    return SegmentIndex::parse(*offsets, *times, segment.baseOffset(), size, interval, &why);
}

} // namespace

Result<std::unique_ptr<PartitionLog>> PartitionLog::open(LogContext &context, const std::string &topic,
                                                         PartitionId id, const std::string &dir)
{
    std::unique_ptr<PartitionLog> partition(new PartitionLog(context, topic, id, dir));
    KAPPA_RETURN_IF_ERROR(partition->recover().withContext("recovering " + partition->name()));
    return partition;
}

Status PartitionLog::recover()
{
    FileSystem &fs = m_context.fs;
    const bool readOnly = m_context.options.readOnly;
    KAPPA_ASSIGN_OR_RETURN(std::vector<std::string> names, fs.listDir(m_dir));
    std::vector<std::int64_t> bases;
    for (const std::string &name : names) {
        if (auto base = Segment::parseLogFileName(name))
            bases.push_back(*base);
    }
    std::sort(bases.begin(), bases.end());
    if (!readOnly)
        KAPPA_RETURN_IF_ERROR(removeLeftovers(fs, m_dir, names, bases));

    std::int64_t expectedBase = bases.empty() ? 0 : bases.front();
    for (std::size_t i = 0; i < bases.size(); ++i) {
        KAPPA_RETURN_IF_ERROR(
            recoverSegment(bases[i], i + 1 == bases.size(), i == 0 ? bases[i] : expectedBase));
        expectedBase = m_segments.back()->index.nextOffset();
    }
    if (m_segments.empty() && !readOnly)
        KAPPA_RETURN_IF_ERROR(createSegment(0));
    if (!m_segments.empty()) {
        m_startOffset.store(m_segments.front()->baseOffset());
        const Segment &last = *m_segments.back();
        m_nextOffset = last.index.nextOffset();
        m_durableEnd.store(m_nextOffset);
        for (auto it = m_segments.rbegin(); it != m_segments.rend(); ++it) {
            if (auto time = (*it)->index.lastTime()) {
                m_lastAppendTime = *time;
                m_durableLastTime.store(*time);
                m_hasDurableTime.store(true);
                break;
            }
        }
    }
    return Status::ok();
}

Status PartitionLog::recoverSegment(std::int64_t base, bool last, std::int64_t expectedBase)
{
    FileSystem &fs = m_context.fs;
    const LocalLogOptions &options = m_context.options;
    const std::string path = m_dir + "/" + Segment::fileName(base, ".log");
    if (base != expectedBase)
        return Status::corruption("segment " + path + " starts at offset " + std::to_string(base)
                                  + " but the previous segment ends at offset "
                                  + std::to_string(expectedBase));
    KAPPA_ASSIGN_OR_RETURN(auto reader, fs.openReadable(path));
    KAPPA_ASSIGN_OR_RETURN(std::uint64_t size, reader->size());
    auto segment = std::make_shared<Segment>(m_dir, SegmentIndex(base, options.indexIntervalBytes),
                                             std::move(reader));
    std::optional<SegmentIndex> stored;
    if (!last)
        stored = loadIndex(fs, *segment, size, options.indexIntervalBytes);

    if (last || !stored || options.verifyOnOpen) {
        KAPPA_ASSIGN_OR_RETURN(SegmentScan scan,
                               scanSegment(segment->reader(), base, size, options.indexIntervalBytes));
        if (!scan.clean) {
            const std::string where = "segment " + path + " at byte " + std::to_string(scan.invalidAt)
                                      + " (offset " + std::to_string(scan.index.nextOffset())
                                      + "): " + scan.why;
            if (!last)
                return Status::corruption(where + "; only the tail of the last segment may be cut");
            if (scan.validBatchAfter)
                return Status::corruption(where + "; a valid batch follows at byte "
                                          + std::to_string(scan.validBatchAfterAt)
                                          + ", so this is not a torn tail and nothing was truncated");
            // A torn tail: bytes of appends that were never acknowledged.
            if (!options.readOnly) {
                KAPPA_RETURN_IF_ERROR(fs.truncateFile(path, scan.invalidAt));
                m_context.counters.tailBytesTruncated.fetch_add(size - scan.invalidAt);
            }
        }
        const bool rewrite = !last && !options.readOnly
                             && (!stored
                                 || stored->serializeOffsetIndex() != scan.index.serializeOffsetIndex()
                                 || stored->serializeTimeIndex() != scan.index.serializeTimeIndex());
        segment->index = std::move(scan.index);
        if (rewrite)
            KAPPA_RETURN_IF_ERROR(segment->writeIndexFiles(fs));
    } else {
        segment->index = std::move(*stored);
    }
    segment->durableSize.store(segment->index.size());
    if (last && !options.readOnly) {
        KAPPA_ASSIGN_OR_RETURN(segment->writer, fs.openWritable(path));
        m_active = segment;
    }
    m_segments.push_back(std::move(segment));
    return Status::ok();
}

} // namespace kappa::log
