// Where the pipelines' tasks write their view rows. The views module
// implements these over its stores; the pipelines know only the interfaces
// (they sit below views in the module order).
//
// Every write carries the log position it reflects; a sink ignores a write
// older than what it holds, so a task may rewrite rows freely when it replays
// after a crash. Writes need not be durable until sync(), which a task calls
// before it commits a checkpoint.
#pragma once

#include "kappa/status.h"
#include "kappa/types.h"
#include "pipelines/business_metrics.h"

#include <cstdint>
#include <span>
#include <string>

namespace kappa::pipelines {

// One entity's row (a user's features, a card's or merchant's score) as canonical JSON.
struct RowWrite
{
    std::int64_t id = 0;
    PartitionId partition; // of the topic the task reads
    Offset position;       // the row reflects everything up to and including this position
    std::string row;
};

class RowSink
{
public:
    virtual ~RowSink() = default;
    virtual Status write(std::span<const RowWrite> rows) = 0;
    virtual Status sync() = 0;
};

class MetricsSink
{
public:
    virtual ~MetricsSink() = default;
    // One source partition's partial rows, reflecting that partition up to `position`.
    virtual Status write(PartitionId sourcePartition, Offset position, std::span<const MetricsRow> rows) = 0;
    virtual Status sync() = 0;
    // True while another task writes (or waits to): a task that is behind
    // then goes on processing and writes later, rather than wait its turn.
    virtual bool busy() const { return false; }
};

} // namespace kappa::pipelines
