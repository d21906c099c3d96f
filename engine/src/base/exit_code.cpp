#include "base/exit_code.h"

namespace kappa {

ExitCode exitCodeFor(const Status &status)
{
    switch (status.code()) {
    case StatusCode::Ok: return ExitCode::Ok;
    case StatusCode::InvalidArgument: return ExitCode::Usage;
    case StatusCode::NotFound: return ExitCode::NotFound;
    case StatusCode::AlreadyExists:
    case StatusCode::FailedPrecondition: return ExitCode::Conflict;
    case StatusCode::Corruption: return ExitCode::Corruption;
    case StatusCode::OutOfRange: return ExitCode::OutOfRange;
    case StatusCode::Aborted:
    case StatusCode::Unavailable:
    case StatusCode::ResourceExhausted: return ExitCode::Unavailable;
    case StatusCode::Internal: return ExitCode::Internal;
    }
    return ExitCode::Internal;
}

} // namespace kappa
