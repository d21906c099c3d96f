#include "samples/fraud_injector.h"

#include <algorithm>
#include <array>

namespace kappa::samples {
namespace {

ActorKind kindOf(FraudPattern pattern)
{
    switch (pattern) {
    case FraudPattern::CardTesting: return ActorKind::CardTesting;
    case FraudPattern::MerchantVelocity: return ActorKind::MerchantVelocity;
    case FraudPattern::CountryHopping: return ActorKind::CountryHopping;
    }
    return ActorKind::CardTesting;
}

// Strides coprime to kCountryCount visit distinct countries for kCountryCount steps.
constexpr std::array<std::uint8_t, 4> kCountryStrides = {1, 3, 7, 9};
static_assert(kCountryCount == 10, "kCountryStrides assumes ten countries");

} // namespace

FraudInjector::FraudInjector(const Catalog &catalog, const FraudRates &rates)
    : m_catalog(catalog)
    , m_rates(rates)
{
    const double perEvent = (rates.cardTestingPerMillion + rates.merchantVelocityPerMillion
                             + rates.countryHoppingPerMillion)
                            / 1e6;
    // Validation caps the sum far below 1, so the product fits in 64 bits.
    m_threshold = static_cast<std::uint64_t>(perEvent * 18446744073709551616.0);
}

FraudPattern FraudInjector::pickPattern(Xoshiro256 &rng) const
{
    const double total = m_rates.cardTestingPerMillion + m_rates.merchantVelocityPerMillion
                         + m_rates.countryHoppingPerMillion;
    const double r = rng.uniform() * total;
    if (r < m_rates.cardTestingPerMillion)
        return FraudPattern::CardTesting;
    if (r < m_rates.cardTestingPerMillion + m_rates.merchantVelocityPerMillion)
        return FraudPattern::MerchantVelocity;
    return FraudPattern::CountryHopping;
}

std::int64_t FraudInjector::randomItem(Xoshiro256 &rng) const
{
    return 1 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(m_catalog.items())));
}

void FraudInjector::start(Actor &a, std::int64_t sessionId, std::int64_t maxDelayMs, Xoshiro256 &rng)
{
    const FraudPattern pattern = pickPattern(rng);
    a = Actor{};
    a.kind = kindOf(pattern);
    a.sessionId = sessionId;
    a.delayMs = static_cast<std::int32_t>(
        rng.below(static_cast<std::uint64_t>(std::min<std::int64_t>(maxDelayMs, 200)) + 1));
    const auto users = static_cast<std::uint64_t>(m_catalog.users());
    a.userId = m_catalog.userAtRank(1 + static_cast<std::int64_t>(rng.below(users)));
    const std::int64_t victim = m_catalog.userAtRank(1 + static_cast<std::int64_t>(rng.below(users)));
    a.cardId = Catalog::cardId(victim, static_cast<int>(rng.below(
                                           static_cast<std::uint64_t>(m_catalog.cardCount(victim)))));
    a.country = static_cast<std::uint8_t>(rng.below(kCountryCount));
    a.countryStride = kCountryStrides[rng.below(kCountryStrides.size())];
    a.next = EventType::Checkout;
    switch (pattern) {
    case FraudPattern::CardTesting:
        a.remaining = static_cast<std::int32_t>(rng.between(12, 30));
        a.item = randomItem(rng); // one cheap "top-up" product, tried again and again
        break;
    case FraudPattern::MerchantVelocity: a.remaining = static_cast<std::int32_t>(rng.between(6, 10)); break;
    case FraudPattern::CountryHopping: a.remaining = static_cast<std::int32_t>(rng.between(4, 6)); break;
    }
    a.caseIndex = static_cast<std::int32_t>(m_cases.size());

    FraudCase &fraudCase = m_cases.emplace_back();
    fraudCase.pattern = pattern;
    fraudCase.cardId = a.cardId;
    fraudCase.userId = a.userId;
    fraudCase.sessionId = sessionId;
    fraudCase.merchantIds.reserve(static_cast<std::size_t>(a.remaining));
}

void FraudInjector::chooseTransaction(Actor &a, const FraudCase &fraudCase, Xoshiro256 &rng) const
{
    switch (a.kind) {
    case ActorKind::CardTesting:
        a.orderItem = a.item;
        a.orderCategory = m_catalog.categoryOf(a.item);
        a.amountCents = rng.between(50, 499);
        return;
    case ActorKind::CountryHopping:
        if (fraudCase.purchases > 0)
            a.country = static_cast<std::uint8_t>((a.country + a.countryStride) % kCountryCount);
        a.orderItem = randomItem(rng);
        break;
    case ActorKind::MerchantVelocity: {
        // A fresh merchant each time; with thousands of merchants a few tries suffice.
        const std::vector<std::int64_t> &used = fraudCase.merchantIds;
        for (int attempt = 0; attempt < 16; ++attempt) {
            a.orderItem = randomItem(rng);
            if (std::find(used.begin(), used.end(), m_catalog.merchantOf(a.orderItem)) == used.end())
                break;
        }
        break;
    }
    case ActorKind::Session: break;
    }
    a.orderCategory = m_catalog.categoryOf(a.orderItem);
    a.amountCents = m_catalog.priceCents(a.orderItem, a.orderCategory, a.country);
}

std::int64_t FraudInjector::step(Actor &a, EventTime ts, Xoshiro256 &rng, Event &e)
{
    FraudCase &fraudCase = m_cases[static_cast<std::size_t>(a.caseIndex)];
    if (a.next == EventType::Checkout) {
        if (fraudCase.purchases == 0) // the first checkout
            fraudCase.firstTs = ts;
        chooseTransaction(a, fraudCase, rng);
        setOrder(e, m_catalog, a, EventType::Checkout);
        a.next = EventType::Purchase;
        return rng.between(1'000, 4'000);
    }

    setOrder(e, m_catalog, a, EventType::Purchase);
    ++fraudCase.purchases;
    const std::int64_t merchant = *e.merchantId;
    if (std::find(fraudCase.merchantIds.begin(), fraudCase.merchantIds.end(), merchant)
        == fraudCase.merchantIds.end())
        fraudCase.merchantIds.push_back(merchant);
    if (--a.remaining == 0) {
        fraudCase.complete = true;
        return -1;
    }
    a.next = EventType::Checkout;
    switch (a.kind) {
    case ActorKind::CardTesting: return rng.between(2'000, 8'000);
    case ActorKind::MerchantVelocity: return rng.between(15'000, 60'000);
    case ActorKind::CountryHopping: return rng.between(20 * 60'000, 80 * 60'000);
    case ActorKind::Session: break;
    }
    return -1;
}

} // namespace kappa::samples
