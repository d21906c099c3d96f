// KeyValueView: a serving view of one job version in its own RocksDB
// database (e.g. <data>/views/user_features@v1), key -> (position, row bytes).
//
// Contracts:
// - Views never go backwards: a write whose position is older than the stored
//   row's is ignored (see view_position.h; an equal position overwrites, which
//   is what replaying the same event produces). The rule is applied by a
//   RocksDB merge operator, so writers never read before writing, and it
//   holds however writes from a crashed and a restarted run interleave.
// - Writes are not synced: a view is derived data. After a crash the job
//   restores its checkpoint and replays the suffix, rewriting what was lost.
//   sync() makes the writes so far durable; the runtime calls it before it
//   commits a checkpoint, so the view is never behind the checkpointed state.
// - openReadOnly() opens a view that another process may be writing; it sees
//   the view as of open, and write() and sync() fail with FailedPrecondition.
// - destroy() removes the view entirely; a replay from offset zero rebuilds
//   it identically.
// - Threading: all methods are thread-safe (RocksDB's own guarantees).
#pragma once

#include "kappa/status.h"
#include "views/view_position.h"

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kappa::views {

struct ViewWrite
{
    std::string_view key;
    ViewPosition position;
    std::string_view row;
};

struct ViewRow
{
    ViewPosition position;
    std::string row;
};

class KeyValueView
{
public:
    // Opens or creates the view database in `dir`.
    static Result<std::unique_ptr<KeyValueView>> open(const std::string &dir);
    // Opens the view in `dir` for reading, beside a writer if there is one
    // (RocksDB's read-only mode takes no lock). NotFound if there is no view.
    static Result<std::unique_ptr<KeyValueView>> openReadOnly(const std::string &dir);
    // Deletes the view database in `dir`; ok if it does not exist.
    static Status destroy(const std::string &dir);

    ~KeyValueView();
    KeyValueView(const KeyValueView &) = delete;
    KeyValueView &operator=(const KeyValueView &) = delete;

    // Applies the writes in one atomic batch (each subject to the position rule).
    Status write(std::span<const ViewWrite> writes);
    // Returns once every write that returned before the call is durable (one
    // fsync of RocksDB's WAL). A failure means the view's state on disk is
    // unknown: the caller must not commit a checkpoint that relies on it.
    Status sync();
    // The row for `key`, or none.
    Result<std::optional<ViewRow>> get(std::string_view key) const;
    // Calls `visit` for every row in key order; stops early (ok) if it returns false.
    Status forEach(const std::function<bool(std::string_view key, const ViewRow &row)> &visit) const;
    // Estimated keys and bytes on disk and in memory.
    std::uint64_t approximateKeys() const;
    std::uint64_t approximateBytes() const;

private:
    struct Impl;
    explicit KeyValueView(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace kappa::views
