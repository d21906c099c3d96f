// What a validation compares and how strictly: read from a candidate spec's
// optional "validation" object, and the pure comparison helpers.
//
//   "validation": {
//     "tolerances": {"score": 0.05, "spend_30d_cents": 1},   // absolute, per field; default exact
//     "max_diff_share": 0.0,     // share of compared keys allowed to differ
//     "aggregate_tolerance": 0.001,  // relative delta allowed for GMV, orders, conversion, funnel ratios
//     "max_psi": 0.1,            // fraud score distribution shift (population stability index)
//     "sample": {"uniform": 500, "hottest": 100, "recent": 100, "flagged": 100}
//   }
//
// Fields only the candidate has are reported as added, not as differences: a
// new version may add features (user_features v2 does).
#pragma once

#include "kappa/status.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace kappa::reprocessing {

struct ValidationRules
{
    std::map<std::string, double> tolerances;
    double maxDiffShare = 0.0;
    double aggregateTolerance = 0.001;
    double maxPsi = 0.1;
    std::size_t uniformSample = 500;
    std::size_t hottestSample = 100;
    std::size_t recentSample = 100;
    std::size_t flaggedSample = 100;
};

// The rules of a spec's "validation" JSON (empty: the defaults). InvalidArgument names a bad field.
Result<ValidationRules> parseValidationRules(const std::string &json);

struct FieldDiff
{
    std::string field;
    nlohmann::json live;      // null when only the candidate has the field
    nlohmann::json candidate; // null when only the live version has it
};

// Field-by-field differences of two rows (JSON objects); numbers within the
// field's tolerance are equal. `added` collects the candidate's extra fields.
std::vector<FieldDiff> compareRows(const nlohmann::json &live, const nlohmann::json &candidate,
                                   const ValidationRules &rules, std::vector<std::string> &added);

// Population stability index of two samples of values in [0, 1], over ten
// equal buckets (empty buckets count as 0.5 observations).
double populationStabilityIndex(const std::vector<double> &expected, const std::vector<double> &actual);

// (candidate - live) / |live|, 0 when both are 0, infinity when only live is 0.
double relativeDelta(double live, double candidate);

} // namespace kappa::reprocessing
