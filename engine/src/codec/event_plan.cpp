#include "codec/event_plan.h"

#include "codec/avro_resolve.h"

#include <array>

namespace kappa::codec {
namespace {

// Must stay identical (by canonical form) to resources/schemas/event-v1.avsc;
// a test compares the two.
constexpr std::string_view kEventV1Json = R"({
  "type": "record", "name": "Event", "namespace": "kappa",
  "fields": [
    {"name": "event_id", "type": "long"},
    {"name": "ts_ms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "type", "type": {"type": "enum", "name": "EventType",
      "symbols": ["view", "search", "cart_add", "cart_remove", "checkout", "purchase"]}},
    {"name": "user_id", "type": "long"},
    {"name": "session_id", "type": "long"},
    {"name": "item_id", "type": ["null", "long"], "default": null},
    {"name": "category_id", "type": "int"},
    {"name": "merchant_id", "type": ["null", "long"], "default": null},
    {"name": "card_id", "type": ["null", "long"], "default": null},
    {"name": "amount_cents", "type": ["null", "long"], "default": null},
    {"name": "currency", "type": ["null", "string"], "default": null},
    {"name": "country", "type": "string"}
  ]
})";

enum class ReaderKind : std::uint8_t {
    Long,
    Timestamp,
    Type,
    Category,
    OptionalLong,
    String,
    OptionalString
};

struct Target
{
    std::string_view name;
    ReaderKind kind;
    std::int64_t Event::*longMember = nullptr;
    std::optional<std::int64_t> Event::*optionalLongMember = nullptr;
    std::string Event::*stringMember = nullptr;
    std::optional<std::string> Event::*optionalStringMember = nullptr;
};

// The reader fields of Event v1, in schema order.
const std::array<Target, 12> kTargets = {{
    {"event_id", ReaderKind::Long, &Event::eventId},
    {"ts_ms", ReaderKind::Timestamp},
    {"type", ReaderKind::Type},
    {"user_id", ReaderKind::Long, &Event::userId},
    {"session_id", ReaderKind::Long, &Event::sessionId},
    {"item_id", ReaderKind::OptionalLong, nullptr, &Event::itemId},
    {"category_id", ReaderKind::Category},
    {"merchant_id", ReaderKind::OptionalLong, nullptr, &Event::merchantId},
    {"card_id", ReaderKind::OptionalLong, nullptr, &Event::cardId},
    {"amount_cents", ReaderKind::OptionalLong, nullptr, &Event::amountCents},
    {"currency", ReaderKind::OptionalString, nullptr, nullptr, nullptr, &Event::currency},
    {"country", ReaderKind::String, nullptr, nullptr, &Event::country},
}};

class PlanCompiler
{
public:
    explicit PlanCompiler(EventPlan &plan)
        : m_plan(plan)
    {}

    // Compiles the ops reading writer field `w` into reader target `t`; returns
    // a reason when the types can never resolve.
    std::optional<std::string> compileField(const AvroNode &w, const Target &t, const AvroNode &readerType,
                                            Op &op);
    static Op compileSkip(const AvroNode &w);

private:
    std::optional<std::string> compileValue(const AvroNode &w, const Target &t, const AvroNode &readerType,
                                            Op &op);
    std::optional<std::string> compileEnum(const AvroNode &w, const AvroNode &readerType, Op &op);

    EventPlan &m_plan;
};

std::string mismatchReason(const AvroNode &w, const Target &t)
{
    return "cannot read writer type " + std::string(avroTypeName(w.type)) + " as reader field '"
           + std::string(t.name) + "'";
}

std::optional<std::string> PlanCompiler::compileField(const AvroNode &w, const Target &t,
                                                      const AvroNode &readerType, Op &op)
{
    if (w.type != AvroType::Union)
        return compileValue(w, t, readerType, op);
    op.code = OpCode::Union;
    op.first = static_cast<std::uint32_t>(m_plan.branchOps.size());
    op.count = static_cast<std::uint32_t>(w.branches.size());
    m_plan.branchOps.resize(m_plan.branchOps.size() + w.branches.size());
    for (std::size_t i = 0; i < w.branches.size(); ++i) {
        Op branch;
        if (compileValue(*w.branches[i], t, readerType, branch)) {
            // Resolution fails only if data actually takes this branch (spec).
            branch = Op{};
            branch.code = OpCode::FailBranch;
            branch.node = w.branches[i];
        }
        m_plan.branchOps[op.first + i] = branch;
    }
    return std::nullopt;
}

std::optional<std::string> PlanCompiler::compileValue(const AvroNode &w, const Target &t,
                                                      const AvroNode &readerType, Op &op)
{
    const bool integral = w.type == AvroType::Int || w.type == AvroType::Long;
    const bool text = w.type == AvroType::String || w.type == AvroType::Bytes;
    op.writerIsInt = w.type == AvroType::Int;
    op.longMember = t.longMember;
    op.optionalLongMember = t.optionalLongMember;
    op.stringMember = t.stringMember;
    op.optionalStringMember = t.optionalStringMember;
    switch (t.kind) {
    case ReaderKind::Long:
    case ReaderKind::Timestamp:
        op.code = t.kind == ReaderKind::Long ? OpCode::Long : OpCode::Timestamp;
        return integral ? std::nullopt : std::optional(mismatchReason(w, t));
    case ReaderKind::Category:
        op.code = OpCode::Category;
        return w.type == AvroType::Int ? std::nullopt : std::optional(mismatchReason(w, t));
    case ReaderKind::OptionalLong:
        op.code = w.type == AvroType::Null ? OpCode::SetNullLong : OpCode::OptionalLong;
        return integral || w.type == AvroType::Null ? std::nullopt : std::optional(mismatchReason(w, t));
    case ReaderKind::String:
        op.code = OpCode::String;
        return text ? std::nullopt : std::optional(mismatchReason(w, t));
    case ReaderKind::OptionalString:
        op.code = w.type == AvroType::Null ? OpCode::SetNullString : OpCode::OptionalString;
        return text || w.type == AvroType::Null ? std::nullopt : std::optional(mismatchReason(w, t));
    case ReaderKind::Type: return compileEnum(w, readerType, op);
    }
    return mismatchReason(w, t);
}

std::optional<std::string> PlanCompiler::compileEnum(const AvroNode &w, const AvroNode &readerType, Op &op)
{
    if (matchTypes(w, readerType) != TypeMatch::Exact)
        return "cannot read writer type " + std::string(avroTypeName(w.type)) + " '" + w.fullName
               + "' as reader enum '" + readerType.fullName + "'";
    op.code = OpCode::EventTypeEnum;
    op.node = &w;
    op.first = static_cast<std::uint32_t>(m_plan.enumMap.size());
    op.count = static_cast<std::uint32_t>(w.symbols.size());
    for (const std::string &symbol : w.symbols) {
        const auto type = parseEventType(symbol);
        m_plan.enumMap.push_back(type ? static_cast<std::int8_t>(*type) : std::int8_t(-1));
    }
    return std::nullopt;
}

Op PlanCompiler::compileSkip(const AvroNode &w)
{
    Op op;
    op.node = &w;
    switch (w.type) {
    case AvroType::Int: op.code = OpCode::SkipInt; break;
    case AvroType::Long: op.code = OpCode::SkipLong; break;
    case AvroType::Boolean: op.code = OpCode::SkipBoolean; break;
    case AvroType::Float:
        op.code = OpCode::SkipFixed;
        op.size = 4;
        break;
    case AvroType::Double:
        op.code = OpCode::SkipFixed;
        op.size = 8;
        break;
    case AvroType::Fixed:
        op.code = OpCode::SkipFixed;
        op.size = w.fixedSize;
        break;
    case AvroType::Bytes:
    case AvroType::String: op.code = OpCode::SkipBytes; break;
    default: op.code = OpCode::SkipGeneric; break;
    }
    return op;
}

bool readIntegral(BinaryReader &in, bool isInt, std::int64_t &out)
{
    if (!isInt)
        return in.readLong(out);
    std::int32_t v = 0;
    if (!in.readInt(v))
        return false;
    out = v;
    return true;
}

bool runEnum(const EventPlan &plan, const Op &op, BinaryReader &in, Event &event)
{
    const std::size_t at = in.position();
    std::int32_t index = 0;
    if (!in.readInt(index))
        return false;
    if (index < 0 || static_cast<std::uint32_t>(index) >= op.count)
        return in.failAt(at, "enum index " + std::to_string(index) + " out of range for '" + op.node->fullName
                                 + "' (" + std::to_string(op.count) + " symbols)");
    const std::int8_t mapped = plan.enumMap[op.first + static_cast<std::uint32_t>(index)];
    if (mapped < 0)
        return in.failAt(at, "enum symbol '" + op.node->symbols[static_cast<std::size_t>(index)]
                                 + "' unknown to reader 'kappa.EventType'");
    event.type = static_cast<EventType>(mapped);
    return true;
}

bool runOp(const EventPlan &plan, const Op &op, BinaryReader &in, Event &event);

bool runUnion(const EventPlan &plan, const Op &op, BinaryReader &in, Event &event)
{
    const std::size_t at = in.position();
    std::int64_t branch = 0;
    if (!in.readLong(branch))
        return false;
    if (branch < 0 || static_cast<std::uint64_t>(branch) >= op.count)
        return in.failAt(at, "union branch " + std::to_string(branch) + " out of range (union has "
                                 + std::to_string(op.count) + " branches)");
    const Op &chosen = plan.branchOps[op.first + static_cast<std::uint32_t>(branch)];
    if (chosen.code == OpCode::FailBranch)
        return in.failAt(at, "union branch " + std::to_string(branch) + " ("
                                 + std::string(avroTypeName(chosen.node->type))
                                 + ") cannot be read by the Event reader");
    return runOp(plan, chosen, in, event);
}

bool runOp(const EventPlan &plan, const Op &op, BinaryReader &in, Event &event)
{
    std::int64_t value = 0;
    std::string_view bytes;
    switch (op.code) {
    case OpCode::Long:
        if (!readIntegral(in, op.writerIsInt, value))
            return false;
        event.*op.longMember = value;
        return true;
    case OpCode::Timestamp:
        if (!readIntegral(in, op.writerIsInt, value))
            return false;
        event.ts = EventTime(value);
        return true;
    case OpCode::Category: return in.readInt(event.categoryId);
    case OpCode::OptionalLong:
        if (!readIntegral(in, op.writerIsInt, value))
            return false;
        event.*op.optionalLongMember = value;
        return true;
    case OpCode::SetNullLong: (event.*op.optionalLongMember).reset(); return true;
    case OpCode::String:
        if (!in.readBytes(bytes))
            return false;
        (event.*op.stringMember).assign(bytes);
        return true;
    case OpCode::OptionalString: {
        if (!in.readBytes(bytes))
            return false;
        auto &member = event.*op.optionalStringMember;
        if (member)
            member->assign(bytes);
        else
            member.emplace(bytes);
        return true;
    }
    case OpCode::SetNullString: (event.*op.optionalStringMember).reset(); return true;
    case OpCode::EventTypeEnum: return runEnum(plan, op, in, event);
    case OpCode::Union: return runUnion(plan, op, in, event);
    case OpCode::FailBranch: return in.fail("union branch cannot be read by the Event reader");
    case OpCode::SkipInt: {
        std::int32_t v = 0;
        return in.readInt(v);
    }
    case OpCode::SkipLong: return in.readLong(value);
    case OpCode::SkipBoolean: {
        bool b = false;
        return in.readBoolean(b);
    }
    case OpCode::SkipFixed: return in.readRaw(op.size, bytes);
    case OpCode::SkipBytes: return in.readBytes(bytes);
    case OpCode::SkipGeneric: return skipValue(in, *op.node);
    }
    return in.fail("bad plan op");
}

// Reads a ["null", T] union into `out`; readValue(out) reads a present T.
template<typename T, typename ReadValue>
bool readOptional(BinaryReader &in, std::optional<T> &out, ReadValue &&readValue)
{
    const std::size_t at = in.position();
    std::int64_t branch = 0;
    if (!in.readLong(branch))
        return false;
    if (branch == 0) {
        out.reset();
        return true;
    }
    if (branch != 1)
        return in.failAt(at,
                         "union branch " + std::to_string(branch) + " out of range (union has 2 branches)");
    return readValue(out);
}

bool readOptionalLong(BinaryReader &in, std::optional<std::int64_t> &out)
{
    return readOptional(in, out, [&in](std::optional<std::int64_t> &value) {
        std::int64_t v = 0;
        if (!in.readLong(v))
            return false;
        value = v;
        return true;
    });
}

bool readOptionalString(BinaryReader &in, std::optional<std::string> &out)
{
    return readOptional(in, out, [&in](std::optional<std::string> &value) {
        std::string_view bytes;
        if (!in.readBytes(bytes))
            return false;
        if (value)
            value->assign(bytes);
        else
            value.emplace(bytes);
        return true;
    });
}

// Event v1 written as Event v1: the field order is the struct's.
bool decodeV1Direct(const EventPlan &plan, BinaryReader &in, Event &event)
{
    std::int64_t ts = 0;
    std::string_view country;
    const bool ok = in.readLong(event.eventId) && in.readLong(ts) && runEnum(plan, plan.ops[2], in, event)
                    && in.readLong(event.userId) && in.readLong(event.sessionId)
                    && readOptionalLong(in, event.itemId) && in.readInt(event.categoryId)
                    && readOptionalLong(in, event.merchantId) && readOptionalLong(in, event.cardId)
                    && readOptionalLong(in, event.amountCents) && readOptionalString(in, event.currency)
                    && in.readBytes(country);
    if (!ok)
        return false;
    event.ts = EventTime(ts);
    event.country.assign(country);
    return true;
}

char *putLong(char *p, std::int64_t value)
{
    std::uint64_t n = (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
    while (n >= 0x80) {
        *p++ = static_cast<char>((n & 0x7f) | 0x80);
        n >>= 7;
    }
    *p++ = static_cast<char>(n);
    return p;
}

char *putOptional(char *p, const std::optional<std::int64_t> &value)
{
    if (!value) {
        *p++ = 0; // branch 0: null
        return p;
    }
    *p++ = 2; // branch 1 (zig-zag): long
    return putLong(p, *value);
}

} // namespace

std::string_view eventV1SchemaJson()
{
    return kEventV1Json;
}

const AvroSchemaPtr &eventV1Schema()
{
    static const AvroSchemaPtr schema = [] {
        auto parsed = parseAvroSchema(kEventV1Json);
        return parsed.isOk() ? std::move(parsed).value() : nullptr;
    }();
    return schema;
}

Result<std::unique_ptr<EventPlan>> compileEventPlan(AvroSchemaPtr writer)
{
    const AvroNode &reader = eventV1Schema()->root();
    const AvroNode &w = writer->root();
    if (matchTypes(w, reader) != TypeMatch::Exact)
        return Status::failedPrecondition("writer schema " + std::string(avroTypeName(w.type)) + " '"
                                          + w.fullName + "' cannot be read as record 'kappa.Event'");
    auto plan = std::make_unique<EventPlan>();
    plan->writer = writer;
    PlanCompiler compiler(*plan);
    std::vector<int> readerFor(w.fields.size(), -1);
    std::string problems;
    for (std::size_t r = 0; r < reader.fields.size(); ++r) {
        if (r >= kTargets.size() || kTargets[r].name != reader.fields[r].name)
            return Status::internal("the Event v1 schema and the decoder's field table disagree");
        const int wi = writerFieldFor(reader.fields[r], w);
        if (wi >= 0) {
            readerFor[static_cast<std::size_t>(wi)] = static_cast<int>(r);
        } else if (!reader.fields[r].defaultValue) {
            problems += (problems.empty() ? "" : "; ") + std::string("reader field '") + reader.fields[r].name
                        + "' has no default and is missing from the writer";
        } else if (kTargets[r].optionalLongMember) {
            plan->nullLongs.push_back(kTargets[r].optionalLongMember);
        } else {
            plan->nullStrings.push_back(kTargets[r].optionalStringMember);
        }
    }
    for (std::size_t i = 0; i < w.fields.size(); ++i) {
        const AvroNode &type = *w.fields[i].type;
        if (readerFor[i] < 0) {
            if (type.type != AvroType::Null)
                plan->ops.push_back(PlanCompiler::compileSkip(type));
            continue;
        }
        const auto r = static_cast<std::size_t>(readerFor[i]);
        const AvroNode &readerType = *reader.fields[r].type;
        const AvroNode &readerValue = readerType.type == AvroType::Union ? *readerType.branches.back()
                                                                         : readerType;
        Op op;
        if (const auto problem = compiler.compileField(type, kTargets[r], readerValue, op))
            problems += (problems.empty() ? "" : "; ") + *problem;
        plan->ops.push_back(op);
    }
    if (!problems.empty())
        return Status::failedPrecondition("writer schema cannot be read as kappa.Event: " + problems);
    plan->isV1 = writer->canonicalForm() == eventV1Schema()->canonicalForm();
    return plan;
}

bool runEventPlan(const EventPlan &plan, BinaryReader &in, Event &event)
{
    return plan.isV1 ? decodeV1Direct(plan, in, event) : runEventPlanOps(plan, in, event);
}

bool runEventPlanOps(const EventPlan &plan, BinaryReader &in, Event &event)
{
    for (const auto member : plan.nullLongs)
        (event.*member).reset();
    for (const auto member : plan.nullStrings)
        (event.*member).reset();
    for (const Op &op : plan.ops) {
        if (!runOp(plan, op, in, event))
            return false;
    }
    return true;
}

void encodeEventV1(const Event &event, std::string &out)
{
    // Everything up to the currency bytes fits in 128 bytes: 10 varints of at most 10 bytes plus tags.
    char head[128];
    char *p = head;
    p = putLong(p, event.eventId);
    p = putLong(p, event.ts.value());
    p = putLong(p, static_cast<std::int64_t>(event.type));
    p = putLong(p, event.userId);
    p = putLong(p, event.sessionId);
    p = putOptional(p, event.itemId);
    p = putLong(p, event.categoryId);
    p = putOptional(p, event.merchantId);
    p = putOptional(p, event.cardId);
    p = putOptional(p, event.amountCents);
    if (event.currency) {
        *p++ = 2;
        p = putLong(p, static_cast<std::int64_t>(event.currency->size()));
    } else {
        *p++ = 0;
    }
    out.append(head, static_cast<std::size_t>(p - head));
    if (event.currency)
        out.append(*event.currency);
    p = putLong(head, static_cast<std::int64_t>(event.country.size()));
    out.append(head, static_cast<std::size_t>(p - head));
    out.append(event.country);
}

} // namespace kappa::codec
