#include "runtime/shared_batches.h"

#include <algorithm>
#include <atomic>

namespace kappa::runtime {

namespace {

// Spare batches kept per partition: one per reader that may come back for one is plenty.
constexpr std::size_t kSparesPerPartition = 2;

// True if `batch` is exactly what a read from `from` with `budget` would have
// returned at the moment the batch was read: read with the same budget, or
// with a smaller one that still reached the end. (A throttled replay's short
// batch would leave a live reader short of the end, and so holding its
// outputs back as if it were behind.)
bool serves(const DecodedBatch &batch, Offset from, std::size_t budget, const SchemaRegistry *registry)
{
    if (batch.from != from || batch.registry != registry)
        return false;
    return batch.budget == budget || (batch.budget < budget && batch.records.nextOffset() >= batch.endAtRead);
}

} // namespace

SharedBatches::SharedBatches(std::size_t batchesPerPartition)
    : m_batchesPerPartition(std::max<std::size_t>(1, batchesPerPartition))
{}

std::shared_ptr<const DecodedBatch> SharedBatches::find(const EventLog &log, const std::string &topic,
                                                        PartitionId partition, Offset from,
                                                        std::size_t budget, const EventCodec &codec) const
{
    std::lock_guard lock(m_mutex);
    std::shared_ptr<const DecodedBatch> best;
    const auto found = m_partitions.find(Key{&log, topic, partition.value()});
    if (found != m_partitions.end()) {
        // Of several that serve (a short one that reached an earlier end), the one reaching furthest.
        for (const auto &batch : found->second.recent)
            if (serves(*batch, from, budget, &codec.registry())
                && (!best || batch->records.nextOffset() > best->records.nextOffset()))
                best = batch;
    }
    ++(best ? m_hits : m_misses);
    return best;
}

void SharedBatches::keep(const EventLog &log, const std::string &topic, PartitionId partition,
                         std::shared_ptr<const DecodedBatch> batch)
{
    if (!batch || batch->records.empty() || !batch->registry)
        return;
    std::lock_guard lock(m_mutex);
    Partition &kept = m_partitions[Key{&log, topic, partition.value()}];
    for (const auto &other : kept.recent)
        if (other->from == batch->from && other->budget == batch->budget && other->registry == batch->registry)
            return; // two readers missed at once: one copy serves both
    kept.recent.push_back(std::move(batch));
    if (kept.recent.size() <= m_batchesPerPartition)
        return;
    std::shared_ptr<const DecodedBatch> evicted = std::move(kept.recent.front());
    kept.recent.pop_front();
    // Held by no reader either: nobody can reach it any more, so it may be
    // written again. use_count() is a relaxed load: the fence orders the
    // last reader's reads of the batch before the next writer's writes.
    if (evicted.use_count() == 1 && kept.spare.size() < kSparesPerPartition) {
        std::atomic_thread_fence(std::memory_order_acquire);
        kept.spare.push_back(std::const_pointer_cast<DecodedBatch>(std::move(evicted)));
    }
}

std::shared_ptr<DecodedBatch> SharedBatches::takeSpare(const EventLog &log, const std::string &topic,
                                                       PartitionId partition)
{
    std::lock_guard lock(m_mutex);
    const auto found = m_partitions.find(Key{&log, topic, partition.value()});
    if (found == m_partitions.end() || found->second.spare.empty())
        return nullptr;
    std::shared_ptr<DecodedBatch> spare = std::move(found->second.spare.back());
    found->second.spare.pop_back();
    return spare;
}

std::int64_t SharedBatches::hits() const
{
    std::lock_guard lock(m_mutex);
    return m_hits;
}

std::int64_t SharedBatches::misses() const
{
    std::lock_guard lock(m_mutex);
    return m_misses;
}

} // namespace kappa::runtime
