#include "samples/density_curve.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace kappa::samples {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;

// Quiet nights, a lunchtime bump and an evening peak.
constexpr std::array<double, 24> kHourWeights = {0.35, 0.25, 0.20, 0.18, 0.20, 0.30, 0.50, 0.75,
                                                 0.95, 1.05, 1.10, 1.15, 1.20, 1.15, 1.10, 1.10,
                                                 1.15, 1.25, 1.40, 1.55, 1.60, 1.45, 1.05, 0.60};

std::int64_t floorDiv(std::int64_t a, std::int64_t b)
{
    const std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

double multiplierAt(std::int64_t t, const std::vector<FlashSaleWindow> &flashSales)
{
    double multiplier = 1.0;
    for (const FlashSaleWindow &w : flashSales) {
        if (t >= w.start.value() && t - w.start.value() < w.durationMs)
            multiplier = std::max(multiplier, w.multiplier);
    }
    return multiplier;
}

} // namespace

double DensityCurve::hourWeight(int hourOfDay)
{
    return kHourWeights[static_cast<std::size_t>(hourOfDay)];
}

DensityCurve::DensityCurve(EventTime start, std::int64_t spanMs,
                           const std::vector<FlashSaleWindow> &flashSales)
{
    const std::int64_t begin = start.value();
    const std::int64_t end = begin + spanMs;

    // Segment boundaries: the span's ends, every hour and every window edge inside.
    std::vector<std::int64_t> bounds = {begin, end};
    for (std::int64_t h = (floorDiv(begin, kHourMs) + 1) * kHourMs; h < end; h += kHourMs)
        bounds.push_back(h);
    for (const FlashSaleWindow &w : flashSales) {
        for (std::int64_t edge : {w.start.value(), w.start.value() + w.durationMs}) {
            if (edge > begin && edge < end)
                bounds.push_back(edge);
        }
    }
    std::sort(bounds.begin(), bounds.end());
    bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());

    double mass = 0;
    m_segments.reserve(bounds.size() - 1);
    for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
        Segment s;
        s.begin = static_cast<double>(bounds[i]);
        s.multiplier = multiplierAt(bounds[i], flashSales);
        const auto hour = static_cast<int>(floorDiv(bounds[i], kHourMs) % 24);
        s.density = hourWeight(hour) * s.multiplier;
        s.massBefore = mass;
        mass += s.density * static_cast<double>(bounds[i + 1] - bounds[i]);
        m_segments.push_back(s);
    }
    for (Segment &s : m_segments) {
        s.massBefore /= mass;
        s.density /= mass;
    }
    // A sentinel so the search below needs no bounds check.
    m_segments.push_back({static_cast<double>(end), 0.0, 1.0, 1.0});
}

double DensityCurve::timeAt(double fraction)
{
    if (fraction < m_segments[m_cursor].massBefore)
        m_cursor = 0;
    while (m_segments[m_cursor + 1].massBefore <= fraction && m_cursor + 2 < m_segments.size())
        ++m_cursor;
    const Segment &s = m_segments[m_cursor];
    const double t = s.begin + (fraction - s.massBefore) / s.density;
    // Rounding must not carry an event onto the next segment (or past the end).
    return std::min(t, std::nextafter(m_segments[m_cursor + 1].begin, s.begin));
}

} // namespace kappa::samples
