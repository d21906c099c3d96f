#include "charts/time_series_chart.h"

#include <QDateTime>

#include <cmath>
#include <limits>

namespace kappa::console {

TimeSeriesChart::TimeSeriesChart(QWidget *parent)
    : CoalescedPlot(parent)
{
    setUpTimeAxis(xAxis);
    yAxis->setRange(0, 1);
    usePlainNumbers(yAxis);
    usePlainNumbers(yAxis2);
    legend->setVisible(true);
    legend->setRowSpacing(0);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
}

int TimeSeriesChart::addSeries(const QString &name, const QColor &color, Axis axis,
                               std::optional<Qt::PenStyle> style)
{
    QCPAxis *valueAxis = axis == Axis::Left ? yAxis : yAxis2;
    if (axis == Axis::Right)
        yAxis2->setVisible(true);
    QCPGraph *graph = addGraph(xAxis, valueAxis);
    graph->setName(name);
    const Qt::PenStyle penStyle = style.value_or(axis == Axis::Right ? Qt::DashLine : Qt::SolidLine);
    graph->setPen(linePen(color, penStyle == Qt::SolidLine ? 1.8 : 1.5, penStyle));
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

void TimeSeriesChart::setLegendCorner(Qt::Alignment corner)
{
    axisRect()->insetLayout()->setInsetAlignment(0, corner);
    requestReplot();
}

void TimeSeriesChart::setUnit(Axis axis, Unit unit)
{
    QCPAxis *valueAxis = axis == Axis::Left ? yAxis : yAxis2;
    if (unit == Unit::Bytes)
        valueAxis->setTicker(QSharedPointer<QCPAxisTicker>(new BytesTicker));
    else
        usePlainNumbers(valueAxis);
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
    qint64 first = std::numeric_limits<qint64>::max();
    for (const Line &line : std::as_const(m_series)) {
        if (!line.points.isEmpty()) {
            newest = std::max(newest, line.points.back().first);
            first = std::min(first, line.points.front().first);
        }
    }
    if (newest == 0)
        newest = first = QDateTime::currentMSecsSinceEpoch();
    // The data's span, within [one minute, the window].
    const qint64 oldest = std::min(std::max(first, newest - m_windowMs), newest - kMinimumSpanMs);
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
    setTimeRange(xAxis, oldest, newest);
    // From zero to a little above the largest value shown, never an empty range.
    yAxis->setRange(0, maxLeft > 0 ? maxLeft * 1.12 : 1);
    yAxis2->setRange(0, maxRight > 0 ? maxRight * 1.12 : 1);
}

double BytesTicker::getTickStep(const QCPRange &range)
{
    const double exactStep = range.size() / double(std::max(tickCount(), 1));
    return std::pow(2.0, std::ceil(std::log2(std::max(exactStep, 1.0))));
}

QString BytesTicker::getTickLabel(double tick, const QLocale &locale, QChar, int)
{
    static const char *const kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int unit = 0;
    double value = tick;
    while (std::abs(value) >= 1024 && unit < 5) {
        value /= 1024;
        ++unit;
    }
    return QStringLiteral("%1 %2").arg(locale.toString(value, 'g', 4), QLatin1String(kUnits[unit]));
}

} // namespace kappa::console
