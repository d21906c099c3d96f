// An exclusive advisory lock (flock) on a file, held for the object's life.
//
// This is the one piece of file I/O that bypasses the FileSystem seam: locks
// are a property of the real kernel and the seam has no notion of them.
// flock locks belong to the open file description, so a second lock attempt
// conflicts even from the same process.
#pragma once

#include "kappa/status.h"

#include <memory>
#include <string>

namespace kappa::log {

class LockFile
{
public:
    // FailedPrecondition if another open file description holds the lock.
    static Result<std::unique_ptr<LockFile>> acquire(const std::string &path);
    ~LockFile();
    LockFile(const LockFile &) = delete;
    LockFile &operator=(const LockFile &) = delete;

private:
    explicit LockFile(int fd)
        : m_fd(fd)
    {}
    int m_fd;
};

} // namespace kappa::log
