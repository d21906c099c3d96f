// Helpers shared by the route files: JSON answers, and API failures thrown
// inside a handler and caught by HttpRoutes::serve (never beyond it).
#pragma once

#include "service/api_error.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <string>

namespace kappa::service {

inline constexpr const char *kJson = "application/json";

inline void sendJson(httplib::Response &response, const nlohmann::json &body, int status = 200)
{
    response.status = status;
    response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), kJson);
}

// An API failure inside a handler: thrown only by the route files and caught by serve().
struct ApiFailure
{
    ApiError error;
};

[[noreturn]] inline void failWith(const Status &status)
{
    throw ApiFailure{ApiError::fromStatus(status)};
}

template<typename T>
inline T valueOr(Result<T> result)
{
    if (!result.isOk())
        failWith(result.status());
    return std::move(result).value();
}

inline std::int64_t parseInteger(std::string_view name, const std::string &text)
{
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty())
        throw ApiFailure{
            ApiError::invalidArgument(std::string(name) + " must be an integer, got '" + text + "'")};
    return value;
}

} // namespace kappa::service
