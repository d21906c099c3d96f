#include "metrics/histogram_snapshot.h"

#include "metrics/histogram_buckets.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace kappa::metrics {

HistogramSnapshot::HistogramSnapshot()
    : m_buckets(buckets::kBucketCount, 0)
{}

std::uint64_t HistogramSnapshot::rank(double q, std::uint64_t count)
{
    if (count == 0)
        return 0;
    const double clamped = std::isnan(q) ? 0.0 : std::clamp(q, 0.0, 1.0);
    const double exact = clamped * static_cast<double>(count);
    // q*count carries rounding error (0.999 * 1000 = 999.0000000000001);
    // a true fractional part is at least 1/count away from an integer.
    const double rounded = std::ceil(exact - exact * 1e-12);
    const auto r = static_cast<std::uint64_t>(std::max(rounded, 1.0));
    return std::min(r, count);
}

std::int64_t HistogramSnapshot::percentile(double q) const
{
    if (m_count == 0)
        return 0;
    const std::uint64_t target = rank(q, m_count);
    // The extremes are known exactly; p0 and p100 need no bucket.
    if (target == 1)
        return m_min;
    if (target == m_count)
        return m_max;
    std::uint64_t cumulative = 0;
    for (int i = 0; i < buckets::kBucketCount; ++i) {
        cumulative += m_buckets[i];
        if (cumulative >= target) {
            // The exact extremes are better than a midpoint when they are tighter.
            std::int64_t value = buckets::midpointAt(i);
            value = std::min(value, m_max);
            return std::max(value, m_min);
        }
    }
    return m_max; // the rank lies in the overflow
}

void HistogramSnapshot::merge(const HistogramSnapshot &other)
{
    if (other.m_count == 0)
        return;
    for (int i = 0; i < buckets::kBucketCount; ++i)
        m_buckets[i] += other.m_buckets[i];
    m_min = m_count ? std::min(m_min, other.m_min) : other.m_min;
    m_max = m_count ? std::max(m_max, other.m_max) : other.m_max;
    m_count += other.m_count;
    m_overflow += other.m_overflow;
    m_sum += other.m_sum;
}

HistogramSnapshot HistogramSnapshot::since(const HistogramSnapshot &earlier) const
{
    const auto minus = [](std::uint64_t a, std::uint64_t b) { return a > b ? a - b : 0; };
    HistogramSnapshot diff;
    int first = -1;
    int last = -1;
    for (int i = 0; i < buckets::kBucketCount; ++i) {
        const std::uint64_t n = minus(m_buckets[i], earlier.m_buckets[i]);
        diff.m_buckets[i] = n;
        diff.m_count += n;
        if (n) {
            first = first < 0 ? i : first;
            last = i;
        }
    }
    diff.m_overflow = minus(m_overflow, earlier.m_overflow);
    diff.m_count += diff.m_overflow;
    if (diff.m_count == 0)
        return diff;
    diff.m_sum = std::max(m_sum - earlier.m_sum, 0.0);
    // The interval's exact extremes are unknown: estimate them like
    // percentiles, by the midpoints of the outermost non-empty buckets, kept
    // within this snapshot's exact extremes (which bound every value).
    const auto estimate = [this](std::int64_t v) { return std::max(std::min(v, m_max), m_min); };
    diff.m_min = first >= 0 ? estimate(buckets::midpointAt(first)) : m_max;
    diff.m_max = diff.m_overflow ? m_max : estimate(buckets::midpointAt(last));
    return diff;
}

Result<PrometheusHistogram> HistogramSnapshot::toPrometheus(
    std::span<const std::int64_t> upperBoundsMicros) const
{
    std::int64_t previous = 0;
    for (const std::int64_t bound : upperBoundsMicros) {
        if (bound <= previous || bound > buckets::kMaxValue)
            return Status::invalidArgument("histogram bound " + std::to_string(bound)
                                           + " us is not increasing within (0, 3600 s]");
        previous = bound;
    }
    PrometheusHistogram out;
    out.sampleCount = m_count;
    out.sampleSumSeconds = m_sum / 1e6;
    out.buckets.reserve(upperBoundsMicros.size() + 1);
    std::uint64_t cumulative = 0;
    int next = 0;
    for (const std::int64_t bound : upperBoundsMicros) {
        while (next < buckets::kBucketCount && buckets::lowestValueAt(next) <= bound)
            cumulative += m_buckets[next++];
        out.buckets.push_back({static_cast<double>(bound) / 1e6, cumulative});
    }
    out.buckets.push_back({std::numeric_limits<double>::infinity(), m_count});
    return out;
}

Result<std::vector<CoarseBucket>> HistogramSnapshot::coarseBuckets(
    std::span<const std::int64_t> upperBoundsMicros) const
{
    static_assert(std::size(kLogScaleBoundsMicros) > 0
                  && kLogScaleBoundsMicros[std::size(kLogScaleBoundsMicros) - 1] == buckets::kMaxValue);
    // One bucketing rule for both exports: these are toPrometheus's buckets, de-cumulated.
    KAPPA_ASSIGN_OR_RETURN(const PrometheusHistogram cumulative, toPrometheus(upperBoundsMicros));
    std::vector<CoarseBucket> out;
    out.reserve(cumulative.buckets.size());
    std::uint64_t below = 0;
    for (std::size_t i = 0; i < cumulative.buckets.size(); ++i) {
        CoarseBucket bucket;
        if (i < upperBoundsMicros.size())
            bucket.upperBoundMicros = upperBoundsMicros[i];
        bucket.count = cumulative.buckets[i].cumulativeCount - below;
        below = cumulative.buckets[i].cumulativeCount;
        out.push_back(bucket);
    }
    return out;
}

} // namespace kappa::metrics
