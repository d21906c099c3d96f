#include "models/preflight_checks_model.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace kappa::console {

QString preflightCheckText(const QString &name)
{
    if (name == QLatin1String("version"))
        return PreflightChecksModel::tr("Version is new, job has a live version");
    if (name == QLatin1String("range"))
        return PreflightChecksModel::tr("Events in range");
    if (name == QLatin1String("schema"))
        return PreflightChecksModel::tr("Event schemas readable");
    if (name == QLatin1String("rate"))
        return PreflightChecksModel::tr("Rate outruns ingest");
    return name;
}

PreflightChecksModel::PreflightChecksModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void PreflightChecksModel::setPreflight(const Preflight &preflight)
{
    beginResetModel();
    m_checks = preflight.checks;
    endResetModel();
}

void PreflightChecksModel::clear()
{
    beginResetModel();
    m_checks.clear();
    endResetModel();
}

int PreflightChecksModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_checks.size());
}

int PreflightChecksModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PreflightChecksModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PreflightCheck &check = m_checks[index.row()];
    switch (role) {
    case OkRole: return check.ok;
    case Qt::DisplayRole:
        switch (index.column()) {
        case Check: return preflightCheckText(check.name);
        case Result: return check.ok ? tr("✔ passed") : tr("✘ failed");
        case Detail: return check.detail;
        default: return {};
        }
    case Qt::ToolTipRole: return index.column() == Detail ? QVariant(check.detail) : QVariant();
    case Qt::ForegroundRole:
        if (index.column() == Result)
            return QBrush(check.ok ? QColor(0x1b, 0x7f, 0x3b) : QColor(0xb0, 0x1c, 0x1c));
        return {};
    default: return {};
    }
}

QVariant PreflightChecksModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Check: return tr("Check");
    case Result: return tr("Result");
    case Detail: return tr("What kappad found");
    default: return {};
    }
}

} // namespace kappa::console
