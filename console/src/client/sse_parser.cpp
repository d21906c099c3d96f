#include "client/sse_parser.h"

#include <utility>

namespace kappa::console {

namespace {
constexpr char kBom[] = "\xEF\xBB\xBF";
} // namespace

QList<SseEvent> SseParser::feed(QByteArrayView chunk)
{
    if (m_bomChecked)
        return parse(chunk);
    // The BOM may itself arrive split: hold the first bytes until it is clear.
    m_head.append(chunk.data(), chunk.size());
    if (m_head.size() < 3 && QByteArrayView(kBom).startsWith(m_head))
        return {};
    m_bomChecked = true;
    QByteArray head = std::exchange(m_head, QByteArray());
    if (head.startsWith(kBom))
        head.remove(0, 3);
    return parse(head);
}

QList<SseEvent> SseParser::parse(QByteArrayView chunk)
{
    QList<SseEvent> out;
    qsizetype i = 0;
    if (m_skipLf && !chunk.isEmpty()) {
        m_skipLf = false;
        if (chunk[0] == '\n')
            i = 1;
    }
    while (i < chunk.size()) {
        // Find the end of the current line in this chunk.
        qsizetype end = i;
        while (end < chunk.size() && chunk[end] != '\n' && chunk[end] != '\r')
            ++end;
        if (end == chunk.size()) {
            m_line.append(chunk.sliced(i).data(), chunk.size() - i);
            break;
        }
        QByteArrayView line = chunk.sliced(i, end - i);
        if (!m_line.isEmpty()) {
            m_line.append(line.data(), line.size());
            processLine(m_line, out);
            m_line.clear();
        } else {
            processLine(line, out);
        }
        i = end + 1;
        if (chunk[end] == '\r') {
            if (i < chunk.size()) {
                if (chunk[i] == '\n')
                    ++i;
            } else {
                m_skipLf = true;
            }
        }
    }
    return out;
}

void SseParser::restart()
{
    m_line.clear();
    m_skipLf = false;
    m_bomChecked = false;
    m_head.clear();
    m_data.clear();
    m_hasData = false;
    m_type.clear();
    m_idBuffer = m_lastId;
}

void SseParser::processLine(QByteArrayView line, QList<SseEvent> &out)
{
    if (line.isEmpty()) {
        dispatch(out);
        return;
    }
    if (line[0] == ':') {
        ++m_comments;
        return;
    }
    const qsizetype colon = line.indexOf(':');
    QByteArrayView field = colon < 0 ? line : line.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
    if (value.startsWith(' '))
        value = value.sliced(1);
    if (field == "data") {
        if (m_hasData)
            m_data.append('\n');
        m_data.append(value.data(), value.size());
        m_hasData = true;
    } else if (field == "event") {
        m_type = value.toByteArray();
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_idBuffer = value.toByteArray();
    } else if (field == "retry") {
        bool digits = !value.isEmpty();
        for (char c : value)
            digits = digits && c >= '0' && c <= '9';
        bool ok = false;
        const int ms = value.toByteArray().toInt(&ok);
        if (digits && ok)
            m_retryMs = ms;
    }
}

void SseParser::dispatch(QList<SseEvent> &out)
{
    m_lastId = m_idBuffer;
    if (m_hasData) {
        SseEvent event;
        if (!m_type.isEmpty())
            event.type = QString::fromUtf8(m_type);
        event.data = m_data;
        event.lastId = m_lastId;
        out.append(std::move(event));
    }
    m_data.clear();
    m_hasData = false;
    m_type.clear();
}

} // namespace kappa::console
