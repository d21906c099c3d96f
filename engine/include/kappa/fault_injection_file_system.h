// A FileSystem for tests that wraps the real one and can simulate power loss
// and failing syncs (after LevelDB's FaultInjectionTestEnv).
//
// Writes go through to disk so that readers see them, but the wrapper tracks,
// per file, how many bytes were durable at the last successful sync.
// simulatePowerLoss() then truncates every file to that size and deletes files
// whose creation was never made durable by a syncDir of their directory: what
// remains is what a machine would find after losing power.
#pragma once

#include "kappa/file_system.h"

#include <map>
#include <mutex>
#include <set>

namespace kappa {

class FaultInjectionFileSystem : public FileSystem
{
public:
    explicit FaultInjectionFileSystem(FileSystem &base = FileSystem::posix());

    Result<std::unique_ptr<WritableFile>> openWritable(const std::string &path) override;
    Result<std::unique_ptr<ReadableFile>> openReadable(const std::string &path) override;
    bool exists(const std::string &path) override;
    Result<std::uint64_t> fileSize(const std::string &path) override;
    Result<std::vector<std::string>> listDir(const std::string &path) override;
    Status createDirs(const std::string &path) override;
    Status removeFile(const std::string &path) override;
    Status renameFile(const std::string &from, const std::string &to) override;
    Status truncateFile(const std::string &path, std::uint64_t size) override;
    Status syncDir(const std::string &path) override;

    // Drops every byte and file creation that was not made durable. Open
    // WritableFiles must not be used afterwards (close or destroy them first).
    Status simulatePowerLoss();

    // From now on every sync()/syncDir() fails with Internal (a dying disk).
    void setSyncFailure(bool fail);
    // From now on every append() fails with Internal after writing nothing.
    void setWriteFailure(bool fail);

    // Called by the files this wrapper hands out.
    void noteSynced(const std::string &path, std::uint64_t syncedSize);
    bool syncFails() const;
    bool writeFails() const;

private:
    FileSystem &m_base;
    mutable std::mutex m_mutex;
    std::map<std::string, std::uint64_t> m_durableSize; // files with unsynced data or unsynced creation
    std::set<std::string> m_unsyncedCreations;          // created, directory not yet synced
    bool m_syncFails = false;
    bool m_writeFails = false;
};

} // namespace kappa
