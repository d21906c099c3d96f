// Reading a job's checkpointed keyed state back as entities: the one place
// that knows how a pipeline task lays out its table in the store (task id,
// table, entity key). Used to fill the fraud score cache at start and to read
// the fraud view from outside the engine.
#pragma once

#include "kappa/status.h"
#include "pipelines/job_tasks.h"
#include "state/state_store.h"
#include "state/task_state.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::jobs {

// The store key of entity `id` in keyed table `table` of the task of (stage, partition).
inline std::string storedEntityKey(int stage, std::int32_t partition, std::uint8_t table, std::int64_t id)
{
    return state::TaskState::keyPrefixOf(pipelines::taskIdFor(stage, partition), table)
           + pipelines::entityKey(id);
}

// Calls visit(partition, id, aggregate) for every entity in keyed table
// `table` of the tasks of `stage`, partition by partition, each in id order.
// Corruption for an entry that does not parse.
template<typename Aggregate, typename Visit>
Status forEachStoredEntity(const state::StateStore &store, std::span<const PartitionId> partitions, int stage,
                           std::uint8_t table, const Visit &visit)
{
    for (PartitionId partition : partitions) {
        const std::int32_t p = partition.value();
        const std::string prefix = state::TaskState::keyPrefixOf(pipelines::taskIdFor(stage, p), table);
        Status failure;
        KAPPA_RETURN_IF_ERROR(store.scan(prefix, [&](std::string_view key, std::string_view value) {
            std::int64_t id = 0;
            Result<Aggregate> aggregate = Aggregate::parse(value);
            if (!pipelines::parseEntityKey(key.substr(prefix.size()), id) || !aggregate.isOk()) {
                failure = Status::corruption("state in " + store.dir() + ": unreadable entry of task "
                                             + std::to_string(pipelines::taskIdFor(stage, p).value()));
                return false;
            }
            visit(PartitionId(p), id, *aggregate);
            return true;
        }));
        KAPPA_RETURN_IF_ERROR(failure);
    }
    return Status::ok();
}

// The same for every partition of `partitions`.
template<typename Aggregate, typename Visit>
Status forEachStoredEntity(const state::StateStore &store, std::int32_t partitions, int stage,
                           std::uint8_t table, const Visit &visit)
{
    std::vector<PartitionId> all;
    for (std::int32_t p = 0; p < partitions; ++p)
        all.push_back(PartitionId(p));
    return forEachStoredEntity<Aggregate>(store, std::span<const PartitionId>(all), stage, table, visit);
}

} // namespace kappa::jobs
