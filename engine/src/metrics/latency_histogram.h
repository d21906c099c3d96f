// LatencyHistogram: the live recorder of latencies in microseconds, with
// bounded relative error (log-linear buckets, see histogram_buckets.h).
//
// Threading: exactly one writer thread calls record() and reset(); any number
// of other threads may call snapshot() concurrently. record() is lock-free and
// wait-free (relaxed atomics plus one release store); it never allocates.
// A snapshot taken while the writer records is consistent enough for
// dashboards: its count is the sum of the bucket counts it read (so successive
// snapshots never see the count go down), min/max cover every value whose
// bucket it saw, and only sum/mean may include a value or two recorded while
// it was copying. Not copyable or movable (the counters are atomics); share it
// by reference or pointer for the lifetime of its task.
#pragma once

#include "metrics/histogram_buckets.h"
#include "metrics/histogram_snapshot.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>

namespace kappa::metrics {

class LatencyHistogram
{
public:
    LatencyHistogram() = default;
    LatencyHistogram(const LatencyHistogram &) = delete;
    LatencyHistogram &operator=(const LatencyHistogram &) = delete;

    // Records `times` occurrences of `micros`. Negative values (wall clocks
    // that stepped back) are recorded as 0; values above buckets::kMaxValue
    // are counted as overflow. Writer thread only.
    void record(std::int64_t micros, std::uint64_t times = 1);

    // A copy of the current state. Any thread.
    HistogramSnapshot snapshot() const;

    // Forgets everything. Writer thread only; a concurrent snapshot may see a
    // partly reset histogram, so prefer HistogramWindow for recent values.
    void reset();

private:
    std::array<std::atomic<std::uint64_t>, buckets::kBucketCount> m_buckets{};
    std::atomic<std::uint64_t> m_overflow{0};
    std::atomic<std::int64_t> m_min{std::numeric_limits<std::int64_t>::max()};
    std::atomic<std::int64_t> m_max{std::numeric_limits<std::int64_t>::min()};
    std::atomic<double> m_sum{0.0};
};

} // namespace kappa::metrics
