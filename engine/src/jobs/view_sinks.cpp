#include "jobs/view_sinks.h"

#include "pipelines/job_tasks.h"

#include <algorithm>

namespace kappa::jobs {

Status KeyValueRowSink::write(std::span<const pipelines::RowWrite> rows)
{
    if (rows.empty())
        return Status::ok();
    // In key order: RocksDB's memtable then inserts each key next to the
    // previous one instead of searching its skip list from the top (that
    // search was the largest cost of writing a batch of rows in random order).
    std::vector<const pipelines::RowWrite *> sorted;
    sorted.reserve(rows.size());
    for (const pipelines::RowWrite &row : rows)
        sorted.push_back(&row);
    std::sort(sorted.begin(), sorted.end(), [](const auto *a, const auto *b) { return a->id < b->id; });
    std::vector<pipelines::EntityKey> keys;
    keys.reserve(rows.size());
    std::vector<views::ViewWrite> writes;
    writes.reserve(rows.size());
    for (const pipelines::RowWrite *row : sorted) {
        keys.emplace_back(row->id);
        writes.push_back({keys.back().view(), {row->partition, row->position}, row->row});
    }
    return m_view.write(writes);
}

Status KeyValueRowSink::sync()
{
    return m_view.sync();
}

Status ScoreRowSink::write(std::span<const pipelines::RowWrite> rows)
{
    std::vector<views::ScoreWrite> writes;
    writes.reserve(rows.size());
    for (const pipelines::RowWrite &row : rows)
        writes.push_back({row.id, {row.partition, row.position}, row.row});
    m_cache.write(writes);
    return Status::ok();
}

Status MetricsViewSink::write(PartitionId sourcePartition, Offset position,
                              std::span<const pipelines::MetricsRow> rows)
{
    std::vector<views::MetricsPartial> partials;
    partials.reserve(rows.size());
    for (const pipelines::MetricsRow &row : rows) {
        views::MetricsPartial &partial = partials.emplace_back();
        partial.windowStartMs = row.windowStartMs;
        // Country rows are the all-categories row of one country; category rows are all countries ('').
        const bool byCountry = row.dimension == pipelines::MetricsDimension::Country;
        partial.categoryId = byCountry ? 0 : row.categoryId;
        partial.country = byCountry ? row.country : std::string();
        partial.sourcePartition = sourcePartition;
        partial.position = position;
        partial.counts = {row.views,    row.cartAdds, row.checkouts,         row.orders,
                          row.gmvCents, row.sessions, row.purchasingSessions};
    }
    return m_view.write(partials);
}

Status MetricsViewSink::sync()
{
    return m_view.sync();
}

bool MetricsViewSink::busy() const
{
    return m_view.busy();
}

} // namespace kappa::jobs
