#include "views/metrics_view.h"

#include "kappa/file_system.h"
#include "sqlite/sqlite_db.h"

namespace kappa::views {
namespace {

using sqlite::Statement;

constexpr const char *kSchema = R"sql(
    CREATE TABLE IF NOT EXISTS metrics_partials (
        window_start_ms     INTEGER NOT NULL,  -- floor(ts_ms / 60000) * 60000
        category_id         INTEGER NOT NULL,  -- 0 = all categories
        country             TEXT NOT NULL,     -- '' = all countries
        source_partition    INTEGER NOT NULL,
        position_offset     INTEGER NOT NULL,  -- source offset the counts reflect
        views               INTEGER NOT NULL,
        cart_adds           INTEGER NOT NULL,
        checkouts           INTEGER NOT NULL,
        orders              INTEGER NOT NULL,
        gmv_cents           INTEGER NOT NULL,
        sessions            INTEGER NOT NULL,
        purchasing_sessions INTEGER NOT NULL,
        PRIMARY KEY (window_start_ms, category_id, country, source_partition)
    ) WITHOUT ROWID;
    CREATE VIEW IF NOT EXISTS business_metrics AS
        SELECT window_start_ms, category_id, country,
               SUM(views) AS views, SUM(cart_adds) AS cart_adds, SUM(checkouts) AS checkouts,
               SUM(orders) AS orders, SUM(gmv_cents) AS gmv_cents, SUM(sessions) AS sessions,
               SUM(purchasing_sessions) AS purchasing_sessions
        FROM metrics_partials
        GROUP BY window_start_ms, category_id, country;
)sql";

// The never-backwards rule lives in the upsert: an older partial changes nothing.
constexpr const char *kUpsertConflict = R"sql(
    ON CONFLICT (window_start_ms, category_id, country, source_partition) DO UPDATE SET
        position_offset = excluded.position_offset, views = excluded.views,
        cart_adds = excluded.cart_adds, checkouts = excluded.checkouts, orders = excluded.orders,
        gmv_cents = excluded.gmv_cents, sessions = excluded.sessions,
        purchasing_sessions = excluded.purchasing_sessions
    WHERE excluded.position_offset >= metrics_partials.position_offset
)sql";
constexpr int kColumns = 12;
// Rows per upsert statement: one statement per row spent more in SQLite's
// per-statement work (start, halt, reset) than in the B-tree. A write's
// partials are one partition's, so no two rows of a statement conflict.
constexpr std::size_t kRowsPerUpsert = 32;

std::string upsertOf(std::size_t rows)
{
    std::string sql = "INSERT INTO metrics_partials VALUES ";
    for (std::size_t i = 0; i < rows; ++i)
        sql += i == 0 ? "(?,?,?,?,?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?,?,?,?,?)";
    return sql + kUpsertConflict;
}

// Binds p as the row starting at parameter `first` (1-based).
Status bindPartial(Statement &stmt, const MetricsPartial &p, int first)
{
    const MetricsCounts &c = p.counts;
    const std::int64_t values[kColumns]
        = {p.windowStartMs,    p.categoryId, 0,          p.sourcePartition.value(),
           p.position.value(), c.views,      c.cartAdds, c.checkouts,
           c.orders,           c.gmvCents,   c.sessions, c.purchasingSessions};
    for (int i = 0; i < kColumns; ++i) {
        if (i == 2)
            KAPPA_RETURN_IF_ERROR(stmt.bind(first + i, p.country));
        else
            KAPPA_RETURN_IF_ERROR(stmt.bind(first + i, values[i]));
    }
    return Status::ok();
}

// Upserts partials with one statement (rows.size() <= kRowsPerUpsert).
Status upsertChunk(Statement &stmt, std::span<const MetricsPartial> rows)
{
    for (std::size_t i = 0; i < rows.size(); ++i)
        KAPPA_RETURN_IF_ERROR(bindPartial(stmt, rows[i], static_cast<int>(i) * kColumns + 1));
    return stmt.run();
}

} // namespace

struct MetricsView::WriterCount
{
    explicit WriterCount(std::atomic<int> &writers)
        : m_writers(writers)
    {
        m_writers.fetch_add(1, std::memory_order_relaxed);
    }
    ~WriterCount() { m_writers.fetch_sub(1, std::memory_order_relaxed); }
    WriterCount(const WriterCount &) = delete;
    WriterCount &operator=(const WriterCount &) = delete;

private:
    std::atomic<int> &m_writers;
};

MetricsView::MetricsView(std::unique_ptr<sqlite::SqliteDb> db, bool readOnly)
    : m_db(std::move(db))
    , m_readOnly(readOnly)
{}

MetricsView::~MetricsView() = default;

Result<std::unique_ptr<MetricsView>> MetricsView::open(const std::string &path)
{
    // Every call holds m_mutex: SQLite need not lock the connection again.
    KAPPA_ASSIGN_OR_RETURN(auto db, sqlite::SqliteDb::open(path, sqlite::Locking::ByCaller));
    // Derived data: after a crash the job replays from its checkpoint, so the
    // view needs consistency (WAL gives it) but not durability of each commit.
    KAPPA_RETURN_IF_ERROR(db->exec("PRAGMA synchronous=NORMAL"));
    // SQLite checkpoints the WAL into the database file when it reaches this
    // many pages (64 MiB), inside a write() on a task's thread, with an fsync;
    // its default of 1000 pages did that many times between two runtime
    // checkpoints. sync() does not need it (see there).
    KAPPA_RETURN_IF_ERROR(db->exec("PRAGMA wal_autocheckpoint=16384"));
    KAPPA_RETURN_IF_ERROR(db->exec(kSchema).withContext("creating metrics view " + path));
    std::int64_t syncCount = 0; // each sync() writes a new value (see there)
    {
        KAPPA_ASSIGN_OR_RETURN(Statement syncs, db->prepare("PRAGMA user_version"));
        KAPPA_ASSIGN_OR_RETURN(const bool hasRow, syncs.step());
        syncCount = hasRow ? syncs.columnInt(0) : 0;
    }
    std::unique_ptr<MetricsView> view(new MetricsView(std::move(db), false));
    view->m_syncs = syncCount;
    return view;
}

Result<std::unique_ptr<MetricsView>> MetricsView::openReadOnly(const std::string &path)
{
    // Read-only at the SQLite level, not just query_only: a reader racing with
    // a rebuild that deletes the files must neither create an empty database
    // beside the old WAL nor checkpoint that WAL into the new one on close.
    if (!FileSystem::posix().exists(path))
        return Status::notFound("metrics view " + path + " does not exist");
    KAPPA_ASSIGN_OR_RETURN(auto db, sqlite::SqliteDb::openReadOnly(path, sqlite::Locking::ByCaller));
    KAPPA_ASSIGN_OR_RETURN(Statement stmt,
                           db->prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'business_metrics'"));
    KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row || stmt.columnInt(0) == 0)
        return Status::notFound("database " + path + " holds no metrics view");
    return std::unique_ptr<MetricsView>(new MetricsView(std::move(db), true));
}

Status MetricsView::checkWritable() const
{
    if (m_readOnly)
        return Status::failedPrecondition("metrics view " + m_db->path() + " is open read-only");
    return Status::ok();
}

Status MetricsView::destroy(const std::string &path)
{
    FileSystem &fs = FileSystem::posix();
    for (const std::string &file : {path, path + "-wal", path + "-shm"}) {
        if (fs.exists(file))
            KAPPA_RETURN_IF_ERROR(fs.removeFile(file));
    }
    return Status::ok();
}

// Preparing a 32-row upsert parses and compiles ~400 parameters: a live
// task writes a few rows many times a second, and preparing on each write
// cost about as much as the rows. At most kRowsPerUpsert statements are kept.
Result<Statement *> MetricsView::upsertStatement(std::size_t rows)
{
    if (const auto found = m_upserts.find(rows); found != m_upserts.end())
        return found->second.get();
    KAPPA_ASSIGN_OR_RETURN(Statement prepared, m_db->prepare(upsertOf(rows)));
    auto stored = std::make_unique<Statement>(std::move(prepared));
    return m_upserts.emplace(rows, std::move(stored)).first->second.get();
}

Status MetricsView::write(std::span<const MetricsPartial> partials)
{
    KAPPA_RETURN_IF_ERROR(checkWritable());
    const WriterCount counted(m_writers);
    std::lock_guard lock(m_mutex);
    Status written = m_db->transaction([&]() -> Status {
        const std::size_t whole = partials.size() / kRowsPerUpsert * kRowsPerUpsert;
        if (whole > 0) {
            KAPPA_ASSIGN_OR_RETURN(Statement * upsert, upsertStatement(kRowsPerUpsert));
            for (std::size_t i = 0; i < whole; i += kRowsPerUpsert)
                KAPPA_RETURN_IF_ERROR(upsertChunk(*upsert, partials.subspan(i, kRowsPerUpsert)));
        }
        if (whole < partials.size()) {
            KAPPA_ASSIGN_OR_RETURN(Statement * upsert, upsertStatement(partials.size() - whole));
            KAPPA_RETURN_IF_ERROR(upsertChunk(*upsert, partials.subspan(whole)));
        }
        return Status::ok();
    });
    if (!written.isOk())
        m_upserts.clear(); // a statement that failed half-way is not reused: prepared afresh next time
    return written;
}

Status MetricsView::sync()
{
    KAPPA_RETURN_IF_ERROR(checkWritable());
    const WriterCount counted(m_writers);
    std::lock_guard lock(m_mutex);
    // Why one synced commit rather than synchronous=FULL for every write:
    // write() runs for every batch a task emits, and FULL would fsync the WAL
    // on each of them, while sync() runs once per runtime checkpoint. In WAL
    // mode a commit under synchronous=FULL fsyncs the WAL file, which makes
    // every frame before it durable too (recovery replays the WAL up to its
    // last valid commit), so one tiny commit under FULL is enough. It writes
    // the header page (user_version, unused otherwise, counts the syncs).
    // Unlike a checkpoint into the database file, it neither copies pages nor
    // waits for readers on older snapshots, so it is quick and never blocked;
    // SQLite's automatic checkpoints move the WAL into the database file.
    KAPPA_RETURN_IF_ERROR(m_db->exec("PRAGMA synchronous=FULL"));
    Status committed = m_db->exec("PRAGMA user_version=" + std::to_string(++m_syncs % kSyncCountWrap));
    const Status restored = m_db->exec("PRAGMA synchronous=NORMAL");
    KAPPA_RETURN_IF_ERROR(committed.withContext("syncing metrics view " + m_db->path()));
    return restored;
}

Result<std::vector<MetricsRow>> MetricsView::query(const MetricsQuery &q,
                                                   std::optional<std::size_t> maxRows) const
{
    std::lock_guard lock(m_mutex);
    // With a partition filter the sums are those of the business_metrics
    // view over the chosen partitions' partials only.
    std::string sql = "SELECT window_start_ms, category_id, country, views, cart_adds, checkouts, "
                      "orders, gmv_cents, sessions, purchasing_sessions FROM business_metrics "
                      "WHERE window_start_ms >= ? AND window_start_ms < ? "
                      "AND (? = 0 OR category_id = ?) AND (? = 0 OR country = ?) "
                      "ORDER BY window_start_ms, category_id, country";
    if (q.sourcePartitions) {
        std::string in;
        for (PartitionId p : *q.sourcePartitions) // integers: nothing to escape
            in += (in.empty() ? "" : ",") + std::to_string(p.value());
        sql = "SELECT window_start_ms, category_id, country, SUM(views), SUM(cart_adds), SUM(checkouts), "
              "SUM(orders), SUM(gmv_cents), SUM(sessions), SUM(purchasing_sessions) FROM metrics_partials "
              "WHERE window_start_ms >= ? AND window_start_ms < ? "
              "AND (? = 0 OR category_id = ?) AND (? = 0 OR country = ?) AND source_partition IN ("
              + in
              + ") GROUP BY window_start_ms, category_id, country ORDER BY window_start_ms, category_id, "
                "country";
    }
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, m_db->prepare(sql));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, q.fromMs));
    KAPPA_RETURN_IF_ERROR(stmt.bind(2, q.toMs));
    KAPPA_RETURN_IF_ERROR(stmt.bind(3, std::int64_t{q.categoryId.has_value()}));
    KAPPA_RETURN_IF_ERROR(stmt.bind(4, std::int64_t{q.categoryId.value_or(0)}));
    KAPPA_RETURN_IF_ERROR(stmt.bind(5, std::int64_t{q.country.has_value()}));
    KAPPA_RETURN_IF_ERROR(stmt.bind(6, std::string_view(q.country ? *q.country : std::string())));
    std::vector<MetricsRow> rows;
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(const bool more, stmt.step());
        if (!more || (maxRows && rows.size() >= *maxRows))
            return rows;
        MetricsRow row;
        row.windowStartMs = stmt.columnInt(0);
        row.categoryId = static_cast<std::int32_t>(stmt.columnInt(1));
        row.country = stmt.columnText(2);
        row.counts = {stmt.columnInt(3), stmt.columnInt(4), stmt.columnInt(5), stmt.columnInt(6),
                      stmt.columnInt(7), stmt.columnInt(8), stmt.columnInt(9)};
        rows.push_back(std::move(row));
    }
}

Result<std::int64_t> MetricsView::rowCount() const
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, m_db->prepare("SELECT COUNT(*) FROM business_metrics"));
    KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
    return row ? stmt.columnInt(0) : 0;
}

Result<std::vector<MetricsPartial>> MetricsView::partialsOf(PartitionId sourcePartition) const
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(Statement stmt,
                           m_db->prepare(
                               "SELECT window_start_ms, category_id, country, position_offset, views, "
                               "cart_adds, checkouts, orders, gmv_cents, sessions, purchasing_sessions "
                               "FROM metrics_partials WHERE source_partition = ? "
                               "ORDER BY window_start_ms, category_id, country"));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, std::int64_t{sourcePartition.value()}));
    std::vector<MetricsPartial> partials;
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(const bool more, stmt.step());
        if (!more)
            return partials;
        MetricsPartial &p = partials.emplace_back();
        p.windowStartMs = stmt.columnInt(0);
        p.categoryId = static_cast<std::int32_t>(stmt.columnInt(1));
        p.country = stmt.columnText(2);
        p.sourcePartition = sourcePartition;
        p.position = Offset(stmt.columnInt(3));
        p.counts = {stmt.columnInt(4), stmt.columnInt(5), stmt.columnInt(6), stmt.columnInt(7),
                    stmt.columnInt(8), stmt.columnInt(9), stmt.columnInt(10)};
    }
}

} // namespace kappa::views
