// EventTimeAlignment: keeps the source tasks of one job close together in
// event time. Tasks read their partitions at different speeds in a replay
// (partitions differ in size, workers in load), and an exchange downstream can
// release only what every upstream has passed (exchange.h): without
// alignment, it would buffer everything the fastest partition is ahead by.
// A member that is more than maxSkewMs of event time ahead of the slowest
// member that still has input waits (its step does nothing) until that one
// catches up or reaches the end of its input. The slowest member never waits,
// so the group always progresses. Alignment changes only scheduling, never
// output.
//
// Threading: members report and ask from their own threads (atomics).
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>

namespace kappa::runtime {

class EventTimeAlignment
{
public:
    EventTimeAlignment(int members, std::int64_t maxSkewMs);

    // Member `member`'s progress after a read: its max event time so far and
    // whether that read found the end of its input.
    void report(int member, std::optional<std::int64_t> maxEventTimeMs, bool atEnd);
    // Whether `member` should wait for the others.
    bool shouldWait(int member) const;

private:
    struct Member
    {
        std::atomic<std::int64_t> maxEventTimeMs{std::numeric_limits<std::int64_t>::min()};
        std::atomic<bool> atEnd{false};
    };
    const int m_count;
    const std::int64_t m_maxSkewMs;
    std::unique_ptr<Member[]> m_members;
};

} // namespace kappa::runtime
