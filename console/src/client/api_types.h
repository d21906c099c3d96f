// Plain values decoded from kappad's HTTP API (resources/api/openapi.json).
// The models and views see only these, never JSON or URLs.
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace kappa::console {

// An error answer ({"code", "message"}) or a failure to reach kappad
// (code "Unreachable", httpStatus 0).
struct ApiError
{
    QString code;
    QString message;
    int httpStatus = 0;
};

struct Latency
{
    qint64 count = 0;
    double p50 = 0;
    double p99 = 0;
};

// A running version's figures, summed or maximised over its tasks.
struct VersionFigures
{
    qint64 events = 0;
    qint64 lagRecords = 0;
    double lagSeconds = 0;
    double inputRate = 0;
    double processingRate = 0;
    qint64 checkpoints = 0;
    double checkpointMeanMs = 0;
    double checkpointP99Ms = 0;
    Latency latencyMs;
    qint64 lateDropped = 0;
    qint64 stateBytes = 0;
    qint64 stateKeys = 0;
};

struct JobVersionInfo
{
    QString version;
    QString state; // replaying, caught_up, validated, live, retired, failed, cancelled
    bool live = false;
    bool running = false;
    qint64 createdMs = 0;
    QString createdBy;
    std::optional<VersionFigures> figures; // only while kappad runs the version
};

// A job's service-level objectives, as kappad is configured with them.
struct JobSlo
{
    double lagSeconds = 0;   // live lag; replays back off at half of it
    double latencyP99Ms = 0; // append to view-visible, p99
};

struct JobInfo
{
    QString job;
    QString liveVersion; // empty if the alias names no version
    JobSlo slo;
    QList<JobVersionInfo> versions;
};

struct JobsSnapshot
{
    QList<JobInfo> jobs;
};

struct ServiceStatus
{
    bool ready = false;
    QString health;
    double uptimeSeconds = 0;
    QString dataDir;
    int partitions = 0;
    qint64 eventsAppended = 0;
    std::optional<double> demoRate; // set when kappad runs --demo
};

// A replay (or rebuild) with its settings and, while active, its progress.
struct ReplayInfo
{
    qint64 id = 0;
    QString job;
    QString version;
    QString kind;  // replay, rebuild
    QString from;  // the start position as requested
    QString state; // running, caught_up, finished, cancelled, failed
    QString versionState;
    bool paused = false;
    bool running = false; // kappad runs it now: the rates below are measured
    QString serveFrom;
    QString reason;
    QString createdBy;
    double rateMultiple = 0;
    double maxRate = 0;
    double minRate = 0;
    double ingestRate = 0;
    double targetRate = 0;
    double currentRate = 0;
    double measuredRate = 0;
    QString slowdownReason;
    double percent = 0;
    std::optional<double> etaSeconds; // none: it does not gain on ingest, or it has ended
    qint64 lagRecords = 0;

    // Only running and caught-up replays can be paused, resumed or cancelled.
    bool active() const { return state == QLatin1String("running") || state == QLatin1String("caught_up"); }
};

enum class ReplayAction { Pause, Resume, Cancel };

} // namespace kappa::console

// For signal arguments and QVariant (QSignalSpy in tests).
Q_DECLARE_METATYPE(kappa::console::ApiError)
Q_DECLARE_METATYPE(kappa::console::JobsSnapshot)
Q_DECLARE_METATYPE(kappa::console::ServiceStatus)
Q_DECLARE_METATYPE(kappa::console::ReplayInfo)
Q_DECLARE_METATYPE(QList<kappa::console::ReplayInfo>)
