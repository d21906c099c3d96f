#include "service/event_journal.h"

namespace kappa::service {

EventJournal::EventJournal(std::size_t capacity)
    : m_capacity(capacity == 0 ? 1 : capacity)
{}

std::uint64_t EventJournal::publish(std::string type, std::string data)
{
    std::uint64_t id = 0;
    {
        std::lock_guard lock(m_mutex);
        id = ++m_lastId;
        m_events.push_back({id, std::move(type), std::move(data)});
        if (m_events.size() > m_capacity)
            m_events.pop_front();
    }
    m_published.notify_all();
    return id;
}

std::vector<StreamEvent> EventJournal::readAfter(std::uint64_t after, std::chrono::milliseconds wait) const
{
    std::unique_lock lock(m_mutex);
    m_published.wait_for(lock, wait, [&] { return m_closed || m_lastId > after; });
    std::vector<StreamEvent> out;
    for (const StreamEvent &event : m_events)
        if (event.id > after)
            out.push_back(event);
    return out;
}

std::uint64_t EventJournal::lastId() const
{
    std::lock_guard lock(m_mutex);
    return m_lastId;
}

void EventJournal::close()
{
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
    }
    m_published.notify_all();
}

bool EventJournal::closed() const
{
    std::lock_guard lock(m_mutex);
    return m_closed;
}

} // namespace kappa::service
