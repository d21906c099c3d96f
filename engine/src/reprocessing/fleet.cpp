#include "reprocessing/fleet.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <thread>

namespace kappa::reprocessing {

namespace {

std::int64_t wallMillisNow()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

Fleet::Fleet(EventLog &log, Catalog &catalog, jobs::EngineOptions options)
    : m_log(log)
    , m_catalog(catalog)
    , m_options(std::move(options))
    , m_partitions(m_options.partitions)
{
    // The versions of all jobs read the same events: one decoding of each batch serves them all.
    if (!m_options.tasks.sharedBatches)
        m_options.tasks.sharedBatches = std::make_shared<runtime::SharedBatches>();
}

Fleet::~Fleet()
{
    (void) stopAll();
}

Result<std::shared_ptr<jobs::Engine>> Fleet::open(const RunningVersion &version) const
{
    jobs::EngineOptions options = m_options;
    options.actor = version.actor;
    options.tasks.throttle = version.throttle;
    options.tasks.startOffsets = version.startOffsets;
    std::vector<jobs::JobDefinition> definitions{*version.definition};
    // A reader may still hold the version's previous engine (and so its
    // views' files) for the moment a request takes: retry a busy open briefly.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        Result<std::unique_ptr<jobs::Engine>> engine = jobs::Engine::open(m_log, m_catalog, definitions,
                                                                          options);
        if (engine.isOk()) {
            KAPPA_RETURN_IF_ERROR((*engine)->start().withContext("starting " + version.name.str()));
            return std::shared_ptr<jobs::Engine>(std::move(engine).value());
        }
        if (engine.status().code() != StatusCode::Unavailable || std::chrono::steady_clock::now() > deadline)
            return engine.status();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

Status Fleet::start(jobs::JobDefinition definition, const std::string &actor,
                    std::shared_ptr<runtime::RateLimiter> throttle, std::vector<Offset> startOffsets)
{
    std::lock_guard control(m_controlMutex);
    RunningVersion version;
    version.name = {definition.spec.job, definition.spec.version};
    if (find(version.name.job, version.name.version))
        return Status::alreadyExists(version.name.str() + " is already running");
    version.definition = std::make_shared<const jobs::JobDefinition>(std::move(definition));
    version.actor = actor;
    version.throttle = std::move(throttle);
    version.startOffsets = std::move(startOffsets);
    KAPPA_ASSIGN_OR_RETURN(version.engine, open(version));
    std::unique_lock lock(m_mutex);
    m_versions.push_back(std::move(version));
    return Status::ok();
}

Status Fleet::reassign(std::optional<std::vector<PartitionId>> partitions)
{
    std::lock_guard control(m_controlMutex);
    m_options.partitions = partitions;
    {
        std::unique_lock lock(m_mutex);
        m_partitions = std::move(partitions);
    }
    // The running versions, and those an earlier move could not start again (tried once more).
    std::vector<RunningVersion> stranded;
    {
        std::unique_lock lock(m_mutex);
        stranded.swap(m_stranded);
    }
    std::vector<jobs::JobVersionName> names;
    for (const RunningVersion &running : all())
        names.push_back(running.name);
    Status first;
    const auto settle = [&](RunningVersion version, std::size_t index, const Status &stopped,
                            Result<std::shared_ptr<jobs::Engine>> reopened) {
        std::unique_lock lock(m_mutex);
        std::erase_if(m_moving, [&](const MovingVersion &moving) {
            return moving.name.job == version.name.job && moving.name.version == version.name.version;
        });
        if (first.isOk() && !stopped.isOk())
            first = stopped.withContext("stopping " + version.name.str());
        if (reopened.isOk()) {
            version.engine = std::move(reopened).value();
            m_versions.insert(m_versions.begin()
                                  + static_cast<std::ptrdiff_t>(std::min(index, m_versions.size())),
                              std::move(version));
            return;
        }
        const Status failed = reopened.status().withContext("moving " + version.name.str()
                                                            + " to its new partitions");
        if (first.isOk())
            first = failed;
        version.failure = failed;
        m_stranded.push_back(std::move(version));
    };
    for (const jobs::JobVersionName &name : names) {
        // Out of the fleet while it moves (readers are told it is moving), so
        // that no reference here keeps its stores open.
        std::optional<RunningVersion> version;
        std::size_t index = 0;
        {
            std::unique_lock lock(m_mutex);
            const auto it = std::find_if(m_versions.begin(), m_versions.end(),
                                         [&](const RunningVersion &running) {
                                             return running.name.job == name.job
                                                    && running.name.version == name.version;
                                         });
            if (it == m_versions.end())
                continue;
            index = static_cast<std::size_t>(it - m_versions.begin());
            version = std::move(*it);
            m_versions.erase(it);
            m_moving.push_back(
                {name, m_options.partitions.value_or(std::vector<PartitionId>{}), wallMillisNow()});
        }
        const Status stopped = version->engine->stop();
        version->engine.reset();
        Result<std::shared_ptr<jobs::Engine>> reopened = open(*version);
        settle(std::move(*version), index, stopped, std::move(reopened));
    }
    for (RunningVersion &version : stranded) {
        {
            std::unique_lock lock(m_mutex);
            m_moving.push_back(
                {version.name, m_options.partitions.value_or(std::vector<PartitionId>{}), wallMillisNow()});
        }
        Result<std::shared_ptr<jobs::Engine>> reopened = open(version);
        settle(std::move(version), std::numeric_limits<std::size_t>::max(), Status::ok(), std::move(reopened));
    }
    return first;
}

std::vector<RunningVersion> Fleet::stranded() const
{
    std::shared_lock lock(m_mutex);
    return m_stranded;
}

std::vector<MovingVersion> Fleet::moving() const
{
    std::shared_lock lock(m_mutex);
    return m_moving;
}

std::optional<std::vector<PartitionId>> Fleet::partitions() const
{
    std::shared_lock lock(m_mutex); // not the control mutex: a reassign holds that for the whole move
    return m_partitions;
}

Status Fleet::stop(const std::string &job, const std::string &version)
{
    std::lock_guard control(m_controlMutex);
    std::shared_ptr<jobs::Engine> engine;
    {
        std::unique_lock lock(m_mutex);
        const auto it = std::find_if(m_versions.begin(), m_versions.end(), [&](const RunningVersion &running) {
            return running.name.job == job && running.name.version == version;
        });
        if (it == m_versions.end())
            return Status::notFound(job + "@" + version + " is not running");
        engine = it->engine;
        m_versions.erase(it);
    }
    return engine->stop();
}

Status Fleet::stopAll()
{
    std::lock_guard control(m_controlMutex);
    std::vector<RunningVersion> versions;
    {
        std::unique_lock lock(m_mutex);
        versions.swap(m_versions);
    }
    Status first;
    // Newest first: replays stop before the live versions they shadow.
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
        Status stopped = it->engine->stop();
        if (first.isOk() && !stopped.isOk())
            first = stopped.withContext("stopping " + it->name.str());
    }
    return first;
}

std::optional<RunningVersion> Fleet::find(const std::string &job, const std::string &version) const
{
    std::shared_lock lock(m_mutex);
    for (const RunningVersion &running : m_versions)
        if (running.name.job == job && running.name.version == version)
            return running;
    return std::nullopt;
}

std::vector<RunningVersion> Fleet::all() const
{
    std::shared_lock lock(m_mutex);
    return m_versions;
}

} // namespace kappa::reprocessing
