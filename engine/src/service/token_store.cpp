#include "service/token_store.h"

#include "base/sha256.h"
#include "kappa/file_system.h"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kappa::service {
namespace {

using Json = nlohmann::json;
using StoredToken = TokenStore::StoredToken;
using Digest = TokenStore::Digest;

constexpr int kFormat = 1;
constexpr std::size_t kMaxNameLength = 64;
constexpr std::size_t kTokenBytes = 32;
constexpr std::string_view kTokenPrefix = "kappa_";
constexpr std::array<Role, 4> kRoles = {Role::Viewer, Role::Operator, Role::Approver, Role::Admin};

Status errnoStatus(std::string_view what, const std::string &path, int error)
{
    std::string message = std::string(what) + " " + path + ": " + std::strerror(error);
    if (error == ENOSPC || error == EDQUOT)
        return Status::resourceExhausted(std::move(message));
    return Status::internal(std::move(message));
}

std::string base64UrlNoPadding(const unsigned char *data, std::size_t size)
{
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((size * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 3 <= size; i += 3) {
        const std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8)
                                | data[i + 2];
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (size - i == 1) {
        const std::uint32_t v = std::uint32_t{data[i]} << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
    } else if (size - i == 2) {
        const std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
    }
    return out;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::optional<Digest> fromHex(std::string_view hex)
{
    Digest digest{};
    if (hex.size() != digest.size() * 2)
        return std::nullopt;
    for (std::size_t i = 0; i < digest.size(); ++i) {
        const int high = hexValue(hex[2 * i]);
        const int low = hexValue(hex[2 * i + 1]);
        if (high < 0 || low < 0)
            return std::nullopt;
        digest[i] = static_cast<unsigned char>(high * 16 + low);
    }
    return digest;
}

// The file's problems are Corruption: stored data failed a check.
Status badFile(const std::string &path, const std::string &problem)
{
    return Status::corruption("token file " + path + ": " + problem);
}

Result<StoredToken> parseEntry(const std::string &path, const Json &entry, std::size_t index)
{
    const std::string where = "tokens[" + std::to_string(index) + "]";
    if (!entry.is_object())
        return badFile(path, where + " must be an object");
    const auto name = entry.find("name");
    const auto role = entry.find("role");
    const auto hash = entry.find("sha256");
    const auto created = entry.find("created_ms");
    if (name == entry.end() || !name->is_string())
        return badFile(path, where + ".name must be a string");
    if (role == entry.end() || !role->is_string())
        return badFile(path, where + ".role must be a string");
    if (hash == entry.end() || !hash->is_string())
        return badFile(path, where + ".sha256 must be a string");
    if (created == entry.end() || !created->is_number_integer()
        || (created->is_number_unsigned()
            && created->get<std::uint64_t>() > std::uint64_t{std::numeric_limits<std::int64_t>::max()}))
        return badFile(path, where + ".created_ms must be an integer");

    StoredToken token;
    token.name = name->get<std::string>();
    if (Status valid = validateTokenName(token.name); !valid.isOk())
        return badFile(path, where + ".name: " + valid.message());
    Result<Role> parsedRole = parseRole(role->get<std::string>());
    if (!parsedRole.isOk())
        return badFile(path, where + ".role: " + parsedRole.status().message());
    token.role = *parsedRole;
    const std::optional<Digest> digest = fromHex(hash->get<std::string>());
    if (!digest)
        return badFile(path, where + ".sha256 must be 64 hex digits");
    token.sha256 = *digest;
    token.createdMs = created->get<std::int64_t>();
    return token;
}

// Parses the file's text into tokens sorted by name; Corruption naming the problem otherwise.
Result<std::vector<StoredToken>> parseFile(const std::string &path, const std::string &text)
{
    const Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded())
        return badFile(path, "not valid JSON");
    if (!root.is_object())
        return badFile(path, "must be a JSON object");
    const auto format = root.find("format");
    if (format == root.end() || !format->is_number_integer())
        return badFile(path, "\"format\" must be an integer");
    if (format->get<std::int64_t>() != kFormat)
        return badFile(path, "format " + format->dump() + " is not supported (this build reads format "
                                 + std::to_string(kFormat) + ")");
    const auto entries = root.find("tokens");
    if (entries == root.end() || !entries->is_array())
        return badFile(path, "\"tokens\" must be an array");

    std::vector<StoredToken> tokens;
    tokens.reserve(entries->size());
    for (std::size_t i = 0; i < entries->size(); ++i) {
        KAPPA_ASSIGN_OR_RETURN(StoredToken token, parseEntry(path, (*entries)[i], i));
        tokens.push_back(std::move(token));
    }
    std::sort(tokens.begin(), tokens.end(),
              [](const StoredToken &a, const StoredToken &b) { return a.name < b.name; });
    const auto duplicate = std::adjacent_find(tokens.begin(), tokens.end(),
                                              [](const StoredToken &a, const StoredToken &b) {
                                                  return a.name == b.name;
                                              });
    if (duplicate != tokens.end())
        return badFile(path, "name '" + duplicate->name + "' appears more than once");
    return tokens;
}

Result<std::vector<StoredToken>> readFile(const std::string &path)
{
    Result<std::string> text = readWholeFile(FileSystem::posix(), path);
    if (!text.isOk()) {
        if (text.status().code() == StatusCode::NotFound)
            return std::vector<StoredToken>{};
        return text.status();
    }
    return parseFile(path, *text);
}

std::string serialize(const std::vector<StoredToken> &tokens)
{
    Json entries = Json::array();
    for (const StoredToken &token : tokens)
        entries.push_back({{"name", token.name},
                           {"role", roleName(token.role)},
                           {"sha256", toHex(token.sha256)},
                           {"created_ms", token.createdMs}});
    const Json root = {{"format", kFormat}, {"tokens", std::move(entries)}};
    return root.dump(2) + "\n";
}

Status writeAll(int fd, std::string_view data, const std::string &path)
{
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errnoStatus("write", path, errno);
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return Status::ok();
}

// Temp file, fsync, rename, fsync of the directory. Not FileSystem's
// writeFileAtomically: that creates files 0644, and this one must never be
// readable by others, not even for the moment between create and chmod.
Status writeFileAtomically0600(const std::string &path, std::string_view data)
{
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    const std::string directory = parent.empty() ? std::string(".") : parent.string();
    std::string temp = path + ".tmp-XXXXXX";
    const int fd = ::mkstemp(temp.data()); // mode 0600, O_EXCL
    if (fd < 0)
        return errnoStatus("create temporary file for", path, errno);
    Status status = Status::ok();
    if (::fchmod(fd, S_IRUSR | S_IWUSR) != 0)
        status = errnoStatus("chmod", temp, errno);
    if (status.isOk())
        status = writeAll(fd, data, temp);
    if (status.isOk() && ::fsync(fd) != 0)
        status = errnoStatus("fsync", temp, errno);
    if (::close(fd) != 0 && status.isOk())
        status = errnoStatus("close", temp, errno);
    if (status.isOk() && ::rename(temp.c_str(), path.c_str()) != 0)
        status = errnoStatus("rename to " + path + " from", temp, errno);
    if (!status.isOk()) {
        ::unlink(temp.c_str());
        return status;
    }
    return FileSystem::posix().syncDir(directory);
}

} // namespace

std::string_view roleName(Role role)
{
    switch (role) {
    case Role::Viewer: return "viewer";
    case Role::Operator: return "operator";
    case Role::Approver: return "approver";
    case Role::Admin: return "admin";
    }
    return "unknown";
}

Result<Role> parseRole(std::string_view text)
{
    for (Role role : kRoles)
        if (roleName(role) == text)
            return role;
    return Status::invalidArgument("unknown role '" + std::string(text)
                                   + "' (valid roles: viewer, operator, approver, admin)");
}

bool roleAllows(Role held, Role needed)
{
    return static_cast<int>(held) >= static_cast<int>(needed);
}

Status validateTokenName(std::string_view name)
{
    const bool validChars = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
               || c == '_' || c == '-';
    });
    if (name.empty() || name.size() > kMaxNameLength)
        return Status::invalidArgument("token name must have 1 to 64 characters, not "
                                       + std::to_string(name.size()));
    if (!validChars)
        return Status::invalidArgument("token name '" + std::string(name)
                                       + "' may only contain A-Z a-z 0-9 . _ -");
    return Status::ok();
}

TokenStore::TokenStore(std::string path)
    : m_path(std::move(path))
{}

Result<std::unique_ptr<TokenStore>> TokenStore::open(std::string path)
{
    std::unique_ptr<TokenStore> store(new TokenStore(std::move(path)));
    KAPPA_ASSIGN_OR_RETURN(store->m_tokens, readFile(store->m_path));
    return store;
}

Result<std::string> TokenStore::add(const std::string &name, Role role, std::int64_t nowMs)
{
    KAPPA_RETURN_IF_ERROR(validateTokenName(name));
    std::lock_guard writeLock(m_writeMutex);
    KAPPA_ASSIGN_OR_RETURN(std::vector<StoredToken> tokens, readFile(m_path));
    const auto at = std::lower_bound(tokens.begin(), tokens.end(), name,
                                     [](const StoredToken &t, const std::string &n) { return t.name < n; });
    if (at != tokens.end() && at->name == name)
        return Status::alreadyExists("a token named '" + name + "' exists in " + m_path
                                     + " (revoke it first to replace it)");

    std::array<unsigned char, kTokenBytes> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
        return Status::internal("OpenSSL RAND_bytes failed: no token was created");
    std::string token = std::string(kTokenPrefix) + base64UrlNoPadding(random.data(), random.size());
    OPENSSL_cleanse(random.data(), random.size());
    const Digest digest = sha256(token);

    tokens.insert(at, StoredToken{name, role, digest, nowMs});
    KAPPA_RETURN_IF_ERROR(writeAndSwap(std::move(tokens)));
    return token;
}

Status TokenStore::revoke(const std::string &name)
{
    std::lock_guard writeLock(m_writeMutex);
    KAPPA_ASSIGN_OR_RETURN(std::vector<StoredToken> tokens, readFile(m_path));
    const auto at = std::find_if(tokens.begin(), tokens.end(),
                                 [&name](const StoredToken &t) { return t.name == name; });
    if (at == tokens.end())
        return Status::notFound("no token named '" + name + "' in " + m_path);
    tokens.erase(at);
    return writeAndSwap(std::move(tokens));
}

Status TokenStore::writeAndSwap(std::vector<StoredToken> tokens)
{
    KAPPA_RETURN_IF_ERROR(writeFileAtomically0600(m_path, serialize(tokens)));
    std::unique_lock lock(m_mutex);
    m_tokens = std::move(tokens);
    return Status::ok();
}

std::vector<TokenEntry> TokenStore::list() const
{
    std::shared_lock lock(m_mutex);
    std::vector<TokenEntry> entries;
    entries.reserve(m_tokens.size());
    for (const StoredToken &token : m_tokens)
        entries.push_back({token.name, token.role, token.createdMs});
    return entries;
}

std::optional<TokenIdentity> TokenStore::authenticate(std::string_view token) const
{
    // Every presented token is hashed, whatever its length or prefix, so the
    // time taken says nothing about how close it came.
    const Digest presented = sha256(token);
    std::shared_lock lock(m_mutex);
    const StoredToken *match = nullptr;
    for (const StoredToken &stored : m_tokens) {
        const bool equal = CRYPTO_memcmp(stored.sha256.data(), presented.data(), stored.sha256.size()) == 0;
        match = equal ? &stored : match;
    }
    if (!match)
        return std::nullopt;
    return TokenIdentity{match->name, match->role};
}

Status TokenStore::reload()
{
    std::lock_guard writeLock(m_writeMutex);
    KAPPA_ASSIGN_OR_RETURN(std::vector<StoredToken> tokens, readFile(m_path));
    std::unique_lock lock(m_mutex);
    m_tokens = std::move(tokens);
    return Status::ok();
}

} // namespace kappa::service
