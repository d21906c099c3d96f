// The deterministic workload of the state crash test: event n of a task
// either adds to the counter of one key or erases that key. The state after
// the first n events is a pure function of n, so a restored store is
// consistent exactly when its counters equal model(n) for the n in its
// checkpoint metadata.
#pragma once

#include "state_test_util.h"

#include <cstdint>
#include <map>
#include <string>

namespace crashmodel {

constexpr std::uint32_t kTasks = 2;
constexpr std::int64_t kKeys = 37;
constexpr std::size_t kCacheCapacity = 8; // small, so eviction and reloads happen too

inline std::string keyOf(std::uint32_t task, std::int64_t n)
{
    return "k" + std::to_string((n * 7 + task) % kKeys);
}

inline bool erases(std::int64_t n)
{
    return n % 29 == 28;
}

inline std::map<std::string, statetest::Counter> model(std::uint32_t task, std::int64_t events)
{
    std::map<std::string, statetest::Counter> state;
    for (std::int64_t n = 0; n < events; ++n) {
        if (erases(n)) {
            state.erase(keyOf(task, n));
        } else {
            statetest::Counter &c = state[keyOf(task, n)];
            c.count += 1;
            c.sum += n;
        }
    }
    return state;
}

} // namespace crashmodel
