#include "kappa/file_system.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kappa {
namespace {

Status errnoStatus(std::string_view what, const std::string &path, int error)
{
    std::string message(what);
    message += " ";
    message += path;
    message += ": ";
    message += std::strerror(error);
    if (error == ENOENT)
        return Status::notFound(std::move(message));
    if (error == ENOSPC || error == EDQUOT)
        return Status::resourceExhausted(std::move(message));
    return Status::internal(std::move(message));
}

class PosixWritableFile final : public WritableFile
{
public:
    PosixWritableFile(std::string path, int fd, std::uint64_t size)
        : m_path(std::move(path))
        , m_fd(fd)
        , m_size(size)
    {}
    ~PosixWritableFile() override { close().ignore(); }

    Status append(std::string_view data) override
    {
        while (!data.empty()) {
            ssize_t n = ::write(m_fd, data.data(), data.size());
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return errnoStatus("write", m_path, errno);
            }
            data.remove_prefix(static_cast<std::size_t>(n));
            m_size += static_cast<std::uint64_t>(n);
        }
        return Status::ok();
    }

    Status sync() override
    {
        if (::fdatasync(m_fd) != 0)
            return errnoStatus("fdatasync", m_path, errno);
        return Status::ok();
    }

    Status close() override
    {
        if (m_fd < 0)
            return Status::ok();
        int rc = ::close(m_fd);
        m_fd = -1;
        if (rc != 0)
            return errnoStatus("close", m_path, errno);
        return Status::ok();
    }

    std::uint64_t size() const override { return m_size; }

private:
    std::string m_path;
    int m_fd;
    std::uint64_t m_size;
};

class PosixReadableFile final : public ReadableFile
{
public:
    PosixReadableFile(std::string path, int fd)
        : m_path(std::move(path))
        , m_fd(fd)
    {}
    ~PosixReadableFile() override { ::close(m_fd); }

    Status read(std::uint64_t offset, std::size_t n, char *dst, std::size_t *bytesRead) const override
    {
        std::size_t done = 0;
        while (done < n) {
            ssize_t r = ::pread(m_fd, dst + done, n - done, static_cast<off_t>(offset + done));
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                return errnoStatus("pread", m_path, errno);
            }
            if (r == 0)
                break;
            done += static_cast<std::size_t>(r);
        }
        *bytesRead = done;
        return Status::ok();
    }

    Result<std::uint64_t> size() const override
    {
        struct stat st
        {};
        if (::fstat(m_fd, &st) != 0)
            return errnoStatus("fstat", m_path, errno);
        return static_cast<std::uint64_t>(st.st_size);
    }

private:
    std::string m_path;
    int m_fd;
};

class PosixFileSystem final : public FileSystem
{
public:
    Result<std::unique_ptr<WritableFile>> openWritable(const std::string &path) override
    {
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0)
            return errnoStatus("open for writing", path, errno);
        struct stat st
        {};
        if (::fstat(fd, &st) != 0) {
            int error = errno;
            ::close(fd);
            return errnoStatus("fstat", path, error);
        }
        return std::unique_ptr<WritableFile>(
            new PosixWritableFile(path, fd, static_cast<std::uint64_t>(st.st_size)));
    }

    Result<std::unique_ptr<ReadableFile>> openReadable(const std::string &path) override
    {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return errnoStatus("open for reading", path, errno);
        return std::unique_ptr<ReadableFile>(new PosixReadableFile(path, fd));
    }

    bool exists(const std::string &path) override { return ::access(path.c_str(), F_OK) == 0; }

    Result<std::uint64_t> fileSize(const std::string &path) override
    {
        struct stat st
        {};
        if (::stat(path.c_str(), &st) != 0)
            return errnoStatus("stat", path, errno);
        return static_cast<std::uint64_t>(st.st_size);
    }

    Result<std::vector<std::string>> listDir(const std::string &path) override
    {
        DIR *dir = ::opendir(path.c_str());
        if (!dir)
            return errnoStatus("open directory", path, errno);
        std::vector<std::string> names;
        while (dirent *entry = ::readdir(dir)) {
            std::string name = entry->d_name;
            if (name != "." && name != "..")
                names.push_back(std::move(name));
        }
        ::closedir(dir);
        return names;
    }

    Status createDirs(const std::string &path) override
    {
        std::error_code ec;
        std::filesystem::create_directories(path, ec);
        if (ec)
            return Status::internal("create directory " + path + ": " + ec.message());
        return Status::ok();
    }

    Status removeFile(const std::string &path) override
    {
        if (::unlink(path.c_str()) != 0)
            return errnoStatus("remove", path, errno);
        return Status::ok();
    }

    Status renameFile(const std::string &from, const std::string &to) override
    {
        if (::rename(from.c_str(), to.c_str()) != 0)
            return errnoStatus("rename to " + to + " from", from, errno);
        return Status::ok();
    }

    Status truncateFile(const std::string &path, std::uint64_t size) override
    {
        if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0)
            return errnoStatus("truncate", path, errno);
        return Status::ok();
    }

    Status syncDir(const std::string &path) override
    {
        int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return errnoStatus("open directory", path, errno);
        int rc = ::fsync(fd);
        int error = errno;
        ::close(fd);
        if (rc != 0)
            return errnoStatus("fsync directory", path, error);
        return Status::ok();
    }
};

} // namespace

FileSystem &FileSystem::posix()
{
    static PosixFileSystem fs;
    return fs;
}

Result<std::string> readWholeFile(FileSystem &fs, const std::string &path)
{
    KAPPA_ASSIGN_OR_RETURN(auto file, fs.openReadable(path));
    KAPPA_ASSIGN_OR_RETURN(std::uint64_t size, file->size());
    std::string data(size, '\0');
    std::size_t got = 0;
    KAPPA_RETURN_IF_ERROR(file->read(0, data.size(), data.data(), &got));
    data.resize(got);
    return data;
}

Status writeFileAtomically(FileSystem &fs, const std::string &path, std::string_view data)
{
    const std::string temp = path + ".tmp";
    if (fs.exists(temp))
        KAPPA_RETURN_IF_ERROR(fs.removeFile(temp));
    {
        KAPPA_ASSIGN_OR_RETURN(auto file, fs.openWritable(temp));
        KAPPA_RETURN_IF_ERROR(file->append(data));
        KAPPA_RETURN_IF_ERROR(file->sync());
        KAPPA_RETURN_IF_ERROR(file->close());
    }
    KAPPA_RETURN_IF_ERROR(fs.renameFile(temp, path));
    const auto slash = path.find_last_of('/');
    return fs.syncDir(slash == std::string::npos ? "." : path.substr(0, slash));
}

} // namespace kappa
