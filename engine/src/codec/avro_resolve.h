// Avro schema resolution (specification 1.11, "Schema Resolution"): reading
// data written with a writer schema as a reader schema.
//
// The same matching rules serve two uses: a static check that lists every way
// the reader could fail on data the writer can produce (the compatibility
// checker builds on it), and a generic resolving decoder. The event hot path
// compiles the same rules into a flat plan (event_plan.h).
#pragma once

#include "codec/avro_binary.h"

#include <string>
#include <vector>

namespace kappa::codec {

enum class TypeMatch : std::uint8_t { None, Exact, Promotable };

// How a non-union writer type matches a non-union reader type at this level
// (items, fields and symbols are checked separately). Named types match when
// their full or short names are equal or a reader alias names the writer.
TypeMatch matchTypes(const AvroNode &writer, const AvroNode &reader);

// The reader union branch a non-union writer type resolves to: the first exact
// match, else the first promotable one; -1 if none.
int selectReaderBranch(const AvroNode &writer, const AvroNode &readerUnion);

// The writer field a reader field is read from (by name, then by the reader
// field's aliases); -1 if the writer has none.
int writerFieldFor(const AvroField &readerField, const AvroNode &writerRecord);

// Every reason the reader could fail to read data written with `writer`, each
// a sentence naming the rule and the field path ("reader field 'device' has no
// default and is missing from the writer"). Empty means the reader can read
// everything the writer can write.
std::vector<std::string> resolutionProblems(const AvroNode &writer, const AvroNode &reader);

// Decodes one value written with `writer` into the shape of `reader`.
bool decodeResolved(BinaryReader &in, const AvroNode &writer, const AvroNode &reader, AvroValue &out,
                    int depth = 0);

// Decodes a whole datum with resolution; trailing bytes are Corruption.
Result<AvroValue> decodeResolvedDatum(const AvroNode &writer, const AvroNode &reader, std::string_view bytes);

} // namespace kappa::codec
