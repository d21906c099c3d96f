#include "control/shared_rows.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <variant>

namespace kappa::control {
namespace {

using sqlite::ColumnType;
using sqlite::SqliteDb;
using sqlite::Statement;
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// The tables the cluster shares, referenced tables before the tables that
// refer to them (version_transitions, aliases and replays refer to
// job_versions). Never the schema registry (schemas, subject_versions,
// subject_config) nor schema_migrations (each instance migrates itself).
constexpr std::array<std::string_view, 8> kSharedTables = {
    "job_versions", "version_transitions", "aliases",         "alias_history",
    "replays",      "validations",         "switch_requests", "audit_log",
};

// A column's value: null, integer, real or text (the shared tables hold no blobs).
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

// The storage class a column's declared type asks for (SQLite's affinity rules).
enum class Affinity : std::uint8_t { Integer, Text, Real, Any };

struct Column
{
    std::string name;
    Affinity affinity = Affinity::Any;
    bool notNull = false;
    bool hasDefault = false;
};

struct Table
{
    std::string name;
    std::vector<Column> columns;  // in declaration order
    std::vector<std::size_t> key; // indexes into `columns`, in primary-key order
    bool keyIsRowid = false;      // an INTEGER PRIMARY KEY: the key is the row's rowid
};

// A validated row: `values[i]` is none for a column the row leaves to its default.
struct ParsedRow
{
    const CatalogRow *row = nullptr;
    const Table *table = nullptr;
    std::vector<std::optional<Value>> values;
};

// `declared` in upper case.
Affinity affinityOf(const std::string &declared)
{
    const auto has = [&](const char *part) { return declared.find(part) != std::string::npos; };
    if (has("INT"))
        return Affinity::Integer;
    if (has("CHAR") || has("CLOB") || has("TEXT"))
        return Affinity::Text;
    if (has("REAL") || has("FLOA") || has("DOUB"))
        return Affinity::Real;
    return Affinity::Any;
}

// Names come from the schema, never from input; quoted in case one is a keyword.
std::string quotedName(std::string_view identifier)
{
    return "\"" + std::string(identifier) + "\"";
}

Result<Table> readTable(SqliteDb &db, std::string_view name)
{
    KAPPA_ASSIGN_OR_RETURN(Statement stmt,
                           db.prepare("SELECT name, type, \"notnull\", dflt_value IS NOT NULL, "
                                      "pk FROM pragma_table_info(?) ORDER BY cid"));
    KAPPA_RETURN_IF_ERROR(stmt.bind(1, name));
    Table table;
    table.name = std::string(name);
    std::vector<std::pair<std::int64_t, std::size_t>> key; // (position in the key, column)
    std::vector<std::string> declaredTypes;
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
        if (!row)
            break;
        if (const std::int64_t position = stmt.columnInt(4); position > 0)
            key.emplace_back(position, table.columns.size());
        declaredTypes.push_back(stmt.columnText(1));
        for (char &c : declaredTypes.back())
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        table.columns.push_back({stmt.columnText(0), affinityOf(declaredTypes.back()), stmt.columnInt(2) != 0,
                                 stmt.columnInt(3) != 0});
    }
    if (key.empty())
        return Status::internal("shared table " + table.name + " is missing or has no primary key");
    std::sort(key.begin(), key.end());
    for (const auto &[position, column] : key)
        table.key.push_back(column);
    table.keyIsRowid = key.size() == 1 && declaredTypes[key.front().second] == "INTEGER";
    return table;
}

OrderedJson toJson(const Value &value)
{
    return std::visit(
        [](const auto &v) -> OrderedJson {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::monostate>)
                return nullptr;
            else
                return v;
        },
        value);
}

// Strict: text that is not UTF-8 is an error rather than silently replaced.
Result<std::string> dump(const OrderedJson &json)
{
    try {
        return json.dump(-1, ' ', false, OrderedJson::error_handler_t::strict);
    } catch (const OrderedJson::exception &e) {
        return Status::internal(std::string("cannot be written as JSON: ") + e.what());
    }
}

// The canonical key of a row whose key columns are all set (see CatalogRow).
Result<std::string> encodeKey(const Table &table, const std::vector<std::optional<Value>> &values)
{
    const std::string prefix = table.name + "/";
    if (table.key.size() == 1) {
        const Value &value = *values[table.key.front()];
        if (const auto *integer = std::get_if<std::int64_t>(&value))
            return prefix + std::to_string(*integer);
        if (const auto *text = std::get_if<std::string>(&value))
            return prefix + *text;
    }
    OrderedJson parts = OrderedJson::array();
    for (std::size_t column : table.key)
        parts.push_back(toJson(*values[column]));
    KAPPA_ASSIGN_OR_RETURN(std::string encoded, dump(parts));
    return prefix + encoded;
}

// The current row of `stmt`, which selects every column of `table` in order.
Result<std::vector<std::optional<Value>>> readValues(const Statement &stmt, const Table &table)
{
    std::vector<std::optional<Value>> values(table.columns.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        const int index = static_cast<int>(i);
        switch (stmt.columnType(index)) {
        case ColumnType::Integer: values[i] = stmt.columnInt(index); break;
        case ColumnType::Text: values[i] = stmt.columnText(index); break;
        case ColumnType::Null: values[i] = std::monostate(); break;
        case ColumnType::Real:
            if (!std::isfinite(stmt.columnReal(index)))
                return Status::internal("column " + table.columns[i].name + " holds a non-finite real");
            values[i] = stmt.columnReal(index);
            break;
        case ColumnType::Blob: return Status::internal("column " + table.columns[i].name + " holds a blob");
        }
    }
    return values;
}

std::string selectAll(const Table &table)
{
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < table.columns.size(); ++i)
        sql += (i ? ", " : "") + quotedName(table.columns[i].name);
    return sql + " FROM " + quotedName(table.name);
}

Status appendRows(SqliteDb &db, const Table &table, std::vector<CatalogRow> &out)
{
    std::string sql = selectAll(table) + " ORDER BY ";
    for (std::size_t i = 0; i < table.key.size(); ++i)
        sql += (i ? ", " : "") + quotedName(table.columns[table.key[i]].name);
    KAPPA_ASSIGN_OR_RETURN(Statement stmt, db.prepare(sql));
    while (true) {
        KAPPA_ASSIGN_OR_RETURN(const bool row, stmt.step());
        if (!row)
            return Status::ok();
        KAPPA_ASSIGN_OR_RETURN(const auto values, readValues(stmt, table));
        OrderedJson object = OrderedJson::object();
        for (std::size_t i = 0; i < values.size(); ++i)
            object[table.columns[i].name] = toJson(*values[i]);
        KAPPA_ASSIGN_OR_RETURN(std::string key, encodeKey(table, values));
        auto value = dump(object);
        if (!value.isOk())
            return value.status().withContext("shared row " + key);
        out.push_back({std::move(key), std::move(value).value()});
    }
}

// `json` as a value of `column`; InvalidArgument naming the column otherwise.
Result<Value> fromJson(const Json &json, const Column &column)
{
    const auto wrongType = [&](const char *what) {
        return Status::invalidArgument("column " + column.name + " cannot hold " + what);
    };
    switch (json.type()) {
    case Json::value_t::null:
        if (column.notNull)
            return wrongType("null");
        return Value(std::monostate());
    case Json::value_t::number_unsigned:
        if (json.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return Status::invalidArgument("column " + column.name + ": integer out of range");
        [[fallthrough]];
    case Json::value_t::number_integer:
        if (column.affinity == Affinity::Text)
            return wrongType("an integer");
        if (column.affinity == Affinity::Real)
            return Value(json.get<double>());
        return Value(json.get<std::int64_t>());
    case Json::value_t::number_float:
        if (column.affinity == Affinity::Integer || column.affinity == Affinity::Text)
            return wrongType("a real");
        if (!std::isfinite(json.get<double>()))
            return wrongType("a non-finite real");
        return Value(json.get<double>());
    case Json::value_t::string:
        if (column.affinity == Affinity::Integer || column.affinity == Affinity::Real)
            return wrongType("text");
        return Value(json.get<std::string>());
    default: return wrongType("anything but an integer, a real, text or null");
    }
}

Result<ParsedRow> parseRow(const CatalogRow &row, const Table &table)
{
    Json json;
    try {
        json = Json::parse(row.value);
    } catch (const Json::exception &e) {
        return Status::invalidArgument(std::string("the value is not JSON: ") + e.what());
    }
    if (!json.is_object())
        return Status::invalidArgument("the value is not a JSON object");
    ParsedRow parsed{&row, &table, std::vector<std::optional<Value>>(table.columns.size())};
    for (const auto &item : json.items()) {
        // (Not a structured binding: clang 14 cannot capture one in the lambda.)
        const std::string &name = item.key();
        const Json &member = item.value();
        const auto column = std::find_if(table.columns.begin(), table.columns.end(),
                                         [&](const Column &c) { return c.name == name; });
        if (column == table.columns.end())
            return Status::invalidArgument("table " + table.name + " has no column " + name);
        KAPPA_ASSIGN_OR_RETURN(parsed.values[column - table.columns.begin()], fromJson(member, *column));
    }
    for (std::size_t column : table.key) {
        if (!parsed.values[column] || std::holds_alternative<std::monostate>(*parsed.values[column]))
            return Status::invalidArgument("the value lacks key column " + table.columns[column].name);
    }
    KAPPA_ASSIGN_OR_RETURN(const std::string key, encodeKey(table, parsed.values));
    if (key != row.key)
        return Status::invalidArgument("the value's primary key is " + key);
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        const Column &column = table.columns[i];
        if (!parsed.values[i] && column.notNull && !column.hasDefault)
            return Status::invalidArgument("the value lacks column " + column.name);
    }
    return parsed;
}

Result<const Table *> tableOf(SqliteDb &db, std::map<std::string, Table, std::less<>> &tables,
                              std::string_view key)
{
    const std::size_t slash = key.find('/');
    if (slash == std::string_view::npos)
        return Status::invalidArgument("the key is not <table>/<primary key>");
    const std::string_view name = key.substr(0, slash);
    if (std::find(kSharedTables.begin(), kSharedTables.end(), name) == kSharedTables.end())
        return Status::invalidArgument("table " + std::string(name) + " is not shared");
    auto found = tables.find(name);
    if (found == tables.end()) {
        KAPPA_ASSIGN_OR_RETURN(Table table, readTable(db, name));
        found = tables.emplace(std::string(name), std::move(table)).first;
    }
    return &found->second;
}

// The statement that stores `parsed`, replacing the row of the same key.
// Where the key is the rowid, INSERT OR REPLACE: its implicit delete fires no
// trigger (recursive_triggers is off), so an audit entry can be replaced
// although the audit log refuses UPDATE and DELETE. Elsewhere an upsert, which
// updates in place: REPLACE would give the row a new hidden rowid, and
// listings that break ties by rowid (job versions created in the same
// millisecond) would then differ from the exporting catalog's.
std::string storeSql(const ParsedRow &parsed)
{
    const Table &table = *parsed.table;
    std::string columns;
    std::string parameters;
    std::string updates;
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        if (!parsed.values[i])
            continue;
        const std::string name = quotedName(table.columns[i].name);
        columns += (columns.empty() ? "" : ", ") + name;
        parameters += parameters.empty() ? "?" : ", ?";
        if (std::find(table.key.begin(), table.key.end(), i) == table.key.end())
            updates += (updates.empty() ? "" : ", ") + name + " = excluded." + name;
    }
    const std::string values = quotedName(table.name) + "(" + columns + ") VALUES (" + parameters + ")";
    if (table.keyIsRowid)
        return "INSERT OR REPLACE INTO " + values;
    std::string key;
    for (std::size_t column : table.key)
        key += (key.empty() ? "" : ", ") + quotedName(table.columns[column].name);
    return "INSERT INTO " + values + " ON CONFLICT(" + key + ") DO "
           + (updates.empty() ? "NOTHING" : "UPDATE SET " + updates);
}

Status store(SqliteDb &db, std::map<std::string, Statement, std::less<>> &inserts, const ParsedRow &parsed)
{
    const std::string sql = storeSql(parsed);
    auto insert = inserts.find(sql);
    if (insert == inserts.end()) {
        KAPPA_ASSIGN_OR_RETURN(Statement stmt, db.prepare(sql));
        insert = inserts.emplace(sql, std::move(stmt)).first;
    }
    Statement &stmt = insert->second;
    int index = 0;
    for (const std::optional<Value> &value : parsed.values) {
        if (!value)
            continue;
        ++index;
        const Status bound = std::visit(
            [&](const auto &v) -> Status {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::monostate>)
                    return stmt.bindNull(index);
                else if constexpr (std::is_same_v<T, double>)
                    return stmt.bindReal(index, v);
                else
                    return stmt.bind(index, v);
            },
            *value);
        KAPPA_RETURN_IF_ERROR(bound);
    }
    return stmt.run();
}

// FailedPrecondition naming the first row of `table` whose foreign key has no parent.
Status checkForeignKeys(SqliteDb &db, const Table &table)
{
    KAPPA_ASSIGN_OR_RETURN(Statement check,
                           db.prepare("PRAGMA foreign_key_check(" + quotedName(table.name) + ")"));
    KAPPA_ASSIGN_OR_RETURN(const bool violation, check.step());
    if (!violation)
        return Status::ok();
    const std::string parent = check.columnText(2);
    KAPPA_ASSIGN_OR_RETURN(Statement row, db.prepare(selectAll(table) + " WHERE rowid = ?"));
    KAPPA_RETURN_IF_ERROR(row.bind(1, check.columnInt(1)));
    KAPPA_ASSIGN_OR_RETURN(const bool found, row.step());
    if (!found)
        return Status::internal("foreign key check names a row of " + table.name + " that does not exist");
    KAPPA_ASSIGN_OR_RETURN(const auto values, readValues(row, table));
    KAPPA_ASSIGN_OR_RETURN(const std::string key, encodeKey(table, values));
    return Status::failedPrecondition("shared row " + key + " refers to a row of " + parent
                                      + " that neither this catalog nor the applied rows have");
}

} // namespace

Result<std::vector<CatalogRow>> readSharedRowsLocked(SqliteDb &db)
{
    std::vector<CatalogRow> rows;
    const Status read = db.readTransaction([&]() -> Status {
        for (std::string_view name : kSharedTables) {
            KAPPA_ASSIGN_OR_RETURN(const Table table, readTable(db, name));
            KAPPA_RETURN_IF_ERROR(appendRows(db, table, rows).withContext("reading table " + table.name));
        }
        return Status::ok();
    });
    if (!read.isOk())
        return read;
    return rows;
}

Status applySharedRowsLocked(SqliteDb &db, std::span<const CatalogRow> rows)
{
    // Validate every row before storing any, so that a bad row is reported as
    // such and not as whatever constraint it would trip.
    std::map<std::string, Table, std::less<>> tables;
    std::vector<ParsedRow> parsed;
    parsed.reserve(rows.size());
    for (const CatalogRow &row : rows) {
        auto table = tableOf(db, tables, row.key);
        auto one = table.isOk() ? parseRow(row, *table.value()) : Result<ParsedRow>(table.status());
        if (!one.isOk())
            return one.status().withContext("shared row " + row.key);
        parsed.push_back(std::move(one).value());
    }
    // Until COMMIT (reset there): a row may come before the row it refers to.
    KAPPA_RETURN_IF_ERROR(db.exec("PRAGMA defer_foreign_keys = ON"));
    std::map<std::string, Statement, std::less<>> inserts;
    for (const ParsedRow &row : parsed)
        KAPPA_RETURN_IF_ERROR(store(db, inserts, row).withContext("applying shared row " + row.row->key));
    // Name the offending row rather than let COMMIT fail anonymously.
    for (const auto &[name, table] : tables)
        KAPPA_RETURN_IF_ERROR(checkForeignKeys(db, table));
    return Status::ok();
}

Result<std::size_t> dropSharedRowsLocked(SqliteDb &db, std::span<const std::string> keys)
{
    const std::set<std::string, std::less<>> wanted(keys.begin(), keys.end());
    std::size_t dropped = 0;
    KAPPA_RETURN_IF_ERROR(db.exec("PRAGMA defer_foreign_keys = ON"));
    // The same guard as migration 3 creates: lifted inside this transaction only.
    KAPPA_RETURN_IF_ERROR(db.exec("DROP TRIGGER audit_log_no_delete"));
    for (std::string_view name : kSharedTables) {
        KAPPA_ASSIGN_OR_RETURN(const Table table, readTable(db, name));
        // rowid last: readValues reads the table's columns from index 0.
        std::string sql = selectAll(table);
        sql.insert(sql.find(" FROM "), ", rowid");
        KAPPA_ASSIGN_OR_RETURN(Statement select, db.prepare(sql));
        std::vector<std::int64_t> rowids;
        while (true) {
            KAPPA_ASSIGN_OR_RETURN(const bool row, select.step());
            if (!row)
                break;
            KAPPA_ASSIGN_OR_RETURN(const auto values, readValues(select, table));
            KAPPA_ASSIGN_OR_RETURN(const std::string key, encodeKey(table, values));
            if (wanted.contains(key))
                rowids.push_back(select.columnInt(static_cast<int>(table.columns.size())));
        }
        KAPPA_ASSIGN_OR_RETURN(Statement erase,
                               db.prepare("DELETE FROM " + quotedName(table.name) + " WHERE rowid = ?"));
        for (std::int64_t rowid : rowids) {
            KAPPA_RETURN_IF_ERROR(erase.bind(1, rowid));
            KAPPA_RETURN_IF_ERROR(erase.run());
            ++dropped;
        }
    }
    KAPPA_RETURN_IF_ERROR(db.exec("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                                  "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"));
    for (std::string_view name : kSharedTables) {
        KAPPA_ASSIGN_OR_RETURN(const Table table, readTable(db, name));
        KAPPA_RETURN_IF_ERROR(checkForeignKeys(db, table));
    }
    return dropped;
}

} // namespace kappa::control
