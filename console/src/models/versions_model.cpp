#include "models/versions_model.h"

#include "models/formatting.h"
#include "models/overview_model.h"

#include <QLocale>

namespace kappa::console {

VersionsModel::VersionsModel(QObject *parent)
    : SnapshotTableModel(parent)
{}

void VersionsModel::setSnapshot(const JobsSnapshot &snapshot)
{
    QList<Row> rows;
    for (const JobInfo &job : snapshot.jobs)
        for (const JobVersionInfo &version : job.versions)
            rows.append(Row{job.job, version});
    replaceRows(std::move(rows),
                [](const Row &row) { return row.job + QLatin1Char('@') + row.version.version; });
}

int VersionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant VersionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole: return display(row, index.column());
    case SortRole: return sortValue(row, index.column());
    case Qt::TextAlignmentRole:
        return index.column() >= StateBytes ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole:
        if (index.column() >= StateBytes && !row.version.figures)
            return tr("Only known while kappad runs the version.");
        return {};
    default: return {};
    }
}

QVariant VersionsModel::display(const Row &row, int column) const
{
    const std::optional<VersionFigures> &figures = row.version.figures;
    switch (column) {
    case Job: return row.job;
    case Version: return row.version.version;
    case State: return stateText(row.version.state);
    case Alias: return row.version.live ? tr("serves %1").arg(row.job) : QString();
    case Created: return row.version.createdMs > 0 ? formatWallTime(row.version.createdMs) : QString();
    case CreatedBy: return row.version.createdBy;
    case StateBytes: return figures ? formatBytes(figures->stateBytes) : QStringLiteral("—");
    case StateKeys: return figures ? QLocale().toString(figures->stateKeys) : QStringLiteral("—");
    default: return {};
    }
}

QVariant VersionsModel::sortValue(const Row &row, int column) const
{
    const std::optional<VersionFigures> &figures = row.version.figures;
    switch (column) {
    case Created: return row.version.createdMs;
    case StateBytes: return figures ? figures->stateBytes : qint64(-1);
    case StateKeys: return figures ? figures->stateKeys : qint64(-1);
    default: return display(row, column);
    }
}

QVariant VersionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Job: return tr("Job");
    case Version: return tr("Version");
    case State: return tr("State");
    case Alias: return tr("Alias");
    case Created: return tr("Registered");
    case CreatedBy: return tr("By");
    case StateBytes: return tr("State size");
    case StateKeys: return tr("Keys");
    default: return {};
    }
}

} // namespace kappa::console
