#include "codec/avro_binary.h"

#include <limits>

namespace kappa::codec {
namespace {

std::size_t minEncodedSizeAt(const AvroNode &node, int depth)
{
    // A record containing itself without a union/array/map in between could
    // never be written; the depth bound keeps this terminating anyway.
    if (depth > 64)
        return 1;
    switch (node.type) {
    case AvroType::Null: return 0;
    case AvroType::Float: return 4;
    case AvroType::Double: return 8;
    case AvroType::Fixed: return node.fixedSize;
    case AvroType::Record: {
        std::size_t total = 0;
        for (const AvroField &field : node.fields)
            total += minEncodedSizeAt(*field.type, depth + 1);
        return total;
    }
    default: return 1;
    }
}

bool decodeCollection(BinaryReader &in, const AvroNode &writer, AvroValue &out, int depth)
{
    const bool isMap = writer.type == AvroType::Map;
    return readCollection(in, writer, [&](std::string_view key) {
        if (isMap)
            out.keys.emplace_back(key);
        out.children.emplace_back();
        return decodeValue(in, *writer.items, out.children.back(), depth + 1);
    });
}

bool readUnionBranch(BinaryReader &in, const AvroNode &writer, std::int64_t &branch)
{
    const std::size_t at = in.position();
    if (!in.readLong(branch))
        return false;
    if (branch < 0 || static_cast<std::uint64_t>(branch) >= writer.branches.size())
        return in.failAt(at, "union branch " + std::to_string(branch) + " out of range (union has "
                                 + std::to_string(writer.branches.size()) + " branches)");
    return true;
}

bool readEnumIndex(BinaryReader &in, const AvroNode &writer, std::int64_t &index)
{
    const std::size_t at = in.position();
    std::int32_t value = 0;
    if (!in.readInt(value))
        return false;
    if (value < 0 || static_cast<std::size_t>(value) >= writer.symbols.size())
        return in.failAt(at, "enum index " + std::to_string(value) + " out of range for '" + writer.fullName
                                 + "' (" + std::to_string(writer.symbols.size()) + " symbols)");
    index = value;
    return true;
}

Status mismatch(const AvroValue &value, const AvroNode &schema)
{
    return Status::invalidArgument("value of type " + std::string(avroTypeName(value.type))
                                   + " does not match schema type " + std::string(avroTypeName(schema.type)));
}

} // namespace

Status BinaryReader::status() const
{
    if (m_what.empty())
        return Status::ok();
    return Status::corruption(m_what + " at byte " + std::to_string(m_failedAt));
}

Status BinaryReader::checkAtEnd(std::string_view what) const
{
    if (atEnd())
        return Status::ok();
    return Status::corruption(std::to_string(remaining()) + " trailing bytes after " + std::string(what)
                              + " at byte " + std::to_string(position()));
}

bool BinaryReader::readBlockCount(std::int64_t &count, std::size_t minItemSize)
{
    const std::size_t at = position();
    if (!readLong(count))
        return false;
    if (count < 0) {
        if (count == std::numeric_limits<std::int64_t>::min())
            return failAt(at, "block count overflows");
        count = -count;
        const std::size_t sizeAt = position();
        std::int64_t byteSize = 0;
        if (!readLong(byteSize))
            return false;
        if (byteSize < 0 || static_cast<std::uint64_t>(byteSize) > remaining())
            return failAt(sizeAt, "block byte size " + std::to_string(byteSize)
                                      + " is negative or runs past the end");
    }
    const auto items = static_cast<std::uint64_t>(count);
    if (minItemSize > 0 && items > remaining() / minItemSize)
        return failAt(at, "block count " + std::to_string(count) + " exceeds the bytes left");
    if (minItemSize == 0) {
        m_zeroSizeItems += items;
        if (m_zeroSizeItems > kMaxZeroSizeItems)
            return failAt(at,
                          "more than " + std::to_string(kMaxZeroSizeItems) + " zero-size items in one value");
    }
    return true;
}

std::size_t minEncodedSize(const AvroNode &node)
{
    return minEncodedSizeAt(node, 0);
}

bool decodeValue(BinaryReader &in, const AvroNode &writer, AvroValue &out, int depth)
{
    if (depth > kMaxValueDepth)
        return in.fail("value nested too deeply");
    out.type = writer.type;
    switch (writer.type) {
    case AvroType::Null: return true;
    case AvroType::Boolean: return in.readBoolean(out.boolean);
    case AvroType::Int: {
        std::int32_t v = 0;
        if (!in.readInt(v))
            return false;
        out.integer = v;
        return true;
    }
    case AvroType::Long: return in.readLong(out.integer);
    case AvroType::Float: {
        float v = 0;
        if (!in.readFloat(v))
            return false;
        out.real = v;
        return true;
    }
    case AvroType::Double: return in.readDouble(out.real);
    case AvroType::Bytes:
    case AvroType::String:
    case AvroType::Fixed: {
        std::string_view bytes;
        if (!(writer.type == AvroType::Fixed ? in.readRaw(writer.fixedSize, bytes) : in.readBytes(bytes)))
            return false;
        out.bytes.assign(bytes);
        return true;
    }
    case AvroType::Enum: return readEnumIndex(in, writer, out.integer);
    case AvroType::Array:
    case AvroType::Map: return decodeCollection(in, writer, out, depth);
    case AvroType::Union:
        if (!readUnionBranch(in, writer, out.integer))
            return false;
        out.children.resize(1);
        return decodeValue(in, *writer.branches[static_cast<std::size_t>(out.integer)], out.children[0],
                           depth + 1);
    case AvroType::Record:
        out.children.resize(writer.fields.size());
        for (std::size_t i = 0; i < writer.fields.size(); ++i) {
            if (!decodeValue(in, *writer.fields[i].type, out.children[i], depth + 1))
                return false;
        }
        return true;
    }
    return in.fail("unknown type");
}

bool skipValue(BinaryReader &in, const AvroNode &writer, int depth)
{
    if (depth > kMaxValueDepth)
        return in.fail("value nested too deeply");
    std::string_view bytes;
    std::int64_t index = 0;
    switch (writer.type) {
    case AvroType::Null: return true;
    case AvroType::Boolean: {
        bool b = false;
        return in.readBoolean(b);
    }
    case AvroType::Int: {
        std::int32_t v = 0;
        return in.readInt(v);
    }
    case AvroType::Long: return in.readLong(index);
    case AvroType::Float: return in.readRaw(4, bytes);
    case AvroType::Double: return in.readRaw(8, bytes);
    case AvroType::Bytes:
    case AvroType::String: return in.readBytes(bytes);
    case AvroType::Fixed: return in.readRaw(writer.fixedSize, bytes);
    case AvroType::Enum: return readEnumIndex(in, writer, index);
    case AvroType::Array:
    case AvroType::Map:
        return readCollection(in, writer,
                              [&](std::string_view) { return skipValue(in, *writer.items, depth + 1); });
    case AvroType::Union:
        if (!readUnionBranch(in, writer, index))
            return false;
        return skipValue(in, *writer.branches[static_cast<std::size_t>(index)], depth + 1);
    case AvroType::Record:
        for (const AvroField &field : writer.fields) {
            if (!skipValue(in, *field.type, depth + 1))
                return false;
        }
        return true;
    }
    return in.fail("unknown type");
}

Status encodeValue(const AvroValue &value, const AvroNode &schema, std::string &out)
{
    if (value.type != schema.type)
        return mismatch(value, schema);
    switch (schema.type) {
    case AvroType::Null: return Status::ok();
    case AvroType::Boolean: out += value.boolean ? '\1' : '\0'; return Status::ok();
    case AvroType::Int:
    case AvroType::Long:
    case AvroType::Enum: writeLong(out, value.integer); return Status::ok();
    case AvroType::Float: writeFloat(out, static_cast<float>(value.real)); return Status::ok();
    case AvroType::Double: writeDouble(out, value.real); return Status::ok();
    case AvroType::Bytes:
    case AvroType::String: writeBytes(out, value.bytes); return Status::ok();
    case AvroType::Fixed:
        if (value.bytes.size() != schema.fixedSize)
            return Status::invalidArgument("fixed '" + schema.fullName + "' needs "
                                           + std::to_string(schema.fixedSize) + " bytes, got "
                                           + std::to_string(value.bytes.size()));
        out += value.bytes;
        return Status::ok();
    case AvroType::Array:
    case AvroType::Map:
        if (!value.children.empty()) {
            writeLong(out, static_cast<std::int64_t>(value.children.size()));
            for (std::size_t i = 0; i < value.children.size(); ++i) {
                if (schema.type == AvroType::Map)
                    writeBytes(out,
                               i < value.keys.size() ? std::string_view(value.keys[i]) : std::string_view());
                KAPPA_RETURN_IF_ERROR(encodeValue(value.children[i], *schema.items, out));
            }
        }
        writeLong(out, 0);
        return Status::ok();
    case AvroType::Union:
        if (value.integer < 0 || static_cast<std::size_t>(value.integer) >= schema.branches.size()
            || value.children.size() != 1)
            return Status::invalidArgument("bad union value (branch " + std::to_string(value.integer) + ")");
        writeLong(out, value.integer);
        return encodeValue(value.children[0], *schema.branches[static_cast<std::size_t>(value.integer)], out);
    case AvroType::Record:
        if (value.children.size() != schema.fields.size())
            return Status::invalidArgument("record '" + schema.fullName + "' value has "
                                           + std::to_string(value.children.size()) + " fields, schema has "
                                           + std::to_string(schema.fields.size()));
        for (std::size_t i = 0; i < schema.fields.size(); ++i)
            KAPPA_RETURN_IF_ERROR(encodeValue(value.children[i], *schema.fields[i].type, out));
        return Status::ok();
    }
    return mismatch(value, schema);
}

Result<AvroValue> decodeDatum(const AvroNode &writer, std::string_view bytes)
{
    BinaryReader in(bytes);
    AvroValue value;
    if (!decodeValue(in, writer, value))
        return in.status();
    KAPPA_RETURN_IF_ERROR(in.checkAtEnd("the value"));
    return value;
}

} // namespace kappa::codec
