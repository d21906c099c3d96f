// Where a replay starts reading: `--from earliest | OFFSET | TIMESTAMP | DURATION`.
//
//   earliest                 the first readable offset of every partition
//   12345                    that offset in every partition (clamped to what the partition holds)
//   2026-11-20T08:00:00Z     the first record appended at or after that UTC time
//   90d, 12h, 30m, 45s       the first record appended within that long before now
//
// Times select by append time through the log's time index (as Kafka's
// offsets-for-times does), never by event time: the start of a replay is a
// position in the log, recorded in the catalog, so a resumed or repeated
// replay reads exactly the same records.
#pragma once

#include "kappa/event_log.h"
#include "kappa/status.h"

#include <optional>
#include <string>
#include <vector>

namespace kappa::reprocessing {

struct StartPosition
{
    enum class Kind : std::uint8_t { Earliest, Offset, Time };
    Kind kind = Kind::Earliest;
    std::int64_t offset = 0; // Kind::Offset
    WallTime time;           // Kind::Time
};

// InvalidArgument naming the accepted forms for anything else.
Result<StartPosition> parseStartPosition(std::string_view text, WallTime now);
// The start offset of each partition of `topic`.
Result<std::vector<Offset>> resolveStartOffsets(EventLog &log, const std::string &topic,
                                                const StartPosition &start);

} // namespace kappa::reprocessing
