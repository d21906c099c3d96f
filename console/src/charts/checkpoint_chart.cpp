#include "charts/checkpoint_chart.h"

#include <QDateTime>
#include <QLocale>

namespace kappa::console {

namespace {
const QColor kCheckpointColor(0x1f, 0x77, 0xb4);
const QColor kP99Color(0x55, 0x55, 0x55);
} // namespace

CheckpointChart::CheckpointChart(QWidget *parent)
    : CoalescedPlot(parent)
    , m_graph(addGraph())
    , m_p99(new QCPItemStraightLine(this))
    , m_p99Label(new QCPItemText(this))
{
    setUpTimeAxis(xAxis);
    yAxis->setLabel(tr("duration (ms)"));
    usePlainNumbers(yAxis);
    m_graph->setName(tr("checkpoint"));
    m_graph->setLineStyle(QCPGraph::lsImpulse);
    m_graph->setPen(linePen(kCheckpointColor, 1.4));
    m_graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, kCheckpointColor, 4));

    m_p99->setPen(linePen(kP99Color, 1.4, Qt::DashLine));
    m_p99->point1->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_p99->point2->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_p99Label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_p99Label->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    m_p99Label->setColor(kP99Color);
    m_p99Label->setClipToAxisRect(true);
    m_p99->setVisible(false);
    m_p99Label->setVisible(false);
}

void CheckpointChart::setCheckpoints(const QList<CheckpointPoint> &checkpoints, std::optional<double> p99Ms)
{
    m_checkpoints = checkpoints;
    m_p99Ms = p99Ms;
    requestReplot();
}

void CheckpointChart::setTimeWindow(qint64 milliseconds)
{
    m_windowMs = std::max<qint64>(milliseconds, 1000);
    requestReplot();
}

void CheckpointChart::rebuild()
{
    const qint64 newest = m_checkpoints.isEmpty() ? QDateTime::currentMSecsSinceEpoch()
                                                  : m_checkpoints.back().timeMs;
    const qint64 oldest = newest - m_windowMs;
    QVector<double> keys;
    QVector<double> values;
    double maxValue = 0;
    for (const CheckpointPoint &point : std::as_const(m_checkpoints)) {
        keys.append(timeKey(point.timeMs));
        values.append(point.durationMs);
        if (point.timeMs >= oldest)
            maxValue = std::max(maxValue, point.durationMs);
    }
    m_graph->setData(keys, values); // sorts by time: several tasks checkpoint in the same second
    // A little room to the right so that the newest stem is not on the border.
    const qint64 first = m_checkpoints.isEmpty() ? oldest : std::max(oldest, m_checkpoints.front().timeMs);
    const qint64 from = std::min(first, newest - 60'000);
    setTimeRange(xAxis, from, newest + (newest - from) / 40);
    if (m_p99Ms)
        maxValue = std::max(maxValue, *m_p99Ms);
    yAxis->setRange(0, maxValue > 0 ? maxValue * 1.18 : 1);

    const bool line = m_p99Ms.has_value();
    m_p99->setVisible(line);
    m_p99Label->setVisible(line);
    if (line) {
        m_p99->point1->setCoords(0, *m_p99Ms);
        m_p99->point2->setCoords(1, *m_p99Ms);
        m_p99Label->position->setCoords(0.99, *m_p99Ms);
        m_p99Label->setText(tr("p99 %1 ms").arg(QLocale().toString(*m_p99Ms, 'f', *m_p99Ms < 10 ? 1 : 0)));
    }
}

} // namespace kappa::console
