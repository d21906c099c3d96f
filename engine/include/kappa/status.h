// Status and Result<T>: how every fallible engine call reports failure.
//
// Contract: expected failures are returned, never thrown. A Status is either
// ok or carries one code from a small fixed set plus a human-readable message
// that names the thing that failed (file, offset, schema id, ...). The codes
// map one-to-one onto HTTP statuses in the service layer, so adding a code is
// an API change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kappa {

enum class StatusCode : std::uint8_t {
    Ok,
    InvalidArgument,    // the caller's input is wrong; retrying will not help
    NotFound,           // a named thing (topic, subject, schema id) does not exist
    AlreadyExists,      // creating something that exists with different settings
    FailedPrecondition, // the system is not in a state that allows the call
    OutOfRange,         // a position outside what is stored (below start, past end)
    Aborted,            // the operation was cancelled or lost a race; may be retried
    Unavailable,        // transient: try again later
    ResourceExhausted,  // a limit (size, rate, disk) was hit
    Corruption,         // stored data failed a check; never silently skipped
    Internal,           // a bug or an unexpected system error (failed fsync)
};

// The stable upper-camel name of a code, e.g. "OutOfRange".
std::string_view statusCodeName(StatusCode code);

class [[nodiscard]] Status
{
public:
    Status() = default;
    Status(StatusCode code, std::string message)
        : m_code(code)
        , m_message(std::move(message))
    {}

    static Status ok() { return {}; }
    static Status invalidArgument(std::string m) { return {StatusCode::InvalidArgument, std::move(m)}; }
    static Status notFound(std::string m) { return {StatusCode::NotFound, std::move(m)}; }
    static Status alreadyExists(std::string m) { return {StatusCode::AlreadyExists, std::move(m)}; }
    static Status failedPrecondition(std::string m) { return {StatusCode::FailedPrecondition, std::move(m)}; }
    static Status outOfRange(std::string m) { return {StatusCode::OutOfRange, std::move(m)}; }
    static Status aborted(std::string m) { return {StatusCode::Aborted, std::move(m)}; }
    static Status unavailable(std::string m) { return {StatusCode::Unavailable, std::move(m)}; }
    static Status resourceExhausted(std::string m) { return {StatusCode::ResourceExhausted, std::move(m)}; }
    static Status corruption(std::string m) { return {StatusCode::Corruption, std::move(m)}; }
    static Status internal(std::string m) { return {StatusCode::Internal, std::move(m)}; }

    bool isOk() const { return m_code == StatusCode::Ok; }
    StatusCode code() const { return m_code; }
    const std::string &message() const { return m_message; }

    // "Code: message", or "Ok".
    std::string toString() const;

    // Returns a copy whose message is prefixed with context ("opening x: ...").
    Status withContext(std::string_view context) const;

    // Explicitly discards a status where ignoring it is correct; says so at the call site.
    void ignore() const {}

private:
    StatusCode m_code = StatusCode::Ok;
    std::string m_message;
};

// A value or the Status explaining why there is none. Accessing the value of
// a failed Result is a programming error (asserted in debug builds).
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_value(std::move(value))
    {}
    Result(Status status)
        : m_status(std::move(status))
    {
        if (m_status.isOk())
            m_status = Status::internal("Result constructed from an ok Status without a value");
    }

    bool isOk() const { return m_value.has_value(); }
    const Status &status() const { return m_status; }

    T &value() & { return *m_value; }
    const T &value() const & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    T &operator*() & { return *m_value; }
    const T &operator*() const & { return *m_value; }
    T *operator->() { return &*m_value; }
    const T *operator->() const { return &*m_value; }

private:
    std::optional<T> m_value;
    Status m_status;
};

} // namespace kappa

#define KAPPA_CONCAT_INNER(a, b) a##b
#define KAPPA_CONCAT(a, b) KAPPA_CONCAT_INNER(a, b)

// Returns the status from the enclosing function if `expr` failed.
#define KAPPA_RETURN_IF_ERROR(expr) \
    do { \
        ::kappa::Status kappaStatus_ = (expr); \
        if (!kappaStatus_.isOk()) \
            return kappaStatus_; \
    } while (false)

#define KAPPA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
    auto tmp = (expr); \
    if (!tmp.isOk()) \
        return tmp.status(); \
    lhs = std::move(tmp).value()

// `KAPPA_ASSIGN_OR_RETURN(auto x, makeX());` declares x or returns the failure.
#define KAPPA_ASSIGN_OR_RETURN(lhs, expr) \
    KAPPA_ASSIGN_OR_RETURN_IMPL(KAPPA_CONCAT(kappaResult_, __LINE__), lhs, expr)
