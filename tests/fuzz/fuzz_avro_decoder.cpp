// libFuzzer target for the Avro decoders: the EventCodec hot path (framing,
// compiled resolution plans from several writer schemas), the JSON rendering,
// and the generic and resolving decoders over a schema with every type.
// Everything runs against an in-memory registry: no SQLite, no files.
#include "codec/avro_resolve.h"
#include "kappa/event_codec.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace kappa;

namespace {

// Writer schemas that exercise different plan ops: v2 (skipped string),
// and a writer with unions, promotions, enums with unknown symbols and skipped
// collections and recursion.
const char *const kV2 = R"({"type":"record","name":"Event","namespace":"kappa","fields":[
    {"name":"event_id","type":"long"},{"name":"ts_ms","type":"long"},
    {"name":"type","type":{"type":"enum","name":"EventType","symbols":["view","search","cart_add","cart_remove","checkout","purchase"]}},
    {"name":"user_id","type":"long"},{"name":"session_id","type":"long"},{"name":"item_id","type":["null","long"],"default":null},
    {"name":"category_id","type":"int"},{"name":"merchant_id","type":["null","long"],"default":null},
    {"name":"card_id","type":["null","long"],"default":null},{"name":"amount_cents","type":["null","long"],"default":null},
    {"name":"currency","type":["null","string"],"default":null},{"name":"country","type":"string"},
    {"name":"device","type":"string","default":"unknown"}]})";

const char *const kOdd = R"({"type":"record","name":"Event","namespace":"kappa","fields":[
    {"name":"country","type":"bytes"},
    {"name":"tree","type":{"type":"record","name":"Node","fields":[
        {"name":"children","type":{"type":"array","items":"Node"}},
        {"name":"attrs","type":{"type":"map","values":["null","double","float","boolean",{"type":"fixed","name":"F","size":3}]}}]}},
    {"name":"type","type":{"type":"enum","name":"EventType","symbols":["purchase","view","refund"]}},
    {"name":"user_id","type":["string","long","int"]},
    {"name":"event_id","type":"int"},{"name":"ts_ms","type":"int"},{"name":"session_id","type":"long"},
    {"name":"category_id","type":"int"},{"name":"merchant_id","type":["null","int"]},
    {"name":"currency","type":["bytes","null","string"]},{"name":"nothing","type":"null"}]})";

// A reader for kOdd data that differs in every resolvable way.
const char *const kOddReader = R"({"type":"record","name":"Event","namespace":"kappa","fields":[
    {"name":"tree","type":{"type":"record","name":"Node","fields":[
        {"name":"children","type":{"type":"array","items":"Node"}},
        {"name":"attrs","type":{"type":"map","values":["null","double","boolean",{"type":"fixed","name":"F","size":3}]}}]}},
    {"name":"type","type":{"type":"enum","name":"EventType","symbols":["view","purchase"],"default":"view"}},
    {"name":"user_id","type":["null","string","long"]},
    {"name":"event_id","type":"double"},{"name":"country","type":"string"},
    {"name":"added","type":{"type":"array","items":"int"},"default":[1,2]}]})";

struct Fixture
{
    Fixture()
    {
        auto created = EventCodec::create(registry);
        if (!created.isOk())
            std::abort();
        codec = std::move(created).value();
        if (!registry.registerSchema("v2", kV2).isOk() || !registry.registerSchema("odd", kOdd).isOk())
            std::abort();
        auto writer = codec::parseAvroSchema(kOdd);
        auto reader = codec::parseAvroSchema(kOddReader);
        if (!writer.isOk() || !reader.isOk())
            std::abort();
        oddWriter = std::move(writer).value();
        oddReader = std::move(reader).value();
    }

    SchemaRegistry registry;
    std::unique_ptr<EventCodec> codec;
    codec::AvroSchemaPtr oddWriter;
    codec::AvroSchemaPtr oddReader;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static Fixture fixture;
    const std::string_view input(reinterpret_cast<const char *>(data), size);
    Event event;
    std::string json;
    // As given: exercises the framing checks and unknown ids.
    fixture.codec->decode(input, event).ignore();
    fixture.codec->appendJsonFields(input, json).ignore();
    if (size == 0)
        return 0;
    // The first byte picks a registered writer (ids 1..3); the rest is the body.
    std::string framed("\0\0\0\0", 4);
    framed += static_cast<char>(1 + data[0] % 3);
    framed.append(input.substr(1));
    fixture.codec->decode(framed, event).ignore();
    json.clear();
    fixture.codec->appendJsonFields(framed, json).ignore();
    codec::decodeResolvedDatum(fixture.oddWriter->root(), fixture.oddReader->root(), input.substr(1))
        .status()
        .ignore();
    return 0;
}
