// EventJournal: the recent events of kappad's SSE stream (metrics snapshots
// and lifecycle events), numbered 1, 2, 3, ... so that a client that
// reconnects with Last-Event-ID gets what it missed, as far as the journal
// still holds it (the oldest events are dropped beyond the capacity).
//
// Threading: thread-safe; readers wait on a condition variable.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace kappa::service {

struct StreamEvent
{
    std::uint64_t id = 0;
    std::string type; // the SSE `event:` field, e.g. "metrics", "lifecycle"
    std::string data; // one line of JSON
};

class EventJournal
{
public:
    explicit EventJournal(std::size_t capacity = 600);

    // Appends an event and wakes the readers; returns its id.
    std::uint64_t publish(std::string type, std::string data);

    // The held events with an id above `after`, oldest first. If there are
    // none, waits up to `wait` for one (not at all once closed).
    std::vector<StreamEvent> readAfter(std::uint64_t after, std::chrono::milliseconds wait) const;

    std::uint64_t lastId() const;
    // Wakes every reader; later reads do not wait (the service is stopping).
    void close();
    bool closed() const;

private:
    const std::size_t m_capacity;
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_published;
    std::deque<StreamEvent> m_events;
    std::uint64_t m_lastId = 0;
    bool m_closed = false;
};

} // namespace kappa::service
