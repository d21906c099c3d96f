// RingSeries: the recent history of one metric, a fixed number of
// (wall time, value) samples in a ring; when full, the oldest sample is
// overwritten. For example one sample a second for the last hour is a ring
// of 3600 (56 KiB).
//
// Samples are kept in time order: append() rejects a sample older than the
// newest one, so queries can binary-search.
//
// Threading: every method is thread-safe (one mutex; sampling is once a
// second, not per event). Typically one writer (the metrics thread) and any
// number of readers (HTTP handlers, SSE).
#pragma once

#include "kappa/status.h"
#include "kappa/types.h"

#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

namespace kappa::metrics {

struct Sample
{
    WallTime time;
    double value = 0.0;

    bool operator==(const Sample &) const = default;
};

// How several samples are folded into one point by RingSeries::downsample().
enum class Downsampling {
    Mean, // the average: smooth lines for rates and sizes
    Max,  // the largest: keeps spikes visible, for lag and latency
    Min,
};

class RingSeries
{
public:
    // A ring for `capacity` samples (at least 1).
    explicit RingSeries(std::size_t capacity);

    // Adds a sample. InvalidArgument, and nothing stored, if `time` is older
    // than the newest sample (equal times are kept in order of appending).
    Status append(WallTime time, double value);

    // The samples with from <= time <= to, oldest first.
    std::vector<Sample> range(WallTime from, WallTime to) const;

    // range(from, to) reduced to at most `maxPoints` points (all samples if
    // maxPoints is 0 or not exceeded). Consecutive runs of
    // ceil(n / maxPoints) samples become one point each, carrying the run's
    // last time (so the newest point stays at the newest sample's time) and
    // the run's mean, max or min. Run-based rather than time-based buckets:
    // with the regular sampling this series is fed, they are the same, and a
    // run never mixes in an empty bucket.
    std::vector<Sample> downsample(WallTime from, WallTime to, std::size_t maxPoints, Downsampling how) const;

    // The newest sample, if any.
    std::optional<Sample> latest() const;
    std::size_t size() const;
    std::size_t capacity() const { return m_capacity; }
    void clear();

private:
    // The i-th oldest sample; caller holds the mutex.
    const Sample &at(std::size_t i) const { return m_samples[(m_head + i) % m_capacity]; }
    // The index of the first sample with time >= t (or m_size); caller holds the mutex.
    std::size_t lowerBound(WallTime t) const;
    std::size_t upperBound(WallTime t) const;

    const std::size_t m_capacity;
    mutable std::mutex m_mutex;
    std::vector<Sample> m_samples; // m_capacity slots once full
    std::size_t m_head = 0;        // index of the oldest sample
    std::size_t m_size = 0;
};

} // namespace kappa::metrics
