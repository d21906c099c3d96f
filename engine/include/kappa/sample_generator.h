// SampleGenerator: deterministic, realistic e-commerce traffic for demos, tests
// and benchmarks. It produces kappa::Event values only; encoding them and
// appending them to the log is the caller's job (kappactl gen).
//
// Contracts:
// - Determinism. The same SampleConfig gives the same events, byte for byte.
//   History mode does not depend on how the run is cut into calls; live mode
//   depends only on the sequence of (now, n) the caller passes. The generator
//   never reads a clock and uses its own PRNG and samplers (no std::
//   distributions). One caveat: the Zipf sampler calls exp/log from the C
//   math library, so a libm that differs in the last bit may, very rarely,
//   pick a neighbouring rank.
// - Ids. eventId = firstEventId + position in generation order (unique and
//   increasing). sessionId starts at firstSessionId and is unique per session
//   (fraud episodes included). userId in [1, users], itemId in [1, items],
//   categoryId in [1, categories], merchantId in [1, merchants]. Card k of a
//   user is userId * kMaxCardsPerUser + k, so card ids lie in
//   [kMaxCardsPerUser, kMaxCardsPerUser * (users + 1)). An item always has
//   the same category and merchant.
// - Optional fields, by type (absent unless listed):
//     view         item, merchant
//     search       (categoryId is the searched category; no item, no merchant)
//     cart_add     item, merchant, amount (price x quantity), currency
//     cart_remove  item, merchant
//     checkout     item, merchant, card, amount (order total), currency
//     purchase     same values as the checkout it completes
//   On checkout and purchase the item, category and merchant are those of the
//   order's lead (most expensive) line. country is the session's country
//   (one of sampleCountries()); currency is that country's currency.
// - Time. Within one session event times never decrease. Across the stream,
//   every event has ts >= (largest ts generated before it) - maxDisorderMs,
//   except the deliberately late events injected when lateFraction > 0.
//   History mode: every ts lies in [start, start + spanMs). Live mode: a batch
//   for `now` has ts <= now and ts >= previous now - kLiveMaxLagMs - maxDisorderMs
//   (late events aside).
// - Threading: a SampleGenerator is not thread-safe; give each thread its own
//   (with its own seed and id ranges).
#pragma once

#include "kappa/event.h"
#include "kappa/status.h"
#include "kappa/types.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace kappa {

// A country sessions come from, with its currency and its share of users.
struct SampleCountry
{
    std::string_view code;     // ISO 3166-1 alpha-2
    std::string_view currency; // ISO 4217
    int weightPercent = 0;     // share of users living there; the list sums to 100
};

// The fixed country list (about ten countries).
std::span<const SampleCountry> sampleCountries();

// A history-mode window in which event-time density is multiplied and
// shoppers convert more. Where windows overlap, the largest multiplier wins.
struct FlashSaleWindow
{
    EventTime start;
    std::int64_t durationMs = 0; // > 0
    double multiplier = 5.0;     // >= 1
};

// How often each fraud pattern starts, in episodes per million events.
struct FraudRates
{
    double cardTestingPerMillion = 10.0;
    double merchantVelocityPerMillion = 10.0;
    double countryHoppingPerMillion = 10.0;
};

struct SampleConfig
{
    std::uint64_t seed = 42;

    // Catalogue sizes. Each in [1, 2^31); items >= categories.
    std::int64_t users = 1'000'000;
    std::int64_t items = 200'000;
    std::int32_t categories = 100;
    std::int64_t merchants = 5'000;
    // Zipf exponents in (0, 10]. Users are picked per session; items within
    // the session's category (categories themselves are mildly skewed).
    double userZipfExponent = 0.9;
    double itemZipfExponent = 1.1;

    std::int64_t firstEventId = 1;   // >= 0
    std::int64_t firstSessionId = 1; // >= 0

    // History mode: totalEvents events spread over [start, start + spanMs)
    // with a daily curve (UTC hours) multiplied by the flash-sale windows.
    EventTime start{1'704'067'200'000}; // 2024-01-01T00:00:00Z
    std::int64_t spanMs = 86'400'000;   // (0, 10 years]
    std::int64_t totalEvents = 1'000'000;
    std::vector<FlashSaleWindow> flashSales;

    // Out-of-order bound (see Time above), in [0, 1 day]. Sessions report with
    // a delay of up to this much, most with well under a second.
    std::int64_t maxDisorderMs = 30'000;
    // For tests of late-event handling: this fraction of sessions, in [0, 1],
    // report all their events maxDisorderMs + 1 .. maxDisorderMs + lateByMs late.
    double lateFraction = 0.0;
    std::int64_t lateByMs = 120'000; // >= 1

    FraudRates fraud;

    // Cap on concurrently active sessions (memory and speed). Below the cap
    // sessions keep realistic think times; at rates that would need more, the
    // sessions in flight act faster instead. >= 1.
    std::int32_t maxActiveSessions = 20'000;
};

enum class FraudPattern : std::uint8_t {
    CardTesting,      // one card, many small purchases seconds apart at one merchant
    MerchantVelocity, // one card, purchases at many different merchants within minutes
    CountryHopping,   // one card, purchases from several countries within hours
};

// "card_testing", "merchant_velocity", "country_hopping".
std::string_view fraudPatternName(FraudPattern pattern);

// Ground truth for one injected fraud episode. Each episode is its own session
// (a fraudster's account using a victim's card); all its transactions are a
// checkout followed by a purchase on cardId.
struct FraudCase
{
    FraudPattern pattern = FraudPattern::CardTesting;
    std::int64_t cardId = 0;
    std::int64_t userId = 0; // the account the fraudster uses
    std::int64_t sessionId = 0;
    EventTime firstTs;                     // event time of the first checkout
    std::vector<std::int64_t> merchantIds; // distinct, in order of first purchase
    std::int32_t purchases = 0;            // purchases generated so far
    bool complete = false;                 // all planned purchases were generated
};

class SampleGenerator
{
public:
    // Live mode: how far an overdue event of a session in flight may trail the
    // batch's time before it is moved up (history mode allows an hour, so
    // bursts keep their timing in sparse runs).
    static constexpr std::int64_t kLiveMaxLagMs = 1'000;
    static constexpr std::int64_t kMaxCardsPerUser = 4;

    // InvalidArgument naming the offending field when the config is out of range.
    static Result<SampleGenerator> create(SampleConfig config);

    SampleGenerator(SampleGenerator &&) noexcept;
    SampleGenerator &operator=(SampleGenerator &&) noexcept;
    ~SampleGenerator();

    // History mode: appends the next min(n, remainingHistory()) events of the
    // run of config.totalEvents and returns how many it appended (0 at the end).
    std::size_t nextHistory(std::size_t n, std::vector<Event> &out);
    std::int64_t remainingHistory() const;

    // Live mode: appends n events whose event times are spread over
    // (previous now, now] (all at `now` on the first call); callers pass the
    // wall clock converted to EventTime. A `now` earlier than the previous one
    // counts as the previous one. Do not mix with nextHistory on one generator.
    void nextLive(EventTime now, std::size_t n, std::vector<Event> &out);

    // Live mode flash sale: multiplier >= 1 (1 = off; values below 1 count as
    // 1). The caller multiplies its pacing by rateMultiplier(); sessions that
    // start while it is above 1 convert more.
    void setFlashSale(double multiplier);
    double rateMultiplier() const;

    // The injected fraud episodes so far, in order of their start.
    const std::vector<FraudCase> &fraudCases() const;
    std::int64_t generatedEvents() const;
    const SampleConfig &config() const;

private:
    class Impl;
    explicit SampleGenerator(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace kappa
