// Shared helpers for the jobs suites: scenario tests of the three pipelines
// running through jobs::Engine over a real LocalLog, real RocksDB state and
// real views, in a temporary data directory.
//
// Events are written in a tiny language so that the data tables read as
// "events in, rows out":
//
//   "view t=10h-55m user=7 item=3 cat=2; purchase t=1d+2h card=9 merchant=4 amount=1250"
//
// One event per ';'-separated clause: its type name, then key=value fields.
// Times (t) are sums and differences of terms with units d, h, m, s or ms
// (plain numbers are ms), relative to kBaseMs (2024-01-01T00:00:00Z, a UTC
// day boundary). Defaults: id = clause index + 1, user 1, session 1, cat 1,
// country US; checkouts and purchases get card 100, merchant 200, amount 1000.
#pragma once

#include "base/murmur2.h"
#include "jobs/engine.h"
#include "jobs/view_reader.h"
#include "kappa/catalog.h"
#include "kappa/event.h"
#include "kappa/event_codec.h"
#include "kappa/local_log.h"
#include "kappa/sample_generator.h"
#include "test_support.h"

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace jobstest {

using kappa::Result;
using kappa::Status;

inline constexpr std::int64_t kBaseMs = 1'704'067'200'000; // 2024-01-01T00:00:00Z
inline constexpr std::int64_t kSecond = 1000;
inline constexpr std::int64_t kMinute = 60 * kSecond;
inline constexpr std::int64_t kHour = 60 * kMinute;
inline constexpr std::int64_t kDay = 24 * kHour;

// "10h-55m-1ms" -> milliseconds.
inline std::int64_t parseDuration(const QString &text)
{
    std::int64_t total = 0;
    int i = 0;
    while (i < text.size()) {
        int sign = 1;
        if (text[i] == QLatin1Char('+') || text[i] == QLatin1Char('-')) {
            sign = text[i] == QLatin1Char('-') ? -1 : 1;
            ++i;
        }
        int j = i;
        while (j < text.size() && text[j].isDigit())
            ++j;
        int k = j;
        while (k < text.size() && text[k].isLetter())
            ++k;
        bool ok = false;
        const qlonglong n = text.mid(i, j - i).toLongLong(&ok);
        const QString unit = text.mid(j, k - j);
        if (!ok)
            throw std::invalid_argument("bad time: " + text.toStdString());
        std::int64_t scale = 1;
        if (unit == QLatin1String("d"))
            scale = kDay;
        else if (unit == QLatin1String("h"))
            scale = kHour;
        else if (unit == QLatin1String("m"))
            scale = kMinute;
        else if (unit == QLatin1String("s"))
            scale = kSecond;
        else if (!unit.isEmpty() && unit != QLatin1String("ms"))
            throw std::invalid_argument("bad time unit: " + text.toStdString());
        total += sign * n * scale;
        i = k;
    }
    return total;
}

inline kappa::Event parseEvent(const QString &clause, std::int64_t index)
{
    const QStringList parts = clause.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    kappa::Event e;
    const auto type = kappa::parseEventType(parts.value(0).toStdString());
    if (!type)
        throw std::invalid_argument("bad event type in: " + clause.toStdString());
    e.type = *type;
    e.eventId = index + 1;
    e.ts = kappa::EventTime(kBaseMs);
    e.userId = 1;
    e.sessionId = 1;
    e.categoryId = 1;
    e.country = "US";
    if (e.type == kappa::EventType::Checkout || e.type == kappa::EventType::Purchase) {
        e.cardId = 100;
        e.merchantId = 200;
        e.amountCents = 1000;
        e.currency = "USD";
    }
    for (int i = 1; i < parts.size(); ++i) {
        const QString key = parts[i].section(QLatin1Char('='), 0, 0);
        const QString value = parts[i].section(QLatin1Char('='), 1);
        if (key == QLatin1String("t")) {
            e.ts = kappa::EventTime(kBaseMs + parseDuration(value));
            continue;
        }
        if (key == QLatin1String("country")) {
            e.country = value.toStdString();
            continue;
        }
        if (key == QLatin1String("nocard")) {
            e.cardId.reset();
            continue;
        }
        bool ok = false;
        const std::int64_t n = value.toLongLong(&ok);
        if (!ok)
            throw std::invalid_argument("bad number in: " + clause.toStdString());
        if (key == QLatin1String("id"))
            e.eventId = n;
        else if (key == QLatin1String("user"))
            e.userId = n;
        else if (key == QLatin1String("session"))
            e.sessionId = n;
        else if (key == QLatin1String("item"))
            e.itemId = n;
        else if (key == QLatin1String("cat"))
            e.categoryId = static_cast<std::int32_t>(n);
        else if (key == QLatin1String("merchant"))
            e.merchantId = n;
        else if (key == QLatin1String("card"))
            e.cardId = n;
        else if (key == QLatin1String("amount")) {
            e.amountCents = n;
            e.currency = "USD";
        } else
            throw std::invalid_argument("bad field: " + key.toStdString());
    }
    return e;
}

// The smallest user id >= from that lands on partition p.
inline std::int64_t userOnPartition(std::int32_t p, std::int32_t partitions, std::int64_t from = 1);

// "user=P2" stands for the first user on source partition 2 (of `partitions`),
// "user=P2b" for the second one.
inline QString substituteUsers(QString dsl, std::int32_t partitions)
{
    for (std::int32_t p = 0; p < partitions; ++p) {
        const std::int64_t first = userOnPartition(p, partitions);
        const std::int64_t second = userOnPartition(p, partitions, first + 1);
        dsl.replace(QStringLiteral("user=P%1b").arg(p), QStringLiteral("user=%1").arg(second));
        dsl.replace(QStringLiteral("user=P%1").arg(p), QStringLiteral("user=%1").arg(first));
    }
    return dsl;
}

inline std::vector<kappa::Event> parseEvents(const QString &text, std::int32_t partitions = 4)
{
    const QString dsl = substituteUsers(text, partitions);
    std::vector<kappa::Event> events;
    for (const QString &clause : dsl.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        if (!clause.trimmed().isEmpty())
            events.push_back(parseEvent(clause.trimmed(), static_cast<std::int64_t>(events.size())));
    }
    return events;
}

// The source partition of a user (the events topic is keyed by user id in decimal).
inline std::int32_t partitionOfUser(std::int64_t userId, std::int32_t partitions)
{
    return kappa::base::partitionForKey(std::to_string(userId), partitions);
}

inline std::int64_t userOnPartition(std::int32_t p, std::int32_t partitions, std::int64_t from)
{
    std::int64_t user = from;
    while (partitionOfUser(user, partitions) != p)
        ++user;
    return user;
}

// Sample events as kappactl gen makes them (history mode).
inline std::vector<kappa::Event> sampleEvents(std::int64_t count, std::uint64_t seed = 42)
{
    kappa::SampleConfig config;
    config.seed = seed;
    config.totalEvents = count;
    config.users = 20'000;
    config.items = 5'000;
    config.merchants = 300;
    config.spanMs = kDay;
    // A few fraud episodes even in a small run.
    config.fraud = {2000.0, 2000.0, 2000.0};
    auto generator = kappa::SampleGenerator::create(config);
    if (!generator.isOk())
        throw std::runtime_error(generator.status().toString());
    std::vector<kappa::Event> events;
    events.reserve(static_cast<std::size_t>(count));
    while (generator->nextHistory(8192, events) > 0) {
    }
    return events;
}

struct RunOptions
{
    int threads = 2;
    std::size_t batchBytes = 1 << 20;
    std::chrono::milliseconds checkpointInterval{5000};
};

// A Kappa data directory (<root>/log, <root>/catalog.db, state, views) with
// the events topic, opened like kappactl opens it.
class DataDir
{
public:
    std::string root;
    kappa::jobs::DataLayout layout;
    std::int32_t partitions = 0;
    std::unique_ptr<kappa::Catalog> catalog;
    std::unique_ptr<kappa::EventCodec> codec;
    std::unique_ptr<kappa::LocalLog> log;

    // Opens (creating if needed) the catalog and the log; creates the events topic.
    Status open(const std::string &dir, std::int32_t topicPartitions, kappa::FileSystem *fs = nullptr)
    {
        root = dir;
        layout.root = dir;
        partitions = topicPartitions;
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (!catalog) {
            KAPPA_ASSIGN_OR_RETURN(catalog, kappa::Catalog::open(layout.catalogPath()));
            KAPPA_ASSIGN_OR_RETURN(codec, kappa::EventCodec::create(catalog->schemas()));
        }
        KAPPA_RETURN_IF_ERROR(openLog(fs));
        return log->createTopic(kappa::jobs::kEventsTopic, kappa::TopicConfig{partitions});
    }

    Status openLog(kappa::FileSystem *fs = nullptr)
    {
        kappa::LocalLogOptions options;
        options.fs = fs;
        KAPPA_ASSIGN_OR_RETURN(log, kappa::LocalLog::open(layout.logDir(), options));
        return Status::ok();
    }

    void close()
    {
        log.reset();
        codec.reset();
        catalog.reset();
    }

    // Appends the events in order (each keyed by eventKey), in chunks of one append call.
    Status append(const std::vector<kappa::Event> &events, std::size_t chunk = 4096)
    {
        for (std::size_t start = 0; start < events.size(); start += chunk) {
            const std::size_t end = std::min(events.size(), start + chunk);
            std::vector<std::string> keys, values;
            keys.reserve(end - start);
            values.reserve(end - start);
            for (std::size_t i = start; i < end; ++i) {
                keys.push_back(kappa::eventKey(events[i]));
                values.push_back(codec->encode(events[i]));
            }
            std::vector<kappa::Record> records;
            records.reserve(keys.size());
            for (std::size_t i = 0; i < keys.size(); ++i)
                records.push_back({keys[i], values[i]});
            KAPPA_RETURN_IF_ERROR(log->append(kappa::jobs::kEventsTopic, records).status());
        }
        return Status::ok();
    }

    Result<std::vector<kappa::jobs::JobDefinition>> definitions(const std::vector<std::string> &names) const
    {
        std::vector<kappa::jobs::JobDefinition> out;
        for (const std::string &name : names) {
            KAPPA_ASSIGN_OR_RETURN(kappa::jobs::JobVersionName parsed, kappa::jobs::parseJobVersionName(name));
            KAPPA_ASSIGN_OR_RETURN(kappa::jobs::JobDefinition definition,
                                   kappa::jobs::resolveJobDefinition(*catalog, parsed));
            out.push_back(std::move(definition));
        }
        return out;
    }

    Result<std::unique_ptr<kappa::jobs::Engine>> openEngine(const std::vector<std::string> &jobs,
                                                            const RunOptions &run = {}) const
    {
        KAPPA_ASSIGN_OR_RETURN(std::vector<kappa::jobs::JobDefinition> defs, definitions(jobs));
        kappa::jobs::EngineOptions options;
        options.layout = layout;
        options.runtime.threads = run.threads;
        options.runtime.checkpointInterval = run.checkpointInterval;
        options.tasks.batchBytes = run.batchBytes;
        return kappa::jobs::Engine::open(*log, *catalog, std::move(defs), options);
    }

    // Opens an engine, runs it until caught up and stops it; returns its report.
    Result<std::vector<kappa::jobs::JobReport>> runUntilCaughtUp(const std::vector<std::string> &jobs,
                                                                 const RunOptions &run = {}) const
    {
        KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<kappa::jobs::Engine> engine, openEngine(jobs, run));
        Status status = engine->start();
        if (status.isOk())
            status = engine->runUntilCaughtUp();
        const Status stopped = engine->stop();
        KAPPA_RETURN_IF_ERROR(status);
        KAPPA_RETURN_IF_ERROR(stopped);
        return engine->report();
    }

    kappa::jobs::ViewReader reader() const { return kappa::jobs::ViewReader(layout, *catalog, partitions); }

    // Every row of job@version (ViewReader::dump), in its documented order.
    Result<std::vector<std::string>> dump(const std::string &job, const std::string &version) const
    {
        std::vector<std::string> rows;
        KAPPA_RETURN_IF_ERROR(
            reader().dump(job, version, [&](const std::string &row) { rows.push_back(row); }));
        return rows;
    }
};

// "" if every field of `expected` is in `actual` with an equal value (numbers
// compared to 1e-6, objects by their expected fields, arrays element by
// element and of equal length); otherwise what differs.
inline std::string mismatch(const nlohmann::json &actual, const nlohmann::json &expected,
                            const std::string &path = "")
{
    if (expected.is_object()) {
        if (!actual.is_object())
            return path + ": not an object in " + actual.dump();
        for (auto it = expected.begin(); it != expected.end(); ++it) {
            if (!actual.contains(it.key()))
                return path + "." + it.key() + ": missing in " + actual.dump();
            std::string m = mismatch(actual[it.key()], it.value(), path + "." + it.key());
            if (!m.empty())
                return m;
        }
        return {};
    }
    if (expected.is_array()) {
        if (!actual.is_array() || actual.size() != expected.size())
            return path + ": expected " + expected.dump() + ", got " + actual.dump();
        for (std::size_t i = 0; i < expected.size(); ++i) {
            std::string m = mismatch(actual[i], expected[i], path + "[" + std::to_string(i) + "]");
            if (!m.empty())
                return m;
        }
        return {};
    }
    if (expected.is_number() && actual.is_number()) {
        if (std::fabs(actual.get<double>() - expected.get<double>()) <= 1e-6)
            return {};
        return path + ": expected " + expected.dump() + ", got " + actual.dump();
    }
    if (actual != expected)
        return path + ": expected " + expected.dump() + ", got " + actual.dump();
    return {};
}

// Parses a row; a JSON null for bytes that are not JSON (the comparison then fails visibly).
inline nlohmann::json parseRow(const std::string &row)
{
    return nlohmann::json::parse(row, nullptr, false);
}

// The first difference of two dumps, for failure messages.
inline std::string firstDifference(const std::vector<std::string> &a, const std::vector<std::string> &b)
{
    if (a.size() != b.size())
        return "row counts differ: " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i])
            return "row " + std::to_string(i) + ":\n  " + a[i] + "\n  " + b[i];
    return {};
}

// Copies a whole data directory (closed) to another path.
inline bool copyTree(const std::string &from, const std::string &to)
{
    std::error_code ec;
    std::filesystem::copy(from, to, std::filesystem::copy_options::recursive, ec);
    return !ec;
}

} // namespace jobstest

#define JOBS_COMPARE_ROW(actualRow, expectedJson) \
    do { \
        const std::string jobsMismatch_ = ::jobstest::mismatch(::jobstest::parseRow(actualRow), \
                                                               (expectedJson)); \
        QVERIFY2(jobsMismatch_.empty(), (jobsMismatch_ + "\n  row: " + (actualRow)).c_str()); \
    } while (false)
