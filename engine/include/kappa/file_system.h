// The file-system seam (after LevelDB's Env): everything the engine stores on
// disk goes through a FileSystem, so tests can substitute one that injects
// faults or simulates power loss.
//
// Threading: a FileSystem is thread-safe. A WritableFile is used by one thread
// at a time. A ReadableFile may be read by many threads at once (positional reads).
#pragma once

#include "kappa/status.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kappa {

class WritableFile
{
public:
    virtual ~WritableFile() = default;
    // Appends at the end. Bytes are not durable until sync() returns ok.
    virtual Status append(std::string_view data) = 0;
    // Makes everything appended so far durable (fdatasync). A failure means the
    // data may be lost and the file's state is unknown: callers treat it as fatal.
    virtual Status sync() = 0;
    virtual Status close() = 0;
    // Bytes in the file, including not yet synced ones.
    virtual std::uint64_t size() const = 0;
};

class ReadableFile
{
public:
    virtual ~ReadableFile() = default;
    // Reads up to n bytes at offset into dst; *bytesRead < n only at end of file.
    virtual Status read(std::uint64_t offset, std::size_t n, char *dst, std::size_t *bytesRead) const = 0;
    virtual Result<std::uint64_t> size() const = 0;
};

class FileSystem
{
public:
    virtual ~FileSystem() = default;

    // Opens for appending, creating the file if it does not exist.
    virtual Result<std::unique_ptr<WritableFile>> openWritable(const std::string &path) = 0;
    virtual Result<std::unique_ptr<ReadableFile>> openReadable(const std::string &path) = 0;

    virtual bool exists(const std::string &path) = 0;
    virtual Result<std::uint64_t> fileSize(const std::string &path) = 0;
    // Names (not paths) of the entries in a directory, unsorted.
    virtual Result<std::vector<std::string>> listDir(const std::string &path) = 0;
    // Creates the directory and its missing parents; ok if it exists.
    virtual Status createDirs(const std::string &path) = 0;
    virtual Status removeFile(const std::string &path) = 0;
    // Atomically replaces `to` with `from` (POSIX rename semantics).
    virtual Status renameFile(const std::string &from, const std::string &to) = 0;
    virtual Status truncateFile(const std::string &path, std::uint64_t size) = 0;
    // Makes creations, renames and removals in the directory durable.
    virtual Status syncDir(const std::string &path) = 0;

    // The real POSIX file system. Lives for the whole process.
    static FileSystem &posix();
};

// Reads a whole file into a string (for small files: indexes, metadata).
Result<std::string> readWholeFile(FileSystem &fs, const std::string &path);

// Writes a whole file durably and atomically: temp file, sync, rename, sync dir.
Status writeFileAtomically(FileSystem &fs, const std::string &path, std::string_view data);

} // namespace kappa
