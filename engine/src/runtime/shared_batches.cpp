#include "runtime/shared_batches.h"

#include <algorithm>

namespace kappa::runtime {

namespace {

// Spare batches kept per partition: one per reader that may come back for one is plenty.
constexpr std::size_t kSparesPerPartition = 2;

bool serves(const DecodedBatch &batch, Offset from, std::size_t budget, const EventCodec &codec)
{
    return batch.from == from && batch.budget <= budget && batch.codec && batch.codec->decodesLike(codec);
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
    const auto found = m_partitions.find(Key{&log, topic, partition.value()});
    if (found != m_partitions.end()) {
        for (const auto &batch : found->second.recent) {
            if (serves(*batch, from, budget, codec)) {
                ++m_hits;
                return batch;
            }
        }
    }
    ++m_misses;
    return nullptr;
}

void SharedBatches::keep(const EventLog &log, const std::string &topic, PartitionId partition,
                         std::shared_ptr<const DecodedBatch> batch)
{
    if (!batch || batch->records.empty() || !batch->codec)
        return;
    std::lock_guard lock(m_mutex);
    Partition &kept = m_partitions[Key{&log, topic, partition.value()}];
    for (const auto &other : kept.recent)
        if (serves(*other, batch->from, batch->budget, *batch->codec))
            return; // two readers missed at once: one copy serves both
    kept.recent.push_back(std::move(batch));
    if (kept.recent.size() <= m_batchesPerPartition)
        return;
    std::shared_ptr<const DecodedBatch> evicted = std::move(kept.recent.front());
    kept.recent.pop_front();
    // Held by no reader either: nobody can reach it any more, so it may be written again.
    if (evicted.use_count() == 1 && kept.spare.size() < kSparesPerPartition)
        kept.spare.push_back(std::const_pointer_cast<DecodedBatch>(std::move(evicted)));
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
