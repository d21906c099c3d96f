#include "reprocessing/validator.h"

#include "reprocessing/validation_compare.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <thread>

namespace kappa::reprocessing {
namespace {

using Json = nlohmann::json;

// A source task publishes what it read within 2 s (runtime/README.md: at
// once or within 100 ms while its reads reach the log's end, within 2 s
// while they do not, as for a candidate still throttled after it caught up),
// so waiting 2.2 s after taking the positions makes everything below them
// visible in both views. On a loaded machine publishing can take longer,
// and a row not yet written looks like a difference; so a comparison that
// finds differences is repeated after longer waits (rows only become final or
// move past the aligned positions), and only what persists is reported.
constexpr std::chrono::milliseconds kPublishDelays[] = {std::chrono::milliseconds(2200),
                                                        std::chrono::milliseconds(1500),
                                                        std::chrono::milliseconds(3000)};

std::string label(const std::string &job, const std::string &version)
{
    return job + "@" + version;
}

// Per source partition the version's position (partitions it runs no task
// of are missing), and its lowest source watermark.
std::map<std::int32_t, std::int64_t> sourcePositions(const RunningVersion &running,
                                                     const std::string &sourceTopic, std::int64_t &watermark)
{
    std::map<std::int32_t, std::int64_t> positions;
    watermark = std::numeric_limits<std::int64_t>::max();
    for (const jobs::TaskFigures &task : running.engine->taskFigures()) {
        if (task.metrics.topic != sourceTopic)
            continue;
        positions[task.metrics.partition.value()] = task.metrics.position;
        watermark = std::min(watermark, task.metrics.watermarkMs);
    }
    return positions;
}

// What both versions have processed: per partition the lower position; 0
// for a partition one of them does not run here (in a cluster another
// instance compares it; rows left from when this one ran it are not final).
AlignedPositions alignedPositions(const RunningVersion &live, const RunningVersion &candidate,
                                  const std::string &sourceTopic, std::int32_t partitions,
                                  std::vector<PartitionId> &both)
{
    std::int64_t liveWatermark = 0;
    std::int64_t candidateWatermark = 0;
    const auto livePositions = sourcePositions(live, sourceTopic, liveWatermark);
    const auto candidatePositions = sourcePositions(candidate, sourceTopic, candidateWatermark);
    AlignedPositions aligned;
    aligned.offsets.assign(static_cast<std::size_t>(partitions), 0);
    aligned.watermarkMs = std::min(liveWatermark, candidateWatermark);
    for (const auto &[partition, position] : livePositions) {
        const auto other = candidatePositions.find(partition);
        if (other == candidatePositions.end() || partition >= partitions)
            continue;
        aligned.offsets[static_cast<std::size_t>(partition)] = std::min(position, other->second);
        both.emplace_back(partition);
    }
    return aligned;
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

// Every source partition compared by exactly one instance.
Status Validator::checkCoverage(const std::vector<ValidationShare> &shares) const
{
    KAPPA_ASSIGN_OR_RETURN(const TopicConfig source, m_log.describeTopic(m_sourceTopic));
    std::vector<int> compared(static_cast<std::size_t>(source.partitions), 0);
    for (const ValidationShare &share : shares)
        for (std::int32_t partition : share.partitions)
            if (partition >= 0 && partition < source.partitions)
                ++compared[static_cast<std::size_t>(partition)];
    std::string missing;
    for (std::size_t p = 0; p < compared.size(); ++p)
        if (compared[p] != 1)
            missing += (missing.empty() ? "" : ",") + std::to_string(p);
    if (!missing.empty())
        return Status::unavailable("source partitions " + missing
                                   + " were not compared by exactly one instance (they moved between "
                                     "instances meanwhile); try again");
    return Status::ok();
}

Validator::Validator(EventLog &log, Catalog &catalog, Fleet &fleet, jobs::DataLayout layout,
                     std::string sourceTopic, LifecycleSink events)
    : m_log(log)
    , m_catalog(catalog)
    , m_fleet(fleet)
    , m_layout(std::move(layout))
    , m_sourceTopic(std::move(sourceTopic))
    , m_events(std::move(events))
{}

Result<ValidationShare> Validator::compare(const std::string &job, const std::string &candidate,
                                           const std::string &baseline, const std::string &instance)
{
    std::lock_guard lock(m_mutex);
    return compareLocked(job, candidate, baseline, instance);
}

Result<ValidationShare> Validator::compareLocked(const std::string &job, const std::string &candidate,
                                                 const std::string &baseline, const std::string &instance)
{
    KAPPA_ASSIGN_OR_RETURN(JobVersionInfo info, m_catalog.jobVersion(job, candidate));
    const std::optional<std::string> live = baseline;
    const std::optional<RunningVersion> liveVersion = m_fleet.find(job, *live);
    const std::optional<RunningVersion> candidateVersion = m_fleet.find(job, candidate);
    if (!liveVersion || !candidateVersion)
        return Status::failedPrecondition("both " + label(job, *live) + " and " + label(job, candidate)
                                          + " must be running to be compared");
    KAPPA_ASSIGN_OR_RETURN(jobs::JobDefinition definition, jobs::parseJobDefinition(info.specJson));
    KAPPA_ASSIGN_OR_RETURN(ValidationRules rules, parseValidationRules(definition.spec.validationJson));

    Comparison comparison{*liveVersion,  *candidateVersion, {},         rules, &m_log,
                          m_sourceTopic, &m_layout,         &m_catalog, {}};
    KAPPA_ASSIGN_OR_RETURN(const TopicConfig source, m_log.describeTopic(m_sourceTopic));
    comparison.aligned = alignedPositions(*liveVersion, *candidateVersion, m_sourceTopic, source.partitions,
                                          comparison.partitions);

    const Json header = {{"job", job},
                         {"candidate", candidate},
                         {"baseline", *live},
                         {"aligned",
                          {{"offsets", comparison.aligned.offsets},
                           {"watermark_ms", comparison.aligned.watermarkMs}}},
                         {"events_behind", nullptr}};
    ValidationShare share;
    share.instance = instance;
    for (PartitionId partition : comparison.partitions)
        share.partitions.push_back(partition.value());
    int attempts = 0;
    for (const std::chrono::milliseconds delay : kPublishDelays) {
        std::this_thread::sleep_for(delay);
        share.report = header;
        share.reasons.clear();
        ++attempts;
        KAPPA_RETURN_IF_ERROR(compareViews(job, comparison, share.report, share.reasons));
        if (share.reasons.empty())
            break;
    }
    share.passed = share.reasons.empty();
    share.report["attempts"] = attempts;
    share.report["passed"] = share.passed;
    share.report["reasons"] = share.reasons;
    return share;
}

Result<ValidationRecord> Validator::run(const std::string &job, const std::string &candidate,
                                        const std::string &actor, const std::vector<ValidationShare> &others,
                                        const std::string &self)
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
    KAPPA_ASSIGN_OR_RETURN(ValidationShare own, compareLocked(job, candidate, *live, self));
    Json report = own.report;
    std::vector<std::string> reasons = own.reasons;
    if (!others.empty()) {
        // Across a cluster: each instance's share, and the verdict of all.
        reasons.clear();
        Json shares = Json::array();
        std::vector<ValidationShare> all = others;
        all.insert(all.begin(), own);
        KAPPA_RETURN_IF_ERROR(checkCoverage(all));
        for (const ValidationShare &share : all) {
            for (const std::string &reason : share.reasons)
                reasons.push_back(share.instance + ": " + reason);
            shares.push_back(
                {{"instance", share.instance}, {"passed", share.passed}, {"report", share.report}});
        }
        report = {{"job", job},
                  {"candidate", candidate},
                  {"baseline", own.report["baseline"]},
                  {"passed", reasons.empty()},
                  {"reasons", reasons},
                  {"shares", std::move(shares)}};
    }

    ValidationRecord record;
    record.job = job;
    record.candidate = candidate;
    record.baseline = report["baseline"].get<std::string>();
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
