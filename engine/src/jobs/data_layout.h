// The fixed layout of a Kappa data directory:
//
//   <root>/log/                            the embedded event log (LocalLog)
//   <root>/catalog.db                      schemas, job versions, aliases (SQLite)
//   <root>/state/<job>@<version>/          keyed state and checkpoints (RocksDB)
//   <root>/views/<job>@<version>/          user_features view (RocksDB)
//   <root>/views/<job>@<version>.db        business_metrics view (SQLite)
//
// The fraud view is an in-memory cache and has no directory: it is rebuilt
// from the fraud job's checkpointed state.
#pragma once

#include "kappa/status.h"

#include <string>
#include <string_view>

namespace kappa::jobs {

struct DataLayout
{
    std::string root;

    std::string logDir() const { return root + "/log"; }
    std::string catalogPath() const { return root + "/catalog.db"; }
    std::string stateDir(std::string_view job, std::string_view version) const;
    std::string keyValueViewDir(std::string_view job, std::string_view version) const;
    std::string metricsViewPath(std::string_view job, std::string_view version) const;
};

// The topic events are appended to and the jobs read.
inline constexpr const char *kEventsTopic = "events";

// "job@version", the name of a job version and of its views.
struct JobVersionName
{
    std::string job;
    std::string version;
    std::string str() const { return job + "@" + version; }
};

// Parses "job@version"; InvalidArgument naming the text otherwise.
Result<JobVersionName> parseJobVersionName(std::string_view text);

} // namespace kappa::jobs
