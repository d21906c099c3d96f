// SnapshotTableModel: a table model fed whole snapshots, one Row per line.
// A snapshot that keeps the same rows in the same order only updates the
// cells (one dataChanged), so the views keep their selection and scroll
// position across polls; any other snapshot resets the model.
#pragma once

#include <QAbstractTableModel>
#include <QList>

#include <algorithm>

namespace kappa::console {

template<typename Row>
class SnapshotTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override
    {
        return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
    }

protected:
    // `identity(row)` names what a row shows (a job version, a replay id).
    template<typename Identity>
    void replaceRows(QList<Row> rows, Identity identity)
    {
        const bool sameRows = rows.size() == m_rows.size()
                              && std::equal(rows.cbegin(), rows.cend(), m_rows.cbegin(),
                                            [&](const Row &a, const Row &b) {
                                                return identity(a) == identity(b);
                                            });
        if (!sameRows) {
            beginResetModel();
            m_rows = std::move(rows);
            endResetModel();
            return;
        }
        m_rows = std::move(rows);
        if (!m_rows.isEmpty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    }

    QList<Row> m_rows;
};

} // namespace kappa::console
