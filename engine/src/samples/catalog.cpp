#include "samples/catalog.h"

#include "samples/prng.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kappa {
namespace {

// Weights sum to 100; ordered by weight.
constexpr std::array<SampleCountry, samples::kCountryCount> kCountries = {{
    {"US", "USD", 28},
    {"DE", "EUR", 14},
    {"GB", "GBP", 11},
    {"FR", "EUR", 10},
    {"IT", "EUR", 7},
    {"ES", "EUR", 7},
    {"CA", "CAD", 6},
    {"NL", "EUR", 6},
    {"PL", "PLN", 6},
    {"AU", "AUD", 5},
}};

// Units of each country's currency per euro (fixed, plausible rates).
constexpr std::array<double, samples::kCountryCount> kPerEuro = {1.08, 1.0,  0.86, 1.0,  1.0,
                                                                 1.0,  1.47, 1.0,  4.35, 1.65};

// Salts keep the hashed attributes of one id independent of each other.
constexpr std::uint64_t kCountrySalt = 0x636f756e747279ULL;
constexpr std::uint64_t kTravelSalt = 0x74726176656cULL;
constexpr std::uint64_t kCardSalt = 0x63617264ULL;
constexpr std::uint64_t kMerchantSalt = 0x6d65726368616e74ULL;
constexpr std::uint64_t kPriceSalt = 0x7072696365ULL;

} // namespace

std::span<const SampleCountry> sampleCountries()
{
    return kCountries;
}

namespace samples {

Catalog::Catalog(const SampleConfig &config)
    : m_salt(mix64(config.seed ^ 0x636174616c6f67ULL))
    , m_users(config.users)
    , m_items(config.items)
    , m_categories(config.categories)
    , m_perCategory(config.items / config.categories)
    , m_remainder(config.items % config.categories)
    , m_merchants(config.merchants)
{
    // A stride near n / golden ratio spreads consecutive ranks across the id space.
    m_userStride = std::max<std::int64_t>(1, static_cast<std::int64_t>(static_cast<double>(m_users) * 0.618));
    while (std::gcd(m_userStride, m_users) != 1)
        ++m_userStride;
    m_userOffset = static_cast<std::int64_t>(m_salt % static_cast<std::uint64_t>(m_users));

    // Category price levels are log-uniform in 5..300 EUR; items scatter
    // around their category's level by a factor 0.25..4.
    Xoshiro256 rng(m_salt ^ kPriceSalt);
    m_categoryBasePrice.resize(static_cast<std::size_t>(m_categories));
    for (double &base : m_categoryBasePrice)
        base = 500.0 * std::pow(60.0, rng.uniform());
    for (std::size_t i = 0; i < m_itemPriceFactor.size(); ++i)
        m_itemPriceFactor[i] = std::pow(2.0, -2.0 + 4.0 * static_cast<double>(i) / 63.0);

    std::size_t percent = 0;
    for (std::size_t c = 0; c < kCountries.size(); ++c) {
        for (int w = 0; w < kCountries[c].weightPercent; ++w)
            m_countryByPercent[percent++] = static_cast<std::uint8_t>(c);
    }
}

std::int64_t Catalog::userAtRank(std::int64_t rank) const
{
    // All terms are below 2^31, so the sum of products fits.
    return ((rank - 1) * m_userStride + m_userOffset) % m_users + 1;
}

int Catalog::homeCountry(std::int64_t userId) const
{
    return m_countryByPercent[mix64(static_cast<std::uint64_t>(userId) ^ m_salt ^ kCountrySalt) % 100];
}

int Catalog::sessionCountry(std::int64_t userId, std::int64_t eventTimeMs) const
{
    constexpr std::int64_t kDayMs = 86'400'000;
    const std::int64_t day = eventTimeMs >= 0 ? eventTimeMs / kDayMs : (eventTimeMs + 1) / kDayMs - 1;
    const int home = homeCountry(userId);
    const auto h = mix64(static_cast<std::uint64_t>(userId) ^ mix64(static_cast<std::uint64_t>(day)) ^ m_salt
                         ^ kTravelSalt);
    if (h % 100 >= 3)
        return home;
    return (home + 1 + static_cast<int>((h >> 32) % (kCountryCount - 1))) % kCountryCount;
}

int Catalog::cardCount(std::int64_t userId) const
{
    // Most users have one or two cards: 60% one, 30% two, 8% three, 2% four.
    const auto p = mix64(static_cast<std::uint64_t>(userId) ^ m_salt ^ kCardSalt) % 100;
    return p < 60 ? 1 : p < 90 ? 2 : p < 98 ? 3 : 4;
}

std::string_view Catalog::countryCode(int country)
{
    return kCountries[static_cast<std::size_t>(country)].code;
}

std::string_view Catalog::currency(int country)
{
    return kCountries[static_cast<std::size_t>(country)].currency;
}

std::int64_t Catalog::categorySize(std::int32_t category) const
{
    return m_perCategory + (category - 1 < m_remainder ? 1 : 0);
}

std::int64_t Catalog::itemAt(std::int32_t category, std::int64_t rank) const
{
    const std::int64_t index = category - 1;
    return 1 + index * m_perCategory + std::min(index, m_remainder) + (rank - 1);
}

std::int32_t Catalog::categoryOf(std::int64_t itemId) const
{
    const std::int64_t index = itemId - 1;
    const std::int64_t bigBlock = m_remainder * (m_perCategory + 1);
    if (index < bigBlock)
        return static_cast<std::int32_t>(index / (m_perCategory + 1) + 1);
    return static_cast<std::int32_t>(m_remainder + (index - bigBlock) / m_perCategory + 1);
}

std::int64_t Catalog::merchantOf(std::int64_t itemId) const
{
    const auto h = mix64(static_cast<std::uint64_t>(itemId) ^ m_salt ^ kMerchantSalt);
    return static_cast<std::int64_t>(h % static_cast<std::uint64_t>(m_merchants)) + 1;
}

std::int64_t Catalog::priceCents(std::int64_t itemId, std::int32_t category, int country) const
{
    const auto h = mix64(static_cast<std::uint64_t>(itemId) ^ m_salt ^ kPriceSalt);
    const double euroCents = m_categoryBasePrice[static_cast<std::size_t>(category - 1)]
                             * m_itemPriceFactor[h & 63];
    const double local = euroCents * kPerEuro[static_cast<std::size_t>(country)];
    // Shop prices end in .99: round to whole units, then subtract a cent.
    const auto units = static_cast<std::int64_t>(local / 100.0 + 0.5);
    return std::max<std::int64_t>(1, units) * 100 - 1;
}

} // namespace samples
} // namespace kappa
