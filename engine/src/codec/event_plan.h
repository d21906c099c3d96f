// The event hot path: a writer schema resolved once against the Event v1
// reader schema and compiled into a flat list of ops, one per writer field.
// Running a plan reads varints straight into kappa::Event's members: no
// generic values, no lookups, no allocation beyond Event's (short, SSO) strings.
//
// The rules are those of avro_resolve.h (tests cross-check the two decoders
// and libavro): fields by name and alias, writer-only fields skipped, reader
// fields missing from the writer take their default (null), int→long
// promotion, string↔bytes, enum symbols by name, unions on either side.
#pragma once

#include "codec/avro_binary.h"
#include "kappa/event.h"

#include <memory>
#include <vector>

namespace kappa::codec {

enum class OpCode : std::uint8_t {
    // Reads a varint (int or long per Op::writerIsInt) into a member.
    Long,         // std::int64_t member
    Timestamp,    // Event::ts
    Category,     // Event::categoryId (int only)
    OptionalLong, // std::optional<std::int64_t> member
    SetNullLong,  // writer type null: the optional member is empty
    String,       // std::string member, from string or bytes
    OptionalString,
    SetNullString,
    EventTypeEnum, // Event::type through Plan::enumMap
    Union,         // reads a branch index, runs branchOps[first + index]
    FailBranch,    // a writer union branch the reader cannot take
    // Skips of writer fields the reader does not have.
    SkipInt,
    SkipLong,
    SkipBoolean,
    SkipFixed, // Op::size bytes (float, double, fixed)
    SkipBytes,
    SkipGeneric, // any other type, by schema
};

struct Op
{
    OpCode code = OpCode::SkipGeneric;
    bool writerIsInt = false;
    std::int64_t Event::*longMember = nullptr;
    std::optional<std::int64_t> Event::*optionalLongMember = nullptr;
    std::string Event::*stringMember = nullptr;
    std::optional<std::string> Event::*optionalStringMember = nullptr;
    std::uint32_t first = 0;        // Union: first branch op; EventTypeEnum: first enumMap entry
    std::uint32_t count = 0;        // Union: branches; EventTypeEnum: writer symbols
    std::size_t size = 0;           // SkipFixed
    const AvroNode *node = nullptr; // SkipGeneric, FailBranch, EventTypeEnum: the writer node
};

struct EventPlan
{
    AvroSchemaPtr writer; // keeps the nodes the ops point at alive
    // The writer is Event v1 itself (same canonical form): a straight-line
    // decoder replaces the op loop. The ops are still compiled and tested.
    bool isV1 = false;
    std::vector<Op> ops;
    std::vector<Op> branchOps;
    std::vector<std::int8_t> enumMap; // writer symbol → EventType, -1 if unknown to the reader
    // Optional reader fields the writer lacks: reset to their default (null) on every decode.
    std::vector<std::optional<std::int64_t> Event::*> nullLongs;
    std::vector<std::optional<std::string> Event::*> nullStrings;
};

// The Event v1 reader schema (the text of resources/schemas/event-v1.avsc), parsed once.
std::string_view eventV1SchemaJson();
const AvroSchemaPtr &eventV1Schema();

// Resolves `writer` against Event v1. FailedPrecondition names each rule broken
// when a writer record can never be read as an Event.
Result<std::unique_ptr<EventPlan>> compileEventPlan(AvroSchemaPtr writer);

// Runs the plan over one body. On false, `in` holds the failure.
bool runEventPlan(const EventPlan &plan, BinaryReader &in, Event &event);
// The op loop alone, even when plan.isV1 (for tests comparing the two paths).
bool runEventPlanOps(const EventPlan &plan, BinaryReader &in, Event &event);

// Appends the Avro v1 body of `event` (no framing).
void encodeEventV1(const Event &event, std::string &out);

} // namespace kappa::codec
