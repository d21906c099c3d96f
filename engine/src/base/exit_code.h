// The process exit codes of Kappa's programs (kappactl, kappad), one per
// Status code family, documented in the README and in `--help`.
#pragma once

#include "kappa/status.h"

namespace kappa {

enum class ExitCode : int {
    Ok = 0,
    Internal = 1,    // unexpected failure (I/O error, bug)
    Usage = 2,       // bad command line or invalid argument
    NotFound = 3,    // topic, partition, subject, schema or file does not exist
    Conflict = 4,    // incompatible schema, conflicting topic settings, wrong state
    Corruption = 5,  // stored data failed a check; nothing was changed
    OutOfRange = 6,  // a position outside what is stored
    Unavailable = 7, // busy or exhausted: log locked by another process, disk full, port in use
};

ExitCode exitCodeFor(const Status &status);

} // namespace kappa
