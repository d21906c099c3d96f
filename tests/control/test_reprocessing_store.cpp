// Replays, switch requests and the hash-chained audit log in the catalog.
#include "kappa/catalog.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <sqlite3.h>

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

// Runs SQL on the catalog file behind the catalog's back, as a tamperer would.
bool tamper(const std::string &path, const char *sql)
{
    sqlite3 *db = nullptr;
    bool ok = sqlite3_open(path.c_str(), &db) == SQLITE_OK
              && sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

std::vector<std::string> actions(const Catalog &catalog)
{
    std::vector<std::string> out;
    const std::vector<AuditEntry> entries = catalog.audit(0, 1000).value();
    for (const AuditEntry &entry : entries)
        out.push_back(entry.action);
    return out;
}

} // namespace

class TestReprocessingStore : public QObject
{
    Q_OBJECT

private slots:
    void replaysAreStoredUpdatedAndAudited()
    {
        QTemporaryDir dir;
        auto catalog = Catalog::open(dir.filePath("catalog.db").toStdString()).value();
        QVERIFY(catalog->addJobVersion(version("fraud", "v2", VersionState::Replaying)).isOk());
        ReplayRecord record;
        record.job = "fraud";
        record.version = "v2";
        record.from = "90d";
        record.startOffsets = {0, 12, 7};
        record.rateMultiple = 4.5;
        record.minRate = 100;
        record.createdBy = "alice";
        const std::int64_t id = catalog->addReplay(record).value();
        ReplayRecord stored = catalog->replay(id).value();
        QCOMPARE(stored.startOffsets, (std::vector<std::int64_t>{0, 12, 7}));
        QCOMPARE(stored.rateMultiple, 4.5);
        QCOMPARE(stored.state, std::string("running"));
        stored.paused = true;
        QVERIFY(catalog->updateReplay(stored, "bob", "replay.pause", "paused").isOk());
        QVERIFY(catalog->replay(id).value().paused);
        QCOMPARE(catalog->replay(99).status().code(), StatusCode::NotFound);
        record.version = "v9"; // not registered: refused, nothing stored
        QVERIFY(!catalog->addReplay(record).isOk());
        QCOMPARE(catalog->replays().value().size(), std::size_t{1});
        QCOMPARE(actions(*catalog),
                 (std::vector<std::string>{"version.register", "replay.start", "replay.pause"}));
    }

    void switchFlipsAliasAndStatesInOneStep()
    {
        QTemporaryDir dir;
        auto catalog = Catalog::open(dir.filePath("catalog.db").toStdString()).value();
        QVERIFY(catalog->addJobVersion(version("fraud", "v1", VersionState::Live)).isOk());
        QVERIFY(catalog->setAlias("fraud", "v1", "kappad").isOk());
        QVERIFY(catalog->addJobVersion(version("fraud", "v2", VersionState::CaughtUp)).isOk());
        SwitchRequest request;
        request.job = "fraud";
        request.fromVersion = "v1";
        request.toVersion = "v2";
        request.overrideReason = "hotfix";
        request.requestedBy = "carol";
        const std::int64_t id = catalog->addSwitchRequest(request).value();
        QVERIFY(catalog->switchAlias("fraud", "v2", id, "dave", "alias.switch", "approved").isOk());
        QCOMPARE(catalog->alias("fraud").value(), std::optional<std::string>("v2"));
        QCOMPARE(catalog->jobVersion("fraud", "v2").value().state, VersionState::Live);
        QCOMPARE(catalog->jobVersion("fraud", "v1").value().state, VersionState::Validated);
        QCOMPARE(catalog->switchRequest(id).value().state, std::string("switched"));
        // A request is decided once.
        QCOMPARE(catalog->switchAlias("fraud", "v1", id, "dave", "alias.switch", "again").code(),
                 StatusCode::FailedPrecondition);
        QCOMPARE(catalog->alias("fraud").value(), std::optional<std::string>("v2"));
        QVERIFY(catalog->switchAlias("fraud", "v1", 0, "dave", "alias.rollback", "rollback").isOk());
        QCOMPARE(catalog->alias("fraud").value(), std::optional<std::string>("v1"));
    }

    void auditChainDetectsEditsAndRemovals()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("catalog.db").toStdString();
        {
            auto catalog = Catalog::open(path).value();
            for (int i = 0; i < 5; ++i)
                QVERIFY(catalog->appendAudit("alice", "test.entry", "subject", "detail " + std::to_string(i))
                            .isOk());
            const AuditVerification ok = catalog->verifyAudit().value();
            QCOMPARE(ok.entries, std::int64_t{5});
            QVERIFY(!ok.firstBadSeq);
            // The database itself refuses edits.
            QVERIFY(!tamper(path, "UPDATE audit_log SET detail = 'x' WHERE seq = 2"));
        }
        QVERIFY(
            tamper(path,
                   "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"));
        {
            auto catalog = Catalog::open(path).value();
            const AuditVerification edited = catalog->verifyAudit().value();
            QCOMPARE(edited.firstBadSeq, std::optional<std::int64_t>(3));
            QVERIFY2(edited.problem.find("changed") != std::string::npos, edited.problem.c_str());
        }
        QVERIFY(
            tamper(path,
                   "UPDATE audit_log SET actor = 'alice' WHERE seq = 3; DROP TRIGGER audit_log_no_delete; "
                   "DELETE FROM audit_log WHERE seq = 2"));
        auto catalog = Catalog::open(path).value();
        const AuditVerification removed = catalog->verifyAudit().value();
        QCOMPARE(removed.firstBadSeq, std::optional<std::int64_t>(3));
        QVERIFY2(removed.problem.find("missing") != std::string::npos, removed.problem.c_str());
    }
};

QTEST_APPLESS_MAIN(TestReprocessingStore)
#include "test_reprocessing_store.moc"
