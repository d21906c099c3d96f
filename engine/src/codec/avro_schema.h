// The Avro schema model: an immutable tree parsed from Avro JSON (avro_parse.cpp),
// plus the generic value that the generic encoder/decoder and defaults use.
//
// Ownership: an AvroSchema owns every node of its tree; nodes point at each other
// with plain pointers (named-type references and recursive records form cycles,
// which shared ownership could not free). A schema is immutable once parsed and
// may be shared between threads through std::shared_ptr<const AvroSchema>.
#pragma once

#include "kappa/status.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::codec {

enum class AvroType : std::uint8_t {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Record,
    Enum,
    Array,
    Map,
    Union,
    Fixed,
};

// "null", "boolean", ..., "record", "union" (the Avro spelling; "union" for unions).
std::string_view avroTypeName(AvroType type);
bool isNamedType(AvroType type);

struct AvroNode;

// A value shaped by one schema node. Generic and slow-path only: the event hot
// path (event_plan.h) never builds these.
struct AvroValue
{
    AvroType type = AvroType::Null;
    bool boolean = false;
    std::int64_t integer = 0;        // int, long, enum symbol index, union branch index
    double real = 0;                 // float, double
    std::string bytes;               // bytes, string, fixed
    std::vector<AvroValue> children; // record fields in order, array items, map values, the union's value
    std::vector<std::string> keys;   // map keys, parallel to children

    bool operator==(const AvroValue &) const = default;
};

struct AvroField
{
    std::string name;
    std::vector<std::string> aliases;
    const AvroNode *type = nullptr;
    std::optional<AvroValue> defaultValue; // validated against `type` at parse time
    std::size_t position = 0;
};

struct AvroNode
{
    AvroType type = AvroType::Null;
    // Named types (record, enum, fixed): the full name ("kappa.Event") and aliases as full names.
    std::string fullName;
    std::vector<std::string> aliases;
    // Kept for tools and renderers; the binary encoding ignores it.
    std::string logicalType;

    std::vector<AvroField> fields;          // record
    std::vector<std::string> symbols;       // enum
    std::optional<std::size_t> enumDefault; // enum: index of the default symbol
    const AvroNode *items = nullptr;        // array items, map values
    std::vector<const AvroNode *> branches; // union
    std::size_t fixedSize = 0;              // fixed

    // The part of fullName after the last dot.
    std::string_view shortName() const;
    // Index of the field named `name` (not its aliases), or -1.
    int fieldIndex(std::string_view name) const;
    // Index of the symbol, or -1.
    int symbolIndex(std::string_view symbol) const;
};

class AvroSchema
{
public:
    AvroSchema() = default;
    AvroSchema(const AvroSchema &) = delete;
    AvroSchema &operator=(const AvroSchema &) = delete;

    const AvroNode &root() const { return *m_root; }
    // Parsing Canonical Form (Avro 1.11 spec) and its CRC-64-AVRO (Rabin) fingerprint.
    const std::string &canonicalForm() const { return m_canonical; }
    std::uint64_t fingerprint() const { return m_fingerprint; }

    // For the parser: allocates a node owned by this schema.
    AvroNode *newNode(AvroType type);
    // For the parser: sets the root and computes the canonical form and fingerprint.
    void finish(const AvroNode *root);

private:
    std::vector<std::unique_ptr<AvroNode>> m_nodes;
    const AvroNode *m_root = nullptr;
    std::string m_canonical;
    std::uint64_t m_fingerprint = 0;
};

using AvroSchemaPtr = std::shared_ptr<const AvroSchema>;

// Parses Avro JSON. InvalidArgument names what is wrong and where ("field
// 'user_id' of record 'kappa.Event': unknown type 'lnog'").
Result<AvroSchemaPtr> parseAvroSchema(std::string_view json);

// The canonical form of a (sub)schema; named types already written earlier in
// the same walk are written by full name.
std::string canonicalFormOf(const AvroNode &node);

// The 64-bit Rabin fingerprint "CRC-64-AVRO" from the specification.
std::uint64_t avroFingerprint64(std::string_view bytes);

// Appends `text` as a JSON string literal (quotes included), escaping what JSON
// requires. With bytesAsCodePoints, bytes >= 0x80 become \u00XX (Avro's JSON form
// of bytes: one code point per byte) instead of being copied as UTF-8.
void appendJsonString(std::string &out, std::string_view text, bool bytesAsCodePoints = false);

} // namespace kappa::codec
