// The business_metrics task: one per source partition. The partition's
// BusinessMetrics (its open windows) is small, so it travels in the
// checkpoint blob instead of a keyed table.
#include "pipelines/business_metrics.h"
#include "pipelines/job_task_support.h"

namespace kappa::pipelines {

namespace {

class BusinessMetricsTask final : public runtime::SourceTask
{
public:
    BusinessMetricsTask(const JobSpec &spec, const JobEnvironment &env,
                        std::unique_ptr<state::TaskState> state, std::int32_t partition, MetricsSink &sink)
        : SourceTask(taskName(spec, "", partition), std::move(state), sourceInput(env, partition), *env.codec,
                     std::get<BusinessMetricsParams>(spec.params).allowedLatenessMs)
        , m_params(std::get<BusinessMetricsParams>(spec.params))
        , m_metrics(m_params)
        , m_sink(sink)
    {}

protected:
    Status restoreState(std::string_view blob) override
    {
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
        return m_sink.write(m_reader.partition(), m_lastOffset, delta.changed);
    }

    Status beforeCheckpoint(std::string &blob) override
    {
        KAPPA_RETURN_IF_ERROR(m_sink.sync());
        m_metrics.serialize(blob);
        return Status::ok();
    }

private:
    const BusinessMetricsParams m_params;
    BusinessMetrics m_metrics;
    MetricsSink &m_sink;
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
