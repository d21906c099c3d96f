#include "service/cluster_control.h"

#include "kappa/clock.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace kappa::service {
namespace {

using Json = nlohmann::json;

// A follower posts its shares once a second; the leader drops a share that
// has not been renewed for this long (its instance is gone or cut off).
constexpr std::chrono::seconds kShareInterval{1};
constexpr std::chrono::seconds kShareMaxAge{10};

std::int64_t wallNowMs()
{
    return Clock::system().now().value();
}

bool isEnded(VersionState state)
{
    return state == VersionState::Retired || state == VersionState::Cancelled
           || state == VersionState::Failed;
}

} // namespace

std::string encodeReplayShares(const std::vector<reprocessing::ReplayShare> &shares, std::int64_t atMs)
{
    Json list = Json::array();
    for (const reprocessing::ReplayShare &share : shares) {
        Json partitions = Json::array();
        for (const reprocessing::PartitionProgress &p : share.partitions)
            partitions.push_back({p.partition, p.start, p.position, p.end});
        list.push_back({{"instance", share.instance},
                        {"replay_id", share.replayId},
                        {"partitions", std::move(partitions)},
                        {"stage_lag_records", share.stageLagRecords},
                        {"measured_rate", share.measuredRate},
                        {"failure", share.failure}});
    }
    return Json{{"at_ms", atMs}, {"shares", std::move(list)}}.dump(-1, ' ', false,
                                                                   Json::error_handler_t::replace);
}

std::vector<reprocessing::ReplayShare> decodeReplayShares(const std::string &json)
{
    std::vector<reprocessing::ReplayShare> out;
    const Json doc = Json::parse(json, nullptr, false);
    if (!doc.is_object())
        return out;
    try {
        for (const Json &item : doc.at("shares")) {
            reprocessing::ReplayShare share;
            share.instance = item.at("instance").get<std::string>();
            share.replayId = item.at("replay_id").get<std::int64_t>();
            for (const Json &p : item.at("partitions"))
                share.partitions.push_back({p.at(0).get<std::int32_t>(), p.at(1).get<std::int64_t>(),
                                            p.at(2).get<std::int64_t>(), p.at(3).get<std::int64_t>()});
            share.stageLagRecords = item.at("stage_lag_records").get<std::int64_t>();
            share.measuredRate = item.at("measured_rate").get<double>();
            share.failure = item.at("failure").get<std::string>();
            out.push_back(std::move(share));
        }
    } catch (const Json::exception &) {
        out.clear(); // another build's format: counted as not reported
    }
    return out;
}

ClusterControl::ClusterControl(ClusterControlParts parts)
    : m_parts(std::move(parts))
{}

void ClusterControl::step()
{
    const bool owner = m_parts.member->leads();
    if (owner && !leads()) {
        std::unique_lock lease(m_leaseMutex);
        becomeLeader();
    } else if (!owner && leads()) {
        std::unique_lock lease(m_leaseMutex);
        if (leads()) // (beforeRevoke may have stepped down meanwhile)
            stepDown();
    }
    if (leads()) {
        const std::shared_lock lease(m_leaseMutex);
        if (leads())
            lead();
    } else {
        follow();
    }
}

void ClusterControl::beforeRevoke(const std::vector<PartitionId> &partitions)
{
    if (std::find(partitions.begin(), partitions.end(), PartitionId(0)) == partitions.end())
        return;
    std::unique_lock lease(m_leaseMutex); // the requests in flight finish first
    if (!leads())
        return;
    Result<std::size_t> published = m_parts.catalogReplication->publish();
    logOnce("cannot publish the shared catalog before giving up the lead", published.status());
    stepDown();
}

void ClusterControl::becomeLeader()
{
    // The previous leader's last word first (its claim is fenced by now: it
    // cannot add to the topic any more).
    Result<std::size_t> applied = m_parts.catalogReplication->follow();
    if (!applied.isOk())
        return logOnce("cannot read the shared catalog to lead", applied.status());
    (void) m_parts.replays->syncWithCatalog(); // replays this instance did not run yet
    m_parts.replays->setFollowing(false);
    m_leading.store(true, std::memory_order_release);
    m_posted.clear();
    m_parts.startConfigured();
    m_parts.logger->info("this instance leads the cluster's catalog (it owns partition 0)");
    m_parts.catalogChanged();
}

// Partition 0 went elsewhere. What this instance could not share before it
// went (it was fenced) the cluster never got: it is dropped here too, and so
// are the replays it started then (ReplayManager::syncWithCatalog).
void ClusterControl::stepDown()
{
    m_leading.store(false, std::memory_order_release);
    m_parts.replays->setFollowing(true);
    m_parts.logger->info("this instance follows the cluster's catalog (partition 0 moved away)");
    Result<std::size_t> applied = m_parts.catalogReplication->follow();
    Result<std::size_t> dropped = applied.isOk() ? m_parts.catalogReplication->dropUnshared()
                                                 : Result<std::size_t>(applied.status());
    if (!dropped.isOk())
        return logOnce("cannot make this catalog the shared one again", dropped.status());
    if (*dropped > 0)
        m_parts.logger->warn("dropped catalog rows the cluster never got (this instance lost the lead "
                             "before it could share them)",
                             {{"rows", *dropped}});
}

void ClusterControl::lead()
{
    gatherShares();
    m_parts.replays->tick();
    m_parts.switches->tick();
    Result<std::size_t> published = m_parts.catalogReplication->publish();
    logOnce("cannot publish the shared catalog", published.status());
}

void ClusterControl::follow()
{
    Result<std::size_t> applied = m_parts.catalogReplication->follow();
    logOnce("cannot follow the shared catalog", applied.status());
    // Every step, not only after a change: what failed (a start during a
    // rebalance, say) is tried again.
    logOnce("cannot start a replay the shared catalog lists", m_parts.replays->syncWithCatalog());
    startServingVersions();
    stopEndedVersions();
    m_parts.switches->deleteExpiredVersions();
    if (applied.isOk() && *applied > 0)
        m_parts.catalogChanged();
    m_parts.replays->tick();
    postShares();
}

// The live version of each job, and the one kept warm for a rollback.
void ClusterControl::startServingVersions()
{
    Result<std::vector<JobVersionInfo>> versions = m_parts.catalog->jobVersions();
    if (!versions.isOk())
        return logOnce("cannot read the catalog", versions.status());
    for (const JobVersionInfo &info : *versions) {
        if (info.state != VersionState::Live && info.state != VersionState::Validated)
            continue;
        if (info.state == VersionState::Validated) {
            Result<std::vector<AliasChange>> history = m_parts.catalog->aliasHistory(info.job);
            if (!history.isOk() || history->empty() || history->back().fromVersion != info.version)
                continue; // a validated candidate: its replay runs it
        }
        if (m_parts.fleet->find(info.job, info.version))
            continue;
        Result<jobs::JobDefinition> definition = jobs::parseJobDefinition(info.specJson);
        Status started = definition.isOk() ? m_parts.fleet->start(std::move(*definition), "kappad")
                                           : definition.status();
        if (!started.isOk() && started.code() != StatusCode::AlreadyExists)
            logOnce(("cannot start " + info.job + "@" + info.version).c_str(), started);
    }
}

void ClusterControl::stopEndedVersions()
{
    for (const reprocessing::RunningVersion &running : m_parts.fleet->all()) {
        Result<JobVersionInfo> info = m_parts.catalog->jobVersion(running.name.job, running.name.version);
        if (info.isOk() && isEnded(info->state)) {
            (void) m_parts.fleet->stop(running.name.job, running.name.version);
            m_parts.logger->info("stopped a version the cluster ended",
                                 {{"version", running.name.str()}, {"state", versionStateName(info->state)}});
        }
    }
}

void ClusterControl::postShares()
{
    const auto now = std::chrono::steady_clock::now();
    if (now - m_lastShares < kShareInterval)
        return;
    m_lastShares = now;
    const std::string &self = m_parts.member->instanceId();
    logOnce("cannot post this instance's share of the replays",
            m_parts.shares->post(self, encodeReplayShares(m_parts.replays->shares(self), wallNowMs())));
}

void ClusterControl::gatherShares()
{
    const auto now = std::chrono::steady_clock::now();
    if (now - m_lastShares < kShareInterval)
        return;
    m_lastShares = now;
    Result<std::map<std::string, std::string>> board = m_parts.shares->read();
    if (!board.isOk())
        return logOnce("cannot read the other instances' share of the replays", board.status());
    std::vector<reprocessing::ReplayShare> shares;
    for (const auto &[instance, value] : *board) {
        if (instance == m_parts.member->instanceId())
            continue;
        auto &[posted, seenAt] = m_posted[instance];
        if (posted != value) {
            posted = value;
            seenAt = now;
        }
        if (now - seenAt > kShareMaxAge)
            continue;
        for (reprocessing::ReplayShare &share : decodeReplayShares(value))
            shares.push_back(std::move(share));
    }
    m_parts.replays->setPeerShares(std::move(shares));
}

void ClusterControl::logOnce(const char *what, const Status &status)
{
    if (status.isOk())
        return;
    const std::string line = std::string(what) + ": " + status.toString();
    if (line == m_lastError)
        return;
    m_lastError = line;
    m_parts.logger->warn(what, {{"error", status.toString()}});
}

} // namespace kappa::service
