// EventCodec: kappa::Event ⇄ log record value, as Avro binary with the
// Confluent wire framing:
//
//   byte 0      magic, always 0
//   bytes 1..4  schema id, big-endian, as assigned by the SchemaRegistry
//   bytes 5..   the Avro binary encoding of the record under that schema
//
// Encoding always writes Event v1 (resources/schemas/event-v1.avsc) under the
// id it has in the codec's subject. Decoding reads any registered writer
// schema that resolves to Event v1 by the Avro rules (fields by name/alias,
// added fields with defaults, removed fields, type promotion, enums, unions).
//
// Errors from decode() and appendJsonFields():
//   NotFound            the schema id is not in the registry (the message names it)
//   FailedPrecondition  the writer schema can never be read as an Event (reasons named)
//   Corruption          the payload is malformed: bad magic, truncated body, varint
//                       overflow, bad enum index or union branch, negative length,
//                       trailing bytes — the message says what, at which byte
// Every failure increments decodeErrors(). No input crashes or reads out of bounds.
//
// Threading: encode(), decode() and appendJsonFields() are const and may run
// concurrently. Compiled per-writer-id plans are published once and then read
// without locks; the registry is consulted only the first time an id is seen.
#pragma once

#include "kappa/event.h"
#include "kappa/schema_registry.h"
#include "kappa/status.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kappa {

// The registry subject of the `events` topic's value schema (Confluent naming).
inline constexpr std::string_view kEventsValueSubject = "events-value";
// Magic byte plus big-endian schema id.
inline constexpr std::size_t kWireHeaderSize = 5;

class EventCodec
{
public:
    // Registers Event v1 under `subject` if the subject does not have it yet
    // (subject to the subject's compatibility mode) and encodes with its id.
    // The registry must outlive the codec.
    static Result<std::unique_ptr<EventCodec>> create(SchemaRegistry &registry,
                                                      std::string subject = std::string(kEventsValueSubject));
    ~EventCodec();
    EventCodec(const EventCodec &) = delete;
    EventCodec &operator=(const EventCodec &) = delete;

    SchemaId writerSchemaId() const { return m_writerId; }
    const std::string &subject() const { return m_subject; }

    // Appends the framed encoding of `event` to `out`. Cannot fail.
    void encode(const Event &event, std::string &out) const;
    std::string encode(const Event &event) const;

    // Decodes a framed payload into `event`, overwriting every field. On
    // failure `event` holds unspecified (but valid) values.
    Status decode(std::string_view payload, Event &event) const;

    // Appends the payload's fields as JSON object members named by the WRITER
    // schema, without braces: "event_id":1,"ts_ms":...,"type":"view",... Enums
    // as their symbols, null as null, bytes as \u00XX-escaped strings, nested
    // records/arrays/maps as JSON. On failure `out` is left unchanged.
    Status appendJsonFields(std::string_view payload, std::string &out) const;

    // Where the writer schemas come from: two codecs over one registry decode
    // every payload alike (decoding depends on nothing else).
    const SchemaRegistry &registry() const { return m_registry; }
    // Decode failures since creation (malformed, unknown id, unreadable schema).
    std::uint64_t decodeErrors() const { return m_decodeErrors.load(std::memory_order_relaxed); }

    // The schema id in a payload's header; Corruption if the header is malformed.
    static Result<SchemaId> peekSchemaId(std::string_view payload);
    // The Avro JSON of Event v1, as the codec registers it.
    static std::string_view eventSchemaJson();

private:
    struct Cache;
    EventCodec(SchemaRegistry &registry, std::string subject, SchemaId writerId);

    SchemaRegistry &m_registry;
    std::string m_subject;
    SchemaId m_writerId;
    std::unique_ptr<Cache> m_cache;
    mutable std::atomic<std::uint64_t> m_decodeErrors{0};
};

} // namespace kappa
