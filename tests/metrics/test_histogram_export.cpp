// HistogramSnapshot::toPrometheus and the recent-window support
// (HistogramSnapshot::since, HistogramWindow).
#include "metrics/histogram_window.h"
#include "metrics/latency_histogram.h"
#include "metrics_test_util.h"
#include "test_support.h"

#include <cmath>
#include <limits>

using namespace kappa;
using namespace kappa::metrics;
using kappa::metrics::testing::TestRng;

Q_DECLARE_METATYPE(std::vector<std::int64_t>)

class TestHistogramExport : public QObject
{
    Q_OBJECT

private slots:
    void prometheusBucketsAreCumulative()
    {
        LatencyHistogram histogram;
        TestRng rng(5);
        for (int i = 0; i < 20'000; ++i)
            histogram.record(static_cast<std::int64_t>(rng.exponential(200'000.0)));
        histogram.record(2 * buckets::kMaxValue); // overflow lands only in +Inf
        const HistogramSnapshot s = histogram.snapshot();
        KAPPA_ASSIGN_OR_FAIL(const PrometheusHistogram p, s.toPrometheus());
        QCOMPARE(p.buckets.size(), std::size(kDefaultPrometheusBoundsMicros) + 1);
        for (std::size_t i = 1; i < p.buckets.size(); ++i) {
            QVERIFY(p.buckets[i].upperBoundSeconds > p.buckets[i - 1].upperBoundSeconds);
            QVERIFY(p.buckets[i].cumulativeCount >= p.buckets[i - 1].cumulativeCount);
        }
        QCOMPARE(p.buckets.front().upperBoundSeconds, 0.001);
        QCOMPARE(p.buckets[p.buckets.size() - 2].upperBoundSeconds, 60.0);
        QVERIFY(std::isinf(p.buckets.back().upperBoundSeconds));
        QCOMPARE(p.buckets.back().cumulativeCount, s.count());
        QCOMPARE(p.sampleCount, s.count());
        QCOMPARE(p.buckets[p.buckets.size() - 2].cumulativeCount, s.count() - 1);
        QCOMPARE(p.sampleSumSeconds, s.sum() / 1e6);
    }

    void prometheusBoundaryRule_data()
    {
        QTest::addColumn<qint64>("value");
        QTest::addColumn<quint64>("underOneMs"); // expected count under le=0.001
        QTest::newRow("well below") << qint64(10) << quint64(1);
        QTest::newRow("exactly at the bound") << qint64(1'000) << quint64(1);
        QTest::newRow("same fine bucket above") << qint64(1'003) << quint64(1);
        QTest::newRow("next fine bucket") << qint64(1'004) << quint64(0);
        QTest::newRow("far above") << qint64(2'000) << quint64(0);
    }

    void prometheusBoundaryRule()
    {
        QFETCH(qint64, value);
        QFETCH(quint64, underOneMs);
        LatencyHistogram histogram;
        histogram.record(value);
        const std::int64_t bounds[] = {1'000};
        KAPPA_ASSIGN_OR_FAIL(const PrometheusHistogram p, histogram.snapshot().toPrometheus(bounds));
        QCOMPARE(p.buckets.size(), std::size_t(2));
        QCOMPARE(p.buckets[0].cumulativeCount, underOneMs);
        QCOMPARE(p.buckets[1].cumulativeCount, std::uint64_t(1));
    }

    void prometheusRejectsBadBounds_data()
    {
        QTest::addColumn<std::vector<std::int64_t>>("bounds");
        QTest::newRow("zero") << std::vector<std::int64_t>{0, 10};
        QTest::newRow("negative") << std::vector<std::int64_t>{-1};
        QTest::newRow("not increasing") << std::vector<std::int64_t>{10, 10};
        QTest::newRow("decreasing") << std::vector<std::int64_t>{10, 5};
        QTest::newRow("above one hour") << std::vector<std::int64_t>{buckets::kMaxValue + 1};
    }

    void prometheusRejectsBadBounds()
    {
        QFETCH(std::vector<std::int64_t>, bounds);
        const auto result = HistogramSnapshot().toPrometheus(bounds);
        QVERIFY(!result.isOk());
        QCOMPARE(result.status().code(), StatusCode::InvalidArgument);
    }

    void emptyHistogramExportsZeros()
    {
        KAPPA_ASSIGN_OR_FAIL(const PrometheusHistogram p, HistogramSnapshot().toPrometheus());
        for (const auto &bucket : p.buckets)
            QCOMPARE(bucket.cumulativeCount, std::uint64_t(0));
        QCOMPARE(p.sampleSumSeconds, 0.0);
    }

    void sinceEqualsTheIntervalAlone()
    {
        LatencyHistogram live;
        LatencyHistogram intervalOnly;
        TestRng rng(11);
        for (int i = 0; i < 5'000; ++i)
            live.record(rng.uniformInt(1, 100'000));
        const HistogramSnapshot before = live.snapshot();
        for (int i = 0; i < 3'000; ++i) {
            const std::int64_t v = rng.uniformInt(200'000, 900'000);
            live.record(v);
            intervalOnly.record(v);
        }
        const HistogramSnapshot diff = live.snapshot().since(before);
        const HistogramSnapshot expected = intervalOnly.snapshot();
        QCOMPARE(diff.count(), expected.count());
        QVERIFY(diff.bucketCounts() == expected.bucketCounts());
        QCOMPARE(diff.sum(), expected.sum());
        // A diff's extremes and percentiles are estimates with the documented bound.
        const auto close = [](std::int64_t estimate, std::int64_t exact) {
            return std::abs(static_cast<double>(estimate - exact))
                   <= static_cast<double>(exact) * buckets::kMidpointRelativeError;
        };
        QVERIFY(close(diff.min(), expected.min()));
        QVERIFY(close(diff.max(), expected.max()));
        for (const double q : {0.0, 0.5, 0.99, 1.0})
            QVERIFY(close(diff.percentile(q), expected.percentile(q)));
        QCOMPARE(live.snapshot().since(live.snapshot()).count(), std::uint64_t(0));
    }

    void sinceAfterResetSaturatesAtZero()
    {
        LatencyHistogram histogram;
        histogram.record(10, 5);
        const HistogramSnapshot before = histogram.snapshot();
        histogram.reset();
        histogram.record(10, 2);
        QCOMPARE(histogram.snapshot().since(before).count(), std::uint64_t(0));
    }

    void windowShowsRecentValues()
    {
        // One update a second; 100 us latencies for 60 s, then 5 ms for 70 s.
        LatencyHistogram histogram;
        HistogramWindow window(10'000, 60'000);
        QCOMPARE(window.recent().count(), std::uint64_t(0));
        const WallTime start(1'700'000'000'000);
        for (int second = 0; second <= 130; ++second) {
            histogram.record(second < 60 ? 100 : 5'000, 10);
            window.update(start + second * 1'000, histogram.snapshot());
            if (second == 59)
                QCOMPARE(window.recent().percentile(0.99), std::int64_t(100));
        }
        const HistogramSnapshot recent = window.recent();
        QCOMPARE(recent.percentile(0.5), std::int64_t(5'000));
        QCOMPARE(recent.percentile(0.0), std::int64_t(5'000));
        QVERIFY(window.coveredMillis() >= 50'000 && window.coveredMillis() <= 60'000);
        QCOMPARE(recent.count(), std::uint64_t(10 * (window.coveredMillis() / 1'000)));
        QCOMPARE(window.latest().count(), std::uint64_t(131 * 10));
    }

    void windowToleratesClockSteppingBack()
    {
        LatencyHistogram histogram;
        HistogramWindow window(1'000, 5'000);
        histogram.record(1);
        window.update(WallTime(10'000), histogram.snapshot());
        histogram.record(2);
        window.update(WallTime(4'000), histogram.snapshot()); // stepped back: same time as before
        QCOMPARE(window.coveredMillis(), std::int64_t(0));
        QCOMPARE(window.latest().count(), std::uint64_t(2));
    }
};

QTEST_APPLESS_MAIN(TestHistogramExport)
#include "test_histogram_export.moc"
