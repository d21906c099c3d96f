// What every kappactl command shares: the data-directory layout, the mapping
// from Status codes to documented exit codes, and one-line error reporting.
#pragma once

#include "base/exit_code.h"
#include "jobs/data_layout.h"
#include "kappa/status.h"

#include <string>

namespace kappa::ctl {

// Exit codes: base/exit_code.h (documented in the README and in `kappactl --help`).
using kappa::ExitCode;
using kappa::exitCodeFor;

// Prints "kappactl: <message>" on stderr and returns the matching exit code.
int fail(const Status &status);

// The fixed layout under --data-dir (jobs/data_layout.h).
using DataDir = jobs::DataLayout;

// The topic sample events are written to and the jobs read.
using jobs::kEventsTopic;

} // namespace kappa::ctl
