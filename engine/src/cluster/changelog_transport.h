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
    // Makes this process the only writer of `partition` (of every changelog
    // topic): whoever claimed it before is fenced (its unfinished write is
    // aborted and its later ones fail), so two owners of a partition can
    // never both write its changelog. Called before a partition is read to
    // take it over.
    virtual Status claim(PartitionId partition) = 0;
    // Appends entries to one partition, all visible together or none.
    // FailedPrecondition if this process has not claimed the partition, or
    // another one has claimed it since.
    virtual Status write(std::string_view topic, PartitionId partition,
                         std::span<const ChangelogEntry> entries)
        = 0;
    // The same for a topic no partition owner writes (the instance
    // registry), with this process's own writer; needs no claim.
    virtual Status writeAsInstance(std::string_view topic, PartitionId partition,
                                   std::span<const ChangelogEntry> entries)
        = 0;
    // Every committed entry of the partition from position `from` on, in the
    // order written (compaction may have dropped entries superseded by later
    // ones of the same key); returns the position to go on from next time.
    // NotFound if the topic does not exist.
    virtual Result<Offset> readFrom(
        std::string_view topic, PartitionId partition, Offset from,
        const std::function<void(std::string_view key, std::optional<std::string_view> value)> &visit)
        = 0;
    // The whole partition.
    Status read(std::string_view topic, PartitionId partition,
                const std::function<void(std::string_view key, std::optional<std::string_view> value)> &visit)
    {
        return readFrom(topic, partition, Offset(0), visit).status();
    }
};

} // namespace kappa::cluster
