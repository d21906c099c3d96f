#include "state/task_state.h"

#include <cassert>

namespace kappa::state {

TaskState::TaskState(std::shared_ptr<StateStore> store, TaskId id)
    : m_store(std::move(store))
    , m_id(id)
{}

TaskState::~TaskState()
{
    assert(m_caches.empty() && "a KeyedState outlived its TaskState");
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
    for (auto &[table, cache] : m_caches)
        cache->discard();
    KAPPA_ASSIGN_OR_RETURN(std::optional<CheckpointMeta> meta, m_store->lastCheckpoint(m_id));
    m_sequence = meta ? meta->sequence : 0;
    m_restored = true;
    return meta;
}

Result<std::uint64_t> TaskState::checkpoint(CheckpointMeta meta)
{
    if (!m_restored)
        return Status::failedPrecondition("task " + std::to_string(m_id.value())
                                          + " must restore() before its first checkpoint");
    meta.sequence = m_sequence + 1;
    CheckpointBatch batch = m_store->newBatch();
    for (auto &[table, cache] : m_caches)
        cache->collectDirty(batch);
    KAPPA_RETURN_IF_ERROR(m_store->commit(m_id, meta, batch));
    for (auto &[table, cache] : m_caches)
        cache->markCheckpointed();
    m_sequence = meta.sequence;
    return m_sequence;
}

} // namespace kappa::state
