// SHA-256 through OpenSSL's libcrypto (the one place that calls it): token
// hashes in the service, the audit log's hash chain in the catalog.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace kappa {

using Sha256Digest = std::array<unsigned char, 32>;

// OpenSSL's SHA-256 cannot fail for in-memory input short of memory
// exhaustion; that aborts, as any allocation failure does.
Sha256Digest sha256(std::string_view bytes);
// 64 lower-case hex digits.
std::string toHex(const Sha256Digest &digest);
std::string sha256Hex(std::string_view bytes);

} // namespace kappa
