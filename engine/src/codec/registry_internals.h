// What the codec needs from a SchemaRegistry beyond its public API: the parsed
// schema behind an id, so decoders do not reparse JSON.
#pragma once

#include "codec/avro_schema.h"
#include "kappa/schema_registry.h"

namespace kappa::codec {

struct RegistryInternals
{
    // The parsed schema registered under `id`; NotFound names the id.
    static Result<AvroSchemaPtr> parsedSchema(const SchemaRegistry &registry, SchemaId id);
};

} // namespace kappa::codec
