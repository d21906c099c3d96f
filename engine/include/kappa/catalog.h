// Catalog: the control plane's durable state in one SQLite database: the
// schema registry, job versions with their lifecycle states, and the serving
// alias of each job. Replays, validation reports, switches and the audit log
// will join it as further migrations.
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
#include "kappa/types.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kappa {

// The lifecycle of a job version: replaying -> caught_up -> validated -> live
// -> retired, or failed / cancelled. Retired, failed and cancelled are final.
enum class VersionState : std::uint8_t { Replaying, CaughtUp, Validated, Live, Retired, Failed, Cancelled };

// "replaying", "caught_up", "validated", "live", "retired", "failed", "cancelled".
std::string_view versionStateName(VersionState state);
std::optional<VersionState> parseVersionState(std::string_view name);

struct JobVersionInfo
{
    std::string job;      // e.g. "user_features"
    std::string version;  // e.g. "v1"
    std::string specJson; // the spec as registered
    VersionState state = VersionState::Replaying;
    WallTime createdAt;
    std::string createdBy;
};

struct AliasChange
{
    std::string job;
    std::optional<std::string> fromVersion; // none for the job's first alias
    std::string toVersion;
    WallTime at;
    std::string actor;
};

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

    // Registers job@version with its spec in `info.state` (createdAt is set
    // here). Idempotent for an identical spec; AlreadyExists if that version
    // exists with another spec; InvalidArgument for an empty job or version.
    Status addJobVersion(JobVersionInfo info);
    // NotFound names job@version.
    Result<JobVersionInfo> jobVersion(const std::string &job, const std::string &version) const;
    // Every version of `job` (of all jobs if empty), by job, then creation order.
    Result<std::vector<JobVersionInfo>> jobVersions(const std::string &job = {}) const;
    // Moves a version to another state and records who did it and why.
    // FailedPrecondition when the version is in a final state.
    Status setVersionState(const std::string &job, const std::string &version, VersionState to,
                           const std::string &actor, const std::string &reason = {});

    // Points the job's alias at `version` in one transaction (readers see the
    // old or the new version, never neither). The version must be registered
    // and not in a final state.
    Status setAlias(const std::string &job, const std::string &version, const std::string &actor);
    // The live version of `job`, or none if the job has no alias yet.
    Result<std::optional<std::string>> alias(const std::string &job) const;
    // Every alias change of `job`, oldest first.
    Result<std::vector<AliasChange>> aliasHistory(const std::string &job) const;

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
