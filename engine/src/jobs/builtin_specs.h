// The job specs shipped with Kappa (resources/jobs/*.json, compiled in so an
// installed binary needs no resource files): v1 of each pipeline and an
// example v2.
#pragma once

#include "kappa/status.h"
#include "pipelines/job_spec.h"

#include <string>
#include <string_view>
#include <vector>

namespace kappa::jobs {

struct BuiltinSpec
{
    std::string_view job;
    std::string_view version;
    std::string_view json;
};

const std::vector<BuiltinSpec> &builtinSpecs();
// The built-in spec of job@version; NotFound listing what exists otherwise.
Result<BuiltinSpec> builtinSpec(std::string_view job, std::string_view version);
// The jobs `--jobs all` runs: v1 of the three pipelines.
std::vector<std::string> defaultJobVersions();

} // namespace kappa::jobs
