// user_features: events in, feature rows out (hand-computed), arrival-order
// independence, and the state's binary round trip.
#include "pipelines/user_features.h"
#include "pipelines/wire.h"
#include "pipelines_test_util.h"
#include "test_support.h"

#include <algorithm>
#include <limits>
#include <map>

using namespace kappa;
using namespace kappa::pipelines;
using pipelinestest::parseEvents;

namespace {

UserFeatures fold(const std::vector<Event> &events, const UserFeaturesParams &params = {})
{
    UserFeatures f;
    for (const Event &e : events)
        f.apply(e, params);
    return f;
}

QString run(const QString &dsl, const UserFeaturesParams &params = {})
{
    return QString::fromStdString(fold(parseEvents(dsl), params).row(1, params).toJson(params));
}

// The v1 row of user 1 with the given values, in canonical field order.
QString row(qint64 asOf, int views1h, int views24h, int cartAdds24h, int purchases, qint64 spend, qint64 aov,
            int categories, const QString &items)
{
    return QStringLiteral(
               "{\"user_id\":1,\"as_of_ms\":%1,\"views_1h\":%2,\"views_24h\":%3,\"cart_adds_24h\":%4,"
               "\"purchases_30d\":%5,\"spend_30d_cents\":%6,\"avg_order_value_30d_cents\":%7,"
               "\"distinct_categories_24h\":%8,\"last_items\":[%9]}")
        .arg(asOf)
        .arg(views1h)
        .arg(views24h)
        .arg(cartAdds24h)
        .arg(purchases)
        .arg(spend)
        .arg(aov)
        .arg(categories)
        .arg(items);
}

} // namespace

class TestUserFeatures : public QObject
{
    Q_OBJECT

private slots:
    void test_pipelines_user_features_rows_data()
    {
        QTest::addColumn<QString>("events");
        QTest::addColumn<QString>("expected");
        QTest::newRow("single view") << "view t=0 item=7 cat=3" << row(0, 1, 1, 0, 0, 0, 0, 1, "7");
        // as_of 1h is 5-minute bucket 12; the 1h window is buckets 1..12, so t=0 (bucket 0) is out
        // and t=55m (bucket 11) and t=1h (bucket 12, exactly on its edge) are in.
        QTest::newRow("5-minute bucket edges") << "view t=0 item=1; view t=55m item=2; view t=1h item=3"
                                               << row(3600000, 2, 3, 0, 0, 0, 0, 1, "3,2,1");
        QTest::newRow("last ms before the 1h window")
            << "view t=299999 item=1; view t=1h+299999 item=2" << row(3899999, 1, 2, 0, 0, 0, 0, 1, "2,1");
        QTest::newRow("first ms of the 1h window")
            << "view t=300000 item=1; view t=1h+299999 item=2" << row(3899999, 2, 2, 0, 0, 0, 0, 1, "2,1");
        QTest::newRow("windows slide with a later search")
            << "view t=0 item=1 cat=2; search t=25h" << row(90000000, 0, 0, 0, 0, 0, 0, 0, "1");
        QTest::newRow("out of order inside the window")
            << "view t=10m item=1; view t=2m item=2" << row(600000, 2, 2, 0, 0, 0, 0, 1, "1,2");
        // t=0 and t=2h share a 5-minute slot; the older one is outside the 1h window either way.
        QTest::newRow("too old for 1h, arriving late")
            << "view t=2h item=1; view t=0 item=2" << row(7200000, 1, 2, 0, 0, 0, 0, 1, "1,2");
        QTest::newRow("too old for 1h, arriving first")
            << "view t=0 item=2; view t=2h item=1" << row(7200000, 1, 2, 0, 0, 0, 0, 1, "1,2");
        QTest::newRow("30 days, average rounds down")
            << "purchase t=0 amount=1000; purchase t=29d amount=2001"
            << row(2505600000, 0, 0, 0, 2, 3001, 1500, 0, "");
        QTest::newRow("purchase falls out after 30 days")
            << "purchase t=0 amount=1000; purchase t=30d amount=500"
            << row(2592000000, 0, 0, 0, 1, 500, 500, 0, "");
        QTest::newRow("last ms of a UTC day")
            << "purchase t=23h+59m+59s+999 amount=100; purchase t=30d amount=300"
            << row(2592000000, 0, 0, 0, 1, 300, 300, 0, "");
        QTest::newRow("first ms of a UTC day") << "purchase t=1d amount=100; purchase t=30d+23h amount=300"
                                               << row(2674800000, 0, 0, 0, 2, 400, 200, 0, "");
        QTest::newRow("cart adds without purchases")
            << "cart_add t=0; cart_add t=23h+59m" << row(86340000, 0, 0, 2, 0, 0, 0, 0, "");
        QTest::newRow("cart add on the 24h edge")
            << "cart_add t=0; cart_add t=24h" << row(86400000, 0, 0, 1, 0, 0, 0, 0, "");
        QTest::newRow("distinct categories")
            << "view t=0 cat=1 item=1; view t=1m cat=2 item=2; view t=2m cat=1 item=3; view t=3m cat=3 item=4"
            << row(180000, 4, 4, 0, 0, 0, 0, 3, "4,3,2,1");
        QTest::newRow("category outside 24h")
            << "view t=0 cat=9 item=1; view t=24h cat=2 item=2" << row(86400000, 1, 1, 0, 0, 0, 0, 1, "2,1");
        QTest::newRow("last items keeps the 5 newest")
            << "view t=1s item=1; view t=2s item=2; view t=3s item=3; view t=4s item=4; view t=5s item=5;"
               "view t=6s item=6; view t=7s item=7"
            << row(7000, 7, 7, 0, 0, 0, 0, 1, "7,6,5,4,3");
        QTest::newRow("repeated item moves to the front")
            << "view t=1s item=1; view t=2s item=2; view t=3s item=1"
            << row(3000, 3, 3, 0, 0, 0, 0, 1, "1,2");
        QTest::newRow("older view of a listed item") << "view t=5s item=1; view t=6s item=2; view t=1s item=1"
                                                     << row(6000, 3, 3, 0, 0, 0, 0, 1, "2,1");
        QTest::newRow("equal times: higher event id is newer")
            << "view t=1s id=5 item=50; view t=1s id=3 item=30" << row(1000, 2, 2, 0, 0, 0, 0, 1, "50,30");
        QTest::newRow("equal times, other arrival order")
            << "view t=1s id=3 item=30; view t=1s id=5 item=50" << row(1000, 2, 2, 0, 0, 0, 0, 1, "50,30");
        QTest::newRow("last items out of order")
            << "view t=50s item=50; view t=10s item=10; view t=40s item=40; view t=20s item=20;"
               "view t=30s item=30; view t=60s item=60; view t=5s item=5"
            << row(60000, 7, 7, 0, 0, 0, 0, 1, "60,50,40,30,20");
    }

    void test_pipelines_user_features_rows()
    {
        QFETCH(QString, events);
        QFETCH(QString, expected);
        QCOMPARE(run(events), expected);
    }

    // Amounts are unchecked producer input: hostile ones make the spend wrap
    // around (the same for any arrival order), never overflow (UBSan aborts).
    void test_pipelines_user_features_huge_amounts()
    {
        std::vector<Event> events = parseEvents("purchase t=0; purchase t=1d; purchase t=2d");
        for (Event &e : events)
            e.amountCents = std::numeric_limits<std::int64_t>::max();
        const UserFeaturesRow r = fold(events).row(1, {});
        QCOMPARE(r.purchases30d, 3);
        QCOMPARE(r.spend30dCents, std::numeric_limits<std::int64_t>::max() - 2);
        std::reverse(events.begin(), events.end());
        QVERIFY(fold(events).row(1, {}) == r);
    }

    void test_pipelines_user_features_v2_rows()
    {
        UserFeaturesParams v2;
        v2.views7d = true;
        v2.topCategories7d = true;
        // as_of 9d+2m: the 7-day window is UTC days 3..9, so the view on day 0 is out. In it:
        // cat 2 three times, cats 1 and 4 twice (tie: lower id first), cat 3 once.
        const QString events
            = "view t=0 cat=5 item=1; view t=8d cat=1 item=2; view t=8d+1h cat=2 item=3;"
              "view t=8d+2h cat=2 item=4; view t=8d+3h cat=4 item=5; view t=8d+4h cat=1 item=6;"
              "view t=9d cat=2 item=7; view t=9d+1m cat=4 item=8; view t=9d+2m cat=3 item=9";
        QCOMPARE(run(events, v2),
                 QStringLiteral("{\"user_id\":1,\"as_of_ms\":777720000,\"views_1h\":3,\"views_24h\":7,"
                                "\"cart_adds_24h\":0,\"purchases_30d\":0,\"spend_30d_cents\":0,"
                                "\"avg_order_value_30d_cents\":0,\"distinct_categories_24h\":4,"
                                "\"last_items\":[9,8,7,6,5],\"views_7d\":8,\"top_categories_7d\":["
                                "{\"category_id\":2,\"views\":3},{\"category_id\":1,\"views\":2},"
                                "{\"category_id\":4,\"views\":2}]}"));
        // v1 params render exactly the v1 fields for the same events.
        QCOMPARE(run(events), row(777720000, 3, 7, 0, 0, 0, 0, 4, "9,8,7,6,5"));
    }

    void test_pipelines_user_features_order_independent_data()
    {
        QTest::addColumn<quint64>("seed");
        QTest::newRow("seed 1") << quint64(1);
        QTest::newRow("seed 2") << quint64(2);
        QTest::newRow("seed 3") << quint64(3);
    }

    // The same events per user in log order, reversed, shuffled, and with a
    // serialize/parse round trip after every event give identical rows.
    void test_pipelines_user_features_order_independent()
    {
        QFETCH(quint64, seed);
        UserFeaturesParams params;
        params.views7d = true;
        params.topCategories7d = true;
        // 40 days, so that every window sees events age out.
        const auto events = pipelinestest::randomEvents(seed, 3000, 4, 40LL * 86400000);
        std::map<std::int64_t, std::vector<Event>> byUser;
        for (const Event &e : events)
            byUser[e.userId].push_back(e);
        for (auto &[user, own] : byUser) {
            const std::string expected = fold(own, params).row(user, params).toJson(params);
            auto reversed = own;
            std::reverse(reversed.begin(), reversed.end());
            QCOMPARE(fold(reversed, params).row(user, params).toJson(params), expected);
            auto shuffled = own;
            std::uint64_t s = seed;
            for (std::size_t i = shuffled.size(); i > 1; --i)
                std::swap(shuffled[i - 1], shuffled[pipelinestest::mix(s) % i]);
            QCOMPARE(fold(shuffled, params).row(user, params).toJson(params), expected);

            UserFeatures restarted;
            for (const Event &e : own) {
                restarted.apply(e, params);
                std::string bytes;
                restarted.serialize(bytes);
                KAPPA_ASSIGN_OR_FAIL(restarted, UserFeatures::parse(bytes));
            }
            QCOMPARE(restarted.row(user, params).toJson(params), expected);
        }
    }

    void test_pipelines_user_features_round_trip()
    {
        UserFeaturesParams params;
        params.topCategories7d = true;
        const auto events = pipelinestest::randomEvents(7, 500, 1, 3LL * 86400000);
        const UserFeatures state = fold(events, params);
        std::string bytes;
        state.serialize(bytes);
        KAPPA_ASSIGN_OR_FAIL(UserFeatures parsed, UserFeatures::parse(bytes));
        QVERIFY(parsed == state);

        std::string empty;
        UserFeatures().serialize(empty);
        KAPPA_ASSIGN_OR_FAIL(UserFeatures parsedEmpty, UserFeatures::parse(empty));
        QVERIFY(parsedEmpty.empty());

        for (std::size_t n = 0; n < bytes.size(); ++n) {
            const auto truncated = UserFeatures::parse(std::string_view(bytes).substr(0, n));
            QVERIFY2(!truncated.isOk(), qPrintable(QStringLiteral("prefix of %1 bytes parsed").arg(n)));
            QCOMPARE(truncated.status().code(), StatusCode::Corruption);
        }
        QVERIFY(!UserFeatures::parse(bytes + "x").isOk());
        std::string wrongVersion = bytes;
        wrongVersion[0] = 9;
        QCOMPARE(UserFeatures::parse(wrongVersion).status().code(), StatusCode::Corruption);
    }

    // A bucket counts up to 2^32 - 1 events and then stays there. The
    // encoding (format 2) has 64-bit counts: larger ones are read as the
    // maximum, negative ones are corrupt.
    void test_pipelines_user_features_count_saturates()
    {
        auto stateWithViews = [](std::int64_t views, std::int64_t bucket = 0) {
            std::string bytes;
            ByteWriter w(bytes);
            w.putU8(2);
            w.putBool(true);
            w.putVarI64(0); // as_of_ms
            w.putVarU64(1); // 5-minute ring: `bucket` with `views`
            w.putVarI64(bucket);
            w.putVarI64(views);
            for (int emptyPart = 0; emptyPart < 5; ++emptyPart) // hour and day rings, the lists
                w.putVarU64(0);
            return bytes;
        };
        constexpr std::int64_t kMax = std::numeric_limits<std::uint32_t>::max();
        KAPPA_ASSIGN_OR_FAIL(UserFeatures atMax, UserFeatures::parse(stateWithViews(kMax + 5)));
        QCOMPARE(atMax.row(1, {}).views1h, kMax);
        for (const Event &e : parseEvents("view t=1 item=7 cat=3"))
            atMax.apply(e, {});
        QCOMPARE(atMax.row(1, {}).views1h, kMax);
        QCOMPARE(atMax.row(1, {}).views24h, std::int64_t{1}); // the other windows count on

        KAPPA_ASSIGN_OR_FAIL(UserFeatures belowMax, UserFeatures::parse(stateWithViews(kMax - 1)));
        for (const Event &e : parseEvents("view t=1 item=7 cat=3; view t=2 item=7 cat=3"))
            belowMax.apply(e, {});
        QCOMPARE(belowMax.row(1, {}).views1h, kMax);

        QCOMPARE(UserFeatures::parse(stateWithViews(-1)).status().code(), StatusCode::Corruption);
        // A bucket after as_of cannot come from events (as_of is the latest
        // event time) and would make the ring ignore every later event.
        QCOMPARE(UserFeatures::parse(stateWithViews(1, 1)).status().code(), StatusCode::Corruption);
        QVERIFY(UserFeatures::parse(stateWithViews(1, -1)).isOk());
    }
};

QTEST_APPLESS_MAIN(TestUserFeatures)
#include "test_user_features.moc"
