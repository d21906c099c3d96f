// Replays, validation reports and switch requests (tables from migration 3),
// each change audited in its own transaction (audit_log.h).
//
// Threading: thread-safe; every call holds the catalog's connection mutex.
#pragma once

#include "control/job_store.h"
#include "kappa/catalog.h"
#include "sqlite/sqlite_db.h"

#include <mutex>

namespace kappa::control {

class ReprocessingStore
{
public:
    ReprocessingStore(SqliteDb &db, std::mutex &mutex, JobStore &jobs);

    Result<std::int64_t> addReplay(ReplayRecord record);
    Result<ReplayRecord> replay(std::int64_t id);
    Result<std::vector<ReplayRecord>> replays();
    Status updateReplay(const ReplayRecord &record, const std::string &actor, const std::string &action,
                        const std::string &detail);

    Result<std::int64_t> addValidation(ValidationRecord record);
    Result<ValidationRecord> validation(std::int64_t id);
    Result<std::vector<ValidationRecord>> validations(const std::string &job, bool withReports);

    Result<std::int64_t> addSwitchRequest(SwitchRequest request);
    Result<SwitchRequest> switchRequest(std::int64_t id);
    Result<std::vector<SwitchRequest>> switchRequests(const std::string &job);
    Status closeSwitchRequest(std::int64_t id, const std::string &state, const std::string &actor,
                              const std::string &reason);
    Status switchAlias(const std::string &job, const std::string &toVersion, std::int64_t requestId,
                       const std::string &actor, const std::string &action, const std::string &reason);

private:
    Result<ReplayRecord> replayLocked(std::int64_t id);
    Result<SwitchRequest> switchRequestLocked(std::int64_t id);
    Status markRequestLocked(std::int64_t id, const std::string &state, const std::string &actor,
                             const std::string &reason);

    SqliteDb &m_db;
    std::mutex &m_mutex;
    JobStore &m_jobs;
};

} // namespace kappa::control
