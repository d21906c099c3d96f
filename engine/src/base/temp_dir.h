// TempDir: a fresh, private directory under the system's temporary directory
// ($TMPDIR or /tmp), removed with everything in it when the object goes.
#pragma once

#include "kappa/status.h"

#include <string>
#include <string_view>

namespace kappa::base {

class TempDir
{
public:
    // A directory named <prefix>XXXXXX (mkdtemp).
    static Result<TempDir> create(std::string_view prefix);

    TempDir() = default;
    ~TempDir();
    TempDir(TempDir &&other) noexcept;
    TempDir &operator=(TempDir &&other) noexcept;
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    const std::string &path() const { return m_path; }

private:
    explicit TempDir(std::string path)
        : m_path(std::move(path))
    {}
    void remove();

    std::string m_path; // empty: nothing to remove
};

} // namespace kappa::base
