// Bearer tokens for the service: who may call the HTTP API and with which role.
//
// A token is "kappa_" followed by 32 random bytes (OpenSSL RAND_bytes) in
// base64url without padding. Only the SHA-256 of a token is stored; the
// plaintext exists once, as the return value of TokenStore::add, and is never
// logged, stored or put into a Status message. An unsalted hash is enough
// because a token carries 256 bits of entropy: there is no dictionary to try.
//
// File format (JSON, UTF-8), written down here next to the code that reads it:
//
//   {
//     "format": 1,
//     "tokens": [
//       {"name": "ci-bot", "role": "operator", "sha256": "<64 hex digits>", "created_ms": 1700000000000}
//     ]
//   }
//
//   format      must be 1; any other number is rejected (a newer kappactl wrote it).
//   name        1 to 64 of [A-Za-z0-9._-], unique within the file.
//   role        "viewer", "operator", "approver" or "admin".
//   sha256      SHA-256 of the whole token text (prefix included), 64 hex digits;
//               written in lowercase, read in either case.
//   created_ms  milliseconds since the Unix epoch, an integer.
//   Other keys are ignored. A missing file is an empty store.
//
// The file is always replaced atomically (temp file in the same directory with
// mode 0600, fsync, rename, fsync of the directory), so a crash leaves either
// the old or the new file, never a mix. It holds no secrets, but it is kept
// 0600 anyway: it lists who has access.
//
// Errors: a file that is not valid JSON or breaks any rule above is Corruption,
// with a message naming the file and the offending field; it is never treated
// as empty. Bad names and roles from callers are InvalidArgument; adding an
// existing name is AlreadyExists; revoking an unknown one is NotFound; I/O
// failures are Internal (or ResourceExhausted when the disk is full). A failed
// write leaves both the file and the in-memory tokens unchanged.
//
// Threading: every method may be called from any thread. authenticate() and
// list() take a shared lock and run concurrently with each other; reload(),
// add() and revoke() swap in the new token set under an exclusive lock that is
// held only for the swap, not for the file I/O, so HTTP threads are not held
// up by an fsync. reload(), add() and revoke() are serialized with each other;
// add() and revoke() start from the file as it is on disk (re-read under that
// lock), so a change made by another process since open() is not lost, and a
// file broken since then is reported instead of overwritten. Two processes changing
// the same file at the same instant are not serialized: the last rename wins.
#pragma once

#include "kappa/status.h"

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::service {

// Ordered: each role may do everything the roles before it may do.
enum class Role { Viewer, Operator, Approver, Admin };

// "viewer", "operator", "approver" or "admin".
std::string_view roleName(Role role);

// The inverse of roleName (exact, lowercase); InvalidArgument naming the valid roles otherwise.
Result<Role> parseRole(std::string_view text);

// True if a caller holding `held` may do what needs `needed`.
bool roleAllows(Role held, Role needed);

// Ok if `name` is 1 to 64 of [A-Za-z0-9._-]; InvalidArgument otherwise.
Status validateTokenName(std::string_view name);

// Who a presented token belongs to.
struct TokenIdentity
{
    std::string name;
    Role role;
};

// What `list` shows about a token: never the token, never its hash.
struct TokenEntry
{
    std::string name;
    Role role;
    std::int64_t createdMs;
};

class TokenStore
{
public:
    // Opens the token file at `path`. A missing file is an empty store (the
    // file is created by the first add); a malformed one is Corruption.
    static Result<std::unique_ptr<TokenStore>> open(std::string path);

    TokenStore(const TokenStore &) = delete;
    TokenStore &operator=(const TokenStore &) = delete;

    // Creates a token for `name` with `role`, created at `nowMs`, writes the
    // file and returns the plaintext token: the only time it exists. The
    // file's directory must exist.
    Result<std::string> add(const std::string &name, Role role, std::int64_t nowMs);

    // Every token, sorted by name.
    std::vector<TokenEntry> list() const;

    // Removes the token of `name` and rewrites the file; NotFound if there is none.
    Status revoke(const std::string &name);

    // The identity of `token`, or nothing if it matches no stored hash. Takes
    // the same time whichever entry (if any) matches: every stored hash is
    // compared in constant time and the loop never stops early.
    std::optional<TokenIdentity> authenticate(std::string_view token) const;

    // Re-reads the file (the service calls it on SIGHUP). On error the tokens
    // in memory stay as they were and the error is returned.
    Status reload();

    const std::string &path() const { return m_path; }

    // One entry of the file as held in memory (public only for token_store.cpp's helpers).
    using Digest = std::array<unsigned char, 32>;
    struct StoredToken
    {
        std::string name;
        Role role;
        Digest sha256;
        std::int64_t createdMs;
    };

private:
    explicit TokenStore(std::string path);

    Status writeAndSwap(std::vector<StoredToken> tokens);

    const std::string m_path;
    // Serializes reload, add and revoke (read file, change, write file, swap) with each other.
    std::mutex m_writeMutex;
    // Guards m_tokens; held exclusively only while swapping in a new set.
    mutable std::shared_mutex m_mutex;
    std::vector<StoredToken> m_tokens; // sorted by name, names unique
};

} // namespace kappa::service
