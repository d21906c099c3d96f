#include "sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <mutex>

namespace kappa::sqlite {
namespace {

// Writers wait this long for another connection's write lock before giving up.
constexpr int kBusyTimeoutMs = 5000;

} // namespace

Statement::Statement(SqliteDb &db, sqlite3_stmt *stmt)
    : m_db(db)
    , m_stmt(stmt)
{}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement &&other) noexcept
    : m_db(other.m_db)
    , m_stmt(other.m_stmt)
{
    other.m_stmt = nullptr;
}

Status Statement::bind(int index, std::int64_t value)
{
    const int rc = sqlite3_bind_int64(m_stmt, index, value);
    return rc == SQLITE_OK ? Status::ok() : m_db.error(rc, "binding a parameter");
}

Status Statement::bindReal(int index, double value)
{
    const int rc = sqlite3_bind_double(m_stmt, index, value);
    return rc == SQLITE_OK ? Status::ok() : m_db.error(rc, "binding a parameter");
}

Status Statement::bindNull(int index)
{
    const int rc = sqlite3_bind_null(m_stmt, index);
    return rc == SQLITE_OK ? Status::ok() : m_db.error(rc, "binding a parameter");
}

Status Statement::bind(int index, std::string_view text)
{
    const int rc = sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()),
                                     SQLITE_TRANSIENT);
    return rc == SQLITE_OK ? Status::ok() : m_db.error(rc, "binding a parameter");
}

Result<bool> Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    return m_db.error(rc, sqlite3_sql(m_stmt));
}

Status Statement::run()
{
    KAPPA_ASSIGN_OR_RETURN(const bool row, step());
    if (row)
        return Status::internal(std::string("statement returned rows unexpectedly: ") + sqlite3_sql(m_stmt));
    // Ready to bind and run again (batched upserts reuse one prepared statement).
    sqlite3_reset(m_stmt);
    return Status::ok();
}

std::int64_t Statement::columnInt(int index) const
{
    return sqlite3_column_int64(m_stmt, index);
}

double Statement::columnReal(int index) const
{
    return sqlite3_column_double(m_stmt, index);
}

std::string Statement::columnText(int index) const
{
    const auto *text = sqlite3_column_text(m_stmt, index);
    const int size = sqlite3_column_bytes(m_stmt, index);
    return text ? std::string(reinterpret_cast<const char *>(text), static_cast<std::size_t>(size))
                : std::string();
}

ColumnType Statement::columnType(int index) const
{
    switch (sqlite3_column_type(m_stmt, index)) {
    case SQLITE_INTEGER: return ColumnType::Integer;
    case SQLITE_FLOAT: return ColumnType::Real;
    case SQLITE_TEXT: return ColumnType::Text;
    case SQLITE_BLOB: return ColumnType::Blob;
    default: return ColumnType::Null;
    }
}

SqliteDb::SqliteDb(sqlite3 *db, std::string path)
    : m_db(db)
    , m_path(std::move(path))
{}

SqliteDb::~SqliteDb()
{
    sqlite3_close_v2(m_db);
}

namespace {

// SQLite's memory statistics take a global mutex on every allocation, and
// nothing here reads them; they can only be turned off before SQLite is
// initialized (later, sqlite3_config refuses, which changes nothing else).
void turnOffMemoryStatistics()
{
    static std::once_flag once;
    std::call_once(once, [] { (void) sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

int lockingFlag(Locking locking)
{
    return locking == Locking::ByCaller ? SQLITE_OPEN_NOMUTEX : SQLITE_OPEN_FULLMUTEX;
}

} // namespace

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string &path, Locking locking)
{
    turnOffMemoryStatistics();
    sqlite3 *handle = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | lockingFlag(locking);
    const int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
    std::unique_ptr<SqliteDb> db(new SqliteDb(handle, path));
    if (rc != SQLITE_OK)
        return db->error(rc, "opening " + path);
    sqlite3_extended_result_codes(handle, 1);
    sqlite3_busy_timeout(handle, kBusyTimeoutMs);
    // WAL lets readers (kappad serving, kappactl inspecting) run beside a writer.
    // synchronous=FULL: in WAL mode NORMAL may lose the last commits on power
    // loss, and a lost schema registration would leave logged records whose
    // schema id no longer exists. Catalog writes are rare, so FULL costs little.
    KAPPA_ASSIGN_OR_RETURN(Statement journal, db->prepare("PRAGMA journal_mode=WAL"));
    KAPPA_ASSIGN_OR_RETURN(const bool hasRow, journal.step());
    if (!hasRow || journal.columnText(0) != "wal")
        return Status::internal("database " + path + ": cannot switch to WAL journal mode");
    KAPPA_RETURN_IF_ERROR(db->exec("PRAGMA synchronous=FULL"));
    KAPPA_RETURN_IF_ERROR(db->exec("PRAGMA foreign_keys=ON"));
    return db;
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::openReadOnly(const std::string &path, Locking locking)
{
    turnOffMemoryStatistics();
    sqlite3 *handle = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READONLY | lockingFlag(locking),
                                   nullptr);
    std::unique_ptr<SqliteDb> db(new SqliteDb(handle, path));
    if (rc != SQLITE_OK)
        return db->error(rc, "opening " + path + " read-only");
    sqlite3_extended_result_codes(handle, 1);
    sqlite3_busy_timeout(handle, kBusyTimeoutMs);
    return db;
}

Status SqliteDb::exec(const std::string &sql)
{
    char *message = nullptr;
    const int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message);
    if (rc == SQLITE_OK)
        return Status::ok();
    std::string text = message ? message : "";
    sqlite3_free(message);
    return error(rc, text.empty() ? sql : text);
}

Result<Statement> SqliteDb::prepare(std::string_view sql)
{
    sqlite3_stmt *stmt = nullptr;
    const int rc = sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return error(rc, "preparing " + std::string(sql));
    }
    return Statement(*this, stmt);
}

Status SqliteDb::transaction(const std::function<Status()> &body)
{
    return inTransaction("BEGIN IMMEDIATE", body);
}

Status SqliteDb::readTransaction(const std::function<Status()> &body)
{
    return inTransaction("BEGIN DEFERRED", body);
}

Status SqliteDb::inTransaction(const char *begin, const std::function<Status()> &body)
{
    KAPPA_RETURN_IF_ERROR(exec(begin));
    Status status = body();
    if (status.isOk())
        status = exec("COMMIT");
    if (!status.isOk())
        exec("ROLLBACK").ignore(); // the transaction may already be gone; the first error is what matters
    return status;
}

Status SqliteDb::error(int rc, std::string_view what) const
{
    const std::string message = "database " + m_path + ": " + std::string(what) + ": "
                                + (m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc));
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Status::unavailable(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Status::corruption(message);
    case SQLITE_FULL: return Status::resourceExhausted(message);
    case SQLITE_CONSTRAINT: return Status::aborted(message + " (changed concurrently? reopen and retry)");
    case SQLITE_CANTOPEN: return Status::unavailable(message);
    default: return Status::internal(message);
    }
}

} // namespace kappa::sqlite
