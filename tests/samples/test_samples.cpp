// SampleGenerator: determinism, field invariants, disorder bound, traffic
// shape (Zipf skew, funnel, daily curve, flash sales), injected fraud, live mode.
#include "kappa/sample_generator.h"
#include "test_support.h"

#include <QElapsedTimer>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

using namespace kappa;

namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

// Small enough to run in a second, large enough for stable statistics.
SampleConfig smallConfig()
{
    SampleConfig c;
    c.seed = 7;
    c.users = 20'000;
    c.items = 20'000;
    c.categories = 50;
    c.merchants = 2'000;
    c.totalEvents = 400'000;
    c.spanMs = 2 * kDayMs;
    c.firstEventId = 1'000;
    c.firstSessionId = 500;
    c.fraud = {50.0, 50.0, 50.0};
    return c;
}

std::vector<Event> drain(SampleGenerator &generator, std::size_t batch = 10'000)
{
    std::vector<Event> events;
    while (generator.nextHistory(batch, events) > 0) {
    }
    return events;
}

// FNV-1a over every field, so a golden value pins the exact output.
std::uint64_t fingerprint(const std::vector<Event> &events)
{
    std::uint64_t h = 0xcbf29ce484222325ULL;
    const auto mix = [&h](std::int64_t v) {
        for (int i = 0; i < 8; ++i) {
            h ^= static_cast<std::uint64_t>(v >> (8 * i)) & 0xff;
            h *= 0x100000001b3ULL;
        }
    };
    for (const Event &e : events) {
        mix(e.eventId);
        mix(e.ts.value());
        mix(static_cast<std::int64_t>(e.type));
        mix(e.userId);
        mix(e.sessionId);
        mix(e.itemId.value_or(-1));
        mix(e.categoryId);
        mix(e.merchantId.value_or(-1));
        mix(e.cardId.value_or(-1));
        mix(e.amountCents.value_or(-1));
        for (char c : e.currency.value_or("-") + e.country)
            mix(c);
    }
    return h;
}

// max over events of (largest ts before it) - ts: how late the latest event is.
std::int64_t worstLateness(const std::vector<Event> &events, std::int64_t bound, std::int64_t *beyondBound)
{
    std::int64_t maxTs = std::numeric_limits<std::int64_t>::min();
    std::int64_t worst = 0;
    *beyondBound = 0;
    for (const Event &e : events) {
        maxTs = std::max(maxTs, e.ts.value());
        worst = std::max(worst, maxTs - e.ts.value());
        if (maxTs - e.ts.value() > bound)
            ++*beyondBound;
    }
    return worst;
}

std::string countryCurrency(std::string_view country)
{
    for (const SampleCountry &c : sampleCountries()) {
        if (c.code == country)
            return std::string(c.currency);
    }
    return {};
}

// The field conventions of the header, for one event; empty when it holds.
std::string checkFields(const Event &e, const SampleConfig &c)
{
    const bool hasItem = e.type != EventType::Search;
    const bool hasCard = e.type == EventType::Checkout || e.type == EventType::Purchase;
    const bool hasAmount = hasCard || e.type == EventType::CartAdd;
    if (e.itemId.has_value() != hasItem || e.merchantId.has_value() != hasItem)
        return "item/merchant presence";
    if (e.cardId.has_value() != hasCard)
        return "card presence";
    if (e.amountCents.has_value() != hasAmount || e.currency.has_value() != hasAmount)
        return "amount/currency presence";
    if (e.categoryId < 1 || e.categoryId > c.categories)
        return "category out of range";
    if (e.userId < 1 || e.userId > c.users)
        return "user out of range";
    if (e.sessionId < c.firstSessionId)
        return "session id below firstSessionId";
    if (hasItem && (*e.itemId < 1 || *e.itemId > c.items || *e.merchantId < 1 || *e.merchantId > c.merchants))
        return "item or merchant out of range";
    const std::int64_t kCards = SampleGenerator::kMaxCardsPerUser;
    if (hasCard && (*e.cardId < kCards || *e.cardId >= kCards * (c.users + 1)))
        return "card out of range";
    if (hasAmount && *e.amountCents <= 0)
        return "amount not positive";
    const std::string currency = countryCurrency(e.country);
    if (currency.empty())
        return "country not in the list";
    if (hasAmount && *e.currency != currency)
        return "currency does not match country";
    return {};
}

struct Purchase
{
    std::int64_t ts;
    std::int64_t merchant;
    std::string country;
};

// The largest number of distinct values of `key` among purchases within any window of `windowMs`.
template<typename Key>
std::size_t maxDistinctInWindow(const std::vector<Purchase> &purchases, std::int64_t windowMs, Key key)
{
    std::size_t best = 0;
    for (std::size_t i = 0; i < purchases.size(); ++i) {
        std::set<decltype(key(purchases[i]))> distinct;
        for (std::size_t j = i; j < purchases.size() && purchases[j].ts - purchases[i].ts < windowMs; ++j)
            distinct.insert(key(purchases[j]));
        best = std::max(best, distinct.size());
    }
    return best;
}

std::size_t maxCountInWindow(const std::vector<Purchase> &purchases, std::int64_t windowMs)
{
    std::size_t best = 0;
    std::size_t begin = 0;
    for (std::size_t end = 0; end < purchases.size(); ++end) {
        while (purchases[end].ts - purchases[begin].ts >= windowMs)
            ++begin;
        best = std::max(best, end - begin + 1);
    }
    return best;
}

std::map<std::int64_t, std::vector<Purchase>> purchasesByCard(const std::vector<Event> &events,
                                                              const std::set<std::int64_t> &sessions,
                                                              bool inSessions)
{
    std::map<std::int64_t, std::vector<Purchase>> byCard;
    for (const Event &e : events) {
        if (e.type == EventType::Purchase && sessions.contains(e.sessionId) == inSessions)
            byCard[*e.cardId].push_back({e.ts.value(), *e.merchantId, e.country});
    }
    for (auto &[card, list] : byCard)
        std::stable_sort(list.begin(), list.end(),
                         [](const Purchase &a, const Purchase &b) { return a.ts < b.ts; });
    return byCard;
}

} // namespace

class TestSamples : public QObject
{
    Q_OBJECT

private:
    static void checkFraudCase(const FraudCase &c, const std::vector<Purchase> &p)
    {
        const std::int64_t span = p.back().ts - p.front().ts;
        const auto merchants = maxDistinctInWindow(p, span + 1, [](const Purchase &x) { return x.merchant; });
        const auto countries = maxDistinctInWindow(p, kDayMs, [](const Purchase &x) { return x.country; });
        QCOMPARE(merchants, c.merchantIds.size());
        switch (c.pattern) {
        case FraudPattern::CardTesting:
            QVERIFY(p.size() >= 12);
            QCOMPARE(merchants, std::size_t(1));
            for (std::size_t i = 1; i < p.size(); ++i)
                QVERIFY2(p[i].ts - p[i - 1].ts <= 15'000, "card testing attempts are seconds apart");
            break;
        case FraudPattern::MerchantVelocity:
            QVERIFY(p.size() >= 6);
            QCOMPARE(merchants, p.size());
            QVERIFY2(span <= 10 * 60'000, "velocity purchases are minutes apart");
            break;
        case FraudPattern::CountryHopping:
            QVERIFY(p.size() >= 4);
            QCOMPARE(countries, p.size());
            QVERIFY2(span <= 8 * kHourMs, "country hopping happens within hours");
            break;
        }
    }

    SampleConfig m_config = smallConfig();
    std::vector<Event> m_events;
    std::vector<FraudCase> m_cases;
    std::set<std::int64_t> m_fraudSessions;

private slots:
    void initTestCase()
    {
        KAPPA_ASSIGN_OR_FAIL(auto generator, SampleGenerator::create(m_config));
        m_events = drain(generator);
        m_cases = generator.fraudCases();
        for (const FraudCase &c : m_cases)
            m_fraudSessions.insert(c.sessionId);
        QCOMPARE(static_cast<std::int64_t>(m_events.size()), m_config.totalEvents);
        QCOMPARE(generator.generatedEvents(), m_config.totalEvents);
        QCOMPARE(generator.remainingHistory(), std::int64_t(0));
    }

    void createRejectsBadConfig_data()
    {
        QTest::addColumn<QString>("field");
        for (const char *field :
             {"users", "categories", "items", "merchants", "userZipfExponent", "itemZipfExponent", "spanMs",
              "maxDisorderMs", "lateFraction", "lateByMs", "flashSales.multiplier", "flashSales.durationMs",
              "fraud.cardTestingPerMillion", "maxActiveSessions"})
            QTest::newRow(field) << QString::fromLatin1(field);
    }

    void createRejectsBadConfig()
    {
        QFETCH(QString, field);
        SampleConfig c = smallConfig();
        c.flashSales.push_back({c.start, kHourMs, 5.0});
        const std::string name = field.toStdString();
        if (name == "users")
            c.users = 0;
        else if (name == "categories")
            c.categories = 0;
        else if (name == "items")
            c.items = c.categories - 1;
        else if (name == "merchants")
            c.merchants = -1;
        else if (name == "userZipfExponent")
            c.userZipfExponent = 0.0;
        else if (name == "itemZipfExponent")
            c.itemZipfExponent = std::numeric_limits<double>::quiet_NaN();
        else if (name == "spanMs")
            c.spanMs = 0;
        else if (name == "maxDisorderMs")
            c.maxDisorderMs = -1;
        else if (name == "lateFraction")
            c.lateFraction = 1.5;
        else if (name == "lateByMs")
            c.lateByMs = 0;
        else if (name == "flashSales.multiplier")
            c.flashSales.back().multiplier = 0.5;
        else if (name == "flashSales.durationMs")
            c.flashSales.back().durationMs = 0;
        else if (name == "fraud.cardTestingPerMillion")
            c.fraud.cardTestingPerMillion = -1;
        else if (name == "maxActiveSessions")
            c.maxActiveSessions = 0;
        auto result = SampleGenerator::create(c);
        QVERIFY(!result.isOk());
        QCOMPARE(result.status().code(), StatusCode::InvalidArgument);
        QVERIFY2(result.status().message().find(name) != std::string::npos, result.status().message().c_str());
    }

    void sameSeedGivesSameEventsWhateverTheBatching()
    {
        KAPPA_ASSIGN_OR_FAIL(auto generator, SampleGenerator::create(m_config));
        std::vector<Event> events;
        for (std::size_t batch : {1u, 7u, 1'000u, 33'333u})
            QCOMPARE(generator.nextHistory(batch, events), batch);
        while (generator.nextHistory(65'536, events) > 0) {
        }
        QCOMPARE(events.size(), m_events.size());
        QVERIFY(events == m_events);
        QCOMPARE(generator.fraudCases().size(), m_cases.size());
        for (std::size_t i = 0; i < m_cases.size(); ++i) {
            QCOMPARE(generator.fraudCases()[i].cardId, m_cases[i].cardId);
            QVERIFY(generator.fraudCases()[i].merchantIds == m_cases[i].merchantIds);
        }
    }

    void differentSeedGivesDifferentEvents()
    {
        SampleConfig c = m_config;
        c.seed = m_config.seed + 1;
        KAPPA_ASSIGN_OR_FAIL(auto generator, SampleGenerator::create(c));
        std::vector<Event> events;
        generator.nextHistory(20'000, events);
        std::size_t same = 0;
        for (std::size_t i = 0; i < events.size(); ++i) {
            same += events[i].userId == m_events[i].userId && events[i].itemId == m_events[i].itemId;
        }
        QVERIFY2(same < events.size() / 20, qPrintable(QString::number(same)));
    }

    void outputIsPinned()
    {
        // Guards byte-identical output across platforms and releases. Update the
        // value (and say so in the commit) only when the model changes on purpose.
        SampleConfig c;
        c.totalEvents = 20'000;
        KAPPA_ASSIGN_OR_FAIL(auto generator, SampleGenerator::create(c));
        const std::vector<Event> events = drain(generator);
        QCOMPARE(fingerprint(events), 11054490484791861950ULL);
    }

    void fieldsFollowTheConventions()
    {
        std::unordered_map<std::int64_t, std::pair<std::int32_t, std::int64_t>> itemAttributes;
        for (const Event &e : m_events) {
            const std::string problem = checkFields(e, m_config);
            QVERIFY2(problem.empty(), qPrintable(QStringLiteral("event %1 (%2): %3")
                                                     .arg(e.eventId)
                                                     .arg(QLatin1String(eventTypeName(e.type).data()))
                                                     .arg(QString::fromStdString(problem))));
            if (e.itemId) {
                const auto [it, inserted] = itemAttributes.try_emplace(*e.itemId, e.categoryId, *e.merchantId);
                QVERIFY2(inserted || it->second == std::make_pair(e.categoryId, *e.merchantId),
                         "an item changed category or merchant");
            }
        }
    }

    void sessionsAreCoherent()
    {
        struct SessionState
        {
            std::int64_t user = 0;
            std::string country;
            std::int64_t lastTs = 0;
            const Event *lastCheckout = nullptr;
        };
        std::unordered_map<std::int64_t, SessionState> sessions;
        for (const Event &e : m_events) {
            auto [it, inserted] = sessions.try_emplace(e.sessionId);
            SessionState &s = it->second;
            if (inserted) {
                s.user = e.userId;
                s.country = e.country;
                s.lastTs = e.ts.value();
            }
            QCOMPARE(e.userId, s.user);
            QVERIFY2(e.ts.value() >= s.lastTs, "time went backwards within a session");
            s.lastTs = e.ts.value();
            if (m_fraudSessions.contains(e.sessionId))
                continue;
            QCOMPARE(e.country, s.country);
            if (e.type == EventType::Checkout) {
                QCOMPARE(*e.cardId / SampleGenerator::kMaxCardsPerUser,
                         e.userId); // one of the user's own cards
                s.lastCheckout = &e;
            }
            if (e.type == EventType::Purchase) {
                QVERIFY2(s.lastCheckout, "purchase without checkout");
                QCOMPARE(e.cardId, s.lastCheckout->cardId);
                QCOMPARE(e.amountCents, s.lastCheckout->amountCents);
                QCOMPARE(e.itemId, s.lastCheckout->itemId);
                s.lastCheckout = nullptr;
            }
        }
    }

    void eventIdsAreUniqueAndIncreasing()
    {
        for (std::size_t i = 0; i < m_events.size(); ++i)
            QCOMPARE(m_events[i].eventId, m_config.firstEventId + static_cast<std::int64_t>(i));
    }

    void disorderStaysWithinTheBound_data()
    {
        QTest::addColumn<qint64>("maxDisorderMs");
        QTest::newRow("default 30 s") << qint64(30'000);
        QTest::newRow("2 s") << qint64(2'000);
        QTest::newRow("in order") << qint64(0);
    }

    void disorderStaysWithinTheBound()
    {
        QFETCH(qint64, maxDisorderMs);
        std::vector<Event> events;
        if (maxDisorderMs == m_config.maxDisorderMs) {
            events = m_events;
        } else {
            SampleConfig c = m_config;
            c.maxDisorderMs = maxDisorderMs;
            c.totalEvents = 100'000;
            KAPPA_ASSIGN_OR_FAIL(auto generator, SampleGenerator::create(c));
            events = drain(generator);
        }
        std::int64_t beyond = 0;
        const std::int64_t worst = worstLateness(events, maxDisorderMs, &beyond);
        QCOMPARE(beyond, std::int64_t(0));
        // The stream really is out of order, close to the allowed maximum.
        QVERIFY2(worst >= maxDisorderMs * 8 / 10, qPrintable(QString::number(worst)));
    }

    void lateInjectionExceedsTheBound()
    {
        SampleConfig c = m_config;
        c.totalEvents = 200'000;
        c.lateFraction = 0.02;
        c.lateByMs = 60'000;
        KAPPA_ASSIGN_OR_FAIL(auto generator, SampleGenerator::create(c));
        const std::vector<Event> events = drain(generator);
        std::int64_t beyond = 0;
        const std::int64_t worst = worstLateness(events, c.maxDisorderMs, &beyond);
        QVERIFY2(worst > c.maxDisorderMs && worst <= c.maxDisorderMs + c.lateByMs,
                 qPrintable(QString::number(worst)));
        const double lateShare = static_cast<double>(beyond) / static_cast<double>(events.size());
        QVERIFY2(lateShare > 0.005 && lateShare < 0.04, qPrintable(QString::number(lateShare)));
    }

    void usersAndItemsAreSkewed()
    {
        std::unordered_map<std::int64_t, std::int64_t> perUser;
        std::unordered_map<std::int64_t, std::int64_t> perItem;
        std::int64_t views = 0;
        for (const Event &e : m_events) {
            ++perUser[e.userId];
            if (e.type == EventType::View) {
                ++perItem[*e.itemId];
                ++views;
            }
        }
        const auto topShare = [](const std::unordered_map<std::int64_t, std::int64_t> &counts,
                                 std::int64_t population, std::int64_t total) {
            std::vector<std::int64_t> sorted;
            for (const auto &entry : counts)
                sorted.push_back(entry.second);
            std::sort(sorted.begin(), sorted.end(), std::greater<>());
            const auto top = static_cast<std::size_t>(population / 100);
            std::int64_t sum = 0;
            for (std::size_t i = 0; i < std::min(top, sorted.size()); ++i)
                sum += sorted[i];
            return static_cast<double>(sum) / static_cast<double>(total);
        };
        // Uniform traffic would give the top 1% about 1.5% (users) or 3% (items).
        const double userShare = topShare(perUser, m_config.users, static_cast<std::int64_t>(m_events.size()));
        const double itemShare = topShare(perItem, m_config.items, views);
        QVERIFY2(userShare > 0.20, qPrintable(QString::number(userShare)));
        QVERIFY2(itemShare > 0.25, qPrintable(QString::number(itemShare)));
    }

    void funnelHasPlausibleDropOff()
    {
        std::array<std::int64_t, kEventTypeCount> counts{};
        std::unordered_set<std::int64_t> sessions;
        std::unordered_set<std::int64_t> buyers;
        for (const Event &e : m_events) {
            if (m_fraudSessions.contains(e.sessionId))
                continue;
            ++counts[static_cast<std::size_t>(e.type)];
            sessions.insert(e.sessionId);
            if (e.type == EventType::Purchase)
                buyers.insert(e.sessionId);
        }
        const auto count = [&counts](EventType t) { return counts[static_cast<std::size_t>(t)]; };
        QVERIFY(count(EventType::View) > 10 * count(EventType::CartAdd));
        QVERIFY(count(EventType::Search) > 0);
        QVERIFY(count(EventType::CartAdd) > count(EventType::Checkout));
        QVERIFY(count(EventType::CartRemove) > 0);
        QVERIFY(count(EventType::Checkout) >= count(EventType::Purchase));
        QVERIFY(count(EventType::Purchase) > 0);
        const double conversion = static_cast<double>(buyers.size()) / static_cast<double>(sessions.size());
        QVERIFY2(conversion > 0.015 && conversion < 0.06, qPrintable(QString::number(conversion)));
    }

    void fraudCardsShowTheirPatterns_data()
    {
        QTest::addColumn<qint64>("days");
        QTest::newRow("dense: 400K events in 2 days") << qint64(0);
        QTest::newRow("sparse: 200K events in 7 days") << qint64(7);
    }

    void fraudCardsShowTheirPatterns()
    {
        QFETCH(qint64, days);
        std::vector<Event> events;
        std::vector<FraudCase> cases;
        if (days == 0) {
            events = m_events;
            cases = m_cases;
        } else {
            SampleConfig c = m_config;
            c.totalEvents = 200'000;
            c.spanMs = days * kDayMs;
            KAPPA_ASSIGN_OR_FAIL(auto generator, SampleGenerator::create(c));
            events = drain(generator);
            cases = generator.fraudCases();
        }
        std::map<std::int64_t, const FraudCase *> caseBySession;
        for (const FraudCase &c : cases)
            caseBySession[c.sessionId] = &c;
        std::map<std::int64_t, std::vector<Purchase>> bySession;
        for (const Event &e : events) {
            const auto it = caseBySession.find(e.sessionId);
            if (e.type != EventType::Purchase || it == caseBySession.end())
                continue;
            QCOMPARE(*e.cardId, it->second->cardId);
            if (it->second->pattern == FraudPattern::CardTesting)
                QVERIFY2(*e.amountCents < 500, "card testing uses small amounts");
            bySession[e.sessionId].push_back({e.ts.value(), *e.merchantId, e.country});
        }
        std::map<FraudPattern, int> complete;
        for (const FraudCase &c : cases) {
            const std::vector<Purchase> &p = bySession[c.sessionId];
            QCOMPARE(static_cast<std::int32_t>(p.size()), c.purchases);
            if (!c.complete)
                continue;
            ++complete[c.pattern];
            checkFraudCase(c, p);
            if (QTest::currentTestFailed())
                return;
        }
        for (FraudPattern pattern :
             {FraudPattern::CardTesting, FraudPattern::MerchantVelocity, FraudPattern::CountryHopping})
            QVERIFY2(complete[pattern] >= 3, fraudPatternName(pattern).data());
    }

    void legitimateCardsDoNotLookLikeFraud()
    {
        // Otherwise the ground truth would be meaningless to the fraud pipeline's tests.
        const auto byCard = purchasesByCard(m_events, m_fraudSessions, false);
        QVERIFY(byCard.size() > 1'000);
        for (const auto &[card, p] : byCard) {
            QVERIFY2(maxCountInWindow(p, 2 * 60'000) < 10, qPrintable(QString::number(card)));
            QVERIFY2(maxDistinctInWindow(p, 10 * 60'000, [](const Purchase &x) { return x.merchant; }) < 6,
                     qPrintable(QString::number(card)));
            QVERIFY2(maxDistinctInWindow(p, kDayMs, [](const Purchase &x) { return x.country; }) < 4,
                     qPrintable(QString::number(card)));
        }
    }

    void historyFollowsTheDailyCurveAndFlashSales()
    {
        SampleConfig c = m_config;
        c.totalEvents = 300'000;
        c.spanMs = kDayMs;
        c.start = EventTime(1'704'067'200'000); // midnight UTC
        c.flashSales = {{c.start + 10 * kHourMs, 2 * kHourMs, 5.0}};
        KAPPA_ASSIGN_OR_FAIL(auto generator, SampleGenerator::create(c));
        const std::vector<Event> events = drain(generator, 4'096);
        QCOMPARE(events.size(), std::size_t(300'000));
        std::vector<Event> more;
        QCOMPARE(generator.nextHistory(10, more), std::size_t(0));

        const auto inHours = [&c](const Event &e, std::int64_t from, std::int64_t to) {
            return e.ts >= c.start + from * kHourMs && e.ts < c.start + to * kHourMs;
        };
        std::int64_t flash = 0, afternoon = 0, night = 0, evening = 0;
        std::int64_t flashViews = 0, flashPurchases = 0, otherViews = 0, otherPurchases = 0;
        for (const Event &e : events) {
            QVERIFY(e.ts >= c.start && e.ts < c.start + c.spanMs);
            flash += inHours(e, 10, 12);
            afternoon += inHours(e, 14, 16);
            night += inHours(e, 2, 4);
            evening += inHours(e, 19, 21);
            const bool inFlash = inHours(e, 10, 12);
            (inFlash ? flashViews : otherViews) += e.type == EventType::View;
            (inFlash ? flashPurchases : otherPurchases) += e.type == EventType::Purchase;
        }
        // Expected ratios: about 5.1 (flash sale) and 8 (evening versus night).
        QVERIFY2(flash > 3 * afternoon, qPrintable(QStringLiteral("%1 vs %2").arg(flash).arg(afternoon)));
        QVERIFY2(evening > 3 * night, qPrintable(QStringLiteral("%1 vs %2").arg(evening).arg(night)));
        // Flash-sale shoppers convert more.
        const double flashRate = static_cast<double>(flashPurchases) / static_cast<double>(flashViews);
        const double otherRate = static_cast<double>(otherPurchases) / static_cast<double>(otherViews);
        QVERIFY2(flashRate > 1.3 * otherRate,
                 qPrintable(QStringLiteral("%1 vs %2").arg(flashRate).arg(otherRate)));
    }

    void liveEventsAreNearNow()
    {
        SampleConfig c = m_config;
        KAPPA_ASSIGN_OR_FAIL(auto generator, SampleGenerator::create(c));
        QCOMPARE(generator.rateMultiplier(), 1.0);
        EventTime now(1'720'000'000'000);
        std::vector<Event> events;
        const auto runLive = [&](int calls, std::size_t perCall,
                                 std::int64_t stepMs) -> std::pair<double, bool> {
            std::int64_t views = 0, purchases = 0;
            bool inRange = true;
            for (int call = 0; call < calls; ++call) {
                const EventTime previous = now;
                now += stepMs;
                events.clear();
                generator.nextLive(now, perCall, events);
                inRange = inRange && events.size() == perCall;
                for (const Event &e : events) {
                    inRange = inRange && e.ts <= now
                              && e.ts >= previous - SampleGenerator::kLiveMaxLagMs - c.maxDisorderMs;
                    views += e.type == EventType::View;
                    purchases += e.type == EventType::Purchase;
                }
            }
            return {static_cast<double>(purchases) / static_cast<double>(views), inRange};
        };
        // 200K events/s of simulated time, then a x5 flash sale.
        const auto [normalRate, normalInRange] = runLive(200, 2'000, 10);
        QVERIFY(normalInRange);
        generator.setFlashSale(5.0);
        QCOMPARE(generator.rateMultiplier(), 5.0);
        const auto [flashRate, flashInRange] = runLive(200, 10'000, 10);
        QVERIFY(flashInRange);
        QVERIFY2(flashRate > 1.3 * normalRate,
                 qPrintable(QStringLiteral("%1 vs %2").arg(flashRate).arg(normalRate)));
        generator.setFlashSale(0.5);
        QCOMPARE(generator.rateMultiplier(), 1.0);

        // After a pause the batch spreads over the whole gap; a clock step back
        // counts as no time passing.
        const EventTime beforePause = now;
        now += kHourMs;
        const EventTime afterPause = now;
        events.clear();
        generator.nextLive(now, 1'000, events);
        std::int64_t latest = 0;
        for (const Event &e : events) {
            QVERIFY(e.ts <= afterPause
                    && e.ts >= beforePause - SampleGenerator::kLiveMaxLagMs - c.maxDisorderMs);
            latest = std::max(latest, e.ts.value());
        }
        QVERIFY(latest >= (afterPause - SampleGenerator::kLiveMaxLagMs - c.maxDisorderMs).value());
        events.clear();
        generator.nextLive(afterPause - 60'000, 1'000, events);
        for (const Event &e : events)
            QVERIFY(e.ts <= afterPause);
    }

    void reportsGeneratorSpeed()
    {
        // Printed for the record; timing is never asserted in unit tests.
        SampleConfig c;
        c.totalEvents = 2'000'000;
        KAPPA_ASSIGN_OR_FAIL(auto generator, SampleGenerator::create(c));
        std::vector<Event> batch;
        batch.reserve(65'536);
        QElapsedTimer timer;
        timer.start();
        while (true) {
            batch.clear();
            if (generator.nextHistory(65'536, batch) == 0)
                break;
        }
        const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
        qInfo("generated %lld events in %.3f s: %.2f M events/s", static_cast<long long>(c.totalEvents),
              seconds, static_cast<double>(c.totalEvents) / seconds / 1e6);
    }
};

QTEST_APPLESS_MAIN(TestSamples)
#include "test_samples.moc"
