// Logger: structured logs, one JSON object per line on stderr:
//   {"ts":"2026-11-26T13:00:00.123Z","level":"info","msg":"listening","address":"127.0.0.1:8470"}
// Secrets never reach it: callers pass token names, never tokens.
//
// Threading: thread-safe; lines never interleave.
#pragma once

#include "service/config.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <string_view>

namespace kappa::service {

class Logger
{
public:
    explicit Logger(LogLevel level = LogLevel::Info)
        : m_level(level)
    {}

    void setLevel(LogLevel level) { m_level.store(level, std::memory_order_relaxed); }
    bool enabled(LogLevel level) const { return level >= m_level.load(std::memory_order_relaxed); }

    void log(LogLevel level, std::string_view message, nlohmann::json fields = nlohmann::json::object());
    void info(std::string_view message, nlohmann::json fields = nlohmann::json::object())
    {
        log(LogLevel::Info, message, std::move(fields));
    }
    void warn(std::string_view message, nlohmann::json fields = nlohmann::json::object())
    {
        log(LogLevel::Warn, message, std::move(fields));
    }
    void error(std::string_view message, nlohmann::json fields = nlohmann::json::object())
    {
        log(LogLevel::Error, message, std::move(fields));
    }

private:
    std::atomic<LogLevel> m_level;
    std::mutex m_mutex;
};

} // namespace kappa::service
