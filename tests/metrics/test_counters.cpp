// Counter, Gauge and DurationHistory.
#include "metrics/counters.h"
#include "metrics/duration_history.h"
#include "test_support.h"

#include <thread>
#include <vector>

using namespace kappa;
using namespace kappa::metrics;

class TestCounters : public QObject
{
    Q_OBJECT

private slots:
    void counterAndGaugeFromSeveralThreads()
    {
        Counter counter;
        Gauge gauge;
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 10'000; ++i) {
                    counter.add();
                    gauge.add(0.5);
                }
            });
        }
        for (auto &thread : threads)
            thread.join();
        QCOMPARE(counter.value(), std::uint64_t(40'000));
        QCOMPARE(gauge.value(), 20'000.0);
        gauge.set(-3.25);
        QCOMPARE(gauge.value(), -3.25);
    }

    void durationHistoryStats_data()
    {
        QTest::addColumn<QList<qint64>>("added");
        QTest::addColumn<int>("capacity");
        QTest::addColumn<qint64>("last");
        QTest::addColumn<qint64>("minimum");
        QTest::addColumn<qint64>("maximum");
        QTest::addColumn<double>("mean");
        QTest::addColumn<qint64>("p50");
        QTest::addColumn<qint64>("p99");
        QTest::newRow("one") << QList<qint64>{40} << 10 << qint64(40) << qint64(40) << qint64(40) << 40.0
                             << qint64(40) << qint64(40);
        QTest::newRow("four") << QList<qint64>{30, 10, 40, 20} << 10 << qint64(20) << qint64(10) << qint64(40)
                              << 25.0 << qint64(20) << qint64(40);
        QTest::newRow("oldest dropped") << QList<qint64>{1000, 5, 6, 7} << 3 << qint64(7) << qint64(5)
                                        << qint64(7) << 6.0 << qint64(6) << qint64(7);
    }

    void durationHistoryStats()
    {
        QFETCH(QList<qint64>, added);
        QFETCH(int, capacity);
        DurationHistory history(static_cast<std::size_t>(capacity));
        QCOMPARE(history.stats().count, std::size_t(0));
        for (const qint64 d : added)
            history.add(d);
        const DurationHistory::Stats s = history.stats();
        QFETCH(qint64, last);
        QFETCH(qint64, minimum);
        QFETCH(qint64, maximum);
        QFETCH(qint64, p50);
        QFETCH(qint64, p99);
        QCOMPARE(qint64(s.lastMillis), last);
        QCOMPARE(qint64(s.minMillis), minimum);
        QCOMPARE(qint64(s.maxMillis), maximum);
        QTEST(s.meanMillis, "mean");
        QCOMPARE(qint64(s.p50Millis), p50);
        QCOMPARE(qint64(s.p99Millis), p99);
        QCOMPARE(history.totalCount(), std::uint64_t(added.size()));
    }

    void durationHistoryP99OfHundreds()
    {
        DurationHistory history(200);
        for (int i = 1; i <= 500; ++i)
            history.add(i); // keeps 301..500
        const std::vector<std::int64_t> values = history.values();
        QCOMPARE(values.size(), std::size_t(200));
        QCOMPARE(values.front(), std::int64_t(301));
        QCOMPARE(values.back(), std::int64_t(500));
        QCOMPARE(history.stats().p99Millis, std::int64_t(498)); // rank 198 of 200
    }
};

QTEST_APPLESS_MAIN(TestCounters)
#include "test_counters.moc"
