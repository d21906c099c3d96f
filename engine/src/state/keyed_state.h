// KeyedState<A>: the write-back cache of one task's typed aggregates for one
// keyed table, in front of the task's StateStore.
//
// Contract:
// - Reads hit the cache; a miss reads the store once and parses (or finds
//   nothing). Writes stay in the cache until TaskState::checkpoint() writes
//   every dirty entry in one batch, so no event costs a RocksDB write and the
//   store only ever holds checkpointed state (what exactly-once recovery needs).
// - A checkpoint collects the dirty entries (they become "in flight") and may
//   commit them in the background while the task goes on; an in-flight entry
//   may be modified (it becomes dirty again) but is not evicted until the
//   commit is durable, because the store does not hold its value before.
// - Memory is bounded by `capacity` entries: beyond it, the least recently
//   used clean entries are evicted (and reloaded from the store on the next
//   access). Dirty and in-flight entries are never evicted, so the cache may
//   exceed its capacity by the keys written since the last durable checkpoint.
// - A pointer returned by getOrCreate or find stays valid until the next
//   non-const call on this cache or a checkpoint/restore of its task.
//
// Threading: not thread-safe; owned by the task's thread, like its TaskState.
//
// Cost (why it is built this way): a hit is one hash of the key, one probe of
// an open-addressing index and, for a clean entry, an O(1) move to the front
// of an intrusive LRU list; nothing is allocated per key (entries live in
// huge-page-sized chunks and evicted ones are reused). A checkpoint writes the
// dirty entries in key order, which RocksDB's memtable inserts much faster
// than random order.
#pragma once

#include "base/mix64.h"
#include "kappa/status.h"
#include "state/state_store.h"
#include "state/task_state.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/mman.h>

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
        KAPPA_ASSIGN_OR_RETURN(const std::uint32_t index, lookup(key));
        Entry &entry = entryAt(index);
        if (!entry.hasValue) {
            if (entry.stale)
                entry.value = A{};
            entry.hasValue = true;
            entry.stale = false;
        }
        makeDirty(index);
        return &entry.value;
    }

    // The aggregate for key or nullptr if there is none; does not mark dirty.
    Result<const A *> find(std::string_view key)
    {
        KAPPA_ASSIGN_OR_RETURN(const std::uint32_t index, lookup(key));
        const Entry &entry = entryAt(index);
        return entry.hasValue ? &entry.value : nullptr;
    }

    // Removes key; the store deletes it at the next checkpoint. Never reads the store.
    void erase(std::string_view key)
    {
        const std::uint64_t hash = hashOf(key);
        std::uint32_t index = findEntry(key, hash);
        if (index == kNil)
            index = insertClean(key, hash, std::nullopt);
        else if (entryAt(index).state == EntryState::Clean && !entryAt(index).hasValue)
            return; // known absent from the store and the cache
        entryAt(index).hasValue = false;
        entryAt(index).stale = true;
        makeDirty(index);
    }

    // Announces a key that will be looked up soon. A lookup of a key out of
    // the CPU's caches waits for memory reads in turn: its index slot, then
    // its entry, then the parts of the aggregate the caller uses. Announced a
    // few events ahead, they overlap with the work in between instead. This
    // fetches the index slot of key, and the entry of the key announced
    // kPrefetchLag calls ago (whose slot is cached by now) together with what
    // A::prefetch(hint) names of its aggregate, if A has that member: `hint`
    // is for A to interpret (user_features: the event's time).
    // Only a hint: it changes nothing a lookup returns.
    void prefetch(std::string_view key, std::int64_t hint = 0)
    {
        if (m_slots.empty())
            return;
        const auto hashLow = static_cast<std::uint32_t>(hashOf(key));
        __builtin_prefetch(&m_slots[hashLow & (m_slots.size() - 1)]);
        const Announced earlier = std::exchange(m_announced[m_nextAnnounced], {hashLow, hint});
        m_nextAnnounced = (m_nextAnnounced + 1) % kPrefetchLag;
        prefetchEntry(earlier);
    }

    CacheStats stats() const { return {m_size, m_dirty.size(), m_capacity, m_hits, m_misses, m_evictions}; }

    void collectDirty(CheckpointBatch &batch) override
    {
        assert(m_inFlight.empty() && "one checkpoint at a time");
        // In key order: RocksDB's memtable (a skip list) remembers where the
        // previous insert went, so ascending keys insert in near-constant time
        // instead of a full search each, which dominated large checkpoints.
        for (std::uint32_t index : dirtyByKey()) {
            Entry &entry = entryAt(index);
            entry.state = EntryState::InFlight;
            m_keyBuffer.assign(m_prefix).append(entry.key);
            if (entry.hasValue) {
                m_valueBuffer.clear();
                entry.value.serialize(m_valueBuffer);
                batch.put(m_keyBuffer, m_valueBuffer);
            } else {
                batch.erase(m_keyBuffer);
            }
        }
        m_inFlight = std::move(m_dirty);
        m_dirty.clear();
    }

    void markCheckpointed() override
    {
        // Entries written again since they were collected stay dirty.
        for (std::uint32_t index : m_inFlight) {
            if (entryAt(index).state == EntryState::InFlight) {
                entryAt(index).state = EntryState::Clean;
                linkFront(index);
            }
        }
        m_inFlight.clear();
        evictDownTo(m_capacity);
    }

    void checkpointFailed() override
    {
        for (std::uint32_t index : m_inFlight) {
            if (entryAt(index).state == EntryState::InFlight) {
                entryAt(index).state = EntryState::Dirty;
                m_dirty.push_back(index);
            }
        }
        m_inFlight.clear();
    }

    void discard() override
    {
        m_entries.clear();
        m_free.clear();
        m_slots.clear();
        m_size = 0;
        m_dirty.clear();
        m_inFlight.clear();
        m_head = m_tail = kNil;
    }

private:
    // Entries live in chunks (see Chunks), addressed by a 32-bit index that
    // the hash index, the LRU links and the dirty list use instead of
    // pointers: no allocation per key (evicted entries are reused), no move of
    // an aggregate when the cache grows, and half-size links.
    static constexpr std::uint32_t kNil = 0xffffffff;

    enum class EntryState : std::uint8_t {
        Clean,    // the store holds this value (or, without one, nothing): evictable
        Dirty,    // changed since it was last collected for a checkpoint
        InFlight, // collected by a checkpoint whose commit is not durable yet
    };

    // What a lookup reads (key, hash, links, state) comes first: one or two
    // cache lines. Entries are not aligned to lines on purpose: a stride of a
    // power of two maps the same field of every entry to a few cache sets,
    // which measured about 10 % slower. The aggregate is held in place, so
    // its address is known before the entry is read (see prefetch). Without
    // hasValue it is A{} in a new entry and, if stale, what an erased or
    // evicted key left (released only when the entry is used again:
    // getOrCreate resets it).
    struct Entry
    {
        std::string key;
        std::uint64_t hash = 0;
        std::uint32_t prev = kNil; // LRU neighbours while clean (prev = more recently used)
        std::uint32_t next = kNil;
        EntryState state = EntryState::Clean;
        // false: the key has no aggregate (clean: not in the store; dirty: erased).
        bool hasValue = false;
        bool stale = false; // !hasValue and value is not A{}
        A value{};
    };

    // Chunks of at least a huge page (2 MiB) of entries, each entry
    // constructed when it is first handed out, so an unused tail costs no
    // memory. Chunks are huge-page aligned, and from the second one on (a
    // large table; small ones keep their 4 KiB pages and small footprint)
    // advised as huge pages: the entries of a large table are accessed at
    // random, and with 4 KiB pages nearly every lookup would also miss the TLB.
    class Chunks
    {
    public:
        Chunks() = default;
        Chunks(const Chunks &) = delete;
        Chunks &operator=(const Chunks &) = delete;
        ~Chunks() { clear(); }

        Entry &operator[](std::uint32_t index) const
        {
            return m_chunks[index >> kChunkBits][index & (kChunkSize - 1)];
        }
        // Constructs a new entry; returns its index.
        std::uint32_t emplace()
        {
            if ((m_size & (kChunkSize - 1)) == 0)
                m_chunks.push_back(allocate(!m_chunks.empty()));
            new (&m_chunks.back()[m_size & (kChunkSize - 1)]) Entry();
            return m_size++;
        }
        void clear()
        {
            for (std::uint32_t i = 0; i < m_size; ++i)
                (*this)[i].~Entry();
            for (Entry *chunk : m_chunks)
                ::operator delete(chunk, std::align_val_t(kHugePage));
            m_chunks.clear();
            m_size = 0;
        }

    private:
        static constexpr std::size_t kHugePage = std::size_t{2} << 20;
        static constexpr unsigned chunkBits()
        {
            unsigned bits = 0;
            while ((std::size_t{1} << bits) * sizeof(Entry) < kHugePage)
                ++bits;
            return bits;
        }
        static constexpr unsigned kChunkBits = chunkBits();
        static constexpr std::uint32_t kChunkSize = std::uint32_t{1} << kChunkBits;
        static constexpr std::size_t kChunkBytes = std::size_t{kChunkSize} * sizeof(Entry);

        static Entry *allocate(bool hugePages)
        {
            void *chunk = ::operator new(kChunkBytes, std::align_val_t(kHugePage));
#ifdef MADV_HUGEPAGE
            // Advice only: without transparent huge pages this changes nothing.
            if (hugePages)
                ::madvise(chunk, kChunkBytes, MADV_HUGEPAGE);
#else
            (void) hugePages;
#endif
            return static_cast<Entry *>(chunk);
        }

        std::vector<Entry *> m_chunks;
        std::uint32_t m_size = 0; // entries constructed
    };

    // Open addressing with linear probing and backward-shift deletion. The
    // low 32 bits of the hash pick the home slot and filter candidates before
    // the key (in the entry, another cache line) is compared.
    struct Slot
    {
        std::uint32_t hashLow = 0;
        std::uint32_t entry = kNil;
    };

    KeyedState(TaskState &task, std::uint8_t table, std::size_t capacity)
        : m_task(task)
        , m_table(table)
        , m_capacity(capacity)
        , m_prefix(task.keyPrefix(table))
    {}

    // Keys of 8 bytes (the pipelines' entity ids) get one mix of their bytes,
    // which costs a few cycles against std::hash's loop; hashes never leave memory.
    static std::uint64_t hashOf(std::string_view key)
    {
        if (key.size() == sizeof(std::uint64_t)) {
            std::uint64_t word = 0;
            std::memcpy(&word, key.data(), sizeof word);
            return base::mix64(word);
        }
        return std::hash<std::string_view>{}(key);
    }

    Entry &entryAt(std::uint32_t index)
    {
        return m_entries[index];
    }
    const Entry &entryAt(std::uint32_t index) const
    {
        return m_entries[index];
    }

    // The slot holding key, or the empty slot where its probe ends.
    std::size_t probe(std::string_view key, std::uint64_t hash) const
    {
        const std::size_t mask = m_slots.size() - 1;
        const auto low = static_cast<std::uint32_t>(hash);
        for (std::size_t i = low & mask;; i = (i + 1) & mask) {
            const Slot &slot = m_slots[i];
            if (slot.entry == kNil || (slot.hashLow == low && entryAt(slot.entry).key == key))
                return i;
        }
    }

    struct Announced
    {
        std::uint32_t hashLow = 0;
        std::int64_t hint = 0;
    };

    // Fetches the entry whose hash starts with announced.hashLow (without
    // comparing keys: a wrong guess only costs a fetch), if the first probed
    // slots hold it. Nothing of the entry is read here: that would wait for it.
    void prefetchEntry(const Announced &announced) const
    {
        constexpr int kProbes = 4;
        const std::size_t mask = m_slots.size() - 1;
        std::size_t i = announced.hashLow & mask;
        for (int n = 0; n < kProbes && m_slots[i].entry != kNil; ++n, i = (i + 1) & mask) {
            if (m_slots[i].hashLow == announced.hashLow) {
                const Entry &entry = entryAt(m_slots[i].entry);
                __builtin_prefetch(&entry);
                __builtin_prefetch(&entry.stale); // the bookkeeping's last byte, maybe in the next line
                if constexpr (requires { entry.value.prefetch(announced.hint); })
                    entry.value.prefetch(announced.hint);
                return;
            }
        }
    }

    std::uint32_t findEntry(std::string_view key, std::uint64_t hash) const
    {
        return m_slots.empty() ? kNil : m_slots[probe(key, hash)].entry;
    }

    // The index of the cached entry for key, loaded from the store on a miss.
    Result<std::uint32_t> lookup(std::string_view key)
    {
        const std::uint64_t hash = hashOf(key);
        if (const std::uint32_t index = findEntry(key, hash); index != kNil) {
            ++m_hits;
            if (entryAt(index).state == EntryState::Clean && m_head != index) {
                unlink(index);
                linkFront(index);
            }
            return index;
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
        return insertClean(key, hash, std::move(value));
    }

    // Adds an absent key as the most recently used clean entry; returns its index.
    std::uint32_t insertClean(std::string_view key, std::uint64_t hash, std::optional<A> value)
    {
        if ((m_size + 1) * 2 > m_slots.size())
            rehash(std::max<std::size_t>(16, m_slots.size() * 2));
        std::uint32_t index = kNil;
        if (!m_free.empty()) {
            index = m_free.back();
            m_free.pop_back();
        } else {
            index = m_entries.emplace();
        }
        Entry &entry = entryAt(index);
        entry.key.assign(key);
        if (value) {
            entry.value = std::move(*value);
            entry.stale = false;
        }
        entry.hasValue = value.has_value();
        entry.hash = hash;
        entry.state = EntryState::Clean;
        m_slots[probe(key, hash)] = {static_cast<std::uint32_t>(hash), index};
        ++m_size;
        linkFront(index);
        return index;
    }

    void rehash(std::size_t slots)
    {
        std::vector<Slot> old = std::exchange(m_slots, std::vector<Slot>(slots));
        const std::size_t mask = slots - 1;
        for (const Slot &slot : old) {
            if (slot.entry == kNil)
                continue;
            std::size_t i = slot.hashLow & mask;
            while (m_slots[i].entry != kNil)
                i = (i + 1) & mask;
            m_slots[i] = slot;
        }
    }

    // Removes the slot of an entry; later entries of its probe run move back
    // so that every probe still ends at the first empty slot.
    void removeSlot(const Entry &entry)
    {
        const std::size_t mask = m_slots.size() - 1;
        std::size_t hole = probe(entry.key, entry.hash);
        for (std::size_t i = (hole + 1) & mask; m_slots[i].entry != kNil; i = (i + 1) & mask) {
            const std::size_t home = m_slots[i].hashLow & mask;
            // Movable iff its home is not in (hole, i] (cyclically).
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                m_slots[hole] = m_slots[i];
                hole = i;
            }
        }
        m_slots[hole] = Slot{};
        --m_size;
    }

    void linkFront(std::uint32_t index)
    {
        Entry &entry = entryAt(index);
        entry.prev = kNil;
        entry.next = m_head;
        if (m_head != kNil)
            entryAt(m_head).prev = index;
        m_head = index;
        if (m_tail == kNil)
            m_tail = index;
    }

    void unlink(std::uint32_t index)
    {
        Entry &entry = entryAt(index);
        (entry.prev != kNil ? entryAt(entry.prev).next : m_head) = entry.next;
        (entry.next != kNil ? entryAt(entry.next).prev : m_tail) = entry.prev;
        entry.prev = entry.next = kNil;
    }

    // The dirty entries by key. The first 8 key bytes are copied next to each
    // index (big-endian, so they compare like the bytes) and decide nearly
    // every comparison without touching the scattered entries.
    std::vector<std::uint32_t> dirtyByKey() const
    {
        struct Item
        {
            std::uint64_t head;
            std::uint32_t index;
        };
        std::vector<Item> items;
        items.reserve(m_dirty.size());
        for (std::uint32_t index : m_dirty) {
            const std::string &key = entryAt(index).key;
            std::uint64_t head = 0;
            for (std::size_t i = 0; i < 8; ++i)
                head = (head << 8) | (i < key.size() ? static_cast<unsigned char>(key[i]) : 0u);
            items.push_back({head, index});
        }
        std::sort(items.begin(), items.end(), [this](const Item &a, const Item &b) {
            if (a.head != b.head)
                return a.head < b.head;
            return entryAt(a.index).key < entryAt(b.index).key;
        });
        std::vector<std::uint32_t> sorted;
        sorted.reserve(items.size());
        for (const Item &item : items)
            sorted.push_back(item.index);
        return sorted;
    }

    void makeDirty(std::uint32_t index)
    {
        Entry &entry = entryAt(index);
        if (entry.state == EntryState::Dirty)
            return;
        if (entry.state == EntryState::Clean)
            unlink(index);
        // An in-flight entry stays listed in m_inFlight; markCheckpointed skips it.
        entry.state = EntryState::Dirty;
        m_dirty.push_back(index);
    }

    // Evicts least recently used clean entries until at most `limit` entries remain or none is clean.
    void evictDownTo(std::size_t limit)
    {
        while (m_size > limit && m_tail != kNil) {
            const std::uint32_t victim = m_tail;
            unlink(victim);
            Entry &entry = entryAt(victim);
            removeSlot(entry);
            entry.hasValue = false; // its aggregate's memory is reused by the next key
            entry.stale = true;
            m_free.push_back(victim);
            ++m_evictions;
        }
    }

    TaskState &m_task;
    const std::uint8_t m_table;
    const std::size_t m_capacity;
    const std::string m_prefix;
    bool m_attached = false;

    // Invariant: every entry in the index is in the LRU list (exactly once) if
    // Clean, in m_dirty (exactly once) if Dirty, in m_inFlight if InFlight;
    // m_inFlight may also list entries made Dirty again since they were
    // collected. Free entries are in none of them.
    Chunks m_entries;
    std::vector<std::uint32_t> m_free; // evicted entries, reused first
    std::vector<Slot> m_slots;         // power-of-two size, at most half full
    std::size_t m_size = 0;            // entries in the index
    std::uint32_t m_head = kNil;       // most recently used clean entry
    std::uint32_t m_tail = kNil;       // least recently used clean entry
    std::vector<std::uint32_t> m_dirty;
    std::vector<std::uint32_t> m_inFlight; // collected by the checkpoint being committed

    static constexpr std::size_t kPrefetchLag = 4;
    std::array<Announced, kPrefetchLag> m_announced{}; // the last keys announced
    std::size_t m_nextAnnounced = 0;

    std::string m_keyBuffer; // reused to avoid an allocation per miss
    std::string m_valueBuffer;
    std::uint64_t m_hits = 0;
    std::uint64_t m_misses = 0;
    std::uint64_t m_evictions = 0;
};

} // namespace kappa::state
