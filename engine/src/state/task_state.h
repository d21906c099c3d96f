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
// checkpoint() (or beginCheckpoint() ... finishCheckpoint()) -> destroy
// caches -> destroy TaskState.
//
// Threading: a TaskState and its caches belong to one thread (the task's).
// Different TaskStates of one store may run on different threads. The commit
// of a begun checkpoint runs on a thread of its own (or, if none can be
// started, on the caller's), which touches only the store and what
// beginCheckpoint handed it, never the caches.
#pragma once

#include "state/checkpoint_meta.h"
#include "state/state_store.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace kappa::state {

// What TaskState needs from a cache to checkpoint it; implemented by KeyedState.
class StateCache
{
public:
    virtual ~StateCache() = default;
    // Adds a put for each dirty entry and a delete for each erased one.
    virtual void collectDirty(CheckpointBatch &batch) = 0;
    // The batch from collectDirty is durable: the entries it collected become
    // clean (evictable) unless they were written again since.
    virtual void markCheckpointed() = 0;
    // The batch from collectDirty was not committed: its entries are dirty again.
    virtual void checkpointFailed() = 0;
    // Drops every entry, dirty ones too: the cache then reads what the store holds.
    virtual void discard() = 0;
};

// A begun checkpoint that has become durable.
struct CompletedCheckpoint
{
    std::uint64_t sequence = 0;
    std::chrono::steady_clock::duration duration{}; // from beginCheckpoint until durable
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
    // A begun checkpoint is finished first (its error, if any, is returned).
    Result<std::uint64_t> checkpoint(CheckpointMeta meta);

    // The same in two halves, so that the task goes on processing while the
    // write is synced (a synced write of a large batch takes tens of ms).
    // beginCheckpoint collects the dirty entries on the calling thread (the
    // caches' owner) and starts a thread that calls beforeCommit (which makes
    // the task's outputs durable; it must be safe to call from that thread)
    // and, if it succeeds, commits (on the calling thread if no thread can be
    // started). Until finishCheckpoint the collected entries stay cached (the
    // store does not hold them yet). One at a time:
    // FailedPrecondition while one is pending or before restore().
    Status beginCheckpoint(CheckpointMeta meta, std::function<Status()> beforeCommit);
    bool checkpointPending() const { return m_pending.has_value(); }
    // Finishes the begun checkpoint once its commit is done (with wait, after
    // waiting for it): nullopt if none is pending or it is still running. On
    // failure (beforeCommit's error, or the commit's, which fails the store)
    // the collected entries are dirty again and the error is returned.
    Result<std::optional<CompletedCheckpoint>> finishCheckpoint(bool wait);

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

    struct CommitOutcome
    {
        Status status;
        std::chrono::steady_clock::time_point finished;
    };
    struct Pending
    {
        std::uint64_t sequence = 0;
        std::chrono::steady_clock::time_point begun;
        std::future<CommitOutcome> committed;
        std::jthread worker; // runs the commit; joined when the checkpoint is finished
    };

    // Checks the preconditions, assigns meta.sequence and collects the caches' dirty entries.
    Result<CheckpointBatch> collect(CheckpointMeta &meta);
    // Marks the collected entries clean (ok) or dirty again (an error).
    Status settle(const Status &committed, std::uint64_t sequence);

    std::shared_ptr<StateStore> m_store;
    const TaskId m_id;
    bool m_restored = false;
    std::uint64_t m_sequence = 0;
    std::map<std::uint8_t, StateCache *> m_caches; // not owned
    std::optional<Pending> m_pending;
};

} // namespace kappa::state
