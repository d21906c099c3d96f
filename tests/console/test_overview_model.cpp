// OverviewModel under QAbstractItemModelTester: rows per job version, a
// refresh of the same versions changes data in place, a new version resets.
#include "models/overview_model.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QSignalSpy>
#include <QTest>

using namespace kappa::console;

namespace {

JobVersionInfo version(const QString &name, const QString &state, bool live, std::optional<qint64> lag)
{
    JobVersionInfo v;
    v.version = name;
    v.state = state;
    v.live = live;
    v.running = lag.has_value();
    if (lag) {
        v.figures = VersionFigures{};
        v.figures->lagRecords = *lag;
        v.figures->lagSeconds = double(*lag) / 1000;
        v.figures->processingRate = 5000;
    }
    return v;
}

JobsSnapshot snapshot(qint64 lag, bool withV2)
{
    JobsSnapshot s;
    JobInfo fraud{QStringLiteral("fraud"),
                  QStringLiteral("v1"),
                  JobSlo{5, 100},
                  {version("v1", "live", true, lag)}};
    if (withV2)
        fraud.versions.append(version("v2", "caught_up", false, 3));
    s.jobs.append(fraud);
    s.jobs.append(JobInfo{QStringLiteral("user_features"),
                          QStringLiteral("v1"),
                          JobSlo{5, 100},
                          {version("v1", "live", true, std::nullopt)}});
    return s;
}

} // namespace

class TestOverviewModel : public QObject
{
    Q_OBJECT

private slots:
    void rowsPerVersion()
    {
        OverviewModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        model.setSnapshot(snapshot(42, true));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(OverviewModel::ColumnCount));
        QCOMPARE(model.index(0, OverviewModel::Job).data().toString(), QStringLiteral("fraud"));
        QCOMPARE(model.index(0, OverviewModel::Version).data().toString(), QStringLiteral("v1 (live)"));
        QVERIFY(model.index(0, OverviewModel::Version).data(Qt::FontRole).value<QFont>().bold());
        QCOMPARE(model.index(0, OverviewModel::LagRecords).data(OverviewModel::SortRole).toLongLong(), 42);
        QCOMPARE(model.index(1, OverviewModel::State).data().toString(), QStringLiteral("caught up"));
        // A version this kappad does not run has no figures: empty cells, not zeros.
        QVERIFY(model.index(2, OverviewModel::LagRecords).data().toString().isEmpty());
        QVERIFY(!model.index(2, OverviewModel::LagRecords).data(OverviewModel::SortRole).isValid());
        QCOMPARE(model.headerData(OverviewModel::LagSeconds, Qt::Horizontal).toString(),
                 QStringLiteral("Lag (s)"));
    }

    void refreshKeepsRowsOrResets()
    {
        OverviewModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(snapshot(1, false));
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setSnapshot(snapshot(99, false));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(0, OverviewModel::LagRecords).data(OverviewModel::SortRole).toLongLong(), 99);
        model.setSnapshot(snapshot(99, true)); // a new version appeared
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 3);
        model.setSnapshot(JobsSnapshot{});
        QCOMPARE(model.rowCount(), 0);
    }

    void sloStatusOfALiveVersion_data()
    {
        QTest::addColumn<double>("lagSeconds");
        QTest::addColumn<double>("p99");
        QTest::addColumn<bool>("live");
        QTest::addColumn<int>("status");
        QTest::newRow("well within") << 0.2 << 40.0 << true << int(SloStatus::Met);
        QTest::newRow("lag past half") << 3.0 << 40.0 << true << int(SloStatus::AtRisk);
        QTest::newRow("p99 past 80 %") << 0.2 << 90.0 << true << int(SloStatus::AtRisk);
        QTest::newRow("lag over") << 6.0 << 40.0 << true << int(SloStatus::Breached);
        QTest::newRow("p99 over") << 0.2 << 150.0 << true << int(SloStatus::Breached);
        QTest::newRow("not live") << 60.0 << 900.0 << false << int(SloStatus::Unknown);
    }

    void sloStatusOfALiveVersion()
    {
        QFETCH(double, lagSeconds);
        QFETCH(double, p99);
        QFETCH(bool, live);
        QFETCH(int, status);
        JobVersionInfo v = version("v1", live ? "live" : "caught_up", live, 0);
        v.figures->lagSeconds = lagSeconds;
        v.figures->latencyMs = Latency{1000, p99 / 2, p99};
        QCOMPARE(int(sloStatus(v, JobSlo{5, 100})), status);
        QCOMPARE(int(sloStatus(v, JobSlo{})), int(SloStatus::Unknown)); // kappad told no SLOs
        QCOMPARE(int(sloStatus(v, JobSlo{5, 100})),
                 std::max(int(lagSloStatus(v, JobSlo{5, 100})), int(latencySloStatus(v, JobSlo{5, 100}))));
    }

    void sloAndLagTrendColumns()
    {
        OverviewModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(snapshot(8000, false)); // fraud v1 lags 8 s: over its 5 s SLO
        QCOMPARE(model.index(0, OverviewModel::Slo).data().toString(), QStringLiteral("breached"));
        QVERIFY(model.index(0, OverviewModel::Slo).data(Qt::BackgroundRole).value<QColor>().red() > 200);
        // Each figure's cell is coloured by its own SLO: the lag is over, the latency is unknown.
        QCOMPARE(model.index(0, OverviewModel::LagSeconds).data(Qt::BackgroundRole),
                 model.index(0, OverviewModel::Slo).data(Qt::BackgroundRole));
        QVERIFY(!model.index(0, OverviewModel::LatencyP99).data(Qt::BackgroundRole).isValid());
        QCOMPARE(model.index(1, OverviewModel::Slo).data().toString(), QStringLiteral("—")); // no figures
        QVERIFY(!model.index(1, OverviewModel::Slo).data(Qt::BackgroundRole).isValid());

        QCOMPARE(model.index(0, OverviewModel::LagHealth).data().toString(),
                 lagStatusText(LagStatus::Unknown));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        VersionLagEvaluation stalled;
        stalled.status = LagStatus::Err;
        stalled.ok = 6;
        stalled.stalled = 2;
        model.setLagEvaluations({{QStringLiteral("fraud@v1"), stalled}});
        QCOMPARE(changed.count(), 1);
        QVERIFY2(model.index(0, OverviewModel::LagHealth).data().toString().contains("2 stalled"),
                 qPrintable(model.index(0, OverviewModel::LagHealth).data().toString()));
        QCOMPARE(model.index(0, OverviewModel::LagHealth).data(OverviewModel::SortRole).toInt(),
                 int(LagStatus::Err));
    }
};

QTEST_MAIN(TestOverviewModel)
#include "test_overview_model.moc"
