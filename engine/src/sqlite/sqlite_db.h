// The one adapter around SQLite (used by control and views): RAII handles, and
// SQLite result codes turned into kappa::Status.
//
// Threading: a SqliteDb is opened in serialized mode unless its owner says it
// serializes every call itself (Locking::ByCaller); a Statement belongs to one
// thread at a time; callers that share a connection serialize their
// transactions themselves (Catalog and the metrics view do, with one mutex).
#pragma once

#include "kappa/status.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace kappa::sqlite {

class SqliteDb;

// The storage class of a value in a result column (SQLite's fundamental datatypes).
enum class ColumnType : std::uint8_t { Integer, Real, Text, Blob, Null };

class Statement
{
public:
    Statement(SqliteDb &db, sqlite3_stmt *stmt);
    ~Statement();
    Statement(Statement &&other) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    Statement &operator=(Statement &&) = delete;

    // Parameters are 1-based, as in SQLite.
    Status bind(int index, std::int64_t value);
    Status bind(int index, std::string_view text);
    Status bindReal(int index, double value);
    Status bindNull(int index);
    // true while a row is available, false when done.
    Result<bool> step();
    // Runs a statement that returns no rows, then resets it so it can be bound and run again.
    Status run();

    std::int64_t columnInt(int index) const;
    double columnReal(int index) const;
    std::string columnText(int index) const;
    // The storage class of the column's value in the current row (not its declared type).
    ColumnType columnType(int index) const;

private:
    SqliteDb &m_db;
    sqlite3_stmt *m_stmt;
};

// Who keeps two threads from using a connection at once. BySqlite: SQLite
// locks the connection in every API call (serialized mode). ByCaller: the
// owner calls from one thread at a time (multi-thread mode), which saves a
// lock and unlock per bind, step and reset: a tenth of the metrics view's
// upsert cost.
enum class Locking : std::uint8_t { BySqlite, ByCaller };

class SqliteDb
{
public:
    // Opens or creates the database, in WAL mode with synchronous=FULL and a busy timeout.
    static Result<std::unique_ptr<SqliteDb>> open(const std::string &path,
                                                  Locking locking = Locking::BySqlite);
    // Opens an existing database for reading only (an error if it is missing):
    // such a connection never creates the file and never writes to it, not
    // even a WAL checkpoint when it closes.
    static Result<std::unique_ptr<SqliteDb>> openReadOnly(const std::string &path,
                                                          Locking locking = Locking::BySqlite);
    ~SqliteDb();
    SqliteDb(const SqliteDb &) = delete;
    SqliteDb &operator=(const SqliteDb &) = delete;

    Status exec(const std::string &sql);
    Result<Statement> prepare(std::string_view sql);
    // Runs `body` in BEGIN IMMEDIATE ... COMMIT; rolls back if it fails.
    Status transaction(const std::function<Status()> &body);
    // Runs `body` in BEGIN DEFERRED ... COMMIT without taking the write lock:
    // all of its reads see one snapshot, even while other processes write.
    Status readTransaction(const std::function<Status()> &body);

    // The Status for SQLite result `rc`, with `what` and SQLite's message.
    Status error(int rc, std::string_view what) const;
    const std::string &path() const { return m_path; }

private:
    SqliteDb(sqlite3 *db, std::string path);
    // `body` between `begin` and COMMIT, rolled back if either fails.
    Status inTransaction(const char *begin, const std::function<Status()> &body);
    sqlite3 *m_db;
    std::string m_path;
};

} // namespace kappa::sqlite
