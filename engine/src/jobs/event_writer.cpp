#include "jobs/event_writer.h"

namespace kappa::jobs {

EventWriter::EventWriter(EventLog &log, const EventCodec &codec, std::string topic)
    : m_log(log)
    , m_codec(codec)
    , m_topic(std::move(topic))
{}

Status EventWriter::write(const std::vector<Event> &events)
{
    m_buffer.clear();
    m_spans.clear();
    for (const Event &event : events) {
        const std::size_t key = m_buffer.size();
        m_buffer += eventKey(event);
        const std::size_t value = m_buffer.size();
        m_codec.encode(event, m_buffer);
        m_spans.push_back({key, value, m_buffer.size()});
    }
    // Views into the buffer are taken only now: it no longer moves.
    const std::string_view all(m_buffer);
    m_records.clear();
    for (const Span &s : m_spans)
        m_records.push_back({all.substr(s.key, s.value - s.key), all.substr(s.value, s.end - s.value)});
    m_bytes += m_buffer.size();
    return m_log.append(m_topic, m_records).status();
}

} // namespace kappa::jobs
