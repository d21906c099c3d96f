// TouchedKeys: the keys a task changed since it last wrote its rows, each with
// the position of its latest record, in first-touch order.
#pragma once

#include "base/mix64.h"
#include "kappa/types.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace kappa::pipelines {

class TouchedKeys
{
public:
    struct Touched
    {
        std::int64_t id;
        Offset position;
    };

    // Called for every event, so the index is a flat open-addressing table
    // (linear probing) instead of a node per key as in std::unordered_map.
    void touch(std::int64_t id, Offset position)
    {
        if ((m_keys.size() + 1) * 2 > m_slots.size())
            grow();
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = slotOf(id, mask);; i = (i + 1) & mask) {
            Slot &slot = m_slots[i];
            if (slot.generation != m_generation) {
                slot = {id, static_cast<std::uint32_t>(m_keys.size()), m_generation};
                m_keys.push_back({id, position});
                return;
            }
            if (slot.id == id) {
                m_keys[slot.index].position = position;
                return;
            }
        }
    }

    const std::vector<Touched> &keys() const { return m_keys; }

    // Costs nothing for the table: a slot counts only in its own generation.
    void clear()
    {
        m_keys.clear();
        if (++m_generation == 0) { // wrapped after 2^32 clears: start the table afresh
            m_slots.assign(m_slots.size(), Slot{});
            m_generation = 1;
        }
    }

private:
    struct Slot
    {
        std::int64_t id = 0;
        std::uint32_t index = 0;
        std::uint32_t generation = 0; // in use if it equals m_generation (never 0)
    };

    static std::size_t slotOf(std::int64_t id, std::size_t mask)
    {
        // Every bit of the id reaches the low bits the mask keeps, so ids that
        // differ only in high bits (or by a large stride) spread too.
        const std::uint64_t h = base::mix64(static_cast<std::uint64_t>(id));
        return static_cast<std::size_t>(h) & mask;
    }

    void grow()
    {
        std::vector<Slot> slots(m_slots.empty() ? 64 : m_slots.size() * 2);
        const std::size_t mask = slots.size() - 1;
        for (std::uint32_t index = 0; index < m_keys.size(); ++index) {
            std::size_t i = slotOf(m_keys[index].id, mask);
            while (slots[i].generation == m_generation)
                i = (i + 1) & mask;
            slots[i] = {m_keys[index].id, index, m_generation};
        }
        m_slots = std::move(slots);
    }

    std::vector<Touched> m_keys;
    std::vector<Slot> m_slots; // a power of two in size, at most half in use
    std::uint32_t m_generation = 1;
};

} // namespace kappa::pipelines
