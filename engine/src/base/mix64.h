// mix64: SplitMix64's finaliser, a bijective 64-bit mix whose every input bit
// reaches every output bit. The sample generator derives stable per-entity
// attributes from ids with it; hash tables keyed by ids use it to spread them.
#pragma once

#include <cstdint>

namespace kappa::base {

constexpr std::uint64_t mix64(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

} // namespace kappa::base
