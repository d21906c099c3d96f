// ApiError: the one shape of every error kappad's HTTP API returns,
// {"code": "...", "message": "..."}, with one fixed HTTP status per code.
// Engine errors keep their Status code name; the HTTP layer adds the codes
// that only exist there (authentication, method, size, timeouts).
//
// Threading: plain values and pure functions.
#pragma once

#include "kappa/status.h"

#include <string>
#include <string_view>

namespace kappa::service {

struct ApiError
{
    std::string code; // e.g. "NotFound"
    std::string message;

    // The fixed HTTP status of the code; 500 for a code this build does not know.
    int httpStatus() const;
    std::string toJson() const;

    static ApiError fromStatus(const Status &status);
    static ApiError unauthenticated(std::string message) { return {"Unauthenticated", std::move(message)}; }
    static ApiError permissionDenied(std::string message) { return {"PermissionDenied", std::move(message)}; }
    static ApiError invalidArgument(std::string message) { return {"InvalidArgument", std::move(message)}; }
    static ApiError notFound(std::string message) { return {"NotFound", std::move(message)}; }
};

} // namespace kappa::service
