// business_metrics: window assignment, totals, distinct sessions, lateness and
// watermark finalization, partial rows of several partitions, batch
// boundaries, v2 country rows, and the state's binary round trip.
#include "pipelines/business_metrics.h"
#include "pipelines_test_util.h"
#include "test_support.h"

#include <limits>
#include <map>

using namespace kappa;
using namespace kappa::pipelines;
using pipelinestest::parseEvents;

namespace {

QString mrow(qint64 window, int category, int views, int cartAdds, int checkouts, int orders, qint64 gmv,
             int sessions, int purchasingSessions)
{
    return QStringLiteral("{\"window_start_ms\":%1,\"category_id\":%2,\"views\":%3,\"cart_adds\":%4,"
                          "\"checkouts\":%5,\"orders\":%6,\"gmv_cents\":%7,\"sessions\":%8,"
                          "\"purchasing_sessions\":%9}")
        .arg(window)
        .arg(category)
        .arg(views)
        .arg(cartAdds)
        .arg(checkouts)
        .arg(orders)
        .arg(gmv)
        .arg(sessions)
        .arg(purchasingSessions);
}

QString lines(const std::vector<MetricsRow> &rows)
{
    QStringList out;
    for (const MetricsRow &r : rows)
        out << QString::fromStdString(r.toJson());
    return out.join(QLatin1Char('\n'));
}

// Latest row per key over all drains, as the view would hold them.
void absorb(const MetricsDelta &delta, std::map<std::string, MetricsRow> &view)
{
    for (const MetricsRow &r : delta.changed)
        view[r.rowKey()] = r;
}

std::vector<MetricsRow> values(const std::map<std::string, MetricsRow> &view)
{
    std::vector<MetricsRow> out;
    for (const auto &[key, row] : view)
        out.push_back(row);
    return out;
}

} // namespace

class TestBusinessMetrics : public QObject
{
    Q_OBJECT

private slots:
    void test_pipelines_business_metrics_rows_data()
    {
        QTest::addColumn<QString>("events");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("dropped");
        QTest::newRow("minute edges")
            << "view t=59999 cat=2; view t=60s cat=2"
            << mrow(0, 0, 1, 0, 0, 0, 0, 1, 0) + "\n" + mrow(0, 2, 1, 0, 0, 0, 0, 1, 0) + "\n"
                   + mrow(60000, 0, 1, 0, 0, 0, 0, 1, 0) + "\n" + mrow(60000, 2, 1, 0, 0, 0, 0, 1, 0)
            << 0;
        QTest::newRow("category 0 totals and distinct sessions")
            << "view t=1s cat=1 session=1; view t=2s cat=2 session=2; cart_add t=3s cat=1 session=1;"
               "checkout t=4s cat=1 session=1; purchase t=5s cat=1 session=1 amount=700;"
               "purchase t=6s cat=2 session=2 amount=300; search t=7s cat=3 session=3"
            << mrow(0, 0, 2, 1, 1, 2, 1000, 3, 2) + "\n" + mrow(0, 1, 1, 1, 1, 1, 700, 1, 1) + "\n"
                   + mrow(0, 2, 1, 0, 0, 1, 300, 1, 1) + "\n" + mrow(0, 3, 0, 0, 0, 0, 0, 1, 0)
            << 0;
        // Watermark 10m - 5m = 5m; window [5m, 6m) ends after it, so it is still open.
        QTest::newRow("late inside the lateness")
            << "view t=10m; view t=5m"
            << mrow(300000, 0, 1, 0, 0, 0, 0, 1, 0) + "\n" + mrow(300000, 1, 1, 0, 0, 0, 0, 1, 0) + "\n"
                   + mrow(600000, 0, 1, 0, 0, 0, 0, 1, 0) + "\n" + mrow(600000, 1, 1, 0, 0, 0, 0, 1, 0)
            << 0;
        // Window [4m, 5m) ends at the watermark 5m: dropped and counted.
        QTest::newRow("late beyond the lateness")
            << "view t=10m; view t=4m+59s; purchase t=0"
            << mrow(600000, 0, 1, 0, 0, 0, 0, 1, 0) + "\n" + mrow(600000, 1, 1, 0, 0, 0, 0, 1, 0) << 2;
        QTest::newRow("same session across categories")
            << "view t=1s cat=1 session=4; view t=2s cat=2 session=4; purchase t=3s cat=2 session=4 amount=50"
            << mrow(0, 0, 2, 0, 0, 1, 50, 1, 1) + "\n" + mrow(0, 1, 1, 0, 0, 0, 0, 1, 0) + "\n"
                   + mrow(0, 2, 1, 0, 0, 1, 50, 1, 1)
            << 0;
    }

    void test_pipelines_business_metrics_rows()
    {
        QFETCH(QString, events);
        QFETCH(QString, expected);
        QFETCH(int, dropped);
        BusinessMetrics m;
        for (const Event &e : parseEvents(events))
            m.apply(e);
        QCOMPARE(lines(m.rows()), expected);
        QCOMPARE(lines(m.drain().changed), expected);
        QCOMPARE(m.droppedLate(), dropped);
    }

    void test_pipelines_business_metrics_watermark_finalization()
    {
        BusinessMetrics m(BusinessMetricsParams{60000, false});
        const auto events = parseEvents("view t=0; view t=1m+30s; view t=2m; view t=30s; view t=1m+10s");
        QVERIFY(m.apply(events[0]));
        MetricsDelta d = m.drain();
        QCOMPARE(lines(d.changed), mrow(0, 0, 1, 0, 0, 0, 0, 1, 0) + "\n" + mrow(0, 1, 1, 0, 0, 0, 0, 1, 0));
        QVERIFY(d.finalizedWindows.empty());

        QVERIFY(m.apply(events[1])); // watermark 30s: window 0 (ends 1m) stays open
        d = m.drain();
        QCOMPARE(d.changed.size(), std::size_t(2));
        QCOMPARE(d.changed[0].windowStartMs, 60000);
        QVERIFY(d.finalizedWindows.empty());
        QCOMPARE(m.openWindows(), std::size_t(2));

        QVERIFY(m.apply(events[2])); // watermark 1m: window 0 is final
        d = m.drain();
        QCOMPARE(d.changed.size(), std::size_t(2));
        QCOMPARE(d.changed[0].windowStartMs, 120000);
        QCOMPARE(d.finalizedWindows, std::vector<std::int64_t>{0});
        QCOMPARE(m.openWindows(), std::size_t(2));

        QVERIFY(!m.apply(events[3])); // into the final window: dropped
        d = m.drain();
        QVERIFY(d.changed.empty());
        QVERIFY(d.finalizedWindows.empty());
        QCOMPARE(m.droppedLate(), 1);

        QVERIFY(m.apply(events[4])); // window 1m is still open and updated
        d = m.drain();
        QCOMPARE(lines(d.changed),
                 mrow(60000, 0, 2, 0, 0, 0, 0, 1, 0) + "\n" + mrow(60000, 1, 2, 0, 0, 0, 0, 1, 0));
        QCOMPARE(m.watermarkMs(), 60000);
    }

    void test_pipelines_business_metrics_country_rows()
    {
        BusinessMetrics m(BusinessMetricsParams{300000, true});
        for (const Event &e : parseEvents("view t=1s country=DE session=1;"
                                          "purchase t=2s country=DE session=1 amount=500;"
                                          "view t=3s country=US session=2"))
            m.apply(e);
        const auto rows = m.rows();
        QCOMPARE(
            lines(rows),
            mrow(0, 0, 2, 0, 0, 1, 500, 2, 1) + "\n" + mrow(0, 1, 2, 0, 0, 1, 500, 2, 1) + "\n"
                + "{\"window_start_ms\":0,\"country\":\"DE\",\"views\":1,\"cart_adds\":0,\"checkouts\":0,"
                  "\"orders\":1,\"gmv_cents\":500,\"sessions\":1,\"purchasing_sessions\":1}\n"
                + "{\"window_start_ms\":0,\"country\":\"US\",\"views\":1,\"cart_adds\":0,\"checkouts\":0,"
                  "\"orders\":0,\"gmv_cents\":0,\"sessions\":1,\"purchasing_sessions\":0}");
        QCOMPARE(rows[0].rowKey(), std::string("00000000000000000000/category/0000000000"));
        QCOMPARE(rows[2].rowKey(), std::string("00000000000000000000/country/DE"));
    }

    // rows() come in rowKey order, and row keys sort like (window, category),
    // also for windows before 1970 and negative category ids.
    void test_pipelines_business_metrics_row_key_order()
    {
        BusinessMetrics m(BusinessMetricsParams{std::numeric_limits<std::int64_t>::max(), true});
        for (const Event &e : parseEvents("view t=0 cat=3; view t=0 cat=12; view t=-1s cat=-5;"
                                          "view t=-1s cat=-10; view t=-1s cat=-50; view t=-61s cat=7;"
                                          "view t=-1000m cat=-2147483648; view t=-1000m cat=2147483647"))
            m.apply(e);
        const std::vector<MetricsRow> rows = m.rows();
        QCOMPARE(rows.size(), std::size_t(16));
        for (std::size_t i = 1; i < rows.size(); ++i)
            QVERIFY2(rows[i - 1].rowKey() < rows[i].rowKey(), rows[i].rowKey().c_str());
        QCOMPARE(rows[0].rowKey(), std::string("-9999999999940000000/category/-9999999997852516352"));
        QCOMPARE(rows[0].categoryId, std::numeric_limits<std::int32_t>::min());
    }

    void test_pipelines_business_metrics_partitions_data()
    {
        QTest::addColumn<int>("partitions");
        QTest::newRow("2 partitions") << 2;
        QTest::newRow("3 partitions") << 3;
        QTest::newRow("7 partitions") << 7;
    }

    // Partials of partitions keyed by user sum to the rows of one partition.
    void test_pipelines_business_metrics_partitions()
    {
        QFETCH(int, partitions);
        const BusinessMetricsParams params{300000, true};
        const auto events = pipelinestest::randomEvents(21, 5000, 12, 3600000);
        BusinessMetrics single(params);
        std::vector<BusinessMetrics> parts(static_cast<std::size_t>(partitions), BusinessMetrics(params));
        std::map<std::string, MetricsRow> singleView;
        std::vector<std::map<std::string, MetricsRow>> partViews(parts.size());
        for (std::size_t i = 0; i < events.size(); ++i) {
            const Event &e = events[i];
            single.apply(e);
            const auto p = static_cast<std::size_t>(e.userId % partitions);
            parts[p].apply(e);
            if (i % 97 == 0) {
                absorb(single.drain(), singleView);
                for (std::size_t k = 0; k < parts.size(); ++k)
                    absorb(parts[k].drain(), partViews[k]);
            }
        }
        absorb(single.drain(), singleView);
        std::map<std::string, MetricsRow> summed;
        for (std::size_t k = 0; k < parts.size(); ++k) {
            absorb(parts[k].drain(), partViews[k]);
            QCOMPARE(parts[k].droppedLate(), 0);
            for (const auto &[key, row] : partViews[k]) {
                auto [it, inserted] = summed.emplace(key, row);
                if (!inserted)
                    it->second.addPartial(row);
            }
        }
        QCOMPARE(single.droppedLate(), 0);
        QVERIFY(singleView.size() > 100);
        QCOMPARE(lines(values(summed)), lines(values(singleView)));
    }

    // One drain at the end, a drain after every event, and a restore from bytes
    // after every event leave the view with the same rows.
    void test_pipelines_business_metrics_batches()
    {
        // 30 s of lateness against up to 90 s of disorder: some events are dropped.
        BusinessMetricsParams params{30000, true};
        const auto events = pipelinestest::randomEvents(33, 3000, 5, 2 * 3600000);
        BusinessMetrics once(params), each(params), restarted(params);
        std::map<std::string, MetricsRow> onceView, eachView, restartedView;
        for (const Event &e : events) {
            once.apply(e);
            each.apply(e);
            absorb(each.drain(), eachView);
            restarted.apply(e);
            std::string bytes;
            restarted.serialize(bytes);
            KAPPA_ASSIGN_OR_FAIL(restarted, BusinessMetrics::parse(bytes, params));
        }
        absorb(once.drain(), onceView);
        absorb(restarted.drain(), restartedView);
        QCOMPARE(lines(values(eachView)), lines(values(onceView)));
        QCOMPARE(lines(values(restartedView)), lines(values(onceView)));
        QCOMPARE(each.droppedLate(), once.droppedLate());
        QCOMPARE(restarted.droppedLate(), once.droppedLate());
        QVERIFY(once.droppedLate() > 0);
    }

    void test_pipelines_business_metrics_round_trip()
    {
        const BusinessMetricsParams params{300000, true};
        BusinessMetrics m(params);
        for (const Event &e : pipelinestest::randomEvents(9, 400, 3, 600000))
            m.apply(e);
        m.drain().changed.clear();
        m.apply(parseEvents("view t=9m country=JP")[0]);
        std::string bytes;
        m.serialize(bytes);
        KAPPA_ASSIGN_OR_FAIL(BusinessMetrics parsed, BusinessMetrics::parse(bytes, params));
        QVERIFY(parsed == m);
        QCOMPARE(lines(parsed.drain().changed), lines(m.drain().changed));
        for (std::size_t n = 0; n < bytes.size(); ++n)
            QCOMPARE(BusinessMetrics::parse(bytes.substr(0, n), params).status().code(),
                     StatusCode::Corruption);
        QVERIFY(!BusinessMetrics::parse(bytes + "\x01", params).isOk());
    }

    // Hostile event times and lateness: no window or watermark arithmetic may
    // overflow. Events whose window does not fit in an int64 are dropped and
    // counted; a huge lateness saturates the watermark instead of wrapping.
    void test_pipelines_business_metrics_extreme_times()
    {
        constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
        constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
        Event e = parseEvents("view t=0")[0];
        BusinessMetrics m;
        for (std::int64_t ts : {kMax, kMax - 30000, kMin, kMin + 4000}) {
            e.ts = EventTime(ts);
            QVERIFY(!m.apply(e));
        }
        QCOMPARE(m.droppedLate(), 4);
        QVERIFY(!m.hasWatermark());
        e.ts = EventTime(kMax - 200000); // window [.., ..+60000) still fits
        QVERIFY(m.apply(e));
        QCOMPARE(m.drain().finalizedWindows.size(), std::size_t(0));
        QCOMPARE(m.openWindows(), std::size_t(1));

        BusinessMetrics patient(BusinessMetricsParams{kMax, false});
        for (std::int64_t ts : {std::int64_t(-1000), std::int64_t(-90000), kMin + 100000}) {
            e.ts = EventTime(ts);
            QVERIFY(patient.apply(e));
        }
        QCOMPARE(patient.watermarkMs(), kMin);
        QVERIFY(patient.drain().finalizedWindows.empty());
        QCOMPARE(patient.droppedLate(), 0);

        // Hostile amounts wrap around in the sums instead of overflowing.
        BusinessMetrics rich;
        for (const char *dsl : {"purchase t=1s", "purchase t=2s"}) {
            Event p = parseEvents(dsl)[0];
            p.amountCents = kMax;
            QVERIFY(rich.apply(p));
        }
        MetricsRow total = rich.rows().at(0);
        QCOMPARE(total.gmvCents, std::int64_t(-2));
        total.addPartial(rich.rows().at(0));
        QCOMPARE(total.gmvCents, std::int64_t(-4));

        std::string bytes;
        m.serialize(bytes);
        KAPPA_ASSIGN_OR_FAIL(BusinessMetrics parsed, BusinessMetrics::parse(bytes, {}));
        QVERIFY(parsed == m);
    }
};

QTEST_APPLESS_MAIN(TestBusinessMetrics)
#include "test_business_metrics.moc"
