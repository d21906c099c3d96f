#include "jobs/data_layout.h"

namespace kappa::jobs {

namespace {

std::string nameOf(std::string_view job, std::string_view version)
{
    std::string name(job);
    name.push_back('@');
    name.append(version);
    return name;
}

} // namespace

std::string DataLayout::stateDir(std::string_view job, std::string_view version) const
{
    return root + "/state/" + nameOf(job, version);
}

std::string DataLayout::keyValueViewDir(std::string_view job, std::string_view version) const
{
    return root + "/views/" + nameOf(job, version);
}

std::string DataLayout::metricsViewPath(std::string_view job, std::string_view version) const
{
    return root + "/views/" + nameOf(job, version) + ".db";
}

Result<JobVersionName> parseJobVersionName(std::string_view text)
{
    const std::size_t at = text.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == text.size()
        || text.find('@', at + 1) != text.npos)
        return Status::invalidArgument("'" + std::string(text)
                                       + "' is not JOB@VERSION (e.g. user_features@v1)");
    return JobVersionName{std::string(text.substr(0, at)), std::string(text.substr(at + 1))};
}

} // namespace kappa::jobs
