// Avro JSON → AvroSchema. nlohmann::json stays inside this file; its
// exceptions are caught here and turned into InvalidArgument.
#include "codec/avro_schema.h"

#include <nlohmann/json.hpp>

#include <limits>
#include <map>
#include <set>

namespace kappa::codec {
namespace {

using Json = nlohmann::json;

// Deeper schemas are certainly mistakes; the bound keeps recursion safe.
constexpr int kMaxSchemaDepth = 128;

std::optional<AvroType> primitiveType(std::string_view name)
{
    static constexpr std::pair<std::string_view, AvroType> kPrimitives[] = {
        {"null", AvroType::Null},   {"boolean", AvroType::Boolean}, {"int", AvroType::Int},
        {"long", AvroType::Long},   {"float", AvroType::Float},     {"double", AvroType::Double},
        {"bytes", AvroType::Bytes}, {"string", AvroType::String},
    };
    for (const auto &[spelling, type] : kPrimitives) {
        if (spelling == name)
            return type;
    }
    return std::nullopt;
}

bool isValidSimpleName(std::string_view name)
{
    if (name.empty())
        return false;
    const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    if (!alpha(name[0]))
        return false;
    for (const char c : name) {
        if (!alpha(c) && !(c >= '0' && c <= '9'))
            return false;
    }
    return true;
}

bool isValidFullName(std::string_view name)
{
    std::size_t start = 0;
    while (true) {
        const auto dot = name.find('.', start);
        if (!isValidSimpleName(name.substr(start, dot == std::string_view::npos ? dot : dot - start)))
            return false;
        if (dot == std::string_view::npos)
            return true;
        start = dot + 1;
    }
}

std::string qualify(const std::string &name, const std::string &ns)
{
    if (name.find('.') != std::string::npos || ns.empty())
        return name;
    return ns + "." + name;
}

std::string namespaceOf(const std::string &fullName)
{
    const auto dot = fullName.rfind('.');
    return dot == std::string::npos ? std::string() : fullName.substr(0, dot);
}

// Avro's JSON form of bytes/fixed defaults: each code point 0..255 is one byte.
std::optional<std::string> latin1Bytes(const std::string &utf8)
{
    std::string out;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if ((c & 0xE0) == 0xC0 && i + 1 < utf8.size()) {
            const unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu);
            if (cp > 0xFF)
                return std::nullopt;
            out += static_cast<char>(cp);
            ++i;
        } else {
            return std::nullopt;
        }
    }
    return out;
}

class SchemaParser
{
public:
    explicit SchemaParser(AvroSchema &schema)
        : m_schema(schema)
    {}

    Result<const AvroNode *> parse(const Json &j, const std::string &ns, const std::string &where, int depth);

private:
    Status error(const std::string &where, const std::string &what) const
    {
        return Status::invalidArgument("invalid Avro schema at " + where + ": " + what);
    }
    Status mismatch(const Json &j, const AvroNode &type, const std::string &where) const
    {
        return error(where,
                     "default " + j.dump() + " does not match type " + std::string(avroTypeName(type.type)));
    }
    Result<const AvroNode *> parseName(const std::string &name, const std::string &ns,
                                       const std::string &where);
    Result<const AvroNode *> parseUnion(const Json &j, const std::string &ns, const std::string &where,
                                        int depth);
    Result<const AvroNode *> parseObject(const Json &j, const std::string &ns, const std::string &where,
                                         int depth);
    Result<AvroNode *> defineNamed(const Json &j, AvroType type, const std::string &ns,
                                   const std::string &where);
    Status parseRecordFields(const Json &j, AvroNode &record, const std::string &where, int depth);
    Status parseField(const Json &j, AvroNode &record, std::size_t index, int depth);
    Status parseEnum(const Json &j, AvroNode &node, const std::string &where);
    Result<std::vector<std::string>> parseAliases(const Json &j, const std::string &ns,
                                                  const std::string &where);
    Result<AvroValue> parseDefault(const Json &j, const AvroNode &type, const std::string &where, int depth);
    Result<AvroValue> parseScalarDefault(const Json &j, const AvroNode &type, const std::string &where);
    Result<AvroValue> parseRecordDefault(const Json &j, const AvroNode &type, const std::string &where,
                                         int depth);

    AvroSchema &m_schema;
    std::map<std::string, AvroNode *> m_named;
    std::set<const AvroNode *> m_open; // records whose fields are being parsed
};

Result<const AvroNode *> SchemaParser::parse(const Json &j, const std::string &ns, const std::string &where,
                                             int depth)
{
    if (depth > kMaxSchemaDepth)
        return error(where, "schema nested deeper than " + std::to_string(kMaxSchemaDepth) + " levels");
    if (j.is_string())
        return parseName(j.get<std::string>(), ns, where);
    if (j.is_array())
        return parseUnion(j, ns, where, depth);
    if (j.is_object())
        return parseObject(j, ns, where, depth);
    return error(where, "expected a type name, an object or a union array, got " + std::string(j.type_name()));
}

Result<const AvroNode *> SchemaParser::parseName(const std::string &name, const std::string &ns,
                                                 const std::string &where)
{
    if (const auto primitive = primitiveType(name))
        return static_cast<const AvroNode *>(m_schema.newNode(*primitive));
    if (name == "record" || name == "enum" || name == "array" || name == "map" || name == "fixed")
        return error(where, "'" + name + "' must be written as an object with its attributes");
    auto found = m_named.find(qualify(name, ns));
    if (found == m_named.end())
        found = m_named.find(name); // a name from the null namespace
    if (found == m_named.end())
        return error(where, "unknown type '" + name + "'");
    return static_cast<const AvroNode *>(found->second);
}

Result<const AvroNode *> SchemaParser::parseUnion(const Json &j, const std::string &ns,
                                                  const std::string &where, int depth)
{
    AvroNode *node = m_schema.newNode(AvroType::Union);
    if (j.empty())
        return error(where, "a union needs at least one branch");
    for (std::size_t i = 0; i < j.size(); ++i) {
        KAPPA_ASSIGN_OR_RETURN(const AvroNode *branch,
                               parse(j[i], ns, where + " union branch " + std::to_string(i), depth + 1));
        if (branch->type == AvroType::Union)
            return error(where,
                         "a union may not directly contain another union (branch " + std::to_string(i) + ")");
        for (const AvroNode *other : node->branches) {
            const bool sameNamed = isNamedType(branch->type) && other->fullName == branch->fullName;
            if ((branch->type == other->type && !isNamedType(branch->type)) || sameNamed) {
                const std::string what = isNamedType(branch->type) ? branch->fullName
                                                                   : std::string(avroTypeName(branch->type));
                return error(where, "union contains '" + what + "' twice");
            }
        }
        node->branches.push_back(branch);
    }
    return static_cast<const AvroNode *>(node);
}

Result<const AvroNode *> SchemaParser::parseObject(const Json &j, const std::string &ns,
                                                   const std::string &where, int depth)
{
    const auto typeIt = j.find("type");
    if (typeIt == j.end())
        return error(where, "object has no 'type' attribute");
    if (!typeIt->is_string()) {
        // {"type": {...}} or {"type": [...]}: a schema nested in the attribute.
        return parse(*typeIt, ns, where, depth + 1);
    }
    const std::string type = typeIt->get<std::string>();
    AvroNode *node = nullptr;
    if (type == "record" || type == "error" || type == "enum" || type == "fixed") {
        const AvroType kind = type == "enum"    ? AvroType::Enum
                              : type == "fixed" ? AvroType::Fixed
                                                : AvroType::Record;
        KAPPA_ASSIGN_OR_RETURN(node, defineNamed(j, kind, ns, where));
        const std::string named = where + " " + type + " '" + node->fullName + "'";
        if (kind == AvroType::Record) {
            KAPPA_RETURN_IF_ERROR(parseRecordFields(j, *node, named, depth));
        } else if (kind == AvroType::Enum) {
            KAPPA_RETURN_IF_ERROR(parseEnum(j, *node, named));
        } else {
            const auto size = j.find("size");
            if (size == j.end() || !size->is_number_integer() || size->get<std::int64_t>() < 0)
                return error(named, "fixed needs a non-negative integer 'size'");
            node->fixedSize = size->get<std::size_t>();
        }
    } else if (type == "array" || type == "map") {
        const char *attribute = type == "array" ? "items" : "values";
        const auto inner = j.find(attribute);
        if (inner == j.end())
            return error(where, type + " has no '" + attribute + "' attribute");
        node = m_schema.newNode(type == "array" ? AvroType::Array : AvroType::Map);
        KAPPA_ASSIGN_OR_RETURN(node->items,
                               parse(*inner, ns, where + " " + type + " " + attribute, depth + 1));
    } else {
        KAPPA_ASSIGN_OR_RETURN(const AvroNode *referenced, parseName(type, ns, where));
        if (!primitiveType(type))
            return referenced; // {"type": "SomeNamedType"} is a reference
        node = m_schema.newNode(referenced->type);
    }
    if (const auto logical = j.find("logicalType"); logical != j.end() && logical->is_string())
        node->logicalType = logical->get<std::string>();
    return static_cast<const AvroNode *>(node);
}

Result<AvroNode *> SchemaParser::defineNamed(const Json &j, AvroType type, const std::string &ns,
                                             const std::string &where)
{
    const auto nameIt = j.find("name");
    if (nameIt == j.end() || !nameIt->is_string())
        return error(where, std::string(avroTypeName(type)) + " needs a string 'name'");
    const std::string name = nameIt->get<std::string>();
    std::string space = ns;
    if (const auto nsIt = j.find("namespace"); nsIt != j.end() && !nsIt->is_null()) {
        if (!nsIt->is_string())
            return error(where, "'namespace' of '" + name + "' must be a string");
        space = nsIt->get<std::string>();
        if (!space.empty() && !isValidFullName(space))
            return error(where, "invalid namespace '" + space + "'");
    }
    const std::string fullName = qualify(name, space);
    if (!isValidFullName(fullName))
        return error(where,
                     "invalid name '" + name + "' (names are [A-Za-z_][A-Za-z0-9_]* separated by dots)");
    AvroNode *node = m_schema.newNode(type);
    node->fullName = fullName;
    if (primitiveType(node->shortName()))
        return error(where, "a named type may not be called '" + std::string(node->shortName()) + "'");
    if (!m_named.emplace(fullName, node).second)
        return error(where, "type '" + fullName + "' is defined twice");
    KAPPA_ASSIGN_OR_RETURN(node->aliases, parseAliases(j, namespaceOf(fullName), where));
    return node;
}

Result<std::vector<std::string>> SchemaParser::parseAliases(const Json &j, const std::string &ns,
                                                            const std::string &where)
{
    std::vector<std::string> aliases;
    const auto it = j.find("aliases");
    if (it == j.end())
        return aliases;
    if (!it->is_array())
        return error(where, "'aliases' must be an array of names");
    for (const Json &alias : *it) {
        if (!alias.is_string() || !isValidFullName(alias.get<std::string>()))
            return error(where, "invalid alias " + alias.dump());
        aliases.push_back(qualify(alias.get<std::string>(), ns));
    }
    return aliases;
}

Status SchemaParser::parseRecordFields(const Json &j, AvroNode &record, const std::string &where, int depth)
{
    const auto fields = j.find("fields");
    if (fields == j.end() || !fields->is_array())
        return error(where, "record needs a 'fields' array");
    m_open.insert(&record);
    for (std::size_t i = 0; i < fields->size(); ++i)
        KAPPA_RETURN_IF_ERROR(parseField((*fields)[i], record, i, depth));
    m_open.erase(&record);
    return Status::ok();
}

Status SchemaParser::parseField(const Json &j, AvroNode &record, std::size_t index, int depth)
{
    const std::string recordWhere = "record '" + record.fullName + "'";
    if (!j.is_object())
        return error(recordWhere, "field " + std::to_string(index) + " is not an object");
    const auto nameIt = j.find("name");
    if (nameIt == j.end() || !nameIt->is_string() || !isValidSimpleName(nameIt->get<std::string>()))
        return error(recordWhere, "field " + std::to_string(index) + " needs a valid 'name'");
    AvroField field;
    field.name = nameIt->get<std::string>();
    field.position = index;
    const std::string where = recordWhere + " field '" + field.name + "'";
    if (record.fieldIndex(field.name) >= 0)
        return error(recordWhere, "field '" + field.name + "' is defined twice");
    const auto typeIt = j.find("type");
    if (typeIt == j.end())
        return error(where, "field has no 'type'");
    const std::string ns = namespaceOf(record.fullName);
    KAPPA_ASSIGN_OR_RETURN(field.type, parse(*typeIt, ns, where, depth + 1));
    if (const auto aliases = j.find("aliases"); aliases != j.end()) {
        if (!aliases->is_array())
            return error(where, "'aliases' must be an array of names");
        for (const Json &alias : *aliases) {
            if (!alias.is_string() || !isValidSimpleName(alias.get<std::string>()))
                return error(where, "invalid field alias " + alias.dump());
            field.aliases.push_back(alias.get<std::string>());
        }
    }
    if (const auto order = j.find("order"); order != j.end()) {
        if (*order != "ascending" && *order != "descending" && *order != "ignore")
            return error(where, "'order' must be ascending, descending or ignore");
    }
    if (const auto def = j.find("default"); def != j.end()) {
        KAPPA_ASSIGN_OR_RETURN(field.defaultValue, parseDefault(*def, *field.type, where + " default", 0));
    }
    record.fields.push_back(std::move(field));
    return Status::ok();
}

Status SchemaParser::parseEnum(const Json &j, AvroNode &node, const std::string &where)
{
    const auto symbols = j.find("symbols");
    if (symbols == j.end() || !symbols->is_array())
        return error(where, "enum needs a 'symbols' array");
    for (const Json &symbol : *symbols) {
        if (!symbol.is_string() || !isValidSimpleName(symbol.get<std::string>()))
            return error(where, "invalid enum symbol " + symbol.dump());
        if (node.symbolIndex(symbol.get<std::string>()) >= 0)
            return error(where, "enum symbol '" + symbol.get<std::string>() + "' appears twice");
        node.symbols.push_back(symbol.get<std::string>());
    }
    if (const auto def = j.find("default"); def != j.end()) {
        const int index = def->is_string() ? node.symbolIndex(def->get<std::string>()) : -1;
        if (index < 0)
            return error(where, "enum default " + def->dump() + " is not one of its symbols");
        node.enumDefault = static_cast<std::size_t>(index);
    }
    return Status::ok();
}

// Defaults of the types whose JSON form is a single JSON scalar.
Result<AvroValue> SchemaParser::parseScalarDefault(const Json &j, const AvroNode &type,
                                                   const std::string &where)
{
    AvroValue value;
    value.type = type.type;
    switch (type.type) {
    case AvroType::Null:
        if (!j.is_null())
            return mismatch(j, type, where);
        return value;
    case AvroType::Boolean:
        if (!j.is_boolean())
            return mismatch(j, type, where);
        value.boolean = j.get<bool>();
        return value;
    case AvroType::Int:
    case AvroType::Long: {
        if (!j.is_number_integer() || (j.is_number_unsigned() && j.get<std::uint64_t>() > INT64_MAX))
            return mismatch(j, type, where);
        value.integer = j.get<std::int64_t>();
        if (type.type == AvroType::Int
            && (value.integer < std::numeric_limits<std::int32_t>::min()
                || value.integer > std::numeric_limits<std::int32_t>::max()))
            return mismatch(j, type, where);
        return value;
    }
    case AvroType::Float:
    case AvroType::Double:
        if (!j.is_number())
            return mismatch(j, type, where);
        value.real = j.get<double>();
        return value;
    case AvroType::String:
        if (!j.is_string())
            return mismatch(j, type, where);
        value.bytes = j.get<std::string>();
        return value;
    case AvroType::Bytes:
    case AvroType::Fixed: {
        const auto bytes = j.is_string() ? latin1Bytes(j.get<std::string>()) : std::nullopt;
        if (!bytes || (type.type == AvroType::Fixed && bytes->size() != type.fixedSize))
            return mismatch(j, type, where);
        value.bytes = *bytes;
        return value;
    }
    case AvroType::Enum: {
        const int index = j.is_string() ? type.symbolIndex(j.get<std::string>()) : -1;
        if (index < 0)
            return mismatch(j, type, where);
        value.integer = index;
        return value;
    }
    default: return mismatch(j, type, where);
    }
}

Result<AvroValue> SchemaParser::parseDefault(const Json &j, const AvroNode &type, const std::string &where,
                                             int depth)
{
    if (depth > kMaxSchemaDepth)
        return error(where, "default value nested too deeply");
    AvroValue value;
    value.type = type.type;
    switch (type.type) {
    case AvroType::Array:
        if (!j.is_array())
            return mismatch(j, type, where);
        for (const Json &item : j) {
            KAPPA_ASSIGN_OR_RETURN(AvroValue child, parseDefault(item, *type.items, where, depth + 1));
            value.children.push_back(std::move(child));
        }
        return value;
    case AvroType::Map:
        if (!j.is_object())
            return mismatch(j, type, where);
        for (const auto &[key, item] : j.items()) {
            KAPPA_ASSIGN_OR_RETURN(AvroValue child, parseDefault(item, *type.items, where, depth + 1));
            value.keys.push_back(key);
            value.children.push_back(std::move(child));
        }
        return value;
    case AvroType::Union: {
        // Avro 1.11: a union's default has the type of its first branch.
        auto first = parseDefault(j, *type.branches[0],
                                  where + " (a union default must match its first branch)", depth + 1);
        if (!first.isOk())
            return first.status();
        value.integer = 0;
        value.children.push_back(std::move(first).value());
        return value;
    }
    case AvroType::Record: return parseRecordDefault(j, type, where, depth);
    default: return parseScalarDefault(j, type, where);
    }
}

Result<AvroValue> SchemaParser::parseRecordDefault(const Json &j, const AvroNode &type,
                                                   const std::string &where, int depth)
{
    if (!j.is_object())
        return error(where, "default " + j.dump() + " for record '" + type.fullName + "' must be an object");
    if (m_open.count(&type))
        return error(where, "record '" + type.fullName + "' is used in a default inside its own definition");
    AvroValue value;
    value.type = AvroType::Record;
    for (const AvroField &field : type.fields) {
        const auto it = j.find(field.name);
        if (it != j.end()) {
            KAPPA_ASSIGN_OR_RETURN(AvroValue child, parseDefault(*it, *field.type, where, depth + 1));
            value.children.push_back(std::move(child));
        } else if (field.defaultValue) {
            value.children.push_back(*field.defaultValue);
        } else {
            return error(where, "default for record '" + type.fullName + "' lacks field '" + field.name + "'");
        }
    }
    return value;
}

} // namespace

Result<AvroSchemaPtr> parseAvroSchema(std::string_view json)
{
    Json document;
    try {
        document = Json::parse(json);
    } catch (const Json::exception &e) {
        return Status::invalidArgument(std::string("schema is not valid JSON: ") + e.what());
    }
    auto schema = std::make_shared<AvroSchema>();
    try {
        SchemaParser parser(*schema);
        auto root = parser.parse(document, std::string(), "top level", 0);
        if (!root.isOk())
            return root.status();
        schema->finish(*root);
    } catch (const Json::exception &e) {
        return Status::invalidArgument(std::string("invalid Avro schema: ") + e.what());
    }
    return AvroSchemaPtr(std::move(schema));
}

} // namespace kappa::codec
