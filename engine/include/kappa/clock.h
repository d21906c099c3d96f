// The wall-clock seam. Only the log (append timestamps) and operational code
// (metrics, throttling) read it; job logic never does. Tests inject a manual clock.
#pragma once

#include "kappa/types.h"

namespace kappa {

class Clock
{
public:
    virtual ~Clock() = default;
    virtual WallTime now() const = 0;

    // The process-wide system clock (CLOCK_REALTIME in milliseconds). Thread-safe.
    static Clock &system();
};

} // namespace kappa
