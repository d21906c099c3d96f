#include "service/logger.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace kappa::service {

namespace {

std::string utcNow()
{
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()
                        % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
    return text;
}

} // namespace

void Logger::log(LogLevel level, std::string_view message, nlohmann::json fields)
{
    if (!enabled(level))
        return;
    nlohmann::json line = {{"ts", utcNow()}, {"level", logLevelName(level)}, {"msg", message}};
    if (fields.is_object())
        for (auto &[key, value] : fields.items())
            line[key] = std::move(value);
    // Invalid UTF-8 (a client's path, say) is replaced rather than thrown on.
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::lock_guard lock(m_mutex);
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

} // namespace kappa::service
