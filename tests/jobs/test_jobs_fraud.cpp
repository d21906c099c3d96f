// fraud through jobs::Engine: payments of one card made by users on every
// source partition are rekeyed by merchant and then by card, so the card row
// counts all of them; merchant rows; the score and its reasons. The rekey
// stages release a record only once every source partition has advanced past
// its event time (runtime/exchange.h) or at the end of a bounded run (flush):
// both are observed here, through the engine's in-memory score caches while
// it tails the log and through the ViewReader (checkpointed state) afterwards.
#include "jobs_test_util.h"

#include "views/score_cache.h"

#include <chrono>
#include <cmath>
#include <map>
#include <thread>

using namespace jobstest;

namespace {

// Card 9001, paid by users on all four partitions. The card's as_of is 1h+4s:
// txn_1m counts the 10 s buckets [cur-5, cur] (ts >= 1h-50s), txn_1h and the
// amount the minutes [cur-59, cur] (ts >= 1m), distinct merchants the minutes
// [cur-9, cur] (ts >= 1h-9m), distinct countries the hours [cur-23, cur]
// (ts >= 1h-23h). Each edge has an event just inside and one just outside.
const char *const kCardEvents
    = "purchase t=1h+1s user=P0 session=1 card=9001 merchant=1 amount=1000 country=DE;"
      "purchase t=1h+2s user=P1 session=2 card=9001 merchant=2 amount=2000 country=FR;"
      "purchase t=1h+3s user=P2 session=3 card=9001 merchant=1 amount=3000 country=US;"
      "purchase t=1h+4s user=P3 session=4 card=9001 merchant=3 amount=4000 country=DE;"
      "purchase t=1h-50s user=P0 session=1 card=9001 merchant=5 amount=100 country=DE;"
      "purchase t=1h-50s-1ms user=P1 session=2 card=9001 merchant=6 amount=200 country=GB;"
      "purchase t=1h-10m user=P2 session=3 card=9001 merchant=7 amount=300 country=IT;"
      "purchase t=0 user=P3 session=4 card=9001 merchant=8 amount=400 country=ES;"
      "purchase t=1h-24h user=P0 session=1 card=9001 merchant=9 amount=500 country=PL;"
      // Not payments: a checkout, and a purchase without a card.
      "checkout t=1h+4500ms user=P1 session=2 card=9001 merchant=1 amount=7777 country=DE;"
      "purchase t=1h+4s user=P2 session=3 nocard merchant=1 amount=999 country=US";

double logistic(double x)
{
    return 1.0 / (1.0 + std::exp(-x));
}

nlohmann::json expectedCard9001()
{
    // Fraud v1 weights (resources/jobs/fraud-v1.json); merchant velocity of the
    // latest payment: merchant 3 has 1 payment, baseline 1/60 -> 1 / max(1, 1/60) = 1.
    const double logit = -6.0 + 0.9 * 5 + 0.05 * 7 + 0.001 * 106.0 + 0.6 * 5 + 1.2 * 6 + 0.3 * 1;
    return {{"card_id", 9001},
            {"as_of_ms", kBaseMs + kHour + 4 * kSecond},
            {"txn_1m", 5},
            {"txn_1h", 7},
            {"amount_1h_cents", 10600},
            {"distinct_merchants_10m", 5},
            {"distinct_countries_24h", 6},
            {"merchant_id", 3},
            {"merchant_txn_1m", 1},
            {"merchant_baseline_per_min", 1.0 / 60},
            {"score", logistic(logit)},
            {"flagged", true},
            {"reasons",
             {{{"feature", "distinct_countries_24h"}, {"contribution", 7.2}},
              {{"feature", "txn_1m"}, {"contribution", 4.5}},
              {{"feature", "distinct_merchants_10m"}, {"contribution", 3.0}}}}};
}

nlohmann::json merchantRow(std::int64_t id, std::int64_t asOf, std::int64_t txn1m, std::int64_t txn1h)
{
    return {{"merchant_id", id},
            {"as_of_ms", kBaseMs + asOf},
            {"txn_1m", txn1m},
            {"txn_1h", txn1h},
            {"baseline_per_min", static_cast<double>(txn1h) / 60}};
}

// Waits up to 20 s for pred().
template<typename Pred>
bool waitFor(Pred pred)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
}

nlohmann::json cachedRow(const kappa::views::ScoreCache *cache, std::int64_t id)
{
    if (!cache)
        return nullptr;
    const std::optional<kappa::views::ScoreRow> row = cache->get(id);
    return row ? parseRow(row->row) : nlohmann::json();
}

} // namespace

class TestJobsFraud : public QObject
{
    Q_OBJECT

private slots:
    // All payments present: the card row counts those from every partition,
    // the merchant rows count theirs, and the engine's cache, the ViewReader's
    // card row and the dump agree.
    void cardRowCountsPaymentsFromEveryPartition()
    {
        QTemporaryDir dir;
        DataDir data;
        KAPPA_VERIFY_OK(data.open(tempPath(dir, "data"), 4));
        const std::vector<kappa::Event> events = parseEvents(kCardEvents);
        std::set<std::int32_t> partitions;
        for (const kappa::Event &e : events)
            partitions.insert(partitionOfUser(e.userId, 4));
        QCOMPARE(partitions.size(), std::size_t{4});
        KAPPA_VERIFY_OK(data.append(events, 1));

        KAPPA_ASSIGN_OR_FAIL(auto engine, data.openEngine({"fraud@v1"}));
        KAPPA_VERIFY_OK(engine->start());
        KAPPA_VERIFY_OK(engine->runUntilCaughtUp());
        const kappa::views::ScoreCache *cards = engine->cardScores("fraud", "v1");
        const kappa::views::ScoreCache *merchants = engine->merchantScores("fraud", "v1");
        QVERIFY(cards && merchants);
        const std::optional<kappa::views::ScoreRow> cached = cards->get(9001);
        QVERIFY(cached.has_value());
        JOBS_COMPARE_ROW(cached->row, expectedCard9001());
        QCOMPARE(cards->size(), std::size_t{1});
        QCOMPARE(merchants->size(), std::size_t{8});
        const std::map<std::int64_t, kappa::views::ScoreRow> merchantCache = merchants->snapshot();
        KAPPA_VERIFY_OK(engine->stop());
        const std::vector<kappa::jobs::JobReport> reports = engine->report();
        QCOMPARE(reports.at(0).events, static_cast<std::uint64_t>(events.size()));
        engine.reset();

        const auto reader = data.reader();
        KAPPA_ASSIGN_OR_FAIL(const std::optional<std::string> card, reader.fraudCard(9001, "v1"));
        QVERIFY(card.has_value());
        QCOMPARE(QString::fromStdString(*card), QString::fromStdString(cached->row));
        KAPPA_ASSIGN_OR_FAIL(const std::optional<std::string> none, reader.fraudCard(9002, "v1"));
        QVERIFY(!none.has_value());

        // Cards by id, then merchants by id.
        KAPPA_ASSIGN_OR_FAIL(const std::vector<std::string> rows, data.dump("fraud", "v1"));
        const std::vector<nlohmann::json> want = {
            expectedCard9001(),
            merchantRow(1, kHour + 3 * kSecond, 2, 2),
            merchantRow(2, kHour + 2 * kSecond, 1, 1),
            merchantRow(3, kHour + 4 * kSecond, 1, 1),
            merchantRow(5, kHour - 50 * kSecond, 1, 1),
            merchantRow(6, kHour - 50 * kSecond - 1, 1, 1),
            merchantRow(7, kHour - 10 * kMinute, 1, 1),
            merchantRow(8, 0, 1, 1),
            merchantRow(9, kHour - kDay, 1, 1),
        };
        QCOMPARE(rows.size(), want.size());
        for (std::size_t i = 0; i < rows.size(); ++i)
            JOBS_COMPARE_ROW(rows[i], want[i]);
        // The merchant cache held the same rows as the checkpointed state.
        for (std::size_t i = 1; i < rows.size(); ++i) {
            const std::int64_t id = parseRow(rows[i])["merchant_id"].get<std::int64_t>();
            QVERIFY(merchantCache.count(id) == 1);
            QCOMPARE(QString::fromStdString(merchantCache.at(id).row), QString::fromStdString(rows[i]));
        }
    }

    // While the engine tails the log, payments are released once every source
    // partition has moved past them in event time; the newest payment, beyond
    // every other partition's event time, stays held until the bounded run's
    // flush makes it visible.
    void newestPaymentsWaitForFlush()
    {
        QTemporaryDir dir;
        DataDir data;
        KAPPA_VERIFY_OK(data.open(tempPath(dir, "data"), 4));
        const std::vector<kappa::Event> events = parseEvents(
            "purchase t=1h+1s user=P0 session=1 card=9002 merchant=11 amount=100 country=DE;"
            "purchase t=1h+2s user=P1 session=2 card=9002 merchant=12 amount=200 country=DE;"
            "purchase t=1h+3s user=P2 session=3 card=9002 merchant=13 amount=300 country=DE;"
            "purchase t=1h+4s user=P3 session=4 card=9002 merchant=14 amount=400 country=DE;"
            "view t=1h+1m user=P0 session=1; view t=1h+1m user=P1 session=2;"
            "view t=1h+1m user=P2 session=3; view t=1h+1m user=P3 session=4;"
            "purchase t=1h+2m user=P0 session=1 card=9002 merchant=11 amount=5000 country=FR");
        KAPPA_VERIFY_OK(data.append(events, 1));

        KAPPA_ASSIGN_OR_FAIL(auto engine, data.openEngine({"fraud@v1"}));
        KAPPA_VERIFY_OK(engine->start());
        const kappa::views::ScoreCache *cards = engine->cardScores("fraud", "v1");
        const kappa::views::ScoreCache *merchants = engine->merchantScores("fraud", "v1");
        QVERIFY(cards && merchants);
        const bool released = waitFor([&] {
            const nlohmann::json row = cachedRow(cards, 9002);
            return row.is_object() && row.value("txn_1h", 0) == 4;
        });
        QVERIFY2(released, cachedRow(cards, 9002).dump().c_str());
        // Every source record read and every release made: the newest payment
        // is still held back (its event time is beyond partitions 1-3's).
        QVERIFY(waitFor([&] {
            std::int64_t lag = 0;
            for (const auto &r : engine->report())
                lag += r.lagRecords;
            return lag == 0;
        }));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        KAPPA_VERIFY_OK(engine->health());
        JOBS_COMPARE_ROW(cards->get(9002)->row, nlohmann::json({{"as_of_ms", kBaseMs + kHour + 4 * kSecond},
                                                                {"txn_1m", 4},
                                                                {"txn_1h", 4},
                                                                {"amount_1h_cents", 1000},
                                                                {"distinct_merchants_10m", 4},
                                                                {"distinct_countries_24h", 1},
                                                                {"merchant_id", 14}}));
        JOBS_COMPARE_ROW(merchants->get(11)->row, merchantRow(11, kHour + kSecond, 1, 1));

        // The bounded run's flush releases the rest in order.
        KAPPA_VERIFY_OK(engine->runUntilCaughtUp());
        const nlohmann::json flushed = {{"as_of_ms", kBaseMs + kHour + 2 * kMinute},
                                        {"txn_1m", 1},
                                        {"txn_1h", 5},
                                        {"amount_1h_cents", 6000},
                                        {"distinct_merchants_10m", 4},
                                        {"distinct_countries_24h", 2},
                                        {"merchant_id", 11},
                                        {"merchant_txn_1m", 1}};
        JOBS_COMPARE_ROW(cards->get(9002)->row, flushed);
        JOBS_COMPARE_ROW(merchants->get(11)->row, merchantRow(11, kHour + 2 * kMinute, 1, 2));
        KAPPA_VERIFY_OK(engine->stop());
        engine.reset();

        // The checkpointed state (what kappactl reads) has the flushed rows too.
        KAPPA_ASSIGN_OR_FAIL(const std::optional<std::string> card, data.reader().fraudCard(9002, "v1"));
        QVERIFY(card.has_value());
        JOBS_COMPARE_ROW(*card, flushed);

        // A new engine fills its cache from that state before any task runs.
        KAPPA_ASSIGN_OR_FAIL(auto again, data.openEngine({"fraud@v1"}));
        const std::optional<kappa::views::ScoreRow> loaded = again->cardScores("fraud", "v1")->get(9002);
        QVERIFY(loaded.has_value());
        QCOMPARE(QString::fromStdString(loaded->row), QString::fromStdString(*card));
    }

    // v2 (z-score of the amount) beside v1: its own views, the extra field,
    // a score in [0, 1] with at most 3 positive reasons, largest first.
    void v2BesideV1()
    {
        QTemporaryDir dir;
        DataDir data;
        KAPPA_VERIFY_OK(data.open(tempPath(dir, "data"), 4));
        KAPPA_VERIFY_OK(data.append(parseEvents(kCardEvents)));
        KAPPA_ASSIGN_OR_FAIL(const auto reports, data.runUntilCaughtUp({"fraud@v1", "fraud@v2"}));
        QCOMPARE(reports.size(), std::size_t{2});
        KAPPA_ASSIGN_OR_FAIL(const auto v1, data.reader().fraudCard(9001, "v1"));
        KAPPA_ASSIGN_OR_FAIL(const auto v2, data.reader().fraudCard(9001, "v2"));
        QVERIFY(v1 && v2);
        JOBS_COMPARE_ROW(*v1, expectedCard9001());
        const nlohmann::json row = parseRow(*v2);
        QVERIFY(!parseRow(*v1).contains("amount_zscore"));
        QVERIFY(row.contains("amount_zscore"));
        for (const char *field : {"txn_1m", "txn_1h", "amount_1h_cents", "distinct_merchants_10m",
                                  "distinct_countries_24h", "merchant_id"})
            QCOMPARE(row[field].get<std::int64_t>(), expectedCard9001()[field].get<std::int64_t>());
        const double score = row["score"].get<double>();
        QVERIFY(score >= 0.0 && score <= 1.0);
        QVERIFY(row["reasons"].size() <= 3);
        double previous = 1e300;
        for (const auto &reason : row["reasons"]) {
            const double c = reason["contribution"].get<double>();
            QVERIFY(c > 0 && c <= previous);
            previous = c;
        }
    }
};

QTEST_APPLESS_MAIN(TestJobsFraud)
#include "test_jobs_fraud.moc"
