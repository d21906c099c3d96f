// Job versions, their lifecycle states and the per-job serving alias, kept in
// the catalog's SQLite database (tables from migration 2).
//
// Invariants: a (job, version) is registered once with one spec; every state
// change is recorded in version_transitions with time and actor; an alias
// names a registered version, and each alias change is recorded in
// alias_history in the same transaction as the change itself.
//
// Threading: thread-safe; every call holds the catalog's connection mutex.
#pragma once

#include "kappa/catalog.h"
#include "sqlite/sqlite_db.h"

#include <mutex>

namespace kappa::control {

using sqlite::SqliteDb;
using sqlite::Statement;

class JobStore
{
public:
    JobStore(SqliteDb &db, std::mutex &mutex);

    Status addVersion(const JobVersionInfo &info);
    Result<JobVersionInfo> version(const std::string &job, const std::string &version);
    Result<std::vector<JobVersionInfo>> versions(const std::string &job);
    Status setState(const std::string &job, const std::string &version, VersionState to,
                    const std::string &actor, const std::string &reason);
    Status setAlias(const std::string &job, const std::string &version, const std::string &actor);
    Result<std::optional<std::string>> alias(const std::string &job);
    Result<std::vector<AliasChange>> aliasHistory(const std::string &job);

    // The same inside a transaction of the caller, who holds the mutex; each
    // records its change in the audit log.
    Result<JobVersionInfo> versionLocked(const std::string &job, const std::string &version);
    Status setStateLocked(const std::string &job, const std::string &version, VersionState to,
                          const std::string &actor, const std::string &reason);
    // `action` names the change in the audit log ("alias.set", "alias.switch", "alias.rollback").
    Status setAliasLocked(const std::string &job, const std::string &version, const std::string &actor,
                          const std::string &action, const std::string &reason);
    Result<std::optional<std::string>> aliasLocked(const std::string &job);

private:
    Status recordTransition(const std::string &job, const std::string &version,
                            std::optional<VersionState> from, VersionState to, const std::string &actor,
                            const std::string &reason);

    SqliteDb &m_db;
    std::mutex &m_mutex;
};

} // namespace kappa::control
