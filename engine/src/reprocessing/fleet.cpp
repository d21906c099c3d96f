#include "reprocessing/fleet.h"

#include <algorithm>

namespace kappa::reprocessing {

Fleet::Fleet(EventLog &log, Catalog &catalog, jobs::EngineOptions options)
    : m_log(log)
    , m_catalog(catalog)
    , m_options(std::move(options))
{}

Fleet::~Fleet()
{
    (void) stopAll();
}

Status Fleet::start(jobs::JobDefinition definition, const std::string &actor,
                    std::shared_ptr<runtime::RateLimiter> throttle, std::vector<Offset> startOffsets)
{
    std::lock_guard control(m_controlMutex);
    const jobs::JobVersionName name{definition.spec.job, definition.spec.version};
    if (find(name.job, name.version))
        return Status::alreadyExists(name.str() + " is already running");
    jobs::EngineOptions options = m_options;
    options.actor = actor;
    options.tasks.throttle = throttle;
    options.tasks.startOffsets = std::move(startOffsets);
    std::vector<jobs::JobDefinition> definitions;
    definitions.push_back(std::move(definition));
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<jobs::Engine> engine,
                           jobs::Engine::open(m_log, m_catalog, std::move(definitions), std::move(options)));
    KAPPA_RETURN_IF_ERROR(engine->start().withContext("starting " + name.str()));
    std::unique_lock lock(m_mutex);
    m_versions.push_back({name, std::shared_ptr<jobs::Engine>(std::move(engine)), std::move(throttle)});
    return Status::ok();
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
