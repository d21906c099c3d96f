// The audit log (table audit_log, migration 3): append-only, each entry
// hash-chained to the one before it.
//
// hash = SHA-256 over the previous entry's hash and this entry's seq, time,
// actor, action, subject and detail, each length-prefixed so that no two
// different entries hash the same text. Verification recomputes the chain:
// an edited entry changes its hash, a removed one leaves a gap in seq or a
// broken prev_hash link. (Removing the newest entries cuts the chain cleanly;
// the entry count in a verification is what an operator compares with a
// copy kept elsewhere.)
//
// Threading: the caller holds the catalog's connection mutex; append() is
// called inside the transaction of the change it records.
#pragma once

#include "kappa/catalog.h"
#include "sqlite/sqlite_db.h"

namespace kappa::control {

Status appendAuditLocked(sqlite::SqliteDb &db, const std::string &actor, const std::string &action,
                         const std::string &subject, const std::string &detail);
Result<std::vector<AuditEntry>> readAuditLocked(sqlite::SqliteDb &db, std::int64_t afterSeq,
                                                std::size_t limit);
Result<AuditVerification> verifyAuditLocked(sqlite::SqliteDb &db);

// The hash of an entry whose other fields are set.
std::string auditHash(const AuditEntry &entry);

} // namespace kappa::control
