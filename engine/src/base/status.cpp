#include "kappa/status.h"

namespace kappa {

std::string_view statusCodeName(StatusCode code)
{
    switch (code) {
    case StatusCode::Ok: return "Ok";
    case StatusCode::InvalidArgument: return "InvalidArgument";
    case StatusCode::NotFound: return "NotFound";
    case StatusCode::AlreadyExists: return "AlreadyExists";
    case StatusCode::FailedPrecondition: return "FailedPrecondition";
    case StatusCode::OutOfRange: return "OutOfRange";
    case StatusCode::Aborted: return "Aborted";
    case StatusCode::Unavailable: return "Unavailable";
    case StatusCode::ResourceExhausted: return "ResourceExhausted";
    case StatusCode::Corruption: return "Corruption";
    case StatusCode::Internal: return "Internal";
    }
    return "Unknown";
}

std::string Status::toString() const
{
    if (isOk())
        return "Ok";
    std::string text(statusCodeName(m_code));
    text += ": ";
    text += m_message;
    return text;
}

Status Status::withContext(std::string_view context) const
{
    if (isOk())
        return *this;
    std::string message(context);
    message += ": ";
    message += m_message;
    return Status(m_code, std::move(message));
}

} // namespace kappa
