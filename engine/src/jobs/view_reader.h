// Reading, listing and dropping views from outside the process that writes
// them (kappactl). Reads go through the catalog's alias unless a version is
// given. Stores are opened read-only, so reads work beside a running writer
// and see what was durable when they opened.
//
// The fraud view lives in memory in the running engine; from outside it is
// computed from the fraud job's checkpointed state, i.e. as of its last
// checkpoint (the end of a bounded run).
#pragma once

#include "jobs/data_layout.h"
#include "kappa/catalog.h"
#include "kappa/event_log.h"
#include "kappa/status.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kappa::jobs {

struct MetricsSelection
{
    std::int64_t fromMs = 0; // window_start_ms >= fromMs
    std::int64_t toMs = 0;   // window_start_ms < toMs
    std::optional<std::int32_t> categoryId;
    std::optional<std::string> country; // v2 country rows; none: the category rows
    // Only these source partitions' partials (see views::MetricsQuery); nullopt: all.
    std::optional<std::vector<PartitionId>> sourcePartitions;
};

// One row of the metrics view with exactly the documented fields.
struct MetricsRecord
{
    std::int64_t windowStartMs = 0;
    std::int32_t categoryId = 0;
    std::string country; // "" for category rows
    std::int64_t views = 0, cartAdds = 0, checkouts = 0, orders = 0, gmvCents = 0, sessions = 0,
                 purchasingSessions = 0;
    std::string toJson() const;
    static std::string csvHeader();
    std::string toCsv() const;
};

struct ViewInfo
{
    std::string job;
    std::string version;
    std::string state; // lifecycle state in the catalog
    bool live = false; // the alias points here
    std::string kind;  // "rocksdb", "sqlite", "memory (from state)"
    std::string location;
    std::uint64_t bytes = 0; // on disk: view plus state
};

class ViewReader
{
public:
    // `partitions`: the events topic's partition count (the fraud state has a task per partition).
    ViewReader(DataLayout layout, const Catalog &catalog, std::int32_t partitions);

    // `version` if given, else the job's alias; NotFound if the job has neither.
    Result<std::string> resolveVersion(const std::string &job,
                                       const std::optional<std::string> &version) const;

    Result<std::optional<std::string>> features(std::int64_t userId, const std::string &version) const;
    Result<std::optional<std::string>> fraudCard(std::int64_t cardId, const std::string &version) const;
    // At most `maxRows` rows (the first in order) if given.
    Result<std::vector<MetricsRecord>> metrics(const MetricsSelection &selection, const std::string &version,
                                               std::optional<std::size_t> maxRows = std::nullopt) const;

    // Every row of job@version as JSON, one call per row, in key order (fraud:
    // cards by id, then merchants by id; metrics: by window, category, country).
    Status dump(const std::string &job, const std::string &version,
                const std::function<void(const std::string &row)> &emit) const;

    Result<std::vector<ViewInfo>> list() const;

private:
    DataLayout m_layout;
    const Catalog &m_catalog;
    std::int32_t m_partitions;
};

// Deletes job@version's views, state and internal topics (the catalog entry
// stays: running the version again rebuilds it from offset zero). Refuses the
// live version unless `force`. The log must be open for writing.
Status dropViews(const DataLayout &layout, const Catalog &catalog, EventLog &log, const JobVersionName &name,
                 bool force);

} // namespace kappa::jobs
