#include "charts/latency_histogram_chart.h"

#include <QLocale>

#include <cmath>

namespace kappa::console {

namespace {

const QColor kBarColor(0x1f, 0x77, 0xb4);
const QColor kP50Color(0x2c, 0xa0, 0x2c);
const QColor kP99Color(0xff, 0x7f, 0x0e);
const QColor kSloColor(0xd6, 0x27, 0x28);

// "0.5 ms", "20 ms", "1.5 s", "2 min", "1 h".
QString durationText(double ms)
{
    const QLocale locale;
    auto number = [&locale](double value) { return locale.toString(value, 'g', value < 10 ? 2 : 3); };
    if (ms < 1000)
        return LatencyHistogramChart::tr("%1 ms").arg(number(ms));
    if (ms < 60'000)
        return LatencyHistogramChart::tr("%1 s").arg(number(ms / 1000));
    if (ms < 3'600'000)
        return LatencyHistogramChart::tr("%1 min").arg(number(ms / 60'000));
    return LatencyHistogramChart::tr("%1 h").arg(number(ms / 3'600'000));
}

// Decades on the log axis, labelled as durations.
class DurationLogTicker : public QCPAxisTickerLog
{
protected:
    QString getTickLabel(double tick, const QLocale &, QChar, int) override { return durationText(tick); }
};

} // namespace

LatencyHistogramChart::LatencyHistogramChart(QWidget *parent)
    : CoalescedPlot(parent)
    , m_empty(new QCPItemText(this))
{
    xAxis->setScaleType(QCPAxis::stLogarithmic);
    QSharedPointer<DurationLogTicker> ticker(new DurationLogTicker);
    ticker->setLogBase(10);
    ticker->setSubTickCount(8);
    xAxis->setTicker(ticker);
    xAxis->setLabel(tr("append to visible (log scale)"));
    yAxis->setLabel(tr("records"));
    usePlainNumbers(yAxis);
    xAxis->setRange(0.1, 10'000);
    yAxis->setRange(0, 1);

    // The markers' labels sit on a layer above the bars, so they stay readable over them.
    addLayer(QStringLiteral("markerLabels"), layer(QStringLiteral("main")), QCustomPlot::limAbove);
    Marker p50 = makeMarker(kP50Color, Qt::DashLine, 1.6);
    m_p50 = p50.line;
    m_p50Label = p50.label;
    Marker p99 = makeMarker(kP99Color, Qt::DashLine, 1.6);
    m_p99 = p99.line;
    m_p99Label = p99.label;
    Marker slo = makeMarker(kSloColor, Qt::SolidLine, 2.0);
    m_slo = slo.line;
    m_sloLabel = slo.label;

    m_empty->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_empty->position->setCoords(0.5, 0.5);
    m_empty->setText(tr("no records measured yet"));
    m_empty->setColor(palette().color(QPalette::PlaceholderText));
}

LatencyHistogramChart::Marker LatencyHistogramChart::makeMarker(const QColor &color, Qt::PenStyle style,
                                                                double width)
{
    auto *line = new QCPItemStraightLine(this);
    line->setPen(linePen(color, width, style));
    line->point1->setTypeY(QCPItemPosition::ptAxisRectRatio);
    line->point2->setTypeY(QCPItemPosition::ptAxisRectRatio);
    line->setVisible(false);
    auto *label = new QCPItemText(this);
    label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    label->setColor(color);
    label->setPadding(QMargins(3, 1, 3, 1));
    label->setBrush(QColor(255, 255, 255, 210)); // readable over a bar
    label->setLayer(QStringLiteral("markerLabels"));
    label->setVisible(false);
    return Marker{line, label};
}

void LatencyHistogramChart::setHistogram(const LatencyHistogramInfo &histogram)
{
    m_histogram = histogram;
    requestReplot();
}

void LatencyHistogramChart::setSlo(std::optional<double> p99Ms)
{
    m_sloMs = p99Ms && *p99Ms > 0 ? p99Ms : std::nullopt;
    requestReplot();
}

QList<QPair<double, double>> LatencyHistogramChart::bucketExtents(const LatencyHistogramInfo &histogram)
{
    QList<QPair<double, double>> out;
    double lower = 0;
    for (const LatencyBucket &bucket : histogram.buckets) {
        double upper = bucket.upperMs.value_or(lower * 2);
        if (!bucket.upperMs && lower <= 0)
            upper = 1;                                     // an overflow bucket alone: nothing to size it by
        const double from = lower > 0 ? lower : upper / 2; // a log axis has no zero
        out.append({from, upper});
        lower = upper;
    }
    return out;
}

void LatencyHistogramChart::rebuild()
{
    for (QCPItemRect *bar : std::as_const(m_bars))
        removeItem(bar);
    m_bars.clear();

    const QList<QPair<double, double>> extents = bucketExtents(m_histogram);
    double low = 0;
    double high = 0;
    qint64 highest = 0;
    for (qsizetype i = 0; i < extents.size(); ++i) {
        const qint64 count = m_histogram.buckets[i].count;
        if (count <= 0)
            continue;
        auto *bar = new QCPItemRect(this);
        bar->topLeft->setCoords(extents[i].first, double(count));
        bar->bottomRight->setCoords(extents[i].second, 0);
        bar->setPen(QPen(kBarColor.darker(130), 1));
        bar->setBrush(QColor(kBarColor.red(), kBarColor.green(), kBarColor.blue(), 150));
        bar->setLayer(QStringLiteral("main"));
        bar->setClipToAxisRect(true);
        m_bars.append(bar);
        low = low > 0 ? std::min(low, extents[i].first) : extents[i].first;
        high = std::max(high, extents[i].second);
        highest = std::max(highest, count);
    }
    const bool measured = !m_bars.isEmpty();
    m_empty->setVisible(!measured);
    for (double ms :
         {measured ? m_histogram.p50Ms : 0.0, measured ? m_histogram.p99Ms : 0.0, m_sloMs.value_or(0)}) {
        if (ms > 0) {
            low = low > 0 ? std::min(low, ms) : ms;
            high = std::max(high, ms);
        }
    }
    if (low <= 0)
        low = 0.1;
    if (high <= low)
        high = low * 100;
    // Whole decades around what is shown, so that the ticks fall on 1, 10, 100.
    xAxis->setRange(std::pow(10.0, std::floor(std::log10(low))),
                    std::pow(10.0, std::ceil(std::log10(high * 1.5))));
    yAxis->setRange(0, highest > 0 ? double(highest) * 1.3 : 1);

    placeMarker(m_p50, m_p50Label, measured ? std::optional<double>(m_histogram.p50Ms) : std::nullopt,
                tr("p50 %1").arg(durationText(m_histogram.p50Ms)), 0.02);
    placeMarker(m_p99, m_p99Label, measured ? std::optional<double>(m_histogram.p99Ms) : std::nullopt,
                tr("p99 %1").arg(durationText(m_histogram.p99Ms)), 0.12);
    placeMarker(m_slo, m_sloLabel, m_sloMs, m_sloMs ? tr("SLO %1").arg(durationText(*m_sloMs)) : QString(),
                0.22);
}

void LatencyHistogramChart::placeMarker(QCPItemStraightLine *line, QCPItemText *label,
                                        std::optional<double> ms, const QString &text, double labelHeight)
{
    const bool shown = ms.has_value() && *ms > 0;
    line->setVisible(shown);
    label->setVisible(shown);
    if (!shown)
        return;
    line->point1->setCoords(*ms, 0);
    line->point2->setCoords(*ms, 1);
    label->position->setCoords(*ms, labelHeight);
    label->setText(text);
}

} // namespace kappa::console
