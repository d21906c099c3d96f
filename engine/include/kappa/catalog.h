// Catalog: the control plane's durable state in one SQLite database: the
// schema registry, job versions with their lifecycle states, the serving
// alias of each job, replays, validation reports, switch requests and the
// append-only, hash-chained audit log.
//
// Contracts:
// - open() creates the file if missing and applies every pending migration,
//   each in its own transaction, recorded in `schema_migrations` and
//   `PRAGMA user_version`. A catalog written by a newer Kappa (a higher
//   version than this build knows) is refused with FailedPrecondition.
// - Every acknowledged change is durable (WAL journal, synchronous=FULL).
// - Several processes may open the same catalog; writers wait up to the busy
//   timeout for each other and then fail with Unavailable.
// - Every change of a version's state, of an alias, of a replay, and every
//   validation and switch request is audited in the same transaction as the
//   change itself: an acknowledged change always has its audit entry.
// - The rows of the tables a cluster shares (sharedRows()) can be copied to
//   another instance's catalog (applySharedRows()), which then holds the
//   same rows; the schema registry and schema_migrations are never shared.
// - Threading: a Catalog and its SchemaRegistry are thread-safe.
#pragma once

#include "kappa/schema_registry.h"
#include "kappa/status.h"
#include "kappa/types.h"

#include <memory>
#include <optional>
#include <span>
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
    WallTime stateChangedAt; // when it entered `state`
};

struct AliasChange
{
    std::string job;
    std::optional<std::string> fromVersion; // none for the job's first alias
    std::string toVersion;
    WallTime at;
    std::string actor;
};

// One entry of the audit log. Entries are never updated or deleted (the
// database refuses to); each one's hash covers its fields and the previous
// entry's hash, so an edited or removed entry breaks the chain.
struct AuditEntry
{
    std::int64_t seq = 0; // 1, 2, ... without gaps
    WallTime at;
    std::string actor;
    std::string action;   // e.g. "replay.start", "version.state", "alias.switch"
    std::string subject;  // e.g. "user_features@v2", "replay 3"
    std::string detail;   // human-readable
    std::string prevHash; // "" for the first entry
    std::string hash;     // SHA-256, 64 hex digits
};

struct AuditVerification
{
    std::int64_t entries = 0;
    std::optional<std::int64_t> firstBadSeq; // none: the chain verifies
    std::string problem;                     // why that entry fails
};

// A replay (or a rebuild of a lost view): a job version reading the log from
// a start position at a throttled rate beside the live version.
struct ReplayRecord
{
    std::int64_t id = 0;
    std::string job;
    std::string version;
    std::string kind = "replay";            // "replay", or "rebuild" of an existing version's views
    std::string from = "earliest";          // as requested: earliest, an offset, a timestamp, a duration
    std::vector<std::int64_t> startOffsets; // per source partition, resolved at launch
    double rateMultiple = 5.0;              // k: rate = k x live ingest
    double maxRate = 0;                     // events/s cap; 0: none
    double minRate = 0;                     // events/s floor
    bool paused = false;
    std::string serveFrom;         // rebuild: the version serving reads until it has caught up ("": none)
    std::string state = "running"; // running, caught_up, cancelled, failed, finished
    std::string reason;            // of the last change
    WallTime createdAt;
    std::string createdBy;
    WallTime updatedAt;
};

// A stored validation of a candidate version against the live one.
struct ValidationRecord
{
    std::int64_t id = 0;
    std::string job;
    std::string candidate;
    std::string baseline;
    bool passed = false;
    std::string reportJson;
    WallTime createdAt;
    std::string createdBy;
};

// A request to switch a job's alias to a candidate, and its decision.
struct SwitchRequest
{
    std::int64_t id = 0;
    std::string job;
    std::string fromVersion;
    std::string toVersion;
    std::int64_t validationId = 0; // 0: an admin override
    std::string overrideReason;
    std::string candidateFingerprint; // the candidate as validated; a change voids the request
    std::string requestedBy;
    WallTime requestedAt;
    WallTime expiresAt;
    std::string state = "pending"; // pending, switched, rejected, expired, void
    std::string decidedBy;
    WallTime decidedAt;
    std::string reason;
};

// One row of a table the instances of a cluster share, as published on a
// compacted topic. `key` is "<table>/<primary key>": an integer key in
// decimal ("replays/7"), a text key as is ("aliases/user_features"), a
// composite key as a JSON array of its columns in key order
// (`job_versions/["user_features","v1"]`). Keys are canonical: one row has
// exactly one key, so compaction keeps its latest value. `value` is a JSON
// object of the row's columns; integers, reals (always with a '.' or an
// exponent), text and null keep their type.
struct CatalogRow
{
    std::string key;
    std::string value;

    bool operator==(const CatalogRow &) const = default;
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

    // Replays --------------------------------------------------------------
    // Stores a new replay (id, times set here); audited as "replay.start".
    Result<std::int64_t> addReplay(ReplayRecord record);
    Result<ReplayRecord> replay(std::int64_t id) const;
    // Every replay, newest first.
    Result<std::vector<ReplayRecord>> replays() const;
    // Stores the replay's mutable fields (rates, paused, state, reason) and
    // audits `action` (e.g. "replay.rate", "replay.pause") with `detail`.
    Status updateReplay(const ReplayRecord &record, const std::string &actor, const std::string &action,
                        const std::string &detail);

    // Validations and switches ---------------------------------------------
    Result<std::int64_t> addValidation(ValidationRecord record);
    Result<ValidationRecord> validation(std::int64_t id) const;
    // Of one job (of all if empty), newest first; reports left out when !withReports.
    Result<std::vector<ValidationRecord>> validations(const std::string &job, bool withReports) const;
    Result<std::int64_t> addSwitchRequest(SwitchRequest request);
    Result<SwitchRequest> switchRequest(std::int64_t id) const;
    Result<std::vector<SwitchRequest>> switchRequests(const std::string &job) const;
    // Closes a pending request without switching (rejected, expired, void).
    Status closeSwitchRequest(std::int64_t id, const std::string &state, const std::string &actor,
                              const std::string &reason);
    // In one transaction: the job's alias moves to `toVersion`, which becomes
    // live; the version it leaves becomes `validated` (warm, eligible for a
    // rollback); the request (if any) is marked switched; the audit log gets
    // `action` ("alias.switch" or "alias.rollback"). FailedPrecondition if
    // the request is no longer pending or a version is in a final state.
    Status switchAlias(const std::string &job, const std::string &toVersion, std::int64_t requestId,
                       const std::string &actor, const std::string &action, const std::string &reason);

    // Audit ------------------------------------------------------------------
    Status appendAudit(const std::string &actor, const std::string &action, const std::string &subject,
                       const std::string &detail);
    // Entries with seq > afterSeq, oldest first, at most `limit`.
    Result<std::vector<AuditEntry>> audit(std::int64_t afterSeq, std::size_t limit) const;
    // Re-computes the chain from the first entry.
    Result<AuditVerification> verifyAudit() const;

    // Shared rows -------------------------------------------------------------
    // Every row of the shared tables (job_versions, version_transitions,
    // aliases, alias_history, replays, validations, switch_requests,
    // audit_log), read from one snapshot: the tables in that order
    // (referenced tables first), each by primary key. Internal if a row
    // cannot be expressed (a blob, a non-finite real, text that is not UTF-8).
    Result<std::vector<CatalogRow>> sharedRows() const;
    // Stores rows exported by another instance's catalog in one transaction,
    // each replacing the row of the same key (the shared catalog wins, also
    // over an audit entry of the same seq), in any order: foreign keys are
    // checked once all rows are in. Rows that exist here and not in `rows`
    // stay. Applying rows already stored changes nothing.
    // Nothing is applied when it fails:
    // - InvalidArgument naming the key: a malformed key or value (not a JSON
    //   object of scalars), a table that is not shared, an unknown column, a
    //   value of the wrong type or a null for a NOT NULL column, a missing
    //   column that has no default, or a key that does not match the value's
    //   primary key columns;
    // - FailedPrecondition naming the key: a row refers to a row (e.g. a job
    //   version) that neither this catalog nor `rows` has.
    // Ids assigned here afterwards (addReplay, ...) are above every applied id.
    Status applySharedRows(std::span<const CatalogRow> rows);
    // Deletes these shared rows (keys as sharedRows() gives them; unknown
    // keys are ignored) in one transaction, audit entries included: for an
    // instance holding rows its cluster never got (it led, and could not
    // share a change before it lost the lead), so that its catalog equals
    // the shared one again. The audit log refuses deletes otherwise.
    // Returns how many rows it deleted.
    Result<std::size_t> dropSharedRows(std::span<const std::string> keys);

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
