#include "log/lock_file.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace kappa::log {

Result<std::unique_ptr<LockFile>> LockFile::acquire(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return Status::internal("open lock file " + path + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        ::close(fd);
        if (error == EWOULDBLOCK)
            return Status::unavailable("log directory is in use by another writer (" + path
                                       + " is locked); open it readOnly to inspect it");
        return Status::internal("flock " + path + ": " + std::strerror(error));
    }
    return std::unique_ptr<LockFile>(new LockFile(fd));
}

LockFile::~LockFile()
{
    ::close(m_fd); // closing the descriptor releases the lock
}

} // namespace kappa::log
