// user_features through jobs::Engine: hand-written events appended to a real
// LocalLog, the job run until caught up, the row read back through the
// ViewReader (RocksDB view) and compared field by field with the expected row.
#include "jobs_test_util.h"

using namespace jobstest;
using kappa::jobs::ViewReader;

class TestJobsUserFeatures : public QObject
{
    Q_OBJECT

private slots:
    void scenario_data()
    {
        QTest::addColumn<QString>("job");
        QTest::addColumn<QString>("events");
        QTest::addColumn<qint64>("user");
        QTest::addColumn<QString>("asOf");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QStringList>("absent");

        // 2d is a UTC day, hour and 5-minute boundary. views_1h counts the 5-minute
        // buckets [cur-11, cur], i.e. ts >= 2d-55m; views_24h the hours [cur-23, cur],
        // i.e. ts >= 2d-23h. Each edge has one event on it and one a millisecond before.
        const QString edges = QStringLiteral("view t=2d-23h-1ms cat=4 item=104;"
                                             "view t=2d-23h cat=3 item=102;"
                                             "view t=2d-55m-1ms cat=2 item=101;"
                                             "view t=2d-55m cat=1 item=103;"
                                             "view t=2d cat=1 item=100");
        const QString edgesExpected = QStringLiteral(
            R"({"user_id":1,"views_1h":2,"views_24h":4,"cart_adds_24h":0,"purchases_30d":0,
                "spend_30d_cents":0,"avg_order_value_30d_cents":0,"distinct_categories_24h":3,
                "last_items":[100,103,101,102,104]})");
        QTest::newRow("view windows at bucket edges, in order")
            << "user_features@v1" << edges << qint64(1) << "2d" << edgesExpected
            << QStringList{"views_7d", "top_categories_7d"};
        // The newest event first, then the older ones: the edge events a millisecond
        // too old fall into slots that already hold newer buckets and are ignored.
        QTest::newRow("view windows at bucket edges, out of order")
            << "user_features@v1"
            << "view t=2d cat=1 item=100;"
               "view t=2d-55m-1ms cat=2 item=101;"
               "view t=2d-23h-1ms cat=4 item=104;"
               "view t=2d-55m cat=1 item=103;"
               "view t=2d-23h cat=3 item=102"
            << qint64(1) << "2d" << edgesExpected << QStringList{};

        QTest::newRow("cart adds at the 24h edge; a search moves as_of")
            << "user_features@v1"
            << "cart_add t=1d+1h item=7 amount=500 user=5;"
               "cart_add t=1d+1h-1ms item=8 amount=1 user=5;"
               "view t=2d-1m item=9 cat=5 user=5;"
               "search t=2d cat=6 user=5"
            << qint64(5) << "2d"
            << R"({"user_id":5,"views_1h":1,"views_24h":1,"cart_adds_24h":1,"distinct_categories_24h":1,
                   "last_items":[9]})"
            << QStringList{};

        // 40d is a UTC day boundary; the 30 day buckets are [40d-29d, 40d], i.e. ts >= 11d.
        const QString purchasesExpected = QStringLiteral(
            R"({"user_id":3,"views_1h":0,"views_24h":0,"purchases_30d":3,"spend_30d_cents":6001,
                "avg_order_value_30d_cents":2000,"last_items":[]})");
        QTest::newRow("purchases_30d at the 30-day edge, out of order")
            << "user_features@v1"
            << "purchase t=40d+12h amount=2001 user=3;"
               "purchase t=11d-1ms amount=5000 user=3;"
               "purchase t=11d amount=1000 user=3;"
               "purchase t=40d amount=3000 user=3;"
               "checkout t=40d+1h amount=99999 user=3"
            << qint64(3) << "40d+12h" << purchasesExpected << QStringList{};
        QTest::newRow("purchases_30d at the 30-day edge, in order")
            << "user_features@v1"
            << "purchase t=11d-1ms amount=5000 user=3;"
               "purchase t=11d amount=1000 user=3;"
               "purchase t=40d amount=3000 user=3;"
               "checkout t=40d+1h amount=99999 user=3;"
               "purchase t=40d+12h amount=2001 user=3"
            << qint64(3) << "40d+12h" << purchasesExpected << QStringList{};

        // Latest view of each item by (ts, event id), newest first, 5 distinct items.
        QTest::newRow("last_items order")
            << "user_features@v1"
            << "view t=1h+1s item=1 id=11; view t=1h+2s item=2 id=12; view t=1h+3s item=3 id=13;"
               "view t=1h+4s item=4 id=14; view t=1h+5s item=5 id=15; view t=1h+6s item=6 id=16;"
               "view t=1h+10s item=2 id=17; view t=1h+10s item=8 id=19; view t=1h+10s item=9 id=18;"
               "view t=1h+500ms item=3 id=20; search t=1h+20s id=21; cart_add t=1h+21s item=77 id=22"
            << qint64(1) << "1h+21s"
            << R"({"views_1h":10,"views_24h":10,"cart_adds_24h":1,"last_items":[8,9,2,6,5]})"
            << QStringList{};

        // v2: the last 7 day buckets are [10d-6d, 10d], i.e. ts >= 4d.
        QTest::newRow("v2 views_7d and top categories")
            << "user_features@v2"
            << "view t=4d cat=5 item=1; view t=4d-1ms cat=5 item=2; view t=7d cat=5 item=3;"
               "view t=10d cat=7 item=4; view t=10d cat=7 item=5; view t=8d cat=2 item=6;"
               "view t=8d+5h cat=2 item=7; view t=10d+1h cat=9 item=8"
            << qint64(1) << "10d+1h"
            << R"({"views_1h":1,"views_24h":3,"distinct_categories_24h":2,"last_items":[8,5,4,7,6],
                   "views_7d":7,"top_categories_7d":[{"category_id":2,"views":2},
                   {"category_id":5,"views":2},{"category_id":7,"views":2}]})"
            << QStringList{};
    }

    void scenario()
    {
        QFETCH(QString, job);
        QFETCH(QString, events);
        QFETCH(qint64, user);
        QFETCH(QString, asOf);
        QFETCH(QString, expected);
        QFETCH(QStringList, absent);

        QTemporaryDir dir;
        DataDir data;
        KAPPA_VERIFY_OK(data.open(tempPath(dir, "data"), 4));
        const std::vector<kappa::Event> input = parseEvents(events);
        // One append per event, so the task sees them over several batches too.
        KAPPA_VERIFY_OK(data.append(input, 1));
        KAPPA_ASSIGN_OR_FAIL(const auto reports, data.runUntilCaughtUp({job.toStdString()}));
        QCOMPARE(reports.size(), std::size_t{1});
        QCOMPARE(reports[0].events, static_cast<std::uint64_t>(input.size()));

        const std::string version = job.section(QLatin1Char('@'), 1).toStdString();
        const ViewReader reader = data.reader();
        KAPPA_ASSIGN_OR_FAIL(const std::optional<std::string> row, reader.features(user, version));
        QVERIFY2(row.has_value(), "no row for the user");
        nlohmann::json want = nlohmann::json::parse(expected.toStdString());
        want["as_of_ms"] = kBaseMs + parseDuration(asOf);
        JOBS_COMPARE_ROW(*row, want);
        const nlohmann::json got = parseRow(*row);
        for (const QString &field : absent)
            QVERIFY2(!got.contains(field.toStdString()), qPrintable(field + " must not be in a v1 row"));

        // The dump holds exactly the users of the scenario, this row among them.
        KAPPA_ASSIGN_OR_FAIL(const std::vector<std::string> rows, data.dump("user_features", version));
        std::set<std::int64_t> users;
        for (const kappa::Event &e : input)
            users.insert(e.userId);
        QCOMPARE(rows.size(), users.size());
        QVERIFY(std::find(rows.begin(), rows.end(), *row) != rows.end());
    }

    // v1 and v2 side by side in one engine, over events of users on every
    // partition: the shared fields agree, only v2 has the 7-day fields, and
    // the first version registered is the live one.
    void v2BesideV1()
    {
        QTemporaryDir dir;
        DataDir data;
        KAPPA_VERIFY_OK(data.open(tempPath(dir, "data"), 4));
        const std::vector<kappa::Event> input = parseEvents(
            "view t=4d cat=5 item=1 user=P0; view t=10d cat=7 item=4 user=P0; view t=9d cat=3 item=2 user=P1;"
            "view t=9d+1m cat=3 item=3 user=P1; purchase t=9d+2m amount=700 user=P1; view t=1d cat=1 item=9 "
            "user=P2;"
            "cart_add t=1d+1s item=9 amount=5 user=P3; view t=3d cat=4 item=8 user=P3");
        KAPPA_VERIFY_OK(data.append(input));
        KAPPA_ASSIGN_OR_FAIL(const auto reports,
                             data.runUntilCaughtUp({"user_features@v1", "user_features@v2"}));
        QCOMPARE(reports.size(), std::size_t{2});

        const ViewReader reader = data.reader();
        KAPPA_ASSIGN_OR_FAIL(const std::string live, reader.resolveVersion("user_features", std::nullopt));
        QCOMPARE(live, std::string("v1"));
        for (std::int32_t p = 0; p < 4; ++p) {
            const std::int64_t user = userOnPartition(p, 4);
            KAPPA_ASSIGN_OR_FAIL(const auto v1, reader.features(user, "v1"));
            KAPPA_ASSIGN_OR_FAIL(const auto v2, reader.features(user, "v2"));
            QVERIFY(v1 && v2);
            nlohmann::json a = parseRow(*v1);
            nlohmann::json b = parseRow(*v2);
            QVERIFY(!a.contains("views_7d") && !a.contains("top_categories_7d"));
            QVERIFY(b.contains("views_7d") && b.contains("top_categories_7d"));
            b.erase("views_7d");
            b.erase("top_categories_7d");
            QCOMPARE(QString::fromStdString(a.dump()), QString::fromStdString(b.dump()));
        }
        KAPPA_ASSIGN_OR_FAIL(const auto p1, reader.features(userOnPartition(1, 4), "v2"));
        JOBS_COMPARE_ROW(*p1, nlohmann::json::parse(R"({"views_7d":2,"purchases_30d":1,"spend_30d_cents":700,
            "top_categories_7d":[{"category_id":3,"views":2}],"last_items":[3,2]})"));
    }
};

QTEST_APPLESS_MAIN(TestJobsUserFeatures)
#include "test_jobs_user_features.moc"
