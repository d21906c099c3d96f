// Validator: compares a caught-up candidate version with the live one at
// aligned positions and stores the report in the catalog.
//
// Alignment: only what is final in both versions is compared, so that a
// difference reflects logic, not timing.
// - user_features: rows whose last event (their view position) lies below
//   both versions' positions on its partition.
// - fraud: cards whose latest event time is the same in both and at or below
//   both versions' event-time watermarks.
// - business_metrics: windows closed in both (end at or below both watermarks).
//
// Key-level diffs on a sample (uniform, hottest, recently changed, flagged by
// the fraud job), field by field with the spec's tolerances; aggregate deltas
// (GMV, orders and conversion per hour, funnel ratios; the fraud score
// distribution's PSI) against the spec's thresholds; and, for the first key
// that differs, the events behind it. A passing validation moves the
// candidate to `validated`.
//
// Threading: run() from any thread; one validation at a time per validator.
#pragma once

#include "jobs/data_layout.h"
#include "reprocessing/fleet.h"
#include "reprocessing/replay_manager.h"
#include "reprocessing/validation_rules.h"

#include <nlohmann/json.hpp>

#include <mutex>

namespace kappa::reprocessing {

// One instance's comparison of its own partitions (in a cluster, each
// instance compares the partitions it runs).
struct ValidationShare
{
    std::string instance;
    std::vector<std::int32_t> partitions; // the source partitions compared
    bool passed = false;
    std::vector<std::string> reasons;
    nlohmann::json report;
};

class Validator
{
public:
    Validator(EventLog &log, Catalog &catalog, Fleet &fleet, jobs::DataLayout layout, std::string sourceTopic,
              LifecycleSink events);

    // FailedPrecondition unless the candidate is caught up (or validated) and
    // both it and the live version run here.
    // In a cluster the leader runs it with the other instances' shares
    // (compare() on each): it passes if every share passes, and the report
    // holds each share's. Unavailable unless the shares cover every source
    // partition (one moved between instances meanwhile).
    Result<ValidationRecord> run(const std::string &job, const std::string &candidate,
                                 const std::string &actor, const std::vector<ValidationShare> &others = {},
                                 const std::string &self = "this instance");
    // The comparison of this instance's partitions of `candidate` with
    // `baseline`, stored nowhere, for the leader's run() (which checked the
    // versions' states: this instance's copy of the catalog may be a moment
    // behind the leader's).
    Result<ValidationShare> compare(const std::string &job, const std::string &candidate,
                                    const std::string &baseline, const std::string &instance);

private:
    Status checkCoverage(const std::vector<ValidationShare> &shares) const;
    Result<ValidationShare> compareLocked(const std::string &job, const std::string &candidate,
                                          const std::string &baseline, const std::string &instance);

    EventLog &m_log;
    Catalog &m_catalog;
    Fleet &m_fleet;
    const jobs::DataLayout m_layout;
    const std::string m_sourceTopic;
    LifecycleSink m_events;
    std::mutex m_mutex;
};

} // namespace kappa::reprocessing
