#include "reprocessing/validation_rules.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace kappa::reprocessing {
namespace {

using Json = nlohmann::json;

Status bad(const std::string &field, const std::string &why)
{
    return Status::invalidArgument("validation." + field + ": " + why);
}

Result<double> nonNegative(const Json &value, const std::string &field)
{
    if (!value.is_number() || value.get<double>() < 0)
        return bad(field, "must be a non-negative number");
    return value.get<double>();
}

Status parseSample(const Json &sample, ValidationRules &rules)
{
    if (!sample.is_object())
        return bad("sample", "must be an object");
    const std::map<std::string, std::size_t *> sizes = {{"uniform", &rules.uniformSample},
                                                        {"hottest", &rules.hottestSample},
                                                        {"recent", &rules.recentSample},
                                                        {"flagged", &rules.flaggedSample}};
    for (const auto &[key, value] : sample.items()) {
        const auto size = sizes.find(key);
        if (size == sizes.end())
            return bad("sample." + key, "unknown sample (uniform, hottest, recent, flagged)");
        if (!value.is_number_unsigned() || value.get<std::uint64_t>() > 100'000)
            return bad("sample." + key, "must be an integer in [0, 100000]");
        *size->second = value.get<std::size_t>();
    }
    return Status::ok();
}

bool numbersEqual(double live, double candidate, double tolerance)
{
    if (tolerance > 0)
        return std::fabs(live - candidate) <= tolerance;
    // Exact by default, up to the last bits a double printed and re-read may lose.
    return std::fabs(live - candidate) <= 1e-9 * std::max(1.0, std::fabs(live));
}

} // namespace

Result<ValidationRules> parseValidationRules(const std::string &json)
{
    ValidationRules rules;
    if (json.empty())
        return rules;
    const Json doc = Json::parse(json, nullptr, false);
    if (!doc.is_object())
        return bad("", "must be a JSON object");
    for (const auto &[key, value] : doc.items()) {
        if (key == "tolerances") {
            if (!value.is_object())
                return bad(key, "must be an object of field: tolerance");
            for (const auto &[field, tolerance] : value.items()) {
                KAPPA_ASSIGN_OR_RETURN(double allowed, nonNegative(tolerance, "tolerances." + field));
                rules.tolerances[field] = allowed;
            }
        } else if (key == "max_diff_share") {
            KAPPA_ASSIGN_OR_RETURN(rules.maxDiffShare, nonNegative(value, key));
        } else if (key == "aggregate_tolerance") {
            KAPPA_ASSIGN_OR_RETURN(rules.aggregateTolerance, nonNegative(value, key));
        } else if (key == "max_psi") {
            KAPPA_ASSIGN_OR_RETURN(rules.maxPsi, nonNegative(value, key));
        } else if (key == "sample") {
            KAPPA_RETURN_IF_ERROR(parseSample(value, rules));
        } else {
            return bad(key,
                       "unknown setting (tolerances, max_diff_share, aggregate_tolerance, max_psi, sample)");
        }
    }
    return rules;
}

std::vector<FieldDiff> compareRows(const Json &live, const Json &candidate, const ValidationRules &rules,
                                   std::vector<std::string> &added)
{
    std::vector<FieldDiff> diffs;
    for (const auto &[field, value] : live.items()) {
        if (!candidate.contains(field)) {
            diffs.push_back({field, value, Json()});
            continue;
        }
        const Json &other = candidate[field];
        const auto tolerance = rules.tolerances.find(field);
        const double allowed = tolerance == rules.tolerances.end() ? 0.0 : tolerance->second;
        const bool equal = value.is_number() && other.is_number()
                               ? numbersEqual(value.get<double>(), other.get<double>(), allowed)
                               : value == other;
        if (!equal)
            diffs.push_back({field, value, other});
    }
    for (const auto &[field, value] : candidate.items())
        if (!live.contains(field))
            added.push_back(field);
    return diffs;
}

double populationStabilityIndex(const std::vector<double> &expected, const std::vector<double> &actual)
{
    constexpr std::size_t kBuckets = 10;
    if (expected.empty() || actual.empty())
        return 0.0;
    const auto histogram = [](const std::vector<double> &values) {
        std::array<double, kBuckets> counts{};
        for (double v : values) {
            const double clamped = std::clamp(v, 0.0, 1.0);
            counts[std::min(kBuckets - 1, static_cast<std::size_t>(clamped * kBuckets))] += 1;
        }
        return counts;
    };
    const auto e = histogram(expected);
    const auto a = histogram(actual);
    double psi = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
        const double pe = std::max(e[i], 0.5) / static_cast<double>(expected.size());
        const double pa = std::max(a[i], 0.5) / static_cast<double>(actual.size());
        psi += (pa - pe) * std::log(pa / pe);
    }
    return psi;
}

double relativeDelta(double live, double candidate)
{
    if (live == 0)
        return candidate == 0 ? 0.0 : std::numeric_limits<double>::infinity();
    return (candidate - live) / std::fabs(live);
}

} // namespace kappa::reprocessing
