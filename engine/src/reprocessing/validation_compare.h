// The per-pipeline comparisons behind Validator (validator.h), over one
// aligned snapshot of the two versions.
#pragma once

#include "jobs/data_layout.h"
#include "kappa/event_codec.h"
#include "reprocessing/fleet.h"
#include "reprocessing/validation_rules.h"

#include <nlohmann/json.hpp>

#include <functional>

namespace kappa::reprocessing {

// What both versions have surely processed and published.
struct AlignedPositions
{
    std::vector<std::int64_t> offsets; // per source partition: the lower of the two versions' positions
    std::int64_t watermarkMs = 0;      // the lower of the two versions' lowest source watermarks
};

struct Comparison
{
    RunningVersion live;
    RunningVersion candidate;
    AlignedPositions aligned;
    ValidationRules rules;
    EventLog *log = nullptr;
    std::string sourceTopic;
    const jobs::DataLayout *layout = nullptr;
    Catalog *catalog = nullptr;
    // The source partitions both versions run here (in a cluster, this
    // instance's share): only their rows are compared.
    std::vector<PartitionId> partitions;
};

// Each fills report["keys"], report["diffs"], report["aggregates"] and
// report["events_behind"], and appends to `reasons` why it fails (empty: passes).
Status compareUserFeatures(const Comparison &c, nlohmann::json &report, std::vector<std::string> &reasons);
Status compareFraud(const Comparison &c, nlohmann::json &report, std::vector<std::string> &reasons);
Status compareBusinessMetrics(const Comparison &c, nlohmann::json &report, std::vector<std::string> &reasons);

// Up to `limit` of the last events below `before` (per partition) matching `match`, as JSON.
nlohmann::json eventsBehind(const Comparison &c, const std::function<bool(const Event &)> &match,
                            std::optional<std::int32_t> onlyPartition, std::size_t limit);

} // namespace kappa::reprocessing
