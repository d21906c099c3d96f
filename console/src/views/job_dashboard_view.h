// JobDashboardView: the dashboard of one job version. A picker of the running
// job versions, KPI figures (lag in events and seconds, throughput, checkpoint
// p99, state size, latency p50/p99 against the SLO, Burrow's lag status), the
// charts (lag, throughput, checkpoint durations, state size, latency
// histogram) and the per-partition table.
//
// It only renders what it is given and says which version the operator picks
// (versionPicked); JobDashboardPage (app/) feeds it from the client and the
// stream.
#pragma once

#include "client/api_types.h"
#include "models/dashboard_data.h"
#include "models/lag_tracker.h"

#include <QWidget>

class QComboBox;
class QGridLayout;
class QLabel;
class QTableView;

namespace kappa::console {

class CheckpointChart;
class LatencyHistogramChart;
class PartitionsModel;
class TimeSeriesChart;

class JobDashboardView : public QWidget
{
    Q_OBJECT

public:
    // `partitions` is rendered in the table; the view does not own it.
    explicit JobDashboardView(PartitionsModel *partitions, QWidget *parent = nullptr);

    // The versions the picker offers: those kappad runs. Keeps the current pick if it still runs.
    void setJobs(const JobsSnapshot &jobs);
    // Shows `job`@`version` as picked (without emitting versionPicked).
    void setCurrentVersion(const QString &job, const QString &version);
    QString currentJob() const { return m_job; }
    QString currentVersion() const { return m_version; }

    // Everything about the version shown: figures, series, checkpoints, histogram.
    void showData(const VersionDashboard &dashboard);
    void showLagEvaluation(const VersionLagEvaluation &evaluation);
    // One line about the live stream and the calls ("live", "reconnecting in 4 s", an error).
    void setStatusText(const QString &text, bool problem = false);
    QString statusText() const;
    // Empties the figures and charts (another version was picked).
    void clearData();

    // The parts, for tests and screenshots.
    QComboBox *picker() const { return m_picker; }
    TimeSeriesChart *lagChart() const { return m_lag; }
    TimeSeriesChart *throughputChart() const { return m_throughputChart; }
    CheckpointChart *checkpointChart() const { return m_checkpoints; }
    TimeSeriesChart *stateChart() const { return m_state; }
    LatencyHistogramChart *latencyChart() const { return m_latencyChart; }
    QTableView *partitionsTable() const { return m_table; }
    QString kpiText(const QString &name) const; // by the KPI label's object name, e.g. "kpiLagStatus"

signals:
    void versionPicked(const QString &job, const QString &version);

private:
    QLabel *addKpi(QGridLayout *grid, int column, const QString &name, const QString &caption,
                   QLabel **captionLabel = nullptr);
    QWidget *buildKpis();
    QWidget *buildCharts();
    void pickerChanged(int index);
    void showFigures(const VersionDashboard &dashboard);

    QComboBox *m_picker;
    QLabel *m_status;
    QLabel *m_lagRecords = nullptr;
    QLabel *m_lagSeconds = nullptr;
    QLabel *m_throughput = nullptr;
    QLabel *m_checkpointP99 = nullptr;
    QLabel *m_stateSize = nullptr;
    QLabel *m_latencyP50 = nullptr;
    QLabel *m_latencyP99 = nullptr;
    QLabel *m_latencyCaption = nullptr;
    QLabel *m_lagStatus = nullptr;
    TimeSeriesChart *m_lag = nullptr;
    TimeSeriesChart *m_throughputChart = nullptr;
    CheckpointChart *m_checkpoints = nullptr;
    TimeSeriesChart *m_state = nullptr;
    LatencyHistogramChart *m_latencyChart = nullptr;
    QTableView *m_table;
    QString m_job;
    QString m_version;
    QHash<QString, JobSlo> m_slos; // per job
    QString m_lagStatusHelp;
    bool m_updatingPicker = false;
};

} // namespace kappa::console
