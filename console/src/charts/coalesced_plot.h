// CoalescedPlot: the base of the console's charts, a QCustomPlot that redraws
// at most every 40 ms however often its data changes. Setters only store the
// new data and call requestReplot(); a single-shot timer then lets the chart
// apply the data to its plottables (rebuild()) and queues one replot
// (QCustomPlot::rpQueuedReplot). While the chart is hidden (another tab) it
// does not replot at all, and catches up when it is shown.
//
// Also the common look: a title above the plot, the widget's font, light grid.
//
// Threading: GUI thread only, like every widget.
#pragma once

#include <qcustomplot.h>

class QTimer;

namespace kappa::console {

class CoalescedPlot : public QCustomPlot
{
    Q_OBJECT

public:
    static constexpr int kReplotIntervalMs = 40;

    explicit CoalescedPlot(QWidget *parent = nullptr);

    void setTitle(const QString &title);
    QString title() const;

    // Marks the chart dirty; it is rebuilt and replotted within kReplotIntervalMs.
    void requestReplot();
    // Applies pending data and replots now (for tests and screenshots).
    void flush();
    bool isDirty() const { return m_dirty; }

    QSize sizeHint() const override { return {420, 240}; }
    QSize minimumSizeHint() const override { return {200, 140}; }

protected:
    // Applies the stored data to the plottables and sets the ranges.
    virtual void rebuild() = 0;
    void showEvent(QShowEvent *event) override;

    // The charts' pen for lines and markers.
    static QPen linePen(const QColor &color, qreal width = 1.6, Qt::PenStyle style = Qt::SolidLine);

private:
    void onTimer();

    QTimer *m_timer;
    QCPTextElement *m_title = nullptr;
    bool m_dirty = false;
};

// Value-axis labels as people write numbers in their locale: 3.000.000 or
// 0,25 in German, never QCustomPlot's 3e+06.
class PlainNumberTicker : public QCPAxisTicker
{
protected:
    QString getTickLabel(double tick, const QLocale &locale, QChar formatChar, int precision) override;
};
// Gives `axis` a PlainNumberTicker.
void usePlainNumbers(QCPAxis *axis);

// Shared by the charts over wall time: a date-time x axis ("HH:mm") in seconds since the epoch.
void setUpTimeAxis(QCPAxis *axis);
// Shows [fromMs, toMs] on a time axis set up by setUpTimeAxis, with seconds in
// the labels when the span is short.
void setTimeRange(QCPAxis *axis, qint64 fromMs, qint64 toMs);
// Seconds since the epoch as QCustomPlot's date-time axis wants them.
inline double timeKey(qint64 ms)
{
    return double(ms) / 1000.0;
}

} // namespace kappa::console
