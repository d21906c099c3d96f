// Catalog: the simulated world (users, cards, items, categories, merchants,
// prices, countries). Attributes are derived from ids by hashing with a
// seed-dependent salt instead of being stored, so a million users cost no
// memory and every lookup is a few multiplications.
#pragma once

#include "kappa/sample_generator.h"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace kappa::samples {

inline constexpr int kCountryCount = 10;

class Catalog
{
public:
    // config must be valid (SampleGenerator::create checks it).
    explicit Catalog(const SampleConfig &config);

    // Users. Zipf ranks map to ids through a bijection so the busiest users
    // are not simply ids 1, 2, 3.
    std::int64_t users() const { return m_users; }
    std::int64_t userAtRank(std::int64_t rank) const;
    int homeCountry(std::int64_t userId) const;
    // Where a user shops from on the (UTC) day of eventTimeMs: home, except on
    // the ~3% of days the user spends abroad. Per day rather than per session,
    // so a legitimate card shows at most two countries within 24 hours (three
    // at day boundaries), unlike a country-hopping fraud episode.
    int sessionCountry(std::int64_t userId, std::int64_t eventTimeMs) const;
    int cardCount(std::int64_t userId) const; // 1..kMaxCardsPerUser
    static std::int64_t cardId(std::int64_t userId, int index)
    {
        return userId * SampleGenerator::kMaxCardsPerUser + index;
    }

    // Countries: index 0..kCountryCount-1 into sampleCountries().
    int countryAtPercentile(std::uint64_t percentile) const { return m_countryByPercent[percentile]; }
    static std::string_view countryCode(int country);
    static std::string_view currency(int country);

    // Items: category c owns a contiguous block of ids; rank 1 is its first.
    std::int32_t categories() const { return m_categories; }
    std::int64_t items() const { return m_items; }
    std::int64_t categorySize(std::int32_t category) const;
    std::int64_t maxCategorySize() const { return m_perCategory + (m_remainder > 0 ? 1 : 0); }
    std::int64_t itemAt(std::int32_t category, std::int64_t rank) const;
    std::int32_t categoryOf(std::int64_t itemId) const;
    std::int64_t merchants() const { return m_merchants; }
    std::int64_t merchantOf(std::int64_t itemId) const;

    // Unit price in minor units of the country's currency, ending in 99.
    std::int64_t priceCents(std::int64_t itemId, std::int32_t category, int country) const;

private:
    std::uint64_t m_salt;
    std::int64_t m_users;
    std::int64_t m_userStride; // coprime to m_users: rank -> id is a bijection
    std::int64_t m_userOffset;
    std::int64_t m_items;
    std::int32_t m_categories;
    std::int64_t m_perCategory;
    std::int64_t m_remainder; // the first m_remainder categories hold one item more
    std::int64_t m_merchants;
    std::vector<double> m_categoryBasePrice;    // EUR cents, by category - 1
    std::array<double, 64> m_itemPriceFactor{}; // by item hash
    std::array<std::uint8_t, 100> m_countryByPercent{};
};

} // namespace kappa::samples
