#include "control/job_store.h"

#include "control/audit_log.h"
#include "control/catalog_time.h"

#include <array>

namespace kappa {
namespace {

constexpr std::array<std::string_view, 7> kStateNames = {
    "replaying", "caught_up", "validated", "live", "retired", "failed", "cancelled",
};

} // namespace

std::string_view versionStateName(VersionState state)
{
    return kStateNames[static_cast<std::size_t>(state)];
}

std::optional<VersionState> parseVersionState(std::string_view name)
{
    for (std::size_t i = 0; i < kStateNames.size(); ++i) {
        if (kStateNames[i] == name)
            return static_cast<VersionState>(i);
    }
    return std::nullopt;
}

namespace control {
namespace {

bool isFinal(VersionState state)
{
    return state == VersionState::Retired || state == VersionState::Failed
           || state == VersionState::Cancelled;
}

std::string label(const std::string &job, const std::string &version)
{
    return job + "@" + version;
}

Result<JobVersionInfo> rowToInfo(const Statement &stmt)
{
    JobVersionInfo info;
    info.job = stmt.columnText(0);
    info.version = stmt.columnText(1);
    info.specJson = stmt.columnText(2);
    const auto state = parseVersionState(stmt.columnText(3));
    if (!state)
        return Status::corruption("job version " + label(info.job, info.version) + " has unknown state '"
                                  + stmt.columnText(3) + "'");
    info.state = *state;
    info.createdAt = WallTime(stmt.columnInt(4));
    info.createdBy = stmt.columnText(5);
    info.stateChangedAt = WallTime(stmt.columnInt(6));
    return info;
}

constexpr const char *kSelectVersion
    = "SELECT job, version, spec_json, state, created_ms, created_by, "
      "(SELECT MAX(at_ms) FROM version_transitions t WHERE t.job = v.job AND t.version = v.version) "
      "FROM job_versions v ";

} // namespace

JobStore::JobStore(SqliteDb &db, std::mutex &mutex)
    : m_db(db)
    , m_mutex(mutex)
{}

Status JobStore::addVersion(const JobVersionInfo &info)
{
    if (info.job.empty() || info.version.empty())
        return Status::invalidArgument("a job version needs a job name and a version");
    std::lock_guard lock(m_mutex);
    return m_db.transaction([&]() -> Status {
        auto existing = versionLocked(info.job, info.version);
        if (existing.isOk()) {
            if (existing->specJson == info.specJson)
                return Status::ok();
            return Status::alreadyExists(label(info.job, info.version)
                                         + " is already registered with a different spec; use a new version");
        }
        if (existing.status().code() != StatusCode::NotFound)
            return existing.status();
        KAPPA_ASSIGN_OR_RETURN(Statement insert,
                               m_db.prepare(
                                   "INSERT INTO job_versions(job, version, spec_json, state, created_ms, "
                                   "created_by) VALUES (?, ?, ?, ?, ?, ?)"));
        KAPPA_RETURN_IF_ERROR(insert.bind(1, info.job));
        KAPPA_RETURN_IF_ERROR(insert.bind(2, info.version));
        KAPPA_RETURN_IF_ERROR(insert.bind(3, info.specJson));
        KAPPA_RETURN_IF_ERROR(insert.bind(4, versionStateName(info.state)));
        KAPPA_RETURN_IF_ERROR(insert.bind(5, catalogNowMs()));
        KAPPA_RETURN_IF_ERROR(insert.bind(6, info.createdBy));
        KAPPA_RETURN_IF_ERROR(insert.run());
        KAPPA_RETURN_IF_ERROR(
            recordTransition(info.job, info.version, std::nullopt, info.state, info.createdBy, "registered"));
        return appendAuditLocked(m_db, info.createdBy, "version.register", label(info.job, info.version),
                                 "registered as " + std::string(versionStateName(info.state)));
    });
}

Result<JobVersionInfo> JobStore::version(const std::string &job, const std::string &version)
{
    std::lock_guard lock(m_mutex);
    return versionLocked(job, version);
}

Result<JobVersionInfo> JobStore::versionLocked(const std::string &job, const std::string &version)
{
    KAPPA_ASSIGN_OR_RETURN(Statement stmt,
                           m_db.prepare(std::string(kSelectVersion) + "WHERE job = ? AND version = ?"));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, job));
    KAPPA_RETURN_IF_ERROR(stmt.bind(2, version));
    KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row)
        return Status::notFound("job version " + label(job, version) + " is not registered");
    return rowToInfo(stmt);
}

Result<std::vector<JobVersionInfo>> JobStore::versions(const std::string &job)
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(Statement stmt,
                           m_db.prepare(std::string(kSelectVersion)
                                        + "WHERE ? = '' OR job = ? ORDER BY job, created_ms, version"));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, job));
    KAPPA_RETURN_IF_ERROR(stmt.bind(2, job));
    std::vector<JobVersionInfo> result;
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
        if (!row)
            return result;
        KAPPA_ASSIGN_OR_RETURN(JobVersionInfo info, rowToInfo(stmt));
        result.push_back(std::move(info));
    }
}

Status JobStore::setState(const std::string &job, const std::string &version, VersionState to,
                          const std::string &actor, const std::string &reason)
{
    std::lock_guard lock(m_mutex);
    return m_db.transaction([&] { return setStateLocked(job, version, to, actor, reason); });
}

Status JobStore::setStateLocked(const std::string &job, const std::string &version, VersionState to,
                                const std::string &actor, const std::string &reason)
{
    KAPPA_ASSIGN_OR_RETURN(JobVersionInfo info, versionLocked(job, version));
    if (info.state == to)
        return Status::ok();
    if (isFinal(info.state))
        return Status::failedPrecondition(label(job, version) + " is "
                                          + std::string(versionStateName(info.state)) + " and cannot become "
                                          + std::string(versionStateName(to)));
    KAPPA_ASSIGN_OR_RETURN(Statement update,
                           m_db.prepare("UPDATE job_versions SET state = ? WHERE job = ? AND version = ?"));
    KAPPA_RETURN_IF_ERROR(update.bind(1, versionStateName(to)));
    KAPPA_RETURN_IF_ERROR(update.bind(2, job));
    KAPPA_RETURN_IF_ERROR(update.bind(3, version));
    KAPPA_RETURN_IF_ERROR(update.run());
    KAPPA_RETURN_IF_ERROR(recordTransition(job, version, info.state, to, actor, reason));
    std::string detail = std::string(versionStateName(info.state)) + " -> "
                         + std::string(versionStateName(to));
    if (!reason.empty())
        detail += ": " + reason;
    return appendAuditLocked(m_db, actor, "version.state", label(job, version), detail);
}

Status JobStore::recordTransition(const std::string &job, const std::string &version,
                                  std::optional<VersionState> from, VersionState to, const std::string &actor,
                                  const std::string &reason)
{
    KAPPA_ASSIGN_OR_RETURN(Statement insert,
                           m_db.prepare(
                               "INSERT INTO version_transitions(job, version, from_state, to_state, at_ms, "
                               "actor, reason) VALUES (?, ?, NULLIF(?, ''), ?, ?, ?, ?)"));
    KAPPA_RETURN_IF_ERROR(insert.bind(1, job));
    KAPPA_RETURN_IF_ERROR(insert.bind(2, version));
    KAPPA_RETURN_IF_ERROR(insert.bind(3, from ? versionStateName(*from) : std::string_view()));
    KAPPA_RETURN_IF_ERROR(insert.bind(4, versionStateName(to)));
    KAPPA_RETURN_IF_ERROR(insert.bind(5, catalogNowMs()));
    KAPPA_RETURN_IF_ERROR(insert.bind(6, actor));
    KAPPA_RETURN_IF_ERROR(insert.bind(7, reason));
    return insert.run();
}

Status JobStore::setAlias(const std::string &job, const std::string &version, const std::string &actor)
{
    std::lock_guard lock(m_mutex);
    return m_db.transaction([&] { return setAliasLocked(job, version, actor, "alias.set", {}); });
}

Status JobStore::setAliasLocked(const std::string &job, const std::string &version, const std::string &actor,
                                const std::string &action, const std::string &reason)
{
    KAPPA_ASSIGN_OR_RETURN(JobVersionInfo info, versionLocked(job, version));
    if (isFinal(info.state))
        return Status::failedPrecondition("cannot serve " + job + " from " + label(job, version) + ": it is "
                                          + std::string(versionStateName(info.state)));
    KAPPA_ASSIGN_OR_RETURN(std::optional<std::string> current, aliasLocked(job));
    const std::string from = current.value_or(std::string());
    if (current && from == version)
        return Status::ok();
    KAPPA_ASSIGN_OR_RETURN(Statement upsert,
                           m_db.prepare("INSERT INTO aliases(job, version, updated_ms) VALUES (?, ?, ?) "
                                        "ON CONFLICT(job) DO UPDATE SET version = excluded.version, "
                                        "updated_ms = excluded.updated_ms"));
    const std::int64_t now = catalogNowMs();
    KAPPA_RETURN_IF_ERROR(upsert.bind(1, job));
    KAPPA_RETURN_IF_ERROR(upsert.bind(2, version));
    KAPPA_RETURN_IF_ERROR(upsert.bind(3, now));
    KAPPA_RETURN_IF_ERROR(upsert.run());
    KAPPA_ASSIGN_OR_RETURN(Statement history,
                           m_db.prepare(
                               "INSERT INTO alias_history(job, from_version, to_version, at_ms, actor) "
                               "VALUES (?, NULLIF(?, ''), ?, ?, ?)"));
    KAPPA_RETURN_IF_ERROR(history.bind(1, job));
    KAPPA_RETURN_IF_ERROR(history.bind(2, from));
    KAPPA_RETURN_IF_ERROR(history.bind(3, version));
    KAPPA_RETURN_IF_ERROR(history.bind(4, now));
    KAPPA_RETURN_IF_ERROR(history.bind(5, actor));
    KAPPA_RETURN_IF_ERROR(history.run());
    std::string detail = (current ? from : std::string("(none)")) + " -> " + version;
    if (!reason.empty())
        detail += ": " + reason;
    return appendAuditLocked(m_db, actor, action, job, detail);
}

Result<std::optional<std::string>> JobStore::alias(const std::string &job)
{
    std::lock_guard lock(m_mutex);
    return aliasLocked(job);
}

Result<std::optional<std::string>> JobStore::aliasLocked(const std::string &job)
{
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, m_db.prepare("SELECT version FROM aliases WHERE job = ?"));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, job));
    KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row)
        return std::optional<std::string>();
    return std::optional<std::string>(stmt.columnText(0));
}

Result<std::vector<AliasChange>> JobStore::aliasHistory(const std::string &job)
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(Statement stmt,
                           m_db.prepare(
                               "SELECT COALESCE(from_version, ''), from_version IS NULL, to_version, at_ms, "
                               "actor FROM alias_history WHERE job = ? ORDER BY id"));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, job));
    std::vector<AliasChange> changes;
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
        if (!row)
            return changes;
        AliasChange change;
        change.job = job;
        if (stmt.columnInt(1) == 0)
            change.fromVersion = stmt.columnText(0);
        change.toVersion = stmt.columnText(2);
        change.at = WallTime(stmt.columnInt(3));
        change.actor = stmt.columnText(4);
        changes.push_back(std::move(change));
    }
}

} // namespace control
} // namespace kappa
