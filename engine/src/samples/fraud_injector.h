// FraudInjector: starts and runs the fraud episodes mixed into the traffic and
// keeps their ground truth. Each episode is an actor of its own: a fraudster's
// account (a random user) using a random victim's card for a series of
// checkout + purchase pairs:
//   card testing       12..30 purchases of 0.50..4.99 at one merchant, 3..12 s apart
//   merchant velocity  6..10 purchases at distinct merchants, 16..64 s apart
//   country hopping    4..6 purchases, each from another country, 21..84 min apart
// (When the generator runs at its session cap, gaps shrink; the patterns only
// get sharper.)
#pragma once

#include "samples/actor.h"
#include "samples/prng.h"

#include <cstdint>
#include <vector>

namespace kappa::samples {

class FraudInjector
{
public:
    // Keeps a reference to catalog.
    FraudInjector(const Catalog &catalog, const FraudRates &rates);

    // One draw per generated event: true when a new episode is due (rates are per event).
    bool roll(Xoshiro256 &rng) const { return m_threshold != 0 && rng.next() < m_threshold; }

    // Makes `a` a new episode of a pattern drawn by the configured rates and
    // records its ground truth. delayMs is set to a small value <= maxDelayMs.
    void start(Actor &a, std::int64_t sessionId, std::int64_t maxDelayMs, Xoshiro256 &rng);

    // Like SessionModel::step; `ts` is the event time the generator gives `e`.
    std::int64_t step(Actor &a, EventTime ts, Xoshiro256 &rng, Event &e);

    const std::vector<FraudCase> &cases() const { return m_cases; }

private:
    FraudPattern pickPattern(Xoshiro256 &rng) const;
    void chooseTransaction(Actor &a, const FraudCase &fraudCase, Xoshiro256 &rng) const;
    std::int64_t randomItem(Xoshiro256 &rng) const;

    const Catalog &m_catalog;
    FraudRates m_rates;
    std::uint64_t m_threshold = 0; // P(episode starts at an event) * 2^64
    std::vector<FraudCase> m_cases;
};

} // namespace kappa::samples
