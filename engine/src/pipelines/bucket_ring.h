// BucketRing: a fixed number of event-time buckets of a fixed width, the
// building block of every sliding window in the pipelines.
//
// Bucket b covers [b * width, (b + 1) * width) in event time (epoch-aligned, so
// daily buckets are UTC days). Bucket b lives in slot b mod count. A window of
// `count` buckets ending at time asOf covers buckets [cur - count + 1, cur]
// with cur = bucketOf(asOf).
//
// Out-of-order rule: an event goes into its own bucket unless its slot already
// holds a newer bucket; then the event is at least `count` buckets older than
// data already seen, lies outside every window this ring can answer from now
// on, and is ignored. Consequently a slot always holds the newest bucket of its
// residue class together with exactly the events of that bucket, and a window
// query is the exact aggregate of the events in its buckets, whatever the
// order in which they arrived (as long as asOf is at least the newest bucket
// stored, which holds because asOf is the maximum event time seen).
#pragma once

#include "pipelines/wire.h"

#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace kappa::pipelines {

inline std::int64_t floorDiv(std::int64_t a, std::int64_t b)
{
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Sums of amounts wrap around instead of overflowing (undefined behaviour).
// Amounts are unchecked producer input, but only hostile ones (beyond 9.2e16
// dollars in total) get there, and a wrapping sum stays independent of the
// order of its terms, so rows remain a function of the log contents.
inline std::int64_t addWrapping(std::int64_t a, std::int64_t b)
{
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

template<typename T>
class BucketRing
{
public:
    static constexpr std::int64_t kEmpty = std::numeric_limits<std::int64_t>::min();

    BucketRing(int count, std::int64_t widthMs)
        : m_widthMs(widthMs)
        , m_buckets(static_cast<std::size_t>(count), kEmpty)
        , m_values(static_cast<std::size_t>(count))
    {}

    int count() const { return static_cast<int>(m_buckets.size()); }
    std::int64_t widthMs() const { return m_widthMs; }
    std::int64_t bucketOf(std::int64_t tsMs) const { return floorDiv(tsMs, m_widthMs); }

    // The value of the bucket holding tsMs, reset if its slot held an older
    // bucket; nullptr if the slot holds a newer bucket (the event is too old).
    T *slotFor(std::int64_t tsMs)
    {
        const std::int64_t bucket = bucketOf(tsMs);
        const std::size_t slot = slotOf(bucket);
        if (m_buckets[slot] > bucket)
            return nullptr;
        if (m_buckets[slot] < bucket) {
            m_buckets[slot] = bucket;
            m_values[slot] = T{};
        }
        return &m_values[slot];
    }

    // Calls f(const T &) for each stored bucket among the last `buckets`
    // buckets ending at asOf (buckets <= count()), in slot order.
    template<typename F>
    void forEachInWindow(std::int64_t asOfMs, int buckets, F &&f) const
    {
        const std::int64_t cur = bucketOf(asOfMs);
        for (std::size_t i = 0; i < m_buckets.size(); ++i) {
            if (m_buckets[i] != kEmpty && m_buckets[i] <= cur && m_buckets[i] > cur - buckets)
                f(m_values[i]);
        }
    }
    template<typename F>
    void forEachInWindow(std::int64_t asOfMs, F &&f) const
    {
        forEachInWindow(asOfMs, count(), std::forward<F>(f));
    }

    // The value of the bucket holding asOf, or nullptr if none is stored.
    const T *current(std::int64_t asOfMs) const
    {
        const std::int64_t bucket = bucketOf(asOfMs);
        const std::size_t slot = slotOf(bucket);
        return m_buckets[slot] == bucket ? &m_values[slot] : nullptr;
    }

    // Only non-empty slots are written: slot index, bucket number, value.
    template<typename W>
    void serialize(ByteWriter &w, W &&writeValue) const
    {
        std::uint64_t used = 0;
        for (std::int64_t b : m_buckets)
            used += b != kEmpty ? 1 : 0;
        w.putVarU64(used);
        for (std::size_t i = 0; i < m_buckets.size(); ++i) {
            if (m_buckets[i] == kEmpty)
                continue;
            w.putVarU64(i);
            w.putVarI64(m_buckets[i]);
            writeValue(w, m_values[i]);
        }
    }

    // Reads what serialize wrote into a ring of the same shape; false on bad input.
    template<typename R>
    bool parse(ByteReader &r, R &&readValue)
    {
        std::uint64_t used = 0;
        if (!r.getCount(used) || used > m_buckets.size())
            return r.fail();
        for (std::uint64_t n = 0; n < used; ++n) {
            std::uint64_t slot = 0;
            std::int64_t bucket = 0;
            if (!r.getVarU64(slot) || !r.getVarI64(bucket))
                return false;
            if (slot >= m_buckets.size() || bucket == kEmpty || slotOf(bucket) != slot
                || m_buckets[slot] != kEmpty)
                return r.fail();
            m_buckets[slot] = bucket;
            if (!readValue(r, m_values[slot]))
                return r.fail();
        }
        return r.ok();
    }

    bool operator==(const BucketRing &) const = default;

private:
    std::size_t slotOf(std::int64_t bucket) const
    {
        const auto n = static_cast<std::int64_t>(m_buckets.size());
        return static_cast<std::size_t>(((bucket % n) + n) % n);
    }

    std::int64_t m_widthMs;
    std::vector<std::int64_t> m_buckets; // bucket number per slot, kEmpty if unused
    std::vector<T> m_values;
};

// A ring like BucketRing with its shape fixed at compile time, anchored at
// its newest bucket, for the per-key aggregates of the hot pipelines: a
// ring per key and event must be cheap to update and small to hold.
//
// Out-of-order rule: the ring holds exactly the buckets (newest - Count,
// newest], newest being the newest bucket of any event it was given. An event
// of an older bucket is ignored: it lies outside every window this ring can
// answer from now on. (BucketRing keeps such an event while its slot holds
// nothing newer; window queries, and so rows, are the same either way.) As in
// BucketRing, a window query is the exact aggregate of the events in its
// buckets whatever their arrival order, as long as asOf is at least newest.
//
// Layout: the bucket number of a slot follows from the anchor, so slots hold
// values only (inline: no heap allocation per ring), and a bit per slot says
// whether it holds any event, so queries and serialize visit only those.
//
// Encoding: the number of used slots, then per used slot in slot order its
// bucket number (the first absolute, every further one as the difference to
// the previous one, zigzag varints, so neighbouring buckets take a byte) and
// its value. The slot is the bucket's residue, so it is not written. parse
// requires strictly ascending slots, and drops buckets that are Count or more
// older than the newest one (rings of earlier versions kept such buckets; they
// count in no window), so serialize writes one encoding per ring.
template<typename T, int Count, std::int64_t WidthMs>
class FixedBucketRing
{
    static_assert(Count > 0 && Count <= 64 && WidthMs > 0);

public:
    static constexpr int count() { return Count; }
    static constexpr std::int64_t widthMs() { return WidthMs; }
    static std::int64_t bucketOf(std::int64_t tsMs) { return floorDiv(tsMs, WidthMs); }

    // The value of the bucket holding tsMs (a new bucket's is T{}), or nullptr
    // if the bucket is too old for the ring.
    T *slotFor(std::int64_t tsMs)
    {
        const std::int64_t bucket = bucketOf(tsMs);
        if (m_used == 0)
            m_newest = bucket;
        else if (bucket > m_newest)
            advanceTo(bucket);
        else if (distance(m_newest, bucket) >= Count)
            return nullptr;
        const std::size_t slot = slotOf(bucket);
        m_used |= std::uint64_t{1} << slot;
        return &m_values[slot];
    }

    // Starts fetching the memory slotFor(tsMs) will use; reads nothing.
    void prefetch(std::int64_t tsMs) const
    {
        __builtin_prefetch(this);
        __builtin_prefetch(&m_values[slotOf(bucketOf(tsMs))]);
    }

    // Calls f(const T &) for each used bucket among the last `buckets`
    // buckets ending at asOf (buckets <= count()), in slot order.
    template<typename F>
    void forEachInWindow(std::int64_t asOfMs, int buckets, F &&f) const
    {
        const std::int64_t cur = bucketOf(asOfMs);
        for (std::uint64_t used = m_used; used != 0; used &= used - 1) {
            const auto slot = static_cast<std::size_t>(std::countr_zero(used));
            const std::int64_t bucket = bucketOfSlot(slot);
            if (bucket <= cur && distance(cur, bucket) < static_cast<std::uint64_t>(buckets))
                f(m_values[slot]);
        }
    }
    template<typename F>
    void forEachInWindow(std::int64_t asOfMs, F &&f) const
    {
        forEachInWindow(asOfMs, Count, std::forward<F>(f));
    }

    template<typename W>
    void serialize(ByteWriter &w, W &&writeValue) const
    {
        w.putVarU64(static_cast<std::uint64_t>(std::popcount(m_used)));
        std::int64_t previous = 0;
        for (std::uint64_t used = m_used; used != 0; used &= used - 1) {
            const auto slot = static_cast<std::size_t>(std::countr_zero(used));
            const std::int64_t bucket = bucketOfSlot(slot);
            w.putVarI64(static_cast<std::int64_t>(static_cast<std::uint64_t>(bucket)
                                                  - static_cast<std::uint64_t>(previous)));
            previous = bucket;
            writeValue(w, m_values[slot]);
        }
    }

    // True if the ring holds a bucket after the one of tsMs: never for an
    // aggregate's own as_of (its maximum event time), so parsed state that
    // does is corrupt (every later event would be ignored as too old).
    bool holdsBucketAfter(std::int64_t tsMs) const { return m_used != 0 && m_newest > bucketOf(tsMs); }

    // Reads what serialize wrote into an empty ring; false on bad input.
    template<typename R>
    bool parse(ByteReader &r, R &&readValue)
    {
        std::uint64_t used = 0;
        if (!r.getCount(used) || used > static_cast<std::uint64_t>(Count))
            return r.fail();
        std::array<std::int64_t, Count> buckets{};
        std::int64_t previous = 0;
        std::size_t nextFreeSlot = 0; // slots must come in strictly ascending order
        for (std::uint64_t n = 0; n < used; ++n) {
            std::int64_t delta = 0;
            if (!r.getVarI64(delta))
                return false;
            // Wrapping like serialize, so every bucket number round-trips.
            const auto bucket = static_cast<std::int64_t>(static_cast<std::uint64_t>(previous)
                                                          + static_cast<std::uint64_t>(delta));
            const std::size_t slot = slotOf(bucket);
            if (slot < nextFreeSlot)
                return r.fail();
            buckets[slot] = bucket;
            if (!readValue(r, m_values[slot]))
                return r.fail();
            m_newest = m_used == 0 ? bucket : std::max(m_newest, bucket);
            m_used |= std::uint64_t{1} << slot;
            previous = bucket;
            nextFreeSlot = slot + 1;
        }
        for (std::uint64_t stale = m_used; stale != 0; stale &= stale - 1) {
            const auto slot = static_cast<std::size_t>(std::countr_zero(stale));
            if (distance(m_newest, buckets[slot]) >= Count)
                release(slot);
        }
        return r.ok();
    }

    // Member-wise: unused slots hold T{}, and m_newest is 0 in every empty
    // ring (a ring that held a bucket always holds its newest one).
    bool operator==(const FixedBucketRing &) const = default;

private:
    // newest - bucket for bucket <= newest, exact over the whole int64 range.
    static std::uint64_t distance(std::int64_t newest, std::int64_t bucket)
    {
        return static_cast<std::uint64_t>(newest) - static_cast<std::uint64_t>(bucket);
    }

    static std::size_t slotOf(std::int64_t bucket)
    {
        return static_cast<std::size_t>(((bucket % Count) + Count) % Count);
    }

    // The bucket a used slot holds: the one of its residue in (newest - Count, newest].
    std::int64_t bucketOfSlot(std::size_t slot) const
    {
        const std::size_t back = (slotOf(m_newest) + Count - slot) % Count;
        return static_cast<std::int64_t>(static_cast<std::uint64_t>(m_newest) - back);
    }

    // Moves the anchor to a newer bucket; the buckets that leave the ring free their slots.
    void advanceTo(std::int64_t bucket)
    {
        const std::uint64_t steps = distance(bucket, m_newest);
        if (steps >= Count) {
            for (std::uint64_t used = m_used; used != 0; used &= used - 1)
                release(static_cast<std::size_t>(std::countr_zero(used)));
        } else {
            for (std::uint64_t n = 1; n <= steps; ++n)
                release(slotOf(m_newest + static_cast<std::int64_t>(n))); // held that bucket - Count
        }
        m_newest = bucket;
    }

    void release(std::size_t slot)
    {
        m_used &= ~(std::uint64_t{1} << slot);
        m_values[slot] = T{};
    }

    std::uint64_t m_used = 0;  // bit i set iff slot i holds a bucket (then it has an event)
    std::int64_t m_newest = 0; // the newest bucket held; meaningful while m_used != 0
    std::array<T, Count> m_values{};
};

} // namespace kappa::pipelines
