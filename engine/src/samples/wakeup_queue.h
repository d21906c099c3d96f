// WakeupQueue: a 4-ary min-heap of (due time, actor index). An actor has at
// most one entry, so the keys are unique and the order in which actors wake is
// fully determined by them, never by heap internals (std::priority_queue's
// handling of ties differs between standard libraries). Four children per node
// halve the depth of a binary heap and share cache lines: with tens of
// thousands of actors the sift's cache misses are most of a step's cost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kappa::samples {

struct Wakeup
{
    std::int64_t due = 0; // true event time (ms) of the actor's next event
    std::uint32_t actor = 0;
};

class WakeupQueue
{
public:
    bool empty() const { return m_heap.empty(); }
    std::size_t size() const { return m_heap.size(); }
    const Wakeup &top() const { return m_heap.front(); }

    void push(const Wakeup &w)
    {
        m_heap.push_back(w);
        siftUp(m_heap.size() - 1);
    }

    void pop()
    {
        m_heap.front() = m_heap.back();
        m_heap.pop_back();
        if (!m_heap.empty())
            siftDown(0);
    }

    // pop() then push(w) with one sift: the common case of an actor going back to sleep.
    void replaceTop(const Wakeup &w)
    {
        m_heap.front() = w;
        siftDown(0);
    }

private:
    static constexpr std::size_t kArity = 4;

    static bool before(const Wakeup &a, const Wakeup &b)
    {
        return a.due < b.due || (a.due == b.due && a.actor < b.actor);
    }

    void siftUp(std::size_t i)
    {
        const Wakeup w = m_heap[i];
        while (i > 0) {
            const std::size_t parent = (i - 1) / kArity;
            if (!before(w, m_heap[parent]))
                break;
            m_heap[i] = m_heap[parent];
            i = parent;
        }
        m_heap[i] = w;
    }

    void siftDown(std::size_t i)
    {
        const Wakeup w = m_heap[i];
        const std::size_t n = m_heap.size();
        for (;;) {
            const std::size_t first = kArity * i + 1;
            if (first >= n)
                break;
            std::size_t best = first;
            const std::size_t last = first + kArity < n ? first + kArity : n;
            for (std::size_t c = first + 1; c < last; ++c) {
                if (before(m_heap[c], m_heap[best]))
                    best = c;
            }
            if (!before(m_heap[best], w))
                break;
            m_heap[i] = m_heap[best];
            i = best;
        }
        m_heap[i] = w;
    }

    std::vector<Wakeup> m_heap;
};

} // namespace kappa::samples
