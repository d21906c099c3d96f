// The pipelines' sinks implemented over the views module's stores. One sink
// serves every task of a job version, on several worker threads at once: a
// sink keeps no per-call state (the stores are thread-safe).
#pragma once

#include "pipelines/sinks.h"
#include "views/kv_view.h"
#include "views/metrics_view.h"
#include "views/score_cache.h"

#include <string>
#include <vector>

namespace kappa::jobs {

// Rows keyed by entity id into a RocksDB key-value view (key: pipelines::entityKey).
class KeyValueRowSink final : public pipelines::RowSink
{
public:
    explicit KeyValueRowSink(views::KeyValueView &view)
        : m_view(view)
    {}
    Status write(std::span<const pipelines::RowWrite> rows) override;
    Status sync() override;

private:
    views::KeyValueView &m_view;
};

// Rows into the in-memory score cache; nothing to sync (it is rebuilt from state).
class ScoreRowSink final : public pipelines::RowSink
{
public:
    explicit ScoreRowSink(views::ScoreCache &cache)
        : m_cache(cache)
    {}
    Status write(std::span<const pipelines::RowWrite> rows) override;
    Status sync() override { return Status::ok(); }

private:
    views::ScoreCache &m_cache;
};

// Partial metrics rows into the SQLite metrics view.
class MetricsViewSink final : public pipelines::MetricsSink
{
public:
    explicit MetricsViewSink(views::MetricsView &view)
        : m_view(view)
    {}
    Status write(PartitionId sourcePartition, Offset position,
                 std::span<const pipelines::MetricsRow> rows) override;
    Status sync() override;
    bool busy() const override;

private:
    views::MetricsView &m_view;
};

} // namespace kappa::jobs
