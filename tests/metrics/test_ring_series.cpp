// RingSeries: wraparound, range queries, downsampling, ordering.
#include "metrics/ring_series.h"
#include "test_support.h"

#include <atomic>
#include <thread>

using namespace kappa;
using namespace kappa::metrics;

Q_DECLARE_METATYPE(Downsampling)

namespace {

// Appends samples at t = 1000 * i ms with value i, for i in [first, last].
void fill(RingSeries &ring, int first, int last)
{
    for (int i = first; i <= last; ++i)
        ring.append(WallTime(1'000 * i), i).ignore();
}

QList<double> valuesOf(const std::vector<Sample> &samples)
{
    QList<double> values;
    for (const Sample &s : samples)
        values.append(s.value);
    return values;
}

} // namespace

class TestRingSeries : public QObject
{
    Q_OBJECT

private slots:
    void wrapsAroundKeepingTheNewest()
    {
        RingSeries ring(5);
        QCOMPARE(ring.size(), std::size_t(0));
        QVERIFY(!ring.latest().has_value());
        for (int i = 0; i < 12; ++i)
            KAPPA_VERIFY_OK(ring.append(WallTime(1'000 * i), i));
        QCOMPARE(ring.size(), std::size_t(5));
        QCOMPARE(ring.capacity(), std::size_t(5));
        const std::vector<Sample> all = ring.range(WallTime(0), WallTime(1'000'000));
        QCOMPARE(valuesOf(all), (QList<double>{7, 8, 9, 10, 11}));
        QCOMPARE(all.front().time, WallTime(7'000));
        QCOMPARE(ring.latest()->value, 11.0);
        ring.clear();
        QCOMPARE(ring.size(), std::size_t(0));
        QVERIFY(ring.range(WallTime(0), WallTime(1'000'000)).empty());
    }

    void rejectsOlderSamples()
    {
        RingSeries ring(4);
        KAPPA_VERIFY_OK(ring.append(WallTime(2'000), 1));
        KAPPA_VERIFY_OK(ring.append(WallTime(2'000), 2)); // equal times are fine
        const Status older = ring.append(WallTime(1'999), 3);
        QCOMPARE(older.code(), StatusCode::InvalidArgument);
        QCOMPARE(ring.size(), std::size_t(2));
        QCOMPARE(ring.latest()->value, 2.0);
    }

    void rangeQueries_data()
    {
        QTest::addColumn<qint64>("from");
        QTest::addColumn<qint64>("to");
        QTest::addColumn<QList<double>>("expected");
        // The ring of 8 holds i = 12..19 at t = 12000..19000 (it wrapped twice).
        QTest::newRow("everything") << qint64(0) << qint64(100'000)
                                    << QList<double>{12, 13, 14, 15, 16, 17, 18, 19};
        QTest::newRow("inclusive ends") << qint64(13'000) << qint64(15'000) << QList<double>{13, 14, 15};
        QTest::newRow("between samples") << qint64(13'001) << qint64(15'999) << QList<double>{14, 15};
        QTest::newRow("single point") << qint64(19'000) << qint64(19'000) << QList<double>{19};
        QTest::newRow("overwritten past") << qint64(0) << qint64(11'999) << QList<double>{};
        QTest::newRow("future") << qint64(19'001) << qint64(30'000) << QList<double>{};
        QTest::newRow("reversed") << qint64(15'000) << qint64(13'000) << QList<double>{};
    }

    void rangeQueries()
    {
        QFETCH(qint64, from);
        QFETCH(qint64, to);
        QFETCH(QList<double>, expected);
        RingSeries ring(8);
        fill(ring, 0, 19);
        QCOMPARE(valuesOf(ring.range(WallTime(from), WallTime(to))), expected);
    }

    void downsampling_data()
    {
        QTest::addColumn<int>("maxPoints");
        QTest::addColumn<Downsampling>("how");
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<QList<qint64>>("times");
        // Ten samples i = 1..10 at t = 1000 * i.
        QTest::newRow("no reduction needed")
            << 10 << Downsampling::Mean << QList<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
            << QList<qint64>{1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000};
        QTest::newRow("zero means all")
            << 0 << Downsampling::Max << QList<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
            << QList<qint64>{1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000};
        QTest::newRow("mean of pairs") << 5 << Downsampling::Mean << QList<double>{1.5, 3.5, 5.5, 7.5, 9.5}
                                       << QList<qint64>{2000, 4000, 6000, 8000, 10000};
        QTest::newRow("max of runs of 4")
            << 3 << Downsampling::Max << QList<double>{4, 8, 10} << QList<qint64>{4000, 8000, 10000};
        QTest::newRow("min of runs of 4")
            << 3 << Downsampling::Min << QList<double>{1, 5, 9} << QList<qint64>{4000, 8000, 10000};
        QTest::newRow("one point") << 1 << Downsampling::Mean << QList<double>{5.5} << QList<qint64>{10000};
    }

    void downsampling()
    {
        QFETCH(int, maxPoints);
        QFETCH(Downsampling, how);
        QFETCH(QList<double>, values);
        QFETCH(QList<qint64>, times);
        RingSeries ring(100);
        fill(ring, 1, 10);
        const std::vector<Sample> points = ring.downsample(WallTime(0), WallTime(10'000),
                                                           static_cast<std::size_t>(maxPoints), how);
        QCOMPARE(valuesOf(points), values);
        QList<qint64> actualTimes;
        for (const Sample &s : points)
            actualTimes.append(s.time.value());
        QCOMPARE(actualTimes, times);
    }

    void downsamplingAnHourToAChart()
    {
        RingSeries ring(3'600);
        fill(ring, 0, 7'199); // two hours into a one-hour ring
        const std::vector<Sample> points = ring.downsample(WallTime(0), WallTime(10'000'000), 500,
                                                           Downsampling::Max);
        QVERIFY(points.size() <= 500);
        QVERIFY(points.size() >= 450);
        QCOMPARE(points.back().time, WallTime(7'199'000));
        QCOMPARE(points.back().value, 7'199.0);
        for (std::size_t i = 1; i < points.size(); ++i)
            QVERIFY(points[i].time > points[i - 1].time);
    }

    void concurrentReadersSeeOrderedSamples()
    {
        RingSeries ring(64);
        std::atomic<bool> done{false};
        std::thread writer([&] {
            for (int i = 0; i < 20'000; ++i)
                ring.append(WallTime(i), i).ignore();
            done.store(true);
        });
        bool ordered = true;
        while (!done.load()) {
            const std::vector<Sample> samples = ring.range(WallTime(0), WallTime(1'000'000));
            ordered = ordered && samples.size() <= 64;
            for (std::size_t i = 1; i < samples.size(); ++i)
                ordered = ordered && samples[i].time > samples[i - 1].time;
        }
        writer.join();
        QVERIFY(ordered);
        QCOMPARE(ring.latest()->value, 19'999.0);
    }
};

QTEST_APPLESS_MAIN(TestRingSeries)
#include "test_ring_series.moc"
