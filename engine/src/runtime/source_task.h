// SourceTask and ExchangeTask: the two kinds of input a task can have, with
// everything that is the same for every pipeline (reading in batches,
// positions, event-time watermark, checkpoint metadata, metrics). A pipeline's
// task derives from one of them and supplies what it does with each input.
//
// Exactly-once: the checkpoint stores the input position together with the
// task's state (one atomic, synced write), and a task writes its outputs
// (rekeyed records, view rows) in endBatch(), before the position that covers
// them can be checkpointed; outputSync() makes them durable before the
// commit (the views, and rekeyed records appended without waiting for their
// sync; in the background for a started checkpoint, see Task).
// After a crash the task restores and re-processes the suffix: rekeyed records
// come out again with the same stamps (and are dropped downstream as
// duplicates), view rows are rewritten at the same positions (and views never
// go backwards).
#pragma once

#include "kappa/clock.h"
#include "kappa/event_codec.h"
#include "kappa/event_log.h"
#include "runtime/event_time_alignment.h"
#include "runtime/exchange.h"
#include "runtime/publish_policy.h"
#include "runtime/rate_limiter.h"
#include "runtime/source_reader.h"
#include "runtime/task.h"
#include "state/task_state.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kappa::runtime {

// What every task is given.
struct TaskInput
{
    EventLog *log = nullptr;
    std::string topic;
    PartitionId partition;
    std::size_t batchBytes = 1 << 20;
    Clock *clock = nullptr; // for metrics only; nullptr: Clock::system()
    // Source tasks only: where to start without a checkpoint, and the rate
    // limit shared by the job version's source tasks (nullptr: unthrottled).
    Offset startOffset{0};
    std::shared_ptr<RateLimiter> throttle;
    // Source tasks only: caught up, outputs are published at most this often
    // (0: after every batch). A pipeline whose latency target leaves room sets
    // it, so that a row updated by every batch is written a few times a second
    // rather than once per batch.
    std::chrono::milliseconds livePublishInterval{0};
    // Source tasks only: behind, outputs are published about this often (see
    // PublishPolicy). Rewriting every row touched since the last publish,
    // user_features' catch-up was about a tenth faster with 2 s than with
    // 500 ms (fewer rewrites of hot rows), and 5 s gained nothing more.
    std::chrono::milliseconds behindPublishInterval{2000};
    // Source tasks only: decoded batches shared with other job versions'
    // readers of the same partitions (nullptr: each reads and decodes alone).
    std::shared_ptr<SharedBatches> sharedBatches;
};

// Common to both kinds: name, stage, task state, metrics, checkpoint timing.
class TaskBase : public Task
{
public:
    const std::string &name() const override { return m_name; }
    int stage() const override { return m_stage; }
    const TaskMetrics &metrics() const override { return m_metrics; }
    // Settles deferred outputs when due (see settleOutputs), then one batch of input.
    Result<std::size_t> step() final;
    // A read that came back empty below the end offset leaves records due:
    // the input is not exhausted (see SourceReader::emptyBeforeEnd). Outputs
    // not durable yet are due downstream, where readers do not see them yet.
    bool waiting() const override { return m_reader.emptyBeforeEnd() || outputsUnsettled(); }
    Status checkpoint() final;
    Status startCheckpoint() final;
    Result<bool> pollCheckpoint() final;

protected:
    TaskBase(std::string name, int stage, std::unique_ptr<state::TaskState> state, const TaskInput &input);

    // One batch of input: what step() does after settling.
    virtual Result<std::size_t> stepInput() = 0;

    // Pipeline hooks ---------------------------------------------------------
    // A task whose outputs are appended without waiting for durability
    // (ExchangeWriter::flushDeferred) waits for them here, at the start of
    // each step, once they are old enough; returns how many records it waited
    // for, which count as the step's progress (a bounded run is not quiet
    // before the downstream has read them).
    virtual Result<std::size_t> settleOutputs() { return std::size_t{0}; }
    // Outputs appended that may not be durable yet.
    virtual bool outputsUnsettled() const { return false; }
    // After restore(): attach caches, read `blob` (empty before the first checkpoint).
    virtual Status restoreState(std::string_view blob) = 0;
    // Publishes the outputs of everything processed since the last call:
    // writes view rows and rekeyed records. An exchange task calls it after
    // each batch; a source task after each batch when caught up (or at most
    // every TaskInput::livePublishInterval), and while behind after several
    // (see PublishPolicy), always before a checkpoint.
    virtual Status endBatch() = 0;
    // Before the commit, on the task's thread: append the task's own blob (default: none).
    virtual Status beforeCheckpoint(std::string &blob)
    {
        (void) blob;
        return Status::ok();
    }
    // What makes the task's outputs durable before a commit (its views'
    // sync, its deferred appends' wait); empty: nothing to do. A started
    // checkpoint calls it on another thread while the task goes on, so it
    // must use only thread-safe objects that outlive the task (the sinks, the
    // event log) and copies of the task's data, never the task itself.
    virtual std::function<Status()> outputSync() { return {}; }
    // Publishes what is unpublished and builds the checkpoint metadata.
    virtual Result<state::CheckpointMeta> prepareCheckpoint() = 0;

    // For the hooks ------------------------------------------------------------
    state::TaskState &taskState() { return *m_state; }
    TaskMetrics &mutableMetrics() { return m_metrics; }
    WallTime now() const { return m_clock.now(); }
    // Records end-to-end latency for records appended at these times, now visible.
    void recordVisible(const std::vector<WallTime> &appendTimes);

    SourceReader m_reader;
    Clock &m_clock;

private:
    // Finishes a started checkpoint (waiting for it with wait) and records its duration.
    Result<bool> finishCheckpoint(bool wait);

    const std::string m_name;
    const int m_stage;
    std::unique_ptr<state::TaskState> m_state;
    TaskMetrics m_metrics;
};

// Reads decoded events from one partition of the source topic.
class SourceTask : public TaskBase
{
public:
    Status open() override;
    bool waiting() const override { return m_waiting || TaskBase::waiting(); }
    // True after a step that read nothing because the rate limit held it back.
    bool throttled() const { return m_throttled; }

    // Joins an alignment group as member `member` (before the runtime starts).
    void alignWith(std::shared_ptr<EventTimeAlignment> alignment, int member);

protected:
    Result<std::size_t> stepInput() override;
    // allowedLatenessMs: the watermark is (max event time - allowed lateness).
    SourceTask(std::string name, std::unique_ptr<state::TaskState> state, const TaskInput &input,
               const EventCodec &codec, std::int64_t allowedLatenessMs);

    // One event, in log order; maxEventTimeMs includes it.
    virtual Status process(const Event &event, const RecordView &record, std::int64_t maxEventTimeMs) = 0;
    // Called with the event that process() will get kPrefetchDistance events
    // from now (a batch's first ones before its first process()), so the task
    // can announce what it will look up (see KeyedState::prefetch). A hint
    // only; by default nothing.
    virtual void prefetch(const Event &ahead) { (void) ahead; }
    static constexpr std::size_t kPrefetchDistance = 8;
    // True while the sink of the task's outputs is taken by another task's
    // write (see PublishPolicy: behind, a publish may then wait for a later batch).
    virtual bool outputsBusy() const { return false; }

    std::optional<std::int64_t> maxEventTimeMs() const { return m_maxTs; }

private:
    Result<state::CheckpointMeta> prepareCheckpoint() final;
    const EventCodec &m_codec;
    const std::int64_t m_allowedLatenessMs;
    Status publish();
    bool publishDue() const;
    // After a batch that was not published: the append times from m_appendTimes[from] on are held too.
    void noteHeld(std::size_t from);
    // The bytes to read in this step: all of a batch unthrottled, else about
    // what the rate limit allows (0: hold back).
    std::size_t readAllowance();

    const Offset m_startOffset;
    const std::shared_ptr<RateLimiter> m_throttle;
    const PublishPolicy m_publishPolicy;
    double m_recordBytes = 128; // moving average of a record's size, to turn tokens into bytes
    bool m_throttled = false;

    std::optional<std::int64_t> m_maxTs;
    std::vector<WallTime> m_appendTimes;  // of the events processed since the last publish
    std::optional<WallTime> m_oldestHeld; // the least of them (a record without a time not counted)
    bool m_hasUnpublished = false;        // a batch was processed since the last publish
    std::chrono::steady_clock::time_point m_lastPublish = std::chrono::steady_clock::now();
    std::shared_ptr<EventTimeAlignment> m_alignment;
    int m_alignmentMember = 0;
    bool m_waiting = false;
};

// Reads one partition of an exchange topic and processes the records the
// merge releases, in their deterministic order.
class ExchangeTask : public TaskBase
{
public:
    Status open() override;
    Result<std::size_t> flush() override;

protected:
    Result<std::size_t> stepInput() override;
    ExchangeTask(std::string name, int stage, std::unique_ptr<state::TaskState> state, const TaskInput &input,
                 std::int32_t upstreams);

    virtual Status process(const ReleasedRecord &record) = 0;

    const ExchangeMerge &merge() const { return m_merge; }

private:
    Result<state::CheckpointMeta> prepareCheckpoint() final;
    Status releaseWith(bool flushAll, std::size_t &released);

    const std::int32_t m_upstreams;
    ExchangeMerge m_merge;
    std::vector<WallTime> m_appendTimes; // of the records released in this batch
};

} // namespace kappa::runtime
