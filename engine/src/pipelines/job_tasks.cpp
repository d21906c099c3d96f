#include "pipelines/job_tasks.h"

#include "pipelines/job_task_support.h"

#include <algorithm>

namespace kappa::pipelines {

state::TaskId taskIdFor(int stage, std::int32_t partition)
{
    return state::TaskId((static_cast<std::uint32_t>(stage) << 16) | static_cast<std::uint32_t>(partition));
}

PartitionId partitionOfTask(state::TaskId task)
{
    return PartitionId(static_cast<std::int32_t>(task.value() & 0xffff));
}

std::vector<state::TaskId> taskIdsOf(const JobSpec &spec, PartitionId partition)
{
    const int stages = spec.job == "fraud" ? kFraudCardStage + 1 : 1;
    std::vector<state::TaskId> ids;
    for (int stage = 0; stage < stages; ++stage)
        ids.push_back(taskIdFor(stage, partition.value()));
    return ids;
}

std::vector<PartitionId> ownedPartitions(const JobEnvironment &env)
{
    std::vector<PartitionId> owned;
    if (env.partitions)
        owned = *env.partitions;
    else
        for (std::int32_t p = 0; p < env.sourcePartitions; ++p)
            owned.push_back(PartitionId(p));
    std::sort(owned.begin(), owned.end());
    return owned;
}

EntityKey::EntityKey(std::int64_t id)
{
    const std::uint64_t flipped = static_cast<std::uint64_t>(id) ^ (std::uint64_t{1} << 63);
    for (int i = 0; i < 8; ++i)
        m_bytes[i] = static_cast<char>(flipped >> (56 - 8 * i));
}

std::string entityKey(std::int64_t id)
{
    return std::string(EntityKey(id).view());
}

bool parseEntityKey(std::string_view key, std::int64_t &id)
{
    if (key.size() != 8)
        return false;
    std::uint64_t flipped = 0;
    for (char c : key)
        flipped = (flipped << 8) | static_cast<unsigned char>(c);
    id = static_cast<std::int64_t>(flipped ^ (std::uint64_t{1} << 63));
    return true;
}

std::string rekeyKey(std::int64_t id)
{
    return std::to_string(id);
}

std::vector<std::string> internalTopics(const JobSpec &spec)
{
    if (spec.job != "fraud")
        return {};
    const std::string prefix = spec.job + "." + spec.version;
    return {prefix + ".by-merchant", prefix + ".by-card"};
}

runtime::TaskInput sourceInput(const JobEnvironment &env, std::int32_t partition)
{
    runtime::TaskInput input;
    input.log = env.log;
    input.topic = env.sourceTopic;
    input.partition = PartitionId(partition);
    input.batchBytes = env.options.batchBytes;
    input.clock = env.clock;
    if (static_cast<std::size_t>(partition) < env.options.startOffsets.size())
        input.startOffset = env.options.startOffsets[static_cast<std::size_t>(partition)];
    input.throttle = env.options.throttle;
    input.sharedBatches = env.options.sharedBatches;
    return input;
}

std::string_view stageName(std::string_view job, int stage)
{
    if (job != "fraud")
        return "source";
    switch (stage) {
    case 0: return "route";
    case kFraudMerchantStage: return "merchant";
    default: return "card";
    }
}

std::string taskName(const JobSpec &spec, std::string_view stage, std::int32_t partition)
{
    std::string name = spec.job + "@" + spec.version + "/";
    if (!stage.empty())
        name.append(stage).push_back('/');
    return name + std::to_string(partition);
}

Result<std::unique_ptr<state::TaskState>> openTaskState(const JobEnvironment &env, int stage,
                                                        std::int32_t partition)
{
    return env.store->openTask(taskIdFor(stage, partition));
}

Result<std::vector<std::unique_ptr<runtime::Task>>> makeJobTasks(const JobSpec &spec,
                                                                 const JobEnvironment &env,
                                                                 const JobSinks &sinks)
{
    if (!env.log || !env.codec || !env.store || env.sourcePartitions < 1)
        return Status::invalidArgument("job environment incomplete for " + spec.job + "@" + spec.version);
    for (PartitionId p : env.partitions.value_or(std::vector<PartitionId>{}))
        if (p.value() < 0 || p.value() >= env.sourcePartitions)
            return Status::invalidArgument("partition " + std::to_string(p.value()) + " of "
                                           + std::to_string(env.sourcePartitions) + " given to " + spec.job
                                           + "@" + spec.version);
    if (spec.job == "fraud")
        return makeFraudTasks(spec, env, sinks);
    std::vector<std::unique_ptr<runtime::Task>> tasks;
    for (PartitionId partition : ownedPartitions(env)) {
        const std::int32_t p = partition.value();
        KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<state::TaskState> state, openTaskState(env, 0, p));
        if (spec.job == "user_features") {
            if (!sinks.features)
                return Status::invalidArgument("user_features needs a features sink");
            tasks.push_back(makeUserFeaturesTask(spec, env, std::move(state), p, *sinks.features));
        } else if (spec.job == "business_metrics") {
            if (!sinks.metrics)
                return Status::invalidArgument("business_metrics needs a metrics sink");
            tasks.push_back(makeBusinessMetricsTask(spec, env, std::move(state), p, *sinks.metrics));
        } else {
            return Status::invalidArgument("unknown job " + spec.job);
        }
    }
    return tasks;
}

} // namespace kappa::pipelines
