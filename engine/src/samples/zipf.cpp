#include "samples/zipf.h"

#include <cmath>

namespace kappa::samples {
namespace {

// log1p(x) / x, accurate near 0 where the quotient loses precision.
double log1pOverX(double x)
{
    if (std::abs(x) > 1e-8)
        return std::log1p(x) / x;
    return 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}

// expm1(x) / x, accurate near 0.
double expm1OverX(double x)
{
    if (std::abs(x) > 1e-8)
        return std::expm1(x) / x;
    return 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
}

} // namespace

ZipfSampler::ZipfSampler(std::int64_t n, double exponent)
    : m_n(n)
    , m_exponent(exponent)
{
    // The hat covers rank k with [k - 0.5, k + 0.5]; rank 1 is special-cased
    // so the hat's area starts at H(1.5) - h(1).
    m_hIntegralX1 = hIntegral(1.5) - 1.0;
    m_hIntegralN = hIntegral(static_cast<double>(n) + 0.5);
    // Every x within this distance below its rounded rank k >= 2 is accepted
    // without evaluating H again (the squeeze of the paper).
    m_squeeze = 2.0 - hIntegralInverse(hIntegral(2.5) - h(2.0));
}

std::int64_t ZipfSampler::sample(Xoshiro256 &rng) const
{
    for (;;) {
        // u is uniform in (m_hIntegralX1, m_hIntegralN].
        const double u = m_hIntegralN + rng.uniform() * (m_hIntegralX1 - m_hIntegralN);
        const double x = hIntegralInverse(u);
        auto k = static_cast<std::int64_t>(x + 0.5);
        if (k < 1)
            k = 1;
        else if (k > m_n)
            k = m_n;
        const auto kd = static_cast<double>(k);
        if (kd - x <= m_squeeze || u >= hIntegral(kd + 0.5) - h(kd))
            return k;
    }
}

double ZipfSampler::probability(std::int64_t k) const
{
    if (k < 1 || k > m_n)
        return 0.0;
    double norm = 0.0;
    for (std::int64_t i = m_n; i >= 1; --i)
        norm += h(static_cast<double>(i));
    return h(static_cast<double>(k)) / norm;
}

// h(x) = x^-s
double ZipfSampler::h(double x) const
{
    return std::exp(-m_exponent * std::log(x));
}

// H(x) = integral of h from 1 to x = (x^(1-s) - 1) / (1 - s), also for s == 1.
double ZipfSampler::hIntegral(double x) const
{
    const double logX = std::log(x);
    return expm1OverX((1.0 - m_exponent) * logX) * logX;
}

// The inverse of H.
double ZipfSampler::hIntegralInverse(double x) const
{
    double t = x * (1.0 - m_exponent);
    if (t < -1.0)
        t = -1.0; // rounding can push t just below the domain of log1p
    return std::exp(log1pOverX(t) * x);
}

} // namespace kappa::samples
