// HistogramSnapshot: an immutable-by-convention copy of a LatencyHistogram,
// the value that is merged (partitions into a job), diffed (recent window)
// and exported (percentiles, Prometheus buckets).
//
// Threading: a plain value; not synchronised. Copy it freely between threads.
#pragma once

#include "kappa/status.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace kappa::metrics {

// The Prometheus `le` bounds (microseconds) used for end-to-end latency and
// checkpoint duration: 1 ms .. 60 s, roughly 1-2.5-5 per decade.
inline constexpr std::int64_t kDefaultPrometheusBoundsMicros[] = {
    1'000,   2'500,     5'000,     10'000,    25'000,     50'000,     100'000,    250'000,
    500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000, 30'000'000, 60'000'000,
};

// Log-spaced bounds (microseconds) for charts with a logarithmic axis, such
// as kappad's per-version latency_histogram: 1-2-5 per decade from 0.1 ms to
// 2000 s, then one hour, where the fine layout ends (buckets::kMaxValue).
// The Prometheus bounds above are too coarse for that: nothing below 1 ms or
// above 60 s, and 10-30-60 s breaks the even spacing.
inline constexpr std::int64_t kLogScaleBoundsMicros[] = {
    100,         200,         500,         1'000,         2'000,         5'000,
    10'000,      20'000,      50'000,      100'000,       200'000,       500'000,
    1'000'000,   2'000'000,   5'000'000,   10'000'000,    20'000'000,    50'000'000,
    100'000'000, 200'000'000, 500'000'000, 1'000'000'000, 2'000'000'000, 3'600'000'000,
};

// One bucket of a coarse histogram with per-bucket (not cumulative) counts.
struct CoarseBucket
{
    std::optional<std::int64_t> upperBoundMicros; // nullopt: the overflow, above the last bound
    std::uint64_t count = 0;                      // the values in this bucket alone
};

// A Prometheus histogram sample, in base units (seconds), ready for a text
// exposition or prometheus-cpp's ClientMetric::Histogram.
struct PrometheusHistogram
{
    struct Bucket
    {
        double upperBoundSeconds; // the `le` label; +infinity for the last bucket
        std::uint64_t cumulativeCount;
    };
    std::vector<Bucket> buckets; // increasing bounds, cumulative counts, last is +Inf == sampleCount
    std::uint64_t sampleCount = 0;
    double sampleSumSeconds = 0.0;
};

class HistogramSnapshot
{
public:
    // An empty snapshot (count 0).
    HistogramSnapshot();

    // Values recorded, including overflow.
    std::uint64_t count() const { return m_count; }
    // Values above buckets::kMaxValue (one hour); they have no bucket.
    std::uint64_t overflowCount() const { return m_overflow; }
    // Exact smallest and largest recorded values (microseconds); 0 when empty.
    // For a snapshot made by since() they are estimates with the percentile
    // error bound (bucket midpoints kept within the later snapshot's extremes).
    std::int64_t min() const { return m_count ? m_min : 0; }
    std::int64_t max() const { return m_count ? m_max : 0; }
    // Sum of recorded values in microseconds and their mean (0 when empty).
    double sum() const { return m_sum; }
    double mean() const { return m_count ? m_sum / static_cast<double>(m_count) : 0.0; }

    // The q-quantile, q in [0, 1] (clamped), by the nearest-rank definition:
    // the rank()-th smallest value. The first and last ranks return min() and
    // max(); others the midpoint of their bucket clamped to [min, max], which
    // is within buckets::kMidpointRelativeError (1/256) of the exact value. If the rank falls into the overflow, max()
    // is returned and the bound does not hold. 0 when empty.
    std::int64_t percentile(double q) const;

    // The 1-based nearest rank of quantile q among `count` values: ceil(q * count),
    // at least 1, at most count. Tolerates rounding in q * count (0.999 * 1000 is 999).
    static std::uint64_t rank(double q, std::uint64_t count);

    // Adds another snapshot's values, as if both sets had been recorded into one histogram.
    void merge(const HistogramSnapshot &other);

    // The values recorded after `earlier` and up to this snapshot. `earlier`
    // must be an older snapshot of the same histogram with no reset between;
    // otherwise counts that would go negative are taken as 0.
    HistogramSnapshot since(const HistogramSnapshot &earlier) const;

    // Cumulative counts for the given strictly increasing `le` bounds in
    // microseconds, each in (0, buckets::kMaxValue], plus +Inf. A value v is
    // counted under bound b when the fine bucket holding v starts at or below
    // b: no value <= b is ever missed, and values up to one bucket width
    // (< 1/128 relative) above b may be included. InvalidArgument for bad bounds.
    Result<PrometheusHistogram> toPrometheus(
        std::span<const std::int64_t> upperBoundsMicros = kDefaultPrometheusBoundsMicros) const;

    // The same bucketing as toPrometheus (same bounds rule, same errors), but
    // each bucket counts only its own values, and a last bucket without a
    // bound holds those above the last bound (with the default bounds: the
    // overflow beyond one hour). The counts sum to count(). A percentile()
    // lies in the bucket holding its rank, give or take the fine bucket's
    // width (1/128 relative) above that bucket's bound.
    Result<std::vector<CoarseBucket>> coarseBuckets(
        std::span<const std::int64_t> upperBoundsMicros = kLogScaleBoundsMicros) const;

    // Per-bucket counts, indexed as in histogram_buckets.h.
    const std::vector<std::uint64_t> &bucketCounts() const { return m_buckets; }

private:
    friend class LatencyHistogram;

    std::vector<std::uint64_t> m_buckets;
    std::uint64_t m_count = 0;
    std::uint64_t m_overflow = 0;
    std::int64_t m_min = 0;
    std::int64_t m_max = 0;
    double m_sum = 0.0;
};

} // namespace kappa::metrics
