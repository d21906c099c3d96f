#include "control/reprocessing_store.h"

#include "control/audit_log.h"
#include "control/catalog_time.h"

#include <charconv>
#include <cstdio>

namespace kappa::control {
namespace {

std::string replaySubject(std::int64_t id)
{
    return "replay " + std::to_string(id);
}

std::string joinOffsets(const std::vector<std::int64_t> &offsets)
{
    std::string out;
    for (std::int64_t offset : offsets) {
        if (!out.empty())
            out += ',';
        out += std::to_string(offset);
    }
    return out;
}

Result<std::vector<std::int64_t>> splitOffsets(std::string_view text)
{
    std::vector<std::int64_t> offsets;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        const std::string_view part = text.substr(0, comma);
        std::int64_t value = 0;
        const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
        if (ec != std::errc() || end != part.data() + part.size())
            return Status::corruption("replay start offsets '" + std::string(text) + "' are malformed");
        offsets.push_back(value);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return offsets;
}

std::string rateText(double rate, int decimals)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, rate);
    return buffer;
}

constexpr const char *kSelectReplay
    = "SELECT id, job, version, kind, from_spec, start_offsets, rate_multiple, "
      "max_rate, min_rate, paused, state, reason, created_ms, created_by, "
      "updated_ms, serve_from FROM replays ";

Result<ReplayRecord> rowToReplay(const Statement &stmt)
{
    ReplayRecord record;
    record.id = stmt.columnInt(0);
    record.job = stmt.columnText(1);
    record.version = stmt.columnText(2);
    record.kind = stmt.columnText(3);
    record.from = stmt.columnText(4);
    KAPPA_ASSIGN_OR_RETURN(record.startOffsets, splitOffsets(stmt.columnText(5)));
    record.rateMultiple = stmt.columnReal(6);
    record.maxRate = stmt.columnReal(7);
    record.minRate = stmt.columnReal(8);
    record.paused = stmt.columnInt(9) != 0;
    record.state = stmt.columnText(10);
    record.reason = stmt.columnText(11);
    record.createdAt = WallTime(stmt.columnInt(12));
    record.createdBy = stmt.columnText(13);
    record.updatedAt = WallTime(stmt.columnInt(14));
    record.serveFrom = stmt.columnText(15);
    return record;
}

constexpr const char *kSelectValidation = "SELECT id, job, candidate, baseline, passed, created_ms, "
                                          "created_by, report_json FROM validations ";

ValidationRecord rowToValidation(const Statement &stmt, bool withReport)
{
    ValidationRecord record;
    record.id = stmt.columnInt(0);
    record.job = stmt.columnText(1);
    record.candidate = stmt.columnText(2);
    record.baseline = stmt.columnText(3);
    record.passed = stmt.columnInt(4) != 0;
    record.createdAt = WallTime(stmt.columnInt(5));
    record.createdBy = stmt.columnText(6);
    if (withReport)
        record.reportJson = stmt.columnText(7);
    return record;
}

constexpr const char *kSelectSwitch
    = "SELECT id, job, from_version, to_version, validation_id, override_reason, "
      "candidate_fingerprint, requested_by, requested_ms, expires_ms, state, "
      "decided_by, decided_ms, reason FROM switch_requests ";

SwitchRequest rowToSwitch(const Statement &stmt)
{
    SwitchRequest request;
    request.id = stmt.columnInt(0);
    request.job = stmt.columnText(1);
    request.fromVersion = stmt.columnText(2);
    request.toVersion = stmt.columnText(3);
    request.validationId = stmt.columnInt(4);
    request.overrideReason = stmt.columnText(5);
    request.candidateFingerprint = stmt.columnText(6);
    request.requestedBy = stmt.columnText(7);
    request.requestedAt = WallTime(stmt.columnInt(8));
    request.expiresAt = WallTime(stmt.columnInt(9));
    request.state = stmt.columnText(10);
    request.decidedBy = stmt.columnText(11);
    request.decidedAt = WallTime(stmt.columnInt(12));
    request.reason = stmt.columnText(13);
    return request;
}

Result<std::int64_t> lastInsertId(SqliteDb &db)
{
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, db.prepare("SELECT last_insert_rowid()"));
    KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row)
        return Status::internal("no row id after an insert");
    return stmt.columnInt(0);
}

} // namespace

ReprocessingStore::ReprocessingStore(SqliteDb &db, std::mutex &mutex, JobStore &jobs)
    : m_db(db)
    , m_mutex(mutex)
    , m_jobs(jobs)
{}

Result<std::int64_t> ReprocessingStore::addReplay(ReplayRecord record)
{
    std::lock_guard lock(m_mutex);
    std::int64_t id = 0;
    const Status stored = m_db.transaction([&]() -> Status {
        KAPPA_RETURN_IF_ERROR(m_jobs.versionLocked(record.job, record.version).status());
        KAPPA_ASSIGN_OR_RETURN(Statement insert,
                               m_db.prepare(
                                   "INSERT INTO replays(job, version, kind, from_spec, start_offsets, "
                                   "rate_multiple, max_rate, min_rate, paused, state, reason, "
                                   "created_ms, created_by, updated_ms, serve_from) VALUES (?, ?, ?, ?, ?, "
                                   "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        const std::int64_t now = catalogNowMs();
        KAPPA_RETURN_IF_ERROR(insert.bind(1, record.job));
        KAPPA_RETURN_IF_ERROR(insert.bind(2, record.version));
        KAPPA_RETURN_IF_ERROR(insert.bind(3, record.kind));
        KAPPA_RETURN_IF_ERROR(insert.bind(4, record.from));
        KAPPA_RETURN_IF_ERROR(insert.bind(5, joinOffsets(record.startOffsets)));
        KAPPA_RETURN_IF_ERROR(insert.bindReal(6, record.rateMultiple));
        KAPPA_RETURN_IF_ERROR(insert.bindReal(7, record.maxRate));
        KAPPA_RETURN_IF_ERROR(insert.bindReal(8, record.minRate));
        KAPPA_RETURN_IF_ERROR(insert.bind(9, std::int64_t{record.paused ? 1 : 0}));
        KAPPA_RETURN_IF_ERROR(insert.bind(10, record.state));
        KAPPA_RETURN_IF_ERROR(insert.bind(11, record.reason));
        KAPPA_RETURN_IF_ERROR(insert.bind(12, now));
        KAPPA_RETURN_IF_ERROR(insert.bind(13, record.createdBy));
        KAPPA_RETURN_IF_ERROR(insert.bind(14, now));
        KAPPA_RETURN_IF_ERROR(insert.bind(15, record.serveFrom));
        KAPPA_RETURN_IF_ERROR(insert.run());
        KAPPA_ASSIGN_OR_RETURN(id, lastInsertId(m_db));
        const std::string detail = record.kind + " of " + record.job + "@" + record.version + " from "
                                   + record.from + ", k=" + rateText(record.rateMultiple, 2)
                                   + ", max_rate=" + rateText(record.maxRate, 0)
                                   + ", min_rate=" + rateText(record.minRate, 0);
        return appendAuditLocked(m_db, record.createdBy, record.kind + ".start", replaySubject(id), detail);
    });
    if (!stored.isOk())
        return stored;
    return id;
}

Result<ReplayRecord> ReprocessingStore::replay(std::int64_t id)
{
    std::lock_guard lock(m_mutex);
    return replayLocked(id);
}

Result<ReplayRecord> ReprocessingStore::replayLocked(std::int64_t id)
{
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, m_db.prepare(std::string(kSelectReplay) + "WHERE id = ?"));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, id));
    KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row)
        return Status::notFound("replay " + std::to_string(id) + " does not exist");
    return rowToReplay(stmt);
}

Result<std::vector<ReplayRecord>> ReprocessingStore::replays()
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, m_db.prepare(std::string(kSelectReplay) + "ORDER BY id DESC"));
    std::vector<ReplayRecord> records;
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
        if (!row)
            return records;
        KAPPA_ASSIGN_OR_RETURN(ReplayRecord record, rowToReplay(stmt));
        records.push_back(std::move(record));
    }
}

Status ReprocessingStore::updateReplay(const ReplayRecord &record, const std::string &actor,
                                       const std::string &action, const std::string &detail)
{
    std::lock_guard lock(m_mutex);
    return m_db.transaction([&]() -> Status {
        KAPPA_RETURN_IF_ERROR(replayLocked(record.id).status());
        KAPPA_ASSIGN_OR_RETURN(Statement update,
                               m_db.prepare(
                                   "UPDATE replays SET rate_multiple = ?, max_rate = ?, min_rate = ?, "
                                   "paused = ?, state = ?, reason = ?, updated_ms = ? WHERE id = ?"));
        KAPPA_RETURN_IF_ERROR(update.bindReal(1, record.rateMultiple));
        KAPPA_RETURN_IF_ERROR(update.bindReal(2, record.maxRate));
        KAPPA_RETURN_IF_ERROR(update.bindReal(3, record.minRate));
        KAPPA_RETURN_IF_ERROR(update.bind(4, std::int64_t{record.paused ? 1 : 0}));
        KAPPA_RETURN_IF_ERROR(update.bind(5, record.state));
        KAPPA_RETURN_IF_ERROR(update.bind(6, record.reason));
        KAPPA_RETURN_IF_ERROR(update.bind(7, catalogNowMs()));
        KAPPA_RETURN_IF_ERROR(update.bind(8, record.id));
        KAPPA_RETURN_IF_ERROR(update.run());
        return appendAuditLocked(m_db, actor, action, replaySubject(record.id), detail);
    });
}

Result<std::int64_t> ReprocessingStore::addValidation(ValidationRecord record)
{
    std::lock_guard lock(m_mutex);
    std::int64_t id = 0;
    const Status stored = m_db.transaction([&]() -> Status {
        KAPPA_ASSIGN_OR_RETURN(Statement insert,
                               m_db.prepare(
                                   "INSERT INTO validations(job, candidate, baseline, passed, "
                                   "report_json, created_ms, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)"));
        KAPPA_RETURN_IF_ERROR(insert.bind(1, record.job));
        KAPPA_RETURN_IF_ERROR(insert.bind(2, record.candidate));
        KAPPA_RETURN_IF_ERROR(insert.bind(3, record.baseline));
        KAPPA_RETURN_IF_ERROR(insert.bind(4, std::int64_t{record.passed ? 1 : 0}));
        KAPPA_RETURN_IF_ERROR(insert.bind(5, record.reportJson));
        KAPPA_RETURN_IF_ERROR(insert.bind(6, catalogNowMs()));
        KAPPA_RETURN_IF_ERROR(insert.bind(7, record.createdBy));
        KAPPA_RETURN_IF_ERROR(insert.run());
        KAPPA_ASSIGN_OR_RETURN(id, lastInsertId(m_db));
        return appendAuditLocked(m_db, record.createdBy, "validation.run",
                                 record.job + "@" + record.candidate,
                                 "validation " + std::to_string(id) + " against " + record.baseline + ": "
                                     + (record.passed ? "passed" : "failed"));
    });
    if (!stored.isOk())
        return stored;
    return id;
}

Result<ValidationRecord> ReprocessingStore::validation(std::int64_t id)
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, m_db.prepare(std::string(kSelectValidation) + "WHERE id = ?"));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, id));
    KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row)
        return Status::notFound("validation " + std::to_string(id) + " does not exist");
    return rowToValidation(stmt, true);
}

Result<std::vector<ValidationRecord>> ReprocessingStore::validations(const std::string &job, bool withReports)
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, m_db.prepare(std::string(kSelectValidation)
                                                        + "WHERE ? = '' OR job = ? ORDER BY id DESC"));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, job));
    KAPPA_RETURN_IF_ERROR(stmt.bind(2, job));
    std::vector<ValidationRecord> records;
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
        if (!row)
            return records;
        records.push_back(rowToValidation(stmt, withReports));
    }
}

Result<std::int64_t> ReprocessingStore::addSwitchRequest(SwitchRequest request)
{
    std::lock_guard lock(m_mutex);
    std::int64_t id = 0;
    const Status stored = m_db.transaction([&]() -> Status {
        KAPPA_ASSIGN_OR_RETURN(Statement insert,
                               m_db.prepare(
                                   "INSERT INTO switch_requests(job, from_version, to_version, "
                                   "validation_id, override_reason, candidate_fingerprint, requested_by, "
                                   "requested_ms, expires_ms, state, decided_by, decided_ms, reason) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', '', 0, '')"));
        KAPPA_RETURN_IF_ERROR(insert.bind(1, request.job));
        KAPPA_RETURN_IF_ERROR(insert.bind(2, request.fromVersion));
        KAPPA_RETURN_IF_ERROR(insert.bind(3, request.toVersion));
        KAPPA_RETURN_IF_ERROR(insert.bind(4, request.validationId));
        KAPPA_RETURN_IF_ERROR(insert.bind(5, request.overrideReason));
        KAPPA_RETURN_IF_ERROR(insert.bind(6, request.candidateFingerprint));
        KAPPA_RETURN_IF_ERROR(insert.bind(7, request.requestedBy));
        KAPPA_RETURN_IF_ERROR(insert.bind(8, request.requestedAt.value()));
        KAPPA_RETURN_IF_ERROR(insert.bind(9, request.expiresAt.value()));
        KAPPA_RETURN_IF_ERROR(insert.run());
        KAPPA_ASSIGN_OR_RETURN(id, lastInsertId(m_db));
        std::string detail = "request " + std::to_string(id) + ": " + request.fromVersion + " -> "
                             + request.toVersion;
        detail += request.validationId != 0 ? ", validation " + std::to_string(request.validationId)
                                            : ", admin override: " + request.overrideReason;
        return appendAuditLocked(m_db, request.requestedBy, "switch.request", request.job, detail);
    });
    if (!stored.isOk())
        return stored;
    return id;
}

Result<SwitchRequest> ReprocessingStore::switchRequest(std::int64_t id)
{
    std::lock_guard lock(m_mutex);
    return switchRequestLocked(id);
}

Result<SwitchRequest> ReprocessingStore::switchRequestLocked(std::int64_t id)
{
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, m_db.prepare(std::string(kSelectSwitch) + "WHERE id = ?"));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, id));
    KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row)
        return Status::notFound("switch request " + std::to_string(id) + " does not exist");
    return rowToSwitch(stmt);
}

Result<std::vector<SwitchRequest>> ReprocessingStore::switchRequests(const std::string &job)
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, m_db.prepare(std::string(kSelectSwitch)
                                                        + "WHERE ? = '' OR job = ? ORDER BY id DESC"));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, job));
    KAPPA_RETURN_IF_ERROR(stmt.bind(2, job));
    std::vector<SwitchRequest> requests;
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
        if (!row)
            return requests;
        requests.push_back(rowToSwitch(stmt));
    }
}

Status ReprocessingStore::markRequestLocked(std::int64_t id, const std::string &state,
                                            const std::string &actor, const std::string &reason)
{
    KAPPA_ASSIGN_OR_RETURN(SwitchRequest request, switchRequestLocked(id));
    if (request.state != "pending")
        return Status::failedPrecondition("switch request " + std::to_string(id) + " is already "
                                          + request.state);
    KAPPA_ASSIGN_OR_RETURN(Statement update,
                           m_db.prepare(
                               "UPDATE switch_requests SET state = ?, decided_by = ?, decided_ms = ?, "
                               "reason = ? WHERE id = ?"));
    KAPPA_RETURN_IF_ERROR(update.bind(1, state));
    KAPPA_RETURN_IF_ERROR(update.bind(2, actor));
    KAPPA_RETURN_IF_ERROR(update.bind(3, catalogNowMs()));
    KAPPA_RETURN_IF_ERROR(update.bind(4, reason));
    KAPPA_RETURN_IF_ERROR(update.bind(5, id));
    return update.run();
}

Status ReprocessingStore::closeSwitchRequest(std::int64_t id, const std::string &state,
                                             const std::string &actor, const std::string &reason)
{
    if (state != "rejected" && state != "expired" && state != "void")
        return Status::invalidArgument("a switch request closes as rejected, expired or void, not '" + state
                                       + "'");
    std::lock_guard lock(m_mutex);
    return m_db.transaction([&]() -> Status {
        KAPPA_RETURN_IF_ERROR(markRequestLocked(id, state, actor, reason));
        KAPPA_ASSIGN_OR_RETURN(SwitchRequest request, switchRequestLocked(id));
        return appendAuditLocked(m_db, actor, "switch." + state, request.job,
                                 "request " + std::to_string(id) + ": " + reason);
    });
}

Status ReprocessingStore::switchAlias(const std::string &job, const std::string &toVersion,
                                      std::int64_t requestId, const std::string &actor,
                                      const std::string &action, const std::string &reason)
{
    std::lock_guard lock(m_mutex);
    return m_db.transaction([&]() -> Status {
        KAPPA_ASSIGN_OR_RETURN(std::optional<std::string> from, m_jobs.aliasLocked(job));
        if (!from)
            return Status::failedPrecondition(job + " has no live version to switch from");
        if (*from == toVersion)
            return Status::failedPrecondition(job + "@" + toVersion + " is already live");
        if (requestId != 0)
            KAPPA_RETURN_IF_ERROR(markRequestLocked(requestId, "switched", actor, reason));
        KAPPA_RETURN_IF_ERROR(m_jobs.setAliasLocked(job, toVersion, actor, action, reason));
        KAPPA_RETURN_IF_ERROR(m_jobs.setStateLocked(job, toVersion, VersionState::Live, actor, action));
        return m_jobs.setStateLocked(job, *from, VersionState::Validated, actor,
                                     action + ": warm for a rollback");
    });
}

} // namespace kappa::control
