#include "views/score_cache.h"

namespace kappa::views {

ScoreCache::Shard &ScoreCache::shardFor(std::int64_t id) const
{
    // Ids are dense small integers; a multiplicative hash spreads neighbours over shards.
    const auto mixed = static_cast<std::uint64_t>(id) * 0x9E3779B97F4A7C15ull;
    return m_shards[(mixed >> 58) % kShards];
}

std::size_t ScoreCache::write(std::span<const ScoreWrite> writes)
{
    std::size_t changed = 0;
    for (const ScoreWrite &w : writes) {
        Shard &shard = shardFor(w.id);
        std::unique_lock lock(shard.mutex);
        auto [it, inserted] = shard.rows.try_emplace(w.id);
        if (!inserted && w.position < it->second.position)
            continue;
        it->second.position = w.position;
        it->second.row = w.row;
        ++changed;
    }
    return changed;
}

std::optional<ScoreRow> ScoreCache::get(std::int64_t id) const
{
    const Shard &shard = shardFor(id);
    std::shared_lock lock(shard.mutex);
    const auto it = shard.rows.find(id);
    if (it == shard.rows.end())
        return std::nullopt;
    return it->second;
}

std::map<std::int64_t, ScoreRow> ScoreCache::snapshot() const
{
    std::map<std::int64_t, ScoreRow> all;
    for (const Shard &shard : m_shards) {
        std::shared_lock lock(shard.mutex);
        all.insert(shard.rows.begin(), shard.rows.end());
    }
    return all;
}

std::size_t ScoreCache::size() const
{
    std::size_t total = 0;
    for (const Shard &shard : m_shards) {
        std::shared_lock lock(shard.mutex);
        total += shard.rows.size();
    }
    return total;
}

void ScoreCache::clear()
{
    for (Shard &shard : m_shards) {
        std::unique_lock lock(shard.mutex);
        shard.rows.clear();
    }
}

} // namespace kappa::views
