// LatencyHistogramChart: a version's append-to-visible latency histogram on a
// logarithmic millisecond axis. Each bucket is a bar from the previous
// bucket's bound to its own (the first from half its bound, the overflow
// bucket above one hour from its lower bound to twice it), as high as its
// count. Vertical markers show p50 and p99 (dashed) and the SLO (red, solid).
#pragma once

#include "charts/coalesced_plot.h"
#include "client/dashboard_types.h"

#include <optional>

namespace kappa::console {

class LatencyHistogramChart : public CoalescedPlot
{
    Q_OBJECT

public:
    explicit LatencyHistogramChart(QWidget *parent = nullptr);

    void setHistogram(const LatencyHistogramInfo &histogram);
    // The job's p99 target in ms; none or 0: no SLO line.
    void setSlo(std::optional<double> p99Ms);

    // What is drawn, for tests: one rectangle per non-empty bucket, in bucket order.
    const QList<QCPItemRect *> &bars() const { return m_bars; }
    QCPItemStraightLine *p50Marker() const { return m_p50; }
    QCPItemStraightLine *p99Marker() const { return m_p99; }
    QCPItemStraightLine *sloMarker() const { return m_slo; }

    // The x extent of each bucket's bar, [lower, upper] in ms, in bucket order.
    static QList<QPair<double, double>> bucketExtents(const LatencyHistogramInfo &histogram);

protected:
    void rebuild() override;

private:
    struct Marker
    {
        QCPItemStraightLine *line;
        QCPItemText *label;
    };
    Marker makeMarker(const QColor &color, Qt::PenStyle style, double width);
    void placeMarker(QCPItemStraightLine *line, QCPItemText *label, std::optional<double> ms,
                     const QString &text, double labelHeight);

    LatencyHistogramInfo m_histogram;
    std::optional<double> m_sloMs;
    QList<QCPItemRect *> m_bars;
    QCPItemStraightLine *m_p50;
    QCPItemText *m_p50Label;
    QCPItemStraightLine *m_p99;
    QCPItemText *m_p99Label;
    QCPItemStraightLine *m_slo;
    QCPItemText *m_sloLabel;
    QCPItemText *m_empty;
};

} // namespace kappa::console
