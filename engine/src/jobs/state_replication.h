// StateReplication: how a job version's state moves between the processes
// that share its partitions (scale-out). The engine asks it for a changelog
// to give the version's state store, and, before the tasks of the partitions
// it was given open, to bring their checkpointed state up to the latest any
// process published. The cluster module implements it over Kafka.
#pragma once

#include "kappa/status.h"
#include "kappa/types.h"
#include "pipelines/job_spec.h"
#include "state/changelog.h"
#include "state/checkpoint_meta.h"
#include "state/state_store.h"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace kappa::jobs {

class StateReplication
{
public:
    virtual ~StateReplication() = default;
    // The changelog the version's store publishes its checkpoints to; called
    // once per engine, before the store opens.
    virtual Result<std::shared_ptr<state::Changelog>> changelogFor(const pipelines::JobSpec &spec,
                                                                   std::int32_t partitions)
        = 0;
    // Called with the store open and none of these partitions' tasks open:
    // makes the store hold, for each task of these partitions, the state of
    // its latest checkpoint anywhere. Returns the tasks whose local state it
    // replaced (their views must be rebuilt from that state).
    virtual Result<std::vector<state::TaskId>> restore(const pipelines::JobSpec &spec,
                                                       state::StateStore &store,
                                                       std::span<const PartitionId> partitions)
        = 0;
};

} // namespace kappa::jobs
