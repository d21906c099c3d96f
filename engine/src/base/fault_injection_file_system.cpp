#include "kappa/fault_injection_file_system.h"

namespace kappa {
namespace {

std::string parentDir(const std::string &path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

class FaultInjectionWritableFile final : public WritableFile
{
public:
    FaultInjectionWritableFile(FaultInjectionFileSystem &owner, std::string path,
                               std::unique_ptr<WritableFile> base)
        : m_owner(owner)
        , m_path(std::move(path))
        , m_base(std::move(base))
    {}

    Status append(std::string_view data) override
    {
        if (m_owner.writeFails())
            return Status::internal("injected write failure on " + m_path);
        return m_base->append(data); // durable only after sync()
    }

    Status sync() override
    {
        if (m_owner.syncFails())
            return Status::internal("injected fdatasync failure on " + m_path);
        KAPPA_RETURN_IF_ERROR(m_base->sync());
        m_owner.noteSynced(m_path, m_base->size());
        return Status::ok();
    }

    Status close() override { return m_base->close(); }
    std::uint64_t size() const override { return m_base->size(); }

private:
    FaultInjectionFileSystem &m_owner;
    std::string m_path;
    std::unique_ptr<WritableFile> m_base;
};

} // namespace

FaultInjectionFileSystem::FaultInjectionFileSystem(FileSystem &base)
    : m_base(base)
{}

Result<std::unique_ptr<WritableFile>> FaultInjectionFileSystem::openWritable(const std::string &path)
{
    const bool existed = m_base.exists(path);
    KAPPA_ASSIGN_OR_RETURN(auto file, m_base.openWritable(path));
    {
        std::lock_guard lock(m_mutex);
        if (!existed)
            m_unsyncedCreations.insert(path);
        // A file we have not seen before is durable up to its current size.
        m_durableSize.try_emplace(path, existed ? file->size() : 0);
    }
    return std::unique_ptr<WritableFile>(new FaultInjectionWritableFile(*this, path, std::move(file)));
}

Result<std::unique_ptr<ReadableFile>> FaultInjectionFileSystem::openReadable(const std::string &path)
{
    return m_base.openReadable(path);
}

bool FaultInjectionFileSystem::exists(const std::string &path)
{
    return m_base.exists(path);
}

Result<std::uint64_t> FaultInjectionFileSystem::fileSize(const std::string &path)
{
    return m_base.fileSize(path);
}

Result<std::vector<std::string>> FaultInjectionFileSystem::listDir(const std::string &path)
{
    return m_base.listDir(path);
}

Status FaultInjectionFileSystem::createDirs(const std::string &path)
{
    return m_base.createDirs(path);
}

Status FaultInjectionFileSystem::removeFile(const std::string &path)
{
    KAPPA_RETURN_IF_ERROR(m_base.removeFile(path));
    std::lock_guard lock(m_mutex);
    m_durableSize.erase(path);
    m_unsyncedCreations.erase(path);
    return Status::ok();
}

Status FaultInjectionFileSystem::renameFile(const std::string &from, const std::string &to)
{
    KAPPA_RETURN_IF_ERROR(m_base.renameFile(from, to));
    std::lock_guard lock(m_mutex);
    // Simplification: the rename itself is treated as durable only once the
    // directory is synced, like a creation of `to` holding from's durable bytes.
    // A file we never tracked was wholly durable before we saw it.
    std::uint64_t durable = 0;
    if (auto it = m_durableSize.find(from); it != m_durableSize.end()) {
        durable = it->second;
        m_durableSize.erase(it);
    } else {
        KAPPA_ASSIGN_OR_RETURN(durable, m_base.fileSize(to));
    }
    m_durableSize[to] = durable;
    m_unsyncedCreations.erase(from);
    m_unsyncedCreations.insert(to);
    return Status::ok();
}

Status FaultInjectionFileSystem::truncateFile(const std::string &path, std::uint64_t size)
{
    KAPPA_RETURN_IF_ERROR(m_base.truncateFile(path, size));
    std::lock_guard lock(m_mutex);
    auto it = m_durableSize.find(path);
    if (it != m_durableSize.end() && it->second > size)
        it->second = size;
    return Status::ok();
}

Status FaultInjectionFileSystem::syncDir(const std::string &path)
{
    if (syncFails())
        return Status::internal("injected fsync failure on directory " + path);
    KAPPA_RETURN_IF_ERROR(m_base.syncDir(path));
    std::lock_guard lock(m_mutex);
    for (auto it = m_unsyncedCreations.begin(); it != m_unsyncedCreations.end();) {
        if (parentDir(*it) == path)
            it = m_unsyncedCreations.erase(it);
        else
            ++it;
    }
    return Status::ok();
}

Status FaultInjectionFileSystem::simulatePowerLoss()
{
    std::lock_guard lock(m_mutex);
    for (const auto &path : m_unsyncedCreations) {
        if (m_base.exists(path))
            KAPPA_RETURN_IF_ERROR(m_base.removeFile(path));
        m_durableSize.erase(path);
    }
    m_unsyncedCreations.clear();
    for (const auto &[path, durable] : m_durableSize) {
        if (!m_base.exists(path))
            continue;
        KAPPA_ASSIGN_OR_RETURN(std::uint64_t size, m_base.fileSize(path));
        if (size > durable)
            KAPPA_RETURN_IF_ERROR(m_base.truncateFile(path, durable));
    }
    return Status::ok();
}

void FaultInjectionFileSystem::setSyncFailure(bool fail)
{
    std::lock_guard lock(m_mutex);
    m_syncFails = fail;
}

void FaultInjectionFileSystem::setWriteFailure(bool fail)
{
    std::lock_guard lock(m_mutex);
    m_writeFails = fail;
}

void FaultInjectionFileSystem::noteSynced(const std::string &path, std::uint64_t syncedSize)
{
    std::lock_guard lock(m_mutex);
    m_durableSize[path] = syncedSize;
}

bool FaultInjectionFileSystem::syncFails() const
{
    std::lock_guard lock(m_mutex);
    return m_syncFails;
}

bool FaultInjectionFileSystem::writeFails() const
{
    std::lock_guard lock(m_mutex);
    return m_writeFails;
}

} // namespace kappa
