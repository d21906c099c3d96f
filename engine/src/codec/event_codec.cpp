#include "kappa/event_codec.h"

#include "codec/event_plan.h"
#include "codec/json_render.h"
#include "codec/registry_internals.h"

#include <array>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace kappa {
namespace {

constexpr std::size_t kDirectIds = 1024;

std::int32_t readSchemaId(std::string_view payload)
{
    const auto byte = [&](std::size_t i) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(payload[i]));
    };
    return static_cast<std::int32_t>((byte(1) << 24) | (byte(2) << 16) | (byte(3) << 8) | byte(4));
}

Status checkHeader(std::string_view payload)
{
    if (payload.size() < kWireHeaderSize)
        return Status::corruption("payload of " + std::to_string(payload.size())
                                  + " bytes is shorter than the " + std::to_string(kWireHeaderSize)
                                  + "-byte header at byte 0");
    if (payload[0] != 0)
        return Status::corruption("bad magic byte " + std::to_string(static_cast<unsigned char>(payload[0]))
                                  + " (expected 0) at byte 0");
    return Status::ok();
}

void appendHeader(std::string &out, SchemaId id)
{
    const auto v = static_cast<std::uint32_t>(id.value());
    const char header[kWireHeaderSize] = {0, static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                                          static_cast<char>(v >> 8), static_cast<char>(v)};
    out.append(header, sizeof header);
}

} // namespace

// Per writer id: the writer schema and, if it resolves to Event v1, its plan.
// Entries are immutable once published and live as long as the codec.
struct EventCodec::Cache
{
    struct Entry
    {
        codec::AvroSchemaPtr writer;
        std::unique_ptr<codec::EventPlan> plan;
        Status planError;
    };

    const Entry *fast(std::int32_t id) const
    {
        if (id < 0 || static_cast<std::size_t>(id) >= kDirectIds)
            return nullptr;
        return direct[static_cast<std::size_t>(id)].load(std::memory_order_acquire);
    }

    // The entry for `id`: a lock-free load once published, else built by slow().
    Result<const Entry *> find(const SchemaRegistry &registry, std::int32_t id)
    {
        if (const Entry *entry = fast(id))
            return entry;
        return slow(registry, id);
    }

    Result<const Entry *> slow(const SchemaRegistry &registry, std::int32_t id)
    {
        std::lock_guard lock(mutex);
        if (const Entry *entry = fast(id))
            return entry;
        if (const auto it = overflow.find(id); it != overflow.end())
            return it->second;
        KAPPA_ASSIGN_OR_RETURN(codec::AvroSchemaPtr writer,
                               codec::RegistryInternals::parsedSchema(registry, SchemaId(id)));
        auto entry = std::make_unique<Entry>();
        entry->writer = writer;
        auto plan = codec::compileEventPlan(writer);
        if (plan.isOk())
            entry->plan = std::move(plan).value();
        else
            entry->planError = plan.status().withContext("schema id " + std::to_string(id));
        const Entry *published = entry.get();
        owned.push_back(std::move(entry));
        if (id >= 0 && static_cast<std::size_t>(id) < kDirectIds)
            direct[static_cast<std::size_t>(id)].store(published, std::memory_order_release);
        else
            overflow.emplace(id, published);
        return published;
    }

    std::array<std::atomic<const Entry *>, kDirectIds> direct{};
    std::mutex mutex;
    std::vector<std::unique_ptr<Entry>> owned;
    std::unordered_map<std::int32_t, const Entry *> overflow;
};

EventCodec::EventCodec(SchemaRegistry &registry, std::string subject, SchemaId writerId)
    : m_registry(registry)
    , m_subject(std::move(subject))
    , m_writerId(writerId)
    , m_cache(std::make_unique<Cache>())
{}

EventCodec::~EventCodec() = default;

Result<std::unique_ptr<EventCodec>> EventCodec::create(SchemaRegistry &registry, std::string subject)
{
    if (!codec::eventV1Schema())
        return Status::internal("the built-in Event v1 schema does not parse");
    auto outcome = registry.registerSchema(subject, eventSchemaJson());
    if (!outcome.isOk())
        return outcome.status().withContext("registering Event v1 under subject '" + subject + "'");
    return std::unique_ptr<EventCodec>(new EventCodec(registry, std::move(subject), outcome->id));
}

void EventCodec::encode(const Event &event, std::string &out) const
{
    appendHeader(out, m_writerId);
    codec::encodeEventV1(event, out);
}

std::string EventCodec::encode(const Event &event) const
{
    std::string out;
    out.reserve(64 + event.country.size() + (event.currency ? event.currency->size() : 0));
    encode(event, out);
    return out;
}

Status EventCodec::decode(std::string_view payload, Event &event) const
{
    const auto failed = [this](Status status) {
        m_decodeErrors.fetch_add(1, std::memory_order_relaxed);
        return status;
    };
    if (payload.size() < kWireHeaderSize || payload[0] != 0)
        return failed(checkHeader(payload));
    const auto found = m_cache->find(m_registry, readSchemaId(payload));
    if (!found.isOk())
        return failed(found.status());
    const Cache::Entry *entry = *found;
    if (!entry->plan)
        return failed(entry->planError);
    codec::BinaryReader in(payload, kWireHeaderSize);
    if (!codec::runEventPlan(*entry->plan, in, event))
        return failed(in.status());
    if (Status end = in.checkAtEnd("the event"); !end.isOk())
        return failed(std::move(end));
    return Status::ok();
}

Status EventCodec::appendJsonFields(std::string_view payload, std::string &out) const
{
    const auto failed = [this](Status status) {
        m_decodeErrors.fetch_add(1, std::memory_order_relaxed);
        return status;
    };
    if (Status header = checkHeader(payload); !header.isOk())
        return failed(std::move(header));
    const auto found = m_cache->find(m_registry, readSchemaId(payload));
    if (!found.isOk())
        return failed(found.status());
    const Cache::Entry *entry = *found;
    const codec::AvroNode &writer = entry->writer->root();
    codec::BinaryReader in(payload, kWireHeaderSize);
    codec::AvroValue value;
    if (!codec::decodeValue(in, writer, value))
        return failed(in.status());
    if (Status end = in.checkAtEnd("the value"); !end.isOk())
        return failed(std::move(end));
    codec::appendJsonMembers(value, writer, out);
    return Status::ok();
}

Result<SchemaId> EventCodec::peekSchemaId(std::string_view payload)
{
    KAPPA_RETURN_IF_ERROR(checkHeader(payload));
    return SchemaId(readSchemaId(payload));
}

std::string_view EventCodec::eventSchemaJson()
{
    return codec::eventV1SchemaJson();
}

} // namespace kappa
