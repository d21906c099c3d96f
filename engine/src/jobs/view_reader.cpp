#include "jobs/view_reader.h"

#include "base/murmur2.h"
#include "jobs/engine.h"
#include "jobs/stored_entities.h"
#include "pipelines/fraud.h"
#include "pipelines/job_tasks.h"
#include "pipelines/row_json.h"
#include "state/state_store.h"
#include "state/task_state.h"
#include "views/kv_view.h"
#include "views/metrics_view.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>

namespace kappa::jobs {

namespace {

Result<std::shared_ptr<state::StateStore>> openStateReadOnly(const DataLayout &layout, const std::string &job,
                                                             const std::string &version)
{
    state::StoreOptions options;
    options.readOnly = true;
    options.createIfMissing = false;
    Result<std::shared_ptr<state::StateStore>> store = state::StateStore::open(layout.stateDir(job, version),
                                                                               options);
    if (!store.isOk() && store.status().code() == StatusCode::NotFound)
        return Status::notFound(job + "@" + version + " has no state yet (run it first: kappactl run)");
    return store;
}

Result<pipelines::FraudParams> fraudParams(const Catalog &catalog, const std::string &version)
{
    KAPPA_ASSIGN_OR_RETURN(JobDefinition definition, resolveJobDefinition(catalog, {"fraud", version}));
    return std::get<pipelines::FraudParams>(definition.spec.params);
}

std::uint64_t directoryBytes(const std::string &path)
{
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec))
        return std::filesystem::file_size(path, ec);
    std::uint64_t total = 0;
    for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file(ec))
            total += it->file_size(ec);
    return total;
}

MetricsRecord recordOf(const views::MetricsRow &row)
{
    const views::MetricsCounts &c = row.counts;
    return {row.windowStartMs, row.categoryId, row.country, c.views,    c.cartAdds,
            c.checkouts,       c.orders,       c.gmvCents,  c.sessions, c.purchasingSessions};
}

// Visits every entity of one fraud stage's keyed table in id order (across partitions).
template<typename Aggregate>
Status forEachEntityInIdOrder(const state::StateStore &store, std::int32_t partitions, int stage,
                              std::uint8_t table,
                              const std::function<void(std::int64_t id, const Aggregate &)> &visit)
{
    std::map<std::int64_t, Aggregate> entities;
    KAPPA_RETURN_IF_ERROR(
        forEachStoredEntity<Aggregate>(store, partitions, stage, table,
                                       [&](PartitionId, std::int64_t id, const Aggregate &aggregate) {
                                           entities.insert_or_assign(id, aggregate);
                                       }));
    for (const auto &[id, aggregate] : entities)
        visit(id, aggregate);
    return Status::ok();
}

} // namespace

std::string MetricsRecord::toJson() const
{
    std::string out;
    pipelines::RowJson json(out);
    json.beginObject();
    json.field("window_start_ms", windowStartMs);
    if (country.empty())
        json.field("category_id", std::int64_t{categoryId});
    else
        json.field("country", std::string_view(country));
    json.field("views", views);
    json.field("cart_adds", cartAdds);
    json.field("checkouts", checkouts);
    json.field("orders", orders);
    json.field("gmv_cents", gmvCents);
    json.field("sessions", sessions);
    json.field("purchasing_sessions", purchasingSessions);
    json.endObject();
    return out;
}

std::string MetricsRecord::csvHeader()
{
    return "window_start_ms,category_id,views,cart_adds,checkouts,orders,gmv_cents,sessions,purchasing_"
           "sessions";
}

std::string MetricsRecord::toCsv() const
{
    std::string out = std::to_string(windowStartMs) + ","
                      + (country.empty() ? std::to_string(categoryId) : country);
    for (std::int64_t v : {views, cartAdds, checkouts, orders, gmvCents, sessions, purchasingSessions})
        out += "," + std::to_string(v);
    return out;
}

ViewReader::ViewReader(DataLayout layout, const Catalog &catalog, std::int32_t partitions)
    : m_layout(std::move(layout))
    , m_catalog(catalog)
    , m_partitions(partitions)
{}

Result<std::string> ViewReader::resolveVersion(const std::string &job,
                                               const std::optional<std::string> &version) const
{
    if (job != "user_features" && job != "fraud" && job != "business_metrics")
        return Status::invalidArgument("unknown job '" + job + "' (user_features, fraud, business_metrics)");
    if (version) {
        Result<JobVersionInfo> registered = m_catalog.jobVersion(job, *version);
        if (!registered.isOk() && registered.status().code() == StatusCode::NotFound)
            return Status::notFound(job + "@" + *version
                                    + " is not registered (kappactl views list shows the versions)");
        KAPPA_RETURN_IF_ERROR(registered.status());
        return *version;
    }
    KAPPA_ASSIGN_OR_RETURN(std::optional<std::string> live, m_catalog.alias(job));
    if (!live)
        return Status::notFound("job '" + job + "' has no live version (run it first: kappactl run --jobs "
                                + job + "@v1)");
    return *live;
}

Result<std::optional<std::string>> ViewReader::features(std::int64_t userId, const std::string &version) const
{
    const std::string dir = m_layout.keyValueViewDir("user_features", version);
    Result<std::unique_ptr<views::KeyValueView>> view = views::KeyValueView::openReadOnly(dir);
    if (!view.isOk() && view.status().code() == StatusCode::NotFound)
        return Status::notFound("user_features@" + version + " has no view yet (run it first: kappactl run)");
    KAPPA_RETURN_IF_ERROR(view.status());
    KAPPA_ASSIGN_OR_RETURN(std::optional<views::ViewRow> row, (*view)->get(pipelines::entityKey(userId)));
    if (!row)
        return std::optional<std::string>();
    return std::optional<std::string>(std::move(row->row));
}

Result<std::optional<std::string>> ViewReader::fraudCard(std::int64_t cardId, const std::string &version) const
{
    KAPPA_ASSIGN_OR_RETURN(pipelines::FraudParams params, fraudParams(m_catalog, version));
    KAPPA_ASSIGN_OR_RETURN(std::shared_ptr<state::StateStore> store,
                           openStateReadOnly(m_layout, "fraud", version));
    // The card's task is the partition of its key in the by-card topic.
    const std::int32_t partition = base::partitionForKey(pipelines::rekeyKey(cardId), m_partitions);
    const std::string key = storedEntityKey(pipelines::kFraudCardStage, partition, pipelines::kCardTable,
                                            cardId);
    std::string value;
    bool found = false;
    KAPPA_RETURN_IF_ERROR(store->get(key, &value, &found));
    if (!found)
        return std::optional<std::string>();
    KAPPA_ASSIGN_OR_RETURN(pipelines::CardAggregate card, pipelines::CardAggregate::parse(value));
    return std::optional<std::string>(card.row(cardId, params).toJson(params));
}

Result<std::vector<MetricsRecord>> ViewReader::metrics(const MetricsSelection &selection,
                                                       const std::string &version,
                                                       std::optional<std::size_t> maxRows) const
{
    const std::string path = m_layout.metricsViewPath("business_metrics", version);
    Result<std::unique_ptr<views::MetricsView>> view = views::MetricsView::openReadOnly(path);
    if (!view.isOk() && view.status().code() == StatusCode::NotFound)
        return Status::notFound("business_metrics@" + version
                                + " has no view yet (run it first: kappactl run)");
    KAPPA_RETURN_IF_ERROR(view.status());
    views::MetricsQuery query;
    query.fromMs = selection.fromMs;
    query.toMs = selection.toMs;
    query.categoryId = selection.country ? std::optional<std::int32_t>(0) : selection.categoryId;
    query.country = selection.country.value_or("");
    query.sourcePartitions = selection.sourcePartitions;
    KAPPA_ASSIGN_OR_RETURN(std::vector<views::MetricsRow> rows, (*view)->query(query, maxRows));
    std::vector<MetricsRecord> records;
    records.reserve(rows.size());
    for (const views::MetricsRow &row : rows)
        records.push_back(recordOf(row));
    return records;
}

Status ViewReader::dump(const std::string &job, const std::string &version,
                        const std::function<void(const std::string &row)> &emit) const
{
    if (job == "user_features") {
        Result<std::unique_ptr<views::KeyValueView>> view = views::KeyValueView::openReadOnly(
            m_layout.keyValueViewDir(job, version));
        KAPPA_RETURN_IF_ERROR(view.status().withContext(job + "@" + version));
        return (*view)->forEach([&](std::string_view, const views::ViewRow &row) {
            emit(row.row);
            return true;
        });
    }
    if (job == "fraud") {
        KAPPA_ASSIGN_OR_RETURN(pipelines::FraudParams params, fraudParams(m_catalog, version));
        KAPPA_ASSIGN_OR_RETURN(std::shared_ptr<state::StateStore> store,
                               openStateReadOnly(m_layout, job, version));
        KAPPA_RETURN_IF_ERROR(
            forEachEntityInIdOrder<pipelines::CardAggregate>(*store, m_partitions, pipelines::kFraudCardStage,
                                                             pipelines::kCardTable,
                                                             [&](std::int64_t id,
                                                                 const pipelines::CardAggregate &card) {
                                                                 emit(card.row(id, params).toJson(params));
                                                             }));
        return forEachEntityInIdOrder<pipelines::MerchantAggregate>(
            *store, m_partitions, pipelines::kFraudMerchantStage, pipelines::kMerchantTable,
            [&](std::int64_t id, const pipelines::MerchantAggregate &merchant) {
                emit(merchant.row(id).toJson());
            });
    }
    if (job == "business_metrics") {
        Result<std::unique_ptr<views::MetricsView>> view = views::MetricsView::openReadOnly(
            m_layout.metricsViewPath(job, version));
        KAPPA_RETURN_IF_ERROR(view.status().withContext(job + "@" + version));
        views::MetricsQuery all;
        all.fromMs = std::numeric_limits<std::int64_t>::min();
        all.toMs = std::numeric_limits<std::int64_t>::max();
        KAPPA_ASSIGN_OR_RETURN(std::vector<views::MetricsRow> rows, (*view)->query(all));
        for (const views::MetricsRow &row : rows)
            emit(recordOf(row).toJson());
        return Status::ok();
    }
    return Status::invalidArgument("unknown job '" + job + "' (user_features, fraud, business_metrics)");
}

Result<std::vector<ViewInfo>> ViewReader::list() const
{
    KAPPA_ASSIGN_OR_RETURN(std::vector<JobVersionInfo> versions, m_catalog.jobVersions());
    std::vector<ViewInfo> out;
    for (const JobVersionInfo &version : versions) {
        ViewInfo info;
        info.job = version.job;
        info.version = version.version;
        info.state = std::string(versionStateName(version.state));
        KAPPA_ASSIGN_OR_RETURN(std::optional<std::string> live, m_catalog.alias(version.job));
        info.live = live && *live == version.version;
        if (version.job == "user_features") {
            info.kind = "rocksdb";
            info.location = m_layout.keyValueViewDir(version.job, version.version);
        } else if (version.job == "business_metrics") {
            info.kind = "sqlite";
            info.location = m_layout.metricsViewPath(version.job, version.version);
        } else {
            info.kind = "memory (from state)";
            info.location = m_layout.stateDir(version.job, version.version);
        }
        info.bytes = directoryBytes(info.location);
        if (version.job != "fraud")
            info.bytes += directoryBytes(m_layout.stateDir(version.job, version.version));
        out.push_back(std::move(info));
    }
    return out;
}

Status dropViews(const DataLayout &layout, const Catalog &catalog, EventLog &log, const JobVersionName &name,
                 bool force)
{
    KAPPA_ASSIGN_OR_RETURN(JobVersionInfo info, catalog.jobVersion(name.job, name.version));
    KAPPA_ASSIGN_OR_RETURN(std::optional<std::string> live, catalog.alias(name.job));
    if (live && *live == name.version && !force)
        return Status::failedPrecondition(
            name.str() + " is live (the alias of " + name.job
            + " points to it); reads would fail until it is rebuilt. Use --force");
    KAPPA_ASSIGN_OR_RETURN(JobDefinition definition, parseJobDefinition(info.specJson));
    KAPPA_RETURN_IF_ERROR(views::KeyValueView::destroy(layout.keyValueViewDir(name.job, name.version)));
    KAPPA_RETURN_IF_ERROR(views::MetricsView::destroy(layout.metricsViewPath(name.job, name.version)));
    KAPPA_RETURN_IF_ERROR(state::StateStore::destroy(layout.stateDir(name.job, name.version)));
    for (const std::string &topic : pipelines::internalTopics(definition.spec)) {
        Status deleted = log.deleteTopic(topic);
        if (!deleted.isOk() && deleted.code() != StatusCode::NotFound)
            return deleted;
    }
    return Status::ok();
}

} // namespace kappa::jobs
