#include "models/overview_model.h"

#include <QFont>
#include <QHash>
#include <QLocale>

namespace kappa::console {

QString stateText(const QString &state)
{
    static const QHash<QString, const char *> kTexts{
        {QStringLiteral("replaying"), QT_TRANSLATE_NOOP("kappa::console::OverviewModel", "replaying")},
        {QStringLiteral("caught_up"), QT_TRANSLATE_NOOP("kappa::console::OverviewModel", "caught up")},
        {QStringLiteral("validated"), QT_TRANSLATE_NOOP("kappa::console::OverviewModel", "validated")},
        {QStringLiteral("live"), QT_TRANSLATE_NOOP("kappa::console::OverviewModel", "live")},
        {QStringLiteral("retired"), QT_TRANSLATE_NOOP("kappa::console::OverviewModel", "retired")},
        {QStringLiteral("failed"), QT_TRANSLATE_NOOP("kappa::console::OverviewModel", "failed")},
        {QStringLiteral("cancelled"), QT_TRANSLATE_NOOP("kappa::console::OverviewModel", "cancelled")},
        {QStringLiteral("running"), QT_TRANSLATE_NOOP("kappa::console::OverviewModel", "running")},
        {QStringLiteral("finished"), QT_TRANSLATE_NOOP("kappa::console::OverviewModel", "finished")},
    };
    const auto found = kTexts.constFind(state);
    return found == kTexts.constEnd() ? state : OverviewModel::tr(*found);
}

OverviewModel::OverviewModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void OverviewModel::setSnapshot(const JobsSnapshot &snapshot)
{
    QList<Row> rows;
    for (const JobInfo &job : snapshot.jobs)
        for (const JobVersionInfo &version : job.versions)
            rows.append(Row{job.job, version});
    auto keys = [](const QList<Row> &list) {
        QList<QString> out;
        for (const Row &row : list)
            out.append(row.job + QLatin1Char('@') + row.version.version);
        return out;
    };
    if (keys(rows) != keys(m_rows)) {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
        return;
    }
    m_rows = std::move(rows);
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int OverviewModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int OverviewModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OverviewModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole: return display(row, index.column());
    case SortRole: return sortValue(row, index.column());
    case Qt::TextAlignmentRole:
        return index.column() >= LagRecords ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::FontRole:
        if (row.version.live) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Version)
            return tr("created by %1").arg(row.version.createdBy);
        return {};
    default: return {};
    }
}

QVariant OverviewModel::display(const Row &row, int column) const
{
    const QLocale locale;
    const std::optional<VersionFigures> &f = row.version.figures;
    switch (column) {
    case Job: return row.job;
    case Version: return row.version.live ? tr("%1 (live)").arg(row.version.version) : row.version.version;
    case State: return stateText(row.version.state);
    case LagRecords: return f ? locale.toString(f->lagRecords) : QString();
    case LagSeconds: return f ? locale.toString(f->lagSeconds, 'f', 1) : QString();
    case Rate: return f ? locale.toString(f->processingRate, 'f', 0) : QString();
    case LatencyP99:
        return f && f->latencyMs.count > 0 ? locale.toString(f->latencyMs.p99, 'f', 1) : QString();
    default: return {};
    }
}

QVariant OverviewModel::sortValue(const Row &row, int column) const
{
    const std::optional<VersionFigures> &f = row.version.figures;
    switch (column) {
    case Job: return row.job;
    case Version: return row.version.version;
    case State: return row.version.state;
    case LagRecords: return f ? QVariant(f->lagRecords) : QVariant();
    case LagSeconds: return f ? QVariant(f->lagSeconds) : QVariant();
    case Rate: return f ? QVariant(f->processingRate) : QVariant();
    case LatencyP99: return f ? QVariant(f->latencyMs.p99) : QVariant();
    default: return {};
    }
}

QVariant OverviewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Job: return tr("Job");
    case Version: return tr("Version");
    case State: return tr("State");
    case LagRecords: return tr("Lag (events)");
    case LagSeconds: return tr("Lag (s)");
    case Rate: return tr("Rate (events/s)");
    case LatencyP99: return tr("Latency p99 (ms)");
    default: return {};
    }
}

} // namespace kappa::console
