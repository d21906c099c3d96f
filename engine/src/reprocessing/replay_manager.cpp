#include "reprocessing/replay_manager.h"

#include "codec/avro_schema.h"
#include "codec/event_plan.h"
#include "jobs/view_reader.h"
#include "kappa/event_codec.h"
#include "reprocessing/start_position.h"
#include "views/kv_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <thread>

namespace kappa::reprocessing {
namespace {

constexpr double kIngestWindowSec = 60.0;
constexpr double kMeasureWindowSec = 5.0;

std::string label(const std::string &job, const std::string &version)
{
    return job + "@" + version;
}

std::string number(double value)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
    return buffer;
}

// The rate at which a sample series grew over its window (0 with fewer than two samples).
double slope(const std::deque<std::pair<double, std::int64_t>> &samples)
{
    if (samples.size() < 2)
        return 0.0;
    const double seconds = samples.back().first - samples.front().first;
    return seconds > 0 ? static_cast<double>(samples.back().second - samples.front().second) / seconds : 0.0;
}

Status readableAsEventV1(const SchemaRegistry &registry, const std::string &subject, int version)
{
    KAPPA_ASSIGN_OR_RETURN(SubjectVersion writer, registry.subjectVersion(subject, version));
    KAPPA_ASSIGN_OR_RETURN(codec::AvroSchemaPtr schema, codec::parseAvroSchema(writer.schemaJson));
    return codec::compileEventPlan(std::move(schema)).status();
}

// Every writer schema in the events subject must resolve to the Event v1
// reader every pipeline of this build decodes with.
PreflightCheck schemaCheck(const Catalog &catalog)
{
    PreflightCheck check{"schema", true, ""};
    SchemaRegistry &registry = const_cast<Catalog &>(catalog).schemas();
    const std::string subject(kEventsValueSubject);
    Result<std::vector<int>> versions = registry.versions(subject);
    if (!versions.isOk()) {
        check.detail = "no writer schemas registered in " + subject + " yet";
        return check;
    }
    for (int version : *versions) {
        Status readable = readableAsEventV1(registry, subject, version);
        if (!readable.isOk()) {
            check.ok = false;
            check.detail = subject + " version " + std::to_string(version)
                           + " cannot be read as Event v1: " + readable.message();
            return check;
        }
    }
    check.detail = "Event v1 reads all " + std::to_string(versions->size()) + " writer schema(s) of "
                   + subject;
    return check;
}

// Bad settings are the caller's mistake, refused before anything starts.
Status checkRateSettings(const ThrottleSettings &settings)
{
    if (!(settings.rateMultiple > 0) || !(settings.minRate >= 0) || !(settings.maxRate >= 0)
        || (settings.maxRate > 0 && settings.maxRate < settings.minRate))
        return Status::invalidArgument(
            "rate settings must be k > 0, 0 <= min_rate <= max_rate (max_rate 0: no cap)");
    return Status::ok();
}

} // namespace

ReplayManager::ReplayManager(EventLog &log, Catalog &catalog, Fleet &fleet, jobs::DataLayout layout,
                             std::string sourceTopic, ReprocessingOptions options, LifecycleSink events)
    : m_log(log)
    , m_catalog(catalog)
    , m_fleet(fleet)
    , m_layout(std::move(layout))
    , m_sourceTopic(std::move(sourceTopic))
    , m_options(std::move(options))
    , m_events(std::move(events))
{}

double ReplayManager::secondsNow() const
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_epoch).count();
}

ThrottleSettings ReplayManager::settingsOf(const ReplayRecord &record) const
{
    return {record.rateMultiple, record.maxRate, record.minRate, record.paused};
}

Result<jobs::JobDefinition> ReplayManager::definitionFor(const LaunchRequest &request) const
{
    if (!request.specJson.empty())
        return jobs::parseJobDefinition(request.specJson);
    KAPPA_ASSIGN_OR_RETURN(jobs::JobVersionName name, jobs::parseJobVersionName(request.jobVersion));
    return jobs::resolveJobDefinition(m_catalog, name);
}

ThrottleSettings ReplayManager::settingsOf(const LaunchRequest &request) const
{
    ThrottleSettings settings;
    settings.rateMultiple = request.rateMultiple.value_or(m_options.rateMultiple);
    settings.maxRate = request.maxRate.value_or(m_options.maxRate);
    settings.minRate = request.minRate.value_or(m_options.minRate);
    return settings;
}

Result<Preflight> ReplayManager::preflight(const LaunchRequest &request) const
{
    const ThrottleSettings settings = settingsOf(request);
    KAPPA_RETURN_IF_ERROR(checkRateSettings(settings));
    KAPPA_ASSIGN_OR_RETURN(jobs::JobDefinition definition, definitionFor(request));
    Preflight out;
    out.job = definition.spec.job;
    out.version = definition.spec.version;
    auto add = [&](PreflightCheck check) {
        out.ok = out.ok && check.ok;
        out.checks.push_back(std::move(check));
    };

    PreflightCheck version{"version", true, ""};
    Result<JobVersionInfo> existing = m_catalog.jobVersion(out.job, out.version);
    KAPPA_ASSIGN_OR_RETURN(std::optional<std::string> live, m_catalog.alias(out.job));
    if (existing.isOk()) {
        version.ok = false;
        version.detail = label(out.job, out.version) + " is already registered ("
                         + std::string(versionStateName(existing->state))
                         + "): give the new logic a new version name, or rebuild that version's views";
    } else if (!live) {
        version.ok = false;
        version.detail = out.job + " has no live version to replay beside";
    } else {
        version.detail = "new version beside the live " + label(out.job, *live);
    }
    add(version);

    KAPPA_ASSIGN_OR_RETURN(StartPosition start,
                           parseStartPosition(request.from,
                                              WallTime(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                           std::chrono::system_clock::now().time_since_epoch())
                                                           .count())));
    KAPPA_ASSIGN_OR_RETURN(out.startOffsets, resolveStartOffsets(m_log, m_sourceTopic, start));
    std::int64_t total = 0;
    for (std::size_t p = 0; p < out.startOffsets.size(); ++p) {
        KAPPA_ASSIGN_OR_RETURN(PartitionInfo info,
                               m_log.partitionInfo(m_sourceTopic, PartitionId(static_cast<std::int32_t>(p))));
        out.events += info.endOffset - out.startOffsets[p];
        total += info.endOffset.value();
    }
    add({"range", out.events > 0,
         out.events > 0 ? number(static_cast<double>(out.events)) + " events from " + request.from
                        : "no events in the log from " + request.from});

    add(schemaCheck(m_catalog));

    out.ingestRate = ingestRate();
    ThrottlePolicy policy;
    policy.update(out.ingestRate, settings, std::nullopt, 0);
    out.rate = policy.targetRate();
    PreflightCheck rate{"rate", true, ""};
    if (out.rate <= out.ingestRate) {
        rate.ok = false;
        rate.detail = "at " + number(out.rate) + " events/s it would never catch up with ingest at "
                      + number(out.ingestRate) + " events/s";
    } else {
        out.expectedSeconds = static_cast<double>(out.events) / (out.rate - out.ingestRate);
        rate.detail = number(out.rate) + " events/s against ingest at " + number(out.ingestRate)
                      + " events/s";
    }
    add(rate);

    // Sizes scale with the share of the log replayed, from the live version's.
    if (live && total > 0) {
        if (std::optional<RunningVersion> running = m_fleet.find(out.job, *live)) {
            const double share = static_cast<double>(out.events) / static_cast<double>(total);
            for (const jobs::JobReport &report : running->engine->report())
                out.estimatedStateBytes += static_cast<std::uint64_t>(static_cast<double>(report.stateBytes)
                                                                      * share);
            if (const views::KeyValueView *view = running->engine->featureView(*live))
                out.estimatedViewBytes = static_cast<std::uint64_t>(
                    static_cast<double>(view->approximateBytes()) * share);
        }
    }
    return out;
}

Result<std::int64_t> ReplayManager::launch(const LaunchRequest &request, const std::string &actor)
{
    KAPPA_ASSIGN_OR_RETURN(Preflight checked, preflight(request));
    if (!checked.ok) {
        std::string reasons;
        for (const PreflightCheck &check : checked.checks)
            if (!check.ok)
                reasons += (reasons.empty() ? "" : "; ") + check.name + ": " + check.detail;
        return Status::failedPrecondition("pre-flight failed: " + reasons);
    }
    KAPPA_ASSIGN_OR_RETURN(jobs::JobDefinition definition, definitionFor(request));
    ReplayRecord record;
    record.job = checked.job;
    record.version = checked.version;
    record.from = request.from.empty() ? "earliest" : request.from;
    for (Offset offset : checked.startOffsets)
        record.startOffsets.push_back(offset.value());
    const ThrottleSettings settings = settingsOf(request);
    record.rateMultiple = settings.rateMultiple;
    record.maxRate = settings.maxRate;
    record.minRate = settings.minRate;
    record.createdBy = actor;
    return start(std::move(definition), std::move(record), actor);
}

Result<std::int64_t> ReplayManager::rebuild(const std::string &job, const std::string &version,
                                            const LaunchRequest &request, const std::string &serveFrom,
                                            const std::string &actor)
{
    KAPPA_RETURN_IF_ERROR(checkRateSettings(settingsOf(request)));
    KAPPA_ASSIGN_OR_RETURN(JobVersionInfo info, m_catalog.jobVersion(job, version));
    if (info.state == VersionState::Retired || info.state == VersionState::Failed
        || info.state == VersionState::Cancelled)
        return Status::failedPrecondition(label(job, version) + " is "
                                          + std::string(versionStateName(info.state))
                                          + "; replay it under a new version instead");
    if (!serveFrom.empty() && (serveFrom == version || !m_fleet.find(job, serveFrom)))
        return Status::invalidArgument("serve_from must name another running version of " + job + ", not '"
                                       + serveFrom + "'");
    KAPPA_RETURN_IF_ERROR(supersedeReplay(job, version, actor));
    KAPPA_ASSIGN_OR_RETURN(jobs::JobDefinition definition, jobs::parseJobDefinition(info.specJson));
    ReplayRecord record;
    record.job = job;
    record.version = version;
    record.kind = "rebuild";
    record.from = "earliest";
    record.serveFrom = serveFrom;
    KAPPA_ASSIGN_OR_RETURN(std::vector<Offset> offsets,
                           resolveStartOffsets(m_log, m_sourceTopic, StartPosition{}));
    for (Offset offset : offsets)
        record.startOffsets.push_back(offset.value());
    const ThrottleSettings settings = settingsOf(request);
    record.rateMultiple = settings.rateMultiple;
    record.maxRate = settings.maxRate;
    record.minRate = settings.minRate;
    record.createdBy = actor;
    // Reads go elsewhere (or get Unavailable) before the views disappear.
    setRebuilding(record, true);
    if (Status dropped = stopAndDrop(job, version); !dropped.isOk()) {
        setRebuilding(record, false);
        return dropped.withContext("deleting the views of " + label(job, version));
    }
    return start(std::move(definition), std::move(record), actor);
}

// Stops the version and deletes its views, state and rekey topics. The
// stopped engine must be gone first: a reader may hold it for a moment, and
// while it exists its tasks still refer to the topics and the state store
// that are about to be deleted and created anew.
Status ReplayManager::stopAndDrop(const std::string &job, const std::string &version)
{
    std::weak_ptr<jobs::Engine> stopped;
    if (std::optional<RunningVersion> running = m_fleet.find(job, version)) {
        stopped = running->engine;
        running.reset();
        KAPPA_RETURN_IF_ERROR(m_fleet.stop(job, version));
    }
    constexpr int kAttempts = 100; // 10 s
    for (int attempt = 0; attempt < kAttempts && !stopped.expired(); ++attempt)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!stopped.expired())
        return Status::unavailable("the stopped engine of " + label(job, version)
                                   + " is still in use after 10 s; try again");
    return jobs::dropViews(m_layout, m_catalog, m_log, {job, version}, true);
}

// A caught-up version's replay ends where its rebuild begins; a running one
// is still building the views (wait for it, or cancel it).
Status ReplayManager::supersedeReplay(const std::string &job, const std::string &version,
                                      const std::string &actor)
{
    std::lock_guard lock(m_mutex);
    for (auto it = m_active.begin(); it != m_active.end(); ++it) {
        Active &active = it->second;
        if (active.record.job != job || active.record.version != version)
            continue;
        if (active.record.state != "caught_up" || active.record.kind == "rebuild")
            return Status::failedPrecondition(label(job, version) + " is being replayed (replay "
                                              + std::to_string(it->first)
                                              + "): rebuild it once it has caught up, or cancel it");
        active.record.state = "finished";
        active.record.reason = "superseded by a rebuild";
        (void) update(active, actor, "replay.finished", "superseded by a rebuild");
        m_active.erase(it);
        return Status::ok();
    }
    return Status::ok();
}

void ReplayManager::setRebuilding(const ReplayRecord &record, bool active)
{
    std::unique_lock lock(m_rebuildsMutex);
    if (active)
        m_rebuilds[label(record.job, record.version)] = record.serveFrom;
    else
        m_rebuilds.erase(label(record.job, record.version));
}

std::optional<std::string> ReplayManager::rebuilding(const std::string &job, const std::string &version) const
{
    std::shared_lock lock(m_rebuildsMutex);
    const auto found = m_rebuilds.find(label(job, version));
    if (found == m_rebuilds.end())
        return std::nullopt;
    return found->second;
}

// A rebuilt version that serves (or stands by) reads at full speed again and keeps its state.
void ReplayManager::finishRebuild(Active &active, const std::string &reason)
{
    active.throttle->setRate(std::numeric_limits<double>::infinity());
    active.record.state = "finished";
    active.record.reason = reason;
    (void) update(active, "kappad", "rebuild.finished", reason);
    setRebuilding(active.record, false);
    m_events("rebuild.finished", label(active.record.job, active.record.version), reason);
}

Result<std::int64_t> ReplayManager::start(jobs::JobDefinition definition, ReplayRecord record,
                                          const std::string &actor)
{
    std::lock_guard lock(m_mutex);
    // Registered (as replaying) before the replay row refers to it; the
    // engine's own registration is then a no-op.
    if (record.kind == "replay") {
        JobVersionInfo info;
        info.job = record.job;
        info.version = record.version;
        info.specJson = definition.json;
        info.state = VersionState::Replaying;
        info.createdBy = actor;
        KAPPA_RETURN_IF_ERROR(m_catalog.addJobVersion(info));
    }
    KAPPA_ASSIGN_OR_RETURN(record.id, m_catalog.addReplay(record));
    Active active;
    Result<ReplayRecord> stored = m_catalog.replay(record.id);
    active.record = stored.isOk() ? *stored : record;
    active.status.record = active.record;
    active.status.versionState = "replaying";
    const std::int64_t id = record.id;
    if (Status started = startEngine(active, definition, actor); !started.isOk()) {
        active.record.state = "failed";
        active.record.reason = started.message();
        (void) m_catalog.updateReplay(active.record, actor, "replay.failed", started.message());
        (void) m_catalog.setVersionState(record.job, record.version, VersionState::Failed, actor,
                                         started.message());
        setRebuilding(record, false);
        return started;
    }
    m_events("replay.started", label(record.job, record.version), "replay " + std::to_string(id));
    m_active.emplace(id, std::move(active));
    return id;
}

Status ReplayManager::startEngine(Active &active, const jobs::JobDefinition &definition,
                                  const std::string &actor)
{
    ThrottlePolicy &policy = active.policy;
    policy.update(ingestRateLocked(), settingsOf(active.record), std::nullopt, 0);
    active.throttle = std::make_shared<runtime::RateLimiter>(policy.currentRate());
    std::vector<Offset> offsets;
    for (std::int64_t offset : active.record.startOffsets)
        offsets.emplace_back(offset);
    return m_fleet.start(definition, actor, active.throttle, std::move(offsets));
}

Status ReplayManager::resumeActive()
{
    KAPPA_ASSIGN_OR_RETURN(std::vector<ReplayRecord> records, m_catalog.replays());
    std::lock_guard lock(m_mutex);
    for (const ReplayRecord &record : records)
        if (record.state == "running" || record.state == "caught_up")
            KAPPA_RETURN_IF_ERROR(resumeLocked(record));
    return Status::ok();
}

Status ReplayManager::resumeLocked(const ReplayRecord &record)
{
    KAPPA_ASSIGN_OR_RETURN(JobVersionInfo info, m_catalog.jobVersion(record.job, record.version));
    // A validated shadow goes on tailing; a live version only when it is being rebuilt.
    const bool resumable = info.state == VersionState::Replaying || info.state == VersionState::CaughtUp
                           || info.state == VersionState::Validated
                           || (info.state == VersionState::Live && record.kind == "rebuild");
    if (!resumable)
        return Status::ok();
    // A serving version was started unthrottled with the service: its rebuild goes on throttled.
    if (m_fleet.find(record.job, record.version))
        KAPPA_RETURN_IF_ERROR(m_fleet.stop(record.job, record.version));
    KAPPA_ASSIGN_OR_RETURN(jobs::JobDefinition definition, jobs::parseJobDefinition(info.specJson));
    Active active;
    active.record = record;
    const std::int64_t id = record.id;
    if (record.kind == "rebuild")
        setRebuilding(record, true);
    KAPPA_RETURN_IF_ERROR(startEngine(active, definition, record.createdBy)
                              .withContext("resuming replay " + std::to_string(id)));
    m_events("replay.resumed", label(record.job, record.version), "replay " + std::to_string(id));
    m_active.emplace(id, std::move(active));
    return Status::ok();
}

void ReplayManager::setFollowing(bool following)
{
    std::lock_guard lock(m_mutex);
    m_following = following;
    m_peerShares.clear(); // a leader gathers them afresh
    for (auto &[id, active] : m_active)
        active.lowLagSince.reset(); // a new leader measures the hold itself
}

Status ReplayManager::syncWithCatalog()
{
    KAPPA_ASSIGN_OR_RETURN(std::vector<ReplayRecord> records, m_catalog.replays());
    std::lock_guard lock(m_mutex);
    if (!m_following)
        return Status::ok();
    // A replay the catalog does not list under its id (this instance started
    // it while it led and could not share it; the row was dropped or the id
    // given to another replay since): stopped.
    for (auto it = m_active.begin(); it != m_active.end();) {
        const ReplayRecord &running = it->second.record;
        const bool listed = std::any_of(records.begin(), records.end(), [&](const ReplayRecord &record) {
            return record.id == it->first && record.job == running.job && record.version == running.version;
        });
        if (listed) {
            ++it;
            continue;
        }
        (void) m_fleet.stop(running.job, running.version);
        setRebuilding(running, false);
        it = m_active.erase(it);
    }
    Status first;
    for (const ReplayRecord &record : records) {
        const bool active = record.state == "running" || record.state == "caught_up";
        const auto it = m_active.find(record.id);
        if (it == m_active.end()) {
            if (Status resumed = active ? resumeLocked(record) : Status::ok(); !resumed.isOk() && first.isOk())
                first = resumed;
        } else if (active) {
            it->second.record = record; // settings, pause and state as the leader set them
        } else {
            mirror(it->second, record);
            m_active.erase(it);
        }
    }
    return first;
}

// A replay the leader ended: this instance's share ends the same way.
void ReplayManager::mirror(Active &active, const ReplayRecord &record)
{
    active.record = record;
    active.status.record = record;
    setRebuilding(record, false);
    if (record.state == "finished") // it serves, or stands by: full speed from now on
        active.throttle->setRate(std::numeric_limits<double>::infinity());
    else
        (void) m_fleet.stop(record.job, record.version);
    m_events("replay." + record.state, label(record.job, record.version), record.reason);
}

std::vector<ReplayShare> ReplayManager::shares(const std::string &instance) const
{
    std::lock_guard lock(m_mutex);
    std::vector<ReplayShare> out;
    for (const auto &[id, active] : m_active) {
        ReplayShare share;
        share.instance = instance;
        share.replayId = id;
        share.partitions = active.localPartitions;
        share.stageLagRecords = active.localStageLag;
        share.measuredRate = slope(active.spent);
        share.failure = active.failure;
        out.push_back(std::move(share));
    }
    return out;
}

void ReplayManager::setPeerShares(std::vector<ReplayShare> shares)
{
    std::lock_guard lock(m_mutex);
    m_peerShares = std::move(shares);
}

// This instance's share of the source partitions: its part of a replay's rate.
// The source topic's partition count (it never changes), asked once; 0 until known.
std::int32_t ReplayManager::sourcePartitions() const
{
    if (m_sourcePartitions == 0)
        if (Result<TopicConfig> topic = m_log.describeTopic(m_sourceTopic); topic.isOk())
            m_sourcePartitions = topic->partitions;
    return m_sourcePartitions;
}

double ReplayManager::shareOfPartitions() const
{
    const std::optional<std::vector<PartitionId>> owned = m_fleet.partitions();
    if (!owned) // no cluster: this instance runs every partition
        return 1.0;
    const std::int32_t partitions = sourcePartitions();
    return partitions > 0 ? static_cast<double>(owned->size()) / static_cast<double>(partitions) : 1.0;
}

bool ReplayManager::coversEveryPartition(const Active &active) const
{
    if (!m_fleet.partitions()) // no cluster: every partition runs here
        return true;
    return active.status.partitions.size() == static_cast<std::size_t>(sourcePartitions());
}

std::string ReplayManager::peerFailure(std::int64_t id) const
{
    for (const ReplayShare &share : m_peerShares)
        if (share.replayId == id && !share.failure.empty())
            return "instance " + share.instance + ": " + share.failure;
    return {};
}

double ReplayManager::ingestRate() const
{
    std::lock_guard lock(m_mutex);
    return ingestRateLocked();
}

double ReplayManager::ingestRateLocked() const
{
    return slope(m_ingest);
}

void ReplayManager::measureIngest(double now)
{
    Result<TopicConfig> topic = m_log.describeTopic(m_sourceTopic);
    if (!topic.isOk())
        return;
    std::int64_t total = 0;
    for (std::int32_t p = 0; p < topic->partitions; ++p)
        if (Result<PartitionInfo> info = m_log.partitionInfo(m_sourceTopic, PartitionId(p)); info.isOk())
            total += info->endOffset.value();
    m_ingest.emplace_back(now, total);
    while (m_ingest.size() > 2 && now - m_ingest.front().first > kIngestWindowSec)
        m_ingest.pop_front();
}

std::optional<LivePressure> ReplayManager::livePressure() const
{
    std::optional<LivePressure> worst;
    for (const RunningVersion &running : m_fleet.all()) {
        Result<std::optional<std::string>> live = m_catalog.alias(running.name.job);
        if (!live.isOk() || !*live)
            continue;
        // A live version being rebuilt lags by design; the version standing in for it serves.
        std::string serving = **live;
        if (std::optional<std::string> servedBy = rebuilding(running.name.job, serving))
            serving = *servedBy;
        if (serving != running.name.version)
            continue;
        const auto slo = m_options.sloSeconds.find(running.name.job);
        if (slo == m_options.sloSeconds.end() || slo->second <= 0)
            continue;
        double lag = 0;
        for (const jobs::TaskFigures &task : running.engine->taskFigures())
            lag = std::max(lag, task.metrics.lagSeconds);
        const double share = lag / slo->second;
        if (share >= ThrottlePolicy::kPressureShare
            && (!worst || share > worst->lagSeconds / worst->sloSeconds))
            worst = LivePressure{running.name.str(), lag, slo->second};
    }
    return worst;
}

void ReplayManager::tick()
{
    const std::optional<LivePressure> pressure = livePressure();
    std::lock_guard lock(m_mutex);
    const double now = secondsNow();
    const double elapsed = m_lastTick > 0 ? now - m_lastTick : 0.0;
    m_lastTick = now;
    measureIngest(now);
    for (auto it = m_active.begin(); it != m_active.end();) {
        refresh(it->second, now, elapsed, pressure);
        const std::string &state = it->second.record.state;
        it = state == "running" || state == "caught_up" ? std::next(it) : m_active.erase(it);
    }
}

void ReplayManager::refresh(Active &active, double now, double elapsed,
                            const std::optional<LivePressure> &pressure)
{
    const std::optional<RunningVersion> running = m_fleet.find(active.record.job, active.record.version);
    if (!running) {
        active.status.running = false;
        return;
    }
    if (Status health = running->engine->health(); !health.isOk()) {
        active.failure = health.message();
        if (!m_following) // a follower's failure is the leader's to record
            end(active, "failed", VersionState::Failed, "kappad", health.message());
        return;
    }
    if (const std::string failed = m_following ? std::string() : peerFailure(active.record.id);
        !failed.empty()) {
        end(active, "failed", VersionState::Failed, "kappad", failed);
        return;
    }
    active.policy.update(ingestRateLocked(), settingsOf(active.record), pressure, elapsed);
    active.throttle->setRate(active.policy.currentRate() * shareOfPartitions());
    active.spent.emplace_back(now, active.throttle->spent());
    while (active.spent.size() > 2 && now - active.spent.front().first > kMeasureWindowSec)
        active.spent.pop_front();
    progress(active, *running, now);
    if (!m_following)
        checkCaughtUp(active, now);
}

void ReplayManager::progress(Active &active, const RunningVersion &running, double now)
{
    ReplayStatus &status = active.status;
    status.running = true;
    status.ingestRate = ingestRateLocked();
    status.targetRate = active.policy.targetRate();
    status.currentRate = active.policy.currentRate();
    status.measuredRate = slope(active.spent);
    status.reason = active.policy.reason();
    active.localPartitions.clear();
    active.localStageLag = 0;
    for (const jobs::TaskFigures &task : running.engine->taskFigures()) {
        if (task.metrics.topic != m_sourceTopic) {
            active.localStageLag += task.metrics.lagRecords;
            continue;
        }
        const std::int32_t p = task.metrics.partition.value();
        Result<PartitionInfo> info = m_log.partitionInfo(m_sourceTopic, task.metrics.partition);
        PartitionProgress partition;
        partition.partition = p;
        partition.start = static_cast<std::size_t>(p) < active.record.startOffsets.size()
                              ? active.record.startOffsets[static_cast<std::size_t>(p)]
                              : 0;
        partition.position = std::max(task.metrics.position, partition.start);
        partition.end = info.isOk() ? info->endOffset.value() : task.metrics.endOffset;
        active.localPartitions.push_back(partition);
    }
    // In a cluster, the other instances' shares as they last reported them
    // (a partition both report, during a move, counts once: this instance's).
    status.partitions = active.localPartitions;
    status.lagRecords = active.localStageLag;
    for (const ReplayShare &share : m_peerShares) {
        if (share.replayId != active.record.id)
            continue;
        status.lagRecords += share.stageLagRecords;
        status.measuredRate += share.measuredRate;
        for (const PartitionProgress &partition : share.partitions)
            if (std::none_of(status.partitions.begin(), status.partitions.end(),
                             [&](const PartitionProgress &known) {
                                 return known.partition == partition.partition;
                             }))
                status.partitions.push_back(partition);
    }
    std::sort(status.partitions.begin(), status.partitions.end(),
              [](const PartitionProgress &a, const PartitionProgress &b) {
                  return a.partition < b.partition;
              });
    std::int64_t done = 0;
    std::int64_t remaining = 0;
    for (const PartitionProgress &partition : status.partitions) {
        done += partition.position - partition.start;
        remaining += std::max<std::int64_t>(0, partition.end - partition.position);
    }
    status.lagRecords += remaining;
    status.percent = done + remaining > 0
                         ? 100.0 * static_cast<double>(done) / static_cast<double>(done + remaining)
                         : 100.0;
    status.etaSeconds = etaSeconds(active, remaining, now);
    Result<JobVersionInfo> info = m_catalog.jobVersion(active.record.job, active.record.version);
    status.versionState = info.isOk() ? std::string(versionStateName(info->state)) : "unknown";
    status.record = active.record;
}

double ReplayManager::caughtUpThreshold(double ingestRate) const
{
    return std::max(static_cast<double>(m_options.caughtUpRecords), ingestRate);
}

// Until the version is caught up: the way to the caught-up lag at what the
// replay gains on the moving end of the log, then what is left of the hold.
std::optional<double> ReplayManager::etaSeconds(const Active &active, std::int64_t remaining, double now) const
{
    if (active.record.state != "running")
        return 0.0;
    const double hold = std::chrono::duration<double>(m_options.caughtUpHold).count();
    const double threshold = caughtUpThreshold(active.status.ingestRate);
    const double held = active.lowLagSince ? now - *active.lowLagSince : 0.0;
    if (static_cast<double>(active.status.lagRecords) <= threshold)
        return std::max(0.0, hold - held);
    const double gain = active.status.measuredRate - active.status.ingestRate;
    if (gain <= 0)
        return std::nullopt;
    return std::max(0.0, static_cast<double>(remaining) - threshold) / gain + hold;
}

void ReplayManager::checkCaughtUp(Active &active, double now)
{
    if (active.record.state != "running")
        return;
    const double threshold = std::max(static_cast<double>(m_options.caughtUpRecords),
                                      active.status.ingestRate);
    // In a cluster, until every instance has reported its share the lag is not known.
    if (static_cast<double>(active.status.lagRecords) > threshold || !coversEveryPartition(active)) {
        active.lowLagSince.reset();
        return;
    }
    if (!active.lowLagSince)
        active.lowLagSince = now;
    const double hold = std::chrono::duration<double>(m_options.caughtUpHold).count();
    if (now - *active.lowLagSince < hold)
        return;
    const std::string reason = "lag under " + number(threshold) + " records for " + number(hold) + " s";
    if (active.record.kind == "rebuild") {
        Result<JobVersionInfo> info = m_catalog.jobVersion(active.record.job, active.record.version);
        if (info.isOk() && (info->state == VersionState::Live || info->state == VersionState::Validated))
            return finishRebuild(active, "rebuilt: " + reason);
        setRebuilding(active.record, false);
    }
    if (!m_catalog
             .setVersionState(active.record.job, active.record.version, VersionState::CaughtUp, "kappad",
                              reason)
             .isOk())
        return; // retried at the next tick
    active.record.state = "caught_up";
    active.record.reason = reason;
    (void) update(active, "kappad", "replay.caught_up", reason);
    m_events("replay.caught_up", label(active.record.job, active.record.version), reason);
}

Status ReplayManager::update(Active &active, const std::string &actor, const std::string &action,
                             const std::string &detail)
{
    active.status.record = active.record;
    return m_catalog.updateReplay(active.record, actor, action, detail);
}

void ReplayManager::end(Active &active, const std::string &state, VersionState versionState,
                        const std::string &actor, const std::string &reason)
{
    (void) m_fleet.stop(active.record.job, active.record.version);
    active.record.state = state;
    active.record.reason = reason;
    active.status.running = false;
    setRebuilding(active.record, false);
    (void) update(active, actor, "replay." + state, reason);
    (void) m_catalog.setVersionState(active.record.job, active.record.version, versionState, actor, reason);
    m_events("replay." + state, label(active.record.job, active.record.version), reason);
}

Status ReplayManager::pause(std::int64_t id, const std::string &actor)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_active.find(id);
    if (it == m_active.end())
        return Status::notFound("replay " + std::to_string(id) + " is not active");
    it->second.record.paused = true;
    it->second.throttle->setRate(0);
    KAPPA_RETURN_IF_ERROR(update(it->second, actor, "replay.pause", "paused"));
    m_events("replay.paused", label(it->second.record.job, it->second.record.version), "by " + actor);
    return Status::ok();
}

Status ReplayManager::resume(std::int64_t id, const std::string &actor)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_active.find(id);
    if (it == m_active.end())
        return Status::notFound("replay " + std::to_string(id) + " is not active");
    it->second.record.paused = false;
    KAPPA_RETURN_IF_ERROR(update(it->second, actor, "replay.resume", "resumed"));
    m_events("replay.resumed", label(it->second.record.job, it->second.record.version), "by " + actor);
    return Status::ok();
}

Status ReplayManager::cancel(std::int64_t id, const std::string &actor, const std::string &reason)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_active.find(id);
    if (it == m_active.end())
        return Status::notFound("replay " + std::to_string(id) + " is not active");
    Result<JobVersionInfo> info = m_catalog.jobVersion(it->second.record.job, it->second.record.version);
    if (info.isOk() && info->state == VersionState::Live)
        return Status::failedPrecondition(label(info->job, info->version) + " is live: switch back first");
    end(it->second, "cancelled", VersionState::Cancelled, actor,
        reason.empty() ? "cancelled by " + actor : reason);
    m_active.erase(it);
    return Status::ok();
}

Status ReplayManager::setRate(std::int64_t id, std::optional<double> rateMultiple,
                              std::optional<double> maxRate, std::optional<double> minRate,
                              const std::string &actor)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_active.find(id);
    if (it == m_active.end())
        return Status::notFound("replay " + std::to_string(id) + " is not active");
    ReplayRecord changed = it->second.record;
    changed.rateMultiple = rateMultiple.value_or(changed.rateMultiple);
    changed.maxRate = maxRate.value_or(changed.maxRate);
    changed.minRate = minRate.value_or(changed.minRate);
    KAPPA_RETURN_IF_ERROR(checkRateSettings(settingsOf(changed)));
    it->second.record = changed;
    const std::string detail = "k=" + std::to_string(changed.rateMultiple) + " max_rate="
                               + number(changed.maxRate) + " min_rate=" + number(changed.minRate);
    KAPPA_RETURN_IF_ERROR(update(it->second, actor, "replay.rate", detail));
    m_events("replay.rate", label(changed.job, changed.version), detail);
    return Status::ok();
}

void ReplayManager::promoted(const std::string &job, const std::string &version)
{
    std::lock_guard lock(m_mutex);
    for (auto it = m_active.begin(); it != m_active.end(); ++it) {
        if (it->second.record.job != job || it->second.record.version != version)
            continue;
        it->second.throttle->setRate(std::numeric_limits<double>::infinity());
        it->second.record.state = "finished";
        it->second.record.reason = "serving";
        (void) update(it->second, "kappad", "replay.finished", "the version serves");
        m_active.erase(it);
        return;
    }
}

Result<ReplayStatus> ReplayManager::status(std::int64_t id) const
{
    {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_active.find(id); it != m_active.end()) {
            ReplayStatus status = it->second.status;
            status.record = it->second.record;
            return status;
        }
    }
    KAPPA_ASSIGN_OR_RETURN(ReplayRecord record, m_catalog.replay(id));
    ReplayStatus status;
    Result<JobVersionInfo> info = m_catalog.jobVersion(record.job, record.version);
    status.versionState = info.isOk() ? std::string(versionStateName(info->state)) : "unknown";
    status.record = std::move(record);
    return status;
}

std::vector<ReplayStatus> ReplayManager::statuses() const
{
    std::vector<ReplayStatus> out;
    Result<std::vector<ReplayRecord>> records = m_catalog.replays();
    if (!records.isOk())
        return out;
    for (const ReplayRecord &record : *records)
        if (Result<ReplayStatus> one = status(record.id); one.isOk())
            out.push_back(std::move(*one));
    return out;
}

} // namespace kappa::reprocessing
