// The wall time the catalog stamps its records with. Control-plane
// bookkeeping only: no job output ever reads it.
#pragma once

#include <chrono>
#include <cstdint>

namespace kappa::control {

inline std::int64_t catalogNowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace kappa::control
