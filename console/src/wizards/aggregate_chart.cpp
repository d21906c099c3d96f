#include "wizards/aggregate_chart.h"

#include "models/validation_aggregates_model.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace kappa::console {

namespace {

const QColor kWithin(0x3b, 0x9b, 0x5b);
const QColor kOutside(0xc6, 0x28, 0x28);

} // namespace

QString aggregateLabel(const QString &name)
{
    if (name == QLatin1String("score_psi"))
        return AggregateChart::tr("score PSI");
    static const QRegularExpression kHour(QStringLiteral("^(.*) @(\\d+)$"));
    const QRegularExpressionMatch match = kHour.match(name);
    if (!match.hasMatch())
        return name;
    const QDateTime hour = QDateTime::fromMSecsSinceEpoch(match.captured(2).toLongLong(), Qt::UTC);
    return QStringLiteral("%1 %2").arg(match.captured(1), hour.toString(QStringLiteral("HH:mm")));
}

AggregateChart::AggregateChart(QWidget *parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot)
{
    m_plot->setMinimumHeight(240);
    m_within = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    m_within->setName(tr("within tolerance"));
    m_within->setBrush(kWithin);
    m_within->setPen(QPen(kWithin.darker(120)));
    m_outside = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    m_outside->setName(tr("outside tolerance"));
    m_outside->setBrush(kOutside);
    m_outside->setPen(QPen(kOutside.darker(120)));
    for (QCPBars *bars : {m_within, m_outside})
        bars->setWidth(0.7);

    QPen tolerance(QColor(0x55, 0x55, 0x55));
    tolerance.setStyle(Qt::DashLine);
    m_upper = m_plot->addGraph();
    m_upper->setName(tr("allowed"));
    m_lower = m_plot->addGraph();
    m_lower->removeFromLegend();
    for (QCPGraph *graph : {m_upper, m_lower}) {
        graph->setPen(tolerance);
        graph->setLineStyle(QCPGraph::lsLine);
    }

    m_plot->legend->setVisible(true);
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
}

void AggregateChart::setAggregates(const QList<ValidationAggregate> &aggregates)
{
    const bool onlyPsi = !aggregates.isEmpty()
                         && std::all_of(aggregates.begin(), aggregates.end(), isScorePsi);
    // Relative deltas read best in percent; a PSI is a plain number.
    auto scale = [](const ValidationAggregate &a) { return isScorePsi(a) ? 1.0 : 100.0; };

    QVector<double> withinX, withinY, outsideX, outsideY, toleranceX, upper, lower;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    double extent = 0;
    for (qsizetype i = 0; i < aggregates.size(); ++i) {
        const ValidationAggregate &a = aggregates[i];
        const double x = static_cast<double>(i + 1);
        ticker->addTick(x, aggregateLabel(a.name));
        // A short dashed line across each bar at ± its tolerance; NaN breaks
        // the line between bars. A PSI has no lower bound.
        const double tol = a.tolerance * scale(a);
        const double gap = std::nan("");
        toleranceX << x - 0.45 << x + 0.45 << x + 0.5;
        upper << tol << tol << gap;
        lower << (isScorePsi(a) ? gap : -tol) << (isScorePsi(a) ? gap : -tol) << gap;
        extent = std::max(extent, tol);
        if (!a.delta)
            continue; // only the live value is 0: no relative delta to draw
        const double y = *a.delta * scale(a);
        extent = std::max(extent, std::abs(y));
        (a.ok ? withinX : outsideX).append(x);
        (a.ok ? withinY : outsideY).append(y);
    }
    m_within->setData(withinX, withinY, true);
    m_outside->setData(outsideX, outsideY, true);
    m_upper->setData(toleranceX, upper, true);
    m_lower->setData(toleranceX, lower, true);

    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setTickLabelRotation(aggregates.size() > 8 ? 60 : 0);
    m_plot->xAxis->setRange(0.4, static_cast<double>(aggregates.size()) + 0.6);
    if (extent <= 0)
        extent = 1;
    m_plot->yAxis->setRange(onlyPsi ? 0 : -extent * 1.2, extent * 1.2);
    m_plot->yAxis->setLabel(onlyPsi ? tr("PSI") : tr("delta (%)"));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int AggregateChart::barCount() const
{
    return m_within->dataCount() + m_outside->dataCount();
}

} // namespace kappa::console
