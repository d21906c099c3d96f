#include "control/audit_log.h"

#include "base/sha256.h"
#include "control/catalog_time.h"

namespace kappa::control {
namespace {

void appendField(std::string &out, std::string_view field)
{
    out += std::to_string(field.size());
    out += ':';
    out += field;
}

constexpr const char *kSelectAudit = "SELECT seq, at_ms, actor, action, subject, detail, prev_hash, hash "
                                     "FROM audit_log ";

AuditEntry rowToEntry(const sqlite::Statement &stmt)
{
    AuditEntry entry;
    entry.seq = stmt.columnInt(0);
    entry.at = WallTime(stmt.columnInt(1));
    entry.actor = stmt.columnText(2);
    entry.action = stmt.columnText(3);
    entry.subject = stmt.columnText(4);
    entry.detail = stmt.columnText(5);
    entry.prevHash = stmt.columnText(6);
    entry.hash = stmt.columnText(7);
    return entry;
}

} // namespace

std::string auditHash(const AuditEntry &entry)
{
    std::string text;
    appendField(text, entry.prevHash);
    appendField(text, std::to_string(entry.seq));
    appendField(text, std::to_string(entry.at.value()));
    appendField(text, entry.actor);
    appendField(text, entry.action);
    appendField(text, entry.subject);
    appendField(text, entry.detail);
    return sha256Hex(text);
}

Status appendAuditLocked(sqlite::SqliteDb &db, const std::string &actor, const std::string &action,
                         const std::string &subject, const std::string &detail)
{
    KAPPA_ASSIGN_OR_RETURN(sqlite::Statement last, db.prepare("SELECT seq, hash FROM audit_log "
                                                              "ORDER BY seq DESC LIMIT 1"));
    KAPPA_ASSIGN_OR_RETURN(const bool hasLast, last.step());
    AuditEntry entry;
    entry.seq = hasLast ? last.columnInt(0) + 1 : 1;
    entry.prevHash = hasLast ? last.columnText(1) : std::string();
    entry.at = WallTime(catalogNowMs());
    entry.actor = actor;
    entry.action = action;
    entry.subject = subject;
    entry.detail = detail;
    entry.hash = auditHash(entry);
    KAPPA_ASSIGN_OR_RETURN(sqlite::Statement insert,
                           db.prepare("INSERT INTO audit_log(seq, at_ms, actor, action, subject, detail, "
                                      "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    KAPPA_RETURN_IF_ERROR(insert.bind(1, entry.seq));
    KAPPA_RETURN_IF_ERROR(insert.bind(2, entry.at.value()));
    KAPPA_RETURN_IF_ERROR(insert.bind(3, entry.actor));
    KAPPA_RETURN_IF_ERROR(insert.bind(4, entry.action));
    KAPPA_RETURN_IF_ERROR(insert.bind(5, entry.subject));
    KAPPA_RETURN_IF_ERROR(insert.bind(6, entry.detail));
    KAPPA_RETURN_IF_ERROR(insert.bind(7, entry.prevHash));
    KAPPA_RETURN_IF_ERROR(insert.bind(8, entry.hash));
    return insert.run();
}

Result<std::vector<AuditEntry>> readAuditLocked(sqlite::SqliteDb &db, std::int64_t afterSeq, std::size_t limit)
{
    KAPPA_ASSIGN_OR_RETURN(sqlite::Statement stmt,
                           db.prepare(std::string(kSelectAudit) + "WHERE seq > ? ORDER BY seq LIMIT ?"));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, afterSeq));
    KAPPA_RETURN_IF_ERROR(stmt.bind(2, static_cast<std::int64_t>(limit)));
    std::vector<AuditEntry> entries;
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
        if (!row)
            return entries;
        entries.push_back(rowToEntry(stmt));
    }
}

Result<AuditVerification> verifyAuditLocked(sqlite::SqliteDb &db)
{
    KAPPA_ASSIGN_OR_RETURN(sqlite::Statement stmt, db.prepare(std::string(kSelectAudit) + "ORDER BY seq"));
    AuditVerification result;
    std::string previousHash;
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
        if (!row)
            return result;
        const AuditEntry entry = rowToEntry(stmt);
        const std::int64_t expectedSeq = result.entries + 1;
        ++result.entries;
        if (result.firstBadSeq)
            continue;
        if (entry.seq != expectedSeq)
            result.problem = "entry " + std::to_string(expectedSeq) + " is missing (the next is "
                             + std::to_string(entry.seq) + ")";
        else if (entry.prevHash != previousHash)
            result.problem = "entry " + std::to_string(entry.seq)
                             + " does not link to the entry before it (that one was changed or removed)";
        else if (auditHash(entry) != entry.hash)
            result.problem = "entry " + std::to_string(entry.seq) + " was changed after it was written";
        if (!result.problem.empty())
            result.firstBadSeq = entry.seq;
        previousHash = entry.hash;
    }
}

} // namespace kappa::control
