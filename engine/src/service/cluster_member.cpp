#include "service/cluster_member.h"

#include "cluster/kafka_changelog_transport.h"
#include "service/event_log_factory.h"

#include <unistd.h>

#include <algorithm>

namespace kappa::service {

namespace {

// How long the owners of the other partitions are believed before asking the group again.
constexpr auto kOwnersTtl = std::chrono::seconds(1);

nlohmann::json partitionList(const std::vector<PartitionId> &partitions)
{
    nlohmann::json list = nlohmann::json::array();
    for (PartitionId p : partitions)
        list.push_back(p.value());
    return list;
}

} // namespace

std::string clusterInstanceId(const ServiceConfig &config)
{
    if (!config.cluster.instanceId.empty())
        return config.cluster.instanceId;
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    std::string id;
    for (const char *c = host; *c; ++c) // keep to the characters a cluster name may hold
        id.push_back(std::isalnum(static_cast<unsigned char>(*c)) || *c == '.' || *c == '-' ? *c : '_');
    return (id.empty() ? "kappad" : id) + "-" + std::to_string(config.listenPort);
}

Result<std::shared_ptr<cluster::ChangelogTransport>> openClusterTransport(const ServiceConfig &config)
{
    const std::string instance = clusterInstanceId(config);
    const KafkaLogConfig connection = kafkaClientConfig(config.log, "kappad-" + instance + "-changelog");
    // Transactional ids per partition (fencing a previous owner) and per instance (the registry).
    KAPPA_ASSIGN_OR_RETURN(std::shared_ptr<cluster::KafkaChangelogTransport> transport,
                           cluster::KafkaChangelogTransport::open(connection, config.log.topicPrefix,
                                                                  "kappa." + config.log.topicPrefix
                                                                      + config.cluster.group,
                                                                  instance));
    return std::shared_ptr<cluster::ChangelogTransport>(std::move(transport));
}

Result<std::unique_ptr<ClusterMember>> ClusterMember::join(
    const ServiceConfig &config, const std::string &topic, std::int32_t partitions, std::string url,
    std::shared_ptr<cluster::ChangelogTransport> transport,
    std::shared_ptr<cluster::ChangelogReplication> replication, reprocessing::Fleet &fleet, Logger &logger)
{
    std::unique_ptr<ClusterMember> member(new ClusterMember(clusterInstanceId(config), config.cluster.group,
                                                            partitions, std::move(transport),
                                                            std::move(replication), fleet, logger));
    // Advertised before joining, so that whoever sees us in the group can reach us.
    const std::string &registry = member->m_registryTopic;
    KAPPA_RETURN_IF_ERROR(member->m_transport->createTopic(registry, 1).withContext("instance registry"));
    const std::vector<cluster::ChangelogEntry> entry{{member->m_instanceId, url}};
    KAPPA_RETURN_IF_ERROR(member->m_transport->writeAsInstance(registry, PartitionId(0), entry)
                              .withContext("instance registry"));
    kafka::GroupMemberConfig group;
    group.connection = kafkaClientConfig(config.log, member->m_instanceId);
    group.groupId = "kappa." + config.cluster.group;
    group.instanceId = member->m_instanceId;
    group.topic = config.log.topicPrefix + topic;
    KAPPA_ASSIGN_OR_RETURN(member->m_member, kafka::GroupMember::start(group, *member));
    logger.info("joined the cluster",
                {{"group", config.cluster.group}, {"instance", member->m_instanceId}, {"url", url}});
    return member;
}

ClusterMember::ClusterMember(std::string instanceId, const std::string &group, std::int32_t partitions,
                             std::shared_ptr<cluster::ChangelogTransport> transport,
                             std::shared_ptr<cluster::ChangelogReplication> replication,
                             reprocessing::Fleet &fleet, Logger &logger)
    : m_instanceId(std::move(instanceId))
    , m_partitionCount(partitions)
    , m_registryTopic("cluster." + group + ".instances")
    , m_transport(std::move(transport))
    , m_replication(std::move(replication))
    , m_fleet(fleet)
    , m_logger(logger)
{}

ClusterMember::~ClusterMember()
{
    leave();
}

void ClusterMember::leave()
{
    if (m_member)
        m_member->leave(); // revokes everything first: final checkpoints reach the changelog
}

std::vector<PartitionId> ClusterMember::partitions() const
{
    std::lock_guard lock(m_mutex);
    return {m_owned.begin(), m_owned.end()};
}

bool ClusterMember::leads() const
{
    std::lock_guard lock(m_mutex);
    return m_owned.contains(PartitionId(0));
}

Result<std::optional<ClusterPeer>> ClusterMember::ownerOf(PartitionId partition)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_owned.contains(partition))
            return std::optional<ClusterPeer>();
        const auto found = m_owners.find(partition.value());
        if (found != m_owners.end() && std::chrono::steady_clock::now() - m_ownersAt < kOwnersTtl)
            return std::optional<ClusterPeer>(found->second);
    }
    KAPPA_RETURN_IF_ERROR(refreshOwners());
    std::lock_guard lock(m_mutex);
    if (m_owned.contains(partition))
        return std::optional<ClusterPeer>();
    const auto found = m_owners.find(partition.value());
    if (found == m_owners.end())
        return Status::unavailable("partition " + std::to_string(partition.value())
                                   + " has no owner in the cluster right now (a rebalance?); try again");
    return std::optional<ClusterPeer>(found->second);
}

Result<std::vector<ClusterPeer>> ClusterMember::peers()
{
    std::vector<ClusterPeer> peers;
    for (std::int32_t p = 0; p < m_partitionCount; ++p) {
        KAPPA_ASSIGN_OR_RETURN(std::optional<ClusterPeer> owner, ownerOf(PartitionId(p)));
        if (owner && std::none_of(peers.begin(), peers.end(), [&](const ClusterPeer &known) {
                return known.instanceId == owner->instanceId;
            }))
            peers.push_back(std::move(*owner));
    }
    return peers;
}

Status ClusterMember::refreshOwners()
{
    std::lock_guard refresh(m_refreshMutex);
    {
        // Requests that waited here for another's refresh take its result.
        std::lock_guard lock(m_mutex);
        if (std::chrono::steady_clock::now() - m_ownersAt < kOwnersTtl)
            return Status::ok();
    }
    KAPPA_ASSIGN_OR_RETURN(std::vector<kafka::GroupMemberDescription> members, m_member->describeGroup());
    std::map<std::string, std::string> urls;
    KAPPA_RETURN_IF_ERROR(m_transport->read(m_registryTopic, PartitionId(0),
                                            [&](std::string_view id, std::optional<std::string_view> url) {
                                                if (url)
                                                    urls[std::string(id)] = std::string(*url);
                                                else
                                                    urls.erase(std::string(id));
                                            }));
    std::map<std::int32_t, ClusterPeer> owners;
    for (const kafka::GroupMemberDescription &member : members) {
        const auto url = urls.find(member.instanceId);
        if (member.instanceId == m_instanceId || url == urls.end())
            continue;
        for (PartitionId p : member.partitions)
            owners[p.value()] = ClusterPeer{member.instanceId, url->second};
    }
    std::lock_guard lock(m_mutex);
    m_owners = std::move(owners);
    m_ownersAt = std::chrono::steady_clock::now();
    return Status::ok();
}

void ClusterMember::setBeforeRevoke(std::function<void(const std::vector<PartitionId> &)> hook)
{
    std::lock_guard lock(m_mutex);
    m_beforeRevoke = std::move(hook);
}

void ClusterMember::onRevoked(const std::vector<PartitionId> &partitions)
{
    std::function<void(const std::vector<PartitionId> &)> beforeRevoke;
    {
        std::lock_guard lock(m_mutex);
        beforeRevoke = m_beforeRevoke;
    }
    if (beforeRevoke)
        beforeRevoke(partitions);
    std::set<PartitionId> owned;
    {
        std::lock_guard lock(m_mutex);
        owned = m_owned;
    }
    for (PartitionId p : partitions)
        owned.erase(p);
    moveTo(std::move(owned), "partitions revoked", partitions);
}

void ClusterMember::onAssigned(const std::vector<PartitionId> &partitions)
{
    // Fence the previous owners before anything of these partitions is read
    // (the versions' restore) or written.
    for (PartitionId p : partitions)
        if (Status claimed = m_transport->claim(p); !claimed.isOk())
            m_logger.error("cannot claim a changelog partition",
                           {{"partition", p.value()}, {"error", claimed.toString()}});
    std::set<PartitionId> owned;
    {
        std::lock_guard lock(m_mutex);
        owned = m_owned;
    }
    owned.insert(partitions.begin(), partitions.end());
    moveTo(std::move(owned), "partitions assigned", partitions);
}

void ClusterMember::onLost(const std::vector<PartitionId> &partitions)
{
    // Another instance may already run them from the changelog: stop them
    // without publishing, or a late final checkpoint of ours would overwrite
    // the new owner's. (Their local state stays at our last checkpoint; the
    // changelog is newer when they come back.)
    m_logger.warn("group membership lost", {{"partitions", partitionList(partitions)}});
    m_replication->setPublishing(false);
    onRevoked(partitions);
    m_replication->setPublishing(true);
}

void ClusterMember::moveTo(std::set<PartitionId> owned, const char *why,
                           const std::vector<PartitionId> &changed)
{
    const std::vector<PartitionId> list(owned.begin(), owned.end());
    const auto started = std::chrono::steady_clock::now();
    const Status moved = m_fleet.reassign(list);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now()
                                                                              - started)
                            .count();
    {
        std::lock_guard lock(m_mutex);
        m_owned = std::move(owned);
        m_ownersAt = {}; // the others' share changed too: ask the group again
    }
    if (moved.isOk())
        m_logger.info(why,
                      {{"changed", partitionList(changed)}, {"owned", partitionList(list)}, {"ms", millis}});
    else
        m_logger.error(why, {{"changed", partitionList(changed)},
                             {"owned", partitionList(list)},
                             {"error", moved.toString()}});
}

} // namespace kappa::service
