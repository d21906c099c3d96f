// The user_features task: one per source partition.
#include "pipelines/job_task_support.h"
#include "pipelines/user_features.h"
#include "state/keyed_state.h"

namespace kappa::pipelines {

namespace {

class UserFeaturesTask final : public runtime::SourceTask
{
public:
    UserFeaturesTask(const JobSpec &spec, const JobEnvironment &env, std::unique_ptr<state::TaskState> state,
                     std::int32_t partition, RowSink &sink)
        : SourceTask(taskName(spec, "", partition), std::move(state), sourceInput(env, partition), *env.codec,
                     0)
        , m_params(std::get<UserFeaturesParams>(spec.params))
        , m_cacheEntries(env.options.cacheEntries)
        , m_sink(sink)
    {}

protected:
    Status restoreState(std::string_view blob) override
    {
        if (!blob.empty())
            return Status::corruption("checkpoint of " + name() + " has unexpected bytes");
        KAPPA_ASSIGN_OR_RETURN(m_users, state::KeyedState<UserFeatures>::create(taskState(), kUserTable,
                                                                                m_cacheEntries));
        return Status::ok();
    }

    Status process(const Event &event, const RecordView &record, std::int64_t) override
    {
        KAPPA_ASSIGN_OR_RETURN(UserFeatures * features, m_users->getOrCreate(EntityKey(event.userId).view()));
        features->apply(event, m_params);
        m_touched.touch(event.userId, record.offset);
        return Status::ok();
    }

    // KeyedState calls UserFeatures::prefetch only if it has this shape.
    static_assert(requires(const UserFeatures &f) { f.prefetch(std::int64_t{}); });

    void prefetch(const Event &ahead) override
    {
        m_users->prefetch(EntityKey(ahead.userId).view(), ahead.ts.value());
    }

    Status endBatch() override
    {
        return writeTouchedRows(m_touched, *m_users, m_reader.partition(), m_rows, m_sink,
                                [&](std::int64_t userId, const UserFeatures &features) {
                                    return features.row(userId, m_params).toJson(m_params);
                                });
    }

    std::function<Status()> outputSync() override { return syncOf(m_sink); }

private:
    const UserFeaturesParams m_params;
    const std::size_t m_cacheEntries;
    RowSink &m_sink;
    std::unique_ptr<state::KeyedState<UserFeatures>> m_users;
    TouchedKeys m_touched;
    std::vector<RowWrite> m_rows;
};

} // namespace

std::unique_ptr<runtime::Task> makeUserFeaturesTask(const JobSpec &spec, const JobEnvironment &env,
                                                    std::unique_ptr<state::TaskState> state,
                                                    std::int32_t partition, RowSink &sink)
{
    return std::make_unique<UserFeaturesTask>(spec, env, std::move(state), partition, sink);
}

} // namespace kappa::pipelines
