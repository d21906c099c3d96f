// ReplaysModel: one row per replay or rebuild, newest first as kappad lists
// them, with its progress, rates, ETA and why it is slowed down or ended.
// Fed whole snapshots; rows keep their place while the set of replays stays.
#pragma once

#include "client/api_types.h"
#include "models/snapshot_table_model.h"

namespace kappa::console {

// "12 s", "3 min 20 s", "2 h 5 min"; an em dash when there is no estimate.
QString formatEta(std::optional<double> seconds);

class ReplaysModel : public SnapshotTableModel<ReplayInfo>
{
    Q_OBJECT

public:
    enum Column { Id, Target, Kind, State, Progress, Rate, Eta, Note, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;
    // On every column: the replay's id (qint64) and whether it can be controlled (bool).
    static constexpr int ReplayIdRole = Qt::UserRole + 2;
    static constexpr int ActiveRole = Qt::UserRole + 3;
    static constexpr int PausedRole = Qt::UserRole + 4;

    explicit ReplaysModel(QObject *parent = nullptr);

    void setReplays(const QList<ReplayInfo> &replays);
    // A replay changed by a control call, ahead of the next snapshot.
    void updateReplay(const ReplayInfo &replay);
    // The replay shown in `row` (0 <= row < rowCount()).
    const ReplayInfo &replayAt(int row) const { return m_rows.at(row); }

    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant display(const ReplayInfo &replay, int column) const;
    QVariant sortValue(const ReplayInfo &replay, int column) const;
};

} // namespace kappa::console
