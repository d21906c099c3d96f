// KeyedState<A>: the write-back cache of one task's typed aggregates for one
// keyed table, in front of the task's StateStore.
//
// Contract:
// - Reads hit the cache; a miss reads the store once and parses (or finds
//   nothing). Writes stay in the cache until TaskState::checkpoint() writes
//   every dirty entry in one batch, so no event costs a RocksDB write and the
//   store only ever holds checkpointed state (what exactly-once recovery needs).
// - Memory is bounded by `capacity` entries: beyond it, the least recently
//   used clean entries are evicted (and reloaded from the store on the next
//   access). Dirty entries are never evicted, so between two checkpoints the
//   cache may exceed its capacity by the number of keys written.
// - A pointer returned by getOrCreate or find stays valid until the next
//   non-const call on this cache or a checkpoint/restore of its task.
//
// Threading: not thread-safe; owned by the task's thread, like its TaskState.
#pragma once

#include "kappa/status.h"
#include "state/state_store.h"
#include "state/task_state.h"

#include <concepts>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kappa::state {

// An aggregate stored per key: default-constructible (the value of a new
// key), serializable, and parseable from what serialize wrote.
template<typename A>
concept Aggregate = std::default_initializable<A> && std::movable<A> && requires(const A &a, std::string &out,
                                                                                 std::string_view in)
{
    {
        a.serialize(out)
        } -> std::same_as<void>;
    {
        A::parse(in)
        } -> std::same_as<Result<A>>;
};

struct CacheStats
{
    std::size_t entries = 0; // cached keys, absent and erased ones included
    std::size_t dirty = 0;
    std::size_t capacity = 0;
    std::uint64_t hits = 0;
    std::uint64_t misses = 0; // each one a store read
    std::uint64_t evictions = 0;
    double hitRate() const { return hits + misses == 0 ? 0.0 : double(hits) / double(hits + misses); }
};

template<Aggregate A>
class KeyedState final : public StateCache
{
public:
    // A cache for keyed table `table` of task; capacity >= 1 entries. The
    // cache must be destroyed before task.
    static Result<std::unique_ptr<KeyedState>> create(TaskState &task, std::uint8_t table,
                                                      std::size_t capacity)
    {
        if (capacity == 0)
            return Status::invalidArgument("keyed state capacity must be at least 1");
        std::unique_ptr<KeyedState> state(new KeyedState(task, table, capacity));
        KAPPA_RETURN_IF_ERROR(task.attach(table, state.get()));
        state->m_attached = true;
        return state;
    }

    ~KeyedState() override
    {
        if (m_attached)
            m_task.detach(m_table);
    }
    KeyedState(const KeyedState &) = delete;
    KeyedState &operator=(const KeyedState &) = delete;

    // The aggregate for key, default-constructed if neither the cache nor the
    // store has it. Marks it dirty: the caller is expected to modify it.
    // Corruption if the stored value does not parse.
    Result<A *> getOrCreate(std::string_view key)
    {
        KAPPA_ASSIGN_OR_RETURN(Entry * entry, lookup(key));
        if (!entry->value)
            entry->value.emplace();
        makeDirty(*entry);
        return &*entry->value;
    }

    // The aggregate for key or nullptr if there is none; does not mark dirty.
    Result<const A *> find(std::string_view key)
    {
        KAPPA_ASSIGN_OR_RETURN(Entry * entry, lookup(key));
        return entry->value ? &*entry->value : nullptr;
    }

    // Removes key; the store deletes it at the next checkpoint. Never reads the store.
    void erase(std::string_view key)
    {
        auto it = m_entries.find(key);
        if (it == m_entries.end())
            it = insertClean(key, std::nullopt);
        else if (!it->second.dirty && !it->second.value)
            return; // known absent from the store and the cache
        it->second.value.reset();
        makeDirty(it->second);
    }

    CacheStats stats() const
    {
        return {m_entries.size(), m_dirty.size(), m_capacity, m_hits, m_misses, m_evictions};
    }

    void collectDirty(CheckpointBatch &batch) override
    {
        for (Entry *entry : m_dirty) {
            m_keyBuffer.assign(m_prefix).append(*entry->key);
            if (entry->value) {
                m_valueBuffer.clear();
                entry->value->serialize(m_valueBuffer);
                batch.put(m_keyBuffer, m_valueBuffer);
            } else {
                batch.erase(m_keyBuffer);
            }
        }
    }

    void markCheckpointed() override
    {
        for (Entry *entry : m_dirty) {
            entry->dirty = false;
            entry->cleanPos = m_clean.insert(m_clean.begin(), entry);
        }
        m_dirty.clear();
        evictDownTo(m_capacity);
    }

    void discard() override
    {
        m_clean.clear();
        m_dirty.clear();
        m_entries.clear();
    }

private:
    struct Entry
    {
        // nullopt: the key has no aggregate (clean: not in the store; dirty: erased).
        std::optional<A> value;
        bool dirty = false;
        typename std::list<Entry *>::iterator cleanPos; // position in m_clean while clean
        const std::string *key = nullptr;               // the map's key of this entry
    };
    struct Hash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    using Map = std::unordered_map<std::string, Entry, Hash, std::equal_to<>>;

    KeyedState(TaskState &task, std::uint8_t table, std::size_t capacity)
        : m_task(task)
        , m_table(table)
        , m_capacity(capacity)
        , m_prefix(task.keyPrefix(table))
    {}

    // The cached entry for key, loaded from the store on a miss.
    Result<Entry *> lookup(std::string_view key)
    {
        if (auto it = m_entries.find(key); it != m_entries.end()) {
            ++m_hits;
            if (!it->second.dirty)
                m_clean.splice(m_clean.begin(), m_clean, it->second.cleanPos);
            return &it->second;
        }
        ++m_misses;
        m_keyBuffer.assign(m_prefix).append(key);
        bool found = false;
        KAPPA_RETURN_IF_ERROR(m_task.store().get(m_keyBuffer, &m_valueBuffer, &found));
        std::optional<A> value;
        if (found) {
            Result<A> parsed = A::parse(m_valueBuffer);
            if (!parsed.isOk())
                return parsed.status().withContext("state of task " + std::to_string(m_task.id().value())
                                                   + " table " + std::to_string(m_table) + " in "
                                                   + m_task.store().dir());
            value = std::move(parsed).value();
        }
        // Evict before inserting, so the entry returned to the caller is never the victim.
        evictDownTo(m_capacity - 1);
        return &insertClean(key, std::move(value))->second;
    }

    typename Map::iterator insertClean(std::string_view key, std::optional<A> value)
    {
        auto it = m_entries.try_emplace(std::string(key)).first;
        Entry &entry = it->second;
        entry.value = std::move(value);
        entry.key = &it->first;
        entry.cleanPos = m_clean.insert(m_clean.begin(), &entry);
        return it;
    }

    void makeDirty(Entry &entry)
    {
        if (entry.dirty)
            return;
        m_clean.erase(entry.cleanPos);
        entry.dirty = true;
        m_dirty.push_back(&entry);
    }

    // Evicts least recently used clean entries until at most `limit` entries remain or none is clean.
    void evictDownTo(std::size_t limit)
    {
        while (m_entries.size() > limit && !m_clean.empty()) {
            const Entry *victim = m_clean.back();
            m_clean.pop_back();
            m_entries.erase(m_entries.find(*victim->key));
            ++m_evictions;
        }
    }

    TaskState &m_task;
    const std::uint8_t m_table;
    const std::size_t m_capacity;
    const std::string m_prefix;
    bool m_attached = false;

    // Invariant: every entry is either in m_clean (exactly once, !dirty) or in m_dirty (exactly once, dirty).
    Map m_entries;
    std::list<Entry *> m_clean; // most recently used first
    std::vector<Entry *> m_dirty;

    std::string m_keyBuffer; // reused to avoid an allocation per miss
    std::string m_valueBuffer;
    std::uint64_t m_hits = 0;
    std::uint64_t m_misses = 0;
    std::uint64_t m_evictions = 0;
};

} // namespace kappa::state
