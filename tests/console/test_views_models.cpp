// AuditModel and VersionsModel under QAbstractItemModelTester: the audit
// log grows by its sequence numbers only, and the versions keep their rows.
#include "models/audit_model.h"
#include "models/versions_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace kappa::console;

namespace {

QList<AuditEntry> entries(qint64 from, qint64 to)
{
    QList<AuditEntry> out;
    for (qint64 seq = from; seq <= to; ++seq)
        out.append(AuditEntry{seq, 1'764'000'000'000 + seq * 1000, QStringLiteral("kappad"),
                              seq % 2 ? QStringLiteral("alias.set") : QStringLiteral("version.state"),
                              QStringLiteral("fraud@v1"), QStringLiteral("entry %1").arg(seq),
                              QString(64, QLatin1Char('a'))});
    return out;
}

JobVersionInfo version(const QString &name, const QString &state, std::optional<qint64> stateBytes)
{
    JobVersionInfo v;
    v.version = name;
    v.state = state;
    v.live = state == QLatin1String("live");
    v.running = stateBytes.has_value();
    if (stateBytes) {
        v.figures = VersionFigures{};
        v.figures->stateBytes = *stateBytes;
        v.figures->stateKeys = *stateBytes / 100;
    }
    return v;
}

} // namespace

class TestViewsModels : public QObject
{
    Q_OBJECT

private slots:
    void auditAppendsOnlyWhatIsNew()
    {
        AuditModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.append(entries(1, 3));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.lastSeq(), 3);
        model.append(entries(2, 5)); // overlapping page: only 4 and 5 are new
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(inserted.count(), 2);
        model.append({});
        model.append(entries(1, 5));
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(inserted.count(), 2);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(model.index(4, AuditModel::Detail).data().toString(), QStringLiteral("entry 5"));
        QCOMPARE(model.index(4, AuditModel::Seq).data(AuditModel::SortRole).toLongLong(), 5);
    }

    void auditStartsOverOnAGap()
    {
        AuditModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append(entries(1, 3));
        model.append(entries(10, 12)); // not what follows 3: another log
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, AuditModel::Seq).data().toLongLong(), 10);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.lastSeq(), 0);
    }

    void versionsRowsAndSizes()
    {
        VersionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        JobsSnapshot snapshot;
        snapshot.jobs.append(JobInfo{QStringLiteral("fraud"),
                                     QStringLiteral("v1"),
                                     JobSlo{},
                                     {version("v1", "live", 3 * 1024 * 1024), version("v0", "retired", {})}});
        model.setSnapshot(snapshot);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, VersionsModel::Alias).data().toString(), QStringLiteral("serves fraud"));
        QCOMPARE(model.index(0, VersionsModel::StateBytes).data().toString(), QStringLiteral("3.0 MiB"));
        QCOMPARE(model.index(0, VersionsModel::StateBytes).data(VersionsModel::SortRole).toLongLong(),
                 3 * 1024 * 1024);
        QCOMPARE(model.index(1, VersionsModel::StateBytes).data().toString(), QStringLiteral("—"));
        QVERIFY(!model.index(1, VersionsModel::StateBytes).data(Qt::ToolTipRole).toString().isEmpty());
        QVERIFY(model.index(1, VersionsModel::Alias).data().toString().isEmpty());

        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        snapshot.jobs[0].versions[0].figures->stateBytes = 512;
        model.setSnapshot(snapshot); // the same versions: rows stay, values change
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(0, VersionsModel::StateBytes).data().toString(), QStringLiteral("512 bytes"));
    }
};

QTEST_APPLESS_MAIN(TestViewsModels)
#include "test_views_models.moc"
