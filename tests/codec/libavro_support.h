// Thin RAII helpers over avro-c (libavro) for the cross-check tests and the
// benchmark. avro-c is linked only by tests and benchmarks, never the engine.
#pragma once

#include "kappa/event.h"

#include <avro.h>

#include <string>
#include <string_view>

namespace kappa::avroc {

// A parsed schema, a generic value of it, and a memory reader and writer.
class Generic
{
public:
    explicit Generic(const std::string &json)
    {
        if (avro_schema_from_json_length(json.data(), json.size(), &m_schema) != 0)
            return;
        m_iface = avro_generic_class_from_schema(m_schema);
        if (m_iface && avro_generic_value_new(m_iface, &m_value) == 0)
            m_ok = true;
    }
    ~Generic()
    {
        if (m_ok)
            avro_value_decref(&m_value);
        if (m_iface)
            avro_value_iface_decref(m_iface);
        if (m_schema)
            avro_schema_decref(m_schema);
    }
    Generic(const Generic &) = delete;
    Generic &operator=(const Generic &) = delete;

    bool ok() const { return m_ok; }
    avro_schema_t schema() const { return m_schema; }
    avro_value_t &value() { return m_value; }

    avro_value_t field(const char *name)
    {
        avro_value_t f;
        avro_value_get_by_name(&m_value, name, &f, nullptr);
        return f;
    }

    // Encodes value() (Avro binary, no framing); empty on failure.
    std::string write()
    {
        char buffer[4096] = {}; // avro-c takes the buffer as const char *: zero it for -Wmaybe-uninitialized
        avro_writer_t writer = avro_writer_memory(buffer, sizeof buffer);
        const int rc = avro_value_write(writer, &m_value);
        const auto size = static_cast<std::size_t>(avro_writer_tell(writer));
        avro_writer_free(writer);
        return rc == 0 ? std::string(buffer, size) : std::string();
    }

private:
    avro_schema_t m_schema = nullptr;
    avro_value_iface_t *m_iface = nullptr;
    avro_value_t m_value{};
    bool m_ok = false;
};

inline void setOptionalLong(avro_value_t field, const std::optional<std::int64_t> &v)
{
    avro_value_t branch;
    avro_value_set_branch(&field, v ? 1 : 0, &branch);
    if (v)
        avro_value_set_long(&branch, *v);
    else
        avro_value_set_null(&branch);
}

inline void setString(avro_value_t field, std::string_view s)
{
    // avro-c strings carry their NUL terminator in the size.
    std::string copy(s);
    avro_value_set_string_len(&field, copy.c_str(), copy.size() + 1);
}

// Fills an Event v1 (or v2: extra fields are left at their zero values) generic record.
inline void fillEvent(Generic &g, const Event &e)
{
    avro_value_t f = g.field("event_id");
    avro_value_set_long(&f, e.eventId);
    f = g.field("ts_ms");
    avro_value_set_long(&f, e.ts.value());
    f = g.field("type");
    avro_value_set_enum(&f, static_cast<int>(e.type));
    f = g.field("user_id");
    avro_value_set_long(&f, e.userId);
    f = g.field("session_id");
    avro_value_set_long(&f, e.sessionId);
    setOptionalLong(g.field("item_id"), e.itemId);
    f = g.field("category_id");
    avro_value_set_int(&f, e.categoryId);
    setOptionalLong(g.field("merchant_id"), e.merchantId);
    setOptionalLong(g.field("card_id"), e.cardId);
    setOptionalLong(g.field("amount_cents"), e.amountCents);
    avro_value_t currency = g.field("currency");
    avro_value_t branch;
    avro_value_set_branch(&currency, e.currency ? 1 : 0, &branch);
    if (e.currency)
        setString(branch, *e.currency);
    else
        avro_value_set_null(&branch);
    setString(g.field("country"), e.country);
}

inline std::optional<std::int64_t> getOptionalLong(avro_value_t field)
{
    int discriminant = 0;
    avro_value_get_discriminant(&field, &discriminant);
    if (discriminant == 0)
        return std::nullopt;
    avro_value_t branch;
    avro_value_get_current_branch(&field, &branch);
    int64_t v = 0;
    avro_value_get_long(&branch, &v);
    return v;
}

inline std::string getString(avro_value_t field)
{
    const char *s = nullptr;
    size_t size = 0;
    avro_value_get_string(&field, &s, &size);
    return size ? std::string(s, size - 1) : std::string();
}

// Reads an Event v1 generic record back into an Event.
inline Event readEvent(Generic &g)
{
    Event e;
    int64_t l = 0;
    int32_t i = 0;
    int en = 0;
    avro_value_t f = g.field("event_id");
    avro_value_get_long(&f, &l);
    e.eventId = l;
    f = g.field("ts_ms");
    avro_value_get_long(&f, &l);
    e.ts = EventTime(l);
    f = g.field("type");
    avro_value_get_enum(&f, &en);
    e.type = static_cast<EventType>(en);
    f = g.field("user_id");
    avro_value_get_long(&f, &l);
    e.userId = l;
    f = g.field("session_id");
    avro_value_get_long(&f, &l);
    e.sessionId = l;
    e.itemId = getOptionalLong(g.field("item_id"));
    f = g.field("category_id");
    avro_value_get_int(&f, &i);
    e.categoryId = i;
    e.merchantId = getOptionalLong(g.field("merchant_id"));
    e.cardId = getOptionalLong(g.field("card_id"));
    e.amountCents = getOptionalLong(g.field("amount_cents"));
    avro_value_t currency = g.field("currency");
    int discriminant = 0;
    avro_value_get_discriminant(&currency, &discriminant);
    if (discriminant == 1) {
        avro_value_t branch;
        avro_value_get_current_branch(&currency, &branch);
        e.currency = getString(branch);
    }
    e.country = getString(g.field("country"));
    return e;
}

} // namespace kappa::avroc
