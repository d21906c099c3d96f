// PartitionsModel under QAbstractItemModelTester: a row per task, refreshes
// of the same tasks change data in place, another set resets, Burrow's state
// per partition.
#include "models/partitions_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace kappa::console;

namespace {

TaskMetricsInfo task(const QString &name, const QString &stage, int partition, qint64 lag)
{
    TaskMetricsInfo t;
    t.task = name;
    t.stage = stage;
    t.topic = QStringLiteral("events");
    t.partition = partition;
    t.position = 1000 + partition;
    t.endOffset = t.position + lag;
    t.lagRecords = lag;
    t.lagSeconds = double(lag) / 1000;
    t.inputRate = 120;
    t.processingRate = 118.6;
    t.watermarkMs = 1'700'000'000'000;
    t.caughtUp = lag == 0;
    return t;
}

VersionMetricsInfo metrics(qint64 lag, bool withCard)
{
    VersionMetricsInfo m;
    m.job = QStringLiteral("fraud");
    m.version = QStringLiteral("v1");
    m.tasks = {task("fraud@v1/route/0", "route", 0, lag), task("fraud@v1/route/1", "route", 1, 0)};
    if (withCard)
        m.tasks.append(task("fraud@v1/card/0", "card", 0, 5));
    return m;
}

} // namespace

class TestPartitionsModel : public QObject
{
    Q_OBJECT

private slots:
    void rowsPerTask()
    {
        PartitionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        model.setMetrics(metrics(42, true));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(PartitionsModel::ColumnCount));
        QCOMPARE(model.index(0, PartitionsModel::Task).data().toString(), QStringLiteral("fraud@v1/route/0"));
        QCOMPARE(model.index(0, PartitionsModel::Stage).data().toString(), QStringLiteral("route"));
        QCOMPARE(model.index(1, PartitionsModel::Partition).data().toInt(), 1);
        QCOMPARE(model.index(0, PartitionsModel::Position).data(PartitionsModel::SortRole).toLongLong(), 1000);
        QCOMPARE(model.index(0, PartitionsModel::EndOffset).data(PartitionsModel::SortRole).toLongLong(),
                 1042);
        QCOMPARE(model.index(0, PartitionsModel::LagRecords).data(PartitionsModel::SortRole).toLongLong(), 42);
        QCOMPARE(model.index(0, PartitionsModel::LagSeconds).data(PartitionsModel::SortRole).toDouble(),
                 0.042);
        QCOMPARE(model.index(0, PartitionsModel::ProcessingRate).data(PartitionsModel::SortRole).toDouble(),
                 118.6);
        QCOMPARE(model.index(0, PartitionsModel::Watermark).data(PartitionsModel::SortRole).toLongLong(),
                 Q_INT64_C(1700000000000));
        QVERIFY(!model.index(0, PartitionsModel::Watermark).data().toString().isEmpty());
        QCOMPARE(model.index(0, PartitionsModel::CaughtUp).data().toString(), QStringLiteral("no"));
        QCOMPARE(model.index(1, PartitionsModel::CaughtUp).data().toString(), QStringLiteral("yes"));
        QCOMPARE(model.index(0, PartitionsModel::LagState).data().toString(), QStringLiteral("unknown"));
        QCOMPARE(model.index(0, PartitionsModel::LagRecords).data(Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignRight | Qt::AlignVCenter));
        QCOMPARE(model.headerData(PartitionsModel::LagState, Qt::Horizontal).toString(),
                 QStringLiteral("Lag state"));
        QCOMPARE(model.task(2).task, QStringLiteral("fraud@v1/card/0"));
    }

    void lagStates()
    {
        PartitionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMetrics(metrics(42, true));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setLagStates(
            {{"fraud@v1/route/0", PartitionLag::Stalled}, {"fraud@v1/route/1", PartitionLag::Ok}});
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(0, PartitionsModel::LagState).data().toString(), QStringLiteral("stalled"));
        QCOMPARE(model.index(0, PartitionsModel::LagState).data(PartitionsModel::SortRole).toInt(),
                 int(LagStatus::Err));
        QCOMPARE(model.index(0, PartitionsModel::Task).data(PartitionsModel::LagStateRole).toInt(),
                 int(PartitionLag::Stalled));
        QVERIFY(model.index(0, PartitionsModel::LagState).data(Qt::ForegroundRole).isValid());
        QCOMPARE(model.index(1, PartitionsModel::LagState).data().toString(), QStringLiteral("OK"));
        QCOMPARE(model.index(2, PartitionsModel::LagState).data().toString(), QStringLiteral("unknown"));
        QVERIFY(!model.index(2, PartitionsModel::LagState).data(Qt::ForegroundRole).isValid());
    }

    void refreshKeepsRowsOrResets()
    {
        PartitionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMetrics(metrics(1, false));
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setMetrics(metrics(99, false));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(0, PartitionsModel::LagRecords).data(PartitionsModel::SortRole).toLongLong(), 99);
        model.setMetrics(metrics(99, true)); // a task more
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 3);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        model.setMetrics(VersionMetricsInfo{});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestPartitionsModel)
#include "test_partitions_model.moc"
