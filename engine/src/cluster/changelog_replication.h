// ChangelogReplication: state hand-over between the processes that share a
// job version's partitions, over changelog topics (jobs::StateReplication).
//
// Each job version has a changelog topic "<job>.<version>.changelog" with as
// many partitions as the source topic; a task's checkpoints go to the
// partition of the task's own partition, one atomic write per checkpoint:
//     "s" + store key -> value (or a deletion)   for each state change, then
//     "m" + task id (4 bytes big-endian) -> the encoded CheckpointMeta.
// So the changelog's latest entries of a task are the state of its latest
// checkpoint, whoever wrote it.
//
// The caller claims a partition (ChangelogTransport::claim, fencing its
// previous owner) once it is given it and before any restore() of it: once,
// because a claim also fences this process's own earlier claim, which other
// versions' running tasks of that partition may be writing with.
//
// restore() reads the changelog partitions of the partitions given and, task
// by task, compares the changelog's checkpoint sequence with the local
// store's:
// - the changelog is newer (another process, or this one before a crash
//   between publishing and committing, went further): the task's local state
//   is replaced by the changelog's (StateStore::replaceTask), and the task is
//   reported as taken over;
// - the local store is newer, or the changelog lacks the task (a deployment
//   that ran without a changelog, a changelog deleted): the local state is
//   published whole, deleting keys the changelog holds and the store does
//   not, so the changelog is complete again;
// - the same: nothing to do.
//
// Threading: changelogFor/restore from the engine's controlling thread; the
// changelogs it returns are called from the tasks' threads (the transport
// must be thread-safe).
#pragma once

#include "cluster/changelog_transport.h"
#include "jobs/state_replication.h"

#include <atomic>
#include <memory>
#include <string>

namespace kappa::cluster {

// The changelog topic of a job version.
std::string changelogTopic(const pipelines::JobSpec &spec);

class ChangelogReplication : public jobs::StateReplication
{
public:
    explicit ChangelogReplication(std::shared_ptr<ChangelogTransport> transport);

    Result<std::shared_ptr<state::Changelog>> changelogFor(const pipelines::JobSpec &spec,
                                                           std::int32_t partitions) override;
    Result<std::vector<state::TaskId>> restore(const pipelines::JobSpec &spec, state::StateStore &store,
                                               std::span<const PartitionId> partitions) override;

    // While false, every publish fails (Unavailable) without writing: for
    // stopping tasks whose partitions another process may already own.
    void setPublishing(bool publishing) { m_publishing->store(publishing); }

private:
    std::shared_ptr<ChangelogTransport> m_transport;
    std::shared_ptr<std::atomic<bool>> m_publishing = std::make_shared<std::atomic<bool>>(true);
};

} // namespace kappa::cluster
