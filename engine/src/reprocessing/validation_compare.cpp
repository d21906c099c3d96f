#include "reprocessing/validation_compare.h"

#include "base/murmur2.h"
#include "jobs/view_reader.h"
#include "pipelines/job_tasks.h"
#include "runtime/source_reader.h"
#include "views/kv_view.h"
#include "views/score_cache.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace kappa::reprocessing {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxDiffRows = 200;
constexpr std::size_t kEventsBehind = 20;
constexpr std::int64_t kMaxScannedRecords = 2'000'000;

// One comparable entity, as the live version has it.
struct Entity
{
    std::int64_t id = 0;
    std::int64_t asOfMs = 0;
    double heat = 0; // how busy: views_24h, txn_1h
    bool flagged = false;
};

// A stable pseudo-random order: the sample depends on the data only.
std::uint64_t mix(std::uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

template<typename Less>
void takeTop(std::vector<Entity> entities, std::size_t n, const char *name, Less less,
             std::map<std::int64_t, std::set<std::string>> &out)
{
    n = std::min(n, entities.size());
    std::partial_sort(entities.begin(), entities.begin() + static_cast<std::ptrdiff_t>(n), entities.end(),
                      less);
    for (std::size_t i = 0; i < n; ++i)
        out[entities[i].id].insert(name);
}

std::map<std::int64_t, std::set<std::string>> sample(const std::vector<Entity> &entities,
                                                     const ValidationRules &rules)
{
    std::map<std::int64_t, std::set<std::string>> picked;
    takeTop(
        entities, rules.uniformSample, "uniform",
        [](const Entity &a, const Entity &b) {
            return mix(static_cast<std::uint64_t>(a.id)) < mix(static_cast<std::uint64_t>(b.id));
        },
        picked);
    takeTop(
        entities, rules.hottestSample, "hottest",
        [](const Entity &a, const Entity &b) { return a.heat > b.heat || (a.heat == b.heat && a.id < b.id); },
        picked);
    takeTop(
        entities, rules.recentSample, "recent",
        [](const Entity &a, const Entity &b) {
            return a.asOfMs > b.asOfMs || (a.asOfMs == b.asOfMs && a.id < b.id);
        },
        picked);
    std::vector<Entity> flagged;
    std::copy_if(entities.begin(), entities.end(), std::back_inserter(flagged),
                 [](const Entity &e) { return e.flagged; });
    takeTop(
        flagged, rules.flaggedSample, "flagged",
        [](const Entity &a, const Entity &b) {
            return a.asOfMs > b.asOfMs || (a.asOfMs == b.asOfMs && a.id < b.id);
        },
        picked);
    return picked;
}

// Accumulates key-level results into the report.
struct KeyDiffs
{
    std::size_t compared = 0;
    std::size_t differing = 0;
    std::size_t notAligned = 0; // sampled but not final in the candidate
    std::optional<std::int64_t> firstDiffering;
    std::set<std::string> added;
    Json rows = Json::array();

    void compare(std::int64_t id, const std::set<std::string> &samples, const Json &live,
                 const Json &candidate, const ValidationRules &rules)
    {
        ++compared;
        std::vector<std::string> extra;
        const std::vector<FieldDiff> diffs = compareRows(live, candidate, rules, extra);
        added.insert(extra.begin(), extra.end());
        if (diffs.empty())
            return;
        record(id, samples, diffs);
    }

    void record(std::int64_t id, const std::set<std::string> &samples, const std::vector<FieldDiff> &diffs)
    {
        ++differing;
        if (!firstDiffering)
            firstDiffering = id;
        for (const FieldDiff &diff : diffs)
            if (rows.size() < kMaxDiffRows)
                rows.push_back({{"key", id},
                                {"samples", samples},
                                {"field", diff.field},
                                {"live", diff.live},
                                {"candidate", diff.candidate}});
    }

    void finish(const ValidationRules &rules, Json &report, std::vector<std::string> &reasons) const
    {
        const double share = compared > 0 ? static_cast<double>(differing) / static_cast<double>(compared)
                                          : 0.0;
        report["keys"] = {{"compared", compared},
                          {"differing", differing},
                          {"not_aligned", notAligned},
                          {"differing_share", share},
                          {"max_diff_share", rules.maxDiffShare},
                          {"added_fields", added}};
        report["diffs"] = rows;
        if (share > rules.maxDiffShare)
            reasons.push_back(std::to_string(differing) + " of " + std::to_string(compared)
                              + " sampled keys differ (allowed share " + std::to_string(rules.maxDiffShare)
                              + ")");
        if (compared == 0)
            reasons.push_back("no key is final in both versions yet: nothing to compare");
    }
};

Json eventJson(const Event &e, const RecordView &record, std::int32_t partition)
{
    Json out = {{"partition", partition}, {"offset", record.offset.value()},
                {"ts_ms", e.ts.value()},  {"type", eventTypeName(e.type)},
                {"user_id", e.userId},    {"category_id", e.categoryId}};
    if (e.cardId)
        out["card_id"] = *e.cardId;
    if (e.merchantId)
        out["merchant_id"] = *e.merchantId;
    if (e.amountCents)
        out["amount_cents"] = *e.amountCents;
    if (e.itemId)
        out["item_id"] = *e.itemId;
    return out;
}

Json aggregateJson(const std::string &name, double live, double candidate, double tolerance,
                   std::vector<std::string> &reasons)
{
    const double delta = relativeDelta(live, candidate);
    const bool ok = std::fabs(delta) <= tolerance;
    if (!ok)
        reasons.push_back(name + " differs by "
                          + (std::isinf(delta) ? std::string("inf") : std::to_string(delta * 100))
                          + " % (allowed " + std::to_string(tolerance * 100) + " %)");
    return {{"name", name},           {"live", live},
            {"candidate", candidate}, {"delta", std::isinf(delta) ? Json() : Json(delta)},
            {"tolerance", tolerance}, {"ok", ok}};
}

} // namespace

Json eventsBehind(const Comparison &c, const std::function<bool(const Event &)> &match,
                  std::optional<std::int32_t> onlyPartition, std::size_t limit)
{
    Json out = Json::array();
    Result<std::unique_ptr<EventCodec>> codec = EventCodec::create(c.catalog->schemas());
    if (!codec.isOk())
        return out;
    std::vector<Json> found;
    std::int64_t scanned = 0;
    for (std::size_t p = 0; p < c.aligned.offsets.size(); ++p) {
        const auto partition = static_cast<std::int32_t>(p);
        if (onlyPartition && *onlyPartition != partition)
            continue;
        runtime::SourceReader reader(*c.log, c.sourceTopic, PartitionId(partition), 1 << 20);
        Result<PartitionInfo> info = c.log->partitionInfo(c.sourceTopic, PartitionId(partition));
        if (!info.isOk())
            continue;
        reader.seek(info->startOffset);
        while (reader.position().value() < c.aligned.offsets[p] && scanned < kMaxScannedRecords) {
            if (!reader.read().isOk() || reader.records().empty())
                break;
            reader.decode(**codec);
            const auto events = reader.events();
            for (std::size_t i = 0; i < events.size(); ++i) {
                const RecordView &record = reader.records()[reader.eventRecords()[i]];
                if (record.offset.value() < c.aligned.offsets[p] && match(events[i]))
                    found.push_back(eventJson(events[i], record, partition));
            }
            scanned += static_cast<std::int64_t>(reader.records().size());
        }
    }
    std::sort(found.begin(), found.end(), [](const Json &a, const Json &b) {
        return a["ts_ms"].get<std::int64_t>() < b["ts_ms"].get<std::int64_t>();
    });
    const std::size_t first = found.size() > limit ? found.size() - limit : 0;
    for (std::size_t i = first; i < found.size(); ++i)
        out.push_back(std::move(found[i]));
    return out;
}

Status compareUserFeatures(const Comparison &c, Json &report, std::vector<std::string> &reasons)
{
    const views::KeyValueView *live = c.live.engine->featureView(c.live.name.version);
    const views::KeyValueView *candidate = c.candidate.engine->featureView(c.candidate.name.version);
    if (!live || !candidate)
        return Status::failedPrecondition("a user_features view is not open");
    const auto final = [&](const views::ViewPosition &position) {
        const auto p = static_cast<std::size_t>(position.partition.value());
        return p < c.aligned.offsets.size() && position.offset.value() < c.aligned.offsets[p];
    };
    std::vector<Entity> entities;
    KAPPA_RETURN_IF_ERROR(live->forEach([&](std::string_view key, const views::ViewRow &row) {
        std::int64_t id = 0;
        if (!final(row.position) || !pipelines::parseEntityKey(key, id))
            return true;
        const Json parsed = Json::parse(row.row, nullptr, false);
        if (parsed.is_object())
            entities.push_back(
                {id, parsed.value("as_of_ms", std::int64_t{0}), parsed.value("views_24h", 0.0), false});
        return true;
    }));
    KeyDiffs diffs;
    for (const auto &[id, samples] : sample(entities, c.rules)) {
        const std::string key = pipelines::entityKey(id);
        KAPPA_ASSIGN_OR_RETURN(std::optional<views::ViewRow> liveRow, live->get(key));
        KAPPA_ASSIGN_OR_RETURN(std::optional<views::ViewRow> candidateRow, candidate->get(key));
        if (candidateRow && !final(candidateRow->position)) {
            ++diffs.notAligned;
            continue;
        }
        const Json liveJson = Json::parse(liveRow ? liveRow->row : "{}", nullptr, false);
        if (!candidateRow) {
            ++diffs.compared;
            diffs.record(id, samples, {{"(row)", "present", Json()}});
            continue;
        }
        diffs.compare(id, samples, liveJson, Json::parse(candidateRow->row, nullptr, false), c.rules);
    }
    diffs.finish(c.rules, report, reasons);
    report["aggregates"] = Json::array();
    if (diffs.firstDiffering) {
        const std::int64_t user = *diffs.firstDiffering;
        const std::int32_t partition = base::partitionForKey(std::to_string(user),
                                                             static_cast<std::int32_t>(
                                                                 c.aligned.offsets.size()));
        report["events_behind"] = {{"key", user},
                                   {"events", eventsBehind(
                                                  c, [&](const Event &e) { return e.userId == user; },
                                                  partition, kEventsBehind)}};
    }
    return Status::ok();
}

Status compareFraud(const Comparison &c, Json &report, std::vector<std::string> &reasons)
{
    const views::ScoreCache *live = c.live.engine->cardScores("fraud", c.live.name.version);
    const views::ScoreCache *candidate = c.candidate.engine->cardScores("fraud", c.candidate.name.version);
    if (!live || !candidate)
        return Status::failedPrecondition("a fraud score view is not open");
    const std::map<std::int64_t, views::ScoreRow> liveRows = live->snapshot();
    const std::map<std::int64_t, views::ScoreRow> candidateRows = candidate->snapshot();
    std::vector<Entity> entities;
    std::map<std::int64_t, std::pair<Json, Json>> comparable;
    std::vector<double> liveScores;
    std::vector<double> candidateScores;
    for (const auto &[id, row] : liveRows) {
        const auto other = candidateRows.find(id);
        if (other == candidateRows.end())
            continue;
        Json liveJson = Json::parse(row.row, nullptr, false);
        Json candidateJson = Json::parse(other->second.row, nullptr, false);
        const std::int64_t asOf = liveJson.value("as_of_ms", std::int64_t{0});
        // Final in both: the same latest event, at or below both watermarks.
        if (asOf != candidateJson.value("as_of_ms", std::int64_t{-1}) || asOf > c.aligned.watermarkMs)
            continue;
        liveScores.push_back(liveJson.value("score", 0.0));
        candidateScores.push_back(candidateJson.value("score", 0.0));
        entities.push_back({id, asOf, liveJson.value("txn_1h", 0.0),
                            liveJson.value("flagged", false) || candidateJson.value("flagged", false)});
        comparable.emplace(id, std::make_pair(std::move(liveJson), std::move(candidateJson)));
    }
    KeyDiffs diffs;
    for (const auto &[id, samples] : sample(entities, c.rules)) {
        const auto &[liveJson, candidateJson] = comparable.at(id);
        diffs.compare(id, samples, liveJson, candidateJson, c.rules);
    }
    diffs.finish(c.rules, report, reasons);
    const double psi = populationStabilityIndex(liveScores, candidateScores);
    const bool psiOk = psi <= c.rules.maxPsi;
    if (!psiOk)
        reasons.push_back("the score distribution shifted: PSI " + std::to_string(psi) + " > "
                          + std::to_string(c.rules.maxPsi));
    report["aggregates"] = Json::array({{{"name", "score_psi"},
                                         {"value", psi},
                                         {"max", c.rules.maxPsi},
                                         {"ok", psiOk},
                                         {"cards", liveScores.size()}}});
    if (diffs.firstDiffering) {
        const std::int64_t card = *diffs.firstDiffering;
        report["events_behind"] = {{"key", card},
                                   {"events", eventsBehind(
                                                  c, [&](const Event &e) { return e.cardId == card; },
                                                  std::nullopt, kEventsBehind)}};
    }
    return Status::ok();
}

Status compareBusinessMetrics(const Comparison &c, Json &report, std::vector<std::string> &reasons)
{
    constexpr std::int64_t kWindowMs = 60'000;
    constexpr std::int64_t kDayMs = 86'400'000;
    constexpr std::size_t kMaxRows = 200'000;
    const std::int64_t closedBelow = c.aligned.watermarkMs - kWindowMs
                                     + 1; // windows starting before this are closed
    jobs::MetricsSelection selection;
    selection.toMs = std::max<std::int64_t>(0, closedBelow);
    selection.fromMs = std::max<std::int64_t>(0, selection.toMs - kDayMs);
    selection.sourcePartitions = c.partitions;
    const jobs::ViewReader reader(*c.layout, *c.catalog, static_cast<std::int32_t>(c.aligned.offsets.size()));
    KAPPA_ASSIGN_OR_RETURN(std::vector<jobs::MetricsRecord> liveRows,
                           reader.metrics(selection, c.live.name.version, kMaxRows));
    KAPPA_ASSIGN_OR_RETURN(std::vector<jobs::MetricsRecord> candidateRows,
                           reader.metrics(selection, c.candidate.name.version, kMaxRows));
    std::map<std::pair<std::int64_t, std::int32_t>, Json> candidateByKey;
    for (const jobs::MetricsRecord &row : candidateRows)
        candidateByKey[{row.windowStartMs, row.categoryId}] = Json::parse(row.toJson());
    KeyDiffs diffs;
    struct Totals
    {
        double gmv = 0, orders = 0, sessions = 0, purchasing = 0, views = 0, cartAdds = 0, checkouts = 0;
    };
    std::map<std::int64_t, std::pair<Totals, Totals>> hours; // overall rows (category 0) per hour
    Totals liveAll;
    Totals candidateAll;
    const auto add = [](Totals &t, const Json &row) {
        t.gmv += row.value("gmv_cents", 0.0);
        t.orders += row.value("orders", 0.0);
        t.sessions += row.value("sessions", 0.0);
        t.purchasing += row.value("purchasing_sessions", 0.0);
        t.views += row.value("views", 0.0);
        t.cartAdds += row.value("cart_adds", 0.0);
        t.checkouts += row.value("checkouts", 0.0);
    };
    for (const jobs::MetricsRecord &row : liveRows) {
        const Json liveJson = Json::parse(row.toJson());
        const auto other = candidateByKey.find({row.windowStartMs, row.categoryId});
        const std::int64_t key = row.windowStartMs * 1000 + row.categoryId;
        if (other == candidateByKey.end()) {
            ++diffs.compared;
            diffs.record(key, {"window"}, {{"(row)", "present", Json()}});
            continue;
        }
        diffs.compare(key, {"window"}, liveJson, other->second, c.rules);
        if (row.categoryId == 0) {
            auto &[liveHour, candidateHour] = hours[row.windowStartMs / 3'600'000 * 3'600'000];
            add(liveHour, liveJson);
            add(candidateHour, other->second);
            add(liveAll, liveJson);
            add(candidateAll, other->second);
        }
    }
    diffs.finish(c.rules, report, reasons);
    const double tolerance = c.rules.aggregateTolerance;
    Json aggregates = Json::array();
    for (const auto &[hour, totals] : hours) {
        const std::string at = " @" + std::to_string(hour);
        aggregates.push_back(
            aggregateJson("gmv_cents" + at, totals.first.gmv, totals.second.gmv, tolerance, reasons));
        aggregates.push_back(
            aggregateJson("orders" + at, totals.first.orders, totals.second.orders, tolerance, reasons));
        const auto conversion = [](const Totals &t) {
            return t.sessions > 0 ? t.purchasing / t.sessions : 0.0;
        };
        aggregates.push_back(aggregateJson("conversion" + at, conversion(totals.first),
                                           conversion(totals.second), tolerance, reasons));
    }
    const auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    aggregates.push_back(aggregateJson("funnel.cart_adds_per_view", ratio(liveAll.cartAdds, liveAll.views),
                                       ratio(candidateAll.cartAdds, candidateAll.views), tolerance, reasons));
    aggregates.push_back(
        aggregateJson("funnel.checkouts_per_cart_add", ratio(liveAll.checkouts, liveAll.cartAdds),
                      ratio(candidateAll.checkouts, candidateAll.cartAdds), tolerance, reasons));
    aggregates.push_back(aggregateJson("funnel.orders_per_checkout", ratio(liveAll.orders, liveAll.checkouts),
                                       ratio(candidateAll.orders, candidateAll.checkouts), tolerance,
                                       reasons));
    report["aggregates"] = std::move(aggregates);
    report["windows"] = {{"from_ms", selection.fromMs}, {"to_ms", selection.toMs}};
    return Status::ok();
}

} // namespace kappa::reprocessing
