// The dashboard's charts: many data changes within 40 ms give one replot, a
// hidden chart does not replot, series land on the date-time axis, the
// histogram's bars span their buckets on the logarithmic axis, and the p50,
// p99 and SLO markers stand where they belong.
#include "charts/checkpoint_chart.h"
#include "charts/latency_histogram_chart.h"
#include "charts/time_series_chart.h"

#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace kappa::console;

namespace {

constexpr qint64 kStart = 1'700'000'000'000;

LatencyHistogramInfo histogram()
{
    // kappad's fixed buckets: 1-2-5 per decade from 0.1 ms; here only up to 50 ms and the overflow.
    LatencyHistogramInfo h;
    const QList<double> bounds{0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50};
    const QList<qint64> counts{0, 0, 4, 10, 30, 40, 10, 5, 0};
    for (qsizetype i = 0; i < bounds.size(); ++i)
        h.buckets.append(LatencyBucket{bounds[i], counts[i]});
    h.buckets.append(LatencyBucket{std::nullopt, 1});
    h.count = 100;
    h.p50Ms = 4.2;
    h.p99Ms = 19.5;
    return h;
}

bool waitForExposure(QWidget &widget)
{
    widget.resize(640, 360);
    widget.show();
    return QTest::qWaitForWindowExposed(&widget);
}

// The ticker's label function, reachable from the test.
struct PlainLabels : PlainNumberTicker
{
    QString label(double tick, const QLocale &locale)
    {
        return getTickLabel(tick, locale, QLatin1Char('g'), 6);
    }
};

} // namespace

class TestDashboardCharts : public QObject
{
    Q_OBJECT

private slots:
    void valueAxesWritePlainNumbers()
    {
        PlainLabels labels;
        const QLocale german(QLocale::German, QLocale::Germany);
        const QLocale english(QLocale::English, QLocale::UnitedStates);
        QCOMPARE(labels.label(2.5e6, german), QStringLiteral("2.500.000"));
        QCOMPARE(labels.label(2.5e6, english), QStringLiteral("2,500,000"));
        QCOMPARE(labels.label(0.1 + 0.2, german), QStringLiteral("0,3"));
        QCOMPARE(labels.label(0.0008, english), QStringLiteral("0.0008"));
        QCOMPARE(labels.label(-1e-17, english), QStringLiteral("0"));
    }

    void manyUpdatesGiveOneReplot()
    {
        TimeSeriesChart chart;
        chart.setTitle(QStringLiteral("lag"));
        const int series = chart.addSeries(QStringLiteral("events"), Qt::blue);
        QVERIFY(waitForExposure(chart));
        QTest::qWait(3 * CoalescedPlot::kReplotIntervalMs); // the replots of showing it
        QSignalSpy replots(&chart, &QCustomPlot::afterReplot);
        TimeSeries points;
        for (int i = 0; i < 200; ++i) { // well within 40 ms
            points.append({kStart + i * 1000, double(i)});
            chart.setSeries(series, points);
        }
        QCOMPARE(replots.count(), 0); // nothing is drawn synchronously
        QVERIFY(chart.isDirty());
        QTRY_COMPARE_WITH_TIMEOUT(replots.count(), 1, 2000);
        QTest::qWait(4 * CoalescedPlot::kReplotIntervalMs);
        QCOMPARE(replots.count(), 1); // and no second one after it
        QVERIFY(!chart.isDirty());
        QCOMPARE(chart.seriesGraph(series)->dataCount(), 200);

        // Updates spread over time: at most one replot per interval.
        replots.clear();
        QElapsedTimer clock;
        clock.start();
        int updates = 0;
        while (clock.elapsed() < 400) {
            points.append({kStart + (200 + updates) * 1000, 1.0});
            chart.setSeries(series, points);
            ++updates;
            QTest::qWait(2);
        }
        QTest::qWait(3 * CoalescedPlot::kReplotIntervalMs);
        QVERIFY2(replots.count() <= 400 / CoalescedPlot::kReplotIntervalMs + 2,
                 qPrintable(QStringLiteral("%1 replots for %2 updates").arg(replots.count()).arg(updates)));
        QVERIFY(replots.count() >= 2);
    }

    void hiddenChartWaitsUntilShown()
    {
        LatencyHistogramChart chart;
        QTest::qWait(CoalescedPlot::kReplotIntervalMs); // QCustomPlot's own first replot
        QSignalSpy replots(&chart, &QCustomPlot::afterReplot);
        chart.setHistogram(histogram());
        QTest::qWait(4 * CoalescedPlot::kReplotIntervalMs);
        QCOMPARE(replots.count(), 0);
        QVERIFY(chart.isDirty());
        QVERIFY(waitForExposure(chart));
        QTRY_VERIFY_WITH_TIMEOUT(!chart.isDirty(), 2000);
        QVERIFY(replots.count() >= 1);
        QCOMPARE(chart.bars().size(), 7); // the non-empty buckets
    }

    void timeSeriesOnTheDateTimeAxis()
    {
        TimeSeriesChart chart;
        const int left = chart.addSeries(QStringLiteral("events"), Qt::blue);
        const int right = chart.addSeries(QStringLiteral("seconds"), Qt::red, TimeSeriesChart::Axis::Right);
        chart.setSeries(left, TimeSeries{{kStart, 10}, {kStart + 60'000, 50}, {kStart + 180'000, 20}});
        chart.setSeries(right, TimeSeries{{kStart, 1.5}, {kStart + 60'000, 0.5}});
        chart.setTimeWindow(120'000);
        chart.flush();
        QVERIFY(qSharedPointerDynamicCast<QCPAxisTickerDateTime>(chart.xAxis->ticker()));
        QCOMPARE(chart.seriesGraph(left)->valueAxis(), chart.yAxis);
        QCOMPARE(chart.seriesGraph(right)->valueAxis(), chart.yAxis2);
        QVERIFY(chart.yAxis2->visible());
        QCOMPARE(chart.seriesGraph(left)->data()->at(1)->key, (kStart + 60'000) / 1000.0);
        QCOMPARE(chart.seriesGraph(right)->name(), QStringLiteral("seconds"));
        // The window ends at the newest point.
        QCOMPARE(chart.xAxis->range().upper, (kStart + 180'000) / 1000.0);
        QCOMPARE(chart.xAxis->range().lower, (kStart + 60'000) / 1000.0);
        // Each y axis from zero to above what the window shows (the 50 at its start included).
        QCOMPARE(chart.yAxis->range().lower, 0.0);
        QVERIFY(chart.yAxis->range().upper >= 50);
        QVERIFY(chart.yAxis2->range().upper >= 0.5);

        // A window longer than the data: the data's span.
        chart.setTimeWindow(TimeSeriesChart::kDefaultWindowMs);
        chart.flush();
        QCOMPARE(chart.xAxis->range().lower, kStart / 1000.0);
        QVERIFY(chart.yAxis2->range().upper >= 1.5);
        // But at least a minute.
        chart.setSeries(left, TimeSeries{{kStart, 1}, {kStart + 10'000, 2}});
        chart.setSeries(right, TimeSeries{});
        chart.flush();
        QCOMPARE(chart.xAxis->range().lower, (kStart + 10'000 - 60'000) / 1000.0);
        QCOMPARE(chart.xAxis->range().upper, (kStart + 10'000) / 1000.0);
    }

    void bytesAxisLabels()
    {
        TimeSeriesChart chart;
        chart.addSeries(QStringLiteral("state"), Qt::blue);
        chart.setUnit(TimeSeriesChart::Axis::Left, TimeSeriesChart::Unit::Bytes);
        chart.setSeries(0, TimeSeries{{kStart, 3.0 * 1024 * 1024}});
        chart.resize(400, 300);
        chart.flush();
        const QVector<QString> labels = chart.yAxis->tickVectorLabels();
        QVERIFY(!labels.isEmpty());
        QVERIFY2(std::any_of(labels.begin(), labels.end(), [](const QString &l) { return l.contains("MiB"); }),
                 qPrintable(QStringList(labels.begin(), labels.end()).join(" | ")));
        const QVector<double> ticks = chart.yAxis->tickVector();
        for (double tick : ticks) // round steps of MiB
            QVERIFY2(std::fmod(tick, 512.0 * 1024) == 0, qPrintable(QString::number(tick)));
    }

    void histogramBarsOnTheLogAxis()
    {
        LatencyHistogramChart chart;
        chart.setHistogram(histogram());
        chart.setSlo(100);
        chart.flush();
        QCOMPARE(chart.xAxis->scaleType(), QCPAxis::stLogarithmic);
        QVERIFY(qSharedPointerDynamicCast<QCPAxisTickerLog>(chart.xAxis->ticker()));
        // Non-empty buckets only, each from the previous bound to its own, as high as its count.
        const QList<QCPItemRect *> &bars = chart.bars();
        QCOMPARE(bars.size(), 7);
        QCOMPARE(bars[0]->topLeft->coords(), QPointF(0.2, 4)); // (0.2, 0.5]
        QCOMPARE(bars[0]->bottomRight->coords(), QPointF(0.5, 0));
        QCOMPARE(bars[3]->topLeft->coords(), QPointF(2, 40)); // (2, 5]
        QCOMPARE(bars[3]->bottomRight->coords(), QPointF(5, 0));
        QCOMPARE(bars[6]->topLeft->coords(), QPointF(50, 1)); // overflow: (50, 100]
        QCOMPARE(bars[6]->bottomRight->coords(), QPointF(100, 0));
        // On a log axis equal ratios are equal widths: (1, 2] and (10, 20] are as wide.
        const double w1 = chart.xAxis->coordToPixel(2) - chart.xAxis->coordToPixel(1);
        const double w10 = chart.xAxis->coordToPixel(20) - chart.xAxis->coordToPixel(10);
        QVERIFY(w1 > 0);
        QVERIFY(std::abs(w1 - w10) < 0.5);
        // The axis spans whole decades around the bars and the markers.
        QCOMPARE(chart.xAxis->range().lower, 0.1);
        QVERIFY(chart.xAxis->range().upper >= 150);
        QVERIFY(chart.yAxis->range().upper >= 40);
    }

    void histogramMarkers()
    {
        LatencyHistogramChart chart;
        chart.setHistogram(histogram());
        chart.setSlo(25);
        chart.flush();
        QVERIFY(chart.p50Marker()->visible());
        QCOMPARE(chart.p50Marker()->point1->coords().x(), 4.2);
        QCOMPARE(chart.p50Marker()->point2->coords().x(), 4.2);
        QVERIFY(chart.p99Marker()->visible());
        QCOMPARE(chart.p99Marker()->point1->coords().x(), 19.5);
        QVERIFY(chart.sloMarker()->visible());
        QCOMPARE(chart.sloMarker()->point1->coords().x(), 25.0);
        QCOMPARE(chart.sloMarker()->pen().color(), QColor(0xd6, 0x27, 0x28)); // red
        QCOMPARE(chart.sloMarker()->pen().style(), Qt::SolidLine);
        QCOMPARE(chart.p99Marker()->pen().style(), Qt::DashLine);
        // Vertical: from the bottom to the top of the plot.
        QCOMPARE(chart.p99Marker()->point1->typeY(), QCPItemPosition::ptAxisRectRatio);
        QVERIFY(chart.p99Marker()->point1->coords().y() != chart.p99Marker()->point2->coords().y());

        chart.setSlo(std::nullopt);
        chart.setHistogram(LatencyHistogramInfo{}); // nothing measured
        chart.flush();
        QVERIFY(chart.bars().isEmpty());
        QVERIFY(!chart.p50Marker()->visible());
        QVERIFY(!chart.p99Marker()->visible());
        QVERIFY(!chart.sloMarker()->visible());
    }

    void bucketExtents()
    {
        const QList<QPair<double, double>> extents = LatencyHistogramChart::bucketExtents(histogram());
        QCOMPARE(extents.size(), 10);
        QCOMPARE(extents[0], (QPair<double, double>(0.05, 0.1))); // from half the first bound
        QCOMPARE(extents[1], (QPair<double, double>(0.1, 0.2)));
        QCOMPARE(extents[9], (QPair<double, double>(50, 100)));
    }

    void checkpointsWithP99Line()
    {
        CheckpointChart chart;
        QList<CheckpointPoint> points;
        for (int i = 0; i < 20; ++i)
            points.append(CheckpointPoint{kStart + i * 5000, 2.0 + i % 5, QStringLiteral("a@v/0")});
        chart.setCheckpoints(points, 6.0);
        chart.flush();
        QCOMPARE(chart.checkpointGraph()->dataCount(), 20);
        QCOMPARE(chart.checkpointGraph()->lineStyle(), QCPGraph::lsImpulse);
        QVERIFY(chart.p99Line()->visible());
        QCOMPARE(chart.p99Line()->point1->coords().y(), 6.0);
        QCOMPARE(chart.p99Line()->point2->coords().y(), 6.0);
        QCOMPARE(chart.p99Line()->pen().style(), Qt::DashLine);
        QVERIFY(chart.yAxis->range().upper > 6.0);
        chart.setCheckpoints({}, std::nullopt);
        chart.flush();
        QVERIFY(!chart.p99Line()->visible());
    }
};

QTEST_MAIN(TestDashboardCharts)
#include "test_dashboard_charts.moc"
