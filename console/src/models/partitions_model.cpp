#include "models/partitions_model.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>

namespace kappa::console {

namespace {

QColor lagColor(PartitionLag lag)
{
    switch (statusOf(lag)) {
    case LagStatus::Warn: return QColor(0xb2, 0x6a, 0x00); // amber, readable on white
    case LagStatus::Err: return QColor(0xc6, 0x28, 0x28);
    case LagStatus::Ok: return QColor(0x2e, 0x7d, 0x32);
    case LagStatus::Unknown: break;
    }
    return {};
}

} // namespace

PartitionsModel::PartitionsModel(QObject *parent)
    : SnapshotTableModel(parent)
{}

void PartitionsModel::setMetrics(const VersionMetricsInfo &metrics)
{
    replaceRows(metrics.tasks, [](const TaskMetricsInfo &task) { return task.task; });
}

void PartitionsModel::setLagStates(const QHash<QString, PartitionLag> &states)
{
    m_states = states;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void PartitionsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_states.clear();
    endResetModel();
}

int PartitionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

PartitionLag PartitionsModel::lagOf(const TaskMetricsInfo &task) const
{
    return m_states.value(task.task, PartitionLag::Unknown);
}

QVariant PartitionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TaskMetricsInfo &task = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole: return display(task, index.column());
    case SortRole: return sortValue(task, index.column());
    case LagStateRole: return static_cast<int>(lagOf(task));
    case Qt::TextAlignmentRole:
        return index.column() >= Partition && index.column() <= ProcessingRate
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant();
    case Qt::ForegroundRole:
        if (index.column() == LagState && lagColor(lagOf(task)).isValid())
            return QBrush(lagColor(lagOf(task)));
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Task: return tr("input topic %1").arg(task.topic);
        case Position: return tr("the next offset the task reads");
        case Watermark:
            return task.watermarkMs > 0
                       ? QDateTime::fromMSecsSinceEpoch(task.watermarkMs, Qt::UTC).toString(Qt::ISODateWithMs)
                       : QVariant();
        case LagState:
            return tr("Burrow's evaluation of the last %1 samples: lagging when the lag never shrinks, "
                      "stalled when the position does not move, stopped when the task no longer reports")
                .arg(kDefaultLagWindow);
        default: return {};
        }
    default: return {};
    }
}

QVariant PartitionsModel::display(const TaskMetricsInfo &task, int column) const
{
    const QLocale locale;
    switch (column) {
    case Task: return task.task;
    case Stage: return task.stage;
    case Partition: return task.partition;
    case Position: return locale.toString(task.position);
    case EndOffset: return locale.toString(task.endOffset);
    case LagRecords: return locale.toString(task.lagRecords);
    case LagSeconds: return locale.toString(task.lagSeconds, 'f', 1);
    case InputRate: return locale.toString(task.inputRate, 'f', 0);
    case ProcessingRate: return locale.toString(task.processingRate, 'f', 0);
    case Watermark:
        return task.watermarkMs > 0
                   ? QDateTime::fromMSecsSinceEpoch(task.watermarkMs).toString(QStringLiteral("HH:mm:ss"))
                   : QString();
    case CaughtUp: return task.caughtUp ? tr("yes") : tr("no");
    case LagState: return partitionLagText(lagOf(task));
    default: return {};
    }
}

QVariant PartitionsModel::sortValue(const TaskMetricsInfo &task, int column) const
{
    switch (column) {
    case Task: return task.task;
    case Stage: return task.stage;
    case Partition: return task.partition;
    case Position: return task.position;
    case EndOffset: return task.endOffset;
    case LagRecords: return task.lagRecords;
    case LagSeconds: return task.lagSeconds;
    case InputRate: return task.inputRate;
    case ProcessingRate: return task.processingRate;
    case Watermark: return task.watermarkMs;
    case CaughtUp: return task.caughtUp;
    case LagState: return static_cast<int>(statusOf(lagOf(task)));
    default: return {};
    }
}

QVariant PartitionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Task: return tr("Task");
    case Stage: return tr("Stage");
    case Partition: return tr("Partition");
    case Position: return tr("Position");
    case EndOffset: return tr("End offset");
    case LagRecords: return tr("Lag (events)");
    case LagSeconds: return tr("Lag (s)");
    case InputRate: return tr("Input (events/s)");
    case ProcessingRate: return tr("Processed (events/s)");
    case Watermark: return tr("Watermark");
    case CaughtUp: return tr("Caught up");
    case LagState: return tr("Lag state");
    default: return {};
    }
}

} // namespace kappa::console
