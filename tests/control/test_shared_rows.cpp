// The catalog rows a cluster shares: exported by one catalog, applied to
// another, which then holds the same rows and a verifying audit chain.
#include "kappa/catalog.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <sqlite3.h>

#include <algorithm>
#include <set>
#include <sstream>

using namespace kappa;

namespace {

JobVersionInfo version(const std::string &job, const std::string &name, VersionState state)
{
    JobVersionInfo info;
    info.job = job;
    info.version = name;
    info.specJson = R"({"job":")" + job + R"(","version":")" + name + R"(","params":{}})";
    info.state = state;
    info.createdBy = "alice";
    return info;
}

std::unique_ptr<Catalog> openCatalog(const QTemporaryDir &dir)
{
    auto catalog = Catalog::open(tempPath(dir, "catalog.db"));
    return catalog.isOk() ? std::move(catalog).value() : nullptr;
}

// A catalog's life so far: versions, an alias switched after a validation
// and a switch request, and a replay that was changed. Returns the replay's id.
std::int64_t populate(Catalog &catalog)
{
    bool ok = catalog.addJobVersion(version("fraud", "v1", VersionState::Live)).isOk()
              && catalog.setAlias("fraud", "v1", "kappad").isOk()
              && catalog.addJobVersion(version("fraud", "v2", VersionState::Replaying)).isOk();
    ReplayRecord replay;
    replay.job = "fraud";
    replay.version = "v2";
    replay.from = "90d";
    replay.startOffsets = {0, 12, 7};
    replay.rateMultiple = 4.5;
    replay.createdBy = "alice";
    const std::int64_t replayId = catalog.addReplay(replay).value();
    replay = catalog.replay(replayId).value();
    replay.paused = true;
    replay.reason = "night";
    ok = ok && catalog.updateReplay(replay, "bob", "replay.pause", "paused").isOk()
         && catalog.setVersionState("fraud", "v2", VersionState::CaughtUp, "kappad").isOk();
    ValidationRecord validation;
    validation.job = "fraud";
    validation.candidate = "v2";
    validation.baseline = "v1";
    validation.passed = true;
    validation.reportJson = R"({"mismatches":0})";
    validation.createdBy = "carol";
    const std::int64_t validationId = catalog.addValidation(validation).value();
    SwitchRequest request;
    request.job = "fraud";
    request.fromVersion = "v1";
    request.toVersion = "v2";
    request.validationId = validationId;
    request.candidateFingerprint = "abc";
    request.requestedBy = "carol";
    const std::int64_t requestId = catalog.addSwitchRequest(request).value();
    ok = ok && catalog.switchAlias("fraud", "v2", requestId, "dave", "alias.switch", "approved").isOk();
    return ok ? replayId : 0;
}

// Everything the catalog's API shows of the shared tables, as text to compare.
std::string describe(const Catalog &catalog)
{
    std::ostringstream out;
    std::set<std::string> jobs;
    const std::vector<JobVersionInfo> versions = catalog.jobVersions().value();
    for (const JobVersionInfo &v : versions) {
        jobs.insert(v.job);
        out << "version " << v.job << '@' << v.version << ' ' << versionStateName(v.state) << ' '
            << v.specJson << ' ' << v.createdAt.value() << ' ' << v.createdBy << ' '
            << v.stateChangedAt.value() << '\n';
    }
    for (const std::string &job : jobs) {
        out << "alias " << job << ' ' << catalog.alias(job).value().value_or("-") << '\n';
        const std::vector<AliasChange> history = catalog.aliasHistory(job).value();
        for (const AliasChange &c : history)
            out << "alias change " << c.job << ' ' << c.fromVersion.value_or("-") << ' ' << c.toVersion << ' '
                << c.at.value() << ' ' << c.actor << '\n';
    }
    const std::vector<ReplayRecord> replays = catalog.replays().value();
    for (const ReplayRecord &r : replays) {
        out << "replay " << r.id << ' ' << r.job << '@' << r.version << ' ' << r.kind << ' ' << r.from
            << " [";
        for (std::int64_t offset : r.startOffsets)
            out << offset << ' ';
        out << "] " << r.rateMultiple << ' ' << r.maxRate << ' ' << r.minRate << ' ' << r.paused << ' '
            << r.serveFrom << ' ' << r.state << ' ' << r.reason << ' ' << r.createdAt.value() << ' '
            << r.createdBy << ' ' << r.updatedAt.value() << '\n';
    }
    const std::vector<ValidationRecord> validations = catalog.validations({}, true).value();
    for (const ValidationRecord &v : validations)
        out << "validation " << v.id << ' ' << v.job << ' ' << v.candidate << ' ' << v.baseline << ' '
            << v.passed << ' ' << v.reportJson << ' ' << v.createdAt.value() << ' ' << v.createdBy << '\n';
    const std::vector<SwitchRequest> requests = catalog.switchRequests({}).value();
    for (const SwitchRequest &s : requests)
        out << "switch " << s.id << ' ' << s.job << ' ' << s.fromVersion << ' ' << s.toVersion << ' '
            << s.validationId << ' ' << s.overrideReason << ' ' << s.candidateFingerprint << ' '
            << s.requestedBy << ' ' << s.requestedAt.value() << ' ' << s.expiresAt.value() << ' ' << s.state
            << ' ' << s.decidedBy << ' ' << s.decidedAt.value() << ' ' << s.reason << '\n';
    const std::vector<AuditEntry> entries = catalog.audit(0, 100000).value();
    for (const AuditEntry &e : entries)
        out << "audit " << e.seq << ' ' << e.at.value() << ' ' << e.actor << ' ' << e.action << ' '
            << e.subject << ' ' << e.detail << ' ' << e.prevHash << ' ' << e.hash << '\n';
    return out.str();
}

const CatalogRow *findRow(const std::vector<CatalogRow> &rows, const std::string &key)
{
    const auto found = std::find_if(rows.begin(), rows.end(),
                                    [&](const CatalogRow &row) { return row.key == key; });
    return found == rows.end() ? nullptr : &*found;
}

// The rows of `after` that `before` lacks or holds with another value.
std::vector<CatalogRow> changedRows(const std::vector<CatalogRow> &before,
                                    const std::vector<CatalogRow> &after)
{
    std::vector<CatalogRow> changed;
    for (const CatalogRow &row : after) {
        const CatalogRow *old = findRow(before, row.key);
        if (!old || old->value != row.value)
            changed.push_back(row);
    }
    return changed;
}

// Runs one query on the catalog file directly and returns the first column of the first row.
std::string queryText(const std::string &path, const char *sql)
{
    sqlite3 *db = nullptr;
    std::string result;
    if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
            const auto *text = sqlite3_column_text(stmt, 0);
            result = text ? reinterpret_cast<const char *>(text) : "";
        }
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return result;
}

void expectVerifies(const Catalog &catalog, std::int64_t entries)
{
    const AuditVerification verification = catalog.verifyAudit().value();
    QVERIFY2(!verification.firstBadSeq, verification.problem.c_str());
    QCOMPARE(verification.entries, entries);
}

} // namespace

class TestSharedRows : public QObject
{
    Q_OBJECT

private slots:
    void anotherCatalogGetsEveryRow()
    {
        QTemporaryDir dirA;
        QTemporaryDir dirB;
        auto a = openCatalog(dirA);
        auto b = openCatalog(dirB);
        QVERIFY(a && b);
        const std::int64_t replayId = populate(*a);
        QVERIFY(replayId > 0);
        KAPPA_VERIFY_OK(
            a->schemas()
                .registerSchema("r", R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})")
                .status());
        KAPPA_ASSIGN_OR_FAIL(const std::vector<CatalogRow> rows, a->sharedRows());

        KAPPA_VERIFY_OK(b->applySharedRows(rows));
        QCOMPARE(describe(*b), describe(*a));
        KAPPA_ASSIGN_OR_FAIL(const std::vector<CatalogRow> copied, b->sharedRows());
        QVERIFY(copied == rows);
        expectVerifies(*b, static_cast<std::int64_t>(a->audit(0, 1000).value().size()));
        // The schema registry is never shared.
        QVERIFY(b->schemas().subjects().empty());
        for (const CatalogRow &row : rows)
            QVERIFY2(row.key.rfind("schema", 0) != 0, row.key.c_str());
    }

    void keysAndValuesKeepTheirTypes()
    {
        QTemporaryDir dir;
        auto a = openCatalog(dir);
        QVERIFY(a);
        const std::int64_t replayId = populate(*a);
        QVERIFY(replayId > 0);
        KAPPA_ASSIGN_OR_FAIL(const std::vector<CatalogRow> rows, a->sharedRows());
        // Referenced tables first, each table in key order.
        QVERIFY(rows.front().key.rfind("job_versions/", 0) == 0);
        QCOMPARE(rows[0].key, std::string(R"(job_versions/["fraud","v1"])"));
        QCOMPARE(rows[1].key, std::string(R"(job_versions/["fraud","v2"])"));
        QCOMPARE(rows.back().key, "audit_log/" + std::to_string(a->audit(0, 1000).value().size()));
        const auto position = [&](const std::string &key) {
            return std::find_if(rows.begin(), rows.end(),
                                [&](const CatalogRow &row) { return row.key == key; })
                   - rows.begin();
        };
        QVERIFY(position("aliases/fraud") < position("replays/1"));
        QVERIFY(findRow(rows, "audit_log/10"));
        QVERIFY(position("audit_log/9") < position("audit_log/10"));

        const CatalogRow *replay = findRow(rows, "replays/" + std::to_string(replayId));
        QVERIFY(replay);
        QVERIFY2(replay->value.find(R"("rate_multiple":4.5,"max_rate":0.0,)") != std::string::npos,
                 replay->value.c_str());
        QVERIFY2(replay->value.find(R"("paused":1,)") != std::string::npos, replay->value.c_str());
        QVERIFY2(replay->value.find(R"("start_offsets":"0,12,7",)") != std::string::npos,
                 replay->value.c_str());
        const CatalogRow *firstAlias = findRow(rows, "alias_history/1");
        QVERIFY(firstAlias);
        QVERIFY2(firstAlias->value.find(R"("from_version":null,)") != std::string::npos,
                 firstAlias->value.c_str());
        QVERIFY(findRow(rows, "aliases/fraud"));
    }

    void applyingTheSameRowsAgainChangesNothing()
    {
        QTemporaryDir dirA;
        QTemporaryDir dirB;
        auto a = openCatalog(dirA);
        auto b = openCatalog(dirB);
        QVERIFY(a && b && populate(*a) > 0);
        const std::vector<CatalogRow> rows = a->sharedRows().value();
        KAPPA_VERIFY_OK(b->applySharedRows(rows));
        const std::string once = describe(*b);
        KAPPA_VERIFY_OK(b->applySharedRows(rows));
        KAPPA_VERIFY_OK(b->applySharedRows({}));
        QCOMPARE(describe(*b), once);
        QVERIFY(b->sharedRows().value() == rows);
        expectVerifies(*b, static_cast<std::int64_t>(a->audit(0, 1000).value().size()));
    }

    void laterChangesApplyAlone()
    {
        QTemporaryDir dirA;
        QTemporaryDir dirB;
        auto a = openCatalog(dirA);
        auto b = openCatalog(dirB);
        QVERIFY(a && b);
        const std::int64_t replayId = populate(*a);
        QVERIFY(replayId > 0);
        const std::vector<CatalogRow> before = a->sharedRows().value();
        KAPPA_VERIFY_OK(b->applySharedRows(before));

        ReplayRecord replay = a->replay(replayId).value();
        replay.state = "finished";
        replay.reason = "done";
        KAPPA_VERIFY_OK(a->updateReplay(replay, "kappad", "replay.finish", "finished"));
        const std::vector<CatalogRow> after = a->sharedRows().value();
        const std::vector<CatalogRow> changed = changedRows(before, after);
        // The replay and one new audit entry; nothing else.
        QCOMPARE(changed.size(), std::size_t{2});
        KAPPA_VERIFY_OK(b->applySharedRows(changed));
        QCOMPARE(b->replay(replayId).value().state, std::string("finished"));
        QCOMPARE(describe(*b), describe(*a));
        expectVerifies(*b, static_cast<std::int64_t>(a->audit(0, 1000).value().size()));

        // A changed job version is updated in place: it keeps its rowid, by
        // which listings order versions created in the same millisecond.
        const std::string pathB = tempPath(dirB, "catalog.db");
        const char *rowidOfV1 = "SELECT rowid FROM job_versions WHERE job = 'fraud' AND version = 'v1'";
        const std::string rowid = queryText(pathB, rowidOfV1);
        QVERIFY(!rowid.empty());
        const std::vector<CatalogRow> beforeRetire = a->sharedRows().value();
        KAPPA_VERIFY_OK(a->setVersionState("fraud", "v1", VersionState::Retired, "kappad", "replaced"));
        const std::vector<CatalogRow> retired = changedRows(beforeRetire, a->sharedRows().value());
        QVERIFY(findRow(retired, R"(job_versions/["fraud","v1"])"));
        KAPPA_VERIFY_OK(b->applySharedRows(retired));
        QCOMPARE(b->jobVersion("fraud", "v1").value().state, VersionState::Retired);
        QCOMPARE(queryText(pathB, rowidOfV1), rowid);
        QCOMPARE(describe(*b), describe(*a));
        QVERIFY(b->sharedRows().value() == a->sharedRows().value());
    }

    void localIdsContinueAboveAppliedIds()
    {
        QTemporaryDir dirA;
        QTemporaryDir dirB;
        auto a = openCatalog(dirA);
        auto b = openCatalog(dirB);
        QVERIFY(a && b && populate(*a) > 0);
        ReplayRecord replay = a->replay(1).value();
        for (int i = 0; i < 3; ++i)
            QVERIFY(a->addReplay(replay).isOk()); // ids 2, 3, 4
        KAPPA_VERIFY_OK(b->applySharedRows(a->sharedRows().value()));
        const std::int64_t entries = static_cast<std::int64_t>(a->audit(0, 1000).value().size());
        // Inserts with explicit ids keep AUTOINCREMENT's high-water mark.
        QCOMPARE(queryText(tempPath(dirB, "catalog.db"),
                           "SELECT seq FROM sqlite_sequence WHERE name = 'replays'"),
                 std::string("4"));

        KAPPA_ASSIGN_OR_FAIL(const std::int64_t replayId, b->addReplay(replay));
        QCOMPARE(replayId, std::int64_t{5});
        ValidationRecord validation = b->validation(1).value();
        KAPPA_ASSIGN_OR_FAIL(const std::int64_t validationId, b->addValidation(validation));
        QCOMPARE(validationId, std::int64_t{2});
        KAPPA_VERIFY_OK(b->setVersionState("fraud", "v1", VersionState::Retired, "kappad"));
        // Local entries extend the applied chain.
        expectVerifies(*b, entries + 3);
    }

    void sharedAuditEntriesReplaceLocalOnes()
    {
        QTemporaryDir dirA;
        QTemporaryDir dirB;
        auto a = openCatalog(dirA);
        auto b = openCatalog(dirB);
        QVERIFY(a && b && populate(*a) > 0);
        // B wrote entries 1 and 2 of its own before joining the cluster.
        KAPPA_VERIFY_OK(b->appendAudit("local", "test.entry", "b", "one"));
        KAPPA_VERIFY_OK(b->appendAudit("local", "test.entry", "b", "two"));
        KAPPA_VERIFY_OK(b->applySharedRows(a->sharedRows().value()));
        QCOMPARE(describe(*b), describe(*a));
        expectVerifies(*b, static_cast<std::int64_t>(a->audit(0, 1000).value().size()));
        // Still append-only for everything else.
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(tempPath(dirB, "catalog.db").c_str(), &db), SQLITE_OK);
        QVERIFY(sqlite3_exec(db, "DELETE FROM audit_log WHERE seq = 1", nullptr, nullptr, nullptr)
                != SQLITE_OK);
        QVERIFY(sqlite3_exec(db, "UPDATE audit_log SET actor = 'x'", nullptr, nullptr, nullptr) != SQLITE_OK);
        sqlite3_close(db);
    }

    void rowsTheClusterNeverGotAreDropped()
    {
        QTemporaryDir dirA;
        QTemporaryDir dirB;
        auto a = openCatalog(dirA);
        auto b = openCatalog(dirB);
        QVERIFY(a && b && populate(*a) > 0);
        KAPPA_VERIFY_OK(b->applySharedRows(a->sharedRows().value()));
        // B led for a moment and could not share what it did then.
        KAPPA_VERIFY_OK(b->addJobVersion(version("fraud", "v9", VersionState::Replaying)));
        KAPPA_VERIFY_OK(b->appendAudit("local", "test.entry", "b", "unshared"));
        std::vector<std::string> unshared;
        const std::vector<CatalogRow> shared = a->sharedRows().value();
        const std::vector<CatalogRow> local = b->sharedRows().value();
        for (const CatalogRow &row : local)
            if (std::none_of(shared.begin(), shared.end(),
                             [&](const CatalogRow &s) { return s.key == row.key; }))
                unshared.push_back(row.key);
        QVERIFY(unshared.size() >= 4);      // the version, its transition, their audit entries
        unshared.push_back("replays/9999"); // unknown keys are ignored
        const Result<std::size_t> dropped = b->dropSharedRows(unshared);
        KAPPA_VERIFY_OK(dropped.status());
        QCOMPARE(*dropped, unshared.size() - 1);
        QVERIFY(b->sharedRows().value() == shared);
        expectVerifies(*b, static_cast<std::int64_t>(a->audit(0, 1000).value().size()));
        // The audit log's guard is back.
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(tempPath(dirB, "catalog.db").c_str(), &db), SQLITE_OK);
        QVERIFY(sqlite3_exec(db, "DELETE FROM audit_log WHERE seq = 1", nullptr, nullptr, nullptr)
                != SQLITE_OK);
        sqlite3_close(db);
        // B goes on with the ids the cluster continues with.
        KAPPA_VERIFY_OK(b->appendAudit("local", "test.entry", "b", "after"));
        expectVerifies(*b, static_cast<std::int64_t>(a->audit(0, 1000).value().size()) + 1);
    }

    void rowsApplyInAnyOrder()
    {
        QTemporaryDir dirA;
        QTemporaryDir dirB;
        auto a = openCatalog(dirA);
        auto b = openCatalog(dirB);
        QVERIFY(a && b && populate(*a) > 0);
        std::vector<CatalogRow> rows = a->sharedRows().value();
        std::reverse(rows.begin(), rows.end()); // children before the job versions they refer to
        KAPPA_VERIFY_OK(b->applySharedRows(rows));
        // The same rows (not describe(): job versions created in the same
        // millisecond are listed by rowid, which follows the order of arrival).
        QVERIFY(b->sharedRows().value() == a->sharedRows().value());
        expectVerifies(*b, static_cast<std::int64_t>(a->audit(0, 1000).value().size()));
    }

    void refusesRowsWithoutTheirParent()
    {
        QTemporaryDir dirA;
        QTemporaryDir dirB;
        auto a = openCatalog(dirA);
        auto b = openCatalog(dirB);
        QVERIFY(a && b && populate(*a) > 0);
        std::vector<CatalogRow> rows;
        const std::vector<CatalogRow> all = a->sharedRows().value();
        for (const CatalogRow &row : all) {
            if (row.key.rfind("job_versions/", 0) != 0)
                rows.push_back(row);
        }
        const Status refused = b->applySharedRows(rows);
        QCOMPARE(refused.code(), StatusCode::FailedPrecondition);
        QVERIFY2(refused.message().find("job_versions") != std::string::npos, refused.message().c_str());
        QVERIFY(b->sharedRows().value().empty());
    }

    // INSERT OR REPLACE deletes the row it replaces for a moment: an ON DELETE
    // action on a foreign key to it would take the rows referring to it along.
    void sharedForeignKeysHaveNoDeleteAction()
    {
        QTemporaryDir dir;
        QVERIFY(openCatalog(dir));
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(tempPath(dir, "catalog.db").c_str(), &db), SQLITE_OK);
        sqlite3_stmt *stmt = nullptr;
        QCOMPARE(sqlite3_prepare_v2(db,
                                    "SELECT m.name, f.on_delete, f.on_update FROM sqlite_schema m, "
                                    "pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
                                    -1, &stmt, nullptr),
                 SQLITE_OK);
        int keys = 0;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            ++keys;
            const std::string table = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0));
            const std::string onDelete = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 1));
            const std::string onUpdate = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 2));
            QVERIFY2(onDelete == "NO ACTION" && onUpdate == "NO ACTION", table.c_str());
        }
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        QVERIFY(keys >= 3);
    }

    void refusesMalformedRows_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("problem");
        const QString v1 = R"({"job":"fraud","version":"v1","spec_json":"{}","state":"live","created_ms":1,)"
                           R"("created_by":"alice"})";
        const QString v1Key = R"(job_versions/["fraud","v1"])";
        QTest::newRow("unknown table") << "ghosts/1"
                                       << R"({"id":1})"
                                       << "not shared";
        QTest::newRow("registry table") << "schemas/1"
                                        << R"({"id":1})"
                                        << "not shared";
        QTest::newRow("migrations") << "schema_migrations/1"
                                    << R"({"version":1})"
                                    << "not shared";
        QTest::newRow("no table") << "job_versions" << v1 << "not <table>/<primary key>";
        QTest::newRow("bad JSON") << v1Key << R"({"job":"fraud",)"
                                  << "not JSON";
        QTest::newRow("not an object") << v1Key << R"(["fraud","v1"])"
                                       << "not a JSON object";
        QTest::newRow("other key") << R"(job_versions/["fraud","v2"])" << v1 << "primary key is";
        QTest::newRow("uncanonical key") << "job_versions/fraud/v1" << v1 << "primary key is";
        QTest::newRow("other id") << "replays/7"
                                  << R"({"id":8,"job":"fraud","version":"v1"})"
                                  << "primary key is";
        QTest::newRow("unknown column")
            << v1Key << QString(v1).replace(R"({"job")", R"({"colour":"red","job")") << "no column colour";
        QTest::newRow("text for integer")
            << v1Key << QString(v1).replace(R"("created_ms":1)", R"("created_ms":"1")")
            << "column created_ms cannot hold text";
        QTest::newRow("real for integer")
            << v1Key << QString(v1).replace(R"("created_ms":1)", R"("created_ms":1.5)")
            << "column created_ms cannot hold a real";
        QTest::newRow("boolean") << v1Key << QString(v1).replace(R"("created_ms":1)", R"("created_ms":true)")
                                 << "cannot hold anything but";
        QTest::newRow("object") << v1Key << QString(v1).replace(R"("spec_json":"{}")", R"("spec_json":{})")
                                << "cannot hold anything but";
        QTest::newRow("null for not null")
            << v1Key << QString(v1).replace(R"("state":"live")", R"("state":null)")
            << "column state cannot hold null";
        QTest::newRow("missing column")
            << v1Key << QString(v1).replace(R"(,"created_by":"alice")", "") << "lacks column created_by";
        QTest::newRow("missing key column") << "aliases/fraud"
                                            << R"({"version":"v1","updated_ms":1})"
                                            << "lacks key column job";
        QTest::newRow("null key column") << "replays/1"
                                         << R"({"id":null})"
                                         << "lacks key column id";
    }

    void refusesMalformedRows()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, problem);
        QTemporaryDir dirA;
        QTemporaryDir dirB;
        auto a = openCatalog(dirA);
        auto b = openCatalog(dirB);
        QVERIFY(a && b && populate(*a) > 0);
        const std::vector<CatalogRow> rows = a->sharedRows().value();
        KAPPA_VERIFY_OK(b->applySharedRows(rows));
        const std::string before = describe(*b);

        // A valid change first: it must not be applied either.
        const CatalogRow valid{R"(job_versions/["fraud","v3"])",
                               R"({"job":"fraud","version":"v3","spec_json":"{}","state":"replaying",)"
                               R"("created_ms":1,"created_by":"alice"})"};
        const CatalogRow bad{key.toStdString(), value.toStdString()};
        const std::vector<CatalogRow> batch{valid, bad};
        const Status refused = b->applySharedRows(batch);
        QCOMPARE(refused.code(), StatusCode::InvalidArgument);
        QVERIFY2(refused.message().find("shared row " + bad.key + ":") != std::string::npos,
                 refused.message().c_str());
        QVERIFY2(refused.message().find(problem.toStdString()) != std::string::npos,
                 refused.message().c_str());
        QCOMPARE(describe(*b), before);
        QVERIFY(b->sharedRows().value() == rows);
        // The valid row alone applies.
        KAPPA_VERIFY_OK(b->applySharedRows(std::span(&valid, 1)));
        QCOMPARE(b->jobVersion("fraud", "v3").value().state, VersionState::Replaying);
    }
};

QTEST_APPLESS_MAIN(TestSharedRows)
#include "test_shared_rows.moc"
