#include "control/migrations.h"

#include "control/catalog_time.h"

#include <string>
#include <vector>

namespace kappa::control {
namespace {

struct Migration
{
    int version;
    const char *name;
    const char *sql;
};

// Append only. Version N is the N-th entry.
const std::vector<Migration> &migrations()
{
    static const std::vector<Migration> kMigrations = {
        {1, "schema registry", R"sql(
            CREATE TABLE schemas (
                id             INTEGER PRIMARY KEY,     -- global schema id (Confluent wire framing)
                fingerprint    INTEGER NOT NULL,        -- CRC-64-AVRO of canonical_form, as signed 64-bit
                canonical_form TEXT NOT NULL UNIQUE,    -- Avro Parsing Canonical Form
                schema_json    TEXT NOT NULL,           -- the text first registered
                created_ms     INTEGER NOT NULL
            );
            CREATE TABLE subject_versions (
                subject    TEXT NOT NULL,
                version    INTEGER NOT NULL CHECK (version >= 1),
                schema_id  INTEGER NOT NULL REFERENCES schemas(id),
                created_ms INTEGER NOT NULL,
                PRIMARY KEY (subject, version),
                UNIQUE (subject, schema_id)
            );
            CREATE TABLE subject_config (
                subject       TEXT PRIMARY KEY,
                compatibility TEXT NOT NULL
            );
        )sql"},
        {2, "job versions and aliases", R"sql(
            CREATE TABLE job_versions (
                job        TEXT NOT NULL,
                version    TEXT NOT NULL,
                spec_json  TEXT NOT NULL,      -- the spec as given, {"job","version","params"}
                state      TEXT NOT NULL,      -- replaying, caught_up, validated, live, retired, failed, cancelled
                created_ms INTEGER NOT NULL,
                created_by TEXT NOT NULL,
                PRIMARY KEY (job, version)
            );
            CREATE TABLE version_transitions (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                job        TEXT NOT NULL,
                version    TEXT NOT NULL,
                from_state TEXT,               -- NULL for the version's creation
                to_state   TEXT NOT NULL,
                at_ms      INTEGER NOT NULL,
                actor      TEXT NOT NULL,
                reason     TEXT NOT NULL DEFAULT '',
                FOREIGN KEY (job, version) REFERENCES job_versions(job, version)
            );
            CREATE TABLE aliases (
                job        TEXT PRIMARY KEY,   -- every serving read of `job` goes to `version`
                version    TEXT NOT NULL,
                updated_ms INTEGER NOT NULL,
                FOREIGN KEY (job, version) REFERENCES job_versions(job, version)
            );
            CREATE TABLE alias_history (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                job          TEXT NOT NULL,
                from_version TEXT,             -- NULL for the first alias of a job
                to_version   TEXT NOT NULL,
                at_ms        INTEGER NOT NULL,
                actor        TEXT NOT NULL
            );
        )sql"},
        {3, "replays, validations, switch requests and the audit log", R"sql(
            CREATE TABLE replays (
                id            INTEGER PRIMARY KEY AUTOINCREMENT,
                job           TEXT NOT NULL,
                version       TEXT NOT NULL,
                kind          TEXT NOT NULL,   -- replay, rebuild
                from_spec     TEXT NOT NULL,   -- as requested
                start_offsets TEXT NOT NULL,   -- per source partition, comma-separated
                rate_multiple REAL NOT NULL,
                max_rate      REAL NOT NULL,
                min_rate      REAL NOT NULL,
                paused        INTEGER NOT NULL,
                serve_from    TEXT NOT NULL,   -- rebuild: the version that serves reads meanwhile ('' = none: 503)
                state         TEXT NOT NULL,   -- running, caught_up, cancelled, failed, finished
                reason        TEXT NOT NULL,
                created_ms    INTEGER NOT NULL,
                created_by    TEXT NOT NULL,
                updated_ms    INTEGER NOT NULL,
                FOREIGN KEY (job, version) REFERENCES job_versions(job, version)
            );
            CREATE TABLE validations (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                job         TEXT NOT NULL,
                candidate   TEXT NOT NULL,
                baseline    TEXT NOT NULL,
                passed      INTEGER NOT NULL,
                report_json TEXT NOT NULL,
                created_ms  INTEGER NOT NULL,
                created_by  TEXT NOT NULL
            );
            CREATE TABLE switch_requests (
                id                    INTEGER PRIMARY KEY AUTOINCREMENT,
                job                   TEXT NOT NULL,
                from_version          TEXT NOT NULL,
                to_version            TEXT NOT NULL,
                validation_id         INTEGER NOT NULL,  -- 0: admin override
                override_reason       TEXT NOT NULL,
                candidate_fingerprint TEXT NOT NULL,
                requested_by          TEXT NOT NULL,
                requested_ms          INTEGER NOT NULL,
                expires_ms            INTEGER NOT NULL,
                state                 TEXT NOT NULL,     -- pending, switched, rejected, expired, void
                decided_by            TEXT NOT NULL,
                decided_ms            INTEGER NOT NULL,
                reason                TEXT NOT NULL
            );
            CREATE TABLE audit_log (
                seq       INTEGER PRIMARY KEY,           -- 1, 2, ... without gaps
                at_ms     INTEGER NOT NULL,
                actor     TEXT NOT NULL,
                action    TEXT NOT NULL,
                subject   TEXT NOT NULL,
                detail    TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash      TEXT NOT NULL
            );
            -- Append only: an edit needs to drop these first, and the hash chain then shows it.
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        )sql"},
    };
    return kMigrations;
}

Result<int> userVersion(SqliteDb &db)
{
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, db.prepare("PRAGMA user_version"));
    KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
    return row ? static_cast<int>(stmt.columnInt(0)) : 0;
}

Status apply(SqliteDb &db, const Migration &migration)
{
    return db.transaction([&]() -> Status {
        // Re-read inside the write transaction: another process may have migrated meanwhile.
        KAPPA_ASSIGN_OR_RETURN(const int current, userVersion(db));
        if (current >= migration.version)
            return Status::ok();
        KAPPA_RETURN_IF_ERROR(
            db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)"));
        KAPPA_RETURN_IF_ERROR(db.exec(migration.sql));
        KAPPA_ASSIGN_OR_RETURN(
            Statement record,
            db.prepare("INSERT INTO schema_migrations(version, name, applied_ms) VALUES (?, ?, ?)"));
        KAPPA_RETURN_IF_ERROR(record.bind(1, std::int64_t{migration.version}));
        KAPPA_RETURN_IF_ERROR(record.bind(2, std::string_view(migration.name)));
        KAPPA_RETURN_IF_ERROR(record.bind(3, catalogNowMs()));
        KAPPA_RETURN_IF_ERROR(record.run());
        return db.exec("PRAGMA user_version = " + std::to_string(migration.version));
    });
}

} // namespace

int latestCatalogVersion()
{
    return static_cast<int>(migrations().size());
}

Result<int> migrateCatalog(SqliteDb &db)
{
    KAPPA_ASSIGN_OR_RETURN(const int current, userVersion(db));
    if (current > latestCatalogVersion())
        return Status::failedPrecondition("catalog " + db.path() + " has schema version "
                                          + std::to_string(current) + ", newer than this build understands ("
                                          + std::to_string(latestCatalogVersion()) + ")");
    for (const Migration &migration : migrations()) {
        if (migration.version > current)
            KAPPA_RETURN_IF_ERROR(
                apply(db, migration)
                    .withContext("migrating catalog to version " + std::to_string(migration.version)));
    }
    return latestCatalogVersion();
}

} // namespace kappa::control
