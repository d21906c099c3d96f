// The e-commerce event: what producers append to the `events` topic and what
// the three pipelines consume. Its Avro schema (v1) is resources/schemas/event-v1.avsc.
#pragma once

#include "kappa/types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kappa {

// Symbols in Avro enum order; the order is part of the wire format.
enum class EventType : std::uint8_t { View, Search, CartAdd, CartRemove, Checkout, Purchase };
inline constexpr int kEventTypeCount = 6;

// "view", "search", "cart_add", "cart_remove", "checkout", "purchase".
std::string_view eventTypeName(EventType type);
std::optional<EventType> parseEventType(std::string_view name);

struct Event
{
    std::int64_t eventId = 0; // unique across the log
    EventTime ts;             // event time (ts_ms), set by the producer
    EventType type = EventType::View;
    std::int64_t userId = 0; // partition key
    std::int64_t sessionId = 0;
    std::optional<std::int64_t> itemId; // absent for searches
    std::int32_t categoryId = 0;        // 1..N
    std::optional<std::int64_t> merchantId;
    std::optional<std::int64_t> cardId;      // checkout and purchase only
    std::optional<std::int64_t> amountCents; // cart_add, checkout, purchase
    std::optional<std::string> currency;     // ISO 4217, with amountCents
    std::string country;                     // ISO 3166-1 alpha-2 of the session

    bool operator==(const Event &) const = default;
};

// The log key of an event: its user id in decimal, so that all of a user's
// events land on one partition in order.
std::string eventKey(const Event &event);

} // namespace kappa
