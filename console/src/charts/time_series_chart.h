// TimeSeriesChart: lines over wall time (a date-time x axis up to the newest
// point, showing at most the last 15 minutes, at least one), on the left y
// axis or on a second one on
// the right (lag in seconds beside lag in events). Each y axis starts at zero.
// Values can be labelled as plain numbers or as bytes (the state size).
//
// Feed it whole series (setSeries); it redraws at most every 40 ms.
#pragma once

#include "charts/coalesced_plot.h"
#include "models/dashboard_data.h"

#include <optional>

namespace kappa::console {

class TimeSeriesChart : public CoalescedPlot
{
    Q_OBJECT

public:
    enum class Axis { Left, Right };
    enum class Unit { Plain, Bytes };

    static constexpr qint64 kDefaultWindowMs = 15 * 60 * 1000;

    explicit TimeSeriesChart(QWidget *parent = nullptr);

    // Adds a line named `name` (for the legend); returns its index. Lines on
    // the right axis are dashed unless `style` says otherwise.
    int addSeries(const QString &name, const QColor &color, Axis axis = Axis::Left,
                  std::optional<Qt::PenStyle> style = std::nullopt);
    void setSeries(int index, const TimeSeries &points);
    void setAxisLabel(Axis axis, const QString &label);
    void setUnit(Axis axis, Unit unit);
    // Where the legend sits inside the plot (top left by default): away from
    // where the lines usually run.
    void setLegendCorner(Qt::Alignment corner);
    // How much time the x axis shows at most, ending at the newest point.
    void setTimeWindow(qint64 milliseconds);

    int seriesCount() const { return static_cast<int>(m_series.size()); }
    const TimeSeries &series(int index) const { return m_series[index].points; }
    QCPGraph *seriesGraph(int index) const { return m_series[index].graph; }

protected:
    void rebuild() override;

private:
    struct Line
    {
        QCPGraph *graph = nullptr;
        Axis axis = Axis::Left;
        TimeSeries points;
    };

    QList<Line> m_series;
    qint64 m_windowMs = kDefaultWindowMs;
    static constexpr qint64 kMinimumSpanMs = 60 * 1000;
};

// A ticker for bytes: steps of a power of two bytes, labelled in binary units
// ("256 KiB", "768 KiB", "1 MiB", "1.25 MiB").
class BytesTicker : public QCPAxisTicker
{
protected:
    double getTickStep(const QCPRange &range) override;
    QString getTickLabel(double tick, const QLocale &locale, QChar formatChar, int precision) override;
};

} // namespace kappa::console
