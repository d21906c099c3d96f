#include "samples/session_model.h"

#include <cmath>
#include <initializer_list>
#include <utility>

namespace kappa::samples {
namespace {

// Categories are mildly skewed; items within one follow the configured exponent.
constexpr double kCategoryExponent = 0.8;
constexpr std::int64_t kMinThinkMs = 300;

using Choice = std::pair<std::optional<EventType>, std::uint32_t>; // (next, weight per mille)

// Picks among choices by weight; whatever is left of 1000 goes to `rest`.
std::optional<EventType> choose(Xoshiro256 &rng, std::initializer_list<Choice> choices, EventType rest)
{
    auto r = static_cast<std::uint32_t>(rng.below(1000));
    for (const Choice &c : choices) {
        if (r < c.second)
            return c.first;
        r -= c.second;
    }
    return rest;
}

} // namespace

SessionModel::SessionModel(const Catalog &catalog, double itemZipfExponent)
    : m_catalog(catalog)
    , m_categorySampler(catalog.categories(), kCategoryExponent)
    , m_itemSampler(catalog.maxCategorySize(), itemZipfExponent)
{
    for (std::size_t i = 0; i < m_expQuantiles.size(); ++i) {
        const double p = (static_cast<double>(i) + 0.5) / static_cast<double>(m_expQuantiles.size());
        m_expQuantiles[i] = static_cast<float>(-std::log1p(-p));
    }
}

void SessionModel::start(Actor &a, std::int64_t userId, std::int64_t sessionId, int country, bool boosted,
                         Xoshiro256 &rng) const
{
    const std::int32_t delayMs = a.delayMs;
    a = Actor{};
    a.delayMs = delayMs;
    a.kind = ActorKind::Session;
    a.userId = userId;
    a.sessionId = sessionId;
    a.country = static_cast<std::uint8_t>(country);
    a.boosted = boosted;
    a.category = pickCategory(rng);
    a.next = rng.chance(800) ? EventType::View : EventType::Search;
}

std::int64_t SessionModel::step(Actor &a, Xoshiro256 &rng, Event &e) const
{
    const EventType emitted = a.next;
    e.type = emitted;
    setOrigin(e, a);
    switch (emitted) {
    case EventType::View: emitView(a, rng, e); break;
    case EventType::Search: emitSearch(a, rng, e); break;
    case EventType::CartAdd: emitCartAdd(a, rng, e); break;
    case EventType::CartRemove: emitCartRemove(a, rng, e); break;
    case EventType::Checkout: emitCheckout(a, rng, e); break;
    case EventType::Purchase:
        setOrder(e, m_catalog, a, EventType::Purchase);
        a.cartSize = 0;
        break;
    }
    const std::optional<EventType> next = chooseNext(a, emitted, rng);
    if (!next)
        return -1;
    a.next = *next;
    return thinkMs(*next, rng);
}

std::int32_t SessionModel::pickCategory(Xoshiro256 &rng) const
{
    return static_cast<std::int32_t>(m_categorySampler.sample(rng));
}

std::int64_t SessionModel::pickItem(std::int32_t category, Xoshiro256 &rng) const
{
    // Categories differ in size by at most one item; redraw the rare rank
    // that falls past a smaller category's end.
    const std::int64_t size = m_catalog.categorySize(category);
    for (;;) {
        const std::int64_t rank = m_itemSampler.sample(rng);
        if (rank <= size)
            return m_catalog.itemAt(category, rank);
    }
}

void SessionModel::emitView(Actor &a, Xoshiro256 &rng, Event &e) const
{
    if (rng.chance(150))
        a.category = pickCategory(rng);
    a.item = pickItem(a.category, rng);
    setItem(e, m_catalog, a.item, a.category);
}

void SessionModel::emitSearch(Actor &a, Xoshiro256 &rng, Event &e) const
{
    if (rng.chance(500))
        a.category = pickCategory(rng);
    a.item = 0; // a search is followed by a view of a result before anything goes into the cart
    e.categoryId = a.category;
}

void SessionModel::emitCartAdd(Actor &a, Xoshiro256 &rng, Event &e) const
{
    const std::int64_t r = static_cast<std::int64_t>(rng.below(100));
    const std::int32_t quantity = r < 85 ? 1 : r < 97 ? 2 : 3;
    CartLine *line = nullptr;
    for (int i = 0; i < a.cartSize; ++i) {
        if (a.cart[static_cast<std::size_t>(i)].item == a.item)
            line = &a.cart[static_cast<std::size_t>(i)];
    }
    if (line) {
        line->quantity += quantity;
    } else {
        a.cart[a.cartSize++] = {static_cast<std::int32_t>(a.item), a.category, quantity};
    }
    setItem(e, m_catalog, a.item, a.category);
    setAmount(e, m_catalog.priceCents(a.item, a.category, a.country) * quantity, a.country);
}

void SessionModel::emitCartRemove(Actor &a, Xoshiro256 &rng, Event &e) const
{
    const auto index = static_cast<std::size_t>(rng.below(a.cartSize));
    const CartLine line = a.cart[index];
    a.cart[index] = a.cart[a.cartSize - 1u];
    --a.cartSize;
    setItem(e, m_catalog, line.item, line.category);
}

void SessionModel::emitCheckout(Actor &a, Xoshiro256 &rng, Event &e) const
{
    std::int64_t total = 0;
    std::int64_t leadPrice = -1;
    for (int i = 0; i < a.cartSize; ++i) {
        const CartLine &line = a.cart[static_cast<std::size_t>(i)];
        const std::int64_t price = m_catalog.priceCents(line.item, line.category, a.country);
        total += price * line.quantity;
        if (price > leadPrice) {
            leadPrice = price;
            a.orderItem = line.item;
            a.orderCategory = line.category;
        }
    }
    // Most people pay with their first card.
    const int cards = m_catalog.cardCount(a.userId);
    const int card = (cards == 1 || rng.chance(750))
                         ? 0
                         : static_cast<int>(rng.below(static_cast<std::uint64_t>(cards)));
    a.cardId = Catalog::cardId(a.userId, card);
    a.amountCents = total;
    setOrder(e, m_catalog, a, EventType::Checkout);
}

std::optional<EventType> SessionModel::chooseNext(const Actor &a, EventType emitted, Xoshiro256 &rng) const
{
    constexpr std::optional<EventType> kEnd;
    const bool empty = a.cartSize == 0;
    const bool canAdd = a.item != 0 && a.cartSize < kMaxCartLines;
    switch (emitted) {
    case EventType::CartAdd:
        return choose(rng,
                      {{kEnd, 90u},
                       {EventType::Checkout, a.boosted ? 320u : 240u},
                       {EventType::CartRemove, 30u},
                       {EventType::Search, 60u}},
                      EventType::View);
    case EventType::Checkout:
        return choose(rng, {{EventType::Purchase, a.boosted ? 800u : 650u}, {kEnd, 170u}}, EventType::View);
    case EventType::Purchase: return choose(rng, {{kEnd, 650u}}, EventType::View);
    case EventType::View:
    case EventType::Search:
    case EventType::CartRemove: break;
    }
    // Browsing.
    return choose(rng,
                  {{kEnd, empty ? 200u : 160u},
                   {EventType::CartAdd, canAdd ? (a.boosted ? 40u : 22u) : 0u},
                   {EventType::Checkout, empty ? 0u : (a.boosted ? 200u : 150u)},
                   {EventType::CartRemove, empty ? 0u : 45u},
                   {EventType::Search, 80u}},
                  EventType::View);
}

std::int64_t SessionModel::thinkMs(EventType next, Xoshiro256 &rng) const
{
    std::int64_t meanMs = 12'000;
    switch (next) {
    case EventType::View: meanMs = 12'000; break;
    case EventType::Search: meanMs = 9'000; break;
    case EventType::CartAdd: meanMs = 10'000; break;
    case EventType::CartRemove: meanMs = 15'000; break;
    case EventType::Checkout: meanMs = 25'000; break;
    case EventType::Purchase: meanMs = 30'000; break;
    }
    const float e = m_expQuantiles[rng.next() >> 54];
    return kMinThinkMs + static_cast<std::int64_t>(static_cast<float>(meanMs) * e);
}

} // namespace kappa::samples
