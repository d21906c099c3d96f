// Compatibility of a new schema with the existing versions of a subject, by
// the Avro resolution rules (avro_resolve.h) and the Confluent mode semantics.
#pragma once

#include "codec/avro_schema.h"
#include "kappa/schema_registry.h"

#include <vector>

namespace kappa::codec {

struct ExistingVersion
{
    int version = 0;
    const AvroSchema *schema = nullptr;
};

// `existing` is in version order, oldest first. Non-transitive modes check
// only the last entry. Each reason says which direction and version failed.
CompatibilityReport checkCompatibility(const AvroSchema &candidate,
                                       const std::vector<ExistingVersion> &existing, CompatibilityMode mode);

} // namespace kappa::codec
