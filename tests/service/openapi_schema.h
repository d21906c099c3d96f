// A small JSON Schema validator for the OpenAPI 3.0 dialect the committed
// document uses (type, required, properties, additionalProperties, items,
// enum, nullable, $ref, allOf, oneOf, ...), and walkers over a document's
// schemas and references. Used by test_openapi.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace openapi_test {

using Json = nlohmann::json;

// The node a local reference ("#/components/schemas/Error") points at; null if none.
inline const Json *resolveRef(const Json &doc, const std::string &ref)
{
    if (ref.rfind("#/", 0) != 0)
        return nullptr;
    try {
        const Json::json_pointer pointer(ref.substr(1));
        return doc.contains(pointer) ? &doc.at(pointer) : nullptr;
    } catch (const Json::exception &) {
        return nullptr;
    }
}

// `node`, or what its $ref points at (one level: the document has no chains).
inline const Json &deref(const Json &doc, const Json &node)
{
    if (node.is_object() && node.contains("$ref"))
        if (const Json *target = resolveRef(doc, node["$ref"].get<std::string>()))
            return *target;
    return node;
}

// A JSON Schema validator for the subset of OpenAPI 3.0 schemas the document
// uses. Keywords outside kKeywords make the document fail its sanity check,
// so that no constraint is silently ignored.
class SchemaValidator
{
public:
    inline static const std::set<std::string> kKeywords = {
        "type",  "format",   "nullable", "enum",        "required", "properties", "additionalProperties",
        "items", "minItems", "maxItems", "minimum",     "maximum",  "pattern",    "$ref",
        "allOf", "oneOf",    "default",  "description",
    };

    explicit SchemaValidator(const Json &doc)
        : m_doc(doc)
    {}

    // One line per violation ("at /data/views_1h: ..."); empty if `value` matches.
    std::vector<std::string> validate(const Json &schema, const Json &value) const
    {
        std::vector<std::string> errors;
        check(schema, value, "", errors);
        return errors;
    }

private:
    static bool isInteger(const Json &value)
    {
        if (value.is_number_integer())
            return true;
        return value.is_number_float() && std::trunc(value.get<double>()) == value.get<double>();
    }

    static bool hasType(const std::string &type, const Json &value)
    {
        if (type == "integer")
            return isInteger(value);
        if (type == "number")
            return value.is_number();
        if (type == "string")
            return value.is_string();
        if (type == "boolean")
            return value.is_boolean();
        if (type == "object")
            return value.is_object();
        if (type == "array")
            return value.is_array();
        return false;
    }

    void check(const Json &schema, const Json &value, const std::string &at,
               std::vector<std::string> &errors) const
    {
        const auto fail = [&](const std::string &what) {
            errors.push_back("at " + (at.empty() ? "/" : at) + ": " + what);
        };
        if (schema.contains("$ref")) {
            const Json *target = resolveRef(m_doc, schema["$ref"].get<std::string>());
            if (!target)
                return fail("unresolved $ref " + schema["$ref"].dump());
            check(*target, value, at, errors);
            return;
        }
        if (schema.contains("allOf"))
            for (const Json &part : schema["allOf"])
                check(part, value, at, errors);
        if (schema.contains("oneOf")) {
            int matches = 0;
            for (const Json &part : schema["oneOf"])
                matches += validate(part, value).empty() ? 1 : 0;
            if (matches != 1)
                fail("matches " + std::to_string(matches) + " of the oneOf schemas, not exactly one");
        }
        if (value.is_null()) {
            if (schema.contains("type") && !schema.value("nullable", false))
                fail("null where the schema is not nullable");
            return;
        }
        if (schema.contains("type")) {
            const std::string type = schema["type"].get<std::string>();
            if (!hasType(type, value))
                return fail("expected " + type + ", got " + value.dump());
            if (type == "integer" && schema.value("format", "") == "int32"
                && (value.get<double>() < -2147483648.0 || value.get<double>() > 2147483647.0))
                fail(value.dump() + " is not a 32-bit integer");
        }
        if (schema.contains("enum")) {
            bool found = false;
            for (const Json &allowed : schema["enum"])
                found = found || allowed == value;
            if (!found)
                fail(value.dump() + " is not one of " + schema["enum"].dump());
        }
        if (value.is_number()) {
            if (schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>())
                fail(value.dump() + " is below the minimum " + schema["minimum"].dump());
            if (schema.contains("maximum") && value.get<double>() > schema["maximum"].get<double>())
                fail(value.dump() + " is above the maximum " + schema["maximum"].dump());
        }
        if (value.is_string() && schema.contains("pattern")
            && !std::regex_search(value.get<std::string>(), std::regex(schema["pattern"].get<std::string>())))
            fail(value.dump() + " does not match " + schema["pattern"].dump());
        if (value.is_array()) {
            if (schema.contains("minItems") && value.size() < schema["minItems"].get<std::size_t>())
                fail("fewer than " + schema["minItems"].dump() + " items");
            if (schema.contains("maxItems") && value.size() > schema["maxItems"].get<std::size_t>())
                fail("more than " + schema["maxItems"].dump() + " items");
            if (schema.contains("items"))
                for (std::size_t i = 0; i < value.size(); ++i)
                    check(schema["items"], value[i], at + "/" + std::to_string(i), errors);
        }
        if (value.is_object())
            checkObject(schema, value, at, errors);
    }

    void checkObject(const Json &schema, const Json &value, const std::string &at,
                     std::vector<std::string> &errors) const
    {
        for (const Json &name : schema.value("required", Json::array()))
            if (!value.contains(name.get<std::string>()))
                errors.push_back("at " + (at.empty() ? "/" : at) + ": missing required member " + name.dump());
        const Json properties = schema.value("properties", Json::object());
        for (const auto &[name, member] : value.items()) {
            if (properties.contains(name))
                check(properties[name], member, at + "/" + name, errors);
            else if (schema.contains("additionalProperties")) {
                const Json &additional = schema["additionalProperties"];
                if (additional.is_boolean() && !additional.get<bool>())
                    errors.push_back("at " + (at.empty() ? "/" : at) + ": undocumented member \"" + name
                                     + "\"");
                else if (additional.is_object())
                    check(additional, member, at + "/" + name, errors);
            }
        }
    }

    const Json &m_doc;
};

// Every schema object in `schema` (itself included), following nested keywords but not $refs.
inline void collectSchemas(const Json &schema, const std::string &at,
                           std::vector<std::pair<std::string, const Json *>> &out)
{
    out.emplace_back(at, &schema);
    if (schema.contains("properties"))
        for (const auto &[name, member] : schema["properties"].items())
            collectSchemas(member, at + "/properties/" + name, out);
    if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object())
        collectSchemas(schema["additionalProperties"], at + "/additionalProperties", out);
    if (schema.contains("items"))
        collectSchemas(schema["items"], at + "/items", out);
    for (const char *combinator : {"allOf", "oneOf"})
        if (schema.contains(combinator))
            for (std::size_t i = 0; i < schema[combinator].size(); ++i)
                collectSchemas(schema[combinator][i], at + "/" + combinator + "/" + std::to_string(i), out);
}

inline void collectRefs(const Json &node, const std::string &at,
                        std::vector<std::pair<std::string, std::string>> &out)
{
    if (node.is_object()) {
        for (const auto &[key, value] : node.items()) {
            if (key == "$ref" && value.is_string())
                out.emplace_back(at, value.get<std::string>());
            else
                collectRefs(value, at + "/" + key, out);
        }
    } else if (node.is_array()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            collectRefs(node[i], at + "/" + std::to_string(i), out);
    }
}

} // namespace openapi_test
