// DensityCurve: where in event time the i-th of N history events falls.
//
// Event-time density over [start, start + span) is piecewise constant: an
// hourly daily curve (UTC) times the flash-sale multiplier in force. The
// cumulative density, normalised to 1, maps a fraction of the run to a time;
// history mode asks for fraction (i + 0.5) / N for event i.
#pragma once

#include "kappa/sample_generator.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kappa::samples {

class DensityCurve
{
public:
    // spanMs > 0; windows may lie partly or wholly outside the span.
    DensityCurve(EventTime start, std::int64_t spanMs, const std::vector<FlashSaleWindow> &flashSales);

    // The time (ms since epoch, fractional) by which `fraction` in [0, 1) of
    // the events have happened; in [start, start + span). Amortised O(1) when
    // fractions do not decrease from call to call, as in a run.
    double timeAt(double fraction);

    // The flash-sale multiplier (1 outside windows) of the segment the last
    // timeAt() landed in.
    double lastMultiplier() const { return m_segments[m_cursor].multiplier; }

    // Relative traffic at an hour of the day (UTC), around 1 on average.
    static double hourWeight(int hourOfDay);

private:
    struct Segment
    {
        double begin = 0;      // ms since epoch
        double density = 0;    // relative events per ms
        double massBefore = 0; // normalised cumulative density at begin
        double multiplier = 1; // flash-sale multiplier
    };

    std::vector<Segment> m_segments;
    std::size_t m_cursor = 0;
};

} // namespace kappa::samples
