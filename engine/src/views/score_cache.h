// ScoreCache: the fraud view of one job version, an in-memory map from an
// entity id (card or merchant) to its latest row, colocated with the serving
// process for microsecond reads. It is disposable by design: it holds nothing
// that the job's checkpointed state (or, failing that, the log) cannot
// rebuild, so it is never written to disk.
//
// Contracts: like every view, it never goes backwards (an older position is
// ignored, an equal one overwrites). snapshot() returns rows in id order.
// Threading: thread-safe; the map is sharded so that readers of different
// ids rarely contend with each other or with the writer.
#pragma once

#include "views/view_position.h"

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace kappa::views {

struct ScoreWrite
{
    std::int64_t id = 0;
    ViewPosition position;
    std::string row;
};

struct ScoreRow
{
    ViewPosition position;
    std::string row;
};

class ScoreCache
{
public:
    // Applies each write under the position rule; returns how many changed a row.
    std::size_t write(std::span<const ScoreWrite> writes);
    std::optional<ScoreRow> get(std::int64_t id) const;
    // Every row, ordered by id (for dumps and comparisons).
    std::map<std::int64_t, ScoreRow> snapshot() const;
    std::size_t size() const;
    void clear();

private:
    static constexpr std::size_t kShards = 64;
    struct Shard
    {
        mutable std::shared_mutex mutex;
        std::unordered_map<std::int64_t, ScoreRow> rows;
    };
    Shard &shardFor(std::int64_t id) const;

    mutable std::array<Shard, kShards> m_shards;
};

} // namespace kappa::views
