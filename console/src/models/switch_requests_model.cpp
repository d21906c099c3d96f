#include "models/switch_requests_model.h"

#include <QDateTime>
#include <QSet>

namespace kappa::console {

QList<SwitchRequestInfo> pendingRequests(const QList<SwitchRequestInfo> &all)
{
    QList<SwitchRequestInfo> out;
    for (const SwitchRequestInfo &request : all)
        if (request.state == QLatin1String("pending"))
            out.append(request);
    return out;
}

QList<SwitchRequestInfo> lastSwitchPerJob(const QList<SwitchRequestInfo> &all)
{
    QList<SwitchRequestInfo> out;
    QSet<QString> seen;
    for (const SwitchRequestInfo &request : all) {
        if (request.state != QLatin1String("switched") || seen.contains(request.job))
            continue;
        seen.insert(request.job);
        out.append(request);
    }
    std::stable_sort(out.begin(), out.end(), [](const SwitchRequestInfo &a, const SwitchRequestInfo &b) {
        return a.decidedMs > b.decidedMs;
    });
    return out;
}

QString switchStateText(const QString &state)
{
    if (state == QLatin1String("pending"))
        return SwitchRequestsModel::tr("pending");
    if (state == QLatin1String("switched"))
        return SwitchRequestsModel::tr("switched");
    if (state == QLatin1String("rejected"))
        return SwitchRequestsModel::tr("rejected");
    if (state == QLatin1String("expired"))
        return SwitchRequestsModel::tr("expired");
    if (state == QLatin1String("void"))
        return SwitchRequestsModel::tr("void");
    return state;
}

SwitchRequestsModel::SwitchRequestsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void SwitchRequestsModel::setRequests(const QList<SwitchRequestInfo> &requests)
{
    beginResetModel();
    m_requests = requests;
    endResetModel();
}

std::optional<SwitchRequestInfo> SwitchRequestsModel::request(qint64 id) const
{
    for (const SwitchRequestInfo &request : m_requests)
        if (request.id == id)
            return request;
    return std::nullopt;
}

int SwitchRequestsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_requests.size());
}

int SwitchRequestsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SwitchRequestsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SwitchRequestInfo &request = m_requests[index.row()];
    switch (role) {
    case Qt::DisplayRole: return display(request, index.column());
    case SwitchIdRole: return request.id;
    case SortRole:
        switch (index.column()) {
        case Id: return request.id;
        case RequestedAt: return request.requestedMs;
        case DecidedAt: return request.decidedMs;
        default: return display(request, index.column());
        }
    case Qt::ToolTipRole:
        if (!request.reason.isEmpty())
            return tr("%1: %2").arg(switchStateText(request.state), request.reason);
        if (!request.overrideReason.isEmpty())
            return tr("admin override: %1").arg(request.overrideReason);
        return {};
    default: return {};
    }
}

QVariant SwitchRequestsModel::display(const SwitchRequestInfo &request, int column) const
{
    switch (column) {
    case Id: return request.id;
    case Job: return request.job;
    case Change: return tr("%1 → %2").arg(request.fromVersion, request.toVersion);
    case State: return switchStateText(request.state);
    case RequestedBy: return request.requestedBy;
    case RequestedAt: return formatWallTime(request.requestedMs);
    case DecidedBy: return request.decidedBy;
    case DecidedAt: return request.decidedMs > 0 ? formatWallTime(request.decidedMs) : QString();
    default: return {};
    }
}

QVariant SwitchRequestsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id: return tr("Request");
    case Job: return tr("Job");
    case Change: return tr("Versions");
    case State: return tr("State");
    case RequestedBy: return tr("Requested by");
    case RequestedAt: return tr("Requested at");
    case DecidedBy: return tr("Decided by");
    case DecidedAt: return tr("Decided at");
    default: return {};
    }
}

} // namespace kappa::console
