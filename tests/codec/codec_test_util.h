// Helpers shared by the codec suites: the schema files, wire framing and sample events.
#pragma once

// Qt first: moc follows these includes, and it parses <compare> only with Qt's macros defined.
#include <QFile>
#include <QString>

#include "kappa/event.h"
#include "kappa/types.h"

#include <cstdlib>
#include <string>
#include <vector>

inline std::string readSourceFile(const char *relative)
{
    const char *root = std::getenv("KAPPA_SOURCE_DIR");
    QFile file(QString::fromUtf8(root ? root : ".") + QLatin1Char('/') + QLatin1String(relative));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().toStdString();
}

// `body` behind the Confluent wire header for schema `id` (written by hand,
// independently of EventCodec's own framing).
inline std::string frame(kappa::SchemaId id, const std::string &body)
{
    std::string out(1, '\0');
    const auto v = static_cast<std::uint32_t>(id.value());
    for (int shift = 24; shift >= 0; shift -= 8)
        out += static_cast<char>((v >> shift) & 0xff);
    return out + body;
}

inline std::string eventV1Json()
{
    return readSourceFile("resources/schemas/event-v1.avsc");
}
inline std::string eventV2Json()
{
    return readSourceFile("resources/schemas/event-v2.avsc");
}

// Events covering every type, null and non-null optionals, extreme values and
// strings longer than the SSO buffer.
inline std::vector<kappa::Event> sampleEvents()
{
    using kappa::Event;
    using kappa::EventTime;
    using kappa::EventType;
    std::vector<Event> events;
    for (int t = 0; t < kappa::kEventTypeCount; ++t) {
        Event e;
        e.eventId = 1000 + t;
        e.ts = EventTime(1'700'000'000'000 + t);
        e.type = static_cast<EventType>(t);
        e.userId = 42;
        e.sessionId = 7 * t;
        e.categoryId = t + 1;
        e.country = "DE";
        if (t != 1)
            e.itemId = 99'000 + t;
        if (t >= 2) {
            e.amountCents = 1999;
            e.currency = "EUR";
            e.merchantId = 5;
        }
        if (t >= 4)
            e.cardId = 123'456'789;
        events.push_back(e);
    }
    Event extreme;
    extreme.eventId = INT64_MIN;
    extreme.ts = EventTime(INT64_MAX);
    extreme.type = EventType::Purchase;
    extreme.userId = -1;
    extreme.sessionId = INT64_MAX;
    extreme.itemId = INT64_MIN;
    extreme.categoryId = INT32_MIN;
    extreme.merchantId = 0;
    extreme.cardId = -64;
    extreme.amountCents = 64;
    extreme.currency = std::string("a \"quoted\" \\ currency with a newline\n and more than the SSO length");
    extreme.country = std::string();
    events.push_back(extreme);
    return events;
}
