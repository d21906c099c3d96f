#include "cli_support.h"

#include <iostream>

namespace kappa::ctl {

int fail(const Status &status)
{
    std::cerr << "kappactl: " << statusCodeName(status.code()) << ": " << status.message() << "\n";
    return static_cast<int>(exitCodeFor(status));
}

Result<std::unique_ptr<EventLog>> openLog(const DataDir &dataDir, service::LogAccess access)
{
    access.clientId = "kappactl";
    return service::openEventLog(dataDir.log, dataDir.root, access);
}

} // namespace kappa::ctl
