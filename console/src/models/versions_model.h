// VersionsModel: every registered version of every job as the Views page
// lists them: its lifecycle state, whether the alias names it, when and by
// whom it was registered, and the size of its state while kappad runs it.
#pragma once

#include "client/api_types.h"
#include "models/snapshot_table_model.h"

namespace kappa::console {

struct VersionRow
{
    QString job;
    JobVersionInfo version;
};

class VersionsModel : public SnapshotTableModel<VersionRow>
{
    Q_OBJECT

public:
    enum Column { Job, Version, State, Alias, Created, CreatedBy, StateBytes, StateKeys, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit VersionsModel(QObject *parent = nullptr);

    void setSnapshot(const JobsSnapshot &snapshot);

    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    using Row = VersionRow;
    QVariant display(const Row &row, int column) const;
    QVariant sortValue(const Row &row, int column) const;
};

} // namespace kappa::console
