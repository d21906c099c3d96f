#include "kappa/catalog.h"

#include "control/migrations.h"
#include "control/sqlite_schema_store.h"

#include <mutex>

namespace kappa {

struct Catalog::Impl
{
    std::unique_ptr<control::SqliteDb> db;
    std::mutex dbMutex; // one transaction at a time on the shared connection
    std::unique_ptr<control::SqliteSchemaStore> schemaStore;
    std::unique_ptr<SchemaRegistry> registry;
    int version = 0;
};

Catalog::Catalog(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

Catalog::~Catalog() = default;

Result<std::unique_ptr<Catalog>> Catalog::open(const std::string &path)
{
    auto impl = std::make_unique<Impl>();
    KAPPA_ASSIGN_OR_RETURN(impl->db, control::SqliteDb::open(path));
    KAPPA_ASSIGN_OR_RETURN(impl->version, control::migrateCatalog(*impl->db));
    impl->schemaStore = std::make_unique<control::SqliteSchemaStore>(*impl->db, impl->dbMutex);
    auto registry = SchemaRegistry::open(*impl->schemaStore);
    if (!registry.isOk())
        return registry.status().withContext("loading the schema registry from " + path);
    impl->registry = std::move(registry).value();
    return std::unique_ptr<Catalog>(new Catalog(std::move(impl)));
}

SchemaRegistry &Catalog::schemas()
{
    return *m_impl->registry;
}

const std::string &Catalog::path() const
{
    return m_impl->db->path();
}

int Catalog::schemaVersion() const
{
    return m_impl->version;
}

int Catalog::latestSchemaVersion()
{
    return control::latestCatalogVersion();
}

} // namespace kappa
