// KappadClient's workflow calls against a real kappad --demo on loopback:
// who the token is, a dry run and a launch, the throttle, a validation, a
// four-eyes switch with a rejection, an approval and a rollback, a rebuild,
// the audit log and its verification; a registered version's spec; refusals arrive as actionFailed or
// failed with kappad's code, nothing blocks.
#include "client/kappad_client.h"
#include "client/workflow_decode.h"
#include "kappad_process.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace kappa::console;

class TestConsoleWorkflowClient : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void identities();
    void registeredSpec();
    void preflight();
    void specThatIsNoObjectIsRefusedLocally();
    void launchThrottleValidateSwitchRollBack();
    void auditLog();
    void cleanupTestCase();

private:
    QString token(const char *file) const;
    // Polls the replays until replay `id` is in `state` or has ended (at most 2 minutes).
    ReplayInfo waitReplay(KappadClient &client, qint64 id, const QString &state);

    QTemporaryDir m_dir;
    std::unique_ptr<KappadProcess> m_kappad;
    QUrl m_url;
    std::unique_ptr<KappadClient> m_operator;
    std::unique_ptr<KappadClient> m_approver;
};

void TestConsoleWorkflowClient::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // A small demo and a short caught-up hold, so that a replay catches up within seconds.
    QFile config(m_dir.filePath("kappad.toml"));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("[demo]\nrate = 2000\n[reprocessing]\ncaught_up_hold_ms = 1000\n");
    config.close();
    m_kappad = std::make_unique<KappadProcess>(m_dir.filePath("data"),
                                               QStringList{"--demo", "--config", config.fileName()});
    QVERIFY2(m_kappad->started(), m_kappad->log().constData());
    m_url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_kappad->port()));
    m_operator = std::make_unique<KappadClient>(m_url, token("demo-operator.token"));
    m_approver = std::make_unique<KappadClient>(m_url, token("demo-approver.token"));
    m_operator->setTimeout(60'000);
    m_approver->setTimeout(60'000);
}

QString TestConsoleWorkflowClient::token(const char *file) const
{
    QFile f(m_dir.filePath(QStringLiteral("data/") + QLatin1String(file)));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
}

void TestConsoleWorkflowClient::identities()
{
    QSignalSpy op(m_operator.get(), &KappadClient::identityReceived);
    m_operator->fetchIdentity();
    QVERIFY(op.wait(10000));
    QCOMPARE(op.at(0).at(0).value<Identity>().role, QStringLiteral("operator"));
    QSignalSpy ap(m_approver.get(), &KappadClient::identityReceived);
    m_approver->fetchIdentity();
    QVERIFY(ap.wait(10000));
    QCOMPARE(ap.at(0).at(0).value<Identity>().role, QStringLiteral("approver"));
    QVERIFY(ap.at(0).at(0).value<Identity>().name != op.at(0).at(0).value<Identity>().name);
    KappadClient anonymous(m_url, QString());
    QSignalSpy viewer(&anonymous, &KappadClient::identityReceived);
    anonymous.fetchIdentity();
    QVERIFY(viewer.wait(10000));
    QCOMPARE(viewer.at(0).at(0).value<Identity>().name, QStringLiteral("anonymous"));
    QCOMPARE(viewer.at(0).at(0).value<Identity>().role, QStringLiteral("viewer"));
}

// The spec of fraud@v1 is the built-in one kappad --demo registered; a viewer may read it.
void TestConsoleWorkflowClient::registeredSpec()
{
    KappadClient anonymous(m_url, QString());
    QSignalSpy received(&anonymous, &KappadClient::specReceived);
    QSignalSpy failed(&anonymous, &KappadClient::failed);
    anonymous.fetchSpec(QStringLiteral("fraud"), QStringLiteral("v1"));
    QVERIFY(received.wait(10000));
    const JobVersionSpec spec = received.at(0).at(0).value<JobVersionSpec>();
    QCOMPARE(spec.job, QStringLiteral("fraud"));
    QCOMPARE(spec.version, QStringLiteral("v1"));
    QCOMPARE(spec.state, QStringLiteral("live"));
    QFile builtin(qEnvironmentVariable("KAPPA_SOURCE_DIR") + QStringLiteral("/resources/jobs/fraud-v1.json"));
    QVERIFY(builtin.open(QIODevice::ReadOnly));
    QCOMPARE(spec.spec, QJsonDocument::fromJson(builtin.readAll()).object());

    anonymous.fetchSpec(QStringLiteral("fraud"), QStringLiteral("v999"));
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.at(0).at(0).toString(), QLatin1String(workflow_call::kSpec));
    const ApiError error = failed.at(0).at(1).value<ApiError>();
    QCOMPARE(error.code, QStringLiteral("NotFound"));
    QCOMPARE(error.httpStatus, 404);
    QVERIFY2(error.message.contains(QLatin1String("fraud@v999")), qPrintable(error.message));
    QCOMPARE(received.count(), 1);
}

void TestConsoleWorkflowClient::preflight()
{
    QSignalSpy answered(m_operator.get(), &KappadClient::preflightReceived);
    QSignalSpy refused(m_operator.get(), &KappadClient::actionFailed);
    LaunchReplayRequest request;
    request.jobVersion = QStringLiteral("user_features@v2");
    request.rate.rateMultiple = 20;
    request.dryRun = true;
    // The log needs events in range first: the demo has just started.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            m_operator->launchReplay(request);
            if (!answered.wait(10000))
                return false;
            return answered.takeLast().at(0).value<Preflight>().ok;
        }(),
        30000);
    request.jobVersion = QStringLiteral("user_features@v1"); // registered: the version check fails
    m_operator->launchReplay(request);
    QVERIFY(answered.wait(10000));
    const Preflight taken = answered.takeLast().at(0).value<Preflight>();
    QVERIFY(!taken.ok);
    QCOMPARE(taken.checks.value(0).name, QStringLiteral("version"));
    QVERIFY(!taken.checks.value(0).ok);
    QVERIFY(!taken.checks.value(0).detail.isEmpty());

    request.rate.rateMultiple = -1; // invalid settings: 400 even on a dry run
    m_operator->launchReplay(request);
    QVERIFY(refused.wait(10000));
    QCOMPARE(refused.at(0).at(0).toString(), QLatin1String(workflow_call::kPreflight));
    QCOMPARE(refused.at(0).at(1).value<ApiError>().httpStatus, 400);
}

void TestConsoleWorkflowClient::specThatIsNoObjectIsRefusedLocally()
{
    QSignalSpy refused(m_operator.get(), &KappadClient::actionFailed);
    LaunchReplayRequest request;
    request.specJson = "not json";
    m_operator->launchReplay(request);
    QCOMPARE(refused.count(), 0); // asynchronous, like kappad's answers
    QVERIFY(refused.wait(5000));
    QCOMPARE(refused.at(0).at(0).toString(), QLatin1String(workflow_call::kLaunchReplay));
    QCOMPARE(refused.at(0).at(1).value<ApiError>().code, QStringLiteral("InvalidArgument"));
}

ReplayInfo TestConsoleWorkflowClient::waitReplay(KappadClient &client, qint64 id, const QString &state)
{
    QSignalSpy listed(&client, &KappadClient::replaysReceived);
    ReplayInfo found;
    QDeadlineTimer deadline(120'000);
    while (!deadline.hasExpired()) {
        client.fetchReplays();
        if (listed.wait(10000))
            for (const ReplayInfo &replay : listed.takeLast().at(0).value<QList<ReplayInfo>>())
                if (replay.id == id)
                    found = replay;
        if (found.state == state || (!found.active() && found.id == id))
            break;
        QTest::qWait(250);
    }
    return found;
}

void TestConsoleWorkflowClient::launchThrottleValidateSwitchRollBack()
{
    KappadClient &op = *m_operator;
    KappadClient &ap = *m_approver;
    QSignalSpy launched(&op, &KappadClient::replayLaunched);
    QSignalSpy changed(&op, &KappadClient::replayChanged);
    QSignalSpy opRefused(&op, &KappadClient::actionFailed);

    // A copy of fraud v1 under a new name: its validation finds no difference.
    LaunchReplayRequest request;
    request.specJson = R"({"job":"fraud","version":"v1-console","params":{}})";
    request.rate.rateMultiple = 50;
    op.launchReplay(request);
    QVERIFY(launched.wait(10000));
    const ReplayInfo replay = launched.at(0).at(0).value<ReplayInfo>();
    QCOMPARE(replay.job, QStringLiteral("fraud"));
    QCOMPARE(replay.version, QStringLiteral("v1-console"));
    QCOMPARE(replay.kind, QStringLiteral("replay"));
    QCOMPARE(replay.rateMultiple, 50.0);

    RateSettings rate;
    rate.maxRate = 200'000;
    op.setReplayRate(replay.id, rate);
    QVERIFY(changed.wait(10000));
    QCOMPARE(changed.at(0).at(0).value<ReplayInfo>().maxRate, 200'000.0);
    QCOMPARE(changed.at(0).at(0).value<ReplayInfo>().rateMultiple, 50.0); // unchanged
    op.setReplayRate(replay.id, RateSettings{0.0, std::nullopt, std::nullopt});
    QVERIFY(opRefused.wait(10000));
    QCOMPARE(opRefused.takeFirst().at(0).toString(), QLatin1String(workflow_call::kReplayRate));

    const ReplayInfo caughtUp = waitReplay(op, replay.id, QStringLiteral("caught_up"));
    QVERIFY2(caughtUp.state == QLatin1String("caught_up"), qPrintable(caughtUp.state + " " + caughtUp.reason));

    // Right after kappad started, no key may be final in both versions yet
    // ("nothing to compare"): an operator runs the validation again a little later.
    QSignalSpy validated(&op, &KappadClient::validationReceived);
    ValidationInfo validation;
    QElapsedTimer waited;
    waited.start();
    for (int attempt = 1; attempt <= 30 && !validation.passed; ++attempt) {
        if (attempt > 1)
            QTest::qWait(2000);
        op.validate(QStringLiteral("fraud"), QStringLiteral("v1-console"));
        QVERIFY(validated.wait(60000));
        validation = validated.takeFirst().at(0).value<ValidationInfo>();
        qInfo("validation %lld after %lld ms: %s", validation.id, waited.elapsed(),
              qPrintable(validation.passed ? QStringLiteral("passed") : validation.reasons.join("; ")));
    }
    QVERIFY2(validation.passed, qPrintable(validation.reasons.join("; ")));
    QCOMPARE(validation.baseline, QStringLiteral("v1"));
    QVERIFY(validation.keysCompared > 0);
    QCOMPARE(validation.keysDiffering, 0);
    QVERIFY(!validation.aggregates.isEmpty()); // the score PSI
    QSignalSpy listed(&op, &KappadClient::validationsReceived);
    op.fetchValidations();
    QVERIFY(listed.wait(10000));
    QCOMPARE(listed.at(0).at(0).value<QList<ValidationInfo>>().value(0).id, validation.id); // newest first
    op.fetchValidation(validation.id);
    QVERIFY(validated.wait(10000));
    QCOMPARE(validated.at(0).at(0).value<ValidationInfo>().keysCompared, validation.keysCompared);

    // A request, rejected by the approver; another, approved.
    QSignalSpy opSwitch(&op, &KappadClient::switchChanged);
    QSignalSpy apSwitch(&ap, &KappadClient::switchChanged);
    QSignalSpy apRefused(&ap, &KappadClient::actionFailed);
    op.requestSwitch(QStringLiteral("fraud"), QStringLiteral("v1-console"));
    QVERIFY(opSwitch.wait(10000));
    const SwitchRequestInfo first = opSwitch.takeFirst().at(0).value<SwitchRequestInfo>();
    QCOMPARE(first.state, QStringLiteral("pending"));
    QCOMPARE(first.validationId, validation.id);
    op.approveSwitch(first.id); // an operator may not approve
    QVERIFY(opRefused.wait(10000));
    QCOMPARE(opRefused.at(0).at(0).toString(), QLatin1String(workflow_call::kApproveSwitch));
    QCOMPARE(opRefused.takeFirst().at(1).value<ApiError>().httpStatus, 403);
    ap.rejectSwitch(first.id, QStringLiteral("not today"));
    QVERIFY(apSwitch.wait(10000));
    const SwitchRequestInfo rejected = apSwitch.takeFirst().at(0).value<SwitchRequestInfo>();
    QCOMPARE(rejected.state, QStringLiteral("rejected"));
    QVERIFY(rejected.reason.contains("not today"));

    op.requestSwitch(QStringLiteral("fraud"), QStringLiteral("v1-console"));
    QVERIFY(opSwitch.wait(10000));
    const SwitchRequestInfo second = opSwitch.takeFirst().at(0).value<SwitchRequestInfo>();
    ap.approveSwitch(second.id);
    QVERIFY(apSwitch.wait(10000));
    QCOMPARE(apSwitch.takeFirst().at(0).value<SwitchRequestInfo>().state, QStringLiteral("switched"));
    QSignalSpy switches(&op, &KappadClient::switchesReceived);
    op.fetchSwitches();
    QVERIFY(switches.wait(10000));
    const QList<SwitchRequestInfo> all = switches.at(0).at(0).value<QList<SwitchRequestInfo>>();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all[0].id, second.id); // newest first
    QCOMPARE(all[0].decidedBy, rejected.decidedBy);
    ap.approveSwitch(second.id); // decided already
    QVERIFY(apRefused.wait(10000));
    QCOMPARE(apRefused.takeFirst().at(1).value<ApiError>().httpStatus, 409);

    QSignalSpy rolled(&ap, &KappadClient::rolledBack);
    ap.rollback(QStringLiteral("fraud"), QStringLiteral("console test"));
    QVERIFY(rolled.wait(10000));
    QCOMPARE(rolled.at(0).at(0).value<RollbackResult>().liveVersion, QStringLiteral("v1"));
    ap.rollback(QStringLiteral("user_features")); // never switched
    QVERIFY(apRefused.wait(10000));
    QCOMPARE(apRefused.at(0).at(0).toString(), QLatin1String(workflow_call::kRollback));
    QCOMPARE(apRefused.takeFirst().at(1).value<ApiError>().httpStatus, 409);

    // The warm copy's views rebuilt, its reads served by v1 meanwhile.
    RebuildRequest rebuild;
    rebuild.job = QStringLiteral("fraud");
    rebuild.version = QStringLiteral("v1-console");
    rebuild.serveFrom = QStringLiteral("v1");
    rebuild.rate.maxRate = 100'000;
    op.rebuild(rebuild);
    QVERIFY(launched.wait(10000));
    const ReplayInfo rebuilding = launched.at(1).at(0).value<ReplayInfo>();
    QCOMPARE(rebuilding.kind, QStringLiteral("rebuild"));
    QCOMPARE(rebuilding.serveFrom, QStringLiteral("v1"));
    QCOMPARE(rebuilding.maxRate, 100'000.0);
    rebuild.version = QStringLiteral("v9");
    op.rebuild(rebuild);
    QVERIFY(opRefused.wait(10000));
    QCOMPARE(opRefused.at(0).at(0).toString(), QLatin1String(workflow_call::kRebuild));
}

void TestConsoleWorkflowClient::auditLog()
{
    QSignalSpy received(m_operator.get(), &KappadClient::auditReceived);
    m_operator->fetchAudit();
    QVERIFY(received.wait(10000));
    const QList<AuditEntry> entries = received.takeFirst().at(0).value<QList<AuditEntry>>();
    QStringList actions;
    for (const AuditEntry &entry : entries)
        actions << entry.action;
    for (const char *action : {"replay.start", "validation.run", "switch.request", "switch.rejected",
                               "alias.switch", "alias.rollback"})
        QVERIFY2(actions.contains(QLatin1String(action)), qPrintable(action + (": " + actions.join(", "))));
    QVERIFY(entries.size() > 4);
    m_operator->fetchAudit(entries[1].seq, 2); // paging: after_seq and limit reach kappad
    QVERIFY(received.wait(10000));
    const QList<AuditEntry> page = received.takeFirst().at(0).value<QList<AuditEntry>>();
    QCOMPARE(page.size(), 2);
    QCOMPARE(page[0].seq, entries[2].seq);

    QSignalSpy verified(m_operator.get(), &KappadClient::auditVerified);
    m_operator->verifyAudit();
    QVERIFY(verified.wait(10000));
    const AuditVerification verification = verified.at(0).at(0).value<AuditVerification>();
    QVERIFY2(verification.ok, qPrintable(verification.problem));
    QVERIFY(verification.entries >= entries.size());

    QSignalSpy failed(m_operator.get(), &KappadClient::failed);
    m_operator->fetchValidation(99999);
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.at(0).at(0).toString(), QLatin1String(workflow_call::kValidation));
    QCOMPARE(failed.at(0).at(1).value<ApiError>().httpStatus, 404);
}

void TestConsoleWorkflowClient::cleanupTestCase()
{
    m_operator.reset();
    m_approver.reset();
    if (m_kappad)
        QCOMPARE(m_kappad->stop(), 0);
}

QTEST_GUILESS_MAIN(TestConsoleWorkflowClient)
#include "test_console_workflow_client.moc"
