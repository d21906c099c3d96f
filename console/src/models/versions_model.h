// VersionsModel: every registered version of every job as the Views page
// lists them: its lifecycle state, whether the alias names it, when and by
// whom it was registered, and the size of its state while kappad runs it.
#pragma once

#include "client/api_types.h"

#include <QAbstractTableModel>

namespace kappa::console {

class VersionsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Job, Version, State, Alias, Created, CreatedBy, StateBytes, StateKeys, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit VersionsModel(QObject *parent = nullptr);

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
