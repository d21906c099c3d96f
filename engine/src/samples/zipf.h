// ZipfSampler: ranks 1..n with P(k) proportional to k^-s, in O(1) time and
// memory per draw by rejection-inversion (Hörmann and Derflinger, "Rejection-
// inversion to generate variates from monotone discrete distributions", 1996).
// A CDF table would need 8 MB and a cache-missing binary search for a million
// users; this needs two or three libm calls and accepts about 99% of first tries.
#pragma once

#include "samples/prng.h"

#include <cstdint>

namespace kappa::samples {

class ZipfSampler
{
public:
    // n >= 1, exponent > 0 (checked by the caller's config validation).
    ZipfSampler(std::int64_t n, double exponent);

    std::int64_t size() const { return m_n; }
    double exponent() const { return m_exponent; }

    // A rank in [1, n]; rank 1 is the most likely.
    std::int64_t sample(Xoshiro256 &rng) const;

    // P(rank == k), computed directly; for tests.
    double probability(std::int64_t k) const;

private:
    double h(double x) const;
    double hIntegral(double x) const;
    double hIntegralInverse(double x) const;

    std::int64_t m_n;
    double m_exponent;
    double m_hIntegralX1;
    double m_hIntegralN;
    double m_squeeze;
};

} // namespace kappa::samples
