// The catalog's schema history. Each migration runs once, in its own
// transaction, and is recorded in `schema_migrations` and PRAGMA user_version.
// Later modules add tables (jobs, replays, audit) by appending migrations;
// applied migrations are never edited.
#pragma once

#include "sqlite/sqlite_db.h"

namespace kappa::control {

using sqlite::SqliteDb;
using sqlite::Statement;

// The number of migrations this build knows.
int latestCatalogVersion();

// Applies the pending migrations; returns the resulting version. A database
// with a higher version than latestCatalogVersion() is FailedPrecondition.
Result<int> migrateCatalog(SqliteDb &db);

} // namespace kappa::control
