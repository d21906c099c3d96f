#include "metrics/duration_history.h"

#include "metrics/histogram_snapshot.h"

#include <algorithm>
#include <numeric>

namespace kappa::metrics {

DurationHistory::DurationHistory(std::size_t capacity)
    : m_capacity(std::max<std::size_t>(capacity, 1))
{
    m_values.reserve(m_capacity);
}

void DurationHistory::add(std::int64_t millis)
{
    std::lock_guard lock(m_mutex);
    if (m_values.size() < m_capacity) {
        m_values.push_back(millis);
    } else {
        m_values[m_next] = millis;
        m_next = (m_next + 1) % m_capacity;
    }
    ++m_total;
}

std::vector<std::int64_t> DurationHistory::values() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::int64_t> ordered;
    ordered.reserve(m_values.size());
    // Before the ring is full m_next is 0, so this is plain order.
    for (std::size_t i = 0; i < m_values.size(); ++i)
        ordered.push_back(m_values[(m_next + i) % m_values.size()]);
    return ordered;
}

DurationHistory::Stats DurationHistory::stats() const
{
    std::vector<std::int64_t> sorted = values();
    Stats s;
    if (sorted.empty())
        return s;
    s.count = sorted.size();
    s.lastMillis = sorted.back();
    s.meanMillis = static_cast<double>(std::accumulate(sorted.begin(), sorted.end(), std::int64_t(0)))
                   / static_cast<double>(sorted.size());
    std::sort(sorted.begin(), sorted.end());
    s.minMillis = sorted.front();
    s.maxMillis = sorted.back();
    // Same nearest-rank definition as the histograms.
    s.p50Millis = sorted[HistogramSnapshot::rank(0.5, sorted.size()) - 1];
    s.p99Millis = sorted[HistogramSnapshot::rank(0.99, sorted.size()) - 1];
    return s;
}

std::uint64_t DurationHistory::totalCount() const
{
    std::lock_guard lock(m_mutex);
    return m_total;
}

} // namespace kappa::metrics
