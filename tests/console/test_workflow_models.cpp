// The wizards' other models under QAbstractItemModelTester (pre-flight
// checks, aggregate deltas, switch requests) and the functions that pick the
// requests to approve or roll back.
#include "models/preflight_checks_model.h"
#include "models/switch_requests_model.h"
#include "models/validation_aggregates_model.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace kappa::console;

namespace {

SwitchRequestInfo request(qint64 id, const QString &job, const QString &state, qint64 decidedMs = 0)
{
    SwitchRequestInfo r;
    r.id = id;
    r.job = job;
    r.fromVersion = QStringLiteral("v1");
    r.toVersion = QStringLiteral("v%1").arg(id + 1);
    r.state = state;
    r.requestedBy = QStringLiteral("operator");
    r.requestedMs = 1000 * id;
    r.decidedMs = decidedMs;
    return r;
}

} // namespace

class TestWorkflowModels : public QObject
{
    Q_OBJECT

private slots:
    void preflightChecks()
    {
        PreflightChecksModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Preflight p;
        p.checks = {{"version", false, "fraud@v1 exists already"}, {"rate", true, "10000 > 2000"}};
        model.setPreflight(p);
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(!model.index(0, 0).data(PreflightChecksModel::OkRole).toBool());
        QVERIFY(model.index(0, PreflightChecksModel::Result).data().toString().contains("failed"));
        QCOMPARE(model.index(0, PreflightChecksModel::Detail).data().toString(),
                 QStringLiteral("fraud@v1 exists already"));
        QCOMPARE(model.index(1, PreflightChecksModel::Check).data().toString(),
                 QStringLiteral("Rate outruns ingest"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void aggregates()
    {
        ValidationAggregatesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ValidationInfo v;
        v.aggregates = {ValidationAggregate{"gmv_cents @0", 1000, 1010, 0.01, 0.02, true},
                        ValidationAggregate{"orders @0", 0, 3, std::nullopt, 0.02, false},
                        ValidationAggregate{"score_psi", std::nullopt, std::nullopt, 0.31, 0.1, false}};
        model.setValidation(v);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, ValidationAggregatesModel::Delta).data().toString(),
                 QStringLiteral("1.00 %"));
        QCOMPARE(model.index(0, ValidationAggregatesModel::Tolerance).data().toString(),
                 QStringLiteral("± 2.00 %"));
        QCOMPARE(model.index(0, ValidationAggregatesModel::Delta)
                     .data(ValidationAggregatesModel::SortRole)
                     .toDouble(),
                 0.01);
        QVERIFY(model.index(1, ValidationAggregatesModel::Delta).data().toString().contains("live is 0"));
        QVERIFY(!model.index(1, ValidationAggregatesModel::Delta)
                     .data(ValidationAggregatesModel::SortRole)
                     .isValid());
        QCOMPARE(model.index(2, ValidationAggregatesModel::Name).data().toString(),
                 QStringLiteral("fraud score PSI"));
        QCOMPARE(model.index(2, ValidationAggregatesModel::Live).data().toString(), QStringLiteral("—"));
        QCOMPARE(model.index(2, ValidationAggregatesModel::Delta).data().toString(),
                 QStringLiteral("0.3100"));
        QVERIFY(!model.index(2, 0).data(ValidationAggregatesModel::OkRole).toBool());
        QVERIFY(isScorePsi(model.aggregates()[2]));
    }

    void switchRequests()
    {
        SwitchRequestsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRequests({request(3, "fraud", "pending"), request(2, "user_features", "switched", 5000)});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, SwitchRequestsModel::Change).data().toString(), QStringLiteral("v1 → v4"));
        QCOMPARE(model.index(0, 0).data(SwitchRequestsModel::SwitchIdRole).toLongLong(), 3);
        QCOMPARE(model.index(0, SwitchRequestsModel::State).data().toString(), QStringLiteral("pending"));
        QVERIFY(model.index(0, SwitchRequestsModel::DecidedAt).data().toString().isEmpty());
        QCOMPARE(model.index(1, SwitchRequestsModel::DecidedAt)
                     .data(SwitchRequestsModel::SortRole)
                     .toLongLong(),
                 5000);
        QCOMPARE(model.request(2)->job, QStringLiteral("user_features"));
        QVERIFY(!model.request(9));
    }

    void picking()
    {
        // Newest first, as kappad lists them.
        const QList<SwitchRequestInfo> all{request(6, "fraud", "pending"),
                                           request(5, "fraud", "switched", 9000),
                                           request(4, "user_features", "rejected", 8000),
                                           request(3, "user_features", "switched", 7000),
                                           request(2, "fraud", "switched", 3000),
                                           request(1, "business_metrics", "expired", 2000)};
        const QList<SwitchRequestInfo> pending = pendingRequests(all);
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending[0].id, 6);
        const QList<SwitchRequestInfo> last = lastSwitchPerJob(all);
        QCOMPARE(last.size(), 2);
        QCOMPARE(last[0].id, 5); // fraud's latest switch, not request 2
        QCOMPARE(last[1].id, 3);
        QCOMPARE(formatWallTime(0), QStringLiteral("—"));
        QCOMPARE(switchStateText(QStringLiteral("void")), QStringLiteral("void"));
    }
};

QTEST_GUILESS_MAIN(TestWorkflowModels)
#include "test_workflow_models.moc"
