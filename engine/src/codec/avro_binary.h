// Avro 1.11 binary encoding: the primitive readers and writers (inline, used by
// the event hot path) and the generic, schema-driven encode/decode/skip.
//
// Errors: every read returns false on malformed input and records what was
// wrong and at which byte; status() turns that into a Corruption. Reads never
// touch memory outside the input and never allocate except for the error text.
#pragma once

#include "codec/avro_schema.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace kappa::codec {

// Nesting deeper than this (recursive schemas) is rejected instead of recursing further.
inline constexpr int kMaxValueDepth = 256;
// Items that take no bytes (null, empty records) in collections are capped at this many
// per reader, summed over all its collections (nesting would otherwise multiply a
// per-collection cap), so a few bytes cannot make the decoder spin or allocate without bound.
inline constexpr std::uint64_t kMaxZeroSizeItems = 1u << 20;

class BinaryReader
{
public:
    // Reads `data` starting at `start`; byte positions in errors are relative to data.
    explicit BinaryReader(std::string_view data, std::size_t start = 0)
        : m_begin(reinterpret_cast<const unsigned char *>(data.data()))
        , m_pos(m_begin + start)
        , m_end(m_begin + data.size())
    {}

    std::size_t position() const { return static_cast<std::size_t>(m_pos - m_begin); }
    std::size_t remaining() const { return static_cast<std::size_t>(m_end - m_pos); }
    bool atEnd() const { return m_pos == m_end; }

    // Records a failure at the current position; always returns false.
    bool fail(const char *what) { return failAt(position(), what); }
    bool failAt(std::size_t at, std::string what)
    {
        if (m_what.empty()) {
            m_what = std::move(what);
            m_failedAt = at;
        }
        return false;
    }
    // Corruption "<what> at byte <n>" for the first recorded failure.
    Status status() const;
    // Ok at the end of the input, else Corruption "<n> trailing bytes after <what> at byte <p>".
    Status checkAtEnd(std::string_view what) const;

    bool readLong(std::int64_t &out)
    {
        // Most varints in events are one byte (tags, small ids, lengths).
        if (m_pos != m_end && *m_pos < 0x80) {
            out = zigZagDecode(*m_pos++);
            return true;
        }
        std::uint64_t raw = 0;
        if (!readVarint(raw, 10))
            return false;
        out = zigZagDecode(raw);
        return true;
    }

    bool readInt(std::int32_t &out)
    {
        if (m_pos != m_end && *m_pos < 0x80) {
            out = static_cast<std::int32_t>(zigZagDecode(*m_pos++));
            return true;
        }
        const std::size_t at = position();
        std::uint64_t raw = 0;
        if (!readVarint(raw, 5))
            return false;
        if (raw > 0xFFFFFFFFu)
            return failAt(at, "int varint overflows 32 bits");
        out = static_cast<std::int32_t>(zigZagDecode(raw));
        return true;
    }

    bool readBoolean(bool &out)
    {
        if (m_pos == m_end)
            return fail("truncated boolean");
        if (*m_pos > 1)
            return fail("boolean byte is neither 0 nor 1");
        out = *m_pos++ == 1;
        return true;
    }

    bool readFloat(float &out) { return readFixedWidth(&out, sizeof out, "truncated float"); }
    bool readDouble(double &out) { return readFixedWidth(&out, sizeof out, "truncated double"); }

    // A bytes/string body: a non-negative long length, then that many bytes.
    bool readBytes(std::string_view &out)
    {
        const std::size_t at = position();
        std::int64_t length = 0;
        if (!readLong(length))
            return false;
        if (length < 0)
            return failAt(at, "negative length " + std::to_string(length));
        if (static_cast<std::uint64_t>(length) > remaining())
            return failAt(at, "length " + std::to_string(length) + " runs past the end ("
                                  + std::to_string(remaining()) + " bytes left)");
        out = std::string_view(reinterpret_cast<const char *>(m_pos), static_cast<std::size_t>(length));
        m_pos += length;
        return true;
    }

    bool readRaw(std::size_t n, std::string_view &out)
    {
        if (n > remaining())
            return fail("truncated fixed");
        out = std::string_view(reinterpret_cast<const char *>(m_pos), n);
        m_pos += n;
        return true;
    }

    // The start of the next collection block: 0 ends the collection. A
    // negative count is followed by the block's byte size, which is checked.
    // minItemSize bounds the count by the bytes left; zero-size items count
    // against kMaxZeroSizeItems for the whole reader.
    bool readBlockCount(std::int64_t &count, std::size_t minItemSize);

private:
    static std::int64_t zigZagDecode(std::uint64_t n)
    {
        return static_cast<std::int64_t>(n >> 1) ^ -static_cast<std::int64_t>(n & 1);
    }

    bool readVarint(std::uint64_t &out, int maxBytes)
    {
        std::uint64_t result = 0;
        const unsigned char *p = m_pos;
        for (int i = 0; i < maxBytes; ++i) {
            if (p == m_end)
                return fail("truncated varint");
            const unsigned char b = *p++;
            result |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
            if (!(b & 0x80)) {
                if (i == 9 && b > 1)
                    return fail("varint overflows 64 bits");
                m_pos = p;
                out = result;
                return true;
            }
        }
        return fail(maxBytes == 5 ? "int varint longer than 5 bytes" : "long varint longer than 10 bytes");
    }

    bool readFixedWidth(void *out, std::size_t n, const char *what)
    {
        if (remaining() < n)
            return fail(what);
        std::memcpy(out, m_pos, n); // Avro floats are little-endian, as is every target we build for
        m_pos += n;
        return true;
    }

    const unsigned char *m_begin;
    const unsigned char *m_pos;
    const unsigned char *m_end;
    std::string m_what;
    std::size_t m_failedAt = 0;
    std::uint64_t m_zeroSizeItems = 0;
};

inline void writeLong(std::string &out, std::int64_t value)
{
    std::uint64_t n = (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
    char buf[10];
    std::size_t len = 0;
    while (n >= 0x80) {
        buf[len++] = static_cast<char>((n & 0x7f) | 0x80);
        n >>= 7;
    }
    buf[len++] = static_cast<char>(n);
    out.append(buf, len);
}

inline void writeBytes(std::string &out, std::string_view bytes)
{
    writeLong(out, static_cast<std::int64_t>(bytes.size()));
    out.append(bytes);
}

inline void writeFloat(std::string &out, float value)
{
    char buf[sizeof value];
    std::memcpy(buf, &value, sizeof value);
    out.append(buf, sizeof buf);
}

inline void writeDouble(std::string &out, double value)
{
    char buf[sizeof value];
    std::memcpy(buf, &value, sizeof value);
    out.append(buf, sizeof buf);
}

// The fewest bytes a value of this type can take (0 for null, empty records, fixed(0)).
std::size_t minEncodedSize(const AvroNode &node);

// Walks the blocks of an array or map written with `writer` (the block
// counts checked as readBlockCount says) and calls onItem(key) once per item,
// after reading its key if `writer` is a map (key is empty for arrays);
// onItem reads the item's value and returns false on failure.
template<typename OnItem>
bool readCollection(BinaryReader &in, const AvroNode &writer, OnItem &&onItem)
{
    const bool isMap = writer.type == AvroType::Map;
    const std::size_t itemSize = minEncodedSize(*writer.items) + (isMap ? 1 : 0);
    std::int64_t count = 0;
    while (true) {
        if (!in.readBlockCount(count, itemSize))
            return false;
        if (count == 0)
            return true;
        for (std::int64_t i = 0; i < count; ++i) {
            std::string_view key;
            if (isMap && !in.readBytes(key))
                return false;
            if (!onItem(key))
                return false;
        }
    }
}

// Decodes one value written with `writer` into `out` (shaped like the writer schema).
bool decodeValue(BinaryReader &in, const AvroNode &writer, AvroValue &out, int depth = 0);
// Skips one value written with `writer`.
bool skipValue(BinaryReader &in, const AvroNode &writer, int depth = 0);
// Encodes `value`, which must be shaped like `schema`; InvalidArgument names the mismatch.
Status encodeValue(const AvroValue &value, const AvroNode &schema, std::string &out);

// Decodes a whole datum; bytes left over are Corruption.
Result<AvroValue> decodeDatum(const AvroNode &writer, std::string_view bytes);

} // namespace kappa::codec
