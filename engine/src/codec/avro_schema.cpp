#include "codec/avro_schema.h"

#include <array>
#include <set>

namespace kappa::codec {
namespace {

constexpr std::array<std::string_view, 14> kTypeNames = {
    "null",   "boolean", "int",  "long",  "float", "double", "bytes",
    "string", "record",  "enum", "array", "map",   "union",  "fixed",
};

constexpr std::uint64_t kRabinEmpty = 0xc15d213aa4d7a795ULL;

constexpr std::array<std::uint64_t, 256> makeRabinTable()
{
    std::array<std::uint64_t, 256> table{};
    for (std::uint64_t i = 0; i < 256; ++i) {
        std::uint64_t fp = i;
        for (int j = 0; j < 8; ++j)
            fp = (fp >> 1) ^ (kRabinEmpty & (0 - (fp & 1)));
        table[i] = fp;
    }
    return table;
}

constexpr std::array<std::uint64_t, 256> kRabinTable = makeRabinTable();

void writeCanonical(const AvroNode &node, std::set<std::string> &written, std::string &out)
{
    if (isNamedType(node.type)) {
        // A named type is spelled out once; later occurrences are references.
        if (!written.insert(node.fullName).second) {
            appendJsonString(out, node.fullName);
            return;
        }
        out += "{\"name\":";
        appendJsonString(out, node.fullName);
        out += ",\"type\":\"";
        out += avroTypeName(node.type);
        out += '"';
        if (node.type == AvroType::Record) {
            out += ",\"fields\":[";
            for (std::size_t i = 0; i < node.fields.size(); ++i) {
                out += i ? ",{\"name\":" : "{\"name\":";
                appendJsonString(out, node.fields[i].name);
                out += ",\"type\":";
                writeCanonical(*node.fields[i].type, written, out);
                out += '}';
            }
            out += ']';
        } else if (node.type == AvroType::Enum) {
            out += ",\"symbols\":[";
            for (std::size_t i = 0; i < node.symbols.size(); ++i) {
                if (i)
                    out += ',';
                appendJsonString(out, node.symbols[i]);
            }
            out += ']';
        } else {
            out += ",\"size\":" + std::to_string(node.fixedSize);
        }
        out += '}';
        return;
    }
    switch (node.type) {
    case AvroType::Array:
        out += "{\"type\":\"array\",\"items\":";
        writeCanonical(*node.items, written, out);
        out += '}';
        return;
    case AvroType::Map:
        out += "{\"type\":\"map\",\"values\":";
        writeCanonical(*node.items, written, out);
        out += '}';
        return;
    case AvroType::Union:
        out += '[';
        for (std::size_t i = 0; i < node.branches.size(); ++i) {
            if (i)
                out += ',';
            writeCanonical(*node.branches[i], written, out);
        }
        out += ']';
        return;
    default:
        out += '"';
        out += avroTypeName(node.type);
        out += '"';
        return;
    }
}

} // namespace

std::string_view avroTypeName(AvroType type)
{
    return kTypeNames[static_cast<std::size_t>(type)];
}

bool isNamedType(AvroType type)
{
    return type == AvroType::Record || type == AvroType::Enum || type == AvroType::Fixed;
}

std::string_view AvroNode::shortName() const
{
    const auto dot = fullName.rfind('.');
    return dot == std::string::npos ? std::string_view(fullName) : std::string_view(fullName).substr(dot + 1);
}

int AvroNode::fieldIndex(std::string_view name) const
{
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].name == name)
            return static_cast<int>(i);
    }
    return -1;
}

int AvroNode::symbolIndex(std::string_view symbol) const
{
    for (std::size_t i = 0; i < symbols.size(); ++i) {
        if (symbols[i] == symbol)
            return static_cast<int>(i);
    }
    return -1;
}

AvroNode *AvroSchema::newNode(AvroType type)
{
    m_nodes.push_back(std::make_unique<AvroNode>());
    m_nodes.back()->type = type;
    return m_nodes.back().get();
}

void AvroSchema::finish(const AvroNode *root)
{
    m_root = root;
    m_canonical = canonicalFormOf(*root);
    m_fingerprint = avroFingerprint64(m_canonical);
}

std::string canonicalFormOf(const AvroNode &node)
{
    std::set<std::string> written;
    std::string out;
    writeCanonical(node, written, out);
    return out;
}

std::uint64_t avroFingerprint64(std::string_view bytes)
{
    std::uint64_t fp = kRabinEmpty;
    for (const char c : bytes)
        fp = (fp >> 8) ^ kRabinTable[(fp ^ static_cast<unsigned char>(c)) & 0xff];
    return fp;
}

void appendJsonString(std::string &out, std::string_view text, bool bytesAsCodePoints)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (u < 0x20 || (bytesAsCodePoints && u >= 0x80)) {
                out += "\\u00";
                out += kHex[u >> 4];
                out += kHex[u & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

} // namespace kappa::codec
