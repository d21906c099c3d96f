// Burrow's lag evaluation rules as tables (positions and lags in, state out)
// and the LagTracker that keeps the windows per task from stream snapshots.
#include "models/lag_tracker.h"

#include <QTest>

using namespace kappa::console;

namespace {

constexpr qint64 kStart = 1'700'000'000'000;

// Samples one second apart from kStart.
QList<LagSample> samples(const QList<qint64> &positions, const QList<qint64> &lags)
{
    QList<LagSample> out;
    for (qsizetype i = 0; i < positions.size(); ++i)
        out.append(LagSample{kStart + i * 1000, positions[i], lags[i]});
    return out;
}

QList<qint64> repeat(qint64 value, int n)
{
    return QList<qint64>(n, value);
}

QList<qint64> range(qint64 from, qint64 step, int n)
{
    QList<qint64> out;
    for (int i = 0; i < n; ++i)
        out.append(from + i * step);
    return out;
}

StreamVersion running(const QString &job, const QString &version)
{
    return StreamVersion{job, version, VersionFigures{}};
}

StreamTask task(const QString &name, std::optional<qint64> position, qint64 lag)
{
    StreamTask t;
    t.task = name;
    t.position = position;
    t.lagRecords = lag;
    return t;
}

} // namespace

class TestLagEvaluation : public QObject
{
    Q_OBJECT

private slots:
    void rules_data()
    {
        QTest::addColumn<QList<qint64>>("positions");
        QTest::addColumn<QList<qint64>>("lags");
        QTest::addColumn<qint64>("nowAfterNewestMs"); // now minus the newest sample's time
        QTest::addColumn<int>("window");
        QTest::addColumn<PartitionLag>("expected");

        // Rule 1 and the partial window.
        QTest::newRow("no samples") << QList<qint64>{} << QList<qint64>{} << 0LL << 10
                                    << PartitionLag::Unknown;
        QTest::newRow("one sample, zero lag")
            << QList<qint64>{5} << QList<qint64>{0} << 0LL << 10 << PartitionLag::Ok;
        QTest::newRow("partial window with lag")
            << range(100, 10, 5) << repeat(50, 5) << 0LL << 10 << PartitionLag::Unknown;
        QTest::newRow("partial window, zero lag once")
            << range(100, 10, 5) << QList<qint64>{5, 0, 5, 5, 5} << 0LL << 10 << PartitionLag::Ok;

        // Rule 2: a zero lag anywhere in the window.
        QTest::newRow("all zero") << repeat(100, 10) << repeat(0, 10) << 0LL << 10 << PartitionLag::Ok;
        QTest::newRow("zero once, otherwise stalled")
            << repeat(100, 10) << QList<qint64>{5, 5, 5, 0, 5, 5, 5, 5, 5, 5} << 0LL << 10
            << PartitionLag::Ok;
        QTest::newRow("zero in the oldest sample of the window")
            << repeat(100, 10) << QList<qint64>{0, 5, 5, 5, 5, 5, 5, 5, 5, 5} << 0LL << 10
            << PartitionLag::Ok;
        QTest::newRow("zero only before the window")
            << repeat(100, 11) << QList<qint64>{0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5} << 0LL << 10
            << PartitionLag::Stalled;
        QTest::newRow("zero lag beats stopped")
            << repeat(100, 10) << QList<qint64>{5, 5, 0, 5, 5, 5, 5, 5, 5, 5} << 60'000LL << 10
            << PartitionLag::Ok;

        // Rule 3: the newest report is older than the window's span (9 s here).
        QTest::newRow("stopped") << range(100, 10, 10) << range(90, -5, 10) << 9'001LL << 10
                                 << PartitionLag::Stopped;
        QTest::newRow("not stopped at exactly the span")
            << range(100, 10, 10) << range(90, -5, 10) << 9'000LL << 10 << PartitionLag::Ok;
        QTest::newRow("stopped beats stalled")
            << repeat(100, 10) << repeat(5, 10) << 30'000LL << 10 << PartitionLag::Stopped;

        // Rule 4: the position does not move.
        QTest::newRow("stalled, fixed lag")
            << repeat(100, 10) << repeat(50, 10) << 0LL << 10 << PartitionLag::Stalled;
        QTest::newRow("stalled, growing lag")
            << repeat(100, 10) << range(50, 7, 10) << 1'000LL << 10 << PartitionLag::Stalled;
        QTest::newRow("stalled in the window, moving before it")
            << QList<qint64>{90, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100} << repeat(50, 11) << 0LL
            << 10 << PartitionLag::Stalled;

        // Rule 5: the position moves, the lag never shrinks.
        QTest::newRow("lagging, fixed lag")
            << range(100, 10, 10) << repeat(10, 10) << 0LL << 10 << PartitionLag::Lagging;
        QTest::newRow("lagging, growing lag")
            << range(100, 10, 10) << range(10, 3, 10) << 0LL << 10 << PartitionLag::Lagging;
        QTest::newRow("lagging, moved only once")
            << QList<qint64>{100, 100, 100, 100, 100, 100, 100, 100, 100, 101} << repeat(10, 10) << 0LL << 10
            << PartitionLag::Lagging;
        QTest::newRow("lagging, shrank only before the window")
            << range(100, 10, 11) << QList<qint64>{20, 10, 10, 11, 12, 13, 14, 15, 16, 17, 18} << 0LL << 10
            << PartitionLag::Lagging;

        // Rule 6.
        QTest::newRow("shrinking") << range(100, 10, 10) << range(90, -5, 10) << 0LL << 10
                                   << PartitionLag::Ok;
        QTest::newRow("growing but shrank once")
            << range(100, 10, 10) << QList<qint64>{10, 11, 12, 13, 9, 14, 15, 16, 17, 18} << 0LL << 10
            << PartitionLag::Ok;
        QTest::newRow("shrank in the last step")
            << range(100, 10, 10) << QList<qint64>{10, 11, 12, 13, 14, 15, 16, 17, 18, 17} << 0LL << 10
            << PartitionLag::Ok;

        // Other window sizes: only the newest `window` samples count.
        QTest::newRow("window 3, stalled at the end")
            << QList<qint64>{1, 2, 3, 4, 4, 4} << QList<qint64>{9, 8, 7, 6, 6, 6} << 0LL << 3
            << PartitionLag::Stalled;
        QTest::newRow("window 6 sees the movement")
            << QList<qint64>{1, 2, 3, 4, 4, 4} << QList<qint64>{9, 8, 7, 6, 6, 6} << 0LL << 6
            << PartitionLag::Ok;
        QTest::newRow("window below 2 counts as 2")
            << QList<qint64>{4, 4} << QList<qint64>{6, 6} << 0LL << 1 << PartitionLag::Stalled;
    }

    void rules()
    {
        QFETCH(QList<qint64>, positions);
        QFETCH(QList<qint64>, lags);
        QFETCH(qint64, nowAfterNewestMs);
        QFETCH(int, window);
        QFETCH(PartitionLag, expected);
        const QList<LagSample> list = samples(positions, lags);
        const qint64 newest = list.isEmpty() ? kStart : list.back().timeMs;
        const PartitionLag got = evaluatePartition(list, newest + nowAfterNewestMs, window);
        QCOMPARE(got, expected);
    }

    void severities()
    {
        QCOMPARE(statusOf(PartitionLag::Unknown), LagStatus::Unknown);
        QCOMPARE(statusOf(PartitionLag::Ok), LagStatus::Ok);
        QCOMPARE(statusOf(PartitionLag::Lagging), LagStatus::Warn);
        QCOMPARE(statusOf(PartitionLag::Stalled), LagStatus::Err);
        QCOMPARE(statusOf(PartitionLag::Stopped), LagStatus::Err);
        const QList<PartitionLag> none;
        QCOMPARE(worstStatus(none), LagStatus::Unknown);
        const QList<PartitionLag> mixed{PartitionLag::Ok, PartitionLag::Unknown, PartitionLag::Lagging};
        QCOMPARE(worstStatus(mixed), LagStatus::Warn);
        const QList<PartitionLag> bad{PartitionLag::Ok, PartitionLag::Stopped, PartitionLag::Lagging};
        QCOMPARE(worstStatus(bad), LagStatus::Err);
        const QList<PartitionLag> unknown{PartitionLag::Unknown, PartitionLag::Ok};
        QCOMPARE(worstStatus(unknown), LagStatus::Ok);
        QCOMPARE(lagStatusText(LagStatus::Err), QStringLiteral("ERR"));
        QCOMPARE(partitionLagText(PartitionLag::Stalled), QStringLiteral("stalled"));
    }

    void taskNames_data()
    {
        QTest::addColumn<QString>("task");
        QTest::addColumn<QString>("parsed"); // job|version|rest, or empty when invalid
        QTest::newRow("fraud card") << "fraud@v1/card/3"
                                    << "fraud|v1|card/3";
        QTest::newRow("single stage") << "user_features@v2/0"
                                      << "user_features|v2|0";
        QTest::newRow("state row") << "fraud@v1/state"
                                   << "fraud|v1|state";
        QTest::newRow("no task part") << "fraud@v1"
                                      << "fraud|v1|";
        QTest::newRow("version with dash") << "fraud@v1-copy/route/2"
                                           << "fraud|v1-copy|route/2";
        QTest::newRow("no at") << "fraud/0"
                               << "";
        QTest::newRow("no job") << "@v1/0"
                                << "";
        QTest::newRow("no version") << "fraud@/0"
                                    << "";
        QTest::newRow("empty") << ""
                               << "";
    }

    void taskNames()
    {
        QFETCH(QString, task);
        QFETCH(QString, parsed);
        const std::optional<TaskName> name = parseTaskName(task);
        QCOMPARE(name ? name->job + '|' + name->version + '|' + name->rest : QString(), parsed);
    }

    void trackerPerTaskAndVersion()
    {
        LagTracker tracker;
        for (int i = 0; i < 10; ++i) {
            MetricsSnapshot s;
            s.timeMs = kStart + i * 1000;
            s.versions = {running("fraud", "v1"), running("user_features", "v1")};
            s.tasks = {task("fraud@v1/route/0", 100, 50),                 // stalled
                       task("fraud@v1/route/1", 100 + i, i == 4 ? 0 : 3), // caught up once: OK
                       task("fraud@v1/card/0", std::nullopt, 7),          // no position: unknown
                       task("user_features@v1/0", 100 + 10 * i, 10 + i)}; // lagging
            tracker.add(s);
            if (i < 9) // the window is not full yet
                QCOMPARE(tracker.evaluateTask("fraud@v1/route/0"), PartitionLag::Unknown);
        }
        QCOMPARE(tracker.nowMs(), kStart + 9000);
        QCOMPARE(tracker.evaluateTask("fraud@v1/route/0"), PartitionLag::Stalled);
        QCOMPARE(tracker.evaluateTask("fraud@v1/route/1"), PartitionLag::Ok);
        QCOMPARE(tracker.evaluateTask("fraud@v1/card/0"), PartitionLag::Unknown);
        QCOMPARE(tracker.evaluateTask("user_features@v1/0"), PartitionLag::Lagging);
        QCOMPARE(tracker.evaluateTask("nobody@v1/0"), PartitionLag::Unknown);
        QCOMPARE(tracker.tasks("fraud", "v1"),
                 (QStringList{"fraud@v1/card/0", "fraud@v1/route/0", "fraud@v1/route/1"}));
        QCOMPARE(tracker.samples("fraud@v1/route/0").size(), 10);
        QVERIFY(tracker.samples("fraud@v1/card/0").isEmpty());

        const VersionLagEvaluation fraud = tracker.evaluateVersion("fraud", "v1");
        QCOMPARE(fraud.status, LagStatus::Err);
        QCOMPARE(fraud.stalled, 1);
        QCOMPARE(fraud.ok, 1);
        QCOMPARE(fraud.unknown, 1);
        QCOMPARE(fraud.noPosition, 1);
        QCOMPARE(fraud.lagging + fraud.stopped, 0);
        QCOMPARE(tracker.evaluateVersion("user_features", "v1").status, LagStatus::Warn);
        QCOMPARE(tracker.evaluateVersion("business_metrics", "v1").status, LagStatus::Unknown);
        const QHash<QString, PartitionLag> states = tracker.evaluateTasks("fraud", "v1");
        QCOMPARE(states.size(), 3);
        QCOMPARE(states.value("fraud@v1/route/0"), PartitionLag::Stalled);
    }

    void trackerWindowSlidesAndRecovers()
    {
        LagTracker tracker(3);
        auto add = [&](int i, qint64 position, qint64 lag) {
            MetricsSnapshot s;
            s.timeMs = kStart + i * 1000;
            s.versions = {running("fraud", "v1")};
            s.tasks = {task("fraud@v1/route/0", position, lag)};
            tracker.add(s);
        };
        add(0, 10, 5);
        add(1, 10, 5);
        add(2, 10, 5);
        QCOMPARE(tracker.evaluateTask("fraud@v1/route/0"), PartitionLag::Stalled);
        add(3, 20, 4); // it moves again and the lag shrinks
        QCOMPARE(tracker.evaluateTask("fraud@v1/route/0"), PartitionLag::Ok);
        QCOMPARE(tracker.samples("fraud@v1/route/0").size(), 3);
        add(3, 20, 4); // the same snapshot again (replayed after a reconnection): ignored
        add(2, 20, 4); // an older one: ignored
        QCOMPARE(tracker.samples("fraud@v1/route/0").size(), 3);
        QCOMPARE(tracker.samples("fraud@v1/route/0").back().timeMs, kStart + 3000);
        add(4, 5, 30); // a restarted kappad resumed from a checkpoint: a new window
        QCOMPARE(tracker.samples("fraud@v1/route/0").size(), 1);
        QCOMPARE(tracker.evaluateTask("fraud@v1/route/0"), PartitionLag::Unknown);
    }

    void trackerStopsSilentTasksAndDropsEndedVersions()
    {
        LagTracker tracker;
        for (int i = 0; i < 25; ++i) {
            MetricsSnapshot s;
            s.timeMs = kStart + i * 1000;
            s.versions = {running("fraud", "v1"), running("fraud", "v2")};
            if (i < 10) // the task stops reporting after ten seconds; its version still runs
                s.tasks.append(task("fraud@v1/route/0", 100 + i, 50 - i));
            s.tasks.append(task("fraud@v2/route/0", 100 + i, 0));
            tracker.add(s);
            if (i == 9)
                QCOMPARE(tracker.evaluateTask("fraud@v1/route/0"), PartitionLag::Ok);
            if (i == 18) // 9 s of silence: the window's span
                QCOMPARE(tracker.evaluateTask("fraud@v1/route/0"), PartitionLag::Ok);
        }
        QCOMPARE(tracker.evaluateTask("fraud@v1/route/0"), PartitionLag::Stopped);
        QCOMPARE(tracker.evaluateVersion("fraud", "v1").status, LagStatus::Err);
        QCOMPARE(tracker.evaluateVersion("fraud", "v1").stopped, 1);

        // A snapshot without fraud@v2: its tasks go.
        MetricsSnapshot s;
        s.timeMs = kStart + 30'000;
        s.versions = {running("fraud", "v1")};
        tracker.add(s);
        QVERIFY(tracker.tasks("fraud", "v2").isEmpty());
        QCOMPARE(tracker.tasks("fraud", "v1").size(), 1);

        // A task that no longer reports a position is unknown, not stopped.
        s.timeMs += 1000;
        s.tasks = {task("fraud@v1/route/0", std::nullopt, 50)};
        tracker.add(s);
        QCOMPARE(tracker.evaluateTask("fraud@v1/route/0"), PartitionLag::Unknown);
        tracker.clear();
        QVERIFY(tracker.tasks("fraud", "v1").isEmpty());
        QCOMPARE(tracker.nowMs(), 0);
    }
};

QTEST_APPLESS_MAIN(TestLagEvaluation)
#include "test_lag_evaluation.moc"
