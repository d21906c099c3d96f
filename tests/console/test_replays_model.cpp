// ReplaysModel under QAbstractItemModelTester, and the ETA text.
#include "models/replays_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace kappa::console;

namespace {

ReplayInfo replay(qint64 id, const QString &state, bool paused = false)
{
    ReplayInfo r;
    r.id = id;
    r.job = QStringLiteral("fraud");
    r.version = QStringLiteral("v%1").arg(id);
    r.kind = QStringLiteral("replay");
    r.state = state;
    r.paused = paused;
    r.running = r.active();
    r.currentRate = 480;
    r.targetRate = 500;
    r.percent = 42.5;
    r.etaSeconds = 200;
    return r;
}

} // namespace

class TestReplaysModel : public QObject
{
    Q_OBJECT

private slots:
    void etaText_data()
    {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("seconds") << 12.4 << "12 s";
        QTest::newRow("minutes") << 200.0 << "3 min 20 s";
        QTest::newRow("hours") << 7500.0 << "2 h 5 min";
        QTest::newRow("negative") << -1.0 << "—";
    }

    void etaText()
    {
        QFETCH(double, seconds);
        QFETCH(QString, text);
        QCOMPARE(formatEta(seconds), text);
    }

    void noEstimate() { QCOMPARE(formatEta(std::nullopt), QStringLiteral("—")); }

    void rowsRolesAndUpdates()
    {
        ReplaysModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setReplays({replay(2, "running"), replay(1, "finished")});
        QCOMPARE(model.rowCount(), 2);
        const QModelIndex running = model.index(0, ReplaysModel::State);
        QCOMPARE(running.data().toString(), QStringLiteral("running"));
        QCOMPARE(running.data(ReplaysModel::ReplayIdRole).toLongLong(), 2);
        QVERIFY(running.data(ReplaysModel::ActiveRole).toBool());
        QVERIFY(!model.index(1, 0).data(ReplaysModel::ActiveRole).toBool());
        QCOMPARE(model.index(0, ReplaysModel::Target).data().toString(), QStringLiteral("fraud@v2"));
        QCOMPARE(model.index(0, ReplaysModel::Eta).data().toString(), QStringLiteral("3 min 20 s"));
        QVERIFY(model.index(0, ReplaysModel::Rate).data().toString().contains("480"));
        // An ended replay has no rate or ETA to show.
        QVERIFY(model.index(1, ReplaysModel::Rate).data().toString().isEmpty());

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.updateReplay(replay(2, "running", true));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(0, ReplaysModel::State).data().toString(), QStringLiteral("paused"));
        QVERIFY(model.index(0, 0).data(ReplaysModel::PausedRole).toBool());
        model.updateReplay(replay(9, "running")); // unknown: waits for the next snapshot
        QCOMPARE(changed.count(), 1);

        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setReplays({replay(3, "running"), replay(2, "running"), replay(1, "finished")});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 3);
    }

    void slowdownAndServeFromNotes()
    {
        ReplaysModel model;
        ReplayInfo slowed = replay(1, "running");
        slowed.slowdownReason = QStringLiteral("user_features@v1 lags 1.8 s (SLO 2 s)");
        ReplayInfo rebuild = replay(2, "running");
        rebuild.kind = QStringLiteral("rebuild");
        rebuild.serveFrom = QStringLiteral("v1-copy");
        ReplayInfo failed = replay(3, "failed");
        failed.reason = QStringLiteral("disk full");
        model.setReplays({slowed, rebuild, failed});
        QVERIFY(
            model.index(0, ReplaysModel::Note).data().toString().startsWith("slowed down: user_features@v1"));
        QCOMPARE(model.index(1, ReplaysModel::Note).data().toString(),
                 QStringLiteral("reads served by v1-copy"));
        QCOMPARE(model.index(2, ReplaysModel::Note).data().toString(), QStringLiteral("disk full"));
    }
};

QTEST_APPLESS_MAIN(TestReplaysModel)
#include "test_replays_model.moc"
