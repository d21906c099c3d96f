#include "metrics/latency_histogram.h"

#include <algorithm>

namespace kappa::metrics {

void LatencyHistogram::record(std::int64_t micros, std::uint64_t times)
{
    if (times == 0)
        return;
    const std::int64_t value = std::max<std::int64_t>(micros, 0);
    // Single writer: plain load/store pairs instead of read-modify-write
    // instructions. Extremes and sum go first and the bucket last with
    // release, so a reader that sees the count also sees the extremes.
    if (value < m_min.load(std::memory_order_relaxed))
        m_min.store(value, std::memory_order_relaxed);
    if (value > m_max.load(std::memory_order_relaxed))
        m_max.store(value, std::memory_order_relaxed);
    const double added = static_cast<double>(value) * static_cast<double>(times);
    m_sum.store(m_sum.load(std::memory_order_relaxed) + added, std::memory_order_relaxed);
    std::atomic<std::uint64_t> &counter = value > buckets::kMaxValue ? m_overflow
                                                                     : m_buckets[buckets::indexOf(value)];
    counter.store(counter.load(std::memory_order_relaxed) + times, std::memory_order_release);
}

HistogramSnapshot LatencyHistogram::snapshot() const
{
    HistogramSnapshot result;
    for (int i = 0; i < buckets::kBucketCount; ++i) {
        const std::uint64_t n = m_buckets[i].load(std::memory_order_acquire);
        result.m_buckets[i] = n;
        result.m_count += n;
    }
    result.m_overflow = m_overflow.load(std::memory_order_acquire);
    result.m_count += result.m_overflow;
    // Read after the counts: they cover every value the counts include.
    result.m_min = m_min.load(std::memory_order_relaxed);
    result.m_max = m_max.load(std::memory_order_relaxed);
    result.m_sum = m_sum.load(std::memory_order_relaxed);
    if (result.m_count == 0) {
        result.m_min = 0;
        result.m_max = 0;
        result.m_sum = 0.0;
    }
    return result;
}

void LatencyHistogram::reset()
{
    for (auto &bucket : m_buckets)
        bucket.store(0, std::memory_order_relaxed);
    m_overflow.store(0, std::memory_order_relaxed);
    m_min.store(std::numeric_limits<std::int64_t>::max(), std::memory_order_relaxed);
    m_max.store(std::numeric_limits<std::int64_t>::min(), std::memory_order_relaxed);
    m_sum.store(0.0, std::memory_order_release);
}

} // namespace kappa::metrics
