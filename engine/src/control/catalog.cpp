#include "kappa/catalog.h"

#include "control/job_store.h"
#include "control/migrations.h"
#include "control/sqlite_schema_store.h"

#include <mutex>

namespace kappa {

struct Catalog::Impl
{
    std::unique_ptr<sqlite::SqliteDb> db;
    std::mutex dbMutex; // one transaction at a time on the shared connection
    std::unique_ptr<control::SqliteSchemaStore> schemaStore;
    std::unique_ptr<SchemaRegistry> registry;
    std::unique_ptr<control::JobStore> jobs;
    int version = 0;
};

Catalog::Catalog(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

Catalog::~Catalog() = default;

Result<std::unique_ptr<Catalog>> Catalog::open(const std::string &path)
{
    auto impl = std::make_unique<Impl>();
    KAPPA_ASSIGN_OR_RETURN(impl->db, sqlite::SqliteDb::open(path));
    KAPPA_ASSIGN_OR_RETURN(impl->version, control::migrateCatalog(*impl->db));
    impl->schemaStore = std::make_unique<control::SqliteSchemaStore>(*impl->db, impl->dbMutex);
    auto registry = SchemaRegistry::open(*impl->schemaStore);
    if (!registry.isOk())
        return registry.status().withContext("loading the schema registry from " + path);
    impl->registry = std::move(registry).value();
    impl->jobs = std::make_unique<control::JobStore>(*impl->db, impl->dbMutex);
    return std::unique_ptr<Catalog>(new Catalog(std::move(impl)));
}

SchemaRegistry &Catalog::schemas()
{
    return *m_impl->registry;
}

Status Catalog::addJobVersion(JobVersionInfo info)
{
    return m_impl->jobs->addVersion(info);
}

Result<JobVersionInfo> Catalog::jobVersion(const std::string &job, const std::string &version) const
{
    return m_impl->jobs->version(job, version);
}

Result<std::vector<JobVersionInfo>> Catalog::jobVersions(const std::string &job) const
{
    return m_impl->jobs->versions(job);
}

Status Catalog::setVersionState(const std::string &job, const std::string &version, VersionState to,
                                const std::string &actor, const std::string &reason)
{
    return m_impl->jobs->setState(job, version, to, actor, reason);
}

Status Catalog::setAlias(const std::string &job, const std::string &version, const std::string &actor)
{
    return m_impl->jobs->setAlias(job, version, actor);
}

Result<std::optional<std::string>> Catalog::alias(const std::string &job) const
{
    return m_impl->jobs->alias(job);
}

Result<std::vector<AliasChange>> Catalog::aliasHistory(const std::string &job) const
{
    return m_impl->jobs->aliasHistory(job);
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
