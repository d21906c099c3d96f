// ValidationAggregatesModel: a validation's compared aggregates (business
// metrics: GMV, orders, conversion per hour, funnel ratios; fraud: the score
// PSI), one row each with live, candidate, delta against its tolerance.
#pragma once

#include "client/workflow_types.h"

#include <QAbstractTableModel>

namespace kappa::console {

class ValidationAggregatesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Name, Live, Candidate, Delta, Tolerance, Result, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int OkRole = Qt::UserRole + 2; // bool, on every cell

    explicit ValidationAggregatesModel(QObject *parent = nullptr);

    void setValidation(const ValidationInfo &validation);
    const QList<ValidationAggregate> &aggregates() const { return m_aggregates; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant display(const ValidationAggregate &aggregate, int column) const;
    QVariant sortValue(const ValidationAggregate &aggregate, int column) const;

    QList<ValidationAggregate> m_aggregates;
};

// Whether an aggregate is the fraud score's PSI (delta is the PSI itself, no live or candidate value).
bool isScorePsi(const ValidationAggregate &aggregate);

} // namespace kappa::console
