#include "runtime/exchange.h"

#include "base/murmur2.h"

#include <algorithm>
#include <cstring>

namespace kappa::runtime {

namespace {

// Record layout (fixed-width little-endian fields; README.md "Exchange records"):
//   data:   [1][upstream i32][seq i64][epoch i64][source append time i64][payload...]
//   marker: [2][upstream i32][epoch i64]
constexpr char kData = 1;
constexpr char kMarker = 2;
constexpr std::size_t kDataHeader = 1 + 4 + 8 + 8 + 8;
constexpr std::size_t kMarkerSize = 1 + 4 + 8;
constexpr char kStateFormat = 1;

template<typename T>
void putFixed(std::string &out, T value)
{
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T)); // little-endian hosts only, like the rest of the engine
    out.append(bytes, sizeof(T));
}

template<typename T>
T getFixed(std::string_view bytes, std::size_t at)
{
    T value;
    std::memcpy(&value, bytes.data() + at, sizeof(T));
    return value;
}

} // namespace

std::int64_t epochOf(std::int64_t maxEventTimeMs, std::int64_t epochMs)
{
    const std::int64_t q = maxEventTimeMs / epochMs;
    return (maxEventTimeMs % epochMs != 0 && maxEventTimeMs < 0) ? q - 1 : q;
}

ExchangeWriter::ExchangeWriter(EventLog &log, std::string topic, std::int32_t partitions,
                               std::int32_t upstream)
    : m_log(log)
    , m_topic(std::move(topic))
    , m_upstream(upstream)
    , m_pending(static_cast<std::size_t>(partitions))
{}

void ExchangeWriter::add(std::string_view key, std::int64_t seq, std::int64_t epoch,
                         WallTime sourceAppendTime, std::string_view payload)
{
    const auto partitions = static_cast<std::int32_t>(m_pending.size());
    Pending &pending = m_pending[static_cast<std::size_t>(base::partitionForKey(key, partitions))];
    std::string value;
    value.reserve(kDataHeader + payload.size());
    value.push_back(kData);
    putFixed(value, m_upstream);
    putFixed(value, seq);
    putFixed(value, epoch);
    putFixed(value, sourceAppendTime.value());
    value.append(payload);
    pending.keys.emplace_back(key);
    pending.values.push_back(std::move(value));
}

void ExchangeWriter::closeEpochsBelow(std::int64_t epoch)
{
    if (epoch <= m_announced)
        return;
    m_announced = epoch;
    m_markerPending = true;
}

template<typename AppendOne>
Status ExchangeWriter::appendQueued(AppendOne appendOne)
{
    std::string marker;
    if (m_markerPending) {
        marker.push_back(kMarker);
        putFixed(marker, m_upstream);
        putFixed(marker, m_announced);
    }
    std::vector<Record> records;
    for (std::size_t p = 0; p < m_pending.size(); ++p) {
        Pending &pending = m_pending[p];
        records.clear();
        for (std::size_t i = 0; i < pending.values.size(); ++i)
            records.push_back({pending.keys[i], pending.values[i]});
        if (m_markerPending)
            records.push_back({std::string_view(), marker});
        if (records.empty())
            continue;
        const Status appended = appendOne(PartitionId(static_cast<std::int32_t>(p)), records);
        if (!appended.isOk())
            return appended.withContext("exchange topic " + m_topic);
        pending.keys.clear();
        pending.values.clear();
    }
    m_markerPending = false;
    return Status::ok();
}

Status ExchangeWriter::flush()
{
    return appendQueued([&](PartitionId partition, std::span<const Record> records) {
        return m_log.appendToPartition(m_topic, partition, records).status();
    });
}

Status ExchangeWriter::flushDeferred()
{
    return appendQueued([&](PartitionId partition, std::span<const Record> records) -> Status {
        KAPPA_ASSIGN_OR_RETURN(const Offset first,
                               m_log.appendToPartitionDeferred(m_topic, partition, records));
        const Offset end(first.value() + static_cast<std::int64_t>(records.size()));
        if (m_unsettled.empty())
            m_oldestUnsettled = std::chrono::steady_clock::now();
        const auto same = std::find_if(m_unsettled.begin(), m_unsettled.end(),
                                       [&](const Unsettled &u) { return u.partition == partition; });
        Unsettled &entry = same != m_unsettled.end() ? *same
                                                     : m_unsettled.emplace_back(Unsettled{partition, end, 0});
        entry.end = end;
        entry.records += records.size();
        return Status::ok();
    });
}

Result<std::size_t> ExchangeWriter::settle(std::chrono::steady_clock::duration age)
{
    if (m_unsettled.empty() || std::chrono::steady_clock::now() - m_oldestUnsettled < age)
        return std::size_t{0};
    KAPPA_RETURN_IF_ERROR(durability()());
    std::size_t records = 0;
    for (const Unsettled &u : m_unsettled)
        records += u.records;
    m_unsettled.clear();
    return records;
}

std::function<Status()> ExchangeWriter::durability() const
{
    return [log = &m_log, topic = m_topic, ends = m_unsettled]() -> Status {
        for (const Unsettled &u : ends)
            if (const Status durable = log->waitDurable(topic, u.partition, u.end); !durable.isOk())
                return durable.withContext("exchange topic " + topic);
        return Status::ok();
    };
}

ExchangeMerge::ExchangeMerge(std::int32_t upstreams, std::size_t maxBuffered)
    : m_upstreams(static_cast<std::size_t>(std::max(upstreams, 1)))
    , m_maxBuffered(maxBuffered)
{}

Status ExchangeMerge::add(Offset offset, std::string_view value)
{
    const auto upstreamCount = static_cast<std::int32_t>(m_upstreams.size());
    auto corrupt = [&](const char *what) {
        return Status::corruption("exchange record at offset " + std::to_string(offset.value()) + ": " + what);
    };
    if (value.size() < kMarkerSize)
        return corrupt("too short");
    const auto upstream = getFixed<std::int32_t>(value, 1);
    if (upstream < 0 || upstream >= upstreamCount)
        return corrupt("unknown upstream task");
    Upstream &from = m_upstreams[static_cast<std::size_t>(upstream)];
    if (value[0] == kMarker) {
        if (value.size() != kMarkerSize)
            return corrupt("bad marker size");
        from.closedBelow = std::max(from.closedBelow, getFixed<std::int64_t>(value, 5));
        return Status::ok();
    }
    if (value[0] != kData || value.size() < kDataHeader)
        return corrupt("unknown kind or truncated header");
    const auto seq = getFixed<std::int64_t>(value, 5);
    if (seq <= from.lastAccepted) {
        ++m_duplicates;
        return Status::ok();
    }
    if (m_buffer.size() >= m_maxBuffered)
        return Status::resourceExhausted(
            "exchange buffer holds " + std::to_string(m_buffer.size())
            + " records waiting for upstream tasks to advance in event time (frontier epoch "
            + std::to_string(frontier()) + "); an input partition without events holds back the job");
    from.lastAccepted = seq;
    const Key key{getFixed<std::int64_t>(value, 13), upstream, seq};
    m_buffer.emplace(key, Entry{offset, WallTime(getFixed<std::int64_t>(value, 21)),
                                std::string(value.substr(kDataHeader))});
    return Status::ok();
}

std::int64_t ExchangeMerge::frontier() const
{
    std::int64_t lowest = std::numeric_limits<std::int64_t>::max();
    for (const Upstream &u : m_upstreams)
        lowest = std::min(lowest, u.closedBelow);
    return lowest;
}

Status ExchangeMerge::release(const Visitor &visit)
{
    return releaseBelow(std::max(frontier(), m_flushedBelow), visit);
}

Status ExchangeMerge::flush(const Visitor &visit)
{
    if (m_buffer.empty())
        return Status::ok();
    const std::int64_t last = m_buffer.rbegin()->first.epoch;
    KAPPA_RETURN_IF_ERROR(releaseBelow(std::numeric_limits<std::int64_t>::max(), visit));
    if (last != std::numeric_limits<std::int64_t>::max())
        m_flushedBelow = std::max(m_flushedBelow, last + 1);
    return Status::ok();
}

Status ExchangeMerge::releaseBelow(std::int64_t epochLimit, const Visitor &visit)
{
    while (!m_buffer.empty() && m_buffer.begin()->first.epoch < epochLimit) {
        auto it = m_buffer.begin();
        const ReleasedRecord record{it->first.upstream,          it->first.seq,      it->first.epoch,
                                    it->second.sourceAppendTime, it->second.payload, m_ordinal};
        KAPPA_RETURN_IF_ERROR(visit(record));
        m_upstreams[static_cast<std::size_t>(it->first.upstream)].lastReleased = it->first.seq;
        ++m_ordinal;
        m_buffer.erase(it);
    }
    return Status::ok();
}

Offset ExchangeMerge::restartOffset(Offset nextOffset) const
{
    Offset oldest = nextOffset;
    for (const auto &[key, entry] : m_buffer)
        oldest = std::min(oldest, entry.offset);
    return oldest;
}

void ExchangeMerge::serialize(std::string &out) const
{
    out.push_back(kStateFormat);
    putFixed(out, static_cast<std::int32_t>(m_upstreams.size()));
    for (const Upstream &u : m_upstreams) {
        putFixed(out, u.closedBelow);
        putFixed(out, u.lastReleased);
    }
    putFixed(out, m_flushedBelow);
    putFixed(out, m_ordinal);
}

Result<ExchangeMerge> ExchangeMerge::parse(std::string_view bytes, std::int32_t upstreams,
                                           std::size_t maxBuffered)
{
    const std::size_t expected = 1 + 4 + 16 * static_cast<std::size_t>(std::max(upstreams, 1)) + 16;
    if (bytes.size() != expected || bytes[0] != kStateFormat)
        return Status::corruption("exchange merge state: unexpected size or format");
    if (getFixed<std::int32_t>(bytes, 1) != upstreams)
        return Status::corruption("exchange merge state: stored for "
                                  + std::to_string(getFixed<std::int32_t>(bytes, 1))
                                  + " upstream tasks, the job has " + std::to_string(upstreams));
    ExchangeMerge merge(upstreams, maxBuffered);
    std::size_t at = 5;
    for (Upstream &u : merge.m_upstreams) {
        u.closedBelow = getFixed<std::int64_t>(bytes, at);
        u.lastReleased = getFixed<std::int64_t>(bytes, at + 8);
        // Records re-read after a restart that were released before it are duplicates.
        u.lastAccepted = u.lastReleased;
        at += 16;
    }
    merge.m_flushedBelow = getFixed<std::int64_t>(bytes, at);
    merge.m_ordinal = getFixed<std::int64_t>(bytes, at + 8);
    if (merge.m_ordinal < 0)
        return Status::corruption("exchange merge state: negative release counter");
    return merge;
}

} // namespace kappa::runtime
