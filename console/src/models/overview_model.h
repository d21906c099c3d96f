// OverviewModel: one row per job version, as the overview table shows them.
// Fed whole snapshots (setSnapshot); rows keep their place while the set of
// versions stays the same, so selections survive a refresh.
#pragma once

#include "client/api_types.h"
#include "models/lag_tracker.h"
#include "models/snapshot_table_model.h"

#include <QHash>

namespace kappa::console {

// A live version against its job's SLOs: Breached when its lag or its
// append-to-visible p99 is over the SLO; AtRisk from half the lag SLO (where
// replays start to back off) or 80 % of the latency SLO; Unknown without
// figures or SLOs. Versions that do not serve (replays, shadows) have no SLO.
enum class SloStatus { Unknown, Met, AtRisk, Breached };
SloStatus lagSloStatus(const JobVersionInfo &version, const JobSlo &slo);
SloStatus latencySloStatus(const JobVersionInfo &version, const JobSlo &slo);
// The worse of the two.
SloStatus sloStatus(const JobVersionInfo &version, const JobSlo &slo);
QString sloStatusText(SloStatus status);

// A lifecycle or replay state as the operator reads it ("caught_up" →
// "caught up"), translated; an unknown state is shown as it is.
QString stateText(const QString &state);

// One line of the overview: a version with its job's SLOs.
struct OverviewRow
{
    QString job;
    JobSlo slo;
    JobVersionInfo version;
};

class OverviewModel : public SnapshotTableModel<OverviewRow>
{
    Q_OBJECT

public:
    enum Column {
        Job,
        Version,
        State,
        LagRecords,
        LagSeconds,
        InputRate,
        Rate,
        LatencyP99,
        LagHealth, // Burrow-style evaluation of the lag's trend
        Slo,
        ColumnCount
    };
    // The raw value behind a cell, for sorting and tests (DisplayRole is formatted text).
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit OverviewModel(QObject *parent = nullptr);

    void setSnapshot(const JobsSnapshot &snapshot);
    // The lag evaluations by "job@version" (from a LagTracker fed by the stream).
    void setLagEvaluations(const QHash<QString, VersionLagEvaluation> &evaluations);

    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    using Row = OverviewRow;
    QVariant display(const Row &row, int column) const;
    QVariant sortValue(const Row &row, int column) const;
    QVariant background(const Row &row, int column) const;
    QVariant toolTip(const Row &row, int column) const;
    VersionLagEvaluation lagOf(const Row &row) const;

    QHash<QString, VersionLagEvaluation> m_lag;
};

} // namespace kappa::console
