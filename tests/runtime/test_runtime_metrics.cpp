// What tasks measure about themselves and keep as history: input against
// processing rates, lag, the last interval's latency p99 in the history, and
// the event-time alignment that keeps a job's source tasks together.
#include "test_support.h"

#include "runtime/event_time_alignment.h"
#include "runtime/metrics_history.h"
#include "runtime/task_metrics.h"

#include <limits>

using namespace kappa;
using namespace kappa::runtime;

class TestRuntimeMetrics : public QObject
{
    Q_OBJECT

private slots:
    void inputRateCountsArrivalsNotTheBacklog()
    {
        TaskMetrics metrics("job@v1/0", "events", PartitionId(0));
        // First read: 10,000 records were already there (a backlog, not arrivals); 1,000 read.
        metrics.recordRead(WallTime(1'000), 1'000, Offset(1'000), Offset(10'000), WallTime(500));
        // Over the next 10 s: 2,000 more arrive, 9,000 more are read.
        metrics.recordRead(WallTime(6'000), 5'000, Offset(6'000), Offset(11'000), WallTime(4'000));
        metrics.recordRead(WallTime(11'000), 4'000, Offset(10'000), Offset(12'000), WallTime(9'000));
        const TaskMetricsSnapshot s = metrics.snapshot(WallTime(11'000));
        QCOMPARE(s.recordsRead, std::uint64_t(10'000));
        QCOMPARE(s.lagRecords, std::int64_t(2'000));
        QVERIFY(!s.caughtUp);
        QCOMPARE(s.lagSeconds, 2.0); // now - append time of the oldest unprocessed record
        QVERIFY2(s.inputRatePerSecond > 150 && s.inputRatePerSecond < 250,
                 qPrintable(QString::number(s.inputRatePerSecond)));
        QVERIFY2(s.processingRatePerSecond > s.inputRatePerSecond * 3,
                 qPrintable(QString::number(s.processingRatePerSecond)));
    }

    void caughtUpHasNoLag()
    {
        TaskMetrics metrics("job@v1/0", "events", PartitionId(0));
        metrics.recordRead(WallTime(1'000), 10, Offset(10), Offset(10), WallTime(900));
        const TaskMetricsSnapshot s = metrics.snapshot(WallTime(5'000));
        QVERIFY(s.caughtUp);
        QCOMPARE(s.lagRecords, std::int64_t(0));
        QCOMPARE(s.lagSeconds, 0.0);
    }

    void heldRecordsAreStaleButNotLag()
    {
        TaskMetrics metrics("job@v1/0", "events", PartitionId(0));
        // Caught up, with records processed but not published yet.
        metrics.recordRead(WallTime(1'000), 10, Offset(10), Offset(10), WallTime(900));
        metrics.recordHeld(WallTime(800));
        TaskMetricsSnapshot s = metrics.snapshot(WallTime(1'300));
        QVERIFY(s.caughtUp);
        QCOMPARE(s.lagSeconds, 0.0);
        QCOMPARE(s.stalenessSeconds, 0.5);
        // Behind: held records are older than the unread ones.
        metrics.recordRead(WallTime(2'000), 10, Offset(20), Offset(30), WallTime(1'500));
        s = metrics.snapshot(WallTime(2'000));
        QCOMPARE(s.lagSeconds, 0.5);
        QCOMPARE(s.stalenessSeconds, 1.2);
        // Published: the unread ones decide again; caught up, neither.
        metrics.recordHeld(std::nullopt);
        QCOMPARE(metrics.snapshot(WallTime(2'000)).stalenessSeconds, 0.5);
        metrics.recordRead(WallTime(2'100), 10, Offset(30), Offset(30), WallTime(1'900));
        QCOMPARE(metrics.snapshot(WallTime(2'100)).stalenessSeconds, 0.0);
        // A record without an append time (0) says nothing about staleness.
        metrics.recordHeld(WallTime(0));
        QCOMPARE(metrics.snapshot(WallTime(2'100)).stalenessSeconds, 0.0);
    }

    void historyKeepsEachIntervalsLatency()
    {
        TaskMetrics metrics("job@v1/0", "events", PartitionId(0));
        MetricsHistory history(4);
        metrics.recordVisible(WallTime(1'100), WallTime(1'000), 100); // 100 ms each
        history.sample(WallTime(2'000), {metrics.snapshot(WallTime(2'000))});
        metrics.recordVisible(WallTime(2'500), WallTime(2'490), 100); // 10 ms each, in the next interval
        history.sample(WallTime(3'000), {metrics.snapshot(WallTime(3'000))});
        history.sample(WallTime(4'000), {metrics.snapshot(WallTime(4'000))}); // nothing new

        const auto p99 = history.range("job@v1/0", TaskSeries::LatencyP99Millis, WallTime(0),
                                       WallTime(10'000));
        QCOMPARE(p99.size(), std::size_t(3));
        QVERIFY(std::abs(p99[0].value - 100.0) < 1.0);
        QVERIFY(std::abs(p99[1].value - 10.0) < 0.1);
        QCOMPARE(p99[2].value, 0.0);
        QCOMPARE(history.tasks(), std::vector<std::string>{"job@v1/0"});
        QVERIFY(history.range("other", TaskSeries::LagRecords, WallTime(0), WallTime(10'000)).empty());

        // A ring of 4: the oldest samples go first.
        for (int i = 5; i <= 7; ++i)
            history.sample(WallTime(i * 1'000), {metrics.snapshot(WallTime(i * 1'000))});
        const auto lag = history.range("job@v1/0", TaskSeries::LagRecords, WallTime(0), WallTime(10'000));
        QCOMPARE(lag.size(), std::size_t(4));
        QCOMPARE(lag.front().time, WallTime(4'000));
    }

    void seriesNamesRoundTrip()
    {
        for (int i = 0; i < kTaskSeriesCount; ++i) {
            const auto series = static_cast<TaskSeries>(i);
            QCOMPARE(parseTaskSeries(taskSeriesName(series)), std::optional<TaskSeries>(series));
        }
        QVERIFY(!parseTaskSeries("lag"));
    }

    void stateSeriesLiveInTheStoreRow()
    {
        QCOMPARE(stateRowName("fraud@v1"), std::string("fraud@v1/state"));
        QCOMPARE(parseTaskSeries("state_bytes"), std::optional<TaskSeries>(TaskSeries::StateBytes));
        QCOMPARE(parseTaskSeries("state_keys"), std::optional<TaskSeries>(TaskSeries::StateKeys));
        for (int i = 0; i < kTaskSeriesCount; ++i) {
            const auto series = static_cast<TaskSeries>(i);
            QCOMPARE(isStateSeries(series),
                     series == TaskSeries::StateBytes || series == TaskSeries::StateKeys);
        }

        MetricsHistory history(3);
        TaskMetrics metrics("job@v1/0", "events", PartitionId(0));
        for (int i = 1; i <= 4; ++i) {
            history.sample(WallTime(i * 1'000), {metrics.snapshot(WallTime(i * 1'000))});
            history.sampleState(WallTime(i * 1'000), "job@v1/state", std::uint64_t(i) * 4'096,
                                std::uint64_t(i) * 10);
        }
        const WallTime all(std::numeric_limits<std::int64_t>::max());
        const auto bytes = history.range("job@v1/state", TaskSeries::StateBytes, WallTime(0), all);
        QCOMPARE(bytes.size(), std::size_t(3)); // a ring of 3, like every series
        QCOMPARE(bytes.front(), (metrics::Sample{WallTime(2'000), 8'192.0}));
        QCOMPARE(bytes.back(), (metrics::Sample{WallTime(4'000), 16'384.0}));
        QCOMPARE(history.range("job@v1/state", TaskSeries::StateKeys, WallTime(0), all).back().value, 40.0);
        // The task row keeps task series only, the store row state series only.
        QVERIFY(history.range("job@v1/0", TaskSeries::StateBytes, WallTime(0), all).empty());
        QVERIFY(history.range("job@v1/state", TaskSeries::LagRecords, WallTime(0), all).empty());
        QCOMPARE(history.range("job@v1/0", TaskSeries::LagRecords, WallTime(0), all).size(), std::size_t(3));
    }

    void alignmentHoldsBackOnlyTheTaskAhead()
    {
        EventTimeAlignment alignment(3, 1'000);
        QVERIFY(!alignment.shouldWait(0)); // it has read nothing: it cannot be ahead
        alignment.report(0, 10'000, false);
        alignment.report(1, 9'500, false);
        // Member 2 has not read yet: everyone with an event time waits for its first batch.
        QVERIFY(alignment.shouldWait(0));
        alignment.report(2, std::nullopt, false); // a read that found no event time changes nothing
        QVERIFY(alignment.shouldWait(1));
        QVERIFY(!alignment.shouldWait(2));
        alignment.report(2, 9'200, false);
        QVERIFY(!alignment.shouldWait(0)); // 800 ms ahead: within the skew
        QVERIFY(!alignment.shouldWait(1));
        alignment.report(0, 10'300, false);
        QVERIFY(alignment.shouldWait(0)); // 1.1 s ahead of member 2
        QVERIFY(!alignment.shouldWait(1));
        QVERIFY(!alignment.shouldWait(2)); // the slowest never waits
    }

    void alignmentIgnoresMembersAtTheirEnd()
    {
        EventTimeAlignment alignment(2, 1'000);
        alignment.report(0, 100'000, false);
        alignment.report(1, 1'000, false);
        QVERIFY(alignment.shouldWait(0));
        QVERIFY(!alignment.shouldWait(1)); // the slowest never waits
        alignment.report(1, 1'000, true);  // partition 1 has no more events: nobody waits for it
        QVERIFY(!alignment.shouldWait(0));
        alignment.report(0, std::numeric_limits<std::int64_t>::max(), false);
        alignment.report(1, std::numeric_limits<std::int64_t>::min() + 1, false);
        QVERIFY(alignment.shouldWait(0)); // no overflow at the extremes
    }
};

QTEST_APPLESS_MAIN(TestRuntimeMetrics)
#include "test_runtime_metrics.moc"
