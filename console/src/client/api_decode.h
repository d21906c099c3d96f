// Decoding of kappad's JSON answers into the values of api_types.h. Pure
// functions: a malformed answer gives an ApiError with code "BadAnswer" that
// names the missing or mistyped field.
#pragma once

#include "client/api_types.h"

#include <QByteArray>

#include <variant>

namespace kappa::console {

template<typename T>
using Decoded = std::variant<T, ApiError>;

Decoded<JobsSnapshot> decodeJobs(const QByteArray &body);
Decoded<ServiceStatus> decodeStatus(const QByteArray &body);
Decoded<QList<ReplayInfo>> decodeReplays(const QByteArray &body); // {"replays": [...]}
Decoded<ReplayInfo> decodeReplay(const QByteArray &body);         // one replay object
// The error of a non-2xx answer; a body that is not an error object still
// gives the HTTP status and a readable message.
ApiError decodeError(int httpStatus, const QByteArray &body);

} // namespace kappa::console
