#include "state/checkpoint_meta.h"

#include "base/crc32c.h"

#include <cstring>

namespace kappa::state {

namespace {

constexpr std::uint8_t kFormatVersion = 1;
constexpr std::size_t kCrcSize = 4;

void putVarint(std::string &out, std::uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

// Zigzag keeps small negative values (e.g. an unset watermark of -1) short.
void putSigned(std::string &out, std::int64_t v)
{
    putVarint(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

void putBytes(std::string &out, std::string_view bytes)
{
    putVarint(out, bytes.size());
    out.append(bytes);
}

// A bounds-checked cursor; every getter returns false once the input is exhausted.
class Reader
{
public:
    explicit Reader(std::string_view data)
        : m_data(data)
    {}

    bool varint(std::uint64_t &v)
    {
        v = 0;
        for (int shift = 0; shift < 64 && m_pos < m_data.size(); shift += 7) {
            const auto byte = static_cast<std::uint8_t>(m_data[m_pos++]);
            v |= std::uint64_t(byte & 0x7f) << shift;
            if ((byte & 0x80) == 0)
                return true;
        }
        return false;
    }
    bool signedVarint(std::int64_t &v)
    {
        std::uint64_t u = 0;
        if (!varint(u))
            return false;
        v = static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
        return true;
    }
    bool bytes(std::string &v)
    {
        std::uint64_t n = 0;
        if (!varint(n) || n > m_data.size() - m_pos)
            return false;
        v.assign(m_data.substr(m_pos, n));
        m_pos += n;
        return true;
    }
    bool count(std::size_t &n)
    {
        std::uint64_t v = 0;
        // Every element takes at least one byte, which bounds reserve() on garbage.
        if (!varint(v) || v > m_data.size() - m_pos)
            return false;
        n = static_cast<std::size_t>(v);
        return true;
    }
    bool atEnd() const { return m_pos == m_data.size(); }

private:
    std::string_view m_data;
    std::size_t m_pos = 0;
};

bool readInput(Reader &r, InputPosition &in)
{
    std::int64_t partition = 0;
    std::int64_t offset = 0;
    std::int64_t watermark = 0;
    if (!r.bytes(in.topic) || !r.signedVarint(partition) || !r.signedVarint(offset)
        || !r.signedVarint(watermark))
        return false;
    in.partition = PartitionId(static_cast<std::int32_t>(partition));
    in.nextOffset = Offset(offset);
    in.watermark = EventTime(watermark);
    return true;
}

bool readOutput(Reader &r, OutputPosition &out)
{
    std::int64_t partition = 0;
    std::int64_t position = 0;
    if (!r.bytes(out.name) || !r.signedVarint(partition) || !r.signedVarint(position))
        return false;
    out.partition = PartitionId(static_cast<std::int32_t>(partition));
    out.position = Offset(position);
    return true;
}

bool readBody(Reader &r, CheckpointMeta &meta)
{
    std::size_t n = 0;
    if (!r.varint(meta.sequence) || !r.count(n))
        return false;
    meta.inputs.resize(n);
    for (InputPosition &in : meta.inputs) {
        if (!readInput(r, in))
            return false;
    }
    if (!r.count(n))
        return false;
    meta.outputs.resize(n);
    for (OutputPosition &out : meta.outputs) {
        if (!readOutput(r, out))
            return false;
    }
    return r.bytes(meta.blob) && r.atEnd();
}

} // namespace

void encodeCheckpointMeta(const CheckpointMeta &meta, std::string &out)
{
    const std::size_t start = out.size();
    out.push_back(static_cast<char>(kFormatVersion));
    putVarint(out, meta.sequence);
    putVarint(out, meta.inputs.size());
    for (const InputPosition &in : meta.inputs) {
        putBytes(out, in.topic);
        putSigned(out, in.partition.value());
        putSigned(out, in.nextOffset.value());
        putSigned(out, in.watermark.value());
    }
    putVarint(out, meta.outputs.size());
    for (const OutputPosition &o : meta.outputs) {
        putBytes(out, o.name);
        putSigned(out, o.partition.value());
        putSigned(out, o.position.value());
    }
    putBytes(out, meta.blob);
    const std::uint32_t crc = base::crc32c(std::string_view(out).substr(start));
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
}

Result<CheckpointMeta> decodeCheckpointMeta(std::string_view data)
{
    if (data.size() < 1 + kCrcSize)
        return Status::corruption("checkpoint metadata: " + std::to_string(data.size())
                                  + " bytes is too short");
    const std::string_view covered = data.substr(0, data.size() - kCrcSize);
    std::uint32_t stored = 0;
    for (std::size_t i = 0; i < kCrcSize; ++i)
        stored |= std::uint32_t(static_cast<std::uint8_t>(data[covered.size() + i])) << (8 * i);
    if (base::crc32c(covered) != stored)
        return Status::corruption("checkpoint metadata: checksum mismatch");
    const auto version = static_cast<std::uint8_t>(covered[0]);
    if (version != kFormatVersion)
        return Status::corruption("checkpoint metadata: unsupported format version "
                                  + std::to_string(version));
    CheckpointMeta meta;
    Reader reader(covered.substr(1));
    if (!readBody(reader, meta))
        return Status::corruption("checkpoint metadata: truncated or malformed fields");
    return meta;
}

} // namespace kappa::state
