#include "service/api_error.h"

#include <nlohmann/json.hpp>

#include <array>

namespace kappa::service {

namespace {

struct ApiErrorCode
{
    std::string_view code;
    int httpStatus;
};

constexpr std::array<ApiErrorCode, 15> kCodes = {{
    {"InvalidArgument", 400},
    {"OutOfRange", 400},
    {"Unauthenticated", 401},
    {"PermissionDenied", 403},
    {"NotFound", 404},
    {"MethodNotAllowed", 405},
    {"RequestTimeout", 408},
    {"AlreadyExists", 409},
    {"FailedPrecondition", 409},
    {"Aborted", 409},
    {"PayloadTooLarge", 413},
    {"ResourceExhausted", 429},
    {"Corruption", 500},
    {"Internal", 500},
    {"Unavailable", 503},
}};

} // namespace

int ApiError::httpStatus() const
{
    for (const ApiErrorCode &known : kCodes)
        if (known.code == code)
            return known.httpStatus;
    return 500;
}

std::string ApiError::toJson() const
{
    // A message may quote client input (a path, a parameter): invalid UTF-8 is replaced, never thrown on.
    return nlohmann::json{{"code", code}, {"message", message}}.dump(-1, ' ', false,
                                                                     nlohmann::json::error_handler_t::replace);
}

ApiError ApiError::fromStatus(const Status &status)
{
    return {std::string(statusCodeName(status.code())), status.message()};
}

} // namespace kappa::service
