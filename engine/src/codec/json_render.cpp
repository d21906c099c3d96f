#include "codec/json_render.h"

#include <charconv>
#include <cmath>

namespace kappa::codec {
namespace {

bool isValidUtf8(std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80           ? 1
                                : (c >> 5) == 0x6  ? 2
                                : (c >> 4) == 0xE  ? 3
                                : (c >> 3) == 0x1E ? 4
                                                   : 0;
        if (len == 0 || i + len > s.size())
            return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
                return false;
        }
        i += len;
    }
    return true;
}

void appendReal(std::string &out, double value, bool isFloat)
{
    if (std::isnan(value)) {
        out += "\"NaN\"";
        return;
    }
    if (std::isinf(value)) {
        out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        return;
    }
    char buf[64];
    const auto result = isFloat ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(value))
                                : std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, result.ptr);
}

} // namespace

void appendJsonValue(const AvroValue &value, const AvroNode &schema, std::string &out)
{
    switch (schema.type) {
    case AvroType::Null: out += "null"; return;
    case AvroType::Boolean: out += value.boolean ? "true" : "false"; return;
    case AvroType::Int:
    case AvroType::Long: out += std::to_string(value.integer); return;
    case AvroType::Float:
    case AvroType::Double: appendReal(out, value.real, schema.type == AvroType::Float); return;
    case AvroType::String:
        if (isValidUtf8(value.bytes))
            appendJsonString(out, value.bytes);
        else
            appendJsonString(out, value.bytes, true);
        return;
    case AvroType::Bytes:
    case AvroType::Fixed: appendJsonString(out, value.bytes, true); return;
    case AvroType::Enum:
        appendJsonString(out, schema.symbols[static_cast<std::size_t>(value.integer)]);
        return;
    case AvroType::Array:
        out += '[';
        for (std::size_t i = 0; i < value.children.size(); ++i) {
            if (i)
                out += ',';
            appendJsonValue(value.children[i], *schema.items, out);
        }
        out += ']';
        return;
    case AvroType::Map:
        out += '{';
        for (std::size_t i = 0; i < value.children.size(); ++i) {
            if (i)
                out += ',';
            appendJsonString(out, value.keys[i]);
            out += ':';
            appendJsonValue(value.children[i], *schema.items, out);
        }
        out += '}';
        return;
    case AvroType::Union:
        appendJsonValue(value.children[0], *schema.branches[static_cast<std::size_t>(value.integer)], out);
        return;
    case AvroType::Record:
        out += '{';
        appendJsonMembers(value, schema, out);
        out += '}';
        return;
    }
}

void appendJsonMembers(const AvroValue &value, const AvroNode &schema, std::string &out)
{
    if (schema.type != AvroType::Record) {
        out += "\"value\":";
        appendJsonValue(value, schema, out);
        return;
    }
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
        if (i)
            out += ',';
        appendJsonString(out, schema.fields[i].name);
        out += ':';
        appendJsonValue(value.children[i], *schema.fields[i].type, out);
    }
}

} // namespace kappa::codec
