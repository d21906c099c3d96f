// EventWriter: encodes events and appends them to the events topic, keyed by
// user id, as one durable log call per batch (the producer side of kappactl
// gen, the demo's live producer and the benchmarks).
//
// Threading: one writer per thread; the log and codec must outlive it.
#pragma once

#include "kappa/event.h"
#include "kappa/event_codec.h"
#include "kappa/event_log.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kappa::jobs {

class EventWriter
{
public:
    EventWriter(EventLog &log, const EventCodec &codec, std::string topic);

    // Appends `events` in order; the log assigns partitions by key.
    Status write(const std::vector<Event> &events);

    // Encoded key and value bytes written so far.
    std::uint64_t bytes() const { return m_bytes; }

private:
    struct Span
    {
        std::size_t key, value, end;
    };
    EventLog &m_log;
    const EventCodec &m_codec;
    const std::string m_topic;
    std::string m_buffer;
    std::vector<Span> m_spans;
    std::vector<Record> m_records;
    std::uint64_t m_bytes = 0;
};

} // namespace kappa::jobs
