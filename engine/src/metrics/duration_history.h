// DurationHistory: the last N durations of something that happens now and
// then (a checkpoint, a compaction), for "last", "max" and an exact p99 over
// the recent ones, where a LatencyHistogram would be overkill.
//
// Threading: every method is thread-safe (one mutex). Statistics cost
// O(N log N) per call; N is meant to be small (hundreds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace kappa::metrics {

class DurationHistory
{
public:
    struct Stats
    {
        std::size_t count = 0; // durations held (at most the capacity)
        std::int64_t lastMillis = 0;
        std::int64_t minMillis = 0;
        std::int64_t maxMillis = 0;
        double meanMillis = 0.0;
        std::int64_t p50Millis = 0;
        std::int64_t p99Millis = 0; // nearest rank, exact over the held durations
    };

    // Holds the last `capacity` (at least 1) durations.
    explicit DurationHistory(std::size_t capacity);

    void add(std::int64_t millis);
    // All zero when empty.
    Stats stats() const;
    // The held durations, oldest first.
    std::vector<std::int64_t> values() const;
    // Every duration ever added, including those no longer held.
    std::uint64_t totalCount() const;

private:
    const std::size_t m_capacity;
    mutable std::mutex m_mutex;
    std::vector<std::int64_t> m_values; // ring once full
    std::size_t m_next = 0;             // slot of the next write once full
    std::uint64_t m_total = 0;
};

} // namespace kappa::metrics
