#include "codec/avro_resolve.h"

#include <set>
#include <utility>

namespace kappa::codec {
namespace {

std::string_view shortOf(std::string_view fullName)
{
    const auto dot = fullName.rfind('.');
    return dot == std::string_view::npos ? fullName : fullName.substr(dot + 1);
}

bool namesMatch(const AvroNode &writer, const AvroNode &reader)
{
    if (writer.fullName == reader.fullName || writer.shortName() == reader.shortName())
        return true;
    for (const std::string &alias : reader.aliases) {
        if (alias == writer.fullName || shortOf(alias) == writer.shortName())
            return true;
    }
    return false;
}

std::string describe(const AvroNode &node)
{
    if (isNamedType(node.type))
        return std::string(avroTypeName(node.type)) + " '" + node.fullName + "'";
    return std::string(avroTypeName(node.type));
}

std::string atPath(const std::string &path)
{
    return path.empty() ? "at the top level" : "at field '" + path + "'";
}

std::string childPath(const std::string &path, const std::string &name)
{
    return path.empty() ? name : path + "." + name;
}

class ProblemCollector
{
public:
    void collect(const AvroNode &writer, const AvroNode &reader, const std::string &path);
    std::vector<std::string> take() { return std::move(m_reasons); }

private:
    void collectSameKind(const AvroNode &writer, const AvroNode &reader, const std::string &path);
    void collectRecord(const AvroNode &writer, const AvroNode &reader, const std::string &path);

    std::set<std::pair<const AvroNode *, const AvroNode *>> m_visited;
    std::vector<std::string> m_reasons;
};

void ProblemCollector::collect(const AvroNode &writer, const AvroNode &reader, const std::string &path)
{
    if (writer.type == AvroType::Union) {
        for (std::size_t i = 0; i < writer.branches.size(); ++i) {
            const AvroNode &branch = *writer.branches[i];
            if (reader.type != AvroType::Union && matchTypes(branch, reader) == TypeMatch::None) {
                m_reasons.push_back("writer union branch " + std::to_string(i) + " (" + describe(branch)
                                    + ") cannot be read as reader type " + describe(reader) + " "
                                    + atPath(path));
                continue;
            }
            collect(branch, reader, path);
        }
        return;
    }
    if (reader.type == AvroType::Union) {
        const int branch = selectReaderBranch(writer, reader);
        if (branch < 0) {
            m_reasons.push_back("writer type " + describe(writer) + " matches no branch of the reader union "
                                + atPath(path));
            return;
        }
        collect(writer, *reader.branches[static_cast<std::size_t>(branch)], path);
        return;
    }
    if (matchTypes(writer, reader) == TypeMatch::None) {
        if (writer.type == reader.type)
            m_reasons.push_back("writer " + describe(writer) + " and reader " + describe(reader)
                                + " do not match (different names or sizes) " + atPath(path));
        else
            m_reasons.push_back("cannot promote " + describe(writer) + " to " + describe(reader) + " "
                                + atPath(path));
        return;
    }
    collectSameKind(writer, reader, path);
}

void ProblemCollector::collectSameKind(const AvroNode &writer, const AvroNode &reader, const std::string &path)
{
    switch (reader.type) {
    case AvroType::Record: collectRecord(writer, reader, path); return;
    case AvroType::Enum:
        for (const std::string &symbol : writer.symbols) {
            if (reader.symbolIndex(symbol) < 0 && !reader.enumDefault)
                m_reasons.push_back("writer enum symbol '" + symbol
                                    + "' unknown to reader and reader has no default (" + describe(reader)
                                    + " " + atPath(path) + ")");
        }
        return;
    case AvroType::Array: collect(*writer.items, *reader.items, path + "[]"); return;
    case AvroType::Map: collect(*writer.items, *reader.items, path + "{}"); return;
    default: return;
    }
}

void ProblemCollector::collectRecord(const AvroNode &writer, const AvroNode &reader, const std::string &path)
{
    // Recursive records: a pair already being checked is checked once.
    if (!m_visited.emplace(&writer, &reader).second)
        return;
    for (const AvroField &field : reader.fields) {
        const int w = writerFieldFor(field, writer);
        if (w < 0) {
            if (!field.defaultValue)
                m_reasons.push_back("reader field '" + childPath(path, field.name)
                                    + "' has no default and is missing from the writer");
            continue;
        }
        collect(*writer.fields[static_cast<std::size_t>(w)].type, *field.type, childPath(path, field.name));
    }
}

bool promote(const AvroNode &writer, const AvroNode &reader, AvroValue &out)
{
    // `out` holds the writer's value; convert it in place to the reader's type.
    if ((reader.type == AvroType::Float || reader.type == AvroType::Double)
        && (writer.type == AvroType::Int || writer.type == AvroType::Long))
        out.real = static_cast<double>(out.integer);
    if (reader.type == AvroType::Float)
        out.real = static_cast<double>(static_cast<float>(out.real));
    out.type = reader.type;
    return true;
}

bool decodeResolvedEnum(BinaryReader &in, const AvroNode &writer, const AvroNode &reader, AvroValue &out)
{
    const std::size_t at = in.position();
    if (!decodeValue(in, writer, out))
        return false;
    const std::string &symbol = writer.symbols[static_cast<std::size_t>(out.integer)];
    const int index = reader.symbolIndex(symbol);
    if (index >= 0)
        out.integer = index;
    else if (reader.enumDefault)
        out.integer = static_cast<std::int64_t>(*reader.enumDefault);
    else
        return in.failAt(at, "enum symbol '" + symbol + "' unknown to reader '" + reader.fullName + "'");
    return true;
}

bool decodeResolvedCollection(BinaryReader &in, const AvroNode &writer, const AvroNode &reader,
                              AvroValue &out, int depth)
{
    const bool isMap = writer.type == AvroType::Map;
    return readCollection(in, writer, [&](std::string_view key) {
        if (isMap)
            out.keys.emplace_back(key);
        out.children.emplace_back();
        return decodeResolved(in, *writer.items, *reader.items, out.children.back(), depth + 1);
    });
}

bool decodeResolvedRecord(BinaryReader &in, const AvroNode &writer, const AvroNode &reader, AvroValue &out,
                          int depth)
{
    out.children.assign(reader.fields.size(), AvroValue());
    std::vector<bool> filled(reader.fields.size(), false);
    for (const AvroField &writerField : writer.fields) {
        int target = -1;
        for (std::size_t r = 0; r < reader.fields.size() && target < 0; ++r) {
            if (writerFieldFor(reader.fields[r], writer) == static_cast<int>(writerField.position))
                target = static_cast<int>(r);
        }
        if (target < 0) {
            if (!skipValue(in, *writerField.type, depth + 1))
                return false;
            continue;
        }
        const auto t = static_cast<std::size_t>(target);
        if (!decodeResolved(in, *writerField.type, *reader.fields[t].type, out.children[t], depth + 1))
            return false;
        filled[t] = true;
    }
    for (std::size_t r = 0; r < reader.fields.size(); ++r) {
        if (filled[r])
            continue;
        if (!reader.fields[r].defaultValue)
            return in.fail("reader field has no default and is missing from the writer");
        out.children[r] = *reader.fields[r].defaultValue;
    }
    return true;
}

} // namespace

TypeMatch matchTypes(const AvroNode &writer, const AvroNode &reader)
{
    const AvroType w = writer.type;
    const AvroType r = reader.type;
    if (w == r) {
        if (!isNamedType(w))
            return TypeMatch::Exact;
        if (!namesMatch(writer, reader))
            return TypeMatch::None;
        return w == AvroType::Fixed && writer.fixedSize != reader.fixedSize ? TypeMatch::None
                                                                            : TypeMatch::Exact;
    }
    const bool promotable = (w == AvroType::Int
                             && (r == AvroType::Long || r == AvroType::Float || r == AvroType::Double))
                            || (w == AvroType::Long && (r == AvroType::Float || r == AvroType::Double))
                            || (w == AvroType::Float && r == AvroType::Double)
                            || (w == AvroType::String && r == AvroType::Bytes)
                            || (w == AvroType::Bytes && r == AvroType::String);
    return promotable ? TypeMatch::Promotable : TypeMatch::None;
}

int selectReaderBranch(const AvroNode &writer, const AvroNode &readerUnion)
{
    int promotable = -1;
    for (std::size_t i = 0; i < readerUnion.branches.size(); ++i) {
        const TypeMatch match = matchTypes(writer, *readerUnion.branches[i]);
        if (match == TypeMatch::Exact)
            return static_cast<int>(i);
        if (match == TypeMatch::Promotable && promotable < 0)
            promotable = static_cast<int>(i);
    }
    return promotable;
}

int writerFieldFor(const AvroField &readerField, const AvroNode &writerRecord)
{
    const int byName = writerRecord.fieldIndex(readerField.name);
    if (byName >= 0)
        return byName;
    for (const std::string &alias : readerField.aliases) {
        const int byAlias = writerRecord.fieldIndex(alias);
        if (byAlias >= 0)
            return byAlias;
    }
    return -1;
}

std::vector<std::string> resolutionProblems(const AvroNode &writer, const AvroNode &reader)
{
    ProblemCollector collector;
    collector.collect(writer, reader, std::string());
    return collector.take();
}

bool decodeResolved(BinaryReader &in, const AvroNode &writer, const AvroNode &reader, AvroValue &out,
                    int depth)
{
    if (depth > kMaxValueDepth)
        return in.fail("value nested too deeply");
    if (writer.type == AvroType::Union) {
        const std::size_t at = in.position();
        std::int64_t branch = 0;
        if (!in.readLong(branch))
            return false;
        if (branch < 0 || static_cast<std::uint64_t>(branch) >= writer.branches.size())
            return in.failAt(at, "union branch " + std::to_string(branch) + " out of range");
        return decodeResolved(in, *writer.branches[static_cast<std::size_t>(branch)], reader, out, depth + 1);
    }
    if (reader.type == AvroType::Union) {
        const int branch = selectReaderBranch(writer, reader);
        if (branch < 0)
            return in.failAt(in.position(),
                             "writer type " + describe(writer) + " matches no branch of the reader union");
        out.type = AvroType::Union;
        out.integer = branch;
        out.children.resize(1);
        return decodeResolved(in, writer, *reader.branches[static_cast<std::size_t>(branch)], out.children[0],
                              depth + 1);
    }
    const TypeMatch match = matchTypes(writer, reader);
    if (match == TypeMatch::None)
        return in.failAt(in.position(),
                         "cannot resolve writer " + describe(writer) + " to reader " + describe(reader));
    out.type = reader.type;
    switch (reader.type) {
    case AvroType::Enum: return decodeResolvedEnum(in, writer, reader, out);
    case AvroType::Array:
    case AvroType::Map: return decodeResolvedCollection(in, writer, reader, out, depth);
    case AvroType::Record: return decodeResolvedRecord(in, writer, reader, out, depth);
    default:
        if (!decodeValue(in, writer, out, depth))
            return false;
        return match == TypeMatch::Exact || promote(writer, reader, out);
    }
}

Result<AvroValue> decodeResolvedDatum(const AvroNode &writer, const AvroNode &reader, std::string_view bytes)
{
    BinaryReader in(bytes);
    AvroValue value;
    if (!decodeResolved(in, writer, reader, value))
        return in.status();
    KAPPA_RETURN_IF_ERROR(in.checkAtEnd("the value"));
    return value;
}

} // namespace kappa::codec
