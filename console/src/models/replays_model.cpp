#include "models/replays_model.h"

#include "models/overview_model.h"

#include <QLocale>

#include <cmath>

namespace kappa::console {

QString formatEta(std::optional<double> seconds)
{
    if (!seconds || !std::isfinite(*seconds) || *seconds < 0)
        return QStringLiteral("—");
    const auto total = static_cast<qint64>(std::llround(*seconds));
    if (total < 60)
        return ReplaysModel::tr("%1 s").arg(total);
    if (total < 3600)
        return ReplaysModel::tr("%1 min %2 s").arg(total / 60).arg(total % 60);
    return ReplaysModel::tr("%1 h %2 min").arg(total / 3600).arg(total % 3600 / 60);
}

ReplaysModel::ReplaysModel(QObject *parent)
    : SnapshotTableModel(parent)
{}

void ReplaysModel::setReplays(const QList<ReplayInfo> &replays)
{
    replaceRows(replays, [](const ReplayInfo &replay) { return replay.id; });
}

void ReplaysModel::updateReplay(const ReplayInfo &replay)
{
    for (qsizetype row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].id != replay.id)
            continue;
        m_rows[row] = replay;
        emit dataChanged(index(int(row), 0), index(int(row), ColumnCount - 1));
        return;
    }
}

int ReplaysModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReplaysModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ReplayInfo &replay = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole: return display(replay, index.column());
    case SortRole: return sortValue(replay, index.column());
    case ReplayIdRole: return replay.id;
    case ActiveRole: return replay.active();
    case PausedRole: return replay.paused;
    case Qt::ToolTipRole:
        return tr("launched by %1, from %2; k = %3, cap %4 events/s, floor %5 events/s")
            .arg(replay.createdBy, replay.from)
            .arg(replay.rateMultiple)
            .arg(replay.maxRate)
            .arg(replay.minRate);
    default: return {};
    }
}

QVariant ReplaysModel::display(const ReplayInfo &replay, int column) const
{
    const QLocale locale;
    switch (column) {
    case Id: return replay.id;
    case Target: return replay.job + QLatin1Char('@') + replay.version;
    case Kind:
        if (replay.kind == QLatin1String("rebuild"))
            return tr("rebuild");
        return replay.kind == QLatin1String("replay") ? tr("replay") : replay.kind;
    case State:
        if (replay.paused)
            return tr("paused");
        return stateText(replay.state);
    case Progress: return tr("%1 %").arg(locale.toString(replay.percent, 'f', 1));
    case Rate:
        if (!replay.running)
            return QString();
        return tr("%1 of %2 events/s")
            .arg(locale.toString(replay.currentRate, 'f', 0), locale.toString(replay.targetRate, 'f', 0));
    case Eta: return replay.running ? formatEta(replay.etaSeconds) : QString();
    case Note:
        if (replay.active() && !replay.slowdownReason.isEmpty())
            return tr("slowed down: %1").arg(replay.slowdownReason);
        if (!replay.serveFrom.isEmpty() && replay.active())
            return tr("reads served by %1").arg(replay.serveFrom);
        return replay.reason;
    default: return {};
    }
}

QVariant ReplaysModel::sortValue(const ReplayInfo &replay, int column) const
{
    switch (column) {
    case Id: return replay.id;
    case Progress: return replay.percent;
    case Rate: return replay.currentRate;
    case Eta: return replay.etaSeconds ? QVariant(*replay.etaSeconds) : QVariant();
    default: return display(replay, column);
    }
}

QVariant ReplaysModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id: return tr("Id");
    case Target: return tr("Version");
    case Kind: return tr("Kind");
    case State: return tr("State");
    case Progress: return tr("Progress");
    case Rate: return tr("Rate");
    case Eta: return tr("ETA");
    case Note: return tr("Why");
    default: return {};
    }
}

} // namespace kappa::console
