// Helpers shared by the metrics suites: a seeded generator with a fixed
// algorithm (so a failure reproduces on every standard library) and exact
// nearest-rank percentiles to compare the histograms against.
#pragma once

#include "metrics/histogram_snapshot.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace kappa::metrics::testing {

// SplitMix64: tiny, good enough for test data, and fully specified.
class TestRng
{
public:
    explicit TestRng(std::uint64_t seed)
        : m_state(seed)
    {}

    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    // Uniform in [0, 1) with 53 random bits.
    double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    // Uniform integer in [lo, hi].
    std::int64_t uniformInt(std::int64_t lo, std::int64_t hi)
    {
        return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
    }

    // Exponential with the given mean, by inversion.
    double exponential(double mean) { return -mean * std::log1p(-uniform01()); }

private:
    std::uint64_t m_state;
};

// The exact nearest-rank percentile of `values`, with the histogram's rank rule.
inline std::int64_t exactPercentile(std::vector<std::int64_t> values, double q)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[HistogramSnapshot::rank(q, values.size()) - 1];
}

} // namespace kappa::metrics::testing
