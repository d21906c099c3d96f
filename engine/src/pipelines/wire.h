// Compact binary encoding for pipeline state and rekeyed records.
//
// Integers are LEB128 varints (signed ones zigzag-encoded), doubles are their
// IEEE-754 bits as 8 little-endian bytes, strings are a varint length plus
// bytes. Every stored value starts with a format-version byte written by its
// owner, so a later format can still read older state. A reader never reads
// past its input: a truncated or malformed value makes it fail, and the owner
// turns that into Status::corruption.
#pragma once

#include "kappa/status.h"

#include <bit>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace kappa::pipelines {

class ByteWriter
{
public:
    explicit ByteWriter(std::string &out)
        : m_out(out)
    {}

    void putU8(std::uint8_t v) { m_out.push_back(static_cast<char>(v)); }
    // Encodes into a local buffer and appends once: one capacity check per
    // value instead of one per byte (serialize runs for every dirty key at
    // each checkpoint).
    void putVarU64(std::uint64_t v)
    {
        char bytes[10];
        std::size_t n = 0;
        while (v >= 0x80) {
            bytes[n++] = static_cast<char>((v & 0x7f) | 0x80);
            v >>= 7;
        }
        bytes[n++] = static_cast<char>(v);
        m_out.append(bytes, n);
    }
    void putVarI64(std::int64_t v)
    {
        putVarU64((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
    }
    void putDouble(double v)
    {
        const auto bits = std::bit_cast<std::uint64_t>(v);
        char bytes[8];
        for (int i = 0; i < 8; ++i)
            bytes[i] = static_cast<char>((bits >> (8 * i)) & 0xff);
        m_out.append(bytes, 8);
    }
    void putString(std::string_view s)
    {
        putVarU64(s.size());
        m_out.append(s);
    }
    void putBool(bool b) { putU8(b ? 1 : 0); }

private:
    std::string &m_out;
};

// Reads what ByteWriter wrote. After the first failure every getter returns
// false and ok() stays false, so callers may check once at the end.
class ByteReader
{
public:
    explicit ByteReader(std::string_view in)
        : m_in(in)
    {}

    bool ok() const { return m_ok; }
    bool atEnd() const { return m_pos == m_in.size(); }

    bool getU8(std::uint8_t &v)
    {
        if (!m_ok || m_pos >= m_in.size())
            return fail();
        v = static_cast<std::uint8_t>(m_in[m_pos++]);
        return true;
    }
    bool getVarU64(std::uint64_t &v)
    {
        v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            std::uint8_t byte = 0;
            if (!getU8(byte))
                return false;
            v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            if ((byte & 0x80) == 0)
                return true;
        }
        return fail();
    }
    bool getVarI64(std::int64_t &v)
    {
        std::uint64_t u = 0;
        if (!getVarU64(u))
            return false;
        v = static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
        return true;
    }
    // A value written with putVarI64 that must fit in an int32.
    bool getVarI32(std::int32_t &v)
    {
        std::int64_t wide = 0;
        if (!getVarI64(wide))
            return false;
        if (wide < std::numeric_limits<std::int32_t>::min() || wide > std::numeric_limits<std::int32_t>::max())
            return fail();
        v = static_cast<std::int32_t>(wide);
        return true;
    }
    bool getDouble(double &v)
    {
        std::uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) {
            std::uint8_t byte = 0;
            if (!getU8(byte))
                return false;
            bits |= static_cast<std::uint64_t>(byte) << (8 * i);
        }
        v = std::bit_cast<double>(bits);
        return true;
    }
    bool getString(std::string &s)
    {
        std::uint64_t size = 0;
        if (!getVarU64(size))
            return false;
        if (size > m_in.size() - m_pos)
            return fail();
        s.assign(m_in.substr(m_pos, size));
        m_pos += size;
        return true;
    }
    bool getBool(bool &b)
    {
        std::uint8_t v = 0;
        if (!getU8(v))
            return false;
        if (v > 1)
            return fail();
        b = v == 1;
        return true;
    }
    // A count that prefixes a list; bounded by the bytes left so that a
    // corrupt count cannot make the caller reserve gigabytes.
    bool getCount(std::uint64_t &n)
    {
        if (!getVarU64(n))
            return false;
        if (n > m_in.size() - m_pos)
            return fail();
        return true;
    }
    bool fail()
    {
        m_ok = false;
        return false;
    }

private:
    std::string_view m_in;
    std::size_t m_pos = 0;
    bool m_ok = true;
};

// Reads the leading format byte of a stored value. Only an unknown format is
// an error here; a missing byte is caught by the caller's end-of-input check.
inline Status readFormatByte(ByteReader &r, std::uint8_t expected, std::string_view what)
{
    std::uint8_t format = 0;
    if (r.getU8(format) && format != expected)
        return Status::corruption(std::string(what) + ": unknown format " + std::to_string(format));
    return Status::ok();
}

} // namespace kappa::pipelines
