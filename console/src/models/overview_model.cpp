#include "models/overview_model.h"

#include <QColor>
#include <QFont>
#include <QHash>
#include <QLocale>
#include <algorithm>

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

namespace {

// Within `limit`, past `riskShare` of it, or over it.
SloStatus against(double value, double limit, double riskShare)
{
    if (value > limit)
        return SloStatus::Breached;
    return value > riskShare * limit ? SloStatus::AtRisk : SloStatus::Met;
}

bool heldToSlos(const JobVersionInfo &version)
{
    return version.live && version.figures;
}

} // namespace

SloStatus lagSloStatus(const JobVersionInfo &version, const JobSlo &slo)
{
    if (!heldToSlos(version) || slo.lagSeconds <= 0)
        return SloStatus::Unknown;
    return against(version.figures->lagSeconds, slo.lagSeconds, 0.5); // replays back off from half
}

SloStatus latencySloStatus(const JobVersionInfo &version, const JobSlo &slo)
{
    if (!heldToSlos(version) || slo.latencyP99Ms <= 0 || version.figures->latencyMs.count == 0)
        return SloStatus::Unknown;
    return against(version.figures->latencyMs.p99, slo.latencyP99Ms, 0.8);
}

SloStatus sloStatus(const JobVersionInfo &version, const JobSlo &slo)
{
    return std::max(lagSloStatus(version, slo), latencySloStatus(version, slo)); // ordered by severity
}

QString sloStatusText(SloStatus status)
{
    switch (status) {
    case SloStatus::Met: return OverviewModel::tr("met");
    case SloStatus::AtRisk: return OverviewModel::tr("at risk");
    case SloStatus::Breached: return OverviewModel::tr("breached");
    case SloStatus::Unknown: break;
    }
    return QStringLiteral("—");
}

namespace {

// Light backgrounds that keep the dark text readable, in light and dark themes alike.
QColor severityColour(int severity) // 0 good, 1 warning, 2 bad
{
    static const QColor kColours[] = {QColor(0xc8, 0xe6, 0xc9), QColor(0xff, 0xe0, 0xb2),
                                      QColor(0xff, 0xcd, 0xd2)};
    return kColours[severity];
}

std::optional<int> severityOf(SloStatus status)
{
    switch (status) {
    case SloStatus::Met: return 0;
    case SloStatus::AtRisk: return 1;
    case SloStatus::Breached: return 2;
    case SloStatus::Unknown: break;
    }
    return std::nullopt;
}

std::optional<int> severityOf(LagStatus status)
{
    switch (status) {
    case LagStatus::Ok: return 0;
    case LagStatus::Warn: return 1;
    case LagStatus::Err: return 2;
    case LagStatus::Unknown: break;
    }
    return std::nullopt;
}

} // namespace

OverviewModel::OverviewModel(QObject *parent)
    : SnapshotTableModel(parent)
{}

void OverviewModel::setSnapshot(const JobsSnapshot &snapshot)
{
    QList<Row> rows;
    for (const JobInfo &job : snapshot.jobs)
        for (const JobVersionInfo &version : job.versions)
            rows.append(Row{job.job, job.slo, version});
    replaceRows(std::move(rows),
                [](const Row &row) { return row.job + QLatin1Char('@') + row.version.version; });
}

void OverviewModel::setLagEvaluations(const QHash<QString, VersionLagEvaluation> &evaluations)
{
    m_lag = evaluations;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, LagHealth), index(rowCount() - 1, LagHealth));
}

VersionLagEvaluation OverviewModel::lagOf(const Row &row) const
{
    return m_lag.value(row.job + QLatin1Char('@') + row.version.version);
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
        return index.column() >= LagRecords && index.column() <= LatencyP99
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant();
    case Qt::FontRole:
        if (row.version.live) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ToolTipRole: return toolTip(row, index.column());
    case Qt::BackgroundRole: return background(row, index.column());
    case Qt::ForegroundRole: // dark on the light severity colours, whatever the theme
        return background(row, index.column()).isValid() ? QVariant(QColor(Qt::black)) : QVariant();
    default: return {};
    }
}

QVariant OverviewModel::background(const Row &row, int column) const
{
    std::optional<int> severity;
    if (column == Slo)
        severity = severityOf(sloStatus(row.version, row.slo));
    else if (column == LagSeconds)
        severity = severityOf(lagSloStatus(row.version, row.slo));
    else if (column == LatencyP99)
        severity = severityOf(latencySloStatus(row.version, row.slo));
    else if (column == LagHealth)
        severity = severityOf(lagOf(row).status);
    return severity ? QVariant(severityColour(*severity)) : QVariant();
}

QVariant OverviewModel::toolTip(const Row &row, int column) const
{
    const QLocale locale;
    switch (column) {
    case Version: return tr("created by %1").arg(row.version.createdBy);
    case Slo:
    case LagSeconds:
    case LatencyP99:
        if (!row.version.live)
            return tr("Only the live version is held to the SLOs.");
        return tr("SLOs: lag under %1 s, append-to-view p99 under %2 ms")
            .arg(locale.toString(row.slo.lagSeconds), locale.toString(row.slo.latencyP99Ms));
    case LagHealth: {
        const VersionLagEvaluation lag = lagOf(row);
        return tr("Partitions: %1 OK, %2 lagging, %3 stalled, %4 stopped, %5 unknown. Judged from the trend "
                  "of position and lag over the last ten seconds, without thresholds.")
            .arg(lag.ok)
            .arg(lag.lagging)
            .arg(lag.stalled)
            .arg(lag.stopped)
            .arg(lag.unknown);
    }
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
    case InputRate: return f ? locale.toString(f->inputRate, 'f', 0) : QString();
    case Rate: return f ? locale.toString(f->processingRate, 'f', 0) : QString();
    case LatencyP99:
        return f && f->latencyMs.count > 0 ? locale.toString(f->latencyMs.p99, 'f', 1) : QString();
    case LagHealth: {
        const VersionLagEvaluation lag = lagOf(row);
        if (lag.stalled + lag.stopped == 0)
            return lagStatusText(lag.status);
        return tr("%1 (%2 stalled, %3 stopped)")
            .arg(lagStatusText(lag.status))
            .arg(lag.stalled)
            .arg(lag.stopped);
    }
    case Slo: return sloStatusText(sloStatus(row.version, row.slo));
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
    case InputRate: return f ? QVariant(f->inputRate) : QVariant();
    case Rate: return f ? QVariant(f->processingRate) : QVariant();
    case LatencyP99: return f ? QVariant(f->latencyMs.p99) : QVariant();
    case LagHealth: return static_cast<int>(lagOf(row).status);
    case Slo: return static_cast<int>(sloStatus(row.version, row.slo));
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
    case InputRate: return tr("In (events/s)");
    case Rate: return tr("Processed (events/s)");
    case LatencyP99: return tr("Latency p99 (ms)");
    case LagHealth: return tr("Lag trend");
    case Slo: return tr("SLO");
    default: return {};
    }
}

} // namespace kappa::console
