// SseParser: the text/event-stream format (the WHATWG HTML standard's
// "Server-sent events" section) as a pure, incremental parser. Feed it the
// bytes of one connection in chunks of any size, split anywhere (inside a
// line, between CR and LF, inside a UTF-8 sequence); it returns each event
// once the blank line that ends it has arrived.
//
// What it follows from the standard: lines end in CRLF, LF or CR; a line
// starting with ':' is a comment (kappad's ": keep-alive"); "field: value"
// drops one space after the colon, a line without a colon is a field with an
// empty value; `data` lines are joined with LF; `event` names the type
// ("message" when absent); `id` sets the last event id (kept across events
// and reconnections, ignored if it contains NUL); `retry` with only digits
// sets the reconnection time; other fields are ignored. A block without data
// dispatches nothing, but its id still counts. A leading UTF-8 BOM is dropped.
//
// Threading: a plain value; use it from one thread.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace kappa::console {

struct SseEvent
{
    QString type = QStringLiteral("message");
    QByteArray data;   // the data lines joined with LF (no trailing LF)
    QByteArray lastId; // the last event id when this event was dispatched (may be empty)
};

class SseParser
{
public:
    // Parses `chunk` and returns the events it completed, oldest first.
    QList<SseEvent> feed(QByteArrayView chunk);

    // A new connection: drops a partly received line and event. The last
    // event id and the retry time stay (they are what a reconnection uses).
    void restart();

    QByteArray lastEventId() const { return m_lastId; }
    // The reconnection time the server asked for, in milliseconds.
    std::optional<int> retryMs() const { return m_retryMs; }
    // Comment lines seen so far (keep-alives), for diagnostics and tests.
    qint64 comments() const { return m_comments; }

private:
    QList<SseEvent> parse(QByteArrayView chunk);
    void processLine(QByteArrayView line, QList<SseEvent> &out);
    void dispatch(QList<SseEvent> &out);

    QByteArray m_line;         // the current, incomplete line
    bool m_skipLf = false;     // the last chunk ended in CR: a leading LF belongs to it
    bool m_bomChecked = false; // the start of the stream has been looked at
    QByteArray m_head;         // the first bytes, until it is clear whether they are a BOM
    QByteArray m_data;         // the event being assembled
    bool m_hasData = false;
    QByteArray m_type;
    QByteArray m_idBuffer; // the `id` field's value, becomes m_lastId on dispatch
    QByteArray m_lastId;
    std::optional<int> m_retryMs;
    qint64 m_comments = 0;
};

} // namespace kappa::console
