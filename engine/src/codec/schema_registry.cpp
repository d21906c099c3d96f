#include "kappa/schema_registry.h"

#include "codec/compatibility.h"
#include "codec/registry_internals.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <tuple>
#include <unordered_map>

namespace kappa {
namespace {

struct Registered
{
    SchemaInfo info;
    codec::AvroSchemaPtr parsed;
};

struct Subject
{
    std::vector<std::int32_t> versionIds; // index v-1 holds the id of version v
    std::optional<CompatibilityMode> mode;
};

Status validateSubject(const std::string &subject)
{
    if (subject.empty() || subject.size() > 255)
        return Status::invalidArgument("subject name must be 1 to 255 characters");
    for (const char c : subject) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return Status::invalidArgument("subject name '" + subject + "' contains a control character");
    }
    return Status::ok();
}

std::string joinReasons(const std::vector<std::string> &reasons)
{
    std::string out;
    for (const std::string &reason : reasons)
        out += (out.empty() ? "" : "; ") + reason;
    return out;
}

} // namespace

struct SchemaRegistry::Impl
{
    SchemaStore *store = nullptr;
    mutable std::shared_mutex mutex;
    std::unordered_map<std::int32_t, Registered> byId;
    std::unordered_map<std::uint64_t, std::vector<std::int32_t>> byFingerprint;
    std::map<std::string, Subject> subjects;
    std::int32_t nextId = 1;

    // Caller holds the lock.
    std::optional<std::int32_t> idForCanonical(const codec::AvroSchema &schema) const
    {
        const auto it = byFingerprint.find(schema.fingerprint());
        if (it == byFingerprint.end())
            return std::nullopt;
        for (const std::int32_t id : it->second) {
            if (byId.at(id).info.canonicalForm == schema.canonicalForm())
                return id;
        }
        return std::nullopt;
    }

    void addSchema(Registered registered)
    {
        const std::int32_t id = registered.info.id.value();
        byFingerprint[registered.info.fingerprint].push_back(id);
        nextId = std::max(nextId, id + 1);
        byId.emplace(id, std::move(registered));
    }

    SubjectVersion versionOf(const std::string &name, const Subject &subject, int version) const
    {
        const std::int32_t id = subject.versionIds[static_cast<std::size_t>(version - 1)];
        return SubjectVersion{name, version, SchemaId(id), byId.at(id).info.schemaJson};
    }

    CompatibilityReport check(const Subject *subject, const codec::AvroSchema &candidate,
                              CompatibilityMode mode) const
    {
        std::vector<codec::ExistingVersion> existing;
        if (subject) {
            for (std::size_t i = 0; i < subject->versionIds.size(); ++i)
                existing.push_back({static_cast<int>(i + 1), byId.at(subject->versionIds[i]).parsed.get()});
        }
        return codec::checkCompatibility(candidate, existing, mode);
    }

    Status load(SchemaStoreContents contents);
};

Status SchemaRegistry::Impl::load(SchemaStoreContents contents)
{
    for (SchemaInfo &info : contents.schemas) {
        auto parsed = codec::parseAvroSchema(info.schemaJson);
        if (!parsed.isOk())
            return Status::corruption("stored schema id " + std::to_string(info.id.value())
                                      + " does not parse: " + parsed.status().message());
        info.canonicalForm = (*parsed)->canonicalForm();
        info.fingerprint = (*parsed)->fingerprint();
        addSchema(Registered{std::move(info), std::move(parsed).value()});
    }
    std::sort(contents.versions.begin(), contents.versions.end(), [](const auto &a, const auto &b) {
        return std::tie(a.subject, a.version) < std::tie(b.subject, b.version);
    });
    for (const SubjectVersion &version : contents.versions) {
        Subject &subject = subjects[version.subject];
        if (version.version != static_cast<int>(subject.versionIds.size()) + 1)
            return Status::corruption("stored versions of subject '" + version.subject
                                      + "' are not 1, 2, ... (found " + std::to_string(version.version) + ")");
        if (!byId.count(version.id.value()))
            return Status::corruption("subject '" + version.subject + "' version "
                                      + std::to_string(version.version) + " refers to unknown schema id "
                                      + std::to_string(version.id.value()));
        subject.versionIds.push_back(version.id.value());
    }
    for (const auto &[name, mode] : contents.compatibility)
        subjects[name].mode = mode;
    return Status::ok();
}

SchemaRegistry::SchemaRegistry()
    : m_impl(std::make_unique<Impl>())
{}

SchemaRegistry::~SchemaRegistry() = default;

Result<std::unique_ptr<SchemaRegistry>> SchemaRegistry::open(SchemaStore &store)
{
    auto registry = std::make_unique<SchemaRegistry>();
    registry->m_impl->store = &store;
    KAPPA_ASSIGN_OR_RETURN(SchemaStoreContents contents, store.load());
    KAPPA_RETURN_IF_ERROR(registry->m_impl->load(std::move(contents)));
    return registry;
}

Result<RegisterOutcome> SchemaRegistry::registerSchema(const std::string &subject, std::string_view schemaJson)
{
    KAPPA_RETURN_IF_ERROR(validateSubject(subject));
    KAPPA_ASSIGN_OR_RETURN(codec::AvroSchemaPtr parsed, codec::parseAvroSchema(schemaJson));
    std::unique_lock lock(m_impl->mutex);
    const auto subjectIt = m_impl->subjects.find(subject);
    const Subject *existing = subjectIt == m_impl->subjects.end() ? nullptr : &subjectIt->second;
    const std::optional<std::int32_t> knownId = m_impl->idForCanonical(*parsed);
    if (existing && knownId) {
        const auto &ids = existing->versionIds;
        const auto found = std::find(ids.begin(), ids.end(), *knownId);
        if (found != ids.end())
            return RegisterOutcome{SchemaId(*knownId), static_cast<int>(found - ids.begin()) + 1, false};
    }
    const CompatibilityMode mode = existing && existing->mode ? *existing->mode : kDefaultCompatibility;
    const CompatibilityReport report = m_impl->check(existing, *parsed, mode);
    if (!report.compatible)
        return Status::failedPrecondition("schema is incompatible with subject '" + subject + "' under "
                                          + std::string(compatibilityModeName(mode)) + ": "
                                          + joinReasons(report.reasons));
    const std::int32_t id = knownId ? *knownId : m_impl->nextId;
    const int version = existing ? static_cast<int>(existing->versionIds.size()) + 1 : 1;
    SchemaInfo info{SchemaId(id), std::string(schemaJson), parsed->canonicalForm(), parsed->fingerprint()};
    const SubjectVersion added{subject, version, SchemaId(id),
                               knownId ? m_impl->byId.at(id).info.schemaJson : info.schemaJson};
    if (m_impl->store)
        KAPPA_RETURN_IF_ERROR(m_impl->store->addVersion(added, knownId ? nullptr : &info));
    if (!knownId)
        m_impl->addSchema(Registered{std::move(info), std::move(parsed)});
    m_impl->subjects[subject].versionIds.push_back(id);
    return RegisterOutcome{SchemaId(id), version, true};
}

Result<CompatibilityReport> SchemaRegistry::checkCompatibility(const std::string &subject,
                                                               std::string_view schemaJson) const
{
    KAPPA_RETURN_IF_ERROR(validateSubject(subject));
    KAPPA_ASSIGN_OR_RETURN(codec::AvroSchemaPtr parsed, codec::parseAvroSchema(schemaJson));
    std::shared_lock lock(m_impl->mutex);
    const auto it = m_impl->subjects.find(subject);
    const Subject *existing = it == m_impl->subjects.end() ? nullptr : &it->second;
    const CompatibilityMode mode = existing && existing->mode ? *existing->mode : kDefaultCompatibility;
    return m_impl->check(existing, *parsed, mode);
}

Result<SchemaInfo> SchemaRegistry::schemaById(SchemaId id) const
{
    std::shared_lock lock(m_impl->mutex);
    const auto it = m_impl->byId.find(id.value());
    if (it == m_impl->byId.end())
        return Status::notFound("schema id " + std::to_string(id.value()) + " is not in the registry");
    return it->second.info;
}

Result<SubjectVersion> SchemaRegistry::subjectVersion(const std::string &subject, int version) const
{
    std::shared_lock lock(m_impl->mutex);
    const auto it = m_impl->subjects.find(subject);
    if (it == m_impl->subjects.end() || it->second.versionIds.empty())
        return Status::notFound("subject '" + subject + "' has no versions");
    if (version < 1 || static_cast<std::size_t>(version) > it->second.versionIds.size())
        return Status::notFound("subject '" + subject + "' has no version " + std::to_string(version)
                                + " (latest is " + std::to_string(it->second.versionIds.size()) + ")");
    return m_impl->versionOf(subject, it->second, version);
}

Result<SubjectVersion> SchemaRegistry::latestVersion(const std::string &subject) const
{
    std::shared_lock lock(m_impl->mutex);
    const auto it = m_impl->subjects.find(subject);
    if (it == m_impl->subjects.end() || it->second.versionIds.empty())
        return Status::notFound("subject '" + subject + "' has no versions");
    return m_impl->versionOf(subject, it->second, static_cast<int>(it->second.versionIds.size()));
}

Result<SubjectVersion> SchemaRegistry::lookupSchema(const std::string &subject,
                                                    std::string_view schemaJson) const
{
    KAPPA_ASSIGN_OR_RETURN(codec::AvroSchemaPtr parsed, codec::parseAvroSchema(schemaJson));
    std::shared_lock lock(m_impl->mutex);
    const auto it = m_impl->subjects.find(subject);
    const auto id = m_impl->idForCanonical(*parsed);
    if (it != m_impl->subjects.end() && id) {
        const auto &ids = it->second.versionIds;
        const auto found = std::find(ids.begin(), ids.end(), *id);
        if (found != ids.end())
            return m_impl->versionOf(subject, it->second, static_cast<int>(found - ids.begin()) + 1);
    }
    return Status::notFound("subject '" + subject + "' has no version with this schema");
}

std::vector<std::string> SchemaRegistry::subjects() const
{
    std::shared_lock lock(m_impl->mutex);
    std::vector<std::string> names;
    for (const auto &[name, subject] : m_impl->subjects) {
        if (!subject.versionIds.empty())
            names.push_back(name);
    }
    return names;
}

Result<std::vector<int>> SchemaRegistry::versions(const std::string &subject) const
{
    std::shared_lock lock(m_impl->mutex);
    const auto it = m_impl->subjects.find(subject);
    if (it == m_impl->subjects.end() || it->second.versionIds.empty())
        return Status::notFound("subject '" + subject + "' has no versions");
    std::vector<int> versions(it->second.versionIds.size());
    for (std::size_t i = 0; i < versions.size(); ++i)
        versions[i] = static_cast<int>(i + 1);
    return versions;
}

CompatibilityMode SchemaRegistry::compatibility(const std::string &subject) const
{
    std::shared_lock lock(m_impl->mutex);
    const auto it = m_impl->subjects.find(subject);
    return it != m_impl->subjects.end() && it->second.mode ? *it->second.mode : kDefaultCompatibility;
}

Status SchemaRegistry::setCompatibility(const std::string &subject, CompatibilityMode mode)
{
    KAPPA_RETURN_IF_ERROR(validateSubject(subject));
    std::unique_lock lock(m_impl->mutex);
    if (m_impl->store)
        KAPPA_RETURN_IF_ERROR(m_impl->store->setCompatibility(subject, mode));
    m_impl->subjects[subject].mode = mode;
    return Status::ok();
}

Result<std::string> SchemaRegistry::canonicalForm(std::string_view schemaJson)
{
    KAPPA_ASSIGN_OR_RETURN(codec::AvroSchemaPtr parsed, codec::parseAvroSchema(schemaJson));
    return parsed->canonicalForm();
}

namespace codec {

Result<AvroSchemaPtr> RegistryInternals::parsedSchema(const SchemaRegistry &registry, SchemaId id)
{
    std::shared_lock lock(registry.m_impl->mutex);
    const auto it = registry.m_impl->byId.find(id.value());
    if (it == registry.m_impl->byId.end())
        return Status::notFound("schema id " + std::to_string(id.value()) + " is not in the registry");
    return it->second.parsed;
}

} // namespace codec
} // namespace kappa
