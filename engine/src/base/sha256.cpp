#include "base/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace kappa {

Sha256Digest sha256(std::string_view bytes)
{
    Sha256Digest digest{};
    unsigned int size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1
        || size != digest.size())
        std::abort();
    return digest;
}

std::string toHex(const Sha256Digest &digest)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(digest.size() * 2);
    for (unsigned char byte : digest) {
        out += kDigits[byte >> 4];
        out += kDigits[byte & 15];
    }
    return out;
}

std::string sha256Hex(std::string_view bytes)
{
    return toHex(sha256(bytes));
}

} // namespace kappa
