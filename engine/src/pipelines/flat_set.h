// FlatInt64Set: a set of int64 in one open-addressing array (linear probing,
// at most half full). Inserting costs no allocation per value, unlike
// std::set's node per value, and stays O(1) for hostile inputs with many
// values, unlike a sorted vector. Iteration order is unspecified: callers
// that encode or render the values sort them first (sortedValues()).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace kappa::pipelines {

class FlatInt64Set
{
public:
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }

    // True if value was not in the set yet.
    bool insert(std::int64_t value)
    {
        if (value == kEmpty) {
            // The marker of free slots is stored as a flag instead.
            if (m_hasEmptyValue)
                return false;
            m_hasEmptyValue = true;
            ++m_size;
            return true;
        }
        if ((m_size + 1) * 2 > m_slots.size())
            grow();
        std::int64_t &slot = m_slots[probe(m_slots, value)];
        if (slot == value)
            return false;
        slot = value;
        ++m_size;
        return true;
    }

    bool contains(std::int64_t value) const
    {
        if (value == kEmpty)
            return m_hasEmptyValue;
        return !m_slots.empty() && m_slots[probe(m_slots, value)] == value;
    }

    // The values in ascending order.
    std::vector<std::int64_t> sortedValues() const
    {
        std::vector<std::int64_t> values;
        values.reserve(m_size);
        if (m_hasEmptyValue)
            values.push_back(kEmpty);
        for (std::int64_t v : m_slots) {
            if (v != kEmpty)
                values.push_back(v);
        }
        std::sort(values.begin(), values.end());
        return values;
    }

    // Set equality, whatever the insertion order and table size.
    bool operator==(const FlatInt64Set &other) const
    {
        if (m_size != other.m_size || m_hasEmptyValue != other.m_hasEmptyValue)
            return false;
        return std::all_of(m_slots.begin(), m_slots.end(),
                           [&](std::int64_t v) { return v == kEmpty || other.contains(v); });
    }

private:
    static constexpr std::int64_t kEmpty = std::numeric_limits<std::int64_t>::min();

    // The slot holding value or the free slot where its probe ends.
    static std::size_t probe(const std::vector<std::int64_t> &slots, std::int64_t value)
    {
        const std::size_t mask = slots.size() - 1;
        // Session ids are often sequential: a multiplicative hash spreads them.
        std::size_t i = static_cast<std::size_t>((static_cast<std::uint64_t>(value) * 0x9e3779b97f4a7c15ull)
                                                 >> 32)
                        & mask;
        while (slots[i] != kEmpty && slots[i] != value)
            i = (i + 1) & mask;
        return i;
    }

    void grow()
    {
        std::vector<std::int64_t> bigger(std::max<std::size_t>(8, m_slots.size() * 2), kEmpty);
        for (std::int64_t v : m_slots) {
            if (v != kEmpty)
                bigger[probe(bigger, v)] = v;
        }
        m_slots.swap(bigger);
    }

    std::vector<std::int64_t> m_slots; // power-of-two size or empty; kEmpty marks a free slot
    std::size_t m_size = 0;            // values, kEmpty included
    bool m_hasEmptyValue = false;      // whether kEmpty itself is in the set
};

} // namespace kappa::pipelines
