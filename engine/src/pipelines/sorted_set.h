// Sorted, distinct vectors: the distinct-value sets of window buckets
// (categories, merchants, countries). A bucket holds few values, so a vector
// beats std::set in memory and speed, and its order makes the encoding and
// every count derived from it deterministic.
#pragma once

#include "pipelines/wire.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace kappa::pipelines {

template<typename T>
void insertSorted(std::vector<T> &set, const T &value)
{
    auto it = std::lower_bound(set.begin(), set.end(), value);
    if (it == set.end() || *it != value)
        set.insert(it, value);
}

// The number of distinct values in `all` (the union of several buckets' sets).
template<typename T>
std::int64_t distinctCount(std::vector<T> all)
{
    std::sort(all.begin(), all.end());
    return std::unique(all.begin(), all.end()) - all.begin();
}

// Reads a count and that many values with `readOne` (a ByteReader getter);
// fails unless they are strictly ascending, as insertSorted keeps them.
template<typename T, typename F>
bool readSortedSet(ByteReader &r, std::vector<T> &out, F readOne)
{
    std::uint64_t n = 0;
    if (!r.getCount(n))
        return false;
    out.resize(n);
    for (T &v : out) {
        if (!readOne(r, v))
            return false;
    }
    return std::adjacent_find(out.begin(), out.end(), [](const T &a, const T &b) { return !(a < b); })
               == out.end()
           || r.fail();
}

} // namespace kappa::pipelines
