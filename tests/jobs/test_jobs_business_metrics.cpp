// business_metrics through jobs::Engine: hand-written events on several source
// partitions, the job run until caught up, the SQLite view dumped through the
// ViewReader and compared row by row (all fields, in the documented order:
// window, category, country) with the expected rows.
#include "jobs_test_util.h"

#include <limits>
#include <thread>

using namespace jobstest;
using kappa::jobs::MetricsRecord;
using kappa::jobs::MetricsSelection;

namespace {

// Expected rows, one per ';'-separated clause: the window start (a time as in
// the event language), then "cat=N" or "country=XX", then the non-zero counts.
std::vector<nlohmann::json> parseRows(const QString &dsl)
{
    std::vector<nlohmann::json> rows;
    for (const QString &clause : dsl.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const QStringList parts = clause.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (parts.isEmpty())
            continue;
        nlohmann::json row = nlohmann::json::object();
        row["window_start_ms"] = kBaseMs + parseDuration(parts[0]);
        for (const char *field :
             {"views", "cart_adds", "checkouts", "orders", "gmv_cents", "sessions", "purchasing_sessions"})
            row[field] = 0;
        for (int i = 1; i < parts.size(); ++i) {
            const std::string key = parts[i].section(QLatin1Char('='), 0, 0).toStdString();
            const QString value = parts[i].section(QLatin1Char('='), 1);
            if (key == "cat")
                row["category_id"] = value.toLongLong();
            else if (key == "country")
                row["country"] = value.toStdString();
            else if (row.contains(key))
                row[key] = value.toLongLong();
            else
                throw std::invalid_argument("bad expected field " + key);
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

// business_metrics@v1 running live on `data`, its checkpoints (which would
// also write held-back rows) minutes apart.
kappa::Result<std::unique_ptr<kappa::jobs::Engine>> startLive(const DataDir &data)
{
    RunOptions run;
    run.checkpointInterval = std::chrono::minutes(10);
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<kappa::jobs::Engine> engine,
                           data.openEngine({"business_metrics@v1"}, run));
    KAPPA_RETURN_IF_ERROR(engine->start());
    return engine;
}

// The views of category 1 in [fromMs, toMs) of business_metrics@v1, if that is one row; else -1.
std::int64_t category1Views(const kappa::jobs::ViewReader &reader, std::int64_t fromMs, std::int64_t toMs)
{
    MetricsSelection selection;
    selection.fromMs = fromMs;
    selection.toMs = toMs;
    selection.categoryId = 1;
    const kappa::Result<std::vector<MetricsRecord>> rows = reader.metrics(selection, "v1");
    return rows.isOk() && rows->size() == 1 ? (*rows)[0].views : -1;
}

} // namespace

class TestJobsBusinessMetrics : public QObject
{
    Q_OBJECT

private slots:
    void scenario_data()
    {
        QTest::addColumn<QString>("job");
        QTest::addColumn<QString>("events");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<qint64>("lateDropped");

        // An event exactly on a minute starts that window; one a millisecond
        // before the next minute still belongs to it.
        QTest::newRow("windows at minute boundaries, category rows and category 0")
            << "business_metrics@v1"
            << "view t=1h cat=3; view t=1h+59999ms cat=4; cart_add t=1h+1m cat=3 amount=500;"
               "checkout t=1h+1m+1ms cat=3 amount=500; purchase t=1h+1m+2ms cat=3 amount=500"
            << "1h cat=0 views=2 sessions=1; 1h cat=3 views=1 sessions=1; 1h cat=4 views=1 sessions=1;"
               "1h+1m cat=0 cart_adds=1 checkouts=1 orders=1 gmv_cents=500 sessions=1 purchasing_sessions=1;"
               "1h+1m cat=3 cart_adds=1 checkouts=1 orders=1 gmv_cents=500 sessions=1 purchasing_sessions=1"
            << qint64(0);

        // Users on four partitions: each task writes its partition's partial rows and
        // the view sums them; sessions are distinct per partition and add up.
        QTest::newRow("distinct sessions across partitions")
            << "business_metrics@v1"
            << "view t=1h+1s cat=1 user=P0 session=11; purchase t=1h+2s cat=1 amount=100 user=P0 session=11;"
               "view t=1h+3s cat=2 user=P0 session=12; view t=1h+1500ms cat=1 user=P1 session=21;"
               "purchase t=1h+2500ms cat=1 amount=250 user=P1 session=21;"
               "cart_add t=1h+3500ms cat=2 amount=77 user=P1 session=22; view t=1h+4s cat=1 user=P2 "
               "session=31;"
               "view t=1h+61s cat=1 user=P0 session=11; view t=1h+5s cat=2 user=P3 session=41;"
               "view t=1h+6s cat=2 user=P3 session=41; checkout t=1h+7s cat=2 amount=10 user=P3 session=41"
            << "1h cat=0 views=6 cart_adds=1 checkouts=1 orders=2 gmv_cents=350 sessions=6 "
               "purchasing_sessions=2;"
               "1h cat=1 views=3 orders=2 gmv_cents=350 sessions=3 purchasing_sessions=2;"
               "1h cat=2 views=3 cart_adds=1 checkouts=1 sessions=3;"
               "1h+1m cat=0 views=1 sessions=1; 1h+1m cat=1 views=1 sessions=1"
            << qint64(0);

        QTest::newRow("several partitions summing")
            << "business_metrics@v1"
            << "view t=2h user=P0 session=100; view t=2h+1s user=P0b session=101;"
               "view t=2h+2s user=P1 session=110; view t=2h+3s user=P1b session=111;"
               "view t=2h+4s user=P2 session=120; view t=2h+5s user=P3 session=130;"
               "view t=2h+6s user=P3 session=130; cart_add t=2h+7s user=P2b session=121 amount=5"
            << "2h cat=0 views=7 cart_adds=1 sessions=7; 2h cat=1 views=7 cart_adds=1 sessions=7"
            << qint64(0);

        // Watermark = the partition's max ts - 5 min. On P0 (max 1h+11m-1ms) the window
        // [1h+5m, 1h+6m) ends 1 ms after the watermark: its late event counts. On P1
        // (max 1h+11m) it ends exactly at the watermark: the same late event is dropped,
        // while one for [1h+6m, 1h+7m) still counts.
        QTest::newRow("allowed lateness edge, per partition")
            << "business_metrics@v1"
            << "view t=1h+11m-1ms user=P0 session=1; view t=1h+5m user=P0 session=1;"
               "view t=1h+11m user=P1 session=2; view t=1h+5m user=P1 session=2; view t=1h+6m user=P1 "
               "session=2"
            << "1h+5m cat=0 views=1 sessions=1; 1h+5m cat=1 views=1 sessions=1;"
               "1h+6m cat=0 views=1 sessions=1; 1h+6m cat=1 views=1 sessions=1;"
               "1h+10m cat=0 views=1 sessions=1; 1h+10m cat=1 views=1 sessions=1;"
               "1h+11m cat=0 views=1 sessions=1; 1h+11m cat=1 views=1 sessions=1"
            << qint64(1);

        // v2 adds one row per (window, country), all categories together.
        QTest::newRow("v2 country rows")
            << "business_metrics@v2"
            << "view t=1h cat=1 user=P0 session=1 country=DE; view t=1h+1ms cat=2 user=P1 session=2 "
               "country=FR;"
               "purchase t=1h+2ms cat=1 amount=900 user=P2 session=3 country=DE"
            << "1h cat=0 views=2 orders=1 gmv_cents=900 sessions=3 purchasing_sessions=1;"
               "1h country=DE views=1 orders=1 gmv_cents=900 sessions=2 purchasing_sessions=1;"
               "1h country=FR views=1 sessions=1;"
               "1h cat=1 views=1 orders=1 gmv_cents=900 sessions=2 purchasing_sessions=1;"
               "1h cat=2 views=1 sessions=1"
            << qint64(0);
    }

    void scenario()
    {
        QFETCH(QString, job);
        QFETCH(QString, events);
        QFETCH(QString, expected);
        QFETCH(qint64, lateDropped);

        QTemporaryDir dir;
        DataDir data;
        KAPPA_VERIFY_OK(data.open(tempPath(dir, "data"), 4));
        const std::vector<kappa::Event> input = parseEvents(events);
        KAPPA_VERIFY_OK(data.append(input, 1));
        KAPPA_ASSIGN_OR_FAIL(const auto reports, data.runUntilCaughtUp({job.toStdString()}));
        QCOMPARE(reports.size(), std::size_t{1});
        QCOMPARE(reports[0].events, static_cast<std::uint64_t>(input.size()));
        QCOMPARE(static_cast<qint64>(reports[0].lateDropped), lateDropped);

        const std::string version = job.section(QLatin1Char('@'), 1).toStdString();
        KAPPA_ASSIGN_OR_FAIL(const std::vector<std::string> rows, data.dump("business_metrics", version));
        const std::vector<nlohmann::json> want = parseRows(expected);
        std::string all;
        for (const std::string &row : rows)
            all += "\n  " + row;
        QVERIFY2(rows.size() == want.size(), ("got rows:" + all).c_str());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            // Exactly the documented fields: equal objects, not just a subset.
            const nlohmann::json got = parseRow(rows[i]);
            QVERIFY2(got == want[i],
                     ("row " + std::to_string(i) + ": expected " + want[i].dump() + "\ngot rows:" + all)
                         .c_str());
        }
    }

    // Caught up, a task writes its rows at most every 100 ms: the rows of
    // batches that came sooner after a write still appear with no further
    // input (the checkpoint, which would also write them, is far away).
    void liveRowsAppearWithoutFurtherInput()
    {
        QTemporaryDir dir;
        DataDir data;
        KAPPA_VERIFY_OK(data.open(tempPath(dir, "data"), 4));
        KAPPA_ASSIGN_OR_FAIL(auto engine, startLive(data));
        // One event per append, back to back: most come within 100 ms of a write.
        for (int i = 0; i < 5; ++i)
            KAPPA_VERIFY_OK(data.append(parseEvents("view t=1h cat=1 user=P0 session=1")));
        const auto reader = data.reader();
        std::int64_t views = -1;
        const auto allCounted = [&] {
            views = category1Views(reader, kBaseMs, kBaseMs + kDay);
            return views == 5;
        };
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!allCounted() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        KAPPA_VERIFY_OK(engine->stop());
        QCOMPARE(views, std::int64_t{5});
    }

    // A task's watermark moves only with what it has written: whenever it
    // shows a window as closed, the view holds that window's final row, also
    // while the live publish interval holds rows back.
    void windowsBelowTheWatermarkAreWritten()
    {
        QTemporaryDir dir;
        DataDir data;
        KAPPA_VERIFY_OK(data.open(tempPath(dir, "data"), 4));
        KAPPA_ASSIGN_OR_FAIL(auto engine, startLive(data));
        const auto reader = data.reader();
        const auto viewsNow = [&] {
            return category1Views(reader, kBaseMs + kHour, kBaseMs + kHour + kMinute);
        };
        KAPPA_VERIFY_OK(data.append(parseEvents("view t=1h cat=1 user=P0 session=1")));
        for (int i = 0; i < 5000 && viewsNow() != 1; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        QCOMPARE(viewsNow(), std::int64_t{1});
        // Just written: the next batch's rows are held back for up to 100 ms.
        // One more view of the 1h window, and an event 10 minutes later that closes it (lateness 5 min).
        KAPPA_VERIFY_OK(data.append(
            parseEvents("view t=1h cat=1 user=P0 session=1; view t=1h+10m cat=2 user=P0 session=1")));
        const std::int64_t windowEnd = kBaseMs + kHour + kMinute;
        bool sawClosed = false;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!sawClosed && std::chrono::steady_clock::now() < deadline) {
            std::int64_t watermark = std::numeric_limits<std::int64_t>::min();
            for (const kappa::jobs::TaskFigures &task : engine->taskFigures())
                if (task.metrics.partition.value() == 0)
                    watermark = task.metrics.watermarkMs;
            if (watermark < windowEnd) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1)); // leave the cores to the workers
                continue;
            }
            sawClosed = true;
            QCOMPARE(viewsNow(), std::int64_t{2});
        }
        KAPPA_VERIFY_OK(engine->stop());
        QVERIFY(sawClosed);
    }

    // The selection API over the same view: a time range, one category, one country.
    void metricsSelection()
    {
        QTemporaryDir dir;
        DataDir data;
        KAPPA_VERIFY_OK(data.open(tempPath(dir, "data"), 4));
        KAPPA_VERIFY_OK(data.append(parseEvents(
            "view t=1h cat=1 user=P0 session=1 country=DE; view t=1h+1m cat=2 user=P1 session=2 country=FR;"
            "purchase t=1h+2m cat=1 amount=900 user=P2 session=3 country=DE; view t=1h+2m+1s cat=1 user=P3 "
            "session=4 country=DE")));
        KAPPA_ASSIGN_OR_FAIL(const auto reports, data.runUntilCaughtUp({"business_metrics@v2"}));
        Q_UNUSED(reports);
        const auto reader = data.reader();

        MetricsSelection byCategory;
        byCategory.fromMs = kBaseMs + kHour + kMinute;
        byCategory.toMs = kBaseMs + kHour + 3 * kMinute;
        byCategory.categoryId = 1;
        KAPPA_ASSIGN_OR_FAIL(const std::vector<MetricsRecord> cat1, reader.metrics(byCategory, "v2"));
        QCOMPARE(cat1.size(), std::size_t{1});
        QCOMPARE(cat1[0].windowStartMs, kBaseMs + kHour + 2 * kMinute);
        QCOMPARE(cat1[0].orders, std::int64_t{1});
        QCOMPARE(cat1[0].views, std::int64_t{1});
        QCOMPARE(cat1[0].sessions, std::int64_t{2});
        QCOMPARE(cat1[0].purchasingSessions, std::int64_t{1});

        MetricsSelection byCountry;
        byCountry.fromMs = kBaseMs;
        byCountry.toMs = kBaseMs + kDay;
        byCountry.country = "DE";
        KAPPA_ASSIGN_OR_FAIL(const std::vector<MetricsRecord> de, reader.metrics(byCountry, "v2"));
        QCOMPARE(de.size(), std::size_t{2});
        QCOMPARE(de[0].windowStartMs, kBaseMs + kHour);
        QCOMPARE(de[0].country, std::string("DE"));
        QCOMPARE(de[1].windowStartMs, kBaseMs + kHour + 2 * kMinute);
        QCOMPARE(de[1].gmvCents, std::int64_t{900});
        QCOMPARE(de[1].sessions, std::int64_t{2});
    }
};

QTEST_APPLESS_MAIN(TestJobsBusinessMetrics)
#include "test_jobs_business_metrics.moc"
