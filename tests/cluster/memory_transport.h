// An in-memory ChangelogTransport for the cluster tests: topics of
// partitions of entries; every write is atomic under one mutex.
#pragma once

#include "cluster/changelog_transport.h"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace clustertest {

using kappa::PartitionId;
using kappa::Status;
using kappa::cluster::ChangelogEntry;

class MemoryTransport : public kappa::cluster::ChangelogTransport
{
public:
    Status createTopic(std::string_view topic, std::int32_t partitions) override
    {
        std::lock_guard lock(m_mutex);
        auto &parts = m_topics[std::string(topic)];
        if (parts.empty())
            parts.resize(static_cast<std::size_t>(partitions));
        return parts.size() == static_cast<std::size_t>(partitions)
                   ? Status::ok()
                   : Status::alreadyExists("topic with another partition count");
    }
    Status claim(PartitionId) override { return Status::ok(); } // one process: nothing to fence
    Status writeAsInstance(std::string_view topic, PartitionId partition,
                           std::span<const ChangelogEntry> entries) override
    {
        return write(topic, partition, entries);
    }
    Status write(std::string_view topic, PartitionId partition,
                 std::span<const ChangelogEntry> entries) override
    {
        std::lock_guard lock(m_mutex);
        if (failWrites)
            return Status::failedPrecondition("fenced: another instance claimed the partition");
        auto &part = m_topics.at(std::string(topic)).at(static_cast<std::size_t>(partition.value()));
        part.insert(part.end(), entries.begin(), entries.end());
        ++writes;
        return Status::ok();
    }
    kappa::Result<kappa::Offset> readFrom(
        std::string_view topic, PartitionId partition, kappa::Offset from,
        const std::function<void(std::string_view, std::optional<std::string_view>)> &visit) override
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_topics.find(std::string(topic));
        if (it == m_topics.end())
            return Status::notFound("no topic " + std::string(topic));
        const auto &part = it->second.at(static_cast<std::size_t>(partition.value()));
        for (auto i = static_cast<std::size_t>(from.value()); i < part.size(); ++i)
            visit(part[i].key, part[i].value ? std::optional<std::string_view>(*part[i].value) : std::nullopt);
        return kappa::Offset(static_cast<std::int64_t>(part.size()));
    }
    std::size_t writes = 0;
    bool failWrites = false; // as a fenced writer's

private:
    std::mutex m_mutex;
    std::map<std::string, std::vector<std::vector<ChangelogEntry>>> m_topics;
};

} // namespace clustertest
