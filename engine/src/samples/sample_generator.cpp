// The generator proper: a pool of actors (sessions and fraud episodes) woken
// in event-time order by a WakeupQueue, driven by a cursor that says when the
// next event is due (the density curve in history mode, the caller's `now` in
// live mode). Each cursor step emits exactly one event: the earliest actor
// whose wake-up is due, else a newly arriving session. So the event rate
// follows the cursor exactly, while sessions keep realistic think times and
// the number of concurrent sessions settles where arrivals and endings balance.
//
// True event times never decrease from step to step; an actor's reporting
// delay (constant per session, at most maxDisorderMs unless late) is then
// subtracted. That yields the disorder bound in the header and keeps each
// session's own events in order.
#include "kappa/sample_generator.h"

#include "samples/actor.h"
#include "samples/catalog.h"
#include "samples/density_curve.h"
#include "samples/fraud_injector.h"
#include "samples/prng.h"
#include "samples/session_model.h"
#include "samples/wakeup_queue.h"
#include "samples/zipf.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

namespace kappa {
namespace {

constexpr std::int64_t kMaxId = (std::int64_t(1) << 31) - 1;
constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMaxSpanMs = 3653 * kDayMs;
// History mode only has to follow the daily curve and flash-sale windows at the
// scale of an hour, so bursts keep their timing even in sparse runs (a card-
// testing episode at night in a week-long run of a few hundred thousand events).
constexpr std::int64_t kHistoryMaxLagMs = 60 * 60'000;

Status checkRange(const char *field, double value, double lo, double hi)
{
    if (!(value >= lo && value <= hi)) // also rejects NaN
        return Status::invalidArgument("sample config: " + std::string(field) + " = " + std::to_string(value)
                                       + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi)
                                       + "]");
    return Status::ok();
}

Status validate(const SampleConfig &c)
{
    const auto maxId = static_cast<double>(kMaxId);
    KAPPA_RETURN_IF_ERROR(checkRange("users", static_cast<double>(c.users), 1, maxId));
    KAPPA_RETURN_IF_ERROR(checkRange("categories", c.categories, 1, 1'000'000));
    KAPPA_RETURN_IF_ERROR(checkRange("items", static_cast<double>(c.items), c.categories, maxId));
    KAPPA_RETURN_IF_ERROR(checkRange("merchants", static_cast<double>(c.merchants), 1, maxId));
    KAPPA_RETURN_IF_ERROR(checkRange("userZipfExponent", c.userZipfExponent, 1e-3, 10));
    KAPPA_RETURN_IF_ERROR(checkRange("itemZipfExponent", c.itemZipfExponent, 1e-3, 10));
    KAPPA_RETURN_IF_ERROR(checkRange("firstEventId", static_cast<double>(c.firstEventId), 0, 1e18));
    KAPPA_RETURN_IF_ERROR(checkRange("firstSessionId", static_cast<double>(c.firstSessionId), 0, 1e18));
    KAPPA_RETURN_IF_ERROR(checkRange("start", static_cast<double>(c.start.value()), 0, 1e15));
    KAPPA_RETURN_IF_ERROR(
        checkRange("spanMs", static_cast<double>(c.spanMs), 1, static_cast<double>(kMaxSpanMs)));
    KAPPA_RETURN_IF_ERROR(checkRange("totalEvents", static_cast<double>(c.totalEvents), 0, 1e15));
    KAPPA_RETURN_IF_ERROR(checkRange("maxDisorderMs", static_cast<double>(c.maxDisorderMs), 0, kDayMs));
    KAPPA_RETURN_IF_ERROR(checkRange("lateFraction", c.lateFraction, 0, 1));
    KAPPA_RETURN_IF_ERROR(checkRange("lateByMs", static_cast<double>(c.lateByMs), 1, 7 * kDayMs));
    for (const FlashSaleWindow &w : c.flashSales) {
        KAPPA_RETURN_IF_ERROR(checkRange("flashSales.durationMs", static_cast<double>(w.durationMs), 1,
                                         static_cast<double>(kMaxSpanMs)));
        KAPPA_RETURN_IF_ERROR(checkRange("flashSales.multiplier", w.multiplier, 1, 1000));
    }
    KAPPA_RETURN_IF_ERROR(checkRange("fraud.cardTestingPerMillion", c.fraud.cardTestingPerMillion, 0, 10'000));
    KAPPA_RETURN_IF_ERROR(
        checkRange("fraud.merchantVelocityPerMillion", c.fraud.merchantVelocityPerMillion, 0, 10'000));
    KAPPA_RETURN_IF_ERROR(
        checkRange("fraud.countryHoppingPerMillion", c.fraud.countryHoppingPerMillion, 0, 10'000));
    KAPPA_RETURN_IF_ERROR(checkRange("maxActiveSessions", c.maxActiveSessions, 1, 10'000'000));
    return Status::ok();
}

} // namespace

std::string_view fraudPatternName(FraudPattern pattern)
{
    switch (pattern) {
    case FraudPattern::CardTesting: return "card_testing";
    case FraudPattern::MerchantVelocity: return "merchant_velocity";
    case FraudPattern::CountryHopping: return "country_hopping";
    }
    return "unknown";
}

class SampleGenerator::Impl
{
public:
    explicit Impl(SampleConfig config)
        : m_config(std::move(config))
        , m_rng(samples::mix64(m_config.seed))
        , m_catalog(m_config)
        , m_userSampler(m_config.users, m_config.userZipfExponent)
        , m_sessions(m_catalog, m_config.itemZipfExponent)
        , m_fraud(m_catalog, m_config.fraud)
        , m_curve(m_config.start, m_config.spanMs, m_config.flashSales)
        , m_nextEventId(m_config.firstEventId)
        , m_nextSessionId(m_config.firstSessionId)
    {}

    std::size_t nextHistory(std::size_t n, std::vector<Event> &out);
    void nextLive(EventTime now, std::size_t n, std::vector<Event> &out);

    SampleConfig m_config;
    samples::Xoshiro256 m_rng;
    samples::Catalog m_catalog;
    samples::ZipfSampler m_userSampler;
    samples::SessionModel m_sessions;
    samples::FraudInjector m_fraud;
    samples::DensityCurve m_curve;
    std::int64_t m_nextEventId;
    std::int64_t m_nextSessionId;
    std::int64_t m_generated = 0;
    std::int64_t m_historyIndex = 0;
    std::optional<std::int64_t> m_liveNow;
    double m_liveMultiplier = 1.0;

private:
    void step(std::int64_t cursor, std::int64_t maxLagMs, bool flashSale, std::int64_t floor,
              std::vector<Event> &out);
    std::uint32_t spawn(std::int64_t time, bool flashSale);
    std::int32_t reportingDelay();

    samples::WakeupQueue m_queue;
    std::vector<samples::Actor> m_actors;
    std::vector<std::uint32_t> m_freeActors;
    std::int64_t m_lastTrueTime = std::numeric_limits<std::int64_t>::min();
    std::int64_t m_lastCursor = std::numeric_limits<std::int64_t>::min();
    std::int64_t m_pendingFraud = 0;
};

std::size_t SampleGenerator::Impl::nextHistory(std::size_t n, std::vector<Event> &out)
{
    const auto count = static_cast<std::size_t>(
        std::min<std::int64_t>(static_cast<std::int64_t>(n), m_config.totalEvents - m_historyIndex));
    out.reserve(out.size() + count);
    const auto total = static_cast<double>(m_config.totalEvents);
    for (std::size_t i = 0; i < count; ++i) {
        const double fraction = (static_cast<double>(m_historyIndex) + 0.5) / total;
        const auto cursor = static_cast<std::int64_t>(std::floor(m_curve.timeAt(fraction)));
        step(cursor, kHistoryMaxLagMs, m_curve.lastMultiplier() > 1.0, m_config.start.value(), out);
        ++m_historyIndex;
    }
    return count;
}

void SampleGenerator::Impl::nextLive(EventTime now, std::size_t n, std::vector<Event> &out)
{
    const std::int64_t previous = m_liveNow.value_or(now.value());
    const std::int64_t current = std::max(previous, now.value());
    m_liveNow = current;
    out.reserve(out.size() + n);
    const auto gap = static_cast<double>(current - previous);
    for (std::size_t i = 0; i < n; ++i) {
        const double share = static_cast<double>(i + 1) / static_cast<double>(n);
        const std::int64_t cursor = previous + static_cast<std::int64_t>(gap * share);
        step(cursor, kLiveMaxLagMs, m_liveMultiplier > 1.0, std::numeric_limits<std::int64_t>::min(), out);
    }
}

void SampleGenerator::Impl::step(std::int64_t cursor, std::int64_t maxLagMs, bool flashSale,
                                 std::int64_t floor, std::vector<Event> &out)
{
    if (m_fraud.roll(m_rng))
        ++m_pendingFraud;

    std::uint32_t index = 0;
    std::int64_t trueTime = cursor;
    const bool full = m_queue.size() >= static_cast<std::size_t>(m_config.maxActiveSessions);
    const bool fromQueue = !m_queue.empty() && (m_queue.top().due <= cursor || full);
    if (fromQueue) {
        // Due: at its own time, even when a backlog (a burst, a density drop)
        // has made it trail the cursor, unless it trails by more than
        // maxLagMs and came due before the previous step; then it moves up.
        // Not yet due (at the cap): pulled forward to the cursor.
        index = m_queue.top().actor;
        const std::int64_t earliest = std::min(cursor - maxLagMs, m_lastCursor);
        trueTime = std::clamp(m_queue.top().due, earliest, cursor);
    } else {
        index = spawn(cursor, flashSale);
    }
    trueTime = std::max(trueTime, m_lastTrueTime);
    m_lastTrueTime = trueTime;
    m_lastCursor = cursor;

    samples::Actor &actor = m_actors[index];
    Event &e = out.emplace_back();
    e.eventId = m_nextEventId++;
    e.ts = EventTime(std::max(trueTime - actor.delayMs, floor));
    const std::int64_t think = actor.kind == samples::ActorKind::Session
                                   ? m_sessions.step(actor, m_rng, e)
                                   : m_fraud.step(actor, e.ts, m_rng, e);
    ++m_generated;

    if (think < 0) {
        if (fromQueue)
            m_queue.pop();
        m_freeActors.push_back(index);
    } else if (fromQueue) {
        m_queue.replaceTop({trueTime + think, index});
    } else {
        m_queue.push({trueTime + think, index});
    }
    // The next step most likely wakes the new top; with tens of thousands of
    // actors its state is rarely in cache, and that miss would dominate the step.
    if (!m_queue.empty())
        __builtin_prefetch(&m_actors[m_queue.top().actor]);
}

std::uint32_t SampleGenerator::Impl::spawn(std::int64_t time, bool flashSale)
{
    std::uint32_t index = 0;
    if (m_freeActors.empty()) {
        index = static_cast<std::uint32_t>(m_actors.size());
        m_actors.emplace_back();
    } else {
        index = m_freeActors.back();
        m_freeActors.pop_back();
    }
    samples::Actor &actor = m_actors[index];
    const std::int64_t sessionId = m_nextSessionId++;
    if (m_pendingFraud > 0) {
        --m_pendingFraud;
        m_fraud.start(actor, sessionId, m_config.maxDisorderMs, m_rng);
        return index;
    }
    const std::int64_t userId = m_catalog.userAtRank(m_userSampler.sample(m_rng));
    const int country = m_catalog.sessionCountry(userId, time);
    actor.delayMs = reportingDelay();
    m_sessions.start(actor, userId, sessionId, country, flashSale, m_rng);
    return index;
}

std::int32_t SampleGenerator::Impl::reportingDelay()
{
    const std::int64_t maxDelay = m_config.maxDisorderMs;
    if (m_config.lateFraction > 0 && m_rng.uniform() < m_config.lateFraction)
        return static_cast<std::int32_t>(maxDelay + m_rng.between(1, m_config.lateByMs));
    // Most devices report within half a second, some within seconds, a few take the maximum.
    const std::uint64_t r = m_rng.below(100);
    const std::int64_t bound = r < 85   ? std::min<std::int64_t>(maxDelay, 500)
                               : r < 97 ? std::min<std::int64_t>(maxDelay, 5'000)
                                        : maxDelay;
    return static_cast<std::int32_t>(m_rng.between(0, bound));
}

Result<SampleGenerator> SampleGenerator::create(SampleConfig config)
{
    KAPPA_RETURN_IF_ERROR(validate(config));
    return SampleGenerator(std::make_unique<Impl>(std::move(config)));
}

SampleGenerator::SampleGenerator(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

SampleGenerator::SampleGenerator(SampleGenerator &&) noexcept = default;
SampleGenerator &SampleGenerator::operator=(SampleGenerator &&) noexcept = default;
SampleGenerator::~SampleGenerator() = default;

std::size_t SampleGenerator::nextHistory(std::size_t n, std::vector<Event> &out)
{
    return m_impl->nextHistory(n, out);
}

std::int64_t SampleGenerator::remainingHistory() const
{
    return m_impl->m_config.totalEvents - m_impl->m_historyIndex;
}

void SampleGenerator::nextLive(EventTime now, std::size_t n, std::vector<Event> &out)
{
    m_impl->nextLive(now, n, out);
}

void SampleGenerator::setFlashSale(double multiplier)
{
    m_impl->m_liveMultiplier = multiplier > 1.0 ? multiplier : 1.0; // also maps NaN to 1
}

double SampleGenerator::rateMultiplier() const
{
    return m_impl->m_liveMultiplier;
}

const std::vector<FraudCase> &SampleGenerator::fraudCases() const
{
    return m_impl->m_fraud.cases();
}

std::int64_t SampleGenerator::generatedEvents() const
{
    return m_impl->m_generated;
}

const SampleConfig &SampleGenerator::config() const
{
    return m_impl->m_config;
}

} // namespace kappa
