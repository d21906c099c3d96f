// The dashboard's data shaping: downsampling keeps the shape and the bound,
// percentiles, series buffers merging history under live points, kappad's
// per-task history rows combined into a version's series, checkpoints.
#include "models/dashboard_data.h"

#include <QTest>

#include <cmath>

using namespace kappa::console;

namespace {

constexpr qint64 kStart = 1'700'000'000'000;

TimeSeries line(int n, qint64 stepMs = 1000)
{
    TimeSeries out;
    for (int i = 0; i < n; ++i)
        out.append({kStart + i * stepMs, std::sin(i / 10.0)});
    return out;
}

bool ascending(const TimeSeries &points)
{
    for (qsizetype i = 1; i < points.size(); ++i)
        if (points[i].first <= points[i - 1].first)
            return false;
    return true;
}

TaskHistory row(const QString &task, const QString &stage, const TimeSeries &samples)
{
    TaskHistory t;
    t.task = task;
    t.stage = stage;
    t.samples = samples;
    return t;
}

HistoryInfo history(HistorySeries series, const QList<TaskHistory> &rows)
{
    HistoryInfo h;
    h.job = QStringLiteral("fraud");
    h.version = QStringLiteral("v1");
    h.series = series;
    h.tasks = rows;
    return h;
}

MetricsSnapshot snapshot(qint64 timeMs, qint64 lag, qint64 stateBytes)
{
    MetricsSnapshot s;
    s.timeMs = timeMs;
    StreamVersion other{QStringLiteral("fraud"), QStringLiteral("v2"), {}};
    other.figures.lagRecords = 999;
    StreamVersion v{QStringLiteral("fraud"), QStringLiteral("v1"), {}};
    v.figures.lagRecords = lag;
    v.figures.lagSeconds = double(lag) / 100;
    v.figures.inputRate = 1000;
    v.figures.processingRate = 900;
    v.figures.stateBytes = stateBytes;
    s.versions = {other, v};
    return s;
}

} // namespace

class TestDashboardData : public QObject
{
    Q_OBJECT

private slots:
    void downsampleKeepsBoundAndShape_data()
    {
        QTest::addColumn<int>("points");
        QTest::addColumn<int>("maxPoints");
        QTest::addColumn<int>("expected");
        QTest::newRow("fewer than the bound") << 10 << 20 << 10;
        QTest::newRow("exactly the bound") << 20 << 20 << 20;
        QTest::newRow("twice the bound") << 40 << 20 << 20;
        QTest::newRow("many") << 10000 << 300 << 300;
        QTest::newRow("bound below 3: unchanged") << 50 << 2 << 50;
    }

    void downsampleKeepsBoundAndShape()
    {
        QFETCH(int, points);
        QFETCH(int, maxPoints);
        QFETCH(int, expected);
        const TimeSeries in = line(points);
        const TimeSeries out = downsample(in, maxPoints);
        QCOMPARE(out.size(), expected);
        QCOMPARE(out.front(), in.front());
        QCOMPARE(out.back(), in.back());
        QVERIFY(ascending(out));
        for (const auto &point : out)
            QVERIFY(in.contains(point)); // chosen, not invented
    }

    void downsampleKeepsAPeak()
    {
        TimeSeries in;
        for (int i = 0; i < 1000; ++i)
            in.append({kStart + i * 1000, i == 637 ? 500.0 : 1.0});
        const TimeSeries out = downsample(in, 50);
        QVERIFY(out.contains(QPair<qint64, double>(kStart + 637'000, 500.0)));
    }

    void percentiles_data()
    {
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<double>("p");
        QTest::addColumn<double>("expected"); // NaN: none
        const QList<double> hundred = [] {
            QList<double> v;
            for (int i = 100; i >= 1; --i)
                v.append(i);
            return v;
        }();
        QTest::newRow("none") << QList<double>{} << 99.0 << qQNaN();
        QTest::newRow("one") << QList<double>{7} << 99.0 << 7.0;
        QTest::newRow("p50 of 1..100") << hundred << 50.0 << 50.0;
        QTest::newRow("p99 of 1..100") << hundred << 99.0 << 99.0;
        QTest::newRow("p100") << hundred << 100.0 << 100.0;
        QTest::newRow("p0") << hundred << 0.0 << 1.0;
        QTest::newRow("p99 of ten") << QList<double>{5, 1, 9, 3, 7, 2, 8, 4, 6, 10} << 99.0 << 10.0;
        QTest::newRow("p50 of four") << QList<double>{4, 1, 3, 2} << 50.0 << 2.0;
    }

    void percentiles()
    {
        QFETCH(QList<double>, values);
        QFETCH(double, p);
        QFETCH(double, expected);
        const std::optional<double> got = percentile(values, p);
        if (std::isnan(expected))
            QVERIFY(!got.has_value());
        else
            QCOMPARE(got, std::optional<double>(expected));
    }

    void seriesBufferStaysBounded()
    {
        SeriesBuffer buffer(100);
        for (int i = 0; i < 10'000; ++i) {
            buffer.append(kStart + i * 1000, i);
            QVERIFY(buffer.points().size() <= 100);
        }
        const TimeSeries &points = buffer.points();
        QVERIFY(ascending(points));
        QCOMPARE(points.front().first, kStart); // the oldest point survives downsampling
        QCOMPARE(points.back().second, 9999.0);
        // The newest half of the capacity is as it came.
        for (int i = 0; i < 50; ++i)
            QCOMPARE(points[points.size() - 1 - i].second, double(9999 - i));
        buffer.append(kStart, 1); // not newer: ignored
        QCOMPARE(buffer.points().back().second, 9999.0);
    }

    void historyGoesUnderLivePoints()
    {
        SeriesBuffer buffer;
        buffer.append(kStart + 10'000, 10);
        buffer.append(kStart + 11'000, 11);
        // History that overlaps the live points: only its older part is kept.
        buffer.setHistory(TimeSeries{{kStart + 8'000, 8},
                                     {kStart + 9'000, 9},
                                     {kStart + 10'000, -1},
                                     {kStart + 11'000, -1}});
        QCOMPARE(buffer.points(), (TimeSeries{{kStart + 8'000, 8},
                                              {kStart + 9'000, 9},
                                              {kStart + 10'000, 10},
                                              {kStart + 11'000, 11}}));
        // Another history replaces the first.
        buffer.setHistory(TimeSeries{{kStart + 5'000, 5}});
        QCOMPARE(buffer.points(),
                 (TimeSeries{{kStart + 5'000, 5}, {kStart + 10'000, 10}, {kStart + 11'000, 11}}));
        // History before any live point, then live points after it.
        SeriesBuffer fresh;
        fresh.setHistory(TimeSeries{{kStart, 1}, {kStart + 1000, 2}});
        fresh.append(kStart + 500, 0); // older than the history's end: ignored
        fresh.append(kStart + 2000, 3);
        QCOMPARE(fresh.points(), (TimeSeries{{kStart, 1}, {kStart + 1000, 2}, {kStart + 2000, 3}}));
        fresh.clear();
        QVERIFY(fresh.isEmpty());
    }

    void combineRows_data()
    {
        QTest::addColumn<int>("how"); // Aggregation
        QTest::addColumn<bool>("sourceOnly");
        QTest::addColumn<TimeSeries>("expected");
        QTest::newRow("sum") << int(Aggregation::Sum) << false
                             << TimeSeries{{kStart, 1},
                                           {kStart + 1000, 11},
                                           {kStart + 2000, 121},
                                           {kStart + 3000, 123}};
        QTest::newRow("max") << int(Aggregation::Max) << false
                             << TimeSeries{{kStart, 1},
                                           {kStart + 1000, 10},
                                           {kStart + 2000, 100},
                                           {kStart + 3000, 100}};
        QTest::newRow("source rows only")
            << int(Aggregation::Sum) << true
            << TimeSeries{{kStart, 1}, {kStart + 1000, 11}, {kStart + 2000, 21}, {kStart + 3000, 23}};
    }

    void combineRows()
    {
        QFETCH(int, how);
        QFETCH(bool, sourceOnly);
        QFETCH(TimeSeries, expected);
        // Rows sampled at slightly different moments of the same seconds; the
        // card row starts late; a row's value carries forward until it changes.
        const HistoryInfo h
            = history(HistorySeries::LagRecords,
                      {row("fraud@v1/route/0", "route", {{kStart + 10, 1}, {kStart + 3020, 3}}),
                       row("fraud@v1/route/1", "route", {{kStart + 1500, 10}, {kStart + 2400, 20}}),
                       row("fraud@v1/card/0", "card", {{kStart + 2999, 100}})});
        const auto include = sourceOnly ? std::function<bool(const TaskHistory &)>(
                                 [](const TaskHistory &r) { return isSourceStage(r.stage); })
                                        : std::function<bool(const TaskHistory &)>();
        QCOMPARE(kappa::console::combineRows(h, Aggregation(how), include), expected);
    }

    void sourceStages()
    {
        QVERIFY(isSourceStage("source"));
        QVERIFY(isSourceStage("route"));
        QVERIFY(!isSourceStage("card"));
        QVERIFY(!isSourceStage("state"));
    }

    void checkpointsFromHistoryRows()
    {
        const HistoryInfo h
            = history(HistorySeries::CheckpointMs,
                      {row("a@v/0", "source",
                           {{kStart, 0}, {kStart + 1000, 4}, {kStart + 2000, 4}, {kStart + 3000, 6}}),
                       row("a@v/1", "source", {{kStart, 3}, {kStart + 1500, 5}})});
        const QList<CheckpointPoint> points = checkpointsFromHistory(h);
        QCOMPARE(points.size(), 3);
        QCOMPARE(points[0].timeMs, kStart + 1000);
        QCOMPARE(points[0].durationMs, 4.0);
        QCOMPARE(points[1].task, QStringLiteral("a@v/1"));
        QCOMPARE(points[1].durationMs, 5.0);
        QCOMPARE(points[2].durationMs, 6.0);
    }

    void versionDashboard()
    {
        VersionDashboard d(QStringLiteral("fraud"), QStringLiteral("v1"));
        QVERIFY(!d.figures());
        QVERIFY(d.addSnapshot(snapshot(kStart + 60'000, 40, 4096)));
        QVERIFY(d.addSnapshot(snapshot(kStart + 61'000, 30, 8192)));
        MetricsSnapshot elsewhere;
        elsewhere.timeMs = kStart + 62'000;
        QVERIFY(!d.addSnapshot(elsewhere));
        QCOMPARE(d.latestTimeMs(), kStart + 61'000);
        QCOMPARE(d.figures()->lagRecords, 30);
        QCOMPARE(d.series(DashboardSeries::LagRecords).points(),
                 (TimeSeries{{kStart + 60'000, 40}, {kStart + 61'000, 30}}));
        QCOMPARE(d.series(DashboardSeries::StateBytes).points().back().second, 8192.0);
        QCOMPARE(d.series(DashboardSeries::ProcessingRate).points().back().second, 900.0);

        // History of each series goes under the live points.
        d.addHistory(history(HistorySeries::LagRecords, {row("fraud@v1/route/0", "route", {{kStart, 5}}),
                                                         row("fraud@v1/card/0", "card", {{kStart, 7}})}));
        QCOMPARE(d.series(DashboardSeries::LagRecords).points().front(), (QPair<qint64, double>(kStart, 12)));
        d.addHistory(history(HistorySeries::LagSeconds, {row("fraud@v1/route/0", "route", {{kStart, 0.5}}),
                                                         row("fraud@v1/card/0", "card", {{kStart, 2.5}})}));
        QCOMPARE(d.series(DashboardSeries::LagSeconds).points().front().second, 2.5);
        d.addHistory(history(HistorySeries::InputRate, {row("fraud@v1/route/0", "route", {{kStart, 500}}),
                                                        row("fraud@v1/card/0", "card", {{kStart, 70}})}));
        QCOMPARE(d.series(DashboardSeries::InputRate).points().front().second, 500.0);
        d.addHistory(history(HistorySeries::StateBytes, {row("fraud@v1/state", "state", {{kStart, 1024}})}));
        QCOMPARE(d.series(DashboardSeries::StateBytes).points().size(), 3);
        HistoryInfo other = history(HistorySeries::LagRecords,
                                    {row("fraud@v2/route/0", "route", {{kStart, 1}})});
        other.version = QStringLiteral("v2");
        d.addHistory(other); // another version's: ignored
        QCOMPARE(d.series(DashboardSeries::LagRecords).points().front().second, 12.0);

        // Checkpoints: a task's count that grows is a new point; the first sight is not.
        VersionMetricsInfo m;
        m.job = QStringLiteral("fraud");
        m.version = QStringLiteral("v1");
        TaskMetricsInfo t;
        t.task = QStringLiteral("fraud@v1/route/0");
        t.checkpoints = 3;
        t.checkpointLastMs = 9;
        m.tasks = {t};
        m.latency.count = 5;
        d.addMetrics(m, kStart + 61'000);
        QVERIFY(d.checkpoints().isEmpty());
        QCOMPARE(d.latency().count, 5);
        m.tasks[0].checkpoints = 4;
        m.tasks[0].checkpointLastMs = 12;
        d.addMetrics(m, kStart + 62'000);
        d.addMetrics(m, kStart + 63'000); // no new checkpoint
        QCOMPARE(d.checkpoints().size(), 1);
        QCOMPARE(d.checkpoints()[0].timeMs, kStart + 62'000);
        QCOMPARE(d.checkpoints()[0].durationMs, 12.0);
        d.addHistory(history(HistorySeries::CheckpointMs,
                             {row("fraud@v1/route/0", "route", {{kStart, 2}, {kStart + 1000, 3}})}));
        QCOMPARE(d.checkpoints().size(), 2);
        QCOMPARE(d.checkpoints()[0].durationMs, 3.0);
        QCOMPARE(d.checkpointP99Ms(), std::optional<double>(12));
    }
};

QTEST_APPLESS_MAIN(TestDashboardData)
#include "test_dashboard_data.moc"
