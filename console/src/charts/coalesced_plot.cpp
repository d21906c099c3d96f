#include "charts/coalesced_plot.h"

#include <QTimer>

#include <cmath>

namespace kappa::console {

CoalescedPlot::CoalescedPlot(QWidget *parent)
    : QCustomPlot(parent)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    m_timer->setInterval(kReplotIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &CoalescedPlot::onTimer);

    for (QCPAxis *axis : axisRect()->axes()) {
        axis->grid()->setPen(QPen(QColor(0, 0, 0, 28), 1, Qt::DotLine));
        axis->setBasePen(QPen(palette().color(QPalette::Mid)));
    }
    legend->setBrush(QColor(255, 255, 255, 210));
    legend->setBorderPen(QPen(QColor(0, 0, 0, 40)));
    setAntialiasedElements(QCP::aePlottables | QCP::aeItems);
}

void CoalescedPlot::setTitle(const QString &title)
{
    if (!m_title) {
        plotLayout()->insertRow(0);
        QFont bold = font();
        bold.setBold(true);
        m_title = new QCPTextElement(this, title, bold);
        plotLayout()->addElement(0, 0, m_title);
        plotLayout()->setRowSpacing(0);
    }
    m_title->setText(title);
    requestReplot();
}

QString CoalescedPlot::title() const
{
    return m_title ? m_title->text() : QString();
}

void CoalescedPlot::requestReplot()
{
    m_dirty = true;
    if (!m_timer->isActive())
        m_timer->start();
}

void CoalescedPlot::flush()
{
    m_timer->stop();
    m_dirty = false;
    rebuild();
    replot(rpImmediateRefresh);
}

void CoalescedPlot::onTimer()
{
    if (!m_dirty || !isVisible())
        return; // a hidden chart stays dirty until shown
    m_dirty = false;
    rebuild();
    replot(rpQueuedReplot);
}

void CoalescedPlot::showEvent(QShowEvent *event)
{
    QCustomPlot::showEvent(event);
    if (m_dirty && !m_timer->isActive())
        m_timer->start();
}

QPen CoalescedPlot::linePen(const QColor &color, qreal width, Qt::PenStyle style)
{
    return QPen(color, width, style);
}

void setUpTimeAxis(QCPAxis *axis)
{
    QSharedPointer<QCPAxisTickerDateTime> ticker(new QCPAxisTickerDateTime);
    ticker->setDateTimeFormat(QStringLiteral("HH:mm"));
    ticker->setDateTimeSpec(Qt::LocalTime);
    ticker->setTickCount(4);
    axis->setTicker(ticker);
}

void setTimeRange(QCPAxis *axis, qint64 fromMs, qint64 toMs)
{
    if (auto ticker = qSharedPointerDynamicCast<QCPAxisTickerDateTime>(axis->ticker()))
        ticker->setDateTimeFormat(toMs - fromMs < 5 * 60 * 1000 ? QStringLiteral("HH:mm:ss")
                                                                : QStringLiteral("HH:mm"));
    axis->setRange(timeKey(fromMs), timeKey(toMs));
}

QString PlainNumberTicker::getTickLabel(double tick, const QLocale &locale, QChar, int)
{
    // 15 significant digits: exact for tick values, and no exponent below 1e15;
    // rounding hides the binary noise of steps like 0.1 + 0.2.
    if (std::abs(tick) < 1e-12)
        tick = 0; // the zero tick of a range computed in floating point
    return locale.toString(tick, 'g', 15);
}

void usePlainNumbers(QCPAxis *axis)
{
    axis->setTicker(QSharedPointer<QCPAxisTicker>(new PlainNumberTicker));
}

} // namespace kappa::console
