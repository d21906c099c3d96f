// The reprocessing wizards page by page: each page's fields, validatePage()
// accepting and refusing, nextId() for each branch, and isComplete() gating
// on kappad's answers. The real client talks to CannedKappad on loopback, so
// a page can be held in its busy state or answered with any verdict.
#include "canned_kappad.h"
#include "client/kappad_client.h"
#include "models/validation_diff_model.h"
#include "wizards/aggregate_chart.h"
#include "wizards/approve_switch_wizard.h"
#include "wizards/job_specs.h"
#include "wizards/launch_replay_wizard.h"
#include "wizards/rebuild_wizard.h"
#include "wizards/review_validation_wizard.h"
#include "wizards/rollback_wizard.h"
#include "wizards/wizard_support.h"

#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace kappa::console;

namespace {

JobVersionInfo version(const QString &name, const QString &state, bool running = true,
                       const QString &createdBy = QStringLiteral("operator"))
{
    JobVersionInfo v;
    v.version = name;
    v.state = state;
    v.live = state == QLatin1String("live");
    v.running = running;
    v.createdBy = createdBy;
    return v;
}

JobsSnapshot snapshot()
{
    JobsSnapshot s;
    s.jobs = {JobInfo{"business_metrics", "v1", {}, {version("v1", "live"), version("v2", "replaying")}},
              JobInfo{"fraud", "v1", {}, {version("v0", "retired", false), version("v1", "live")}},
              JobInfo{"user_features", "v1", {}, {version("v1", "live"), version("v2", "caught_up")}}};
    return s;
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject replayJson(qint64 id, const QString &job, const QString &ver, const QString &kind,
                       const QString &state, double percent = 0, const QString &createdBy = "operator")
{
    return {{"id", id},
            {"job", job},
            {"version", ver},
            {"kind", kind},
            {"from", "earliest"},
            {"state", state},
            {"version_state", "x"},
            {"paused", false},
            {"running", state == "running"},
            {"serve_from", ""},
            {"reason", ""},
            {"created_by", createdBy},
            {"created_ms", 1},
            {"rate_multiple", 5},
            {"max_rate", 0},
            {"min_rate", 1000},
            {"ingest_rate", 100},
            {"target_rate", 500},
            {"current_rate", 500},
            {"measured_rate", 480},
            {"slowdown_reason", ""},
            {"percent", percent},
            {"eta_seconds", QJsonValue::Null},
            {"lag_records", 10},
            {"partitions", QJsonArray{}}};
}

QByteArray preflightJson(bool ok, std::optional<double> expectedSeconds = 200)
{
    QJsonArray checks{QJsonObject{{"name", "version"}, {"ok", ok}, {"detail", ok ? "new" : "exists already"}},
                      QJsonObject{{"name", "rate"}, {"ok", true}, {"detail", "fine"}}};
    return json({{"preflight", QJsonObject{{"ok", ok},
                                           {"job", "fraud"},
                                           {"version", "v2"},
                                           {"events", 40000},
                                           {"ingest_rate", 100},
                                           {"rate", 500},
                                           {"expected_seconds",
                                            expectedSeconds ? QJsonValue(*expectedSeconds) : QJsonValue()},
                                           {"estimated_state_bytes", 2048},
                                           {"estimated_view_bytes", 0},
                                           {"checks", checks}}}});
}

QJsonObject switchJson(qint64 id, const QString &job, const QString &state,
                       const QString &requestedBy = "operator")
{
    return {{"id", id},
            {"job", job},
            {"from_version", "v1"},
            {"to_version", "v2"},
            {"validation_id", 4},
            {"override_reason", ""},
            {"requested_by", requestedBy},
            {"requested_ms", 1000},
            {"expires_ms", QDateTime::currentMSecsSinceEpoch() + 3'600'000},
            {"state", state},
            {"decided_by", state == "pending" ? "" : "approver"},
            {"decided_ms", state == "pending" ? 0 : QDateTime::currentMSecsSinceEpoch() - 60'000},
            {"reason", ""}};
}

QJsonObject validationJson(bool passed, QJsonArray diffs = {}, QJsonArray aggregates = {})
{
    QJsonObject report{{"job", "user_features"},
                       {"candidate", "v2"},
                       {"baseline", "v1"},
                       {"aligned", QJsonObject{{"offsets", QJsonArray{}}, {"watermark_ms", 1}}},
                       {"keys", QJsonObject{{"compared", 100},
                                            {"differing", diffs.size()},
                                            {"not_aligned", 0},
                                            {"differing_share", diffs.size() / 100.0},
                                            {"max_diff_share", 0.001},
                                            {"added_fields", QJsonArray{"views_7d"}}}},
                       {"diffs", diffs},
                       {"aggregates", aggregates},
                       {"events_behind", QJsonValue()},
                       {"attempts", 1},
                       {"passed", passed},
                       {"reasons", passed ? QJsonArray{} : QJsonArray{"3 of 100 keys differ"}}};
    return {{"id", 4},          {"job", "user_features"}, {"candidate", "v2"},        {"baseline", "v1"},
            {"passed", passed}, {"created_ms", 5},        {"created_by", "operator"}, {"report", report}};
}

QJsonObject diffJson(qint64 key, const QString &field)
{
    return {{"key", key}, {"samples", QJsonArray{"uniform"}}, {"field", field}, {"live", 1}, {"candidate", 2}};
}

template<typename Wizard, typename PageEnum>
QWizardPage *pageOf(Wizard &wizard, PageEnum page)
{
    return wizard.page(Wizard::id(page));
}

QString statusText(QWizardPage *page)
{
    QStringList texts;
    for (StatusLine *line : page->findChildren<StatusLine *>())
        texts << line->text();
    return texts.join(QLatin1Char('\n'));
}

} // namespace

class TestWizards : public QObject
{
    Q_OBJECT

private slots:
    void builtinSpecsAreEmbedded()
    {
        QCOMPARE(builtinSpecs(QStringLiteral("fraud")).size(), 2);
        QCOMPARE(builtinSpecs().size(), 6);
        QVERIFY(isValidVersionName(QStringLiteral("v2.1-rc_1")));
        QVERIFY(!isValidVersionName(QStringLiteral("v 2")));
        QVERIFY(!isValidVersionName(QString()));
        QVERIFY(specProblem(QJsonObject{{"job", "fraud"}, {"version", "v3"}}, "fraud").isEmpty());
        QVERIFY(
            specProblem(QJsonObject{{"job", "fraud"}, {"version", "v3"}}, "user_features").contains("fraud"));
        QVERIFY(specProblem(QJsonObject{{"job", "fraud"}, {"version", "v3"}, {"extra", 1}}, "fraud")
                    .contains("extra"));
        QVERIFY(
            !specProblem(QJsonObject{{"job", "fraud"}, {"version", "v3"}, {"params", 1}}, "fraud").isEmpty());
    }

    void specsAreEditableJson()
    {
        const QJsonObject params{{"learning_rate", 0.0008},
                                 {"weights", QJsonArray{1.5, -2, 1e-12}},
                                 {"name", "a \"quoted\" name"},
                                 {"empty", QJsonObject{}},
                                 {"on", true}};
        const QString text = editableJson(params);
        QVERIFY2(text.contains("\"learning_rate\": 0.0008,"), qPrintable(text));
        QVERIFY2(text.contains("        1.5,\n        -2,\n        1e-12\n"), qPrintable(text));
        QVERIFY2(text.contains("\"name\": \"a \\\"quoted\\\" name\""), qPrintable(text));
        QVERIFY2(text.contains("\"empty\": {}"), qPrintable(text));
        // It reads back as the same object.
        QCOMPARE(QJsonDocument::fromJson(text.toUtf8()).object(), params);
    }

    // ---- Launch replay ----

    void launchFieldsAndBranches()
    {
        CannedKappad kappad;
        KappadClient client(kappad.url(), QStringLiteral("t"));
        LaunchReplayWizard wizard(&client, snapshot());
        using Page = LaunchReplayWizard::Page;
        wizard.restart();
        QCOMPARE(wizard.currentId(), LaunchReplayWizard::id(Page::Job));
        QCOMPARE(wizard.windowTitle(), QStringLiteral("Launch replay"));
        for (const char *name :
             {"job",           "sourceKnown",        "sourceFile",       "sourceEdit",      "knownVersion",
              "specFile",      "editBase",           "editVersion",      "editDescription", "editParams",
              "fromEarliest",  "fromOffset",         "fromTime",         "fromDuration",    "fromOffsetValue",
              "fromTimeValue", "fromDurationAmount", "fromDurationUnit", "rateMultiple",    "maxRate",
              "minRate"})
            QVERIFY2(wizard.field(QLatin1String(name)).isValid(), name);

        wizard.setJob(QStringLiteral("fraud"));
        QCOMPARE(wizard.field("job").toString(), QStringLiteral("fraud"));
        wizard.next();
        QCOMPARE(wizard.currentId(), LaunchReplayWizard::id(Page::Source));
        QWizardPage *source = wizard.currentPage();
        QCOMPARE(source->nextId(), LaunchReplayWizard::id(Page::KnownVersion));
        wizard.setField("sourceFile", true);
        QCOMPARE(source->nextId(), LaunchReplayWizard::id(Page::SpecFile));
        wizard.setField("sourceEdit", true);
        QCOMPARE(source->nextId(), LaunchReplayWizard::id(Page::EditSpec));
        wizard.setField("sourceKnown", true);
        wizard.next();

        // Known version: the built-in fraud versions that are not registered.
        QWizardPage *known = wizard.currentPage();
        QCOMPARE(wizard.currentId(), LaunchReplayWizard::id(Page::KnownVersion));
        QCOMPARE(wizard.field("knownVersion").toString(), QStringLiteral("v2"));
        wizard.setField("knownVersion", "v1");
        QVERIFY(!known->validatePage());
        QVERIFY(statusText(known).contains("registered already"));
        wizard.setField("knownVersion", "v 3");
        QVERIFY(!known->validatePage());
        wizard.setField("knownVersion", "v2");
        QVERIFY(known->validatePage());
        QCOMPARE(known->nextId(), LaunchReplayWizard::id(Page::Start));
        QCOMPARE(wizard.request().jobVersion, QStringLiteral("fraud@v2"));
        QVERIFY(wizard.request().specJson.isEmpty());
        wizard.next();

        // Start point: each choice as kappad takes it.
        QWizardPage *start = wizard.currentPage();
        QCOMPARE(wizard.from(), QStringLiteral("earliest"));
        wizard.setField("fromDuration", true);
        wizard.setField("fromDurationAmount", 90);
        wizard.setField("fromDurationUnit", 0);
        QCOMPARE(wizard.from(), QStringLiteral("90d"));
        wizard.setField("fromOffset", true);
        wizard.setField("fromOffsetValue", "");
        QVERIFY(!start->isComplete());
        wizard.setField("fromOffsetValue", "1500");
        QVERIFY(start->isComplete());
        QCOMPARE(wizard.from(), QStringLiteral("1500"));
        wizard.setField("fromTime", true);
        wizard.setField("fromTimeValue", QDateTime(QDate(2026, 11, 20), QTime(8, 0), Qt::UTC));
        QCOMPARE(wizard.from(), QStringLiteral("2026-11-20T08:00:00Z"));
        QVERIFY(start->validatePage());
        wizard.setField("fromTimeValue", QDateTime::currentDateTimeUtc().addDays(1));
        QVERIFY(!start->validatePage());
        QVERIFY(statusText(start).contains("future"));
        wizard.setField("fromEarliest", true);
        QCOMPARE(start->nextId(), LaunchReplayWizard::id(Page::Throttle));
    }

    void launchThrottlePreviewAndPreflight()
    {
        CannedKappad kappad;
        kappad.answer("POST /api/v1/replays", 200, preflightJson(true, 200));
        KappadClient client(kappad.url(), QStringLiteral("t"));
        LaunchReplayWizard wizard(&client, snapshot());
        using Page = LaunchReplayWizard::Page;
        wizard.restart();
        wizard.setJob(QStringLiteral("fraud"));
        wizard.next(); // source
        wizard.next(); // known version v2
        wizard.next(); // start
        wizard.next(); // throttle
        QCOMPARE(wizard.currentId(), LaunchReplayWizard::id(Page::Throttle));
        QWizardPage *throttle = wizard.currentPage();
        // The preview: a debounced dry run of the current request.
        QTRY_VERIFY_WITH_TIMEOUT(statusText(throttle).contains("catch up in about 3 min 20 s"), 5000);
        QCOMPARE(kappad.count("POST /api/v1/replays"), 1);
        const QJsonObject dryRun = QJsonDocument::fromJson(kappad.lastBody("POST /api/v1/replays")).object();
        QVERIFY(dryRun.value("dry_run").toBool());
        QCOMPARE(dryRun.value("job_version").toString(), QStringLiteral("fraud@v2"));
        QCOMPARE(dryRun.value("rate_multiple").toDouble(), 5.0);
        QCOMPARE(kappad.requests().last().authorization, QByteArray("Bearer t"));

        kappad.answer("POST /api/v1/replays", 200, preflightJson(true, std::nullopt));
        wizard.setField("rateMultiple", 0.5);
        QTRY_VERIFY_WITH_TIMEOUT(statusText(throttle).contains("never catch up"), 5000);
        QCOMPARE(QJsonDocument::fromJson(kappad.lastBody("POST /api/v1/replays"))
                     .object()
                     .value("rate_multiple")
                     .toDouble(),
                 0.5);
        wizard.setField("rateMultiple", 50.0);

        wizard.setField("maxRate", 500.0);
        wizard.setField("minRate", 1000.0);
        QVERIFY(!throttle->validatePage());
        QVERIFY(statusText(throttle).contains("minimum rate is above the maximum"));
        wizard.setField("maxRate", 0.0);
        QVERIFY(throttle->validatePage());

        // Pre-flight: busy until kappad answers; complete only when every check passed.
        kappad.hold("POST /api/v1/replays");
        QTest::qWait(500); // let the throttle's own dry run go out first
        wizard.next();
        QCOMPARE(wizard.currentId(), LaunchReplayWizard::id(Page::Preflight));
        QWizardPage *preflight = wizard.currentPage();
        QVERIFY(!preflight->isComplete());
        QTest::qWait(200);
        QVERIFY(!preflight->isComplete());
        QVERIFY(statusText(preflight).contains("checking"));

        // A fresh wizard's pre-flight that fails and one that passes. (One
        // launch wizard per client at a time: their dry runs share its signal.)
        kappad.answer("POST /api/v1/replays", 200, preflightJson(false));
        KappadClient secondClient(kappad.url(), QStringLiteral("t"));
        LaunchReplayWizard second(&secondClient, snapshot());
        second.restart();
        second.setJob(QStringLiteral("fraud"));
        for (int i = 0; i < 4; ++i)
            second.next();
        QTest::qWait(600);
        second.next();
        QCOMPARE(second.currentId(), LaunchReplayWizard::id(Page::Preflight));
        QWizardPage *failing = second.currentPage();
        QTRY_VERIFY_WITH_TIMEOUT(statusText(failing).contains("cannot be launched"), 5000);
        QVERIFY(!failing->isComplete());
        kappad.answer("POST /api/v1/replays", 200, preflightJson(true));
        QPushButton *again = nullptr;
        for (QPushButton *button : failing->findChildren<QPushButton *>())
            if (button->text().contains("again"))
                again = button;
        QVERIFY(again);
        again->click();
        QTRY_VERIFY_WITH_TIMEOUT(failing->isComplete(), 5000);

        // Confirm (the commit page) → launched.
        second.next();
        QCOMPARE(second.currentId(), LaunchReplayWizard::id(Page::Confirm));
        QVERIFY(second.currentPage()->isCommitPage());
        kappad.answer("POST /api/v1/replays", 201, json(replayJson(12, "fraud", "v2", "replay", "running")));
        QSignalSpy launched(&second, &LaunchReplayWizard::launched);
        second.next();
        QCOMPARE(second.currentId(), LaunchReplayWizard::id(Page::Launched));
        QVERIFY(!second.currentPage()->isComplete());
        QTRY_COMPARE_WITH_TIMEOUT(launched.count(), 1, 5000);
        QCOMPARE(launched.at(0).at(0).value<ReplayInfo>().id, 12);
        QVERIFY(second.currentPage()->isComplete());
        QVERIFY(statusText(second.currentPage()).contains("Replay 12"));
        const QJsonObject sent = QJsonDocument::fromJson(kappad.lastBody("POST /api/v1/replays")).object();
        QVERIFY(!sent.contains("dry_run"));
        QCOMPARE(sent.value("job_version").toString(), QStringLiteral("fraud@v2"));
    }

    void launchRefusedShowsWhy()
    {
        CannedKappad kappad;
        kappad
            .answer("POST /api/v1/replays", 409,
                    R"({"code":"FailedPrecondition","message":"pre-flight failed: version: fraud@v2 exists"})");
        KappadClient client(kappad.url(), QString());
        LaunchReplayWizard wizard(&client, snapshot());
        wizard.restart();
        wizard.setJob(QStringLiteral("fraud"));
        QWizardPage *launched = pageOf(wizard, LaunchReplayWizard::Page::Launched);
        launched->initializePage();
        QTRY_VERIFY_WITH_TIMEOUT(statusText(launched).contains("fraud@v2 exists"), 5000);
        QVERIFY(statusText(launched).contains("Nothing was launched"));
        QVERIFY(!launched->isComplete());
    }

    void launchSpecFromFile()
    {
        QTemporaryDir dir;
        auto write = [&](const QString &name, const QByteArray &content) {
            QFile file(dir.filePath(name));
            file.open(QIODevice::WriteOnly);
            file.write(content);
            return file.fileName();
        };
        CannedKappad kappad;
        KappadClient client(kappad.url(), QString());
        LaunchReplayWizard wizard(&client, snapshot());
        wizard.restart();
        wizard.setJob(QStringLiteral("fraud"));
        wizard.setField("sourceFile", true);
        QWizardPage *page = pageOf(wizard, LaunchReplayWizard::Page::SpecFile);
        wizard.setField("specFile", dir.filePath("missing.json"));
        QVERIFY(!page->validatePage());
        QVERIFY(statusText(page).contains("Cannot read"));
        wizard.setField("specFile", write("broken.json", "{\"job\": "));
        QVERIFY(!page->validatePage());
        QVERIFY(statusText(page).contains("not JSON"));
        wizard.setField("specFile",
                        write("other.json", R"({"job":"user_features","version":"v9","params":{}})"));
        QVERIFY(!page->validatePage());
        QVERIFY(statusText(page).contains("user_features"));
        wizard.setField("specFile", write("taken.json", R"({"job":"fraud","version":"v1","params":{}})"));
        QVERIFY(!page->validatePage());
        wizard.setField("specFile",
                        write("good.json",
                              R"({"job":"fraud","version":"v1-reweighted","params":{"bias":-5.5}})"));
        QVERIFY(page->validatePage());
        QCOMPARE(page->nextId(), LaunchReplayWizard::id(LaunchReplayWizard::Page::Start));
        QCOMPARE(wizard.version(), QStringLiteral("v1-reweighted"));
        const LaunchReplayRequest request = wizard.request();
        QVERIFY(request.jobVersion.isEmpty());
        QCOMPARE(QJsonDocument::fromJson(request.specJson)
                     .object()
                     .value("params")
                     .toObject()
                     .value("bias")
                     .toDouble(),
                 -5.5);
    }

    void launchEditedSpec()
    {
        CannedKappad kappad;
        KappadClient client(kappad.url(), QString());
        LaunchReplayWizard wizard(&client, snapshot());
        wizard.restart();
        wizard.setJob(QStringLiteral("fraud"));
        wizard.setField("sourceEdit", true);
        wizard.next();
        wizard.next();
        QCOMPARE(wizard.currentId(), LaunchReplayWizard::id(LaunchReplayWizard::Page::EditSpec));
        QWizardPage *page = wizard.currentPage();
        // Based on the newest built-in version, its parameters ready to edit.
        QCOMPARE(wizard.editBaseName(), QStringLiteral("fraud@v2"));
        QVERIFY(wizard.field("editParams").toString().contains("amount_zscore"));
        QVERIFY(!page->isComplete()); // no version name yet
        wizard.setField("editVersion", "v2");
        QVERIFY(!page->validatePage());
        QVERIFY(statusText(page).contains("new version name"));
        wizard.setField("editVersion", "v1");
        QVERIFY(!page->validatePage()); // registered
        wizard.setField("editVersion", "v3");
        wizard.setField("editParams", "{\"bias\": ");
        QVERIFY(!page->validatePage());
        QVERIFY(statusText(page).contains("not JSON"));
        wizard.setField("editParams", "[1]");
        QVERIFY(!page->validatePage());
        wizard.setField("editParams", R"({"bias": -7.0, "flag_threshold": 0.9})");
        wizard.setField("editDescription", "stricter");
        QVERIFY(page->validatePage());
        const QJsonObject spec = QJsonDocument::fromJson(wizard.request().specJson).object();
        QCOMPARE(spec.value("job").toString(), QStringLiteral("fraud"));
        QCOMPARE(spec.value("version").toString(), QStringLiteral("v3"));
        QCOMPARE(spec.value("description").toString(), QStringLiteral("stricter"));
        QCOMPARE(spec.value("params").toObject().value("bias").toDouble(), -7.0);
        QCOMPARE(wizard.version(), QStringLiteral("v3"));
    }

    // A registered version launched from a custom spec (v3) joins the bases
    // once kappad answers its spec; one kappad cannot answer (v5) is left out
    // with a note. Built-in versions are not asked for.
    void launchEditsRegisteredSpec()
    {
        const QJsonObject custom{{"job", "user_features"},
                                 {"version", "v3"},
                                 {"description", "v2 without the top categories"},
                                 {"params", QJsonObject{{"views_7d", true}, {"top_categories_7d", false}}},
                                 {"validation", QJsonObject{{"max_diff_share", 0.5}}}};
        CannedKappad kappad;
        kappad.answer("GET /api/v1/jobs/user_features/versions/v3/spec", 200,
                      json({{"job", "user_features"},
                            {"version", "v3"},
                            {"state", "caught_up"},
                            {"created_by", "operator"},
                            {"created_ms", 1},
                            {"spec", custom}}));
        kappad.answer("GET /api/v1/jobs/user_features/versions/v5/spec", 404,
                      R"({"code":"NotFound","message":"job version user_features@v5 is not registered"})");
        KappadClient client(kappad.url(), QString());
        JobsSnapshot jobs = snapshot();
        jobs.jobs[2].versions << version("v3", "caught_up") << version("v5", "failed", false);
        LaunchReplayWizard wizard(&client, jobs);
        wizard.restart();
        wizard.setJob(QStringLiteral("user_features"));
        wizard.setField("sourceEdit", true);
        wizard.next();
        wizard.next();
        QCOMPARE(wizard.currentId(), LaunchReplayWizard::id(LaunchReplayWizard::Page::EditSpec));
        QWizardPage *page = wizard.currentPage();
        auto *base = page->findChild<QComboBox *>();
        QVERIFY(base);
        QCOMPARE(base->count(), 2); // the built-in v1 and v2 until kappad answers
        QTRY_COMPARE_WITH_TIMEOUT(base->count(), 3, 5000);
        QCOMPARE(base->itemText(2), QStringLiteral("user_features@v3 (registered)"));
        QTRY_VERIFY_WITH_TIMEOUT(statusText(page).contains("user_features@v5"), 5000);
        QCOMPARE(base->count(), 3);
        QCOMPARE(kappad.count("GET /api/v1/jobs/user_features/versions/v1/spec"), 0);
        QCOMPARE(kappad.count("GET /api/v1/jobs/user_features/versions/v2/spec"), 0);
        QCOMPARE(wizard.editBaseName(), QStringLiteral("user_features@v2")); // still the newest built-in

        // Choosing it fills the fields from the registered spec.
        wizard.setField("editBase", 2);
        QCOMPARE(wizard.editBaseName(), QStringLiteral("user_features@v3"));
        QCOMPARE(wizard.field("editDescription").toString(), QStringLiteral("v2 without the top categories"));
        const QJsonObject params = QJsonDocument::fromJson(wizard.field("editParams").toString().toUtf8())
                                       .object();
        QCOMPARE(params, custom.value("params").toObject());

        // The same rules as for a built-in base.
        wizard.setField("editVersion", "v3");
        QVERIFY(!page->validatePage());
        QVERIFY(statusText(page).contains("registered already"));
        wizard.setField("editVersion", "v4");
        wizard.setField("editParams", R"({"views_7d": false, "top_categories_7d": false})");
        QVERIFY(page->validatePage());
        const QJsonObject spec = QJsonDocument::fromJson(wizard.request().specJson).object();
        QCOMPARE(spec.value("version").toString(), QStringLiteral("v4"));
        QCOMPARE(spec.value("description").toString(), QStringLiteral("v2 without the top categories"));
        QCOMPARE(spec.value("params").toObject().value("views_7d").toBool(), false);
        QCOMPARE(spec.value("validation"), custom.value("validation")); // kept from the base

        // Back and forth keeps the list and the edits, and asks kappad once.
        wizard.back();
        wizard.next();
        QCOMPARE(base->count(), 3);
        QCOMPARE(base->currentIndex(), 2);
        QCOMPARE(wizard.field("editVersion").toString(), QStringLiteral("v4"));
        QCOMPARE(kappad.count("GET /api/v1/jobs/user_features/versions/v3/spec"), 1);
    }

    // ---- Review validation ----

    void reviewWalkthroughRequestsSwitch()
    {
        CannedKappad kappad;
        kappad.answer("GET /api/v1/validations", 200,
                      json({{"validations", QJsonArray{validationJson(false)}}}));
        kappad.answer("POST /api/v1/jobs/user_features/versions/v2/validate", 201,
                      json(validationJson(true,
                                          QJsonArray{diffJson(42, "views_1h"), diffJson(42, "spend_30d")})));
        kappad.answer("GET /api/v1/switches", 200, json({{"switches", QJsonArray{}}}));
        kappad.answer("POST /api/v1/switches", 201, json(switchJson(9, "user_features", "pending")));
        KappadClient client(kappad.url(), QString());
        ReviewValidationWizard wizard(&client, snapshot());
        using Page = ReviewValidationWizard::Page;
        QCOMPARE(ReviewValidationWizard::candidates(snapshot()), QStringList{"user_features@v2"});
        wizard.restart();
        QWizardPage *pick = wizard.currentPage();
        QVERIFY(wizard.field("validateNow").toBool());
        QCOMPARE(wizard.field("candidate").toString(), QStringLiteral("user_features@v2"));
        QVERIFY(pick->isComplete());
        wizard.setField("openStored", true);
        QTRY_VERIFY_WITH_TIMEOUT(pick->isComplete(), 5000); // once the stored validations are listed
        QCOMPARE(wizard.field("storedValidation").toInt(), 0);
        wizard.setField("validateNow", true);

        wizard.next();
        QCOMPARE(wizard.currentId(), ReviewValidationWizard::id(Page::Report));
        QWizardPage *report = wizard.currentPage();
        QTRY_VERIFY_WITH_TIMEOUT(report->isComplete(), 5000);
        QVERIFY(wizard.validation()->passed);
        QCOMPARE(report->nextId(), ReviewValidationWizard::id(Page::Diffs));
        wizard.next();
        QCOMPARE(wizard.diffModel()->rowCount(), 1);
        QCOMPARE(wizard.currentPage()->nextId(), ReviewValidationWizard::id(Page::Decision)); // no aggregates
        wizard.next();
        QCOMPARE(wizard.currentId(), ReviewValidationWizard::id(Page::Decision));
        QWizardPage *decision = wizard.currentPage();
        QTRY_VERIFY_WITH_TIMEOUT(decision->isComplete(), 5000);
        QVERIFY(decision->isCommitPage());
        QVERIFY(wizard.field("decisionRequest").toBool());
        QSignalSpy requested(&wizard, &ReviewValidationWizard::switchRequested);
        wizard.next();
        QTRY_COMPARE_WITH_TIMEOUT(requested.count(), 1, 5000);
        QCOMPARE(requested.at(0).at(0).value<SwitchRequestInfo>().id, 9);
        const QJsonObject sent = QJsonDocument::fromJson(kappad.lastBody("POST /api/v1/switches")).object();
        QCOMPARE(sent.value("job").toString(), QStringLiteral("user_features"));
        QCOMPARE(sent.value("version").toString(), QStringLiteral("v2"));
        QVERIFY(wizard.currentPage()->isComplete());
    }

    void reviewBranches()
    {
        CannedKappad kappad;
        KappadClient client(kappad.url(), QString());
        ReviewValidationWizard wizard(&client, snapshot());
        using Page = ReviewValidationWizard::Page;
        QWizardPage *report = pageOf(wizard, Page::Report);
        QWizardPage *diffs = pageOf(wizard, Page::Diffs);
        ValidationInfo v;
        v.job = QStringLiteral("business_metrics");
        v.candidate = QStringLiteral("v2");
        wizard.setValidation(v);
        QCOMPARE(report->nextId(), ReviewValidationWizard::id(Page::Decision));
        v.aggregates = {ValidationAggregate{"gmv_cents @1764140400000", 100, 101, 0.01, 0.02, true},
                        ValidationAggregate{"orders @1764140400000", 10, 13, 0.3, 0.02, false},
                        ValidationAggregate{"conversion @1764140400000", 0, 1, std::nullopt, 0.02, false}};
        wizard.setValidation(v);
        QCOMPARE(report->nextId(), ReviewValidationWizard::id(Page::Aggregates));
        v.diffs = {ValidationDiff{1, {"window"}, "orders", 1, 2}};
        wizard.setValidation(v);
        QCOMPARE(report->nextId(), ReviewValidationWizard::id(Page::Diffs));
        QCOMPARE(diffs->nextId(), ReviewValidationWizard::id(Page::Aggregates));

        QWizardPage *aggregates = pageOf(wizard, Page::Aggregates);
        aggregates->initializePage();
        AggregateChart *chart = aggregates->findChild<AggregateChart *>();
        QVERIFY(chart);
        QCOMPARE(chart->barCount(), 2); // the one without a delta has no bar
        QCOMPARE(aggregateLabel("gmv_cents @1764140400000"), QStringLiteral("gmv_cents 07:00"));
        QCOMPARE(aggregateLabel("score_psi"), QStringLiteral("score PSI"));
        QCOMPARE(aggregates->nextId(), ReviewValidationWizard::id(Page::Decision));
    }

    void reviewRejectsAPendingRequest()
    {
        CannedKappad kappad;
        kappad.answer("GET /api/v1/switches", 200,
                      json({{"switches", QJsonArray{switchJson(9, "user_features", "pending"),
                                                    switchJson(8, "fraud", "pending")}}}));
        QJsonObject rejected = switchJson(9, "user_features", "rejected");
        rejected["reason"] = "views drift";
        kappad.answer("POST /api/v1/switches/9/reject", 200, json(rejected));
        KappadClient client(kappad.url(), QString());
        ReviewValidationWizard wizard(&client, snapshot());
        using Page = ReviewValidationWizard::Page;
        ValidationInfo v;
        v.job = QStringLiteral("user_features");
        v.candidate = QStringLiteral("v2");
        v.passed = true;
        wizard.setValidation(v);
        QWizardPage *decision = pageOf(wizard, Page::Decision);
        decision->initializePage();
        QVERIFY(!decision->isComplete()); // looking for a pending request
        QTRY_VERIFY_WITH_TIMEOUT(decision->isComplete(), 5000);
        // A request is pending already: it can only be rejected, with a reason.
        QVERIFY(wizard.field("decisionReject").toBool());
        QVERIFY(statusText(decision).isEmpty());
        QVERIFY(!decision->validatePage());
        QVERIFY(statusText(decision).contains("reason"));
        wizard.setField("rejectReason", "views drift");
        QVERIFY(decision->validatePage());
        QSignalSpy rejectedSpy(&wizard, &ReviewValidationWizard::switchRejected);
        QWizardPage *done = pageOf(wizard, Page::Done);
        done->initializePage();
        QTRY_COMPARE_WITH_TIMEOUT(rejectedSpy.count(), 1, 5000);
        QCOMPARE(QJsonDocument::fromJson(kappad.lastBody("POST /api/v1/switches/9/reject"))
                     .object()
                     .value("reason")
                     .toString(),
                 QStringLiteral("views drift"));
        QVERIFY(done->isComplete());
    }

    void reviewRejectWithoutRequestSendsNothing()
    {
        CannedKappad kappad;
        kappad.answer("GET /api/v1/switches", 200, json({{"switches", QJsonArray{}}}));
        KappadClient client(kappad.url(), QString());
        ReviewValidationWizard wizard(&client, snapshot());
        using Page = ReviewValidationWizard::Page;
        ValidationInfo v;
        v.job = QStringLiteral("user_features");
        v.candidate = QStringLiteral("v2");
        v.passed = false; // a failed validation cannot be switched to
        wizard.setValidation(v);
        QWizardPage *decision = pageOf(wizard, Page::Decision);
        decision->initializePage();
        QTRY_VERIFY_WITH_TIMEOUT(decision->isComplete(), 5000);
        QVERIFY(!wizard.field("decisionRequest").toBool());
        QVERIFY(wizard.field("decisionReject").toBool());
        QVERIFY(decision->validatePage()); // no reason needed: nothing is recorded
        QWizardPage *done = pageOf(wizard, Page::Done);
        done->initializePage();
        QVERIFY(done->isComplete());
        QVERIFY(statusText(done).contains("Nothing was sent"));
        QCOMPARE(kappad.requests().size(), 1); // only the list of switches
    }

    // ---- Approve switch ----

    void fourEyes()
    {
        SwitchRequestInfo r;
        r.requestedBy = QStringLiteral("alice");
        r.toVersion = QStringLiteral("v2");
        QVERIFY(ApproveSwitchWizard::fourEyesProblem({"bob", "approver"}, r, "carol").isEmpty());
        QVERIFY(ApproveSwitchWizard::fourEyesProblem({"bob", "admin"}, r, QString()).isEmpty());
        QVERIFY(ApproveSwitchWizard::fourEyesProblem({"alice", "approver"}, r, "carol").contains("requested"));
        QVERIFY(ApproveSwitchWizard::fourEyesProblem({"carol", "approver"}, r, "carol").contains("launched"));
        QVERIFY(ApproveSwitchWizard::fourEyesProblem({"bob", "operator"}, r, "carol").contains("role"));
    }

    void approveWalkthrough()
    {
        CannedKappad kappad;
        kappad.answer("GET /api/v1/switches", 200,
                      json({{"switches", QJsonArray{switchJson(5, "user_features", "pending"),
                                                    switchJson(4, "fraud", "rejected")}}}));
        kappad.answer("GET /api/v1/whoami", 200, R"({"name":"approver","role":"approver"})");
        kappad.answer("GET /api/v1/validations/4", 200, json(validationJson(true)));
        kappad.answer("GET /api/v1/replays", 200,
                      json({{"replays",
                             QJsonArray{replayJson(3, "user_features", "v2", "replay", "caught_up")}}}));
        KappadClient client(kappad.url(), QString());
        ApproveSwitchWizard wizard(&client, snapshot());
        using Page = ApproveSwitchWizard::Page;
        wizard.restart();
        QCOMPARE(wizard.windowTitle(), QStringLiteral("Approve switch"));
        QWizardPage *pick = wizard.currentPage();
        QVERIFY(!pick->isComplete());
        QTRY_COMPARE_WITH_TIMEOUT(wizard.field("switchRequest").toLongLong(), 5, 5000); // the only pending one
        QVERIFY(pick->isComplete());
        wizard.next();
        QCOMPARE(wizard.currentId(), ApproveSwitchWizard::id(Page::Review));
        QWizardPage *review = wizard.currentPage();
        QTRY_VERIFY_WITH_TIMEOUT(review->isComplete(), 5000);
        QVERIFY(statusText(review).contains("may approve"));
        wizard.next();
        QWizardPage *confirm = wizard.currentPage();
        QVERIFY(confirm->isCommitPage());
        QVERIFY(!confirm->isComplete());
        wizard.setField("approveTypedJob", "User_features");
        QVERIFY(confirm->isComplete());
        QVERIFY(!confirm->validatePage());
        QVERIFY(statusText(confirm).contains("exactly"));
        wizard.setField("approveTypedJob", "user_features");
        QVERIFY(confirm->validatePage());

        QJsonObject switched = switchJson(5, "user_features", "switched");
        kappad.answer("POST /api/v1/switches/5/approve", 200, json(switched));
        kappad.answer("GET /api/v1/jobs", 200,
                      R"({"jobs":[{"job":"user_features","live_version":"v2","versions":[]}]})");
        QSignalSpy done(&wizard, &ApproveSwitchWizard::switched);
        wizard.next();
        QCOMPARE(wizard.currentId(), ApproveSwitchWizard::id(Page::Result));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 5000);
        QVERIFY(wizard.currentPage()->isComplete());
        QVERIFY(statusText(wizard.currentPage()).contains("now serves from v2"));
    }

    void approveRefusedForTheRequester()
    {
        CannedKappad kappad;
        kappad.answer("GET /api/v1/switches", 200,
                      json({{"switches", QJsonArray{switchJson(5, "user_features", "pending", "approver")}}}));
        kappad.answer("GET /api/v1/whoami", 200, R"({"name":"approver","role":"approver"})");
        kappad.answer("GET /api/v1/validations/4", 200, json(validationJson(true)));
        kappad.answer("GET /api/v1/replays", 200, json({{"replays", QJsonArray{}}}));
        KappadClient client(kappad.url(), QString());
        ApproveSwitchWizard wizard(&client, snapshot());
        wizard.restart();
        QTRY_COMPARE_WITH_TIMEOUT(wizard.field("switchRequest").toLongLong(), 5, 5000);
        wizard.next();
        QWizardPage *review = wizard.currentPage();
        QTRY_VERIFY_WITH_TIMEOUT(statusText(review).contains("four-eyes"), 5000);
        QVERIFY(!review->isComplete());
        QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
    }

    void approveRefusedByKappad()
    {
        CannedKappad kappad;
        kappad.answer("GET /api/v1/switches", 200,
                      json({{"switches", QJsonArray{switchJson(5, "user_features", "pending")}}}));
        kappad.answer(
            "POST /api/v1/switches/5/approve", 409,
            R"({"code":"FailedPrecondition","message":"switch request 5 is void: the candidate changed"})");
        KappadClient client(kappad.url(), QString());
        ApproveSwitchWizard wizard(&client, snapshot());
        wizard.restart();
        QTRY_COMPARE_WITH_TIMEOUT(wizard.field("switchRequest").toLongLong(), 5, 5000);
        QWizardPage *result = pageOf(wizard, ApproveSwitchWizard::Page::Result);
        result->initializePage();
        QVERIFY(!result->isComplete());
        QTRY_VERIFY_WITH_TIMEOUT(result->isComplete(), 5000);
        QVERIFY(statusText(result).contains("did not switch"));
        QVERIFY(statusText(result).contains("the candidate changed"));
    }

    // ---- Roll back ----

    void rollbackWalkthrough()
    {
        CannedKappad kappad;
        kappad.answer("GET /api/v1/switches", 200,
                      json({{"switches", QJsonArray{switchJson(6, "fraud", "pending"),
                                                    switchJson(5, "user_features", "switched")}}}));
        kappad.answer(
            "POST /api/v1/jobs/user_features/rollback", 409,
            R"({"code":"FailedPrecondition","message":"the rollback window of user_features is over"})");
        kappad.answer("GET /api/v1/whoami", 200, R"({"name":"approver","role":"approver"})");
        KappadClient client(kappad.url(), QString());
        RollbackWizard wizard(&client, snapshot());
        using Page = RollbackWizard::Page;
        wizard.restart();
        QCOMPARE(wizard.windowTitle(), QStringLiteral("Roll back"));
        QTRY_COMPARE_WITH_TIMEOUT(wizard.field("rollbackJob").toString(), QStringLiteral("user_features"),
                                  5000);
        QCOMPARE(wizard.lastSwitch()->id, 5);
        wizard.next();
        QWizardPage *confirm = wizard.currentPage();
        QCOMPARE(wizard.currentId(), RollbackWizard::id(Page::Confirm));
        wizard.setField("rollbackTypedJob", "fraud");
        QVERIFY(!confirm->validatePage());
        wizard.setField("rollbackTypedJob", "user_features");
        wizard.setField("rollbackReason", "drill");
        QVERIFY(confirm->validatePage());
        wizard.next();
        QWizardPage *result = wizard.currentPage();
        QTRY_VERIFY_WITH_TIMEOUT(result->isComplete(), 5000);
        QVERIFY(statusText(result).contains("refused the rollback"));
        QVERIFY(statusText(result).contains("window of user_features is over"));
        QCOMPARE(QJsonDocument::fromJson(kappad.lastBody("POST /api/v1/jobs/user_features/rollback"))
                     .object()
                     .value("reason")
                     .toString(),
                 QStringLiteral("drill"));

        kappad.answer("POST /api/v1/jobs/user_features/rollback", 200,
                      R"({"job":"user_features","live_version":"v1"})");
        QSignalSpy rolled(&wizard, &RollbackWizard::rolledBack);
        result->initializePage();
        QTRY_COMPARE_WITH_TIMEOUT(rolled.count(), 1, 5000);
        QCOMPARE(rolled.at(0).at(0).value<RollbackResult>().liveVersion, QStringLiteral("v1"));
        QVERIFY(statusText(result).contains("serves from v1 again"));
    }

    void rollbackNeedsAnApprover()
    {
        CannedKappad kappad;
        kappad.answer("GET /api/v1/switches", 200,
                      json({{"switches", QJsonArray{switchJson(5, "user_features", "switched")}}}));
        kappad.answer("GET /api/v1/whoami", 200, R"({"name":"ops","role":"operator"})");
        KappadClient client(kappad.url(), QString());
        RollbackWizard wizard(&client, snapshot());
        wizard.restart();
        // The identity and the switches answer in either order (ASan makes the difference visible).
        QTRY_COMPARE_WITH_TIMEOUT(wizard.field("rollbackJob").toString(), QStringLiteral("user_features"),
                                  5000);
        QTRY_VERIFY_WITH_TIMEOUT(statusText(wizard.currentPage()).contains("needs an approver"), 5000);
        QVERIFY(!wizard.currentPage()->isComplete());
    }

    // ---- Rebuild ----

    void rebuildWalkthrough()
    {
        CannedKappad kappad;
        kappad.answer("POST /api/v1/jobs/business_metrics/versions/v1/rebuild", 201,
                      json(replayJson(21, "business_metrics", "v1", "rebuild", "running", 10)));
        kappad.answer("GET /api/v1/replays", 200,
                      json({{"replays", QJsonArray{replayJson(21, "business_metrics", "v1", "rebuild",
                                                              "running", 60)}}}));
        KappadClient client(kappad.url(), QString());
        RebuildWizard wizard(&client, snapshot());
        wizard.setPollInterval(100);
        using Page = RebuildWizard::Page;
        wizard.restart();
        QWizardPage *versionPage = wizard.currentPage();
        wizard.setVersion(QStringLiteral("fraud"), QStringLiteral("v0"));
        QCOMPARE(wizard.field("rebuildVersion").toString(), QStringLiteral("fraud@v0"));
        QVERIFY(!versionPage->validatePage()); // retired
        QVERIFY(statusText(versionPage).contains("new version"));
        wizard.setVersion(QStringLiteral("business_metrics"), QStringLiteral("v2"));
        QVERIFY(!versionPage->validatePage()); // still replaying
        wizard.setVersion(QStringLiteral("business_metrics"), QStringLiteral("v1"));
        QVERIFY(versionPage->validatePage());
        wizard.next();

        QWizardPage *throttle = wizard.currentPage();
        QCOMPARE(wizard.currentId(), RebuildWizard::id(Page::Throttle));
        QVERIFY(wizard.field("serveFrom").toString().isEmpty());
        auto *serveFrom = throttle->findChild<QComboBox *>();
        QVERIFY(serveFrom);
        QCOMPARE(serveFrom->count(), 2); // none, or the other running version v2
        serveFrom->setCurrentIndex(1);
        wizard.setField("rebuildMaxRate", 40000.0);
        const RebuildRequest request = wizard.request();
        QCOMPARE(request.job, QStringLiteral("business_metrics"));
        QCOMPARE(request.version, QStringLiteral("v1"));
        QCOMPARE(request.serveFrom, QStringLiteral("v2"));
        QCOMPARE(request.rate.maxRate.value_or(0), 40000.0);
        wizard.setField("rebuildMinRate", 50000.0);
        QVERIFY(!throttle->validatePage());
        wizard.setField("rebuildMinRate", 1000.0);
        wizard.next();
        QVERIFY(wizard.currentPage()->isCommitPage());

        QSignalSpy started(&wizard, &RebuildWizard::rebuildStarted);
        QSignalSpy rebuilt(&wizard, &RebuildWizard::rebuilt);
        wizard.next();
        QWizardPage *progress = wizard.currentPage();
        QCOMPARE(wizard.currentId(), RebuildWizard::id(Page::Progress));
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 5000);
        const QJsonObject sent = QJsonDocument::fromJson(
                                     kappad.lastBody(
                                         "POST /api/v1/jobs/business_metrics/versions/v1/rebuild"))
                                     .object();
        QCOMPARE(sent.value("serve_from").toString(), QStringLiteral("v2"));
        QTRY_VERIFY_WITH_TIMEOUT(kappad.count("GET /api/v1/replays") >= 2, 5000);
        QVERIFY(!progress->isComplete()); // still running
        kappad.answer("GET /api/v1/replays", 200,
                      json({{"replays", QJsonArray{replayJson(21, "business_metrics", "v1", "rebuild",
                                                              "finished", 100)}}}));
        QTRY_VERIFY_WITH_TIMEOUT(progress->isComplete(), 5000);
        QCOMPARE(rebuilt.count(), 1);
        QCOMPARE(progress->nextId(), RebuildWizard::id(Page::Result));
        wizard.next();
        QStringList texts;
        for (QLabel *label : wizard.currentPage()->findChildren<QLabel *>())
            texts << label->text();
        QVERIFY2(texts.join(' ').contains("serves its reads again"), qPrintable(texts.join(' ')));
    }
};

QTEST_MAIN(TestWizards)
#include "test_wizards.moc"
