// The business_metrics task: one per source partition. The partition's
// BusinessMetrics (its open windows) is small, so it travels in the
// checkpoint blob instead of a keyed table. When the state is handed over to
// other processes (a cluster's changelog), the partial rows it has written to
// the view are also kept, in the keyed table kMetricsRowTable, so that a
// process taking the partition over can rebuild that partition's part of the
// view from the task's state (closed windows are no longer in the blob).
// Alone, the view itself holds them: keeping a second copy would cost a state
// read and write per row, which in a sparse replay is about one per event.
#include "pipelines/business_metrics.h"
#include "pipelines/job_task_support.h"
#include "state/keyed_state.h"

namespace kappa::pipelines {

namespace {

// Each batch touches most rows of the open window (one per category), and
// the rows' latency target is p99 <= 1 s: caught up, they are written at most
// every 100 ms rather than after every batch (at 200K events/s, ~100 batches
// a second per task), which saves most of the view's upserts.
constexpr std::chrono::milliseconds kLivePublishInterval{100};
// Behind, a publish writes the rows of the windows passed since the last one,
// which few later publishes touch again: unlike user_features' hot rows,
// waiting longer saves no writes. Written every 100 ms instead of every 2 s,
// the view's one SQLite writer works beside the processing throughout the
// run (and on pages still in its cache) rather than in a long serial tail:
// business_metrics alone on 10M events, 2 workers, 2.5-2.7M -> 3.3M events/s.
constexpr std::chrono::milliseconds kBehindPublishInterval{100};

runtime::TaskInput metricsInput(const JobEnvironment &env, std::int32_t partition)
{
    runtime::TaskInput input = sourceInput(env, partition);
    input.livePublishInterval = kLivePublishInterval;
    input.behindPublishInterval = kBehindPublishInterval;
    return input;
}

class BusinessMetricsTask final : public runtime::SourceTask
{
public:
    BusinessMetricsTask(const JobSpec &spec, const JobEnvironment &env,
                        std::unique_ptr<state::TaskState> state, std::int32_t partition, MetricsSink &sink)
        : SourceTask(taskName(spec, "", partition), std::move(state), metricsInput(env, partition),
                     *env.codec, std::get<BusinessMetricsParams>(spec.params).allowedLatenessMs)
        , m_params(std::get<BusinessMetricsParams>(spec.params))
        , m_metrics(m_params)
        , m_cacheEntries(env.options.cacheEntries)
        , m_sink(sink)
    {}

protected:
    Status restoreState(std::string_view blob) override
    {
        if (taskState().store().handsStateOver()) {
            KAPPA_ASSIGN_OR_RETURN(m_rows, state::KeyedState<MetricsRow>::create(taskState(), kMetricsRowTable,
                                                                                 m_cacheEntries));
        }
        if (blob.empty())
            return Status::ok(); // no checkpoint yet
        Result<BusinessMetrics> restored = BusinessMetrics::parse(blob, m_params);
        if (!restored.isOk())
            return restored.status().withContext("checkpoint of " + name());
        m_metrics = std::move(restored).value();
        return Status::ok();
    }

    Status process(const Event &event, const RecordView &record, std::int64_t) override
    {
        m_metrics.apply(event);
        m_lastOffset = record.offset;
        m_pending = true;
        return Status::ok();
    }

    Status endBatch() override
    {
        mutableMetrics().setLateDropped(static_cast<std::uint64_t>(m_metrics.droppedLate()));
        if (!m_pending)
            return Status::ok();
        m_pending = false;
        const MetricsDelta delta = m_metrics.drain();
        if (delta.changed.empty())
            return Status::ok();
        KAPPA_RETURN_IF_ERROR(keepForHandOver(delta.changed));
        return m_sink.write(m_reader.partition(), m_lastOffset, delta.changed);
    }

    Status beforeCheckpoint(std::string &blob) override
    {
        m_metrics.serialize(blob);
        return Status::ok();
    }
    std::function<Status()> outputSync() override { return syncOf(m_sink); }
    bool outputsBusy() const override { return m_sink.busy(); }

private:
    Status keepForHandOver(const std::vector<MetricsRow> &rows)
    {
        if (!m_rows)
            return Status::ok();
        for (const MetricsRow &row : rows) {
            KAPPA_ASSIGN_OR_RETURN(MetricsRow * kept, m_rows->getOrCreate(row.rowKey()));
            *kept = row;
        }
        return Status::ok();
    }

    const BusinessMetricsParams m_params;
    BusinessMetrics m_metrics;
    const std::size_t m_cacheEntries;
    MetricsSink &m_sink;
    // The partial rows written, by rowKey; only when the state is handed over.
    std::unique_ptr<state::KeyedState<MetricsRow>> m_rows;
    Offset m_lastOffset{0};
    bool m_pending = false;
};

} // namespace

std::unique_ptr<runtime::Task> makeBusinessMetricsTask(const JobSpec &spec, const JobEnvironment &env,
                                                       std::unique_ptr<state::TaskState> state,
                                                       std::int32_t partition, MetricsSink &sink)
{
    return std::make_unique<BusinessMetricsTask>(spec, env, std::move(state), partition, sink);
}

} // namespace kappa::pipelines
