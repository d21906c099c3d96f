// MetricsView: the business-metrics view of one job version, an SQLite
// database (e.g. <data>/views/business_metrics@v1.db) that analysts can also
// open directly. Its schema:
//
//   metrics_partials  one row per (window_start_ms, category_id, country,
//                     source_partition): the counts that partition's task has
//                     seen for that window, and the source offset they reflect.
//   business_metrics  a SQL view summing the partials over partitions: one row
//                     per (window_start_ms, category_id, country) with views,
//                     cart_adds, checkouts, orders, gmv_cents, sessions,
//                     purchasing_sessions. category_id 0 is all categories;
//                     country '' is all countries (jobs without that dimension
//                     write only '').
//
// Partials add up exactly because the log is partitioned by user and a session
// belongs to one user, so no session is counted by two partitions.
//
// Contracts: a partial whose offset is older than the stored one is ignored
// (views never go backwards); write() applies a whole batch atomically; reads
// see whole batches only. Writes are not synced (derived data); sync() makes
// every write so far durable, for the runtime to call before it commits a
// checkpoint. openReadOnly() gives a connection that refuses every write,
// usable while another process writes (SQLite's WAL lets readers run beside
// the writer); each query sees the latest committed batch.
// Threading: thread-safe (one connection, serialized by a mutex).
#pragma once

#include "kappa/status.h"
#include "kappa/types.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kappa::sqlite {
class SqliteDb;
class Statement;
} // namespace kappa::sqlite

namespace kappa::views {

struct MetricsCounts
{
    std::int64_t views = 0;
    std::int64_t cartAdds = 0;
    std::int64_t checkouts = 0;
    std::int64_t orders = 0;
    std::int64_t gmvCents = 0;
    std::int64_t sessions = 0;
    std::int64_t purchasingSessions = 0;

    bool operator==(const MetricsCounts &) const = default;
};

struct MetricsPartial
{
    std::int64_t windowStartMs = 0;
    std::int32_t categoryId = 0;
    std::string country; // "" when the job has no country dimension
    PartitionId sourcePartition;
    Offset position; // the source offset these counts reflect
    MetricsCounts counts;
};

struct MetricsRow
{
    std::int64_t windowStartMs = 0;
    std::int32_t categoryId = 0;
    std::string country;
    MetricsCounts counts;

    bool operator==(const MetricsRow &) const = default;
};

struct MetricsQuery
{
    std::int64_t fromMs = 0; // window_start_ms >= fromMs
    std::int64_t toMs = 0;   // window_start_ms < toMs
    std::optional<std::int32_t> categoryId;
    std::optional<std::string> country;
    // Only the partials of these source partitions (an instance of a cluster
    // answers for the partitions it owns); nullopt: every partition.
    std::optional<std::vector<PartitionId>> sourcePartitions;
};

class MetricsView
{
public:
    // Opens or creates the view database at `path`.
    static Result<std::unique_ptr<MetricsView>> open(const std::string &path);
    // Opens an existing view for queries only; write() and sync() then fail
    // with FailedPrecondition. NotFound if `path` does not exist or holds no
    // metrics view.
    static Result<std::unique_ptr<MetricsView>> openReadOnly(const std::string &path);
    // Deletes the database (and its WAL files); ok if absent.
    static Status destroy(const std::string &path);

    ~MetricsView();
    MetricsView(const MetricsView &) = delete;
    MetricsView &operator=(const MetricsView &) = delete;

    Status write(std::span<const MetricsPartial> partials);
    // True while a write() or sync() runs or waits for another: SQLite takes
    // one writer at a time, so a caller with something else to do can do that first.
    bool busy() const { return m_writers.load(std::memory_order_relaxed) > 0; }
    // Returns once every write that returned before the call is durable (in
    // the WAL or the database file). A failure means the state on disk is
    // unknown and no checkpoint may rely on it.
    Status sync();
    // Rows ordered by window_start_ms, category_id, country.
    // At most `maxRows` rows (the first ones in order) if given.
    Result<std::vector<MetricsRow>> query(const MetricsQuery &query,
                                          std::optional<std::size_t> maxRows = std::nullopt) const;
    Result<std::int64_t> rowCount() const;
    // Every partial row one source partition has written, in key order.
    Result<std::vector<MetricsPartial>> partialsOf(PartitionId sourcePartition) const;

private:
    MetricsView(std::unique_ptr<sqlite::SqliteDb> db, bool readOnly);
    Status checkWritable() const;
    Result<sqlite::Statement *> upsertStatement(std::size_t rows);
    std::unique_ptr<sqlite::SqliteDb> m_db;
    const bool m_readOnly;
    mutable std::mutex m_mutex;
    // Prepared upserts by their number of rows, kept across writes (declared
    // after m_db: finalized before it closes). Guarded by m_mutex.
    std::map<std::size_t, std::unique_ptr<sqlite::Statement>> m_upserts;
    static constexpr std::int64_t kSyncCountWrap = 1'000'000'000; // user_version is 32-bit
    std::int64_t m_syncs = 0;                                     // guarded by m_mutex
    std::atomic<int> m_writers{0}; // in write() or sync(), holding or awaiting m_mutex
    struct WriterCount;            // counts a write() or sync() in m_writers for its duration
};

} // namespace kappa::views
