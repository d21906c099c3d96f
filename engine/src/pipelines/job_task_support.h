// Parts shared by the pipelines' task classes (private to job_tasks*.cpp).
#pragma once

#include "pipelines/job_tasks.h"
#include "pipelines/touched_keys.h"
#include "runtime/source_task.h"
#include "state/keyed_state.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kappa::pipelines {

// Writes the row of every key `touched` holds (each at its latest position)
// to `sink`, then forgets the keys. `rows` is a buffer kept by the task;
// rowOf(id, aggregate) renders one row.
template<typename A, typename RowOf>
Status writeTouchedRows(TouchedKeys &touched, state::KeyedState<A> &cache, PartitionId partition,
                        std::vector<RowWrite> &rows, RowSink &sink, const RowOf &rowOf)
{
    rows.resize(touched.keys().size());
    std::size_t i = 0;
    for (const auto &[id, position] : touched.keys()) {
        KAPPA_ASSIGN_OR_RETURN(const A *aggregate, cache.find(EntityKey(id).view()));
        rows[i++] = {id, partition, position, rowOf(id, *aggregate)};
    }
    touched.clear();
    return sink.write(rows);
}

// The outputSync of a task whose outputs are one sink's: sinks are
// thread-safe and outlive their tasks, so a background checkpoint may sync it.
template<typename Sink>
std::function<Status()> syncOf(Sink &sink)
{
    return [&sink] { return sink.sync(); };
}

runtime::TaskInput sourceInput(const JobEnvironment &env, std::int32_t partition);
std::string taskName(const JobSpec &spec, std::string_view stage, std::int32_t partition);
Result<std::unique_ptr<state::TaskState>> openTaskState(const JobEnvironment &env, int stage,
                                                        std::int32_t partition);

std::unique_ptr<runtime::Task> makeUserFeaturesTask(const JobSpec &spec, const JobEnvironment &env,
                                                    std::unique_ptr<state::TaskState> state,
                                                    std::int32_t partition, RowSink &sink);
std::unique_ptr<runtime::Task> makeBusinessMetricsTask(const JobSpec &spec, const JobEnvironment &env,
                                                       std::unique_ptr<state::TaskState> state,
                                                       std::int32_t partition, MetricsSink &sink);
Result<std::vector<std::unique_ptr<runtime::Task>>> makeFraudTasks(const JobSpec &spec,
                                                                   const JobEnvironment &env,
                                                                   const JobSinks &sinks);

} // namespace kappa::pipelines
