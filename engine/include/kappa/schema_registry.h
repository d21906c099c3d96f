// SchemaRegistry: Avro schemas by subject and version, with global ids and a
// compatibility mode per subject, after the Confluent Schema Registry.
//
// Contracts:
// - A schema id is global: the same schema (same Parsing Canonical Form)
//   registered under several subjects has one id. Ids start at 1 and are never
//   reused. Versions of a subject start at 1 and grow by one.
// - registerSchema() is idempotent: registering a schema the subject already
//   has returns its existing version and id and changes nothing.
// - A new version is accepted only if it is compatible under the subject's
//   mode (BACKWARD by default), checked by the Avro schema-resolution rules:
//     BACKWARD  the new schema can read data written with the latest version
//     FORWARD   the latest version can read data written with the new schema
//     FULL      both;  *_TRANSITIVE: against every earlier version, not only the latest
//     NONE      no check.
//   A rejection is FailedPrecondition whose message names each broken rule.
// - A malformed schema is InvalidArgument naming what is wrong.
// - With a SchemaStore, a change is durable in the store before it becomes
//   visible; if the store fails, nothing changes.
// - Threading: all methods are thread-safe. Registration is serialized; lookups
//   take a shared lock only.
#pragma once

#include "kappa/status.h"
#include "kappa/types.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kappa {

namespace codec {
struct RegistryInternals;
}

enum class CompatibilityMode : std::uint8_t {
    None,
    Backward,
    BackwardTransitive,
    Forward,
    ForwardTransitive,
    Full,
    FullTransitive,
};

// "NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", ... (Confluent spelling).
std::string_view compatibilityModeName(CompatibilityMode mode);
// Parses the spelling above (case-insensitive); nullopt if unknown.
std::optional<CompatibilityMode> parseCompatibilityMode(std::string_view name);

inline constexpr CompatibilityMode kDefaultCompatibility = CompatibilityMode::Backward;

// A schema as registered under a subject.
struct SubjectVersion
{
    std::string subject;
    int version = 0;
    SchemaId id;
    std::string schemaJson; // the text first registered for this id
};

// A schema by id, independent of subjects.
struct SchemaInfo
{
    SchemaId id;
    std::string schemaJson;
    std::string canonicalForm;     // Avro Parsing Canonical Form
    std::uint64_t fingerprint = 0; // CRC-64-AVRO of the canonical form
};

struct RegisterOutcome
{
    SchemaId id;
    int version = 0;
    bool created = false; // false when the subject already had this schema
};

struct CompatibilityReport
{
    bool compatible = true;
    CompatibilityMode mode = kDefaultCompatibility;
    // One sentence per broken rule, naming the version checked against.
    std::vector<std::string> reasons;
};

// What the registry persists. Everything stored, as load() returns it and as
// the registry hands it to the store one change at a time.
struct SchemaStoreContents
{
    std::vector<SchemaInfo> schemas;
    std::vector<SubjectVersion> versions; // schemaJson may be left empty: it is taken from `schemas`
    std::vector<std::pair<std::string, CompatibilityMode>> compatibility;
};

// Persistence seam: the control module's SQLite Catalog implements it; tests
// and tools may run the registry in memory. Implementations need not lock: the
// registry serializes its calls.
class SchemaStore
{
public:
    virtual ~SchemaStore() = default;
    virtual Result<SchemaStoreContents> load() = 0;
    // Durably adds one subject version; `newSchema` is set when its id is new and
    // must be stored in the same atomic change.
    virtual Status addVersion(const SubjectVersion &version, const SchemaInfo *newSchema) = 0;
    virtual Status setCompatibility(const std::string &subject, CompatibilityMode mode) = 0;
};

class SchemaRegistry
{
public:
    // A registry kept only in memory.
    SchemaRegistry();
    // Loads everything from `store`, which must outlive the registry and receives every change.
    static Result<std::unique_ptr<SchemaRegistry>> open(SchemaStore &store);
    ~SchemaRegistry();
    SchemaRegistry(const SchemaRegistry &) = delete;
    SchemaRegistry &operator=(const SchemaRegistry &) = delete;

    Result<RegisterOutcome> registerSchema(const std::string &subject, std::string_view schemaJson);
    // The verdict registerSchema would reach, without registering. A subject
    // without versions accepts anything (compatible, no reasons).
    Result<CompatibilityReport> checkCompatibility(const std::string &subject,
                                                   std::string_view schemaJson) const;

    // NotFound names the id, subject or version.
    Result<SchemaInfo> schemaById(SchemaId id) const;
    Result<SubjectVersion> subjectVersion(const std::string &subject, int version) const;
    Result<SubjectVersion> latestVersion(const std::string &subject) const;
    // The version of `subject` holding this schema (by canonical form).
    Result<SubjectVersion> lookupSchema(const std::string &subject, std::string_view schemaJson) const;
    std::vector<std::string> subjects() const; // sorted
    Result<std::vector<int>> versions(const std::string &subject) const;

    // The subject's mode, or the default for subjects never configured.
    CompatibilityMode compatibility(const std::string &subject) const;
    Status setCompatibility(const std::string &subject, CompatibilityMode mode);

    // Parses a schema and returns its Parsing Canonical Form (InvalidArgument if malformed).
    static Result<std::string> canonicalForm(std::string_view schemaJson);

private:
    friend struct codec::RegistryInternals;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace kappa
