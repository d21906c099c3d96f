// OverviewModel: one row per job version, as the overview table shows them.
// Fed whole snapshots (setSnapshot); rows keep their place while the set of
// versions stays the same, so selections survive a refresh.
#pragma once

#include "client/api_types.h"

#include <QAbstractTableModel>

namespace kappa::console {

// A lifecycle or replay state as the operator reads it ("caught_up" →
// "caught up"), translated; an unknown state is shown as it is.
QString stateText(const QString &state);

class OverviewModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Job, Version, State, LagRecords, LagSeconds, Rate, LatencyP99, ColumnCount };
    // The raw value behind a cell, for sorting and tests (DisplayRole is formatted text).
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit OverviewModel(QObject *parent = nullptr);

    void setSnapshot(const JobsSnapshot &snapshot);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString job;
        JobVersionInfo version;
    };
    QVariant display(const Row &row, int column) const;
    QVariant sortValue(const Row &row, int column) const;

    QList<Row> m_rows;
};

} // namespace kappa::console
