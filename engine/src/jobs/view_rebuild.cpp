#include "jobs/view_rebuild.h"

#include "pipelines/business_metrics.h"
#include "pipelines/job_tasks.h"
#include "pipelines/user_features.h"
#include "state/task_state.h"

#include <optional>
#include <vector>

namespace kappa::jobs {

namespace {

// The position a task's checkpointed state reflects: the last offset it had
// processed of its (single) input; nullopt without a checkpoint or before
// the first record.
Result<std::optional<Offset>> checkpointedPosition(const state::StateStore &store, state::TaskId task)
{
    KAPPA_ASSIGN_OR_RETURN(std::optional<state::CheckpointMeta> meta, store.lastCheckpoint(task));
    if (!meta || meta->inputs.empty() || meta->inputs.front().nextOffset.value() < 1)
        return std::optional<Offset>();
    return std::optional<Offset>(Offset(meta->inputs.front().nextOffset.value() - 1));
}

// Calls visit(key without prefix, value) for every entry of one table of a task.
template<typename Visit>
Status scanTable(const state::StateStore &store, state::TaskId task, std::uint8_t table, const Visit &visit)
{
    const std::string prefix = state::TaskState::keyPrefixOf(task, table);
    Status failure;
    KAPPA_RETURN_IF_ERROR(store.scan(prefix, [&](std::string_view key, std::string_view value) {
        failure = visit(key.substr(prefix.size()), value);
        return failure.isOk();
    }));
    return failure.withContext("state of task " + std::to_string(task.value()) + " in " + store.dir());
}

// A view partial as the task's row: country rows are the all-categories row
// of one country (MetricsViewSink's mapping, reversed).
pipelines::MetricsRow rowOfPartial(const views::MetricsPartial &partial)
{
    pipelines::MetricsRow row;
    row.windowStartMs = partial.windowStartMs;
    if (partial.country.empty()) {
        row.categoryId = partial.categoryId;
    } else {
        row.dimension = pipelines::MetricsDimension::Country;
        row.country = partial.country;
    }
    const views::MetricsCounts &c = partial.counts;
    row.views = c.views;
    row.cartAdds = c.cartAdds;
    row.checkouts = c.checkouts;
    row.orders = c.orders;
    row.gmvCents = c.gmvCents;
    row.sessions = c.sessions;
    row.purchasingSessions = c.purchasingSessions;
    return row;
}

} // namespace

Status rebuildFeatureRows(const state::StateStore &store, const pipelines::JobSpec &spec,
                          std::span<const state::TaskId> tasks, pipelines::RowSink &sink)
{
    const auto &params = std::get<pipelines::UserFeaturesParams>(spec.params);
    for (state::TaskId task : tasks) {
        KAPPA_ASSIGN_OR_RETURN(std::optional<Offset> position, checkpointedPosition(store, task));
        if (!position)
            continue;
        std::vector<pipelines::RowWrite> rows;
        KAPPA_RETURN_IF_ERROR(
            scanTable(store, task, pipelines::kUserTable, [&](std::string_view key, std::string_view value) {
                std::int64_t id = 0;
                Result<pipelines::UserFeatures> features = pipelines::UserFeatures::parse(value);
                if (!pipelines::parseEntityKey(key, id) || !features.isOk())
                    return Status::corruption("unreadable user entry");
                rows.push_back({id, pipelines::partitionOfTask(task), *position,
                                features->row(id, params).toJson(params)});
                return Status::ok();
            }));
        KAPPA_RETURN_IF_ERROR(sink.write(rows));
    }
    return sink.sync();
}

Status rebuildMetricsRows(const state::StateStore &store, std::span<const state::TaskId> tasks,
                          pipelines::MetricsSink &sink)
{
    for (state::TaskId task : tasks) {
        KAPPA_ASSIGN_OR_RETURN(std::optional<Offset> position, checkpointedPosition(store, task));
        if (!position)
            continue;
        std::vector<pipelines::MetricsRow> rows;
        KAPPA_RETURN_IF_ERROR(
            scanTable(store, task, pipelines::kMetricsRowTable, [&](std::string_view, std::string_view value) {
                Result<pipelines::MetricsRow> row = pipelines::MetricsRow::parse(value);
                if (!row.isOk())
                    return row.status();
                rows.push_back(std::move(row).value());
                return Status::ok();
            }));
        KAPPA_RETURN_IF_ERROR(sink.write(pipelines::partitionOfTask(task), *position, rows));
    }
    return sink.sync();
}

Status keepMetricsRowsFromView(state::StateStore &store, const views::MetricsView &view,
                               std::span<const state::TaskId> tasks)
{
    for (state::TaskId task : tasks) {
        KAPPA_ASSIGN_OR_RETURN(std::optional<state::CheckpointMeta> meta, store.lastCheckpoint(task));
        if (!meta)
            continue;
        KAPPA_ASSIGN_OR_RETURN(std::vector<views::MetricsPartial> partials,
                               view.partialsOf(pipelines::partitionOfTask(task)));
        const std::string prefix = state::TaskState::keyPrefixOf(task, pipelines::kMetricsRowTable);
        std::vector<std::pair<std::string, std::string>> entries;
        entries.reserve(partials.size());
        for (const views::MetricsPartial &partial : partials) {
            const pipelines::MetricsRow row = rowOfPartial(partial);
            auto &[key, value] = entries.emplace_back(prefix + row.rowKey(), std::string());
            row.serialize(value);
        }
        KAPPA_RETURN_IF_ERROR(store.replaceTask(task, *meta, entries));
    }
    return Status::ok();
}

} // namespace kappa::jobs
