// What every kappactl command shares: the data-directory layout and where the
// event log is, the mapping from Status codes to documented exit codes, and
// one-line error reporting.
#pragma once

#include "base/exit_code.h"
#include "jobs/data_layout.h"
#include "kappa/event_log.h"
#include "kappa/status.h"
#include "service/config.h"
#include "service/event_log_factory.h"

#include <memory>
#include <string>

namespace kappa::ctl {

// Exit codes: base/exit_code.h (documented in the README and in `kappactl --help`).
using kappa::ExitCode;
using kappa::exitCodeFor;

// Prints "kappactl: <message>" on stderr and returns the matching exit code.
int fail(const Status &status);

// The fixed layout under --data-dir (jobs/data_layout.h), and where the event
// log is: under it (embedded, the default) or on Kafka (log_options.h). The
// catalog, state and views are always under it.
struct DataDir : jobs::DataLayout
{
    service::LogSettings log;
    bool onKafka() const { return log.kind == service::LogKind::Kafka; }
};

// Opens the event log of `dataDir` (service/event_log_factory.h) as kappactl.
Result<std::unique_ptr<EventLog>> openLog(const DataDir &dataDir, service::LogAccess access);

// The topic sample events are written to and the jobs read.
using jobs::kEventsTopic;

} // namespace kappa::ctl
