// Strong types for the quantities the engine must never mix up.
//
// Event time (when the user acted, from the payload) and wall time (when the
// log appended a record) are different types, so a job whose output would
// depend on the wall clock does not compile. Offsets and partitions likewise.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace kappa {

template<typename Tag, typename Rep>
class StrongValue
{
public:
    using RepType = Rep;

    constexpr StrongValue() = default;
    constexpr explicit StrongValue(Rep value)
        : m_value(value)
    {}

    constexpr Rep value() const { return m_value; }

    constexpr auto operator<=>(const StrongValue &) const = default;

    // Moving by a plain amount keeps the type; the distance between two values is plain.
    constexpr StrongValue operator+(Rep delta) const { return StrongValue(m_value + delta); }
    constexpr StrongValue operator-(Rep delta) const { return StrongValue(m_value - delta); }
    constexpr Rep operator-(StrongValue other) const { return m_value - other.m_value; }
    constexpr StrongValue &operator+=(Rep delta)
    {
        m_value += delta;
        return *this;
    }
    constexpr StrongValue &operator++()
    {
        ++m_value;
        return *this;
    }

private:
    Rep m_value{};
};

// Position of a record within one partition; dense, starting at 0.
using Offset = StrongValue<struct OffsetTag, std::int64_t>;
// Index of a partition within a topic, 0..P-1.
using PartitionId = StrongValue<struct PartitionTag, std::int32_t>;
// Milliseconds since the Unix epoch, taken from an event's `ts_ms` field.
using EventTime = StrongValue<struct EventTimeTag, std::int64_t>;
// Milliseconds since the Unix epoch, read from a wall clock (log append time).
using WallTime = StrongValue<struct WallTimeTag, std::int64_t>;
// Id of a schema in the registry, as carried in the Confluent wire framing.
using SchemaId = StrongValue<struct SchemaIdTag, std::int32_t>;

} // namespace kappa

template<typename Tag, typename Rep>
struct std::hash<kappa::StrongValue<Tag, Rep>>
{
    std::size_t operator()(kappa::StrongValue<Tag, Rep> v) const noexcept
    {
        return std::hash<Rep>{}(v.value());
    }
};
