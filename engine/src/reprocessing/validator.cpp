#include "reprocessing/validator.h"

#include "reprocessing/validation_compare.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <thread>

namespace kappa::reprocessing {
namespace {

using Json = nlohmann::json;

// A source task publishes what it read within half a second (runtime/README.md):
// waiting longer than that after taking the positions makes everything below
// them visible in both views. On a loaded machine publishing can take longer,
// and a row not yet written looks like a difference; so a comparison that
// finds differences is repeated after longer waits (rows only become final or
// move past the aligned positions), and only what persists is reported.
constexpr std::chrono::milliseconds kPublishDelays[] = {std::chrono::milliseconds(700),
                                                        std::chrono::milliseconds(1500),
                                                        std::chrono::milliseconds(3000)};

std::string label(const std::string &job, const std::string &version)
{
    return job + "@" + version;
}

// Per source partition the version's position, and its lowest source watermark.
void sourcePositions(const RunningVersion &running, const std::string &sourceTopic, AlignedPositions &aligned,
                     bool first)
{
    std::int64_t watermark = std::numeric_limits<std::int64_t>::max();
    for (const jobs::TaskFigures &task : running.engine->taskFigures()) {
        if (task.metrics.topic != sourceTopic)
            continue;
        const auto p = static_cast<std::size_t>(task.metrics.partition.value());
        if (aligned.offsets.size() <= p)
            aligned.offsets.resize(p + 1, std::numeric_limits<std::int64_t>::max());
        aligned.offsets[p] = std::min(aligned.offsets[p], task.metrics.position);
        watermark = std::min(watermark, task.metrics.watermarkMs);
    }
    aligned.watermarkMs = first ? watermark : std::min(aligned.watermarkMs, watermark);
}

Status compareViews(const std::string &job, const Comparison &comparison, Json &report,
                    std::vector<std::string> &reasons)
{
    if (job == "user_features")
        return compareUserFeatures(comparison, report, reasons);
    if (job == "fraud")
        return compareFraud(comparison, report, reasons);
    return compareBusinessMetrics(comparison, report, reasons);
}

} // namespace

Validator::Validator(EventLog &log, Catalog &catalog, Fleet &fleet, jobs::DataLayout layout,
                     std::string sourceTopic, LifecycleSink events)
    : m_log(log)
    , m_catalog(catalog)
    , m_fleet(fleet)
    , m_layout(std::move(layout))
    , m_sourceTopic(std::move(sourceTopic))
    , m_events(std::move(events))
{}

Result<ValidationRecord> Validator::run(const std::string &job, const std::string &candidate,
                                        const std::string &actor)
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(JobVersionInfo info, m_catalog.jobVersion(job, candidate));
    if (info.state != VersionState::CaughtUp && info.state != VersionState::Validated)
        return Status::failedPrecondition(label(job, candidate) + " is "
                                          + std::string(versionStateName(info.state))
                                          + ": only a caught-up version is validated");
    KAPPA_ASSIGN_OR_RETURN(std::optional<std::string> live, m_catalog.alias(job));
    if (!live || *live == candidate)
        return Status::failedPrecondition(label(job, candidate)
                                          + " has no other live version to compare with");
    const std::optional<RunningVersion> liveVersion = m_fleet.find(job, *live);
    const std::optional<RunningVersion> candidateVersion = m_fleet.find(job, candidate);
    if (!liveVersion || !candidateVersion)
        return Status::failedPrecondition("both " + label(job, *live) + " and " + label(job, candidate)
                                          + " must be running to be compared");
    KAPPA_ASSIGN_OR_RETURN(jobs::JobDefinition definition, jobs::parseJobDefinition(info.specJson));
    KAPPA_ASSIGN_OR_RETURN(ValidationRules rules, parseValidationRules(definition.spec.validationJson));

    Comparison comparison{*liveVersion, *candidateVersion, {},        rules,
                          &m_log,       m_sourceTopic,     &m_layout, &m_catalog};
    sourcePositions(*liveVersion, m_sourceTopic, comparison.aligned, true);
    sourcePositions(*candidateVersion, m_sourceTopic, comparison.aligned, false);

    const Json header = {{"job", job},
                         {"candidate", candidate},
                         {"baseline", *live},
                         {"aligned",
                          {{"offsets", comparison.aligned.offsets},
                           {"watermark_ms", comparison.aligned.watermarkMs}}},
                         {"events_behind", nullptr}};
    Json report;
    std::vector<std::string> reasons;
    int attempts = 0;
    for (const std::chrono::milliseconds delay : kPublishDelays) {
        std::this_thread::sleep_for(delay);
        report = header;
        reasons.clear();
        ++attempts;
        KAPPA_RETURN_IF_ERROR(compareViews(job, comparison, report, reasons));
        if (reasons.empty())
            break;
    }
    report["attempts"] = attempts;
    report["passed"] = reasons.empty();
    report["reasons"] = reasons;

    ValidationRecord record;
    record.job = job;
    record.candidate = candidate;
    record.baseline = *live;
    record.passed = reasons.empty();
    record.reportJson = report.dump(-1, ' ', false, Json::error_handler_t::replace);
    record.createdBy = actor;
    KAPPA_ASSIGN_OR_RETURN(record.id, m_catalog.addValidation(record));
    const std::string verdict = record.passed ? "passed" : "failed: " + reasons.front();
    if (record.passed)
        KAPPA_RETURN_IF_ERROR(
            m_catalog.setVersionState(job, candidate, VersionState::Validated, actor,
                                      "validation " + std::to_string(record.id) + " passed"));
    m_events("validation.done", label(job, candidate),
             "validation " + std::to_string(record.id) + " " + verdict);
    return m_catalog.validation(record.id);
}

} // namespace kappa::reprocessing
