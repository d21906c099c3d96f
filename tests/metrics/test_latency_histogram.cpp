// LatencyHistogram and HistogramSnapshot: bucket layout, percentiles against
// exact percentiles of known distributions, extremes, overflow, merging, and
// a concurrent reader.
#include "metrics/latency_histogram.h"
#include "metrics_test_util.h"
#include "test_support.h"

#include <atomic>
#include <thread>

using namespace kappa;
using namespace kappa::metrics;
using kappa::metrics::testing::exactPercentile;
using kappa::metrics::testing::TestRng;

namespace {

enum class Distribution { Uniform, Exponential, Constant, TwoPoint, SmallExact, WideUniform };

std::vector<std::int64_t> generate(Distribution d, int n, std::uint64_t seed)
{
    TestRng rng(seed);
    std::vector<std::int64_t> values;
    values.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        switch (d) {
        case Distribution::Uniform: values.push_back(rng.uniformInt(1, 1'000'000)); break;
        case Distribution::Exponential:
            values.push_back(static_cast<std::int64_t>(rng.exponential(50'000.0)));
            break;
        case Distribution::Constant: values.push_back(4'242); break;
        case Distribution::TwoPoint: values.push_back(rng.uniform01() < 0.9 ? 100 : 250'000); break;
        case Distribution::SmallExact: values.push_back(rng.uniformInt(0, 255)); break;
        case Distribution::WideUniform: values.push_back(rng.uniformInt(1, buckets::kMaxValue)); break;
        }
    }
    return values;
}

HistogramSnapshot recordAll(const std::vector<std::int64_t> &values)
{
    LatencyHistogram histogram;
    for (const std::int64_t v : values)
        histogram.record(v);
    return histogram.snapshot();
}

} // namespace

Q_DECLARE_METATYPE(Distribution)

class TestLatencyHistogram : public QObject
{
    Q_OBJECT

private slots:
    void bucketOfValue_data()
    {
        QTest::addColumn<qint64>("value");
        QTest::addColumn<qint64>("lowest");
        QTest::addColumn<qint64>("width");
        QTest::newRow("zero") << qint64(0) << qint64(0) << qint64(1);
        QTest::newRow("one") << qint64(1) << qint64(1) << qint64(1);
        QTest::newRow("last exact") << qint64(255) << qint64(255) << qint64(1);
        QTest::newRow("first log") << qint64(256) << qint64(256) << qint64(2);
        QTest::newRow("first log odd") << qint64(257) << qint64(256) << qint64(2);
        QTest::newRow("below 512") << qint64(511) << qint64(510) << qint64(2);
        QTest::newRow("512") << qint64(512) << qint64(512) << qint64(4);
        QTest::newRow("1 ms") << qint64(1'000) << qint64(1'000) << qint64(4);
        QTest::newRow("1 ms + 3") << qint64(1'003) << qint64(1'000) << qint64(4);
        QTest::newRow("1 s") << qint64(1'000'000) << qint64(999'424) << qint64(4'096);
        QTest::newRow("1 h") << qint64(buckets::kMaxValue) << qint64(3'590'324'224) << qint64(16'777'216);
    }

    void bucketOfValue()
    {
        QFETCH(qint64, value);
        QFETCH(qint64, lowest);
        QFETCH(qint64, width);
        const int index = buckets::indexOf(value);
        QCOMPARE(buckets::lowestValueAt(index), lowest);
        QCOMPARE(buckets::widthAt(index), width);
    }

    void bucketsTileTheRangeWithBoundedWidth()
    {
        QCOMPARE(buckets::lowestValueAt(0), std::int64_t(0));
        for (int i = 0; i < buckets::kBucketCount; ++i) {
            const std::int64_t lo = buckets::lowestValueAt(i);
            const std::int64_t hi = buckets::highestValueAt(i);
            QCOMPARE(buckets::indexOf(lo), i);
            QCOMPARE(buckets::indexOf(hi), i);
            if (i + 1 < buckets::kBucketCount)
                QCOMPARE(buckets::lowestValueAt(i + 1), hi + 1);
            if (lo >= buckets::kLinearLimit) // below it every bucket holds one value
                QVERIFY(static_cast<double>(buckets::widthAt(i)) / static_cast<double>(lo)
                        <= buckets::kWidthRelativeError);
        }
        QVERIFY(buckets::highestValueAt(buckets::kBucketCount - 1) >= buckets::kMaxValue);
    }

    void rank_data()
    {
        QTest::addColumn<double>("q");
        QTest::addColumn<quint64>("count");
        QTest::addColumn<quint64>("expected");
        QTest::newRow("min") << 0.0 << quint64(10) << quint64(1);
        QTest::newRow("median of 10") << 0.5 << quint64(10) << quint64(5);
        QTest::newRow("median of 11") << 0.5 << quint64(11) << quint64(6);
        QTest::newRow("p99 of 100") << 0.99 << quint64(100) << quint64(99);
        QTest::newRow("p999 of 1000") << 0.999 << quint64(1000) << quint64(999);
        QTest::newRow("p999 of 100000") << 0.999 << quint64(100000) << quint64(99900);
        QTest::newRow("p90 of 3") << 0.9 << quint64(3) << quint64(3);
        QTest::newRow("max") << 1.0 << quint64(7) << quint64(7);
        QTest::newRow("above 1 clamps") << 1.5 << quint64(7) << quint64(7);
        QTest::newRow("empty") << 0.5 << quint64(0) << quint64(0);
    }

    void rank()
    {
        QFETCH(double, q);
        QFETCH(quint64, count);
        QFETCH(quint64, expected);
        QCOMPARE(HistogramSnapshot::rank(q, count), expected);
    }

    void percentilesWithinErrorBound_data()
    {
        QTest::addColumn<Distribution>("distribution");
        QTest::addColumn<int>("n");
        QTest::newRow("uniform 1us..1s") << Distribution::Uniform << 100'000;
        QTest::newRow("exponential mean 50ms") << Distribution::Exponential << 100'000;
        QTest::newRow("constant") << Distribution::Constant << 1'000;
        QTest::newRow("two-point 90/10") << Distribution::TwoPoint << 10'000;
        QTest::newRow("small values exact") << Distribution::SmallExact << 10'000;
        QTest::newRow("uniform up to 1h") << Distribution::WideUniform << 50'000;
        QTest::newRow("single value") << Distribution::Exponential << 1;
    }

    void percentilesWithinErrorBound()
    {
        QFETCH(Distribution, distribution);
        QFETCH(int, n);
        const std::vector<std::int64_t> values = generate(distribution, n, 20261126);
        const HistogramSnapshot snapshot = recordAll(values);
        for (const double q : {0.0, 0.5, 0.9, 0.99, 0.999, 1.0}) {
            const std::int64_t exact = exactPercentile(values, q);
            const std::int64_t estimate = snapshot.percentile(q);
            const double error = std::abs(static_cast<double>(estimate - exact));
            const QByteArray what = QByteArray("q=") + QByteArray::number(q) + " exact="
                                    + QByteArray::number(exact) + " estimate=" + QByteArray::number(estimate);
            QVERIFY2(error <= static_cast<double>(exact) * buckets::kMidpointRelativeError, what.constData());
        }
        if (distribution == Distribution::SmallExact || distribution == Distribution::Constant)
            QCOMPARE(snapshot.percentile(0.99),
                     exactPercentile(values, 0.99)); // exact below 256 and at extremes
    }

    void countMinMaxMean()
    {
        LatencyHistogram histogram;
        QCOMPARE(histogram.snapshot().count(), std::uint64_t(0));
        QCOMPARE(histogram.snapshot().percentile(0.5), std::int64_t(0));
        for (const std::int64_t v : {700'001, 3, 1'234'567, 42})
            histogram.record(v);
        histogram.record(1'000, 4); // four occurrences
        const HistogramSnapshot s = histogram.snapshot();
        QCOMPARE(s.count(), std::uint64_t(8));
        QCOMPARE(s.min(), std::int64_t(3));
        QCOMPARE(s.max(), std::int64_t(1'234'567));
        QCOMPARE(s.mean(), (700'001.0 + 3 + 1'234'567 + 42 + 4'000) / 8.0);
        QCOMPARE(s.percentile(0.0), std::int64_t(3));
        QCOMPARE(s.percentile(1.0), std::int64_t(1'234'567)); // clamped to the exact max
        QCOMPARE(s.overflowCount(), std::uint64_t(0));
    }

    void negativeValuesCountAsZero()
    {
        LatencyHistogram histogram;
        histogram.record(-5);
        histogram.record(10);
        const HistogramSnapshot s = histogram.snapshot();
        QCOMPARE(s.count(), std::uint64_t(2));
        QCOMPARE(s.min(), std::int64_t(0));
        QCOMPARE(s.percentile(0.5), std::int64_t(0));
    }

    void overflowIsCountedAndReported()
    {
        LatencyHistogram histogram;
        histogram.record(buckets::kMaxValue); // the last value with a bucket
        histogram.record(buckets::kMaxValue + 1);
        histogram.record(10 * buckets::kMaxValue);
        const HistogramSnapshot s = histogram.snapshot();
        QCOMPARE(s.count(), std::uint64_t(3));
        QCOMPARE(s.overflowCount(), std::uint64_t(2));
        QCOMPARE(s.max(), 10 * buckets::kMaxValue);
        QCOMPARE(s.percentile(1.0), 10 * buckets::kMaxValue);
        QVERIFY(std::abs(static_cast<double>(s.percentile(0.0) - buckets::kMaxValue))
                <= static_cast<double>(buckets::kMaxValue) * buckets::kMidpointRelativeError);
    }

    void mergeEqualsRecordingIntoOne()
    {
        std::vector<std::int64_t> all;
        HistogramSnapshot merged;
        const Distribution parts[] = {Distribution::Uniform, Distribution::Exponential,
                                      Distribution::TwoPoint, Distribution::Constant};
        std::uint64_t seed = 1;
        for (const Distribution d : parts) {
            const std::vector<std::int64_t> values = generate(d, 5'000, seed++);
            all.insert(all.end(), values.begin(), values.end());
            merged.merge(recordAll(values));
        }
        merged.merge(HistogramSnapshot()); // merging an empty one changes nothing
        const HistogramSnapshot single = recordAll(all);
        QCOMPARE(merged.count(), single.count());
        QVERIFY(merged.bucketCounts() == single.bucketCounts());
        QCOMPARE(merged.min(), single.min());
        QCOMPARE(merged.max(), single.max());
        QCOMPARE(merged.sum(), single.sum());
        for (const double q : {0.5, 0.9, 0.99, 0.999})
            QCOMPARE(merged.percentile(q), single.percentile(q));
    }

    void resetForgetsEverything()
    {
        LatencyHistogram histogram;
        histogram.record(5);
        histogram.record(2 * buckets::kMaxValue);
        histogram.reset();
        QCOMPARE(histogram.snapshot().count(), std::uint64_t(0));
        histogram.record(77);
        const HistogramSnapshot s = histogram.snapshot();
        QCOMPARE(s.count(), std::uint64_t(1));
        QCOMPARE(s.min(), std::int64_t(77));
        QCOMPARE(s.max(), std::int64_t(77));
        QCOMPARE(s.overflowCount(), std::uint64_t(0));
    }

    void concurrentSnapshotsSeeMonotoneCounts()
    {
        LatencyHistogram histogram;
        constexpr std::uint64_t kValues = 1'000'000;
        std::atomic<bool> done{false};
        std::thread writer([&] {
            TestRng rng(99);
            for (std::uint64_t i = 0; i < kValues; ++i)
                histogram.record(rng.uniformInt(1, 10'000'000));
            done.store(true, std::memory_order_release);
        });
        std::uint64_t previous = 0;
        int snapshots = 0;
        bool ok = true;
        while (!done.load(std::memory_order_acquire) || snapshots == 0) {
            const HistogramSnapshot s = histogram.snapshot();
            ++snapshots;
            ok = ok && s.count() >= previous && s.count() <= kValues;
            if (s.count() > 0) {
                const std::int64_t p99 = s.percentile(0.99);
                ok = ok && s.min() <= s.max() && p99 >= s.min() && p99 <= s.max();
            }
            previous = s.count();
        }
        writer.join();
        QVERIFY2(ok, "a snapshot saw the count go down or inconsistent extremes");
        QCOMPARE(histogram.snapshot().count(), kValues);
    }
};

QTEST_APPLESS_MAIN(TestLatencyHistogram)
#include "test_latency_histogram.moc"
