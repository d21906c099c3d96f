// StateStore: the durable keyed state of one job version, one RocksDB
// database in a directory of its own (e.g. <data>/state/user_features@v1).
// Several tasks (job version x partition) share it, each in its own key
// namespace (see TaskState). RocksDB stays inside state_store.cpp: nothing in
// this header, or any other of this module, names a RocksDB type.
//
// Durability contract: the store is written only by commit(), one synced
// atomic batch holding a task's dirty state and its checkpoint metadata.
// Nothing written between checkpoints reaches the database, so after a crash
// the store holds exactly the state of each task's last checkpoint.
//
// Errors: RocksDB errors become Corruption (checksums, bad files), Internal
// (I/O), ResourceExhausted (disk full), Unavailable (busy, lock held),
// InvalidArgument/NotFound (bad directory). A failed commit is fatal: the
// store enters the failed state and every later call returns health().
//
// Threading: every StateStore method is thread-safe. Tasks on different
// threads share one store through std::shared_ptr.
#pragma once

#include "kappa/status.h"
#include "state/checkpoint_meta.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::state {

class Changelog;
class TaskState;

struct StoreOptions
{
    // Checkpoints kept in checkpointStats().recent; older ones only count.
    std::size_t checkpointHistory = 1000;
    // False: open() fails with NotFound when the store does not exist yet.
    bool createIfMissing = true;
    // Opens the store for reading only, also while another process has it
    // open for writing (RocksDB's read-only mode takes no lock). The store
    // shows the state committed as of open() (reopen to see later
    // checkpoints); openTask, commit and flush fail with FailedPrecondition.
    // NotFound if the store does not exist (createIfMissing is ignored), or
    // is still being created (a writer killed then leaves it so until its
    // next open): either way it holds no checkpoint.
    bool readOnly = false;
    // Test seam (after the engine's fault-injecting FileSystem): called before
    // every file sync RocksDB makes; returning true fails that sync with an
    // I/O error, as a failing disk would. Called on RocksDB's threads too.
    std::function<bool()> failSync;
    // Where every commit() also publishes its checkpoint, first (see
    // changelog.h); nullptr: nowhere. Shared by the store's tasks.
    std::shared_ptr<Changelog> changelog;
};

// One committed checkpoint, as measured by the store.
struct CheckpointRecord
{
    TaskId task;
    std::uint64_t sequence = 0;
    std::int64_t durationMicros = 0; // from newBatch() to durable: serializing dirty state + write
    std::int64_t writeMicros = 0;    // the synced RocksDB write alone
    std::uint64_t bytes = 0;         // size of the write batch
    std::uint64_t keysWritten = 0;   // puts of state entries
    std::uint64_t keysDeleted = 0;   // tombstones of erased entries
};

struct CheckpointStats
{
    std::uint64_t count = 0;
    std::uint64_t totalBytes = 0;
    std::uint64_t totalKeys = 0;          // written + deleted
    std::vector<CheckpointRecord> recent; // oldest first
};

// RocksDB's own estimates for the keyed state, plus the checkpoint metadata's bytes.
struct StoreSize
{
    std::uint64_t liveDataBytes = 0; // rocksdb.estimate-live-data-size (flushed data only)
    std::uint64_t sstFileBytes = 0;  // rocksdb.total-sst-files-size
    std::uint64_t memtableBytes = 0; // rocksdb.cur-size-all-mem-tables
    std::uint64_t estimatedKeys = 0; // rocksdb.estimate-num-keys
    std::uint64_t metadataBytes = 0; // checkpoint metadata and blobs (SST + memtable)
    std::uint64_t bytes() const { return sstFileBytes + memtableBytes + metadataBytes; }
};

// The writes of one checkpoint, collected by the caches of a task and
// committed by StateStore::commit. Keys are full store keys (TaskState's
// prefix included). Owned and used by one thread.
class CheckpointBatch
{
public:
    ~CheckpointBatch();
    CheckpointBatch(CheckpointBatch &&) noexcept;
    CheckpointBatch &operator=(CheckpointBatch &&) noexcept;

    void put(std::string_view key, std::string_view value);
    void erase(std::string_view key);
    std::uint64_t puts() const { return m_puts; }
    std::uint64_t deletes() const { return m_deletes; }

private:
    friend class StateStore;
    struct Impl;
    explicit CheckpointBatch(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
    std::chrono::steady_clock::time_point m_created = std::chrono::steady_clock::now();
    std::uint64_t m_puts = 0;
    std::uint64_t m_deletes = 0;
};

class StateStore : public std::enable_shared_from_this<StateStore>
{
public:
    // Opens (by default creating) the store in dir. Unavailable if another
    // process has it open. The store closes when the last shared_ptr goes.
    static Result<std::shared_ptr<StateStore>> open(const std::string &dir, const StoreOptions &options = {});
    // Deletes a closed store and its directory: drops a job version's state.
    // Ok if dir does not exist; FailedPrecondition if dir holds foreign files.
    static Status destroy(const std::string &dir);

    ~StateStore();
    StateStore(const StateStore &) = delete;
    StateStore &operator=(const StateStore &) = delete;

    // Claims the namespace of one task; AlreadyExists while another
    // TaskState for the same id is alive. The TaskState keeps the store open.
    // FailedPrecondition if the store is readOnly (a task exists to checkpoint).
    Result<std::unique_ptr<TaskState>> openTask(TaskId task);

    // The task's last committed checkpoint metadata, nullopt before the first.
    Result<std::optional<CheckpointMeta>> lastCheckpoint(TaskId task) const;

    // Point read of a state key (full key). Sets *found; value is reused as a buffer.
    Status get(std::string_view key, std::string *value, bool *found) const;

    // Calls visit(key, value) for every committed state key (full key) that
    // starts with `prefix`, in key order (bytewise), from one consistent
    // snapshot; stops early, returning ok, when visit returns false. The
    // views are valid only during the call. Uncheckpointed cache contents are
    // not visible. An empty prefix visits every state key.
    Status scan(std::string_view prefix,
                const std::function<bool(std::string_view key, std::string_view value)> &visit) const;

    // An empty batch for commit().
    CheckpointBatch newBatch() const;

    // Writes batch and the task's metadata in one synced, atomic write. On
    // failure the store enters the failed state (see the file comment).
    // FailedPrecondition (not a failure of the store) if it is readOnly.
    Status commit(TaskId task, const CheckpointMeta &meta, CheckpointBatch &batch);

    // Replaces everything the store holds for one task (its state keys and
    // checkpoint metadata) with `meta` and `entries` (full store keys of that
    // task, value), in one synced atomic write: how a task taken over from
    // another process gets the state of that process's last checkpoint.
    // Nothing is published to the changelog. FailedPrecondition while the
    // task is open or the store is readOnly; InvalidArgument for a key
    // outside the task's namespace.
    Status replaceTask(TaskId task, const CheckpointMeta &meta,
                       std::span<const std::pair<std::string, std::string>> entries);

    // Flushes memtables to SST files (a clean shutdown; faster reopen).
    // FailedPrecondition if the store is readOnly.
    Status flush();

    // Ok, or the failure that made the store unusable.
    Status health() const;
    CheckpointStats checkpointStats() const;
    Result<StoreSize> size() const;
    const std::string &dir() const { return m_dir; }
    // True when every checkpoint is also published to a changelog, from which
    // another process may take a task over (StoreOptions::changelog).
    bool handsStateOver() const { return m_options.changelog != nullptr; }

private:
    friend class TaskState;
    struct Db;
    StateStore(std::string dir, StoreOptions options, std::unique_ptr<Db> db);
    Status fail(Status status);
    Status checkWritable() const;
    void releaseTask(TaskId task);
    void record(const CheckpointRecord &record);

    const std::string m_dir;
    const StoreOptions m_options;
    std::unique_ptr<Db> m_db;

    std::atomic<bool> m_failed{false};
    mutable std::mutex m_mutex; // guards everything below
    Status m_failure;
    std::set<std::uint32_t> m_openTasks;
    CheckpointStats m_stats; // m_stats.recent is filled from m_history on read
    std::deque<CheckpointRecord> m_history;
};

} // namespace kappa::state
