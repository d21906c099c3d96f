#include "models/validation_aggregates_model.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace kappa::console {

bool isScorePsi(const ValidationAggregate &aggregate)
{
    return aggregate.name == QLatin1String("score_psi");
}

ValidationAggregatesModel::ValidationAggregatesModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ValidationAggregatesModel::setValidation(const ValidationInfo &validation)
{
    beginResetModel();
    m_aggregates = validation.aggregates;
    endResetModel();
}

int ValidationAggregatesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_aggregates.size());
}

int ValidationAggregatesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ValidationAggregatesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ValidationAggregate &aggregate = m_aggregates[index.row()];
    switch (role) {
    case Qt::DisplayRole: return display(aggregate, index.column());
    case SortRole: return sortValue(aggregate, index.column());
    case OkRole: return aggregate.ok;
    case Qt::TextAlignmentRole:
        return index.column() == Name || index.column() == Result
                   ? QVariant()
                   : QVariant(static_cast<int>(Qt::AlignRight | Qt::AlignVCenter));
    case Qt::ForegroundRole:
        if (index.column() == Result)
            return QBrush(aggregate.ok ? QColor(0x1b, 0x7f, 0x3b) : QColor(0xb0, 0x1c, 0x1c));
        return {};
    case Qt::ToolTipRole:
        if (isScorePsi(aggregate))
            return tr("Population stability index of the candidate's fraud scores against the live ones");
        return tr("delta = (candidate − live) / |live|");
    default: return {};
    }
}

QVariant ValidationAggregatesModel::display(const ValidationAggregate &aggregate, int column) const
{
    const QLocale locale;
    const bool psi = isScorePsi(aggregate);
    auto number = [&](std::optional<double> value) {
        return value ? locale.toString(*value, 'g', 8) : QStringLiteral("—");
    };
    switch (column) {
    case Name: return psi ? tr("fraud score PSI") : aggregate.name;
    case Live: return number(aggregate.live);
    case Candidate: return number(aggregate.candidate);
    case Delta:
        if (!aggregate.delta)
            return tr("— (live is 0)");
        return psi ? locale.toString(*aggregate.delta, 'f', 4)
                   : tr("%1 %").arg(locale.toString(*aggregate.delta * 100, 'f', 2));
    case Tolerance:
        return psi ? tr("≤ %1").arg(locale.toString(aggregate.tolerance, 'f', 4))
                   : tr("± %1 %").arg(locale.toString(aggregate.tolerance * 100, 'f', 2));
    case Result: return aggregate.ok ? tr("✔ within") : tr("✘ outside");
    default: return {};
    }
}

QVariant ValidationAggregatesModel::sortValue(const ValidationAggregate &aggregate, int column) const
{
    auto raw = [](std::optional<double> value) { return value ? QVariant(*value) : QVariant(); };
    switch (column) {
    case Name: return aggregate.name;
    case Live: return raw(aggregate.live);
    case Candidate: return raw(aggregate.candidate);
    case Delta: return raw(aggregate.delta);
    case Tolerance: return aggregate.tolerance;
    case Result: return aggregate.ok;
    default: return {};
    }
}

QVariant ValidationAggregatesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Aggregate");
    case Live: return tr("Live");
    case Candidate: return tr("Candidate");
    case Delta: return tr("Delta");
    case Tolerance: return tr("Allowed");
    case Result: return tr("Result");
    default: return {};
    }
}

} // namespace kappa::console
