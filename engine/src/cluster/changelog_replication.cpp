#include "cluster/changelog_replication.h"

#include "pipelines/job_tasks.h"
#include "state/task_state.h"

#include <map>
#include <set>

namespace kappa::cluster {

namespace {

constexpr char kStateEntry = 's';
constexpr char kMetaEntry = 'm';

std::string metaEntryKey(state::TaskId task)
{
    return kMetaEntry + state::TaskState::namespaceOf(task);
}

// Publishes each checkpoint of one job version's store to its changelog topic.
class TopicChangelog final : public state::Changelog
{
public:
    TopicChangelog(std::shared_ptr<ChangelogTransport> transport, std::string topic,
                   std::shared_ptr<const std::atomic<bool>> publishing)
        : m_transport(std::move(transport))
        , m_topic(std::move(topic))
        , m_publishing(std::move(publishing))
    {}

    Status publish(state::TaskId task, const state::CheckpointMeta &meta,
                   std::span<const state::StateChange> changes) override
    {
        if (!m_publishing->load())
            return Status::unavailable("the changelog of " + m_topic + " is closed to this process now");
        std::vector<ChangelogEntry> entries;
        entries.reserve(changes.size() + 1);
        for (const state::StateChange &change : changes)
            entries.push_back({kStateEntry + std::string(change.key),
                               change.value ? std::optional<std::string>(*change.value) : std::nullopt});
        std::string encoded;
        state::encodeCheckpointMeta(meta, encoded);
        entries.push_back({metaEntryKey(task), std::move(encoded)}); // last: the checkpoint is complete
        return m_transport->write(m_topic, pipelines::partitionOfTask(task), entries);
    }

private:
    std::shared_ptr<ChangelogTransport> m_transport;
    const std::string m_topic;
    const std::shared_ptr<const std::atomic<bool>> m_publishing;
};

// What one changelog partition holds now: the latest value of every state
// key and every task's latest checkpoint.
struct PartitionContents
{
    std::map<std::string, std::string> state; // store key -> value
    std::map<std::uint32_t, state::CheckpointMeta> metas;
};

Result<PartitionContents> readPartition(ChangelogTransport &transport, const std::string &topic,
                                        PartitionId partition)
{
    PartitionContents contents;
    Status failure;
    KAPPA_RETURN_IF_ERROR(
        transport.read(topic, partition, [&](std::string_view key, std::optional<std::string_view> value) {
            if (!failure.isOk() || key.empty())
                return;
            const std::string_view rest = key.substr(1);
            if (key.front() == kStateEntry) {
                if (value)
                    contents.state[std::string(rest)] = std::string(*value);
                else
                    contents.state.erase(std::string(rest));
            } else if (key.front() == kMetaEntry && rest.size() == 4 && value) {
                Result<state::CheckpointMeta> meta = state::decodeCheckpointMeta(*value);
                if (!meta.isOk()) {
                    failure = meta.status();
                    return;
                }
                std::uint32_t task = 0;
                for (char c : rest)
                    task = (task << 8) | static_cast<unsigned char>(c);
                contents.metas[task] = std::move(meta).value();
            }
        }));
    KAPPA_RETURN_IF_ERROR(
        failure.withContext("changelog " + topic + " partition " + std::to_string(partition.value())));
    return contents;
}

// The entries of `state` in one task's namespace.
std::vector<std::pair<std::string, std::string>> entriesOf(const std::map<std::string, std::string> &state,
                                                           state::TaskId task)
{
    const std::string prefix = state::TaskState::namespaceOf(task);
    std::vector<std::pair<std::string, std::string>> entries;
    for (auto it = state.lower_bound(prefix); it != state.end() && it->first.starts_with(prefix); ++it)
        entries.emplace_back(it->first, it->second);
    return entries;
}

// Publishes the store's whole state of a task (with deletions of what the
// changelog holds beyond it) and its checkpoint.
Status republish(ChangelogTransport &transport, const std::string &topic, const state::StateStore &store,
                 state::TaskId task, const state::CheckpointMeta &meta, const PartitionContents &contents)
{
    std::set<std::string> local;
    std::vector<ChangelogEntry> entries;
    KAPPA_RETURN_IF_ERROR(
        store.scan(state::TaskState::namespaceOf(task), [&](std::string_view key, std::string_view value) {
            local.emplace(key);
            entries.push_back({kStateEntry + std::string(key), std::string(value)});
            return true;
        }));
    for (const auto &[key, value] : entriesOf(contents.state, task))
        if (!local.contains(key))
            entries.push_back({kStateEntry + key, std::nullopt});
    std::string encoded;
    state::encodeCheckpointMeta(meta, encoded);
    entries.push_back({metaEntryKey(task), std::move(encoded)});
    return transport.write(topic, pipelines::partitionOfTask(task), entries);
}

} // namespace

std::string changelogTopic(const pipelines::JobSpec &spec)
{
    return spec.job + "." + spec.version + ".changelog";
}

ChangelogReplication::ChangelogReplication(std::shared_ptr<ChangelogTransport> transport)
    : m_transport(std::move(transport))
{}

Result<std::shared_ptr<state::Changelog>> ChangelogReplication::changelogFor(const pipelines::JobSpec &spec,
                                                                             std::int32_t partitions)
{
    const std::string topic = changelogTopic(spec);
    KAPPA_RETURN_IF_ERROR(m_transport->createTopic(topic, partitions).withContext("changelog topic"));
    return std::shared_ptr<state::Changelog>(
        std::make_shared<TopicChangelog>(m_transport, topic, m_publishing));
}

Result<std::vector<state::TaskId>> ChangelogReplication::restore(const pipelines::JobSpec &spec,
                                                                 state::StateStore &store,
                                                                 std::span<const PartitionId> partitions)
{
    const std::string topic = changelogTopic(spec);
    std::vector<state::TaskId> takenOver;
    for (PartitionId partition : partitions) {
        KAPPA_ASSIGN_OR_RETURN(PartitionContents contents, readPartition(*m_transport, topic, partition));
        for (state::TaskId task : pipelines::taskIdsOf(spec, partition)) {
            KAPPA_ASSIGN_OR_RETURN(std::optional<state::CheckpointMeta> local, store.lastCheckpoint(task));
            const auto remote = contents.metas.find(task.value());
            const bool remoteNewer = remote != contents.metas.end()
                                     && (!local || remote->second.sequence > local->sequence);
            const bool localNewer = local
                                    && (remote == contents.metas.end()
                                        || local->sequence > remote->second.sequence);
            if (remoteNewer) {
                KAPPA_RETURN_IF_ERROR(
                    store.replaceTask(task, remote->second, entriesOf(contents.state, task)));
                takenOver.push_back(task);
            } else if (localNewer) {
                KAPPA_RETURN_IF_ERROR(republish(*m_transport, topic, store, task, *local, contents));
            }
        }
    }
    return takenOver;
}

} // namespace kappa::cluster
