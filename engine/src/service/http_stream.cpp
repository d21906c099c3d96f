// GET /api/v1/stream: Server-Sent Events. Each event of the service's journal
// (a metrics snapshot per stream interval, lifecycle events) goes out as
//   id: <n>\nevent: <type>\ndata: <json>\n\n
// A client that reconnects with Last-Event-ID gets the events after it that
// the journal still holds; a new client starts with the latest event. A
// comment line every few seconds keeps idle proxies from closing the stream.
#include "service/http_routes.h"

#include <httplib.h>

#include <charconv>

namespace kappa::service {

namespace {

constexpr std::chrono::milliseconds kKeepAlive{5000};

std::string formatEvent(const StreamEvent &event)
{
    return "id: " + std::to_string(event.id) + "\nevent: " + event.type + "\ndata: " + event.data + "\n\n";
}

// Where a client's stream starts: after its Last-Event-ID, or just before the newest event.
std::uint64_t startCursor(const httplib::Request &request, const EventJournal &journal)
{
    const std::string lastEventId = request.get_header_value("Last-Event-ID");
    const std::uint64_t last = journal.lastId();
    std::uint64_t id = 0;
    if (!lastEventId.empty()) {
        const auto [end, error] = std::from_chars(lastEventId.data(), lastEventId.data() + lastEventId.size(),
                                                  id);
        // An id beyond the journal comes from before a restart (ids start again at 1): start afresh.
        if (error == std::errc() && end == lastEventId.data() + lastEventId.size() && id <= last)
            return id;
    }
    return last > 0 ? last - 1 : 0;
}

} // namespace

void HttpRoutes::addStreamRoute()
{
    add("GET", "/api/v1/stream", Role::Viewer,
        [this](const httplib::Request &req, httplib::Response &res, const auto &) {
            // Each stream holds one of the server's threads: keep half of them for everything else.
            const int limit = std::max(1, m_service.config().httpThreads / 2);
            if (m_openStreams.fetch_add(1) >= limit) {
                m_openStreams.fetch_sub(1);
                return sendError(res, {"ResourceExhausted", "too many open streams (at most "
                                                                + std::to_string(limit)
                                                                + "); close one or raise http_threads"});
            }
            auto cursor = std::make_shared<std::uint64_t>(startCursor(req, m_service.journal()));
            res.set_header("Cache-Control", "no-cache");
            res.set_header("X-Accel-Buffering", "no");
            res.set_chunked_content_provider(
                "text/event-stream",
                [this, cursor, first = std::make_shared<bool>(true)](std::size_t, httplib::DataSink &sink) {
                    if (*first) {
                        *first = false;
                        const std::string retry = "retry: 1000\n\n";
                        return sink.write(retry.data(), retry.size());
                    }
                    const std::vector<StreamEvent> events = m_service.journal().readAfter(*cursor, kKeepAlive);
                    if (events.empty() && m_service.journal().closed()) {
                        sink.done(); // kappad is stopping: the client reconnects to its successor
                        return false;
                    }
                    std::string out;
                    for (const StreamEvent &event : events) {
                        out += formatEvent(event);
                        *cursor = event.id;
                    }
                    if (out.empty())
                        out = ": keep-alive\n\n";
                    return sink.write(out.data(), out.size());
                },
                [this](bool) { m_openStreams.fetch_sub(1); });
        });
}

} // namespace kappa::service
