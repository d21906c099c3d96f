// The SQLite catalog: creation and migrations, durability settings, and the
// schema registry persisted across reopen.
#include "kappa/catalog.h"
#include "kappa/event_codec.h"
#include "test_support.h"

#include <sqlite3.h>

#include <fstream>

using namespace kappa;

namespace {

const std::string kA = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})";
const std::string kAB
    = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"}]})";

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

} // namespace

class TestCatalog : public QObject
{
    Q_OBJECT

private slots:
    void createsAndMigrates()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "catalog.db");
        {
            KAPPA_ASSIGN_OR_FAIL(auto catalog, Catalog::open(path));
            QCOMPARE(catalog->schemaVersion(), Catalog::latestSchemaVersion());
            QCOMPARE(catalog->path(), path);
            QVERIFY(catalog->schemas().subjects().empty());
        }
        QCOMPARE(queryText(path, "PRAGMA journal_mode"), std::string("wal"));
        QCOMPARE(queryText(path, "PRAGMA user_version"), std::to_string(Catalog::latestSchemaVersion()));
        QCOMPARE(queryText(path, "SELECT name FROM schema_migrations WHERE version = 1"),
                 std::string("schema registry"));
        // Reopening applies nothing new.
        KAPPA_ASSIGN_OR_FAIL(auto again, Catalog::open(path));
        QCOMPARE(again->schemaVersion(), Catalog::latestSchemaVersion());
        QCOMPARE(queryText(path, "SELECT count(*) FROM schema_migrations"),
                 std::to_string(Catalog::latestSchemaVersion()));
    }

    void registryPersistsAcrossReopen()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "catalog.db");
        std::string payload;
        Event event;
        event.eventId = 5;
        event.type = EventType::Purchase;
        event.amountCents = 100;
        event.currency = "EUR";
        event.country = "NL";
        {
            KAPPA_ASSIGN_OR_FAIL(auto catalog, Catalog::open(path));
            SchemaRegistry &schemas = catalog->schemas();
            KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(schemas));
            payload = codec->encode(event);
            KAPPA_VERIFY_OK(schemas.registerSchema("r", kA).status());
            KAPPA_VERIFY_OK(schemas.registerSchema("r", kAB).status());
            KAPPA_VERIFY_OK(schemas.registerSchema("other", kAB).status());
            KAPPA_VERIFY_OK(schemas.setCompatibility("r", CompatibilityMode::FullTransitive));
        }
        KAPPA_ASSIGN_OR_FAIL(auto catalog, Catalog::open(path));
        SchemaRegistry &schemas = catalog->schemas();
        QCOMPARE(schemas.subjects(), (std::vector<std::string>{"events-value", "other", "r"}));
        QCOMPARE(schemas.compatibility("r"), CompatibilityMode::FullTransitive);
        QCOMPARE(schemas.compatibility("other"), CompatibilityMode::Backward);
        KAPPA_ASSIGN_OR_FAIL(const SubjectVersion latest, schemas.latestVersion("r"));
        QCOMPARE(latest.version, 2);
        QCOMPARE(latest.id, SchemaId(3));
        QCOMPARE(latest.schemaJson, kAB);
        KAPPA_ASSIGN_OR_FAIL(const SubjectVersion other, schemas.latestVersion("other"));
        QCOMPARE(other.id, SchemaId(3));
        // Idempotent after reopen, and new ids continue after the stored ones.
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome again, schemas.registerSchema("r", kA));
        QVERIFY(!again.created);
        QCOMPARE(again.version, 1);
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome fresh, schemas.registerSchema("new", R"("string")"));
        QCOMPARE(fresh.id, SchemaId(4));
        // Data encoded before the reopen still decodes.
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(schemas));
        QCOMPARE(codec->writerSchemaId(), SchemaId(1));
        Event decoded;
        KAPPA_VERIFY_OK(codec->decode(payload, decoded));
        QVERIFY(decoded == event);
        // The mode persisted too: this breaks FULL_TRANSITIVE.
        QCOMPARE(schemas.registerSchema("r", R"({"type":"record","name":"R","fields":[]})").status().code(),
                 StatusCode::FailedPrecondition);
    }

    void refusesNewerCatalog()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "catalog.db");
        {
            KAPPA_ASSIGN_OR_FAIL(auto catalog, Catalog::open(path));
        }
        QCOMPARE(queryText(path, "PRAGMA user_version = 99"), std::string());
        const auto opened = Catalog::open(path);
        QCOMPARE(opened.status().code(), StatusCode::FailedPrecondition);
        QVERIFY2(opened.status().message().find("99") != std::string::npos, opened.status().message().c_str());
    }

    void garbageFileIsCorruption()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "catalog.db");
        std::ofstream(path) << std::string(8192, 'x');
        const auto opened = Catalog::open(path);
        QVERIFY(!opened.isOk());
        QCOMPARE(opened.status().code(), StatusCode::Corruption);
        QVERIFY2(opened.status().message().find(path) != std::string::npos, opened.status().message().c_str());
    }

    void staleSecondHandleIsAbortedNotCorrupted()
    {
        // Two catalogs on one file: the second does not see the first's new
        // schema, and its conflicting write is refused by the database's
        // constraints (Aborted), leaving the stored registry intact.
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "catalog.db");
        KAPPA_ASSIGN_OR_FAIL(auto first, Catalog::open(path));
        KAPPA_ASSIGN_OR_FAIL(auto second, Catalog::open(path));
        KAPPA_VERIFY_OK(first->schemas().registerSchema("r", kA).status());
        QCOMPARE(second->schemas().registerSchema("r", kA).status().code(), StatusCode::Aborted);
        KAPPA_ASSIGN_OR_FAIL(auto third, Catalog::open(path));
        KAPPA_ASSIGN_OR_FAIL(const auto versions, third->schemas().versions("r"));
        QCOMPARE(versions, std::vector<int>{1});
    }
};

QTEST_APPLESS_MAIN(TestCatalog)
#include "test_catalog.moc"
