// LagTracker: keeps a window of lag samples per task from the stream's
// successive MetricsSnapshots and evaluates them with Burrow's rules
// (lag_evaluation.h), per task and per job version.
//
// - A task ("fraud@v1/card/3") belongs to the job version before its first
//   '/' ("fraud", "v1"). Only tasks that report a position are sampled; a
//   task reported without one has no window (Unknown).
// - A position that goes backwards (a restarted kappad resumed the task from
//   its last checkpoint) starts the task's window afresh. A snapshot no newer
//   than the task's newest sample (a replay after reconnecting) is ignored.
// - A task missing from a snapshot keeps its window, so that it becomes
//   Stopped once it has been silent for longer than its window spans; the
//   tasks of a version that a snapshot no longer lists are dropped.
// - "Now" is the time of the newest snapshot added.
//
// Threading: a plain value; use it from one thread.
#pragma once

#include "client/dashboard_types.h"
#include "models/lag_evaluation.h"

#include <QHash>
#include <QStringList>

#include <deque>
#include <optional>

namespace kappa::console {

// The parts of a task name: "fraud@v1/card/3" → fraud, v1, "card/3".
struct TaskName
{
    QString job;
    QString version;
    QString rest;
};
std::optional<TaskName> parseTaskName(const QString &task);

// A job version's evaluation: its worst partition and how many are in each state.
struct VersionLagEvaluation
{
    LagStatus status = LagStatus::Unknown;
    int ok = 0;
    int lagging = 0;
    int stalled = 0;
    int stopped = 0;
    int unknown = 0;    // of which:
    int noPosition = 0; // the task reports no position (an older kappad)
};

class LagTracker
{
public:
    explicit LagTracker(int windowSize = kDefaultLagWindow);

    void add(const MetricsSnapshot &snapshot);
    void clear();

    int windowSize() const { return m_windowSize; }
    qint64 nowMs() const { return m_nowMs; }

    // The task's state; Unknown for a task without (enough) samples or not tracked.
    PartitionLag evaluateTask(const QString &task) const;
    // Every tracked task of the job version with its state.
    QHash<QString, PartitionLag> evaluateTasks(const QString &job, const QString &version) const;
    VersionLagEvaluation evaluateVersion(const QString &job, const QString &version) const;

    // The tracked tasks of the job version, sorted.
    QStringList tasks(const QString &job, const QString &version) const;
    // The task's samples, oldest first (at most the window's size).
    QList<LagSample> samples(const QString &task) const;

private:
    struct Track
    {
        QString job;
        QString version;
        std::deque<LagSample> samples; // oldest first, at most m_windowSize
        bool hasPosition = false;      // false: the task reported no position (Unknown)
    };

    int m_windowSize;
    qint64 m_nowMs = 0;
    QHash<QString, Track> m_tracks;
};

} // namespace kappa::console
