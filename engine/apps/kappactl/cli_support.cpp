#include "cli_support.h"

#include <iostream>

namespace kappa::ctl {

int fail(const Status &status)
{
    std::cerr << "kappactl: " << statusCodeName(status.code()) << ": " << status.message() << "\n";
    return static_cast<int>(exitCodeFor(status));
}

} // namespace kappa::ctl
