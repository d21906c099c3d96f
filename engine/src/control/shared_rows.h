// The catalog rows the instances of a cluster share (Catalog::sharedRows and
// Catalog::applySharedRows; the contract and the key format are in
// kappa/catalog.h). Generic over columns: each table's columns, their types
// and its primary key come from `PRAGMA table_info`, so a migration that adds
// a column to a shared table needs no change here; one that adds a shared
// table appends it to the list in shared_rows.cpp.
//
// Applying replaces rows whose key is the rowid with INSERT OR REPLACE (its
// implicit delete fires no trigger while recursive_triggers is off, so an
// audit entry can be replaced although the audit log refuses UPDATE and
// DELETE) and updates the others in place (an upsert keeps their hidden
// rowid). Foreign keys are deferred to the end of the transaction, so rows
// apply in any order.
//
// Threading: the caller holds the catalog's connection mutex.
#pragma once

#include "kappa/catalog.h"
#include "sqlite/sqlite_db.h"

#include <span>
#include <vector>

namespace kappa::control {

// Every row of the shared tables, read in a snapshot of its own.
Result<std::vector<CatalogRow>> readSharedRowsLocked(sqlite::SqliteDb &db);

// Validates and stores `rows` inside a write transaction of the caller, who
// rolls it back if this fails.
Status applySharedRowsLocked(sqlite::SqliteDb &db, std::span<const CatalogRow> rows);

// Deletes the shared rows with these keys inside a write transaction of the
// caller; the audit log's delete guard is lifted for it and restored.
Result<std::size_t> dropSharedRowsLocked(sqlite::SqliteDb &db, std::span<const std::string> keys);

} // namespace kappa::control
