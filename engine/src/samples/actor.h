// Actor: one simulated shopper session or fraud episode in flight, plus the
// helpers that write its fields into an Event. Actors live in a pool owned by
// the generator and are woken in event-time order (wakeup_queue.h).
#pragma once

#include "kappa/event.h"
#include "samples/catalog.h"

#include <array>
#include <cstdint>

namespace kappa::samples {

enum class ActorKind : std::uint8_t { Session, CardTesting, MerchantVelocity, CountryHopping };

inline constexpr int kMaxCartLines = 4;

// Ids fit in 32 bits (the config caps them below 2^31); keeping the line small
// keeps an Actor within two cache lines.
struct CartLine
{
    std::int32_t item = 0;
    std::int32_t category = 0;
    std::int32_t quantity = 0;
};

// Aligned to a cache line: waking an actor then touches exactly two lines.
struct alignas(64) Actor
{
    ActorKind kind = ActorKind::Session;
    EventType next = EventType::View; // the type of the actor's next event
    bool boosted = false;             // started during a flash sale: converts more
    std::uint8_t country = 0;         // index into sampleCountries()
    std::uint8_t cartSize = 0;
    std::uint8_t countryStride = 1; // country hopping: step through the list
    std::int32_t category = 1;      // current category of interest
    std::int32_t delayMs = 0;       // reporting delay: ts = true time - delayMs
    std::int32_t remaining = 0;     // fraud: purchases still to make
    std::int32_t caseIndex = -1;    // fraud: index into the ground truth
    std::int64_t userId = 0;
    std::int64_t sessionId = 0;
    std::int64_t item = 0;      // last viewed item, 0 if none (fraud: current item)
    std::int64_t orderItem = 0; // checkout -> purchase: the order's lead line
    std::int32_t orderCategory = 0;
    std::int64_t cardId = 0;      // checkout -> purchase (fraud: the stolen card)
    std::int64_t amountCents = 0; // checkout -> purchase: the order total
    std::array<CartLine, kMaxCartLines> cart{};
};
static_assert(sizeof(Actor) == 128);

inline void setOrigin(Event &e, const Actor &a)
{
    e.userId = a.userId;
    e.sessionId = a.sessionId;
    e.country.assign(Catalog::countryCode(a.country));
}

inline void setItem(Event &e, const Catalog &catalog, std::int64_t item, std::int32_t category)
{
    e.itemId = item;
    e.categoryId = category;
    e.merchantId = catalog.merchantOf(item);
}

inline void setAmount(Event &e, std::int64_t cents, int country)
{
    e.amountCents = cents;
    e.currency.emplace(Catalog::currency(country));
}

// Checkout and purchase carry the same order fields.
inline void setOrder(Event &e, const Catalog &catalog, const Actor &a, EventType type)
{
    e.type = type;
    setOrigin(e, a);
    setItem(e, catalog, a.orderItem, a.orderCategory);
    e.cardId = a.cardId;
    setAmount(e, a.amountCents, a.country);
}

} // namespace kappa::samples
