#include "state/task_state.h"

#include <cassert>
#include <system_error>

namespace kappa::state {

TaskState::TaskState(std::shared_ptr<StateStore> store, TaskId id)
    : m_store(std::move(store))
    , m_id(id)
{}

TaskState::~TaskState()
{
    assert(m_caches.empty() && "a KeyedState outlived its TaskState");
    if (m_pending)
        m_pending->committed.wait(); // the commit uses the store
    m_store->releaseTask(m_id);
}

std::string TaskState::namespaceOf(TaskId task)
{
    std::string prefix(4, '\0');
    for (int i = 0; i < 4; ++i)
        prefix[std::size_t(i)] = static_cast<char>((task.value() >> (24 - 8 * i)) & 0xff);
    return prefix;
}

std::string TaskState::keyPrefixOf(TaskId task, std::uint8_t table)
{
    return namespaceOf(task) + static_cast<char>(table);
}

std::string TaskState::keyPrefix(std::uint8_t table) const
{
    return keyPrefixOf(m_id, table);
}

Status TaskState::scan(std::uint8_t table,
                       const std::function<bool(std::string_view key, std::string_view value)> &visit) const
{
    const std::string prefix = keyPrefix(table);
    return m_store->scan(prefix, [&](std::string_view key, std::string_view value) {
        return visit(key.substr(prefix.size()), value);
    });
}

Status TaskState::attach(std::uint8_t table, StateCache *cache)
{
    if (!m_caches.emplace(table, cache).second)
        return Status::alreadyExists("task " + std::to_string(m_id.value()) + " already has keyed table "
                                     + std::to_string(table));
    return Status::ok();
}

void TaskState::detach(std::uint8_t table)
{
    m_caches.erase(table);
}

Result<std::optional<CheckpointMeta>> TaskState::restore()
{
    if (m_pending) {
        m_pending->committed.wait(); // landed or not, the store says which below
        m_pending.reset();
    }
    for (auto &[table, cache] : m_caches)
        cache->discard();
    KAPPA_ASSIGN_OR_RETURN(std::optional<CheckpointMeta> meta, m_store->lastCheckpoint(m_id));
    m_sequence = meta ? meta->sequence : 0;
    m_restored = true;
    return meta;
}

Result<CheckpointBatch> TaskState::collect(CheckpointMeta &meta)
{
    if (!m_restored)
        return Status::failedPrecondition("task " + std::to_string(m_id.value())
                                          + " must restore() before its first checkpoint");
    if (m_pending)
        return Status::failedPrecondition("task " + std::to_string(m_id.value())
                                          + " has a checkpoint in progress");
    meta.sequence = m_sequence + 1;
    CheckpointBatch batch = m_store->newBatch();
    for (auto &[table, cache] : m_caches)
        cache->collectDirty(batch);
    return batch;
}

Status TaskState::settle(const Status &committed, std::uint64_t sequence)
{
    for (auto &[table, cache] : m_caches) {
        if (committed.isOk())
            cache->markCheckpointed();
        else
            cache->checkpointFailed();
    }
    if (committed.isOk())
        m_sequence = sequence;
    return committed;
}

Result<std::uint64_t> TaskState::checkpoint(CheckpointMeta meta)
{
    KAPPA_RETURN_IF_ERROR(finishCheckpoint(/*wait=*/true).status());
    KAPPA_ASSIGN_OR_RETURN(CheckpointBatch batch, collect(meta));
    KAPPA_RETURN_IF_ERROR(settle(m_store->commit(m_id, meta, batch), meta.sequence));
    return m_sequence;
}

Status TaskState::beginCheckpoint(CheckpointMeta meta, std::function<Status()> beforeCommit)
{
    KAPPA_ASSIGN_OR_RETURN(CheckpointBatch batch, collect(meta));
    Pending pending{meta.sequence, std::chrono::steady_clock::now(), {}, {}};
    // A thread per checkpoint (every few seconds per task) costs far less than
    // the synced write it takes off the task; commits of several tasks then
    // meet in RocksDB's group commit.
    auto commit = std::make_shared<std::packaged_task<CommitOutcome()>>(
        [store = m_store, id = m_id, meta = std::move(meta), batch = std::move(batch),
         beforeCommit = std::move(beforeCommit)]() mutable {
            Status committed = beforeCommit ? beforeCommit() : Status::ok();
            if (committed.isOk())
                committed = store->commit(id, meta, batch);
            return CommitOutcome{std::move(committed), std::chrono::steady_clock::now()};
        });
    pending.committed = commit->get_future();
    try {
        pending.worker = std::jthread([commit] { (*commit)(); });
    } catch (const std::system_error &) {
        // No thread to be had (a process or memory limit): commit here instead,
        // as a task that is behind does, rather than lose the collected entries.
        (*commit)();
    }
    m_pending = std::move(pending);
    return Status::ok();
}

Result<std::optional<CompletedCheckpoint>> TaskState::finishCheckpoint(bool wait)
{
    if (!m_pending)
        return std::optional<CompletedCheckpoint>();
    if (!wait && m_pending->committed.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
        return std::optional<CompletedCheckpoint>();
    const CommitOutcome outcome = m_pending->committed.get();
    const std::uint64_t sequence = m_pending->sequence;
    const std::chrono::steady_clock::duration duration = outcome.finished - m_pending->begun;
    m_pending.reset();
    KAPPA_RETURN_IF_ERROR(settle(outcome.status, sequence));
    return std::optional<CompletedCheckpoint>(CompletedCheckpoint{sequence, duration});
}

} // namespace kappa::state
