// SessionModel: the shopper state machine. A session starts with a view or a
// search, browses within a category of interest (sometimes switching), adds
// viewed items to its cart, may remove them, checks out and pays, with
// drop-off at every step (about 3% of sessions purchase, more when boosted by
// a flash sale). Stateless itself: all state is in the Actor.
#pragma once

#include "samples/actor.h"
#include "samples/prng.h"
#include "samples/zipf.h"

#include <array>
#include <cstdint>
#include <optional>

namespace kappa::samples {

class SessionModel
{
public:
    // Keeps a reference to catalog.
    SessionModel(const Catalog &catalog, double itemZipfExponent);

    // Makes `a` a fresh session (all fields reset except delayMs).
    void start(Actor &a, std::int64_t userId, std::int64_t sessionId, int country, bool boosted,
               Xoshiro256 &rng) const;

    // Writes the session's next event into `e` (all but eventId and ts) and
    // advances the state machine. Returns the think time in ms until the
    // following event, or -1 when the session has ended.
    std::int64_t step(Actor &a, Xoshiro256 &rng, Event &e) const;

private:
    std::int32_t pickCategory(Xoshiro256 &rng) const;
    std::int64_t pickItem(std::int32_t category, Xoshiro256 &rng) const;
    void emitView(Actor &a, Xoshiro256 &rng, Event &e) const;
    void emitSearch(Actor &a, Xoshiro256 &rng, Event &e) const;
    void emitCartAdd(Actor &a, Xoshiro256 &rng, Event &e) const;
    void emitCartRemove(Actor &a, Xoshiro256 &rng, Event &e) const;
    void emitCheckout(Actor &a, Xoshiro256 &rng, Event &e) const;
    std::optional<EventType> chooseNext(const Actor &a, EventType emitted, Xoshiro256 &rng) const;
    std::int64_t thinkMs(EventType next, Xoshiro256 &rng) const;

    const Catalog &m_catalog;
    ZipfSampler m_categorySampler;
    ZipfSampler m_itemSampler;                // ranks within a category
    std::array<float, 1024> m_expQuantiles{}; // Exp(1) by table: no libm call per event
};

} // namespace kappa::samples
