// SwitchRequestsModel: switch requests, one row each (job, from → to, state,
// who requested and decided it, when), for picking one in the approval and
// rollback wizards. Fed whole lists; the free functions pick which ones.
#pragma once

#include "client/workflow_types.h"
#include "models/formatting.h"

#include <QAbstractTableModel>

namespace kappa::console {

// The pending requests of `all`, as kappad lists them (newest first).
QList<SwitchRequestInfo> pendingRequests(const QList<SwitchRequestInfo> &all);
// Per job, its latest switched request (the switch a rollback would undo), newest first.
// `all` is newest first, as kappad lists it.
QList<SwitchRequestInfo> lastSwitchPerJob(const QList<SwitchRequestInfo> &all);

class SwitchRequestsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Id, Job, Change, State, RequestedBy, RequestedAt, DecidedBy, DecidedAt, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int SwitchIdRole = Qt::UserRole + 2; // qint64, on every cell

    explicit SwitchRequestsModel(QObject *parent = nullptr);

    void setRequests(const QList<SwitchRequestInfo> &requests);
    const QList<SwitchRequestInfo> &requests() const { return m_requests; }
    // The request with `id`, if listed.
    std::optional<SwitchRequestInfo> request(qint64 id) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant display(const SwitchRequestInfo &request, int column) const;

    QList<SwitchRequestInfo> m_requests;
};

// A switch request's state as people read it, translated.
QString switchStateText(const QString &state);

} // namespace kappa::console
