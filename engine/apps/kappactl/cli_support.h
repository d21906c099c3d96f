// What every kappactl command shares: the data-directory layout, the mapping
// from Status codes to documented exit codes, and one-line error reporting.
#pragma once

#include "jobs/data_layout.h"
#include "kappa/status.h"

#include <string>

namespace kappa::ctl {

// Exit codes (documented in the README and in `kappactl --help`).
enum class ExitCode : int {
    Ok = 0,
    Internal = 1,    // unexpected failure (I/O error, bug)
    Usage = 2,       // bad command line or invalid argument
    NotFound = 3,    // topic, partition, subject, schema or file does not exist
    Conflict = 4,    // incompatible schema, conflicting topic settings, wrong state
    Corruption = 5,  // stored data failed a check; nothing was changed
    OutOfRange = 6,  // a position outside what is stored
    Unavailable = 7, // busy or exhausted: log locked by another process, disk full
};

ExitCode exitCodeFor(const Status &status);

// Prints "kappactl: <message>" on stderr and returns the matching exit code.
int fail(const Status &status);

// The fixed layout under --data-dir (jobs/data_layout.h).
using DataDir = jobs::DataLayout;

// The topic sample events are written to and the jobs read.
using jobs::kEventsTopic;

} // namespace kappa::ctl
