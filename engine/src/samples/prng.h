// Small, fast pseudo-random number generators whose output is fixed by their
// algorithms, so a seed gives the same sequence with every compiler and
// standard library (the std:: distributions promise no such thing).
#pragma once

#include "base/mix64.h"

#include <array>
#include <cassert>
#include <cstdint>

namespace kappa::samples {

// Used to derive stable per-entity attributes (an item's price, a user's
// country) from an id, so the catalogue needs no tables.
using base::mix64;

// SplitMix64 (Steele, Lea, Flood): seeds xoshiro's state.
class SplitMix64
{
public:
    explicit constexpr SplitMix64(std::uint64_t seed)
        : m_state(seed)
    {}

    constexpr std::uint64_t next()
    {
        const std::uint64_t value = mix64(m_state);
        m_state += 0x9e3779b97f4a7c15ULL;
        return value;
    }

private:
    std::uint64_t m_state;
};

// xoshiro256** 1.0 (Blackman, Vigna): 256-bit state, period 2^256 - 1, a few
// cycles per number.
class Xoshiro256
{
public:
    explicit constexpr Xoshiro256(std::uint64_t seed)
    {
        SplitMix64 seeder(seed);
        for (std::uint64_t &word : m_s)
            word = seeder.next();
    }

    constexpr std::uint64_t next()
    {
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    // Uniform in [0, 1) with 53 random bits.
    constexpr double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    // Uniform in [0, n) for 1 <= n <= 2^32 by multiply-shift (Lemire); the
    // bias, below n / 2^32, is irrelevant for sample data and it costs no division.
    constexpr std::uint64_t below(std::uint64_t n)
    {
        assert(n >= 1 && n <= (std::uint64_t(1) << 32));
        return ((next() >> 32) * n) >> 32;
    }

    // Uniform in [lo, hi], lo <= hi, hi - lo < 2^32.
    constexpr std::int64_t between(std::int64_t lo, std::int64_t hi)
    {
        return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
    }

    // True with probability perMille / 1000.
    constexpr bool chance(std::uint32_t perMille) { return below(1000) < perMille; }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    std::array<std::uint64_t, 4> m_s{};
};

} // namespace kappa::samples
