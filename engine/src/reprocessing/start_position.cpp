#include "reprocessing/start_position.h"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace kappa::reprocessing {
namespace {

std::optional<std::int64_t> parseInteger(std::string_view text)
{
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<std::int64_t> durationMs(std::string_view text)
{
    if (text.size() < 2)
        return std::nullopt;
    const char unit = text.back();
    const std::optional<std::int64_t> count = parseInteger(text.substr(0, text.size() - 1));
    if (!count || *count <= 0 || *count > 100'000)
        return std::nullopt;
    switch (unit) {
    case 'd': return *count * 86'400'000;
    case 'h': return *count * 3'600'000;
    case 'm': return *count * 60'000;
    case 's': return *count * 1'000;
    default: return std::nullopt;
    }
}

// "YYYY-MM-DDTHH:MM:SSZ" (optionally with milliseconds ".mmm") as UTC.
std::optional<std::int64_t> isoTimeMs(const std::string &text)
{
    std::tm tm{};
    int millis = 0;
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed)
            != 6
        || consumed < 19)
        return std::nullopt;
    std::string_view rest = std::string_view(text).substr(static_cast<std::size_t>(consumed));
    if (rest.size() == 5 && rest[0] == '.') {
        const std::optional<std::int64_t> ms = parseInteger(rest.substr(1, 3));
        if (!ms)
            return std::nullopt;
        millis = static_cast<int>(*ms);
        rest = rest.substr(4);
    }
    if (rest != "Z")
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23
        || tm.tm_min > 59 || tm.tm_sec > 60)
        return std::nullopt;
    return static_cast<std::int64_t>(timegm(&tm)) * 1000 + millis;
}

} // namespace

Result<StartPosition> parseStartPosition(std::string_view text, WallTime now)
{
    StartPosition start;
    if (text.empty() || text == "earliest")
        return start;
    if (const std::optional<std::int64_t> offset = parseInteger(text)) {
        if (*offset < 0)
            return Status::invalidArgument("a start offset must not be negative, got " + std::string(text));
        start.kind = StartPosition::Kind::Offset;
        start.offset = *offset;
        return start;
    }
    if (const std::optional<std::int64_t> back = durationMs(text)) {
        start.kind = StartPosition::Kind::Time;
        start.time = WallTime(now.value() - *back);
        return start;
    }
    if (const std::optional<std::int64_t> at = isoTimeMs(std::string(text))) {
        start.kind = StartPosition::Kind::Time;
        start.time = WallTime(*at);
        return start;
    }
    return Status::invalidArgument("cannot start a replay from '" + std::string(text)
                                   + "': use earliest, an offset (12345), a UTC time (2026-11-20T08:00:00Z) "
                                     "or a duration back from now (90d, 12h, 30m, 45s)");
}

Result<std::vector<Offset>> resolveStartOffsets(EventLog &log, const std::string &topic,
                                                const StartPosition &start)
{
    KAPPA_ASSIGN_OR_RETURN(TopicConfig config, log.describeTopic(topic));
    std::vector<Offset> offsets;
    for (std::int32_t p = 0; p < config.partitions; ++p) {
        KAPPA_ASSIGN_OR_RETURN(PartitionInfo info, log.partitionInfo(topic, PartitionId(p)));
        Offset offset = info.startOffset;
        if (start.kind == StartPosition::Kind::Offset) {
            offset = Offset(std::clamp(start.offset, info.startOffset.value(), info.endOffset.value()));
        } else if (start.kind == StartPosition::Kind::Time) {
            KAPPA_ASSIGN_OR_RETURN(offset, log.offsetForTime(topic, PartitionId(p), start.time));
        }
        offsets.push_back(std::max(offset, info.startOffset));
    }
    return offsets;
}

} // namespace kappa::reprocessing
