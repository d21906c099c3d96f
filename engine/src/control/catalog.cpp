#include "kappa/catalog.h"

#include "control/audit_log.h"
#include "control/job_store.h"
#include "control/migrations.h"
#include "control/reprocessing_store.h"
#include "control/shared_rows.h"
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
    std::unique_ptr<control::ReprocessingStore> reprocessing;
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
    impl->reprocessing = std::make_unique<control::ReprocessingStore>(*impl->db, impl->dbMutex, *impl->jobs);
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

Result<std::int64_t> Catalog::addReplay(ReplayRecord record)
{
    return m_impl->reprocessing->addReplay(std::move(record));
}

Result<ReplayRecord> Catalog::replay(std::int64_t id) const
{
    return m_impl->reprocessing->replay(id);
}

Result<std::vector<ReplayRecord>> Catalog::replays() const
{
    return m_impl->reprocessing->replays();
}

Status Catalog::updateReplay(const ReplayRecord &record, const std::string &actor, const std::string &action,
                             const std::string &detail)
{
    return m_impl->reprocessing->updateReplay(record, actor, action, detail);
}

Result<std::int64_t> Catalog::addValidation(ValidationRecord record)
{
    return m_impl->reprocessing->addValidation(std::move(record));
}

Result<ValidationRecord> Catalog::validation(std::int64_t id) const
{
    return m_impl->reprocessing->validation(id);
}

Result<std::vector<ValidationRecord>> Catalog::validations(const std::string &job, bool withReports) const
{
    return m_impl->reprocessing->validations(job, withReports);
}

Result<std::int64_t> Catalog::addSwitchRequest(SwitchRequest request)
{
    return m_impl->reprocessing->addSwitchRequest(std::move(request));
}

Result<SwitchRequest> Catalog::switchRequest(std::int64_t id) const
{
    return m_impl->reprocessing->switchRequest(id);
}

Result<std::vector<SwitchRequest>> Catalog::switchRequests(const std::string &job) const
{
    return m_impl->reprocessing->switchRequests(job);
}

Status Catalog::closeSwitchRequest(std::int64_t id, const std::string &state, const std::string &actor,
                                   const std::string &reason)
{
    return m_impl->reprocessing->closeSwitchRequest(id, state, actor, reason);
}

Status Catalog::switchAlias(const std::string &job, const std::string &toVersion, std::int64_t requestId,
                            const std::string &actor, const std::string &action, const std::string &reason)
{
    return m_impl->reprocessing->switchAlias(job, toVersion, requestId, actor, action, reason);
}

Status Catalog::appendAudit(const std::string &actor, const std::string &action, const std::string &subject,
                            const std::string &detail)
{
    std::lock_guard lock(m_impl->dbMutex);
    return m_impl->db->transaction(
        [&] { return control::appendAuditLocked(*m_impl->db, actor, action, subject, detail); });
}

Result<std::vector<AuditEntry>> Catalog::audit(std::int64_t afterSeq, std::size_t limit) const
{
    std::lock_guard lock(m_impl->dbMutex);
    return control::readAuditLocked(*m_impl->db, afterSeq, limit);
}

Result<AuditVerification> Catalog::verifyAudit() const
{
    std::lock_guard lock(m_impl->dbMutex);
    return control::verifyAuditLocked(*m_impl->db);
}

Result<std::vector<CatalogRow>> Catalog::sharedRows() const
{
    std::lock_guard lock(m_impl->dbMutex);
    return control::readSharedRowsLocked(*m_impl->db);
}

Status Catalog::applySharedRows(std::span<const CatalogRow> rows)
{
    std::lock_guard lock(m_impl->dbMutex);
    return m_impl->db->transaction([&] { return control::applySharedRowsLocked(*m_impl->db, rows); });
}

Result<std::size_t> Catalog::dropSharedRows(std::span<const std::string> keys)
{
    std::lock_guard lock(m_impl->dbMutex);
    std::size_t dropped = 0;
    KAPPA_RETURN_IF_ERROR(m_impl->db->transaction([&]() -> Status {
        KAPPA_ASSIGN_OR_RETURN(dropped, control::dropSharedRowsLocked(*m_impl->db, keys));
        return Status::ok();
    }));
    return dropped;
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
