#include "base/temp_dir.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

namespace kappa::base {

Result<TempDir> TempDir::create(std::string_view prefix)
{
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    if (ec)
        return Status::internal("no temporary directory: " + ec.message());
    std::string pattern = (base / std::string(prefix)).string() + "XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!::mkdtemp(buffer.data()))
        return Status::internal("creating a temporary directory " + pattern + ": " + std::strerror(errno));
    return TempDir(std::string(buffer.data()));
}

TempDir::~TempDir()
{
    remove();
}

TempDir::TempDir(TempDir &&other) noexcept
    : m_path(std::exchange(other.m_path, {}))
{}

TempDir &TempDir::operator=(TempDir &&other) noexcept
{
    if (this != &other) {
        remove();
        m_path = std::exchange(other.m_path, {});
    }
    return *this;
}

void TempDir::remove()
{
    if (m_path.empty())
        return;
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec); // best effort: it is only scratch space
    m_path.clear();
}

} // namespace kappa::base
