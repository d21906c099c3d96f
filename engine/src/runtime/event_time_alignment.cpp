#include "runtime/event_time_alignment.h"

namespace kappa::runtime {

EventTimeAlignment::EventTimeAlignment(int members, std::int64_t maxSkewMs)
    : m_count(members)
    , m_maxSkewMs(maxSkewMs)
    , m_members(new Member[static_cast<std::size_t>(members)])
{}

void EventTimeAlignment::report(int member, std::optional<std::int64_t> maxEventTimeMs, bool atEnd)
{
    Member &m = m_members[static_cast<std::size_t>(member)];
    if (maxEventTimeMs)
        m.maxEventTimeMs.store(*maxEventTimeMs, std::memory_order_relaxed);
    m.atEnd.store(atEnd, std::memory_order_relaxed);
}

bool EventTimeAlignment::shouldWait(int member) const
{
    const std::int64_t mine = m_members[static_cast<std::size_t>(member)].maxEventTimeMs.load(
        std::memory_order_relaxed);
    if (mine == std::numeric_limits<std::int64_t>::min())
        return false; // nothing read yet: certainly not ahead
    for (int i = 0; i < m_count; ++i) {
        const Member &other = m_members[static_cast<std::size_t>(i)];
        if (i == member || other.atEnd.load(std::memory_order_relaxed))
            continue;
        const std::int64_t theirs = other.maxEventTimeMs.load(std::memory_order_relaxed);
        // mine - theirs > skew, without overflow (theirs may be the minimum value).
        if (theirs<mine &&static_cast<std::uint64_t>(mine)
                   - static_cast<std::uint64_t>(theirs)> static_cast<std::uint64_t>(m_maxSkewMs))
            return true;
    }
    return false;
}

} // namespace kappa::runtime
