#include "reprocessing/switch_coordinator.h"

#include "jobs/view_reader.h"

#include <chrono>
#include <filesystem>

namespace kappa::reprocessing {
namespace {

std::int64_t wallNowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string label(const std::string &job, const std::string &version)
{
    return job + "@" + version;
}

} // namespace

SwitchCoordinator::SwitchCoordinator(EventLog &log, Catalog &catalog, Fleet &fleet, ReplayManager &replays,
                                     jobs::DataLayout layout, ReprocessingOptions options,
                                     LifecycleSink events, std::function<void()> aliasChanged)
    : m_log(log)
    , m_catalog(catalog)
    , m_fleet(fleet)
    , m_replays(replays)
    , m_layout(std::move(layout))
    , m_options(std::move(options))
    , m_events(std::move(events))
    , m_aliasChanged(std::move(aliasChanged))
{}

// What the approver approves: the candidate's state since when, and its latest validation.
Result<std::string> SwitchCoordinator::fingerprint(const std::string &job, const std::string &version) const
{
    KAPPA_ASSIGN_OR_RETURN(JobVersionInfo info, m_catalog.jobVersion(job, version));
    KAPPA_ASSIGN_OR_RETURN(std::vector<ValidationRecord> validations, m_catalog.validations(job, false));
    std::int64_t latest = 0;
    for (const ValidationRecord &validation : validations)
        if (validation.candidate == version)
            latest = std::max(latest, validation.id);
    return std::string(versionStateName(info.state)) + "@" + std::to_string(info.stateChangedAt.value())
           + "/validation " + std::to_string(latest);
}

// A version whose views are being rebuilt cannot take the traffic until it has caught up.
Status SwitchCoordinator::notRebuilding(const std::string &job, const std::string &version) const
{
    if (m_replays.rebuilding(job, version))
        return Status::failedPrecondition(label(job, version)
                                          + " is being rebuilt: it can serve once it has caught up");
    return Status::ok();
}

Result<SwitchRequest> SwitchCoordinator::request(const std::string &job, const std::string &version,
                                                 const Actor &actor, const std::string &overrideReason)
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(JobVersionInfo candidate, m_catalog.jobVersion(job, version));
    KAPPA_ASSIGN_OR_RETURN(std::optional<std::string> live, m_catalog.alias(job));
    if (!live)
        return Status::failedPrecondition(job + " has no live version");
    if (*live == version)
        return Status::failedPrecondition(label(job, version) + " is already live");
    if (!m_fleet.find(job, version))
        return Status::failedPrecondition(label(job, version) + " is not running: it cannot serve");
    KAPPA_RETURN_IF_ERROR(notRebuilding(job, version));
    SwitchRequest request;
    request.job = job;
    request.fromVersion = *live;
    request.toVersion = version;
    if (candidate.state == VersionState::Validated) {
        KAPPA_ASSIGN_OR_RETURN(std::vector<ValidationRecord> validations, m_catalog.validations(job, false));
        for (const ValidationRecord &validation : validations)
            if (validation.candidate == version && validation.passed && request.validationId == 0)
                request.validationId = validation.id;
    }
    if (request.validationId == 0) {
        if (!actor.admin || overrideReason.empty())
            return Status::failedPrecondition(label(job, version) + " is "
                                              + std::string(versionStateName(candidate.state))
                                              + ", not validated: validate it first (or, as an admin, "
                                                "override with a written reason)");
        if (candidate.state != VersionState::CaughtUp && candidate.state != VersionState::Validated)
            return Status::failedPrecondition(label(job, version) + " is "
                                              + std::string(versionStateName(candidate.state))
                                              + ": even an override needs a caught-up candidate");
        request.overrideReason = overrideReason;
    }
    KAPPA_ASSIGN_OR_RETURN(request.candidateFingerprint, fingerprint(job, version));
    request.requestedBy = actor.name;
    request.requestedAt = WallTime(wallNowMs());
    request.expiresAt = WallTime(request.requestedAt.value() + m_options.approvalTtl.count());
    KAPPA_ASSIGN_OR_RETURN(request.id, m_catalog.addSwitchRequest(request));
    m_events("switch.requested", job, "request " + std::to_string(request.id) + ": " + label(job, version));
    return m_catalog.switchRequest(request.id);
}

Result<SwitchRequest> SwitchCoordinator::approve(std::int64_t requestId, const Actor &actor)
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(SwitchRequest request, m_catalog.switchRequest(requestId));
    const std::string name = "switch request " + std::to_string(requestId);
    if (request.state != "pending")
        return Status::failedPrecondition(name + " is " + request.state);
    if (wallNowMs() > request.expiresAt.value()) {
        (void) m_catalog.closeSwitchRequest(requestId, "expired", actor.name, "not approved in time");
        return Status::failedPrecondition(name + " expired; request the switch again");
    }
    KAPPA_ASSIGN_OR_RETURN(JobVersionInfo candidate, m_catalog.jobVersion(request.job, request.toVersion));
    if (m_options.fourEyes && (actor.name == request.requestedBy || actor.name == candidate.createdBy))
        return Status::failedPrecondition("four-eyes: " + actor.name
                                          + " requested the switch or launched the replay; another approver "
                                            "must approve");
    KAPPA_ASSIGN_OR_RETURN(std::string current, fingerprint(request.job, request.toVersion));
    KAPPA_ASSIGN_OR_RETURN(std::optional<std::string> live, m_catalog.alias(request.job));
    const bool rebuilding = m_replays.rebuilding(request.job, request.toVersion).has_value();
    if (current != request.candidateFingerprint || live != request.fromVersion || rebuilding) {
        const std::string why = rebuilding ? "the candidate is being rebuilt"
                                           : "the candidate or the live version changed since the request";
        (void) m_catalog.closeSwitchRequest(requestId, "void", actor.name, why);
        return Status::failedPrecondition(name + " is void: " + why);
    }
    if (!m_fleet.find(request.job, request.toVersion))
        return Status::failedPrecondition(label(request.job, request.toVersion) + " is not running");
    KAPPA_RETURN_IF_ERROR(m_catalog.switchAlias(request.job, request.toVersion, requestId, actor.name,
                                                "alias.switch", "approved " + name));
    m_replays.promoted(request.job, request.toVersion);
    m_aliasChanged();
    m_events("switch.done", request.job, request.fromVersion + " -> " + request.toVersion + " (" + name + ")");
    return m_catalog.switchRequest(requestId);
}

Status SwitchCoordinator::reject(std::int64_t requestId, const Actor &actor, const std::string &reason)
{
    std::lock_guard lock(m_mutex);
    KAPPA_RETURN_IF_ERROR(m_catalog.closeSwitchRequest(requestId, "rejected", actor.name,
                                                       reason.empty() ? "rejected" : reason));
    m_events("switch.rejected", "request " + std::to_string(requestId), reason);
    return Status::ok();
}

Status SwitchCoordinator::rollback(const std::string &job, const Actor &actor, const std::string &reason)
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(std::vector<AliasChange> history, m_catalog.aliasHistory(job));
    if (history.empty() || !history.back().fromVersion)
        return Status::failedPrecondition(job + " has never been switched: nothing to roll back to");
    const AliasChange &last = history.back();
    const std::string previous = *last.fromVersion;
    if (wallNowMs() - last.at.value() > m_options.rollbackWindow.count())
        return Status::failedPrecondition("the rollback window of " + job + " is over; "
                                          + label(job, previous) + " has retired");
    KAPPA_ASSIGN_OR_RETURN(JobVersionInfo info, m_catalog.jobVersion(job, previous));
    if (info.state != VersionState::Validated || !m_fleet.find(job, previous))
        return Status::failedPrecondition(label(job, previous) + " is not warm ("
                                          + std::string(versionStateName(info.state)) + ")");
    KAPPA_RETURN_IF_ERROR(notRebuilding(job, previous));
    KAPPA_RETURN_IF_ERROR(m_catalog.switchAlias(job, previous, 0, actor.name, "alias.rollback",
                                                reason.empty() ? "rollback" : reason));
    m_aliasChanged();
    m_events("switch.rolled_back", job, last.toVersion + " -> " + previous);
    return Status::ok();
}

void SwitchCoordinator::tick()
{
    const std::int64_t now = wallNowMs();
    {
        std::lock_guard lock(m_mutex);
        if (Result<std::vector<SwitchRequest>> requests = m_catalog.switchRequests({}); requests.isOk())
            for (const SwitchRequest &request : *requests)
                if (request.state == "pending" && now > request.expiresAt.value())
                    (void) m_catalog.closeSwitchRequest(request.id, "expired", "kappad",
                                                        "not approved in time");
        retireWarmVersions(now);
    }
    dropExpiredVersions(now);
}

void SwitchCoordinator::deleteExpiredVersions()
{
    dropExpiredVersions(wallNowMs());
}

void SwitchCoordinator::retireWarmVersions(std::int64_t nowMs)
{
    for (const RunningVersion &running : m_fleet.all()) {
        Result<JobVersionInfo> info = m_catalog.jobVersion(running.name.job, running.name.version);
        Result<std::vector<AliasChange>> history = m_catalog.aliasHistory(running.name.job);
        if (!info.isOk() || !history.isOk() || history->empty() || info->state != VersionState::Validated)
            continue;
        const AliasChange &last = history->back();
        if (last.fromVersion != running.name.version
            || nowMs - last.at.value() <= m_options.rollbackWindow.count())
            continue;
        (void) m_fleet.stop(running.name.job, running.name.version);
        (void) m_catalog.setVersionState(running.name.job, running.name.version, VersionState::Retired,
                                         "kappad", "the rollback window is over");
        m_events("version.retired", running.name.str(), "the rollback window is over");
    }
}

void SwitchCoordinator::dropExpiredVersions(std::int64_t nowMs)
{
    Result<std::vector<JobVersionInfo>> versions = m_catalog.jobVersions();
    if (!versions.isOk())
        return;
    for (const JobVersionInfo &info : *versions) {
        const bool ended = info.state == VersionState::Retired || info.state == VersionState::Cancelled
                           || info.state == VersionState::Failed;
        if (!ended || nowMs - info.stateChangedAt.value() <= m_options.retention.count())
            continue;
        std::error_code ec;
        if (!std::filesystem::exists(m_layout.stateDir(info.job, info.version), ec))
            continue;
        if (jobs::dropViews(m_layout, m_catalog, m_log, {info.job, info.version}, false).isOk())
            m_events("version.deleted", label(info.job, info.version),
                     "views and state deleted after retention");
    }
}

} // namespace kappa::reprocessing
