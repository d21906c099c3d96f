// ChangelogTransport: where ChangelogReplication keeps its changelogs: topics
// of partitions holding the latest value of each key, written atomically per
// call. KafkaChangelogTransport is the real one (compacted topics,
// transactions); tests may use one in memory.
#pragma once

#include "kappa/status.h"
#include "kappa/types.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kappa::cluster {

struct ChangelogEntry
{
    std::string key;
    std::optional<std::string> value; // nullopt: the key is deleted
};

class ChangelogTransport
{
public:
    virtual ~ChangelogTransport() = default;
    // Creates the topic if missing (Ok if it exists with this many partitions).
    virtual Status createTopic(std::string_view topic, std::int32_t partitions) = 0;
    // Appends entries to one partition, all visible together or none.
    virtual Status write(std::string_view topic, PartitionId partition,
                         std::span<const ChangelogEntry> entries)
        = 0;
    // Every committed entry of the partition in the order written (compaction
    // may have dropped entries superseded by later ones of the same key).
    virtual Status read(
        std::string_view topic, PartitionId partition,
        const std::function<void(std::string_view key, std::optional<std::string_view> value)> &visit)
        = 0;
};

} // namespace kappa::cluster
