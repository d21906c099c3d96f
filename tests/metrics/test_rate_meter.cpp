// RateMeter with synthetic timestamps: steady rates, bursts, decay when idle,
// clocks stepping back, and gaps longer than the ring.
#include "metrics/rate_meter.h"
#include "test_support.h"

#include <cmath>

using namespace kappa;
using namespace kappa::metrics;

namespace {

const WallTime kStart(1'700'000'000'000);

// Adds `perSecond` events a second, one batch every `stepMillis`, over [from, to).
void feed(RateMeter &meter, WallTime from, WallTime to, double perSecond, std::int64_t stepMillis)
{
    const auto batch = static_cast<std::uint64_t>(
        std::llround(perSecond * static_cast<double>(stepMillis) / 1000.0));
    for (WallTime t = from; t < to; t += stepMillis)
        meter.add(t, batch);
}

bool near(double actual, double expected, double relative)
{
    return std::abs(actual - expected) <= std::max(expected * relative, 1e-9);
}

} // namespace

class TestRateMeter : public QObject
{
    Q_OBJECT

private slots:
    void steadyRate_data()
    {
        QTest::addColumn<double>("perSecond");
        QTest::addColumn<qint64>("stepMillis");
        QTest::addColumn<qint64>("windowMillis");
        QTest::addColumn<qint64>("askAtOffset"); // ms after the last batch
        QTest::newRow("1000/s over 1 s") << 1'000.0 << qint64(10) << qint64(1'000) << qint64(0);
        QTest::newRow("1000/s over 10 s") << 1'000.0 << qint64(10) << qint64(10'000) << qint64(5);
        QTest::newRow("1000/s over 60 s") << 1'000.0 << qint64(10) << qint64(60'000) << qint64(9);
        QTest::newRow("200k/s batches of 2000") << 200'000.0 << qint64(10) << qint64(10'000) << qint64(3);
        QTest::newRow("50/s in 100 ms batches") << 50.0 << qint64(100) << qint64(10'000) << qint64(50);
        QTest::newRow("mid-slot query") << 1'000.0 << qint64(1) << qint64(1'000) << qint64(0);
    }

    void steadyRate()
    {
        QFETCH(double, perSecond);
        QFETCH(qint64, stepMillis);
        QFETCH(qint64, windowMillis);
        QFETCH(qint64, askAtOffset);
        RateMeter meter;
        // 90.5 s of traffic, so the query lands in the middle of a slot.
        const WallTime end = kStart + 90'500;
        feed(meter, kStart, end, perSecond, stepMillis);
        const WallTime askAt = end - stepMillis + askAtOffset;
        const double rate = meter.ratePerSecond(askAt, windowMillis);
        // Tolerance: one batch's share of the window, plus the even-spread assumption.
        const double tolerance = 2.0 * static_cast<double>(stepMillis) / static_cast<double>(windowMillis)
                                 + 0.01;
        QVERIFY2(near(rate, perSecond, tolerance), QByteArray::number(rate).constData());
    }

    void burstShowsInShortWindowFirst()
    {
        RateMeter meter;
        feed(meter, kStart, kStart + 60'000, 100.0, 100);
        meter.add(kStart + 60'000, 10'000); // a burst of 10k events at one instant
        const WallTime now = kStart + 60'000;
        QVERIFY(near(meter.ratePerSecond(now, 1'000), 100.0 + 10'000.0, 0.02));
        QVERIFY(near(meter.ratePerSecond(now, 10'000), 100.0 + 1'000.0, 0.02));
        QVERIFY(near(meter.ratePerSecond(now, 60'000), 100.0 + 10'000.0 / 60.0, 0.02));
        QCOMPARE(meter.total(), std::uint64_t(6'000 + 10'000));
    }

    void idleDecaysToZero_data()
    {
        QTest::addColumn<qint64>("idleMillis");
        QTest::addColumn<double>("expected1s");
        QTest::addColumn<double>("expected10s");
        // 1000/s until kStart + 30 s, then nothing.
        QTest::newRow("just stopped") << qint64(0) << 1'000.0 << 1'000.0;
        QTest::newRow("half a second") << qint64(500) << 500.0 << 950.0;
        QTest::newRow("one second") << qint64(1'000) << 0.0 << 900.0;
        QTest::newRow("five seconds") << qint64(5'000) << 0.0 << 500.0;
        QTest::newRow("ten seconds") << qint64(10'000) << 0.0 << 0.0;
        QTest::newRow("an hour") << qint64(3'600'000) << 0.0 << 0.0;
    }

    void idleDecaysToZero()
    {
        QFETCH(qint64, idleMillis);
        QFETCH(double, expected1s);
        QFETCH(double, expected10s);
        RateMeter meter;
        feed(meter, kStart, kStart + 30'000, 1'000.0, 1);
        const WallTime now = kStart + 30'000 + idleMillis;
        QVERIFY2(near(meter.ratePerSecond(now, 1'000), expected1s, 0.01),
                 QByteArray::number(meter.ratePerSecond(now, 1'000)).constData());
        QVERIFY2(near(meter.ratePerSecond(now, 10'000), expected10s, 0.01),
                 QByteArray::number(meter.ratePerSecond(now, 10'000)).constData());
    }

    void gapLongerThanTheRingForgetsOldSlots()
    {
        RateMeter meter(1'000, 10);
        feed(meter, kStart, kStart + 10'000, 1'000.0, 10);
        // Resume after 25 s at one event per second: the old traffic must not reappear.
        for (int s = 0; s < 10; ++s)
            meter.add(kStart + 35'000 + s * 1'000, 1);
        QVERIFY(near(meter.ratePerSecond(kStart + 44'999, 10'000), 1.0, 0.11));
    }

    void clockSteppingBackCountsAtNewestTime()
    {
        RateMeter meter;
        meter.add(kStart + 10'000, 100);
        meter.add(kStart + 5'000, 100); // stepped back: counted in the newest slot
        QVERIFY(near(meter.ratePerSecond(kStart + 10'000, 1'000), 200.0, 1e-9));
        QVERIFY(near(meter.ratePerSecond(kStart, 1'000), 200.0, 1e-9)); // asked in the past: newest time
    }

    void windowIsClamped()
    {
        RateMeter meter(1'000, 10);
        QCOMPARE(meter.maxWindowMillis(), std::int64_t(10'000));
        QCOMPARE(meter.ratePerSecond(kStart, 1'000), 0.0); // nothing added yet
        feed(meter, kStart, kStart + 30'000, 100.0, 10);
        const WallTime now = kStart + 29'990;
        QCOMPARE(meter.ratePerSecond(now, 600'000), meter.ratePerSecond(now, 10'000));
        QCOMPARE(meter.ratePerSecond(now, 0), meter.ratePerSecond(now, 1'000));
    }
};

QTEST_APPLESS_MAIN(TestRateMeter)
#include "test_rate_meter.moc"
