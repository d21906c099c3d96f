#include "models/audit_model.h"

#include "models/formatting.h"

namespace kappa::console {

AuditModel::AuditModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void AuditModel::append(const QList<AuditEntry> &entries)
{
    QList<AuditEntry> fresh;
    for (const AuditEntry &entry : entries)
        if (entry.seq > (fresh.isEmpty() ? lastSeq() : fresh.last().seq))
            fresh.append(entry);
    if (fresh.isEmpty())
        return;
    if (fresh.first().seq != lastSeq() + 1 && !m_entries.isEmpty()) {
        beginResetModel(); // not the continuation of what we hold
        m_entries = entries;
        endResetModel();
        return;
    }
    const int first = static_cast<int>(m_entries.size());
    beginInsertRows(QModelIndex(), first, first + static_cast<int>(fresh.size()) - 1);
    m_entries.append(fresh);
    endInsertRows();
}

void AuditModel::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

int AuditModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int AuditModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AuditEntry &entry = m_entries[index.row()];
    if (role == SortRole && (index.column() == Seq || index.column() == Time))
        return index.column() == Seq ? entry.seq : entry.atMs;
    if (role == Qt::ToolTipRole)
        return tr("hash %1").arg(entry.hash);
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (index.column()) {
    case Seq: return entry.seq;
    case Time: return formatWallTime(entry.atMs);
    case Actor: return entry.actor;
    case Action: return entry.action;
    case Subject: return entry.subject;
    case Detail: return entry.detail;
    default: return {};
    }
}

QVariant AuditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Seq: return tr("#");
    case Time: return tr("Time");
    case Actor: return tr("Who");
    case Action: return tr("Action");
    case Subject: return tr("Subject");
    case Detail: return tr("Detail");
    default: return {};
    }
}

} // namespace kappa::console
