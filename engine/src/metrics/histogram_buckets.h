// The bucket layout shared by LatencyHistogram and HistogramSnapshot.
//
// Log-linear, as in HdrHistogram with two significant digits: values below
// kLinearLimit (256 µs) each have their own bucket and are exact; above it,
// every power of two [2^e, 2^(e+1)) is split into kSubBuckets (128) equal
// buckets of width 2^(e-7). A bucket's width is therefore at most 1/128 of
// its lowest value, and its midpoint is within 1/256 (0.4%) of any value in it.
// The layout covers 0 .. kMaxValue (one hour in microseconds); larger values
// are counted as overflow. 3287 buckets, 26 KiB of counters per histogram.
#pragma once

#include <bit>
#include <cstdint>

namespace kappa::metrics::buckets {

inline constexpr int kSubBucketBits = 7;
inline constexpr std::int64_t kSubBuckets = std::int64_t(1) << kSubBucketBits; // 128
inline constexpr std::int64_t kLinearLimit = 2 * kSubBuckets;                  // 256
inline constexpr int kFirstLogExponent = kSubBucketBits + 1;                   // 2^8 = 256
inline constexpr std::int64_t kMaxValue = 3'600'000'000;                       // 1 h in µs

// The largest relative distance between a bucket's midpoint and a value in it.
inline constexpr double kMidpointRelativeError = 1.0 / 256.0;
// The largest bucket width relative to the bucket's lowest value.
inline constexpr double kWidthRelativeError = 1.0 / 128.0;

// Bucket index of a value in [0, kMaxValue].
constexpr int indexOf(std::int64_t value)
{
    if (value < kLinearLimit)
        return static_cast<int>(value);
    const auto v = static_cast<std::uint64_t>(value);
    const int exponent = std::bit_width(v) - 1; // >= kFirstLogExponent
    const int shift = exponent - kSubBucketBits;
    return static_cast<int>(kLinearLimit + (exponent - kFirstLogExponent) * kSubBuckets
                            + static_cast<std::int64_t>(v >> shift) - kSubBuckets);
}

// Exponent offset of a logarithmic bucket (0 for the first power of two above the linear part).
constexpr int logBlockOf(int index)
{
    return static_cast<int>((index - kLinearLimit) / kSubBuckets);
}

// The smallest value that falls into bucket `index`.
constexpr std::int64_t lowestValueAt(int index)
{
    if (index < kLinearLimit)
        return index;
    const int block = logBlockOf(index);
    const std::int64_t sub = (index - kLinearLimit) % kSubBuckets;
    return (kSubBuckets + sub) << (block + 1);
}

// The number of distinct values bucket `index` holds (a power of two).
constexpr std::int64_t widthAt(int index)
{
    return index < kLinearLimit ? 1 : std::int64_t(1) << (logBlockOf(index) + 1);
}

// The largest value that falls into bucket `index`.
constexpr std::int64_t highestValueAt(int index)
{
    return lowestValueAt(index) + widthAt(index) - 1;
}

// The value reported for a bucket: its midpoint, so the error is symmetric.
constexpr std::int64_t midpointAt(int index)
{
    return lowestValueAt(index) + widthAt(index) / 2;
}

inline constexpr int kBucketCount = indexOf(kMaxValue) + 1;

static_assert(indexOf(kLinearLimit - 1) == kLinearLimit - 1);
static_assert(indexOf(kLinearLimit) == kLinearLimit);
static_assert(lowestValueAt(indexOf(kMaxValue)) <= kMaxValue && kMaxValue <= highestValueAt(kBucketCount - 1));
static_assert(highestValueAt(kLinearLimit) == kLinearLimit + 1);

} // namespace kappa::metrics::buckets
