// HistogramWindow: percentiles over the recent past (say the last minute)
// without ever resetting the live LatencyHistogram, by diffing snapshots.
//
// The owner (a metrics thread) calls update(now, histogram.snapshot())
// regularly, typically once a second. The window keeps a snapshot at most
// every `interval`; recent() is the latest snapshot minus the oldest kept one
// that is not older than `window`, so it covers between window - interval and
// window of history (coveredMillis() says exactly). Memory: one snapshot
// (26 KiB) per interval in the window, e.g. 7 for a 60 s window of 10 s steps.
//
// Threading: every method is thread-safe (one mutex; nothing here is hot).
#pragma once

#include "kappa/types.h"
#include "metrics/histogram_snapshot.h"

#include <cstdint>
#include <deque>
#include <mutex>

namespace kappa::metrics {

class HistogramWindow
{
public:
    // intervalMillis >= 1 and windowMillis >= intervalMillis (both clamped).
    HistogramWindow(std::int64_t intervalMillis, std::int64_t windowMillis);

    // Takes the cumulative snapshot of the histogram at `now`. A `now` older
    // than the previous update (a wall clock stepping back) is treated as
    // equal to it.
    void update(WallTime now, const HistogramSnapshot &current);

    // The values recorded in the covered part of the window (empty before two updates).
    HistogramSnapshot recent() const;
    // The time recent() spans: latest update minus the oldest kept snapshot.
    std::int64_t coveredMillis() const;
    // The latest cumulative snapshot.
    HistogramSnapshot latest() const;

private:
    struct Mark
    {
        WallTime time;
        HistogramSnapshot snapshot;
    };

    const std::int64_t m_intervalMillis;
    const std::int64_t m_windowMillis;
    mutable std::mutex m_mutex;
    std::deque<Mark> m_marks; // oldest first, at least m_intervalMillis apart
    Mark m_latest;
    bool m_hasLatest = false;
};

} // namespace kappa::metrics
