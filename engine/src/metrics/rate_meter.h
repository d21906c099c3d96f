// RateMeter: events per second over sliding windows (for example the last
// 1 s, 10 s and 60 s), driven by timestamps the caller passes in; it never
// reads a clock, so tests can replay any timeline.
//
// Events are counted in fixed time slots (default 1 s, 60 of them). A rate
// over a window of k slots ending at `now` counts the current, partial slot,
// the k-1 slots before it, and the part of the slot before those that the
// window still overlaps (assuming its events were spread evenly), divided by
// the window length. A steady stream is therefore measured exactly at any
// `now`, and a stream that stops decays linearly to 0 within the window.
//
// Time moving backwards (a wall clock step) is treated as no time passing:
// events are added to the newest slot and rates are taken at the newest time.
//
// Threading: every method is thread-safe (one mutex). Call add() once per
// batch with the batch's size, not once per event.
#pragma once

#include "kappa/types.h"

#include <cstdint>
#include <mutex>
#include <vector>

namespace kappa::metrics {

class RateMeter
{
public:
    // Slots of `slotMillis` (>= 1) ms; rates over windows of up to
    // `slotCount` (>= 1) slots. Both are clamped to at least 1.
    explicit RateMeter(std::int64_t slotMillis = 1000, int slotCount = 60);

    // Counts `events` that happened at `now`.
    void add(WallTime now, std::uint64_t events = 1);

    // Events per second over the `windowMillis` ending at `now`. The window
    // is rounded to whole slots and clamped to [1 slot, slotCount slots].
    double ratePerSecond(WallTime now, std::int64_t windowMillis) const;

    // Every event ever added.
    std::uint64_t total() const;
    // The longest window a rate can be asked for.
    std::int64_t maxWindowMillis() const
    {
        return m_slotMillis * (static_cast<std::int64_t>(m_slots.size()) - 1);
    }

private:
    // Count in absolute slot `slot`, 0 if outside the retained range; caller holds the mutex.
    std::uint64_t countIn(std::int64_t slot) const;
    std::int64_t slotOf(WallTime t) const;

    const std::int64_t m_slotMillis;
    mutable std::mutex m_mutex;
    // One more slot than the longest window: the partly overlapped oldest one.
    std::vector<std::uint64_t> m_slots;
    std::int64_t m_newestSlot = 0; // absolute slot number of the newest data
    WallTime m_newestTime{0};
    bool m_started = false;
    std::uint64_t m_total = 0;
};

} // namespace kappa::metrics
