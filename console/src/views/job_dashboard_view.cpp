#include "views/job_dashboard_view.h"

#include "charts/checkpoint_chart.h"
#include "charts/latency_histogram_chart.h"
#include "charts/time_series_chart.h"
#include "models/formatting.h"
#include "models/partitions_model.h"

#include <QComboBox>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace kappa::console {

namespace {

const QColor kBlue(0x1f, 0x77, 0xb4);
const QColor kOrange(0xff, 0x7f, 0x0e);
const QColor kGreen(0x2c, 0xa0, 0x2c);
const QColor kPurple(0x94, 0x67, 0xbd);
const QString kProblemStyle = QStringLiteral("color: #c62828;");
const QString kWarnStyle = QStringLiteral("color: #b26a00;");
const QString kGoodStyle = QStringLiteral("color: #2e7d32;");

QString msText(double ms)
{
    const QLocale locale;
    if (ms >= 10'000)
        return JobDashboardView::tr("%1 s").arg(locale.toString(ms / 1000, 'f', 1));
    return JobDashboardView::tr("%1 ms").arg(locale.toString(ms, 'f', ms < 10 ? 1 : 0));
}

} // namespace

JobDashboardView::JobDashboardView(PartitionsModel *partitions, QWidget *parent)
    : QWidget(parent)
    , m_picker(new QComboBox)
    , m_status(new QLabel)
    , m_table(new QTableView)
{
    m_picker->setObjectName(QStringLiteral("versionPicker"));
    m_picker->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_picker->setMinimumContentsLength(18);
    m_picker->setPlaceholderText(tr("no running version"));
    connect(m_picker, &QComboBox::currentIndexChanged, this, &JobDashboardView::pickerChanged);
    m_status->setObjectName(QStringLiteral("streamStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *top = new QHBoxLayout;
    auto *pickerLabel = new QLabel(tr("&Job version:"));
    pickerLabel->setBuddy(m_picker);
    top->addWidget(pickerLabel);
    top->addWidget(m_picker);
    top->addSpacing(12);
    top->addWidget(m_status, 1);

    auto *sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(partitions);
    sorted->setSortRole(PartitionsModel::SortRole);
    m_table->setObjectName(QStringLiteral("partitions"));
    m_table->setModel(sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(PartitionsModel::Task, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);

    auto *split = new QSplitter(Qt::Vertical);
    split->setChildrenCollapsible(false);
    split->addWidget(buildCharts());
    split->addWidget(m_table);
    split->setStretchFactor(0, 5);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(buildKpis());
    layout->addWidget(split, 1);
    clearData();
}

QLabel *JobDashboardView::addKpi(QGridLayout *grid, int column, const QString &name, const QString &caption,
                                 QLabel **captionLabel)
{
    auto *title = new QLabel(caption);
    title->setStyleSheet(QStringLiteral("color: palette(dark);"));
    auto *value = new QLabel;
    value->setObjectName(name);
    QFont big = value->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    value->setFont(big);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid->addWidget(title, 0, column);
    grid->addWidget(value, 1, column);
    if (captionLabel)
        *captionLabel = title;
    return value;
}

QWidget *JobDashboardView::buildKpis()
{
    auto *frame = new QFrame;
    frame->setFrameShape(QFrame::StyledPanel);
    auto *grid = new QGridLayout(frame);
    grid->setContentsMargins(10, 6, 10, 6);
    grid->setHorizontalSpacing(24);
    grid->setVerticalSpacing(0);
    m_lagStatus = addKpi(grid, 0, QStringLiteral("kpiLagStatus"), tr("Lag status (Burrow)"));
    m_lagRecords = addKpi(grid, 1, QStringLiteral("kpiLagRecords"), tr("Lag"));
    m_lagSeconds = addKpi(grid, 2, QStringLiteral("kpiLagSeconds"), tr("Lag (time)"));
    m_throughput = addKpi(grid, 3, QStringLiteral("kpiThroughput"), tr("In / processed"));
    m_checkpointP99 = addKpi(grid, 4, QStringLiteral("kpiCheckpointP99"), tr("Checkpoint p99"));
    m_stateSize = addKpi(grid, 5, QStringLiteral("kpiStateSize"), tr("State size"));
    m_latencyP50 = addKpi(grid, 6, QStringLiteral("kpiLatencyP50"), tr("Latency p50"));
    m_latencyP99 = addKpi(grid, 7, QStringLiteral("kpiLatencyP99"), tr("Latency p99"), &m_latencyCaption);
    m_lagStatusHelp = (tr("Evaluated like LinkedIn's Burrow over the last %1 samples of each partition: "
                          "OK when the lag reached zero or shrinks, WARN when it never shrinks, ERR when "
                          "a partition stalls (no progress) or stops reporting.")
                           .arg(kDefaultLagWindow));
    m_lagStatus->setToolTip(m_lagStatusHelp);
    grid->setColumnStretch(8, 1);
    return frame;
}

QWidget *JobDashboardView::buildCharts()
{
    m_lag = new TimeSeriesChart;
    m_lag->setObjectName(QStringLiteral("lagChart"));
    m_lag->setTitle(tr("Consumer lag"));
    m_lag->addSeries(tr("events"), kBlue, TimeSeriesChart::Axis::Left);
    m_lag->addSeries(tr("seconds"), kOrange, TimeSeriesChart::Axis::Right);
    m_lag->setAxisLabel(TimeSeriesChart::Axis::Left, tr("events behind"));
    m_lag->setAxisLabel(TimeSeriesChart::Axis::Right, tr("seconds behind"));

    m_throughputChart = new TimeSeriesChart;
    m_throughputChart->setObjectName(QStringLiteral("throughputChart"));
    m_throughputChart->setTitle(tr("Throughput"));
    // Processed first, so that the input (dashed) stays visible on top when both are equal.
    m_throughputChart->addSeries(tr("processed"), kGreen);
    m_throughputChart->addSeries(tr("input"), kPurple, TimeSeriesChart::Axis::Left, Qt::DashLine);
    // The rates run along the top of the plot once the job keeps up.
    m_throughputChart->setLegendCorner(Qt::AlignBottom | Qt::AlignRight);
    m_throughputChart->setAxisLabel(TimeSeriesChart::Axis::Left, tr("events/s"));

    m_checkpoints = new CheckpointChart;
    m_checkpoints->setObjectName(QStringLiteral("checkpointChart"));
    m_checkpoints->setTitle(tr("Checkpoint duration"));

    m_state = new TimeSeriesChart;
    m_state->setObjectName(QStringLiteral("stateChart"));
    m_state->setTitle(tr("State size"));
    m_state->addSeries(tr("state store"), kBlue);
    m_state->setUnit(TimeSeriesChart::Axis::Left, TimeSeriesChart::Unit::Bytes);
    m_state->legend->setVisible(false);

    m_latencyChart = new LatencyHistogramChart;
    m_latencyChart->setObjectName(QStringLiteral("latencyChart"));
    m_latencyChart->setTitle(tr("Latency, append to visible"));

    auto *charts = new QWidget;
    auto *grid = new QGridLayout(charts);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    grid->addWidget(m_lag, 0, 0);
    grid->addWidget(m_throughputChart, 0, 1);
    grid->addWidget(m_checkpoints, 0, 2);
    grid->addWidget(m_state, 1, 0);
    grid->addWidget(m_latencyChart, 1, 1, 1, 2);
    for (int c = 0; c < 3; ++c)
        grid->setColumnStretch(c, 1);
    return charts;
}

void JobDashboardView::setJobs(const JobsSnapshot &jobs)
{
    QList<QPair<QString, QString>> entries;
    QStringList texts;
    for (const JobInfo &job : jobs.jobs) {
        m_slos.insert(job.job, job.slo);
        for (const JobVersionInfo &version : job.versions) {
            if (!version.running)
                continue;
            entries.append({job.job, version.version});
            texts.append(version.live ? tr("%1@%2 (live)").arg(job.job, version.version)
                                      : tr("%1@%2 (%3)").arg(job.job, version.version, version.state));
        }
    }
    const QPair<QString, QString> current{m_job, m_version};
    if (!m_job.isEmpty() && !entries.contains(current)) {
        entries.append(current);
        texts.append(tr("%1@%2 (not running)").arg(m_job, m_version));
    }
    m_updatingPicker = true;
    m_picker->clear();
    for (qsizetype i = 0; i < entries.size(); ++i)
        m_picker->addItem(texts[i], QStringList{entries[i].first, entries[i].second});
    m_picker->setCurrentIndex(static_cast<int>(entries.indexOf(current)));
    m_updatingPicker = false;
    m_latencyChart->setSlo(m_slos.value(m_job).latencyP99Ms);
}

void JobDashboardView::setCurrentVersion(const QString &job, const QString &version)
{
    m_job = job;
    m_version = version;
    m_updatingPicker = true;
    int found = -1;
    for (int i = 0; i < m_picker->count(); ++i)
        if (m_picker->itemData(i).toStringList() == QStringList{job, version})
            found = i;
    if (found < 0 && !job.isEmpty()) {
        m_picker->addItem(tr("%1@%2").arg(job, version), QStringList{job, version});
        found = m_picker->count() - 1;
    }
    m_picker->setCurrentIndex(found);
    m_updatingPicker = false;
    m_latencyChart->setSlo(m_slos.value(job).latencyP99Ms);
}

void JobDashboardView::pickerChanged(int index)
{
    if (m_updatingPicker || index < 0)
        return;
    const QStringList picked = m_picker->itemData(index).toStringList();
    if (picked.size() != 2 || (picked[0] == m_job && picked[1] == m_version))
        return;
    m_job = picked[0];
    m_version = picked[1];
    m_latencyChart->setSlo(m_slos.value(m_job).latencyP99Ms);
    emit versionPicked(m_job, m_version);
}

void JobDashboardView::showData(const VersionDashboard &dashboard)
{
    m_lag->setSeries(0, dashboard.series(DashboardSeries::LagRecords).points());
    m_lag->setSeries(1, dashboard.series(DashboardSeries::LagSeconds).points());
    m_throughputChart->setSeries(0, dashboard.series(DashboardSeries::ProcessingRate).points());
    m_throughputChart->setSeries(1, dashboard.series(DashboardSeries::InputRate).points());
    m_state->setSeries(0, dashboard.series(DashboardSeries::StateBytes).points());
    m_checkpoints->setCheckpoints(dashboard.checkpoints(), dashboard.checkpointP99Ms());
    m_latencyChart->setHistogram(dashboard.latency());
    showFigures(dashboard);
}

void JobDashboardView::showFigures(const VersionDashboard &dashboard)
{
    const QLocale locale;
    const std::optional<VersionFigures> &f = dashboard.figures();
    const QString none = QStringLiteral("–");
    m_lagRecords->setText(f ? tr("%1 events").arg(locale.toString(f->lagRecords)) : none);
    m_lagSeconds->setText(f ? tr("%1 s").arg(locale.toString(f->lagSeconds, 'f', 1)) : none);
    m_throughput->setText(
        f ? tr("%1 / %2 events/s")
                .arg(locale.toString(f->inputRate, 'f', 0), locale.toString(f->processingRate, 'f', 0))
          : none);
    // The same p99 as the line in the checkpoint chart (over the checkpoints
    // it shows), so the two never disagree; kappad's own figure (the largest
    // task p99 since it started) until the chart has points.
    if (const std::optional<double> shown = dashboard.checkpointP99Ms())
        m_checkpointP99->setText(msText(*shown));
    else
        m_checkpointP99->setText(f && f->checkpoints > 0 ? msText(f->checkpointP99Ms) : none);
    m_stateSize->setText(f ? formatBytes(f->stateBytes) : none);

    const JobSlo slo = m_slos.value(m_job);
    const bool measured = f && f->latencyMs.count > 0;
    m_latencyP50->setText(measured ? msText(f->latencyMs.p50) : none);
    m_latencyP99->setText(measured ? msText(f->latencyMs.p99) : none);
    m_latencyCaption->setText(slo.latencyP99Ms > 0 ? tr("Latency p99 (SLO %1)").arg(msText(slo.latencyP99Ms))
                                                   : tr("Latency p99"));
    const bool overSlo = measured && slo.latencyP99Ms > 0 && f->latencyMs.p99 > slo.latencyP99Ms;
    m_latencyP99->setStyleSheet(!measured || slo.latencyP99Ms <= 0 ? QString()
                                : overSlo                          ? kProblemStyle
                                                                   : kGoodStyle);
    m_latencyP99->setToolTip(overSlo ? tr("above the job's p99 objective") : QString());
    const bool lagOverSlo = f && slo.lagSeconds > 0 && f->lagSeconds > slo.lagSeconds;
    m_lagSeconds->setStyleSheet(lagOverSlo ? kProblemStyle : QString());
    m_lagSeconds->setToolTip(
        slo.lagSeconds > 0 ? tr("objective: at most %1 s").arg(locale.toString(slo.lagSeconds)) : QString());
}

void JobDashboardView::showLagEvaluation(const VersionLagEvaluation &e)
{
    const int partitions = e.ok + e.lagging + e.stalled + e.stopped + e.unknown;
    QString text = lagStatusText(e.status);
    QStringList details;
    if (e.stalled > 0)
        details << tr("%n stalled", nullptr, e.stalled);
    if (e.stopped > 0)
        details << tr("%n stopped", nullptr, e.stopped);
    if (e.lagging > 0)
        details << tr("%n lagging", nullptr, e.lagging);
    if (!details.isEmpty())
        text += QStringLiteral(" (") + details.join(QStringLiteral(", ")) + QLatin1Char(')');
    else if (e.status == LagStatus::Unknown && partitions > 0)
        text = e.noPosition == partitions ? tr("unknown (no positions)") : tr("evaluating…");
    m_lagStatus->setText(partitions == 0 ? QStringLiteral("–") : text);
    m_lagStatus->setToolTip(
        e.noPosition == partitions && partitions > 0 ? tr(
            "This kappad does not report the tasks' positions in its stream, which the evaluation needs.")
                                                     : m_lagStatusHelp);
    m_lagStatus->setStyleSheet(e.status == LagStatus::Err    ? kProblemStyle
                               : e.status == LagStatus::Warn ? kWarnStyle
                               : e.status == LagStatus::Ok   ? kGoodStyle
                                                             : QString());
}

void JobDashboardView::setStatusText(const QString &text, bool problem)
{
    m_status->setText(text);
    m_status->setStyleSheet(problem ? kProblemStyle : QString());
}

QString JobDashboardView::statusText() const
{
    return m_status->text();
}

void JobDashboardView::clearData()
{
    const VersionDashboard empty(m_job, m_version);
    showData(empty);
    showLagEvaluation(VersionLagEvaluation{});
}

QString JobDashboardView::kpiText(const QString &name) const
{
    const QLabel *label = findChild<QLabel *>(name);
    return label ? label->text() : QString();
}

} // namespace kappa::console
