// The shared helpers: BucketRing's window rules, the binary reader's
// rejection of bad input, and canonical JSON numbers.
#include "pipelines/bucket_ring.h"
#include "pipelines/row_json.h"
#include "pipelines/wire.h"
#include "test_support.h"

#include <cmath>
#include <initializer_list>
#include <limits>

using namespace kappa::pipelines;

namespace {

// Adds 1 at each time (ms) of `times` in order to a ring of 4 buckets of 10 ms;
// returns the window sum at asOf (the maximum time).
qint64 windowSum(const QList<qint64> &times)
{
    BucketRing<std::int64_t> ring(4, 10);
    qint64 asOf = std::numeric_limits<qint64>::min();
    for (qint64 t : times) {
        if (std::int64_t *v = ring.slotFor(t))
            ++*v;
        asOf = std::max(asOf, t);
    }
    qint64 sum = 0;
    ring.forEachInWindow(asOf, [&](std::int64_t v) { sum += v; });
    return sum;
}

// The same with FixedBucketRing, which must follow the same rules.
qint64 fixedWindowSum(const QList<qint64> &times)
{
    FixedBucketRing<std::int64_t, 4, 10> ring;
    qint64 asOf = std::numeric_limits<qint64>::min();
    for (qint64 t : times) {
        if (std::int64_t *v = ring.slotFor(t))
            ++*v;
        asOf = std::max(asOf, t);
    }
    qint64 sum = 0;
    ring.forEachInWindow(asOf, [&](std::int64_t v) { sum += v; });
    return sum;
}

// A FixedBucketRing's encoding of (bucket number, value) pairs in the order
// given, written by hand: the count, then each bucket as the difference to the
// previous one (wrapping) and its value.
std::string encodedFixedRing(std::initializer_list<std::pair<std::int64_t, std::int64_t>> buckets)
{
    std::string bytes;
    ByteWriter w(bytes);
    w.putVarU64(buckets.size());
    std::int64_t previous = 0;
    for (const auto &[bucket, value] : buckets) {
        w.putVarI64(static_cast<std::int64_t>(static_cast<std::uint64_t>(bucket)
                                              - static_cast<std::uint64_t>(previous)));
        w.putVarI64(value);
        previous = bucket;
    }
    return bytes;
}

} // namespace

class TestBucketRing : public QObject
{
    Q_OBJECT

private slots:
    void test_pipelines_bucket_ring_window_data()
    {
        QTest::addColumn<QList<qint64>>("times");
        QTest::addColumn<qint64>("sum");
        // Window at asOf = buckets [bucketOf(asOf) - 3, bucketOf(asOf)], 10 ms each.
        QTest::newRow("one event") << QList<qint64>{5} << qint64(1);
        QTest::newRow("all four buckets") << QList<qint64>{0, 10, 20, 39} << qint64(4);
        QTest::newRow("oldest bucket slides out") << QList<qint64>{0, 10, 20, 40} << qint64(3);
        QTest::newRow("edge of the oldest bucket") << QList<qint64>{9, 10, 49} << qint64(2);
        QTest::newRow("too old, arriving late") << QList<qint64>{40, 0, 41} << qint64(2);
        QTest::newRow("too old, arriving first") << QList<qint64>{0, 40, 41} << qint64(2);
        QTest::newRow("late but inside") << QList<qint64>{35, 12, 30} << qint64(3);
        QTest::newRow("negative times") << QList<qint64>{-1, -10, -11, -31, 5} << qint64(4);
        QTest::newRow("long gap") << QList<qint64>{0, 10, 1000} << qint64(1);
    }

    void test_pipelines_bucket_ring_window()
    {
        QFETCH(QList<qint64>, times);
        QFETCH(qint64, sum);
        QCOMPARE(windowSum(times), sum);
        QCOMPARE(fixedWindowSum(times), sum);
    }

    void test_pipelines_bucket_ring_floor_div_data()
    {
        QTest::addColumn<qint64>("a");
        QTest::addColumn<qint64>("b");
        QTest::addColumn<qint64>("q");
        QTest::newRow("positive") << qint64(59999) << qint64(60000) << qint64(0);
        QTest::newRow("edge") << qint64(60000) << qint64(60000) << qint64(1);
        QTest::newRow("negative") << qint64(-1) << qint64(60000) << qint64(-1);
        QTest::newRow("negative edge") << qint64(-60000) << qint64(60000) << qint64(-1);
    }

    void test_pipelines_bucket_ring_floor_div()
    {
        QFETCH(qint64, a);
        QFETCH(qint64, b);
        QFETCH(qint64, q);
        QCOMPARE(floorDiv(a, b), q);
    }

    void test_pipelines_bucket_ring_round_trip()
    {
        BucketRing<std::int64_t> ring(5, 100);
        for (std::int64_t t : {0, 150, 420, 999, 1000})
            ++*ring.slotFor(t);
        std::string bytes;
        ByteWriter w(bytes);
        ring.serialize(w, [](ByteWriter &bw, std::int64_t v) { bw.putVarI64(v); });
        BucketRing<std::int64_t> parsed(5, 100);
        ByteReader r(bytes);
        QVERIFY(parsed.parse(r, [](ByteReader &br, std::int64_t &v) { return br.getVarI64(v); }));
        QVERIFY(r.atEnd());
        QVERIFY(parsed == ring);

        // A slot index that does not match its bucket number is corrupt.
        std::string bad;
        ByteWriter bw(bad);
        bw.putVarU64(1);
        bw.putVarU64(2);
        bw.putVarI64(4);
        bw.putVarI64(1);
        BucketRing<std::int64_t> rejected(5, 100);
        ByteReader br(bad);
        QVERIFY(!rejected.parse(br, [](ByteReader &rr, std::int64_t &v) { return rr.getVarI64(v); }));
    }

    void test_pipelines_bucket_ring_wire_data()
    {
        QTest::addColumn<qint64>("value");
        QTest::newRow("zero") << qint64(0);
        QTest::newRow("minus one") << qint64(-1);
        QTest::newRow("max") << std::numeric_limits<qint64>::max();
        QTest::newRow("min") << std::numeric_limits<qint64>::min();
        QTest::newRow("time") << qint64(1764146400000);
    }

    void test_pipelines_bucket_ring_wire()
    {
        QFETCH(qint64, value);
        std::string bytes;
        ByteWriter w(bytes);
        w.putVarI64(value);
        w.putString("héllo");
        w.putDouble(-0.125);
        ByteReader r(bytes);
        std::int64_t v = 0;
        std::string s;
        double d = 0;
        QVERIFY(r.getVarI64(v) && r.getString(s) && r.getDouble(d));
        QCOMPARE(v, value);
        QCOMPARE(s, std::string("héllo"));
        QCOMPARE(d, -0.125);
        QVERIFY(r.atEnd());
        for (std::size_t n = 0; n < bytes.size(); ++n) {
            ByteReader t(std::string_view(bytes).substr(0, n));
            const bool all = t.getVarI64(v) && t.getString(s) && t.getDouble(d);
            QVERIFY(!all);
            QVERIFY(!t.ok());
        }
    }

    void test_pipelines_bucket_ring_fixed6_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << 0.0 << "0.000000";
        QTest::newRow("negative zero") << -0.0 << "0.000000";
        QTest::newRow("tiny negative") << -0.0000001 << "0.000000";
        QTest::newRow("third") << 1.0 / 3.0 << "0.333333";
        QTest::newRow("rounds up") << 0.0166666666 << "0.016667";
        QTest::newRow("negative") << -1.5 << "-1.500000";
        QTest::newRow("large") << 123456789.0 << "123456789.000000";
        QTest::newRow("nan") << std::nan("") << "0.000000";
    }

    void test_pipelines_bucket_ring_fixed6()
    {
        QFETCH(double, value);
        QFETCH(QString, text);
        std::string out;
        appendFixed6(value, out);
        QCOMPARE(QString::fromStdString(out), text);
    }

    void test_pipelines_bucket_ring_json_string()
    {
        std::string out;
        appendJsonString("a\"b\\c\n\x01", out);
        QCOMPARE(out, std::string("\"a\\\"b\\\\c\\u000a\\u0001\""));
    }

    void test_pipelines_bucket_ring_json_string_runs()
    {
        // Plain runs are copied whole: escapes at either end, none at all, UTF-8 bytes untouched.
        const std::pair<std::string, std::string> cases[] = {
            {"", "\"\""},
            {"plain_name", "\"plain_name\""},
            {"\"x", "\"\\\"x\""},
            {"x\\", "\"x\\\\\""},
            {"\t\t", "\"\\u0009\\u0009\""},
            {"caf\xc3\xa9 \x7f", "\"caf\xc3\xa9 \x7f\""},
        };
        for (const auto &[in, expected] : cases) {
            std::string out = "prefix:";
            appendJsonString(in, out);
            QCOMPARE(out, "prefix:" + expected);
        }
    }

    void test_pipelines_bucket_ring_json_integers()
    {
        std::string out;
        RowJson j(out);
        j.beginObject();
        j.field("min", std::numeric_limits<std::int64_t>::min());
        j.field("max", std::numeric_limits<std::int64_t>::max());
        j.field("zero", std::int64_t{0});
        j.beginArray("a");
        j.element(std::int64_t{-7});
        j.element(std::int64_t{42});
        j.endArray();
        j.endObject();
        QCOMPARE(out, std::string("{\"min\":-9223372036854775808,\"max\":9223372036854775807,\"zero\":0,"
                                  "\"a\":[-7,42]}"));
    }

    void test_pipelines_bucket_ring_fixed_round_trip()
    {
        using Ring = FixedBucketRing<std::int64_t, 5, 100>;
        Ring ring;
        for (std::int64_t t : {0, 150, 420, 999, 1000, -250})
            if (std::int64_t *v = ring.slotFor(t))
                ++*v;
        std::string bytes;
        ByteWriter w(bytes);
        ring.serialize(w, [](ByteWriter &bw, std::int64_t v) { bw.putVarI64(v); });
        auto read = [](ByteReader &br, std::int64_t &v) { return br.getVarI64(v); };
        Ring parsed;
        ByteReader r(bytes);
        QVERIFY(parsed.parse(r, read));
        QVERIFY(r.atEnd());
        QVERIFY(parsed == ring);
        for (std::size_t n = 0; n < bytes.size(); ++n) {
            Ring truncated;
            ByteReader t(std::string_view(bytes).substr(0, n));
            QVERIFY(!truncated.parse(t, read) || !t.atEnd());
        }

        // Slots must come in ascending order (buckets 7 then 6: slots 2 then 1).
        const std::string bad = encodedFixedRing({{7, 1}, {6, 1}});
        Ring rejected;
        ByteReader br(bad);
        QVERIFY(!rejected.parse(br, read));

        // Extreme bucket numbers round-trip.
        for (std::int64_t t :
             {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
            Ring extremes;
            ++*extremes.slotFor(t);
            if (std::int64_t *v = extremes.slotFor(t > 0 ? t - 100 : t + 100))
                ++*v;
            std::string extremeBytes;
            ByteWriter ew(extremeBytes);
            extremes.serialize(ew, [](ByteWriter &bw2, std::int64_t v) { bw2.putVarI64(v); });
            Ring extremesParsed;
            ByteReader er(extremeBytes);
            QVERIFY(extremesParsed.parse(er, read) && er.atEnd());
            QVERIFY(extremesParsed == extremes);
        }
    }

    // Buckets at both ends of the int64 range (width 1 ms: bucket = time):
    // distances near 2^64 and wrapping deltas.
    void test_pipelines_bucket_ring_fixed_int64_limits()
    {
        using Ring = FixedBucketRing<std::int64_t, 5, 1>;
        constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
        constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
        auto read = [](ByteReader &br, std::int64_t &v) { return br.getVarI64(v); };
        auto write = [](ByteWriter &bw, std::int64_t v) { bw.putVarI64(v); };

        Ring ring;
        ++*ring.slotFor(kMin);
        ++*ring.slotFor(kMax); // every held bucket leaves the ring
        QVERIFY(ring.slotFor(kMin) == nullptr);
        std::int64_t held = 0;
        ring.forEachInWindow(kMax, [&](std::int64_t v) { held += v; });
        QCOMPARE(held, 1);
        QVERIFY(!ring.holdsBucketAfter(kMax));
        QVERIFY(ring.holdsBucketAfter(kMax - 1));

        Ring lowest;
        for (std::int64_t t = kMin; t < kMin + 5; ++t)
            ++*lowest.slotFor(t);
        std::string bytes;
        ByteWriter w(bytes);
        lowest.serialize(w, write);
        Ring lowestParsed;
        ByteReader r(bytes);
        QVERIFY(lowestParsed.parse(r, read) && r.atEnd());
        QVERIFY(lowestParsed == lowest);

        // kMax (slot 2) and kMin + 1 (slot 3) encoded together: kMin + 1 is dropped.
        const std::string both = encodedFixedRing({{kMax, 7}, {kMin + 1, 9}});
        Ring bothParsed;
        ByteReader br(both);
        QVERIFY(bothParsed.parse(br, read) && br.atEnd());
        Ring onlyMax;
        *onlyMax.slotFor(kMax) = 7;
        QVERIFY(bothParsed == onlyMax);
    }

    // The ring holds the buckets (newest - 5, newest] only: an older event is
    // ignored, and parse drops the older buckets that rings of earlier
    // versions kept (the encoding is the same).
    void test_pipelines_bucket_ring_fixed_anchored()
    {
        using Ring = FixedBucketRing<std::int64_t, 5, 100>;
        auto read = [](ByteReader &br, std::int64_t &v) { return br.getVarI64(v); };
        Ring ring;
        QVERIFY(ring.slotFor(900) != nullptr);
        QVERIFY(ring.slotFor(500) != nullptr); // bucket 5 = newest - 5 + 1
        QVERIFY(ring.slotFor(499) == nullptr); // bucket 4 = newest - 5, its slot free
        std::int64_t buckets = 0;
        ring.forEachInWindow(900, [&](std::int64_t) { ++buckets; });
        QCOMPARE(buckets, 2);

        // Buckets 2 (slot 2; stale: 6 older than 8) and 8 (slot 3), as an earlier version wrote them.
        const std::string old = encodedFixedRing({{2, 2}, {8, 7}});
        Ring parsed;
        ByteReader r(old);
        QVERIFY(parsed.parse(r, read) && r.atEnd());
        Ring expected;
        *expected.slotFor(800) = 7;
        QVERIFY(parsed == expected);
        std::int64_t sum = 0;
        parsed.forEachInWindow(899, [&](std::int64_t v) { sum += v; });
        QCOMPARE(sum, 7);
    }
};

QTEST_APPLESS_MAIN(TestBucketRing)
#include "test_bucket_ring.moc"
