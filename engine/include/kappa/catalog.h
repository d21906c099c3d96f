// Catalog: the control plane's durable state in one SQLite database. For now it
// holds the schema registry; jobs, versions, replays, validation reports,
// switches and the audit log will join it as further migrations.
//
// Contracts:
// - open() creates the file if missing and applies every pending migration,
//   each in its own transaction, recorded in `schema_migrations` and
//   `PRAGMA user_version`. A catalog written by a newer Kappa (a higher
//   version than this build knows) is refused with FailedPrecondition.
// - Every acknowledged change is durable (WAL journal, synchronous=FULL).
// - Several processes may open the same catalog; writers wait up to the busy
//   timeout for each other and then fail with Unavailable.
// - Threading: a Catalog and its SchemaRegistry are thread-safe.
#pragma once

#include "kappa/schema_registry.h"
#include "kappa/status.h"

#include <memory>
#include <string>

namespace kappa {

class Catalog
{
public:
    // Opens or creates the catalog at `path` (a file; its directory must exist).
    static Result<std::unique_ptr<Catalog>> open(const std::string &path);
    ~Catalog();
    Catalog(const Catalog &) = delete;
    Catalog &operator=(const Catalog &) = delete;

    // The schema registry persisted in this catalog; lives as long as the catalog.
    SchemaRegistry &schemas();

    const std::string &path() const;
    // The catalog's schema version: the number of migrations applied.
    int schemaVersion() const;
    // The schema version this build creates and understands.
    static int latestSchemaVersion();

private:
    struct Impl;
    explicit Catalog(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace kappa
