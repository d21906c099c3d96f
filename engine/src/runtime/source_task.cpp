#include "runtime/source_task.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>

namespace kappa::runtime {

namespace {

// Blob prefixes, ahead of the pipeline's own blob (README.md "Checkpoint blobs").
constexpr char kSourceBlobFormat = 1;
constexpr std::size_t kSourceBlobHeader = 1 + 1 + 8; // format, has-max-ts, max ts
constexpr std::size_t kExchangeBlobHeader = 4;       // merge state length

std::int64_t saturatingSub(std::int64_t a, std::int64_t b)
{
    std::int64_t out = 0;
    if (__builtin_sub_overflow(a, b, &out))
        return b > 0 ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
    return out;
}

const state::InputPosition *findInput(const state::CheckpointMeta &meta, const std::string &topic,
                                      PartitionId partition)
{
    for (const state::InputPosition &input : meta.inputs)
        if (input.topic == topic && input.partition == partition)
            return &input;
    return nullptr;
}

} // namespace

TaskBase::TaskBase(std::string name, int stage, std::unique_ptr<state::TaskState> state,
                   const TaskInput &input)
    : m_reader(*input.log, input.topic, input.partition, input.batchBytes, input.sharedBatches)
    , m_clock(input.clock ? *input.clock : Clock::system())
    , m_name(std::move(name))
    , m_stage(stage)
    , m_state(std::move(state))
    , m_metrics(m_name, input.topic, input.partition)
{}

void TaskBase::recordVisible(const std::vector<WallTime> &appendTimes)
{
    if (appendTimes.empty())
        return;
    const WallTime visibleAt = now();
    // Records of one append share its time: one histogram update per run of equal times.
    std::size_t runStart = 0;
    for (std::size_t i = 1; i <= appendTimes.size(); ++i) {
        if (i == appendTimes.size() || appendTimes[i] != appendTimes[runStart]) {
            m_metrics.recordVisible(visibleAt, appendTimes[runStart], i - runStart);
            runStart = i;
        }
    }
}

Status TaskBase::checkpoint()
{
    KAPPA_RETURN_IF_ERROR(finishCheckpoint(/*wait=*/true).status());
    const auto started = std::chrono::steady_clock::now();
    KAPPA_ASSIGN_OR_RETURN(state::CheckpointMeta meta, prepareCheckpoint());
    if (const std::function<Status()> sync = outputSync())
        KAPPA_RETURN_IF_ERROR(sync());
    KAPPA_RETURN_IF_ERROR(m_state->checkpoint(std::move(meta)).status());
    m_metrics.recordCheckpoint(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
            .count());
    return Status::ok();
}

Status TaskBase::startCheckpoint()
{
    // Behind, what a crash costs is the work since the last durable
    // checkpoint, and nobody waits for the task's next rows: it checkpoints at
    // once, with the machine's full attention. Caught up, the stall would be
    // the tail of its append-to-view latency: the write goes to the background.
    if (m_reader.position() < m_reader.endOffset())
        return checkpoint();
    KAPPA_ASSIGN_OR_RETURN(state::CheckpointMeta meta, prepareCheckpoint());
    return m_state->beginCheckpoint(std::move(meta), outputSync());
}

Result<std::size_t> TaskBase::step()
{
    KAPPA_ASSIGN_OR_RETURN(const std::size_t settled, settleOutputs());
    KAPPA_ASSIGN_OR_RETURN(const std::size_t consumed, stepInput());
    return settled + consumed;
}

Result<bool> TaskBase::pollCheckpoint()
{
    return finishCheckpoint(/*wait=*/false);
}

Result<bool> TaskBase::finishCheckpoint(bool wait)
{
    KAPPA_ASSIGN_OR_RETURN(std::optional<state::CompletedCheckpoint> done, m_state->finishCheckpoint(wait));
    if (done)
        m_metrics.recordCheckpoint(
            std::chrono::duration_cast<std::chrono::milliseconds>(done->duration).count());
    return !m_state->checkpointPending();
}

SourceTask::SourceTask(std::string name, std::unique_ptr<state::TaskState> state, const TaskInput &input,
                       const EventCodec &codec, std::int64_t allowedLatenessMs)
    : TaskBase(std::move(name), 0, std::move(state), input)
    , m_codec(codec)
    , m_allowedLatenessMs(allowedLatenessMs)
    , m_startOffset(input.startOffset)
    , m_throttle(input.throttle)
    , m_publishPolicy{input.livePublishInterval, input.behindPublishInterval}
{}

Status SourceTask::open()
{
    KAPPA_ASSIGN_OR_RETURN(std::optional<state::CheckpointMeta> meta, taskState().restore());
    std::string_view blob;
    if (meta) {
        const state::InputPosition *input = findInput(*meta, m_reader.topic(), m_reader.partition());
        if (!input || meta->blob.size() < kSourceBlobHeader || meta->blob[0] != kSourceBlobFormat)
            return Status::corruption("checkpoint of task " + name() + " does not match its input "
                                      + m_reader.topic() + "/" + std::to_string(m_reader.partition().value()));
        m_reader.seek(input->nextOffset);
        if (meta->blob[1] != 0) {
            std::int64_t maxTs = 0;
            std::memcpy(&maxTs, meta->blob.data() + 2, 8);
            m_maxTs = maxTs;
        }
        blob = std::string_view(meta->blob).substr(kSourceBlobHeader);
    } else {
        m_reader.seek(m_startOffset);
    }
    // The restored position and watermark are visible at once, also for a
    // throttled task that has not read yet: a validation right after a restart
    // compares up to the watermarks, and would find nothing final below 0.
    KAPPA_RETURN_IF_ERROR(m_reader.refreshEnd());
    mutableMetrics().recordRead(now(), 0, m_reader.position(), m_reader.endOffset(), std::nullopt);
    if (m_maxTs)
        mutableMetrics().recordWatermark(saturatingSub(*m_maxTs, m_allowedLatenessMs));
    return restoreState(blob);
}

void SourceTask::alignWith(std::shared_ptr<EventTimeAlignment> alignment, int member)
{
    m_alignment = std::move(alignment);
    m_alignmentMember = member;
}

Status SourceTask::publish()
{
    KAPPA_RETURN_IF_ERROR(endBatch());
    recordVisible(m_appendTimes);
    m_appendTimes.clear();
    m_lastPublish = std::chrono::steady_clock::now();
    m_hasUnpublished = false;
    m_oldestHeld.reset();
    mutableMetrics().recordHeld(std::nullopt);
    // The watermark shown moves with what is written, not with what is read:
    // a window below it is final in the views too (a validation compares
    // such windows, and as_of_ms is the views' freshness).
    if (m_maxTs)
        mutableMetrics().recordWatermark(saturatingSub(*m_maxTs, m_allowedLatenessMs));
    return Status::ok();
}

void SourceTask::noteHeld(std::size_t from)
{
    // The minimum, not the first: producers' clocks (Kafka's CreateTime) need not rise with the offset.
    for (std::size_t i = from; i < m_appendTimes.size(); ++i)
        if (m_appendTimes[i].value() > 0 && (!m_oldestHeld || m_appendTimes[i] < *m_oldestHeld))
            m_oldestHeld = m_appendTimes[i];
    mutableMetrics().recordHeld(m_oldestHeld);
}

bool SourceTask::publishDue() const
{
    PublishPolicy::State state;
    state.caughtUp = m_reader.position() >= m_reader.endOffset();
    state.sinceLast = std::chrono::steady_clock::now() - m_lastPublish;
    state.unpublished = m_appendTimes.size();
    state.sinkBusy = !state.caughtUp && outputsBusy(); // caught up, it does not matter
    return m_publishPolicy.due(state);
}

Result<std::size_t> SourceTask::stepInput()
{
    m_waiting = m_alignment && m_alignment->shouldWait(m_alignmentMember);
    if (m_waiting) {
        if (m_hasUnpublished && publishDue())
            KAPPA_RETURN_IF_ERROR(publish());
        return std::size_t{0};
    }
    const std::size_t allowance = readAllowance();
    m_throttled = allowance == 0;
    if (m_throttled) {
        if (m_hasUnpublished && publishDue())
            KAPPA_RETURN_IF_ERROR(publish());
        return std::size_t{0};
    }
    KAPPA_RETURN_IF_ERROR(m_reader.readDecoded(allowance, m_codec));
    const RecordBatch &batch = m_reader.records();
    if (m_throttle && !batch.empty()) {
        m_throttle->spend(static_cast<std::int64_t>(batch.size()));
        const double bytes = static_cast<double>(batch.bytes()) / static_cast<double>(batch.size());
        m_recordBytes = 0.8 * m_recordBytes + 0.2 * bytes;
    }
    if (m_alignment)
        m_alignment->report(m_alignmentMember, m_maxTs, batch.empty());
    if (batch.empty()) {
        // Outputs held back by livePublishInterval go out once it has passed, input or not.
        if (m_hasUnpublished && publishDue())
            KAPPA_RETURN_IF_ERROR(publish());
        mutableMetrics().recordRead(now(), 0, m_reader.position(), m_reader.endOffset(), std::nullopt);
        return std::size_t{0};
    }
    const WallTime oldest = batch[0].appendTime;
    const std::size_t heldBefore = m_appendTimes.size();
    const auto events = m_reader.events();
    for (std::size_t i = 0; i < std::min(kPrefetchDistance, events.size()); ++i)
        prefetch(events[i]);
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (i + kPrefetchDistance < events.size())
            prefetch(events[i + kPrefetchDistance]);
        const Event &event = events[i];
        const RecordView &record = batch[m_reader.eventRecords()[i]];
        m_maxTs = m_maxTs ? std::max(*m_maxTs, event.ts.value()) : event.ts.value();
        KAPPA_RETURN_IF_ERROR(process(event, record, *m_maxTs));
        m_appendTimes.push_back(record.appendTime);
    }
    mutableMetrics().recordSkipped(m_reader.skippedInLastBatch());
    m_hasUnpublished = true;
    if (publishDue())
        KAPPA_RETURN_IF_ERROR(publish());
    else
        noteHeld(heldBefore);
    if (m_alignment)
        m_alignment->report(m_alignmentMember, m_maxTs, false);
    mutableMetrics().recordRead(now(), batch.size(), m_reader.position(), m_reader.endOffset(), oldest);
    return batch.size();
}

std::size_t SourceTask::readAllowance()
{
    constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();
    if (!m_throttle)
        return kUnlimited;
    const std::int64_t events = m_throttle->available();
    if (events <= 0)
        return 0;
    return std::max<std::size_t>(1, static_cast<std::size_t>(static_cast<double>(events) * m_recordBytes));
}

Result<state::CheckpointMeta> SourceTask::prepareCheckpoint()
{
    // The checkpoint covers everything processed: its outputs must be out first.
    if (m_hasUnpublished)
        KAPPA_RETURN_IF_ERROR(publish());
    state::CheckpointMeta meta;
    meta.blob.push_back(kSourceBlobFormat);
    meta.blob.push_back(m_maxTs ? 1 : 0);
    const std::int64_t maxTs = m_maxTs.value_or(0);
    meta.blob.append(reinterpret_cast<const char *>(&maxTs), 8);
    KAPPA_RETURN_IF_ERROR(beforeCheckpoint(meta.blob));
    const EventTime watermark(m_maxTs ? saturatingSub(*m_maxTs, m_allowedLatenessMs)
                                      : std::numeric_limits<std::int64_t>::min());
    meta.inputs.push_back({m_reader.topic(), m_reader.partition(), m_reader.position(), watermark});
    return meta;
}

ExchangeTask::ExchangeTask(std::string name, int stage, std::unique_ptr<state::TaskState> state,
                           const TaskInput &input, std::int32_t upstreams)
    : TaskBase(std::move(name), stage, std::move(state), input)
    , m_upstreams(upstreams)
    , m_merge(upstreams)
{}

Status ExchangeTask::open()
{
    KAPPA_ASSIGN_OR_RETURN(std::optional<state::CheckpointMeta> meta, taskState().restore());
    std::string_view blob;
    if (meta) {
        const state::InputPosition *input = findInput(*meta, m_reader.topic(), m_reader.partition());
        std::uint32_t mergeBytes = 0;
        if (input && meta->blob.size() >= kExchangeBlobHeader)
            std::memcpy(&mergeBytes, meta->blob.data(), 4);
        if (!input || meta->blob.size() < kExchangeBlobHeader + mergeBytes)
            return Status::corruption("checkpoint of task " + name() + " does not match its input "
                                      + m_reader.topic() + "/" + std::to_string(m_reader.partition().value()));
        KAPPA_ASSIGN_OR_RETURN(m_merge,
                               ExchangeMerge::parse(std::string_view(meta->blob).substr(4, mergeBytes),
                                                    m_upstreams));
        m_reader.seek(input->nextOffset);
        blob = std::string_view(meta->blob).substr(kExchangeBlobHeader + mergeBytes);
    }
    return restoreState(blob);
}

Result<std::size_t> ExchangeTask::stepInput()
{
    KAPPA_RETURN_IF_ERROR(m_reader.read());
    const RecordBatch &batch = m_reader.records();
    if (batch.empty()) {
        mutableMetrics().recordRead(now(), 0, m_reader.position(), m_reader.endOffset(), std::nullopt);
        return std::size_t{0};
    }
    for (const RecordView &record : batch)
        KAPPA_RETURN_IF_ERROR(m_merge.add(record.offset, record.value).withContext(name()));
    std::size_t released = 0;
    KAPPA_RETURN_IF_ERROR(releaseWith(false, released));
    mutableMetrics().recordRead(now(), batch.size(), m_reader.position(), m_reader.endOffset(),
                                batch[0].appendTime);
    return batch.size();
}

Result<std::size_t> ExchangeTask::flush()
{
    std::size_t released = 0;
    KAPPA_RETURN_IF_ERROR(releaseWith(true, released));
    return released;
}

Status ExchangeTask::releaseWith(bool flushAll, std::size_t &released)
{
    m_appendTimes.clear();
    const ExchangeMerge::Visitor visit = [&](const ReleasedRecord &record) {
        m_appendTimes.push_back(record.sourceAppendTime);
        return process(record);
    };
    KAPPA_RETURN_IF_ERROR(flushAll ? m_merge.flush(visit) : m_merge.release(visit));
    released = m_appendTimes.size();
    KAPPA_RETURN_IF_ERROR(endBatch());
    recordVisible(m_appendTimes);
    return Status::ok();
}

Result<state::CheckpointMeta> ExchangeTask::prepareCheckpoint()
{
    state::CheckpointMeta meta;
    std::string mergeState;
    m_merge.serialize(mergeState);
    const auto mergeBytes = static_cast<std::uint32_t>(mergeState.size());
    meta.blob.append(reinterpret_cast<const char *>(&mergeBytes), 4);
    meta.blob += mergeState;
    KAPPA_RETURN_IF_ERROR(beforeCheckpoint(meta.blob));
    // The watermark of an exchange input is its release frontier, in epochs.
    meta.inputs.push_back({m_reader.topic(), m_reader.partition(), m_merge.restartOffset(m_reader.position()),
                           EventTime(m_merge.frontier())});
    return meta;
}

} // namespace kappa::runtime
