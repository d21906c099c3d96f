// AuditModel: the audit log, oldest first as kappad keeps it. kappad pages
// it by sequence number, so the model grows by appending the entries after
// the last one it holds; nothing in it ever changes afterwards.
#pragma once

#include "client/workflow_types.h"

#include <QAbstractTableModel>

namespace kappa::console {

class AuditModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Seq, Time, Actor, Action, Subject, Detail, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit AuditModel(QObject *parent = nullptr);

    // Appends the entries after lastSeq(); older or repeated ones are ignored,
    // so overlapping pages do no harm. A gap (an entry after lastSeq() + 1)
    // means another log (kappad was replaced): the model starts over with `entries`.
    void append(const QList<AuditEntry> &entries);
    void clear();
    qint64 lastSeq() const { return m_entries.isEmpty() ? 0 : m_entries.last().seq; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<AuditEntry> m_entries;
};

} // namespace kappa::console
