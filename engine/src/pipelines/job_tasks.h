// The tasks of a job version: how each pipeline is cut into tasks over the
// log, and what they read and write.
//
//   user_features     one task per source partition: events -> KeyedState<UserFeatures>
//                     by user -> feature rows.
//   business_metrics  one task per source partition: events -> that partition's
//                     BusinessMetrics (in the checkpoint) -> partial rows.
//   fraud             stage 0 "route" per source partition: purchases -> payments,
//                     rekeyed by merchant through <job>.<version>.by-merchant;
//                     stage 1 "merchant" per partition of that topic: MerchantAggregate
//                     -> merchant rows, enriched payments rekeyed by card through
//                     <job>.<version>.by-card; stage 2 "card": CardAggregate -> card rows.
//
// The rekey topics have as many partitions as the source topic and belong to
// the job version (dropping the version deletes them).
#pragma once

#include "kappa/clock.h"
#include "kappa/event_codec.h"
#include "kappa/event_log.h"
#include "pipelines/job_spec.h"
#include "pipelines/sinks.h"
#include "runtime/rate_limiter.h"
#include "runtime/shared_batches.h"
#include "runtime/task.h"
#include "state/state_store.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kappa::pipelines {

struct JobTaskOptions
{
    std::size_t batchBytes = 1 << 20;   // per read
    std::size_t cacheEntries = 1 << 20; // per keyed table of a task
    std::int64_t exchangeEpochMs = 20;  // event-time granularity of the fraud rekey order
    // How far (event time) a fraud route task may run ahead of the slowest one (runtime/event_time_alignment.h).
    std::int64_t alignmentSkewMs = 3'600'000;
    // Where each source partition starts before the first checkpoint (empty:
    // offset 0), and the rate limit of the source tasks (a replay's throttle).
    std::vector<Offset> startOffsets;
    std::shared_ptr<runtime::RateLimiter> throttle;
    // Decoded source batches shared with the other job versions reading the
    // same log (runtime/shared_batches.h); nullptr: not shared.
    std::shared_ptr<runtime::SharedBatches> sharedBatches;
};

struct JobEnvironment
{
    EventLog *log = nullptr;
    const EventCodec *codec = nullptr;
    std::shared_ptr<state::StateStore> store; // the job version's
    std::string sourceTopic;
    std::int32_t sourcePartitions = 0;
    // The source partitions this process runs tasks for (with the rekey
    // topics' partitions of the same numbers); nullopt: all, empty: none.
    // Several processes share a job version's partitions this way (scale-out).
    std::optional<std::vector<PartitionId>> partitions;
    Clock *clock = nullptr; // metrics only
    JobTaskOptions options;
};

// The sinks a job writes; only those of its pipeline need to be set.
struct JobSinks
{
    RowSink *features = nullptr;  // user_features
    RowSink *cards = nullptr;     // fraud
    RowSink *merchants = nullptr; // fraud
    MetricsSink *metrics = nullptr;
};

// The internal topics the job version needs (created by the caller before makeJobTasks).
std::vector<std::string> internalTopics(const JobSpec &spec);

// Builds the job version's tasks. InvalidArgument if a sink it needs is missing.
Result<std::vector<std::unique_ptr<runtime::Task>>> makeJobTasks(const JobSpec &spec,
                                                                 const JobEnvironment &env,
                                                                 const JobSinks &sinks);

// The name of a job's stage, as in its task names: fraud's "route", "merchant"
// and "card"; "source" for the single stage of the other jobs.
std::string_view stageName(std::string_view job, int stage);

// Identifies a task inside its job version's store: (stage << 16) | partition.
state::TaskId taskIdFor(int stage, std::int32_t partition);
// The partition a task works on (the inverse of taskIdFor's packing).
PartitionId partitionOfTask(state::TaskId task);
// The ids of the job's tasks of one partition, every stage.
std::vector<state::TaskId> taskIdsOf(const JobSpec &spec, PartitionId partition);
// The partitions env runs tasks for, ascending: *env.partitions, or all.
std::vector<PartitionId> ownedPartitions(const JobEnvironment &env);

// Store layout of the keyed tables, for readers of checkpointed state.
inline constexpr std::uint8_t kUserTable = 1;       // user_features: key = entityKey(user id)
inline constexpr std::uint8_t kMerchantTable = 1;   // fraud stage 1: key = entityKey(merchant id)
inline constexpr std::uint8_t kCardTable = 1;       // fraud stage 2: key = entityKey(card id)
inline constexpr std::uint8_t kMetricsRowTable = 1; // business_metrics: key = MetricsRow::rowKey()
inline constexpr int kFraudCardStage = 2;
inline constexpr int kFraudMerchantStage = 1;

// The state key of an entity id: 8 bytes big-endian with the sign bit
// flipped, so keys sort like the ids.
std::string entityKey(std::int64_t id);
// The same key in a caller's buffer, without allocating.
class EntityKey
{
public:
    explicit EntityKey(std::int64_t id);
    std::string_view view() const { return {m_bytes, sizeof m_bytes}; }

private:
    char m_bytes[8];
};
// The id of an entity key; false if `key` is not 8 bytes.
bool parseEntityKey(std::string_view key, std::int64_t &id);
// The rekey key of an id (decimal, like the events topic's keys), which picks its partition.
std::string rekeyKey(std::int64_t id);

} // namespace kappa::pipelines
