#include "control/sqlite_schema_store.h"

#include <chrono>

namespace kappa::control {
namespace {

std::int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Status insertSchema(SqliteDb &db, const SchemaInfo &schema)
{
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, db.prepare("INSERT INTO schemas(id, fingerprint, canonical_form, "
                                                      "schema_json, created_ms) VALUES (?, ?, ?, ?, ?)"));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, std::int64_t{schema.id.value()}));
    KAPPA_RETURN_IF_ERROR(stmt.bind(2, static_cast<std::int64_t>(schema.fingerprint)));
    KAPPA_RETURN_IF_ERROR(stmt.bind(3, std::string_view(schema.canonicalForm)));
    KAPPA_RETURN_IF_ERROR(stmt.bind(4, std::string_view(schema.schemaJson)));
    KAPPA_RETURN_IF_ERROR(stmt.bind(5, nowMs()));
    return stmt.run();
}

} // namespace

Result<SchemaStoreContents> SqliteSchemaStore::load()
{
    std::lock_guard lock(m_mutex);
    // One read transaction, so the three queries see one snapshot even while
    // another process registers a schema between them.
    KAPPA_RETURN_IF_ERROR(m_db.exec("BEGIN"));
    SchemaStoreContents contents;
    Status loaded = loadSchemas(contents);
    if (loaded.isOk())
        loaded = loadVersions(contents);
    if (loaded.isOk())
        loaded = loadConfig(contents);
    const Status ended = m_db.exec(loaded.isOk() ? "COMMIT" : "ROLLBACK");
    KAPPA_RETURN_IF_ERROR(loaded);
    KAPPA_RETURN_IF_ERROR(ended);
    return contents;
}

Status SqliteSchemaStore::loadSchemas(SchemaStoreContents &contents)
{
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, m_db.prepare("SELECT id, schema_json FROM schemas ORDER BY id"));
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
        if (!row)
            return Status::ok();
        SchemaInfo info;
        info.id = SchemaId(static_cast<std::int32_t>(stmt.columnInt(0)));
        info.schemaJson = stmt.columnText(1);
        contents.schemas.push_back(std::move(info));
    }
}

Status SqliteSchemaStore::loadVersions(SchemaStoreContents &contents)
{
    KAPPA_ASSIGN_OR_RETURN(Statement stmt,
                           m_db.prepare("SELECT subject, version, schema_id FROM subject_versions "
                                        "ORDER BY subject, version"));
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
        if (!row)
            return Status::ok();
        SubjectVersion version;
        version.subject = stmt.columnText(0);
        version.version = static_cast<int>(stmt.columnInt(1));
        version.id = SchemaId(static_cast<std::int32_t>(stmt.columnInt(2)));
        contents.versions.push_back(std::move(version));
    }
}

Status SqliteSchemaStore::loadConfig(SchemaStoreContents &contents)
{
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, m_db.prepare("SELECT subject, compatibility FROM subject_config"));
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
        if (!row)
            return Status::ok();
        const std::string subject = stmt.columnText(0);
        const std::string name = stmt.columnText(1);
        const auto mode = parseCompatibilityMode(name);
        if (!mode)
            return Status::corruption("catalog " + m_db.path() + ": subject '" + subject
                                      + "' has unknown compatibility '" + name + "'");
        contents.compatibility.emplace_back(subject, *mode);
    }
}

Status SqliteSchemaStore::addVersion(const SubjectVersion &version, const SchemaInfo *newSchema)
{
    std::lock_guard lock(m_mutex);
    return m_db.transaction([&]() -> Status {
        if (newSchema)
            KAPPA_RETURN_IF_ERROR(insertSchema(m_db, *newSchema));
        KAPPA_ASSIGN_OR_RETURN(Statement stmt, m_db.prepare("INSERT INTO subject_versions(subject, version, "
                                                            "schema_id, created_ms) VALUES (?, ?, ?, ?)"));
        KAPPA_RETURN_IF_ERROR(stmt.bind(1, std::string_view(version.subject)));
        KAPPA_RETURN_IF_ERROR(stmt.bind(2, std::int64_t{version.version}));
        KAPPA_RETURN_IF_ERROR(stmt.bind(3, std::int64_t{version.id.value()}));
        KAPPA_RETURN_IF_ERROR(stmt.bind(4, nowMs()));
        return stmt.run();
    });
}

Status SqliteSchemaStore::setCompatibility(const std::string &subject, CompatibilityMode mode)
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(Statement stmt,
                           m_db.prepare("INSERT INTO subject_config(subject, compatibility) VALUES "
                                        "(?, ?) ON CONFLICT(subject) DO UPDATE SET "
                                        "compatibility = excluded.compatibility"));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, std::string_view(subject)));
    KAPPA_RETURN_IF_ERROR(stmt.bind(2, compatibilityModeName(mode)));
    return stmt.run();
}

} // namespace kappa::control
