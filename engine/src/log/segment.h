// One segment: a file of consecutive record batches starting at baseOffset,
// named <baseOffset as 20 digits>.log, with its in-memory sparse index.
//
// Threading: `index` is guarded by the owning PartitionLog's state mutex
// (the sync leader modifies it under the exclusive lock, readers look up
// under the shared lock). `writer` belongs to the sync leader. `durableSize`
// is published by the leader after a sync (release) and bounds every read.
#pragma once

#include "kappa/event_log.h"
#include "kappa/file_system.h"
#include "log/segment_index.h"

#include <atomic>
#include <memory>
#include <optional>
#include <string>

namespace kappa::log {

class Segment
{
public:
    Segment(const std::string &dir, SegmentIndex index, std::unique_ptr<ReadableFile> reader);

    // "00000000000000001234.log" for base 1234 and ext ".log".
    static std::string fileName(std::int64_t baseOffset, const char *ext);
    // The base offset of a segment file name, or nullopt if `name` is not one.
    static std::optional<std::int64_t> parseLogFileName(std::string_view name);

    std::int64_t baseOffset() const { return m_baseOffset; }
    const std::string &logPath() const { return m_logPath; }
    const std::string &indexPath() const { return m_indexPath; }
    const std::string &timeIndexPath() const { return m_timeIndexPath; }
    const ReadableFile &reader() const { return *m_reader; }

    // Writes both index files atomically and durably. Only for a closed
    // segment (its index no longer changes).
    Status writeIndexFiles(FileSystem &fs) const;
    // Removes the segment file, then its index files (a crash in between
    // leaves only orphaned index files, which open() deletes).
    Status removeFiles(FileSystem &fs) const;

    SegmentIndex index;
    std::unique_ptr<WritableFile> writer;
    std::atomic<std::uint64_t> durableSize{0};

private:
    std::int64_t m_baseOffset;
    std::string m_logPath;
    std::string m_indexPath;
    std::string m_timeIndexPath;
    std::unique_ptr<ReadableFile> m_reader;
};

// Refills `batch` (keeping its buffer's memory) with records from offset
// `from` on, reading the segment from byte `position`, where the batch with
// offset `positionOffset` starts, and never past byte `bound` nor offset
// `end`. Verifies each batch's CRC and offset continuity; Corruption names
// the file and position.
Status readSegmentRecords(const Segment &segment, std::uint64_t position, std::int64_t positionOffset,
                          std::uint64_t bound, std::int64_t from, std::int64_t end, std::size_t maxBytes,
                          RecordBatch &batch);

// The base offset of the first batch at or after byte `position` (offset
// `positionOffset`) and before `bound` whose append time is >= t; nullopt if none.
Result<std::optional<std::int64_t>> findTimeInSegment(const Segment &segment, std::uint64_t position,
                                                      std::int64_t positionOffset, std::uint64_t bound,
                                                      std::int64_t t);

} // namespace kappa::log
