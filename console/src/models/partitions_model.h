// PartitionsModel: one row per task of a running version (one input
// partition of one stage) with its position, lag, rates, watermark and its
// Burrow lag state. Fed whole snapshots: the per-task metrics (setMetrics)
// and the tracker's evaluation (setLagStates). Rows keep their place while
// the set of tasks stays the same, so a selection survives the refresh.
#pragma once

#include "client/dashboard_types.h"
#include "models/lag_evaluation.h"
#include "models/snapshot_table_model.h"

#include <QHash>

namespace kappa::console {

class PartitionsModel : public SnapshotTableModel<TaskMetricsInfo>
{
    Q_OBJECT

public:
    enum Column {
        Task,
        Stage,
        Partition,
        Position,
        EndOffset,
        LagRecords,
        LagSeconds,
        InputRate,
        ProcessingRate,
        Watermark,
        CaughtUp,
        LagState,
        ColumnCount
    };
    // The raw value behind a cell, for sorting and tests (DisplayRole is formatted text).
    static constexpr int SortRole = Qt::UserRole + 1;
    // On every column: the row's PartitionLag (as int).
    static constexpr int LagStateRole = Qt::UserRole + 2;

    explicit PartitionsModel(QObject *parent = nullptr);

    void setMetrics(const VersionMetricsInfo &metrics);
    // Burrow's state per task name; tasks not in `states` are Unknown.
    void setLagStates(const QHash<QString, PartitionLag> &states);
    void clear();

    const TaskMetricsInfo &task(int row) const { return m_rows[row]; }

    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant display(const TaskMetricsInfo &task, int column) const;
    QVariant sortValue(const TaskMetricsInfo &task, int column) const;
    PartitionLag lagOf(const TaskMetricsInfo &task) const;

    QHash<QString, PartitionLag> m_states;
};

} // namespace kappa::console
