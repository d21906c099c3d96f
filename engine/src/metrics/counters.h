// Counter and Gauge: single values behind relaxed atomics, for totals
// (events processed, late events dropped) and levels (lag, state size).
//
// Threading: every method may be called from any thread at any time; values
// are independent, so relaxed ordering is enough (a reader may see two
// counters at slightly different moments).
#pragma once

#include <atomic>
#include <cstdint>

namespace kappa::metrics {

// A monotonic total, exported as a Prometheus `_total` counter.
class Counter
{
public:
    void add(std::uint64_t n = 1) { m_value.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> m_value{0};
};

// A level that goes up and down.
class Gauge
{
public:
    void set(double value) { m_value.store(value, std::memory_order_relaxed); }
    // Thread-safe from several writers (compare-and-swap loop).
    void add(double delta)
    {
        double current = m_value.load(std::memory_order_relaxed);
        while (!m_value.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
        }
    }
    double value() const { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<double> m_value{0.0};
};

} // namespace kappa::metrics
