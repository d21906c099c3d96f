// JobDashboardPage: the job dashboard as a page of the main window. It feeds
// a JobDashboardView from a KappadClient and an EventStream:
//
// - showVersion(job, version) (or the operator's pick) loads the last 15
//   minutes of history of each series (lag_records, lag_seconds, input_rate,
//   processing_rate, checkpoint_ms, state_bytes) and from then on appends the
//   version's figures of every MetricsSnapshot of the stream.
// - While the page is visible it fetches the version's per-task metrics every
//   second (the partitions table, new checkpoints, the latency histogram);
//   never more than one such call at a time.
// - Every stream snapshot also goes into a LagTracker, visible or not, so that
//   Burrow's evaluation has its window ready when the page is shown.
// - A line above the KPIs says how the stream is doing ("reconnecting in 4 s").
//
// The page neither owns nor starts the client and the stream: the window
// creates them per connection, starts the stream and hands them over with
// setSources() (null while disconnected). setJobs() feeds the version picker
// (and the SLOs); without a pick the first live running version is shown.
//
// Threading: GUI thread.
#pragma once

#include "client/api_types.h"
#include "client/dashboard_types.h"
#include "models/dashboard_data.h"
#include "models/lag_tracker.h"

#include <QPointer>
#include <QWidget>

#include <memory>

class QTimer;

namespace kappa::console {

class EventStream;
class JobDashboardView;
class KappadClient;
class PartitionsModel;

class JobDashboardPage : public QWidget
{
    Q_OBJECT

public:
    static constexpr qint64 kHistoryMs = 15 * 60 * 1000;
    static constexpr int kRefreshMs = 1000;

    JobDashboardPage(KappadClient *client, EventStream *stream, QWidget *parent = nullptr);
    ~JobDashboardPage() override;

    // A new connection's client and stream (either may be null).
    void setSources(KappadClient *client, EventStream *stream);
    void setJobs(const JobsSnapshot &jobs);
    // Shows `job`@`version`: loads its history and follows it live.
    void showVersion(const QString &job, const QString &version);

    QString currentJob() const;
    QString currentVersion() const;

    // For tests and screenshots.
    JobDashboardView *view() const { return m_view; }
    PartitionsModel *partitions() const { return m_partitions; }
    const VersionDashboard *data() const { return m_data.get(); }
    const LagTracker &lagTracker() const { return m_tracker; }

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void refresh();
    void loadHistory();
    void onSnapshot(const MetricsSnapshot &snapshot);
    void onMetrics(const VersionMetricsInfo &metrics);
    void onHistory(const HistoryInfo &history);
    void onFailed(const QString &what, const ApiError &error);
    void updateStreamStatus();
    void showCurrent();
    bool isCurrent(const QString &job, const QString &version) const;
    qint64 nowMs() const;

    QPointer<KappadClient> m_client;
    QPointer<EventStream> m_stream;
    PartitionsModel *m_partitions;
    JobDashboardView *m_view;
    QTimer *m_refresh;
    LagTracker m_tracker;
    std::unique_ptr<VersionDashboard> m_data;
    qint64 m_metricsSentMs = 0; // when the metrics call in flight went out; 0: none in flight
    QString m_callProblem;      // the last failed call of this page, until one succeeds
    QString m_streamProblem;    // why the stream is down
};

} // namespace kappa::console
