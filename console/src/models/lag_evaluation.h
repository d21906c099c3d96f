// Consumer lag evaluation after LinkedIn's Burrow: a partition's state is
// judged from how its position and lag moved over a sliding window of
// samples, with no thresholds set by hand (a lag of a million records that
// shrinks is fine; a lag of ten that never moves is not).
//
// A sample is one report of a task's input partition: the wall time, the
// position (the next offset it will read, i.e. what it has consumed) and the
// lag in records. The window is the newest N samples (N = 10 by default, ten
// seconds of the stream). The rules, applied in this order:
//
//  1. No samples → Unknown.
//  2. The lag was zero in at least one sample of the window → OK: the task
//     caught up with its input within the window, whatever happened since.
//     (This one needs no full window: a zero lag is conclusive.)
//     Fewer samples than the window's size otherwise → Unknown: there is not
//     enough history to judge a trend.
//  3. The newest sample is older than the span the window covers (now minus
//     the newest sample's time is greater than the newest minus the oldest
//     sample's time) → ERR, the partition is STOPPED: the task no longer
//     reports, so it is not advancing while lag exists.
//  4. The position is the same in every sample of the window (and the lag,
//     never zero, is then fixed or growing) → ERR, the partition is STALLED:
//     the task reports but does not consume.
//  5. The position moves but the lag never decreases from one sample to the
//     next (fixed or growing over every step) → WARN: the task consumes,
//     but slower than its input grows.
//  6. Otherwise → OK: the task consumes and the lag shrinks at least now and
//     then.
//
// Burrow's fifth state, REWIND (the position went backwards), does not appear:
// a kappad restart resumes tasks from their last checkpoint, which moves the
// position back by design, so the LagTracker starts a new window instead.
//
// A version's (or any group's) status is the worst of its partitions'.
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

#include <span>

namespace kappa::console {

struct LagSample
{
    qint64 timeMs = 0;     // wall time of the report
    qint64 position = 0;   // the next offset to read
    qint64 lagRecords = 0; // records behind the input's end
};

// Severity, ordered: a greater value is worse. Unknown is below OK so that
// the worst of known and unknown partitions is the known one.
enum class LagStatus { Unknown, Ok, Warn, Err };

// A partition's state by the rules above.
enum class PartitionLag {
    Unknown, // not enough samples, or no position reported
    Ok,
    Lagging, // WARN: consuming, but the lag never shrinks
    Stalled, // ERR: reporting, not consuming
    Stopped, // ERR: no longer reporting
};

constexpr int kDefaultLagWindow = 10;

// The state of one partition from its samples (oldest first, times
// increasing); only the newest `windowSize` samples count. `nowMs` is the
// time of the evaluation (the newest snapshot's time).
PartitionLag evaluatePartition(std::span<const LagSample> samples, qint64 nowMs,
                               int windowSize = kDefaultLagWindow);

LagStatus statusOf(PartitionLag lag);
// The worst status of `lags`; Unknown for none.
LagStatus worstStatus(std::span<const PartitionLag> lags);

// "OK", "WARN", "ERR", "unknown"; "OK", "lagging", "stalled", "stopped", "unknown" (translated).
QString lagStatusText(LagStatus status);
QString partitionLagText(PartitionLag lag);

} // namespace kappa::console

Q_DECLARE_METATYPE(kappa::console::LagStatus)
Q_DECLARE_METATYPE(kappa::console::PartitionLag)
