#include "metrics/rate_meter.h"

#include <algorithm>

namespace kappa::metrics {

RateMeter::RateMeter(std::int64_t slotMillis, int slotCount)
    : m_slotMillis(std::max<std::int64_t>(slotMillis, 1))
    , m_slots(static_cast<std::size_t>(std::max(slotCount, 1)) + 1, 0)
{}

std::int64_t RateMeter::slotOf(WallTime t) const
{
    // Floor division, so times before the epoch (tests, odd clocks) still work.
    const std::int64_t v = t.value();
    return v >= 0 ? v / m_slotMillis : -((-v + m_slotMillis - 1) / m_slotMillis);
}

void RateMeter::add(WallTime now, std::uint64_t events)
{
    std::lock_guard lock(m_mutex);
    const auto ringSize = static_cast<std::int64_t>(m_slots.size());
    if (!m_started) {
        m_started = true;
        m_newestTime = now;
        m_newestSlot = slotOf(now);
    } else if (now > m_newestTime) {
        const std::int64_t slot = slotOf(now);
        // Zero the slots skipped since the newest data; they are reused from the ring.
        const std::int64_t gap = std::min(slot - m_newestSlot, ringSize);
        for (std::int64_t i = 1; i <= gap; ++i)
            m_slots[static_cast<std::size_t>((((m_newestSlot + i) % ringSize) + ringSize) % ringSize)] = 0;
        m_newestSlot = slot;
        m_newestTime = now;
    }
    const auto index = static_cast<std::size_t>(((m_newestSlot % ringSize) + ringSize) % ringSize);
    m_slots[index] += events;
    m_total += events;
}

std::uint64_t RateMeter::countIn(std::int64_t slot) const
{
    const auto ringSize = static_cast<std::int64_t>(m_slots.size());
    if (!m_started || slot > m_newestSlot || slot <= m_newestSlot - ringSize)
        return 0;
    return m_slots[static_cast<std::size_t>(((slot % ringSize) + ringSize) % ringSize)];
}

double RateMeter::ratePerSecond(WallTime now, std::int64_t windowMillis) const
{
    std::lock_guard lock(m_mutex);
    if (!m_started)
        return 0.0;
    now = std::max(now, m_newestTime);
    const auto maxSlots = static_cast<std::int64_t>(m_slots.size()) - 1;
    const std::int64_t k = std::clamp((windowMillis + m_slotMillis / 2) / m_slotMillis, std::int64_t(1),
                                      maxSlots);
    const std::int64_t current = slotOf(now);
    // The window (now - k slots, now] covers the elapsed part of the current
    // slot, k-1 whole slots, and the rest of the slot before those.
    const double elapsed = static_cast<double>(now.value() - current * m_slotMillis)
                           / static_cast<double>(m_slotMillis);
    double events = 0.0;
    for (std::int64_t slot = current - k + 1; slot <= current; ++slot)
        events += static_cast<double>(countIn(slot));
    events += (1.0 - elapsed) * static_cast<double>(countIn(current - k));
    return events * 1000.0 / static_cast<double>(k * m_slotMillis);
}

std::uint64_t RateMeter::total() const
{
    std::lock_guard lock(m_mutex);
    return m_total;
}

} // namespace kappa::metrics
