#include "charts/time_series_chart.h"

#include "models/formatting.h"

#include <QDateTime>

#include <cmath>

namespace kappa::console {

TimeSeriesChart::TimeSeriesChart(QWidget *parent)
    : CoalescedPlot(parent)
{
    setUpTimeAxis(xAxis);
    yAxis->setRange(0, 1);
    yAxis->setNumberFormat(QStringLiteral("gb"));
    yAxis2->setNumberFormat(QStringLiteral("gb"));
    legend->setVisible(true);
    legend->setRowSpacing(0);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
}

int TimeSeriesChart::addSeries(const QString &name, const QColor &color, Axis axis)
{
    QCPAxis *valueAxis = axis == Axis::Left ? yAxis : yAxis2;
    if (axis == Axis::Right)
        yAxis2->setVisible(true);
    QCPGraph *graph = addGraph(xAxis, valueAxis);
    graph->setName(name);
    graph->setPen(linePen(color, axis == Axis::Right ? 1.4 : 1.8, axis == Axis::Right ? Qt::DashLine : Qt::SolidLine));
    graph->setAdaptiveSampling(true);
    m_series.append(Line{graph, axis, {}});
    requestReplot();
    return static_cast<int>(m_series.size()) - 1;
}

void TimeSeriesChart::setSeries(int index, const TimeSeries &points)
{
    if (index < 0 || index >= m_series.size())
        return;
    m_series[index].points = points;
    requestReplot();
}

void TimeSeriesChart::setAxisLabel(Axis axis, const QString &label)
{
    (axis == Axis::Left ? yAxis : yAxis2)->setLabel(label);
    requestReplot();
}

void TimeSeriesChart::setUnit(Axis axis, Unit unit)
{
    QCPAxis *valueAxis = axis == Axis::Left ? yAxis : yAxis2;
    if (unit == Unit::Bytes)
        valueAxis->setTicker(QSharedPointer<QCPAxisTicker>(new BytesTicker));
    else
        valueAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    requestReplot();
}

void TimeSeriesChart::setTimeWindow(qint64 milliseconds)
{
    m_windowMs = std::max<qint64>(milliseconds, 1000);
    requestReplot();
}

void TimeSeriesChart::rebuild()
{
    qint64 newest = 0;
    for (const Line &line : std::as_const(m_series))
        if (!line.points.isEmpty())
            newest = std::max(newest, line.points.back().first);
    if (newest == 0)
        newest = QDateTime::currentMSecsSinceEpoch();
    const qint64 oldest = newest - m_windowMs;
    double maxLeft = 0;
    double maxRight = 0;
    for (const Line &line : std::as_const(m_series)) {
        double &maxOfAxis = line.axis == Axis::Left ? maxLeft : maxRight;
        QVector<double> keys;
        QVector<double> values;
        keys.reserve(line.points.size());
        values.reserve(line.points.size());
        for (const auto &[timeMs, value] : line.points) {
            keys.append(timeKey(timeMs));
            values.append(value);
            if (timeMs >= oldest)
                maxOfAxis = std::max(maxOfAxis, value);
        }
        line.graph->setData(keys, values, true);
    }
    xAxis->setRange(timeKey(oldest), timeKey(newest));
    // From zero to a little above the largest value shown, never an empty range.
    yAxis->setRange(0, maxLeft > 0 ? maxLeft * 1.12 : 1);
    yAxis2->setRange(0, maxRight > 0 ? maxRight * 1.12 : 1);
}

double BytesTicker::getTickStep(const QCPRange &range)
{
    // Steps of 1, 2, 5 × a power of 1024 × a power of 10 within that unit.
    const double unit = std::pow(1024.0, std::floor(std::log(std::max(range.upper, 1.0)) / std::log(1024.0)));
    const double exactStep = range.size() / unit / double(std::max(tickCount(), 1));
    return cleanMantissa(exactStep) * unit;
}

QString BytesTicker::getTickLabel(double tick, const QLocale &, QChar, int)
{
    return formatBytes(static_cast<qint64>(std::llround(tick)));
}

} // namespace kappa::console
