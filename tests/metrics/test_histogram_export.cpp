// HistogramSnapshot::toPrometheus, the per-bucket log-scale export
// (HistogramSnapshot::coarseBuckets) and the recent-window support
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

    void logScaleBoundsAreLogSpaced()
    {
        QCOMPARE(std::size(kLogScaleBoundsMicros), std::size_t(24));
        QCOMPARE(kLogScaleBoundsMicros[0], std::int64_t(100)); // 0.1 ms
        QCOMPARE(std::end(kLogScaleBoundsMicros)[-1], buckets::kMaxValue);
        // 1-2-5 per decade: each bound is 2 to 2.5 times the last (the final hour 1.8 times 2000 s).
        for (std::size_t i = 1; i < std::size(kLogScaleBoundsMicros); ++i) {
            const double ratio = static_cast<double>(kLogScaleBoundsMicros[i])
                                 / static_cast<double>(kLogScaleBoundsMicros[i - 1]);
            QVERIFY2(ratio >= 1.8 && ratio <= 2.5, qPrintable(QString::number(ratio)));
        }
    }

    void coarseBucketsSumToTheCountAndHoldThePercentiles()
    {
        LatencyHistogram histogram;
        TestRng rng(17);
        // Log-uniform from 10 us to ~3 h: every bucket gets some, the overflow too.
        for (int i = 0; i < 50'000; ++i)
            histogram.record(
                static_cast<std::int64_t>(std::exp(std::log(10.0) + rng.uniform01() * std::log(1e9))));
        const HistogramSnapshot s = histogram.snapshot();
        QVERIFY(s.overflowCount() > 0);
        KAPPA_ASSIGN_OR_FAIL(const std::vector<CoarseBucket> coarse, s.coarseBuckets());
        QCOMPARE(coarse.size(), std::size(kLogScaleBoundsMicros) + 1);
        std::uint64_t total = 0;
        for (std::size_t i = 0; i < coarse.size(); ++i) {
            if (i < std::size(kLogScaleBoundsMicros))
                QCOMPARE(coarse[i].upperBoundMicros, std::optional<std::int64_t>(kLogScaleBoundsMicros[i]));
            total += coarse[i].count;
        }
        QVERIFY(!coarse.back().upperBoundMicros);
        QCOMPARE(coarse.back().count, s.overflowCount());
        QCOMPARE(total, s.count());

        // Each percentile lies in the bucket holding its rank: above the
        // previous bound, at most one fine bucket (1/128) above its own.
        for (const double q : {0.0, 0.01, 0.5, 0.9, 0.99, 1.0}) {
            const std::uint64_t rank = HistogramSnapshot::rank(q, s.count());
            std::uint64_t cumulative = 0;
            std::size_t holder = 0;
            while (cumulative + coarse[holder].count < rank)
                cumulative += coarse[holder++].count;
            const double value = static_cast<double>(s.percentile(q));
            const double lower = holder == 0 ? -1.0
                                             : static_cast<double>(*coarse[holder - 1].upperBoundMicros);
            QVERIFY2(value > lower, qPrintable(QStringLiteral("q %1: %2 <= %3").arg(q).arg(value).arg(lower)));
            if (coarse[holder].upperBoundMicros) {
                const double upper = static_cast<double>(*coarse[holder].upperBoundMicros)
                                     * (1.0 + buckets::kWidthRelativeError);
                QVERIFY2(value <= upper,
                         qPrintable(QStringLiteral("q %1: %2 > %3").arg(q).arg(value).arg(upper)));
            }
        }
    }

    void coarseBucketsOfAFewValues()
    {
        LatencyHistogram histogram;
        histogram.record(0);                      // 0 ms: the first bucket
        histogram.record(100);                    // exactly 0.1 ms: still the first
        histogram.record(101);                    // (0.1, 0.2] ms
        histogram.record(7'000, 3);               // (5, 10] ms
        histogram.record(buckets::kMaxValue);     // exactly one hour: the last bounded bucket
        histogram.record(buckets::kMaxValue + 1); // the overflow
        KAPPA_ASSIGN_OR_FAIL(const std::vector<CoarseBucket> coarse, histogram.snapshot().coarseBuckets());
        std::vector<std::uint64_t> counts(coarse.size(), 0);
        counts[0] = 2;
        counts[1] = 1;
        counts[6] = 3;
        counts[coarse.size() - 2] = 1;
        counts[coarse.size() - 1] = 1;
        for (std::size_t i = 0; i < coarse.size(); ++i)
            QCOMPARE(coarse[i].count, counts[i]);
        QCOMPARE(*coarse[6].upperBoundMicros, std::int64_t(10'000));
    }

    void coarseBucketsOfNothingAreZeros()
    {
        KAPPA_ASSIGN_OR_FAIL(const std::vector<CoarseBucket> coarse, HistogramSnapshot().coarseBuckets());
        QCOMPARE(coarse.size(), std::size(kLogScaleBoundsMicros) + 1);
        for (const CoarseBucket &bucket : coarse)
            QCOMPARE(bucket.count, std::uint64_t(0));
    }

    void coarseBucketsWithOtherBounds()
    {
        LatencyHistogram histogram;
        histogram.record(5, 2);
        histogram.record(50);
        const std::int64_t bounds[] = {10, 20};
        KAPPA_ASSIGN_OR_FAIL(const std::vector<CoarseBucket> coarse,
                             histogram.snapshot().coarseBuckets(bounds));
        QCOMPARE(coarse.size(), std::size_t(3));
        QCOMPARE(coarse[0].count, std::uint64_t(2));
        QCOMPARE(coarse[1].count, std::uint64_t(0));
        QCOMPARE(coarse[2].count, std::uint64_t(1)); // above the last bound
        const std::int64_t bad[] = {20, 10};
        QCOMPARE(histogram.snapshot().coarseBuckets(bad).status().code(), StatusCode::InvalidArgument);
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
