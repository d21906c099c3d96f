// Payloads of the crash test: a deterministic function of (partition,
// offset) that also checks itself, so the verifier can tell a misplaced,
// torn or foreign record from the one the writer appended there.
#pragma once

#include "base/crc32c.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace kappa::crashtest {

inline constexpr const char *kTopic = "crash";
inline constexpr int kPartitions = 3;

// "<partition>:<offset>:<filler>:<crc32c of what precedes, 8 hex digits>"
inline std::string payload(int partition, std::int64_t offset)
{
    std::string text = std::to_string(partition) + ":" + std::to_string(offset) + ":";
    const auto fill = static_cast<std::size_t>((offset * 2654435761u + partition) % 180);
    for (std::size_t i = 0; i < fill; ++i)
        text.push_back(static_cast<char>('a' + (offset + std::int64_t(i)) % 26));
    char crc[16];
    std::snprintf(crc, sizeof crc, ":%08x", base::crc32c(text));
    return text + crc;
}

} // namespace kappa::crashtest
