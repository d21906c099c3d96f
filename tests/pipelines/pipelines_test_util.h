// Shared helpers for the pipelines suites: a tiny event language so that the
// data tables read as "events in, rows out".
//
//   "view t=5m item=7 cat=3; purchase t=1h+30s amount=1250 card=9"
//
// One event per ';'-separated clause: its type name, then key=value fields.
// Times (t) are sums of terms with units d, h, m, s or ms (plain numbers are
// ms). Defaults: id = clause index + 1, user 1, session 1, cat 1, country US;
// checkouts and purchases get card 100, merchant 200, amount 1000.
#pragma once

#include "kappa/event.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace pipelinestest {

inline std::int64_t parseDuration(const QString &text)
{
    std::int64_t total = 0;
    for (QString term : text.split(QLatin1Char('+'))) {
        term = term.trimmed();
        std::int64_t unit = 1;
        if (term.endsWith(QLatin1String("ms"))) {
            term.chop(2);
        } else if (term.endsWith(QLatin1Char('d'))) {
            unit = 86400000;
            term.chop(1);
        } else if (term.endsWith(QLatin1Char('h'))) {
            unit = 3600000;
            term.chop(1);
        } else if (term.endsWith(QLatin1Char('m'))) {
            unit = 60000;
            term.chop(1);
        } else if (term.endsWith(QLatin1Char('s'))) {
            unit = 1000;
            term.chop(1);
        }
        bool ok = false;
        const qlonglong n = term.toLongLong(&ok);
        if (!ok)
            throw std::invalid_argument("bad time term: " + term.toStdString());
        total += n * unit;
    }
    return total;
}

inline kappa::Event parseEvent(const QString &clause, std::int64_t index)
{
    const QStringList parts = clause.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    kappa::Event e;
    const auto type = kappa::parseEventType(parts.value(0).toStdString());
    if (!type)
        throw std::invalid_argument("bad event type in: " + clause.toStdString());
    e.type = *type;
    e.eventId = index + 1;
    e.userId = 1;
    e.sessionId = 1;
    e.categoryId = 1;
    e.country = "US";
    if (e.type == kappa::EventType::Checkout || e.type == kappa::EventType::Purchase) {
        e.cardId = 100;
        e.merchantId = 200;
        e.amountCents = 1000;
        e.currency = "USD";
    }
    for (int i = 1; i < parts.size(); ++i) {
        const QString key = parts[i].section(QLatin1Char('='), 0, 0);
        const QString value = parts[i].section(QLatin1Char('='), 1);
        const std::int64_t n = key == QLatin1String("t") ? parseDuration(value) : value.toLongLong();
        if (key == QLatin1String("t"))
            e.ts = kappa::EventTime(n);
        else if (key == QLatin1String("id"))
            e.eventId = n;
        else if (key == QLatin1String("user"))
            e.userId = n;
        else if (key == QLatin1String("session"))
            e.sessionId = n;
        else if (key == QLatin1String("item"))
            e.itemId = n;
        else if (key == QLatin1String("cat"))
            e.categoryId = static_cast<std::int32_t>(n);
        else if (key == QLatin1String("merchant"))
            e.merchantId = n;
        else if (key == QLatin1String("card"))
            e.cardId = n;
        else if (key == QLatin1String("amount"))
            e.amountCents = n;
        else if (key == QLatin1String("country"))
            e.country = value.toStdString();
        else if (key == QLatin1String("nocard"))
            e.cardId.reset();
        else
            throw std::invalid_argument("bad field: " + key.toStdString());
    }
    return e;
}

inline std::vector<kappa::Event> parseEvents(const QString &dsl)
{
    std::vector<kappa::Event> events;
    for (const QString &clause : dsl.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        if (!clause.trimmed().isEmpty())
            events.push_back(parseEvent(clause.trimmed(), static_cast<std::int64_t>(events.size())));
    }
    return events;
}

// A deterministic pseudo-random number (SplitMix64), for property tests.
inline std::uint64_t mix(std::uint64_t &state)
{
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// `count` events of `users` users over `spanMs`, all types, a few categories,
// cards, merchants and countries; in event-time order with bounded disorder.
inline std::vector<kappa::Event> randomEvents(std::uint64_t seed, int count, int users, std::int64_t spanMs)
{
    std::vector<kappa::Event> events;
    std::uint64_t s = seed;
    static const char *const kCountries[] = {"US", "DE", "FR", "BR"};
    for (int i = 0; i < count; ++i) {
        kappa::Event e;
        e.eventId = i + 1;
        const std::int64_t base = spanMs * i / count;
        e.ts = kappa::EventTime(base - static_cast<std::int64_t>(mix(s) % 90000));
        e.type = static_cast<kappa::EventType>(mix(s) % kappa::kEventTypeCount);
        e.userId = 1 + static_cast<std::int64_t>(mix(s) % static_cast<std::uint64_t>(users));
        e.sessionId = e.userId * 1000 + static_cast<std::int64_t>(mix(s) % 3);
        e.itemId = 1 + static_cast<std::int64_t>(mix(s) % 20);
        e.categoryId = 1 + static_cast<std::int32_t>(mix(s) % 4);
        e.country = kCountries[mix(s) % 4];
        if (e.type == kappa::EventType::Checkout || e.type == kappa::EventType::Purchase
            || e.type == kappa::EventType::CartAdd) {
            e.amountCents = 100 + static_cast<std::int64_t>(mix(s) % 10000);
            e.currency = "USD";
        }
        if (e.type == kappa::EventType::Checkout || e.type == kappa::EventType::Purchase) {
            e.cardId = 1 + static_cast<std::int64_t>(mix(s) % 3);
            e.merchantId = 1 + static_cast<std::int64_t>(mix(s) % 3);
        }
        events.push_back(e);
    }
    return events;
}

} // namespace pipelinestest
