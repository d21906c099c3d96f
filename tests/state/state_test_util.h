// Aggregates and helpers shared by the state suites and the crash writer.
#pragma once

#include "kappa/status.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace statetest {

// A count and a sum, serialized as two little-endian int64s.
struct Counter
{
    std::int64_t count = 0;
    std::int64_t sum = 0;

    void serialize(std::string &out) const
    {
        out.append(reinterpret_cast<const char *>(&count), sizeof count);
        out.append(reinterpret_cast<const char *>(&sum), sizeof sum);
    }
    static kappa::Result<Counter> parse(std::string_view in)
    {
        if (in.size() != 2 * sizeof(std::int64_t))
            return kappa::Status::corruption("counter of " + std::to_string(in.size()) + " bytes");
        Counter c;
        std::memcpy(&c.count, in.data(), sizeof c.count);
        std::memcpy(&c.sum, in.data() + sizeof c.count, sizeof c.sum);
        return c;
    }
    bool operator==(const Counter &) const = default;
};

// Free-form bytes; used to store something a Counter cannot parse.
struct Text
{
    std::string text;
    void serialize(std::string &out) const { out.append(text); }
    static kappa::Result<Text> parse(std::string_view in) { return Text{std::string(in)}; }
};

} // namespace statetest
