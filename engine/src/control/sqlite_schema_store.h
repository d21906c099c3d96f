// The schema registry's persistence in the catalog (tables `schemas`,
// `subject_versions`, `subject_config`; see migrations.cpp).
#pragma once

#include "kappa/schema_registry.h"
#include "sqlite/sqlite_db.h"

#include <mutex>

namespace kappa::control {

using sqlite::SqliteDb;
using sqlite::Statement;

class SqliteSchemaStore final : public SchemaStore
{
public:
    // `db` and `mutex` (which serializes use of the connection) outlive the store.
    SqliteSchemaStore(SqliteDb &db, std::mutex &mutex)
        : m_db(db)
        , m_mutex(mutex)
    {}

    Result<SchemaStoreContents> load() override;
    Status addVersion(const SubjectVersion &version, const SchemaInfo *newSchema) override;
    Status setCompatibility(const std::string &subject, CompatibilityMode mode) override;

private:
    Status loadSchemas(SchemaStoreContents &contents);
    Status loadVersions(SchemaStoreContents &contents);
    Status loadConfig(SchemaStoreContents &contents);

    SqliteDb &m_db;
    std::mutex &m_mutex;
};

} // namespace kappa::control
