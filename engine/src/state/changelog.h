// Changelog: where a StateStore also sends each checkpoint, so that another
// process can take a task over with exactly the state of its last
// checkpoint (state hand-over between instances; the cluster module keeps
// it in a compacted Kafka topic).
//
// Order and atomicity: StateStore::commit publishes a checkpoint before its
// own local write, so the changelog is never behind the local store: after
// a crash between the two, the changelog holds checkpoint N+1 and the store
// N, and whoever restores next must take the changelog's (see
// StateStore::replaceTask). publish() must make the checkpoint visible all
// together or not at all.
#pragma once

#include "kappa/status.h"
#include "state/checkpoint_meta.h"

#include <optional>
#include <span>
#include <string_view>

namespace kappa::state {

// One state key's change in a checkpoint: its new value, or nullopt when erased.
struct StateChange
{
    std::string_view key; // the full store key (task prefix included)
    std::optional<std::string_view> value;
};

class Changelog
{
public:
    virtual ~Changelog() = default;
    // The task's checkpoint `meta` (sequence assigned) with the state changes
    // since its previous one. An error fails the commit without failing the
    // store: the task keeps its dirty state and tries again at its next
    // checkpoint (Unavailable is retried, see runtime.h).
    virtual Status publish(TaskId task, const CheckpointMeta &meta, std::span<const StateChange> changes) = 0;
};

} // namespace kappa::state
