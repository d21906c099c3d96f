// JobSpec: what a job version is, parsed from its JSON spec
// `{"job": "...", "version": "...", "params": {...}}` (resources/jobs/*.json).
//
// Parsing is strict: an unknown job, an unknown or mistyped parameter, or a
// missing field is InvalidArgument whose message names the field
// ("params.weights.txn_1x: unknown fraud feature"), so a typo in a spec never
// silently falls back to a default. Parameters left out take the defaults below.
#pragma once

#include "kappa/status.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace kappa::pipelines {

struct UserFeaturesParams
{
    bool views7d = false;         // v2: "views_7d"
    bool topCategories7d = false; // v2: "top_categories_7d" (top 3 categories by views in 7 d)
    bool operator==(const UserFeaturesParams &) const = default;
};

// The score's inputs, in a fixed order that is also the tie-break order of reasons.
enum class FraudFeature : std::uint8_t {
    Txn1m,                // card payments in the last minute
    Txn1h,                // card payments in the last hour
    Amount1h,             // card amount in the last hour, in currency units (cents / 100)
    DistinctMerchants10m, // distinct merchants of the card in 10 minutes
    DistinctCountries24h, // distinct countries of the card in 24 hours
    MerchantVelocity,     // merchant txn_1m / max(1, merchant per-minute baseline)
    AmountZscore,         // v2: z-score of the latest amount against the card's history
};
inline constexpr int kFraudFeatureCount = 7;

// "txn_1m", "txn_1h", "amount_1h", "distinct_merchants_10m",
// "distinct_countries_24h", "merchant_velocity", "amount_zscore".
std::string_view fraudFeatureName(FraudFeature feature);

struct FraudParams
{
    double bias = -6.0;
    // Indexed by FraudFeature. Spec key "weights": {"txn_1m": 0.9, ...}; a
    // weight left out of a spec that has "weights" is 0.
    std::array<double, kFraudFeatureCount> weights = {0.9, 0.05, 0.001, 0.6, 1.2, 0.3, 0.0};
    double flagThreshold = 0.8; // "flag_threshold": flagged = score >= threshold
    bool amountZscore = false;  // "amount_zscore": keep per-card amount statistics (v2)
    bool operator==(const FraudParams &) const = default;
};

struct BusinessMetricsParams
{
    std::int64_t allowedLatenessMs = 300000; // "allowed_lateness_ms"
    bool perCountry = false;                 // "per_country": v2 rows per (window, country)
    bool operator==(const BusinessMetricsParams &) const = default;
};

using JobParams = std::variant<UserFeaturesParams, FraudParams, BusinessMetricsParams>;

struct JobSpec
{
    std::string job;     // "user_features", "fraud" or "business_metrics"
    std::string version; // [A-Za-z0-9._-]+, e.g. "v2"; names the view namespace job@version
    JobParams params;    // the alternative matching `job`
    // The optional "validation" object (tolerances and thresholds for comparing
    // this version with the live one), kept as JSON for the validator to read.
    std::string validationJson;
    bool operator==(const JobSpec &) const = default;
};

// Parses a spec document. Top-level keys other than job, version, params, an
// optional "description" string and an optional "validation" object are rejected.
Result<JobSpec> parseJobSpec(std::string_view json);

} // namespace kappa::pipelines
