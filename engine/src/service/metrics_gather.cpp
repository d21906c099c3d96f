#include "service/metrics_gather.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <tuple>

namespace kappa::service {

namespace {

using Json = nlohmann::ordered_json; // keeps the rows' documented field order

// The fields a metrics row adds up; the others identify the row.
constexpr const char *kCounts[] = {"views",     "cart_adds", "checkouts",          "orders",
                                   "gmv_cents", "sessions",  "purchasing_sessions"};

// Ordered like the view: window, then category rows by id, then country rows by name.
using RowKey = std::tuple<std::int64_t, bool, std::int64_t, std::string>;

RowKey keyOf(const Json &row)
{
    const bool country = row.contains("country");
    return {row.at("window_start_ms").get<std::int64_t>(), country,
            country ? 0 : row.at("category_id").get<std::int64_t>(),
            country ? row.at("country").get<std::string>() : std::string()};
}

} // namespace

Result<std::string> mergeMetricsAnswers(const std::vector<std::string> &answers, std::size_t maxRows)
{
    if (answers.empty())
        return Status::invalidArgument("no metrics answers to merge");
    std::map<RowKey, Json> rows;
    Json view;
    std::string servedBy;
    try {
        for (const std::string &text : answers) {
            const Json answer = Json::parse(text);
            const Json &part = answer.at("view");
            if (view.is_null()) {
                view = part;
            } else {
                if (part.at("version") != view.at("version"))
                    return Status::unavailable(
                        "the instances answer from different versions of business_metrics "
                        "(a switch in flight); try again");
                view["as_of_ms"] = std::min(view.at("as_of_ms").get<std::int64_t>(),
                                            part.at("as_of_ms").get<std::int64_t>());
                view["lag_seconds"] = std::max(view.at("lag_seconds").get<double>(),
                                               part.at("lag_seconds").get<double>());
            }
            if (part.contains("served_by"))
                servedBy += (servedBy.empty() ? "" : ",") + part.at("served_by").get<std::string>();
            for (const Json &row : answer.at("data")) {
                auto [it, inserted] = rows.try_emplace(keyOf(row), row);
                if (!inserted)
                    for (const char *count : kCounts)
                        it->second[count] = it->second.at(count).get<std::int64_t>()
                                            + row.at(count).get<std::int64_t>();
            }
        }
    } catch (const Json::exception &e) {
        return Status::internal(std::string("an instance's metrics answer is malformed: ") + e.what());
    }
    if (rows.size() > maxRows)
        return Status::resourceExhausted(
            "more than " + std::to_string(maxRows)
            + " metrics rows in the range: narrow from_ms..to_ms or pick a category");
    if (!servedBy.empty())
        view["served_by"] = servedBy;
    Json data = Json::array();
    for (auto &[key, row] : rows)
        data.push_back(std::move(row));
    return Json{{"view", std::move(view)}, {"data", std::move(data)}}.dump();
}

} // namespace kappa::service
