// PublishPolicy: when a source task writes out (publishes) the outputs of the
// batches it has processed since its last publish. Only when rows appear
// depends on it; what they contain does not (a publish writes the rows as
// they are after a whole batch).
//
// Caught up: at once after a batch (latency), or at most every
// liveInterval. Behind: the outputs of several batches together
// (throughput: a hot key's row is written once, not once per batch), about
// every behindInterval or maxUnpublished events. While the outputs' sink is
// busy with another task's write, a publish that is behind waits for a later
// batch, up to twice those bounds, and the task processes meanwhile instead
// of waiting for the sink.
#pragma once

#include <chrono>
#include <cstddef>

namespace kappa::runtime {

struct PublishPolicy
{
    std::chrono::milliseconds liveInterval{0};
    std::chrono::milliseconds behindInterval{2000};
    std::size_t maxUnpublished = 1 << 20; // events

    struct State
    {
        bool caughtUp = false;
        std::chrono::steady_clock::duration sinceLast{0}; // since the last publish
        std::size_t unpublished = 0;                      // events processed since then
        bool sinkBusy = false;
    };

    bool due(const State &state) const
    {
        if (state.caughtUp && state.sinceLast >= liveInterval)
            return true;
        if (state.unpublished >= 2 * maxUnpublished || state.sinceLast >= 2 * behindInterval)
            return true;
        const bool bound = state.unpublished >= maxUnpublished || state.sinceLast >= behindInterval;
        return bound && (state.caughtUp || !state.sinkBusy);
    }
};

} // namespace kappa::runtime
