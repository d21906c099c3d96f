// TaskState: one task's namespace in a StateStore, the owner of that task's
// caches (KeyedState), and the place where a task restores and checkpoints.
//
// Key layout in the store's state column family:
//     [task id: 4 bytes big-endian][table: 1 byte][the aggregate's key]
// so tasks never see each other's keys and a task can hold up to 256 keyed
// tables (e.g. per card and per merchant). Checkpoint metadata is keyed by
// the task id alone in its own column family.
//
// Lifecycle: openTask -> attach caches -> restore() -> process and
// checkpoint() -> destroy caches -> destroy TaskState.
//
// Threading: a TaskState and its caches belong to one thread (the task's).
// Different TaskStates of one store may run on different threads.
#pragma once

#include "state/checkpoint_meta.h"
#include "state/state_store.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace kappa::state {

// What TaskState needs from a cache to checkpoint it; implemented by KeyedState.
class StateCache
{
public:
    virtual ~StateCache() = default;
    // Adds a put for each dirty entry and a delete for each erased one.
    virtual void collectDirty(CheckpointBatch &batch) = 0;
    // The batch from collectDirty is durable: dirty entries become clean (evictable).
    virtual void markCheckpointed() = 0;
    // Drops every entry, dirty ones too: the cache then reads what the store holds.
    virtual void discard() = 0;
};

class TaskState
{
public:
    ~TaskState();
    TaskState(const TaskState &) = delete;
    TaskState &operator=(const TaskState &) = delete;

    TaskId id() const { return m_id; }
    StateStore &store() const { return *m_store; }
    // The store key prefix of one keyed table of this task (see the layout above).
    std::string keyPrefix(std::uint8_t table) const;
    // The same for any task, for readers of a (read-only) store without a TaskState.
    static std::string keyPrefixOf(TaskId task, std::uint8_t table);
    // The prefix of every state key of a task (all its tables).
    static std::string namespaceOf(TaskId task);

    // Registers a cache for a table (done by KeyedState::create); AlreadyExists
    // if the table has one. The cache must detach before it is destroyed.
    Status attach(std::uint8_t table, StateCache *cache);
    void detach(std::uint8_t table);

    // Discards all cached entries (uncheckpointed changes are lost) and returns
    // the last checkpoint's metadata, nullopt before the first. The caller
    // then replays its inputs from the returned positions. Must be called
    // before the first checkpoint().
    Result<std::optional<CheckpointMeta>> restore();

    // Writes the dirty entries of every attached cache and meta in one atomic,
    // synced write, then marks the entries clean. meta.sequence is assigned
    // here (previous + 1) and returned. FailedPrecondition before restore();
    // on failure the caches keep their dirty entries and the store is failed.
    Result<std::uint64_t> checkpoint(CheckpointMeta meta);

    // Calls visit(key, value) for every committed key of one keyed table of
    // this task, in key order, with the task/table prefix stripped from the
    // key; stops early (ok) when visit returns false. Sees what the last
    // checkpoint wrote, not the caches' uncheckpointed changes. See
    // StateStore::scan for the rest of the contract.
    Status scan(std::uint8_t table,
                const std::function<bool(std::string_view key, std::string_view value)> &visit) const;

    // Sequence of the last checkpoint restored or written (0: none).
    std::uint64_t lastSequence() const { return m_sequence; }

private:
    friend class StateStore;
    TaskState(std::shared_ptr<StateStore> store, TaskId id);

    std::shared_ptr<StateStore> m_store;
    const TaskId m_id;
    bool m_restored = false;
    std::uint64_t m_sequence = 0;
    std::map<std::uint8_t, StateCache *> m_caches; // not owned
};

} // namespace kappa::state
