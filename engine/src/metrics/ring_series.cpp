#include "metrics/ring_series.h"

#include <algorithm>
#include <string>

namespace kappa::metrics {

RingSeries::RingSeries(std::size_t capacity)
    : m_capacity(std::max<std::size_t>(capacity, 1))
{
    m_samples.resize(m_capacity);
}

Status RingSeries::append(WallTime time, double value)
{
    std::lock_guard lock(m_mutex);
    if (m_size > 0 && time < at(m_size - 1).time)
        return Status::invalidArgument("sample at " + std::to_string(time.value())
                                       + " ms is older than the newest sample at "
                                       + std::to_string(at(m_size - 1).time.value()) + " ms");
    if (m_size < m_capacity) {
        m_samples[(m_head + m_size) % m_capacity] = Sample{time, value};
        ++m_size;
    } else {
        m_samples[m_head] = Sample{time, value};
        m_head = (m_head + 1) % m_capacity;
    }
    return Status::ok();
}

std::size_t RingSeries::lowerBound(WallTime t) const
{
    std::size_t lo = 0;
    std::size_t hi = m_size;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (at(mid).time < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

std::size_t RingSeries::upperBound(WallTime t) const
{
    std::size_t lo = 0;
    std::size_t hi = m_size;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (at(mid).time <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

std::vector<Sample> RingSeries::range(WallTime from, WallTime to) const
{
    std::lock_guard lock(m_mutex);
    std::vector<Sample> out;
    if (to < from)
        return out;
    const std::size_t begin = lowerBound(from);
    const std::size_t end = upperBound(to);
    out.reserve(end > begin ? end - begin : 0);
    for (std::size_t i = begin; i < end; ++i)
        out.push_back(at(i));
    return out;
}

std::vector<Sample> RingSeries::downsample(WallTime from, WallTime to, std::size_t maxPoints,
                                           Downsampling how) const
{
    std::vector<Sample> samples = range(from, to);
    if (maxPoints == 0 || samples.size() <= maxPoints)
        return samples;
    const std::size_t run = (samples.size() + maxPoints - 1) / maxPoints;
    std::vector<Sample> out;
    out.reserve(maxPoints);
    for (std::size_t begin = 0; begin < samples.size(); begin += run) {
        const std::size_t end = std::min(begin + run, samples.size());
        double folded = samples[begin].value;
        for (std::size_t i = begin + 1; i < end; ++i) {
            const double v = samples[i].value;
            switch (how) {
            case Downsampling::Mean: folded += v; break;
            case Downsampling::Max: folded = std::max(folded, v); break;
            case Downsampling::Min: folded = std::min(folded, v); break;
            }
        }
        if (how == Downsampling::Mean)
            folded /= static_cast<double>(end - begin);
        out.push_back(Sample{samples[end - 1].time, folded});
    }
    return out;
}

std::optional<Sample> RingSeries::latest() const
{
    std::lock_guard lock(m_mutex);
    if (m_size == 0)
        return std::nullopt;
    return at(m_size - 1);
}

std::size_t RingSeries::size() const
{
    std::lock_guard lock(m_mutex);
    return m_size;
}

void RingSeries::clear()
{
    std::lock_guard lock(m_mutex);
    m_head = 0;
    m_size = 0;
}

} // namespace kappa::metrics
