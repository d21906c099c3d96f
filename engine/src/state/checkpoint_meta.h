// What a task records with each checkpoint besides its keyed state: where it
// is in its inputs and outputs. Written in the same atomic RocksDB batch as
// the state, so the positions and the state always describe the same moment.
//
// The binary encoding is versioned and documented in README.md ("Checkpoint
// metadata format"); decodeCheckpointMeta is the only reader.
#pragma once

#include "kappa/status.h"
#include "kappa/types.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::state {

// Identifies a task's namespace inside one job version's StateStore. The
// runtime assigns it (for example the input partition, or a stage and a
// partition packed together); the store only requires uniqueness per store.
using TaskId = StrongValue<struct TaskIdTag, std::uint32_t>;

// Position in one input partition: the next offset to read and the
// partition's event-time watermark at that point.
struct InputPosition
{
    std::string topic;
    PartitionId partition;
    Offset nextOffset;
    EventTime watermark;

    bool operator==(const InputPosition &) const = default;
};

// Position in one output the task writes (a rekey topic partition, a view):
// what the runtime needs to avoid duplicating or skipping output on restart.
struct OutputPosition
{
    std::string name;
    PartitionId partition;
    Offset position;

    bool operator==(const OutputPosition &) const = default;
};

struct CheckpointMeta
{
    // Assigned by TaskState::checkpoint: 1 for a task's first checkpoint, +1 each time.
    std::uint64_t sequence = 0;
    std::vector<InputPosition> inputs;
    std::vector<OutputPosition> outputs;
    // Opaque bytes the runtime may add (e.g. timers); stored as-is.
    std::string blob;

    bool operator==(const CheckpointMeta &) const = default;
};

// Appends the current-version encoding of meta to out.
void encodeCheckpointMeta(const CheckpointMeta &meta, std::string &out);

// Decodes any supported version. Corruption for a bad checksum, an unknown
// version, a truncated field or trailing bytes.
Result<CheckpointMeta> decodeCheckpointMeta(std::string_view data);

} // namespace kappa::state
