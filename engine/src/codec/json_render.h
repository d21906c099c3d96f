// Renders generic Avro values as JSON for tools (`kappactl log dump`).
#pragma once

#include "codec/avro_schema.h"

#include <string>

namespace kappa::codec {

// Appends `value` (shaped like `schema`) as JSON: enums as symbols, unions as
// their value (no Avro-JSON branch wrapper), bytes and fixed as strings of
// \u00XX code points, non-finite floats as the strings "NaN", "Infinity", "-Infinity".
void appendJsonValue(const AvroValue &value, const AvroNode &schema, std::string &out);

// For a record: its fields as `"name":value` members joined by commas, without
// braces. For any other type: a single `"value":...` member.
void appendJsonMembers(const AvroValue &value, const AvroNode &schema, std::string &out);

} // namespace kappa::codec
