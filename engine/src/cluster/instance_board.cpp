#include "cluster/instance_board.h"

namespace kappa::cluster {

InstanceBoard::InstanceBoard(std::shared_ptr<ChangelogTransport> transport, std::string topic)
    : m_transport(std::move(transport))
    , m_topic(std::move(topic))
{}

Status InstanceBoard::createTopic()
{
    return m_transport->createTopic(m_topic, 1);
}

Status InstanceBoard::post(const std::string &instance, const std::string &value)
{
    const ChangelogEntry entry{instance, value};
    return m_transport->writeAsInstance(m_topic, PartitionId(0), std::span(&entry, 1));
}

Result<std::map<std::string, std::string>> InstanceBoard::read()
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(m_next,
                           m_transport->readFrom(m_topic, PartitionId(0), m_next,
                                                 [&](std::string_view key,
                                                     std::optional<std::string_view> value) {
                                                     if (value)
                                                         m_values[std::string(key)] = std::string(*value);
                                                     else
                                                         m_values.erase(std::string(key));
                                                 }));
    return m_values;
}

} // namespace kappa::cluster
