#include "pipelines/job_spec.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace kappa::pipelines {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::string_view, kFraudFeatureCount> kFeatureNames = {
    "txn_1m",
    "txn_1h",
    "amount_1h",
    "distinct_merchants_10m",
    "distinct_countries_24h",
    "merchant_velocity",
    "amount_zscore",
};

Status bad(const std::string &field, std::string_view why)
{
    return Status::invalidArgument(field + ": " + std::string(why));
}

Status readBool(const Json &value, const std::string &field, bool &out)
{
    if (!value.is_boolean())
        return bad(field, "must be true or false");
    out = value.get<bool>();
    return Status::ok();
}

Status readNumber(const Json &value, const std::string &field, double &out)
{
    if (!value.is_number())
        return bad(field, "must be a number");
    out = value.get<double>();
    if (!std::isfinite(out))
        return bad(field, "must be finite");
    return Status::ok();
}

Status parseUserFeatures(const Json &params, UserFeaturesParams &out)
{
    for (const auto &[key, value] : params.items()) {
        const std::string field = "params." + key;
        if (key == "views_7d")
            KAPPA_RETURN_IF_ERROR(readBool(value, field, out.views7d));
        else if (key == "top_categories_7d")
            KAPPA_RETURN_IF_ERROR(readBool(value, field, out.topCategories7d));
        else
            return bad(field, "unknown parameter for job user_features");
    }
    return Status::ok();
}

Status parseWeights(const Json &weights, FraudParams &out)
{
    if (!weights.is_object())
        return bad("params.weights", "must be an object of feature name to weight");
    out.weights.fill(0.0);
    for (const auto &[key, value] : weights.items()) {
        const std::string field = "params.weights." + key;
        std::size_t index = 0;
        while (index < kFeatureNames.size() && kFeatureNames[index] != key)
            ++index;
        if (index == kFeatureNames.size())
            return bad(field, "unknown fraud feature");
        KAPPA_RETURN_IF_ERROR(readNumber(value, field, out.weights[index]));
    }
    return Status::ok();
}

Status parseFraud(const Json &params, FraudParams &out)
{
    for (const auto &[key, value] : params.items()) {
        const std::string field = "params." + key;
        if (key == "bias") {
            KAPPA_RETURN_IF_ERROR(readNumber(value, field, out.bias));
        } else if (key == "weights") {
            KAPPA_RETURN_IF_ERROR(parseWeights(value, out));
        } else if (key == "flag_threshold") {
            KAPPA_RETURN_IF_ERROR(readNumber(value, field, out.flagThreshold));
            if (out.flagThreshold < 0.0 || out.flagThreshold > 1.0)
                return bad(field, "must be within [0, 1]");
        } else if (key == "amount_zscore") {
            KAPPA_RETURN_IF_ERROR(readBool(value, field, out.amountZscore));
        } else {
            return bad(field, "unknown parameter for job fraud");
        }
    }
    const auto zIndex = static_cast<std::size_t>(FraudFeature::AmountZscore);
    if (!out.amountZscore && out.weights[zIndex] != 0.0)
        return bad("params.weights.amount_zscore", "needs \"amount_zscore\": true");
    return Status::ok();
}

Status parseBusinessMetrics(const Json &params, BusinessMetricsParams &out)
{
    for (const auto &[key, value] : params.items()) {
        const std::string field = "params." + key;
        if (key == "allowed_lateness_ms") {
            if (!value.is_number_integer() || value.get<std::int64_t>() < 0)
                return bad(field, "must be a non-negative integer (milliseconds)");
            out.allowedLatenessMs = value.get<std::int64_t>();
        } else if (key == "per_country") {
            KAPPA_RETURN_IF_ERROR(readBool(value, field, out.perCountry));
        } else {
            return bad(field, "unknown parameter for job business_metrics");
        }
    }
    return Status::ok();
}

bool validVersion(std::string_view version)
{
    if (version.empty() || version.size() > 64)
        return false;
    for (char c : version) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && c != '.' && c != '_' && c != '-')
            return false;
    }
    return true;
}

Status parseParams(const std::string &job, const Json &params, JobParams &out)
{
    if (job == "user_features") {
        UserFeaturesParams p;
        KAPPA_RETURN_IF_ERROR(parseUserFeatures(params, p));
        out = p;
    } else if (job == "fraud") {
        FraudParams p;
        KAPPA_RETURN_IF_ERROR(parseFraud(params, p));
        out = p;
    } else if (job == "business_metrics") {
        BusinessMetricsParams p;
        KAPPA_RETURN_IF_ERROR(parseBusinessMetrics(params, p));
        out = p;
    } else {
        return bad("job", "unknown job '" + job + "' (expected user_features, fraud or business_metrics)");
    }
    return Status::ok();
}

Result<JobSpec> parseDocument(const Json &doc)
{
    if (!doc.is_object())
        return bad("spec", "must be a JSON object");
    for (const auto &[key, value] : doc.items()) {
        if (key == "description" && !value.is_string())
            return bad("description", "must be a string");
        if (key == "validation" && !value.is_object())
            return bad("validation", "must be an object");
        if (key != "job" && key != "version" && key != "params" && key != "description" && key != "validation")
            return bad(key, "unknown top-level field");
    }
    JobSpec spec;
    if (!doc.contains("job") || !doc["job"].is_string())
        return bad("job", "missing or not a string");
    spec.job = doc["job"].get<std::string>();
    if (!doc.contains("version") || !doc["version"].is_string())
        return bad("version", "missing or not a string");
    spec.version = doc["version"].get<std::string>();
    if (!validVersion(spec.version))
        return bad("version", "must be 1-64 characters of [A-Za-z0-9._-]");
    const Json params = doc.contains("params") ? doc["params"] : Json::object();
    if (!params.is_object())
        return bad("params", "must be an object");
    KAPPA_RETURN_IF_ERROR(parseParams(spec.job, params, spec.params));
    if (doc.contains("validation"))
        spec.validationJson = doc["validation"].dump();
    return spec;
}

} // namespace

std::string_view fraudFeatureName(FraudFeature feature)
{
    return kFeatureNames[static_cast<std::size_t>(feature)];
}

Result<JobSpec> parseJobSpec(std::string_view json)
{
    // nlohmann reports errors by exception; none may leave this module.
    try {
        const Json doc = Json::parse(json.begin(), json.end());
        return parseDocument(doc);
    } catch (const Json::exception &e) {
        return Status::invalidArgument(std::string("spec: not valid JSON: ") + e.what());
    }
}

} // namespace kappa::pipelines
