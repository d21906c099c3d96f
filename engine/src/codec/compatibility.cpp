#include "codec/compatibility.h"

#include "codec/avro_resolve.h"

#include <array>
#include <cctype>

namespace kappa::codec {
namespace {

bool isTransitive(CompatibilityMode mode)
{
    return mode == CompatibilityMode::BackwardTransitive || mode == CompatibilityMode::ForwardTransitive
           || mode == CompatibilityMode::FullTransitive;
}

bool checksBackward(CompatibilityMode mode)
{
    return mode == CompatibilityMode::Backward || mode == CompatibilityMode::BackwardTransitive
           || mode == CompatibilityMode::Full || mode == CompatibilityMode::FullTransitive;
}

bool checksForward(CompatibilityMode mode)
{
    return mode == CompatibilityMode::Forward || mode == CompatibilityMode::ForwardTransitive
           || mode == CompatibilityMode::Full || mode == CompatibilityMode::FullTransitive;
}

void addReasons(CompatibilityReport &report, const std::vector<std::string> &problems,
                const std::string &direction)
{
    for (const std::string &problem : problems)
        report.reasons.push_back(problem + " (" + direction + ")");
}

} // namespace

CompatibilityReport checkCompatibility(const AvroSchema &candidate,
                                       const std::vector<ExistingVersion> &existing, CompatibilityMode mode)
{
    CompatibilityReport report;
    report.mode = mode;
    if (mode == CompatibilityMode::None || existing.empty())
        return report;
    const std::size_t first = isTransitive(mode) ? 0 : existing.size() - 1;
    for (std::size_t i = first; i < existing.size(); ++i) {
        const ExistingVersion &old = existing[i];
        const std::string version = std::to_string(old.version);
        if (checksBackward(mode))
            addReasons(report, resolutionProblems(old.schema->root(), candidate.root()),
                       "new schema reading data written with version " + version);
        if (checksForward(mode))
            addReasons(report, resolutionProblems(candidate.root(), old.schema->root()),
                       "version " + version + " reading data written with the new schema");
    }
    report.compatible = report.reasons.empty();
    return report;
}

} // namespace kappa::codec

namespace kappa {
namespace {

constexpr std::array<std::string_view, 7> kModeNames = {
    "NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE",
};

} // namespace

std::string_view compatibilityModeName(CompatibilityMode mode)
{
    return kModeNames[static_cast<std::size_t>(mode)];
}

std::optional<CompatibilityMode> parseCompatibilityMode(std::string_view name)
{
    std::string upper(name);
    for (char &c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (std::size_t i = 0; i < kModeNames.size(); ++i) {
        if (kModeNames[i] == upper)
            return static_cast<CompatibilityMode>(i);
    }
    return std::nullopt;
}

} // namespace kappa
