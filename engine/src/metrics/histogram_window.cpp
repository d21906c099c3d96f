#include "metrics/histogram_window.h"

#include <algorithm>

namespace kappa::metrics {

HistogramWindow::HistogramWindow(std::int64_t intervalMillis, std::int64_t windowMillis)
    : m_intervalMillis(std::max<std::int64_t>(intervalMillis, 1))
    , m_windowMillis(std::max(windowMillis, m_intervalMillis))
{}

void HistogramWindow::update(WallTime now, const HistogramSnapshot &current)
{
    std::lock_guard lock(m_mutex);
    if (m_hasLatest)
        now = std::max(now, m_latest.time);
    m_latest = Mark{now, current};
    m_hasLatest = true;
    if (m_marks.empty() || now - m_marks.back().time >= m_intervalMillis)
        m_marks.push_back(m_latest);
    // Keep at least one mark so recent() always has a base.
    while (m_marks.size() > 1 && now - m_marks.front().time > m_windowMillis)
        m_marks.pop_front();
}

HistogramSnapshot HistogramWindow::recent() const
{
    std::lock_guard lock(m_mutex);
    if (m_marks.empty())
        return {};
    return m_latest.snapshot.since(m_marks.front().snapshot);
}

std::int64_t HistogramWindow::coveredMillis() const
{
    std::lock_guard lock(m_mutex);
    return m_marks.empty() ? 0 : m_latest.time - m_marks.front().time;
}

HistogramSnapshot HistogramWindow::latest() const
{
    std::lock_guard lock(m_mutex);
    return m_hasLatest ? m_latest.snapshot : HistogramSnapshot();
}

} // namespace kappa::metrics
