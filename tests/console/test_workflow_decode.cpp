// The decoding of the reprocessing workflow's answers (sample bodies shaped
// as resources/api/openapi.json describes them): complete answers become
// values, a malformed one is a BadAnswer naming the field; and the request
// bodies the client sends.
#include "client/workflow_decode.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace kappa::console;

namespace {

const char *kPreflight = R"({"preflight":{"ok":false,"job":"fraud","version":"v1","events":120000,
  "ingest_rate":2000.5,"rate":10000,"expected_seconds":null,"estimated_state_bytes":1048576,
  "estimated_view_bytes":0,"checks":[
    {"name":"version","ok":false,"detail":"fraud@v1 exists already"},
    {"name":"range","ok":true,"detail":"120000 events"},
    {"name":"schema","ok":true,"detail":"1 writer schema"},
    {"name":"rate","ok":true,"detail":"10000 > 2000.5"}]}})";

const char *kValidation = R"json({"id":7,"job":"fraud","candidate":"v2","baseline":"v1","passed":false,
  "created_ms":1764140400000,"created_by":"operator","report":{"job":"fraud","candidate":"v2","baseline":"v1",
  "aligned":{"offsets":[10,20],"watermark_ms":5},
  "keys":{"compared":400,"differing":12,"not_aligned":1,"differing_share":0.03,"max_diff_share":0.001,
          "added_fields":["amount_zscore"]},
  "diffs":[{"key":42,"samples":["uniform","flagged"],"field":"score","live":0.25,"candidate":0.5},
           {"key":42,"samples":["uniform"],"field":"reasons","live":["txn_1m"],"candidate":null},
           {"key":99,"samples":["recent"],"field":"(row)","live":{"score":0.1},"candidate":null}],
  "aggregates":[{"name":"score_psi","value":0.31,"max":0.1,"ok":false,"cards":400}],
  "events_behind":null,"attempts":3,"passed":false,"reasons":["12 of 400 keys differ","score PSI 0.31 > 0.1"]}})json";

const char *kSwitch = R"({"id":3,"job":"user_features","from_version":"v1","to_version":"v2","validation_id":5,
  "override_reason":"","requested_by":"operator","requested_ms":1000,"expires_ms":3601000,"state":"pending",
  "decided_by":"","decided_ms":0,"reason":""})";

} // namespace

class TestWorkflowDecode : public QObject
{
    Q_OBJECT

private slots:
    void identity()
    {
        const Decoded<Identity> decoded = decodeIdentity(R"({"name":"approver","role":"approver"})");
        QVERIFY(std::holds_alternative<Identity>(decoded));
        QCOMPARE(std::get<Identity>(decoded).name, QStringLiteral("approver"));
        QCOMPARE(std::get<Identity>(decoded).role, QStringLiteral("approver"));
        const Decoded<Identity> broken = decodeIdentity(R"({"name":"x"})");
        QVERIFY(std::holds_alternative<ApiError>(broken));
        QCOMPARE(std::get<ApiError>(broken).code, QStringLiteral("BadAnswer"));
        QVERIFY(std::get<ApiError>(broken).message.contains("role is missing"));
    }

    void versionSpec()
    {
        const Decoded<JobVersionSpec> decoded = decodeVersionSpec(
            R"({"job":"user_features","version":"v3","state":"caught_up","created_by":"operator",
                "created_ms":1764140400000,"spec":{"job":"user_features","version":"v3",
                "description":"longer windows","params":{"windows_s":[60,3600],"decay":0.0008}}})");
        QVERIFY(std::holds_alternative<JobVersionSpec>(decoded));
        const JobVersionSpec &v = std::get<JobVersionSpec>(decoded);
        QCOMPARE(v.job, QStringLiteral("user_features"));
        QCOMPARE(v.version, QStringLiteral("v3"));
        QCOMPARE(v.state, QStringLiteral("caught_up"));
        QCOMPARE(v.createdBy, QStringLiteral("operator"));
        QCOMPARE(v.createdMs, qint64(1764140400000));
        QCOMPARE(v.spec.value("description").toString(), QStringLiteral("longer windows"));
        QCOMPARE(v.spec.value("params").toObject().value("decay").toDouble(), 0.0008);
        // The spec is an object, not a name or text.
        const Decoded<JobVersionSpec> text = decodeVersionSpec(
            R"({"job":"fraud","version":"v1","state":"live","created_by":"kappad","created_ms":1,
                "spec":"fraud@v1"})");
        QVERIFY(std::holds_alternative<ApiError>(text));
        QVERIFY2(std::get<ApiError>(text).message.contains("spec has the wrong type"),
                 qPrintable(std::get<ApiError>(text).message));
        const Decoded<JobVersionSpec> noState = decodeVersionSpec(
            R"({"job":"fraud","version":"v1","created_by":"kappad","created_ms":1,"spec":{}})");
        QVERIFY(std::holds_alternative<ApiError>(noState));
        QVERIFY(std::get<ApiError>(noState).message.contains("state is missing"));
    }

    void preflight()
    {
        const Decoded<Preflight> decoded = decodePreflight(kPreflight);
        QVERIFY(std::holds_alternative<Preflight>(decoded));
        const Preflight &p = std::get<Preflight>(decoded);
        QVERIFY(!p.ok);
        QCOMPARE(p.events, 120000);
        QCOMPARE(p.ingestRate, 2000.5);
        QVERIFY(!p.expectedSeconds.has_value());
        QCOMPARE(p.estimatedStateBytes, 1048576);
        QCOMPARE(p.checks.size(), 4);
        QCOMPARE(p.checks[0].name, QStringLiteral("version"));
        QVERIFY(!p.checks[0].ok);
        QCOMPARE(p.checks[0].detail, QStringLiteral("fraud@v1 exists already"));

        QByteArray withEta = kPreflight;
        withEta.replace(R"("expected_seconds":null)", R"("expected_seconds":12.5)");
        QCOMPARE(std::get<Preflight>(decodePreflight(withEta)).expectedSeconds.value_or(0), 12.5);
    }

    void validationWithReport()
    {
        const Decoded<ValidationInfo> decoded = decodeValidation(kValidation);
        const ApiError *error = std::get_if<ApiError>(&decoded);
        QVERIFY2(!error, error ? qPrintable(error->message) : "");
        const ValidationInfo &v = std::get<ValidationInfo>(decoded);
        QCOMPARE(v.id, 7);
        QCOMPARE(v.candidate, QStringLiteral("v2"));
        QCOMPARE(v.baseline, QStringLiteral("v1"));
        QVERIFY(!v.passed);
        QCOMPARE(v.createdMs, qint64(1764140400000));
        QCOMPARE(v.keysCompared, 400);
        QCOMPARE(v.keysDiffering, 12);
        QCOMPARE(v.differingShare, 0.03);
        QCOMPARE(v.maxDiffShare, 0.001);
        QCOMPARE(v.addedFields, QStringList{"amount_zscore"});
        QCOMPARE(v.diffs.size(), 3);
        QCOMPARE(v.diffs[0].key, 42);
        QCOMPARE(v.diffs[0].samples, (QStringList{"uniform", "flagged"}));
        QCOMPARE(v.diffs[0].live.toDouble(), 0.25);
        QVERIFY(v.diffs[1].live.isArray());
        QVERIFY(v.diffs[1].candidate.isNull());
        QCOMPARE(v.diffs[2].field, QStringLiteral("(row)"));
        QVERIFY(v.diffs[2].live.isObject());
        QCOMPARE(v.aggregates.size(), 1);
        // The score PSI: its value is the delta, its max the tolerance; no live or candidate value.
        const ValidationAggregate &psi = v.aggregates[0];
        QCOMPARE(psi.name, QStringLiteral("score_psi"));
        QCOMPARE(psi.delta.value_or(0), 0.31);
        QCOMPARE(psi.tolerance, 0.1);
        QVERIFY(!psi.live && !psi.candidate && !psi.ok);
        QCOMPARE(v.reasons.size(), 2);
        QCOMPARE(v.attempts, 3);
    }

    void businessMetricsAggregates()
    {
        QByteArray body = kValidation;
        body.replace(R"([{"name":"score_psi","value":0.31,"max":0.1,"ok":false,"cards":400}])",
                     R"([{"name":"gmv_cents @1764140400000","live":1000,"candidate":1010,"delta":0.01,)"
                     R"("tolerance":0.02,"ok":true},{"name":"orders @1764140400000","live":0,"candidate":3,)"
                     R"("delta":null,"tolerance":0.02,"ok":false}])");
        const ValidationInfo v = std::get<ValidationInfo>(decodeValidation(body));
        QCOMPARE(v.aggregates.size(), 2);
        QCOMPARE(v.aggregates[0].live.value_or(0), 1000.0);
        QCOMPARE(v.aggregates[0].candidate.value_or(0), 1010.0);
        QCOMPARE(v.aggregates[0].delta.value_or(0), 0.01);
        QCOMPARE(v.aggregates[0].tolerance, 0.02);
        QVERIFY(v.aggregates[0].ok);
        QVERIFY(!v.aggregates[1].delta.has_value()); // only the live value is 0
    }

    void malformedAnswersNameTheField_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("mentions");
        QByteArray noReport = kValidation;
        noReport.replace(R"("report":{)", R"("rapport":{)");
        QTest::newRow("no report") << noReport << "report is missing";
        QByteArray badSample = kValidation;
        badSample.replace(R"(["uniform","flagged"])", R"(["uniform",3])");
        QTest::newRow("a sample not a string")
            << badSample << "report.diffs[0].samples[1] has the wrong type";
        QByteArray noCandidate = kValidation;
        noCandidate.replace(R"("field":"score","live":0.25,"candidate":0.5)",
                            R"("field":"score","live":0.25)");
        QTest::newRow("diff without candidate") << noCandidate << "report.diffs[0].candidate is missing";
        QByteArray psiWithoutMax = kValidation;
        psiWithoutMax.replace(R"("max":0.1,)", "");
        QTest::newRow("psi without max") << psiWithoutMax << "report.aggregates[0].max is missing";
        QByteArray keysShare = kValidation;
        keysShare.replace(R"("differing_share":0.03)", R"("differing_share":"3%")");
        QTest::newRow("share a string") << keysShare << "report.keys.differing_share has the wrong type";
    }

    void malformedAnswersNameTheField()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, mentions);
        const Decoded<ValidationInfo> decoded = decodeValidation(body);
        QVERIFY(std::holds_alternative<ApiError>(decoded));
        QCOMPARE(std::get<ApiError>(decoded).code, QStringLiteral("BadAnswer"));
        QVERIFY2(std::get<ApiError>(decoded).message.contains(mentions),
                 qPrintable(std::get<ApiError>(decoded).message));
    }

    void preflightCheckMissingDetail()
    {
        QByteArray body = kPreflight;
        body.replace(R"("detail":"120000 events")", R"("details":"120000 events")");
        const Decoded<Preflight> decoded = decodePreflight(body);
        QVERIFY(std::holds_alternative<ApiError>(decoded));
        QVERIFY2(std::get<ApiError>(decoded).message.contains("preflight.checks[1].detail is missing"),
                 qPrintable(std::get<ApiError>(decoded).message));
    }

    void validationsList()
    {
        const Decoded<QList<ValidationInfo>> decoded = decodeValidations(
            R"({"validations":[{"id":2,"job":"fraud","candidate":"v2","baseline":"v1","passed":true,)"
            R"("created_ms":5,"created_by":"op"},{"id":1,"job":"fraud","candidate":"v2","baseline":"v1",)"
            R"("passed":false,"created_ms":4,"created_by":"op"}]})");
        QVERIFY(std::holds_alternative<QList<ValidationInfo>>(decoded));
        const QList<ValidationInfo> &list = std::get<QList<ValidationInfo>>(decoded);
        QCOMPARE(list.size(), 2);
        QVERIFY(list[0].passed);
        QVERIFY(list[0].diffs.isEmpty()); // a list has no reports
        const Decoded<QList<ValidationInfo>> broken = decodeValidations(
            R"({"validations":[{"id":2,"job":"fraud","candidate":"v2","baseline":"v1"}]})");
        QVERIFY(std::get<ApiError>(broken).message.contains("validations[0].passed is missing"));
    }

    void switches()
    {
        const Decoded<SwitchRequestInfo> one = decodeSwitch(kSwitch);
        QVERIFY(std::holds_alternative<SwitchRequestInfo>(one));
        const SwitchRequestInfo &s = std::get<SwitchRequestInfo>(one);
        QCOMPARE(s.id, 3);
        QCOMPARE(s.fromVersion, QStringLiteral("v1"));
        QCOMPARE(s.toVersion, QStringLiteral("v2"));
        QCOMPARE(s.validationId, 5);
        QCOMPARE(s.expiresMs, 3601000);
        QCOMPARE(s.state, QStringLiteral("pending"));

        const Decoded<QList<SwitchRequestInfo>> list = decodeSwitches(QByteArray(R"({"switches":[)") + kSwitch
                                                                      + "]}");
        QCOMPARE(std::get<QList<SwitchRequestInfo>>(list).size(), 1);
        QByteArray noState = kSwitch;
        noState.replace(R"("state":"pending",)", "");
        const Decoded<QList<SwitchRequestInfo>> broken = decodeSwitches("{\"switches\":[" + noState + "]}");
        QVERIFY(std::get<ApiError>(broken).message.contains("switches[0].state is missing"));
    }

    void rollbackAndAudit()
    {
        const RollbackResult rolled = std::get<RollbackResult>(
            decodeRollback(R"({"job":"fraud","live_version":"v1"})"));
        QCOMPARE(rolled.job, QStringLiteral("fraud"));
        QCOMPARE(rolled.liveVersion, QStringLiteral("v1"));

        const Decoded<QList<AuditEntry>> audit = decodeAudit(
            R"({"entries":[{"seq":1,"at_ms":9,"actor":"operator","action":"replay.start","subject":"fraud@v2",)"
            R"("detail":"from earliest","prev_hash":"","hash":"ab"}]})");
        QVERIFY(std::holds_alternative<QList<AuditEntry>>(audit));
        QCOMPARE(std::get<QList<AuditEntry>>(audit)[0].action, QStringLiteral("replay.start"));
        QCOMPARE(std::get<QList<AuditEntry>>(audit)[0].hash, QStringLiteral("ab"));

        const AuditVerification ok = std::get<AuditVerification>(
            decodeAuditVerification(R"({"ok":true,"entries":12,"first_bad_seq":null,"problem":""})"));
        QVERIFY(ok.ok);
        QCOMPARE(ok.entries, 12);
        QVERIFY(!ok.firstBadSeq);
        const AuditVerification bad = std::get<AuditVerification>(
            decodeAuditVerification(R"({"ok":false,"entries":12,"first_bad_seq":4,"problem":"hash"})"));
        QCOMPARE(bad.firstBadSeq.value_or(0), 4);
        QVERIFY(std::holds_alternative<ApiError>(decodeAuditVerification("not json")));
    }

    void launchBodies()
    {
        LaunchReplayRequest known;
        known.jobVersion = QStringLiteral("user_features@v2");
        known.from = QStringLiteral("12h");
        known.rate.rateMultiple = 50;
        known.dryRun = true;
        const QJsonObject body = QJsonDocument::fromJson(std::get<QByteArray>(encodeLaunchReplay(known)))
                                     .object();
        QCOMPARE(body.value("job_version").toString(), QStringLiteral("user_features@v2"));
        QCOMPARE(body.value("from").toString(), QStringLiteral("12h"));
        QCOMPARE(body.value("rate_multiple").toDouble(), 50.0);
        QVERIFY(!body.contains("max_rate")); // unset: kappad's default
        QVERIFY(body.value("dry_run").toBool());
        QVERIFY(!body.contains("spec"));

        LaunchReplayRequest spec;
        spec.specJson = R"({"job":"fraud","version":"v3","params":{"bias":-6}})";
        spec.rate.maxRate = 0;
        const QJsonObject specBody = QJsonDocument::fromJson(std::get<QByteArray>(encodeLaunchReplay(spec)))
                                         .object();
        QCOMPARE(specBody.value("spec").toObject().value("version").toString(), QStringLiteral("v3"));
        QVERIFY(!specBody.contains("job_version"));
        QVERIFY(!specBody.contains("dry_run"));
        QCOMPARE(specBody.value("max_rate").toDouble(-1), 0.0);
        QCOMPARE(specBody.value("from").toString(), QStringLiteral("earliest"));

        LaunchReplayRequest broken;
        broken.specJson = "[1,2]";
        const Decoded<QByteArray> refused = encodeLaunchReplay(broken);
        QVERIFY(std::holds_alternative<ApiError>(refused));
        QCOMPARE(std::get<ApiError>(refused).code, QStringLiteral("InvalidArgument"));
    }

    void rateAndRebuildBodies()
    {
        RateSettings rate;
        rate.minRate = 500;
        QCOMPARE(encodeRate(rate), QByteArray(R"({"min_rate":500})"));
        RebuildRequest rebuild;
        rebuild.job = QStringLiteral("fraud");
        rebuild.version = QStringLiteral("v1");
        rebuild.serveFrom = QStringLiteral("v1-copy");
        rebuild.rate.maxRate = 40000;
        const QJsonObject body = QJsonDocument::fromJson(encodeRebuild(rebuild)).object();
        QCOMPARE(body.value("serve_from").toString(), QStringLiteral("v1-copy"));
        QCOMPARE(body.value("max_rate").toDouble(), 40000.0);
        QCOMPARE(encodeRebuild(RebuildRequest{}), QByteArray("{}"));
    }
};

QTEST_APPLESS_MAIN(TestWorkflowDecode)
#include "test_workflow_decode.moc"
