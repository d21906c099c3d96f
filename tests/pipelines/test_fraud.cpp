// fraud: the score model against hand computations, both rekeyed stages on
// scenario tables, the v2 z-score, and the binary formats.
#include "pipelines/fraud.h"
#include "pipelines_test_util.h"
#include "test_support.h"

#include <cmath>
#include <limits>
#include <map>

using namespace kappa;
using namespace kappa::pipelines;
using pipelinestest::parseEvents;

namespace {

FraudParams weightsOnly(double bias, const std::map<FraudFeature, double> &weights)
{
    FraudParams p;
    p.bias = bias;
    p.weights.fill(0.0);
    for (const auto &[feature, weight] : weights)
        p.weights[static_cast<std::size_t>(feature)] = weight;
    p.amountZscore = weights.count(FraudFeature::AmountZscore) != 0;
    return p;
}

struct Stages
{
    std::map<std::int64_t, MerchantAggregate> merchants;
    std::map<std::int64_t, CardAggregate> cards;

    // Stage M then stage C, as the runtime chains them through the rekey topics.
    void apply(const Event &event, const FraudParams &params)
    {
        const auto payment = toPayment(event);
        if (!payment)
            return;
        const EnrichedPayment enriched = merchants[payment->merchantId].apply(*payment);
        cards[enriched.cardId].apply(enriched, params);
    }
};

Stages runStages(const std::vector<Event> &events, const FraudParams &params)
{
    Stages s;
    for (const Event &e : events)
        s.apply(e, params);
    return s;
}

QString cardRow(qint64 asOf, int txn1m, int txn1h, qint64 amount, int merchants, int countries,
                qint64 merchantId, int merchantTxn1m, const QString &baseline)
{
    return QStringLiteral(
               "{\"card_id\":100,\"as_of_ms\":%1,\"txn_1m\":%2,\"txn_1h\":%3,\"amount_1h_cents\":%4,"
               "\"distinct_merchants_10m\":%5,\"distinct_countries_24h\":%6,\"merchant_id\":%7,"
               "\"merchant_txn_1m\":%8,\"merchant_baseline_per_min\":%9,\"score\":0.500000,"
               "\"flagged\":false,\"reasons\":[]}")
        .arg(asOf)
        .arg(txn1m)
        .arg(txn1h)
        .arg(amount)
        .arg(merchants)
        .arg(countries)
        .arg(merchantId)
        .arg(merchantTxn1m)
        .arg(baseline);
}

QString reasonNames(const CardScoreRow &row)
{
    QStringList names;
    for (const FraudReason &r : row.reasons)
        names << QString::fromUtf8(fraudFeatureName(r.feature).data(),
                                   static_cast<int>(fraudFeatureName(r.feature).size()));
    return names.join(QLatin1Char(','));
}

} // namespace

class TestFraud : public QObject
{
    Q_OBJECT

private slots:
    void test_pipelines_fraud_score_math_data()
    {
        QTest::addColumn<double>("bias");
        QTest::addColumn<QString>("weights");  // name=weight,...
        QTest::addColumn<QString>("features"); // txn1m,txn1h,amount1hCents,merchants,countries,mTxn1m,baseline
        QTest::addColumn<double>("score");
        QTest::addColumn<QString>("reasons");
        // logit = bias + sum(weight * feature); score = 1 / (1 + exp(-logit)).
        QTest::newRow("logit 0") << -2.0 << "txn_1m=0.5,distinct_countries_24h=1"
                                 << "2,0,0,0,1,0,0" << 0.5 << "txn_1m,distinct_countries_24h";
        QTest::newRow("logit 1") << -1.0 << "txn_1m=1"
                                 << "2,0,0,0,0,0,0" << 0.7310585786300049 << "txn_1m";
        QTest::newRow("no features") << -6.0 << "txn_1m=1"
                                     << "0,0,0,0,0,0,0" << 0.0024726231566347743 << "";
        // Contributions: txn_1m 0.5, txn_1h 1, amount_1h 3 units * 0.5 = 1.5, merchants 1,
        // countries 2, velocity 3 / max(1, 0.5) * 0.5 = 1.5; logit = -10 + 7.5 = -2.5.
        // Top 3: countries, then the 1.5 tie in feature order (amount_1h before merchant_velocity).
        QTest::newRow("top 3 with a tie")
            << -10.0
            << "txn_1m=0.5,txn_1h=0.25,amount_1h=0.5,distinct_merchants_10m=1,distinct_countries_24h=2,"
               "merchant_velocity=0.5"
            << "1,4,300,1,1,3,0.5" << 0.07585818002124355
            << "distinct_countries_24h,amount_1h,merchant_velocity";
        QTest::newRow("negative contributions are no reasons") << 0.0 << "txn_1m=-1,txn_1h=1"
                                                               << "1,1,0,0,0,0,0" << 0.5 << "txn_1h";
        QTest::newRow("velocity against a baseline above 1") << -3.0 << "merchant_velocity=1"
                                                             << "0,0,0,0,0,6,2" << 0.5 << "merchant_velocity";
    }

    void test_pipelines_fraud_score_math()
    {
        QFETCH(double, bias);
        QFETCH(QString, weights);
        QFETCH(QString, features);
        QFETCH(double, score);
        QFETCH(QString, reasons);
        std::map<FraudFeature, double> w;
        for (const QString &pair : weights.split(QLatin1Char(','))) {
            for (int i = 0; i < kFraudFeatureCount; ++i) {
                const auto f = static_cast<FraudFeature>(i);
                if (pair.section(QLatin1Char('='), 0, 0).toStdString() == fraudFeatureName(f))
                    w[f] = pair.section(QLatin1Char('='), 1).toDouble();
            }
        }
        const QStringList v = features.split(QLatin1Char(','));
        CardScoreRow row;
        row.txn1m = v[0].toLongLong();
        row.txn1h = v[1].toLongLong();
        row.amount1hCents = v[2].toLongLong();
        row.distinctMerchants10m = v[3].toLongLong();
        row.distinctCountries24h = v[4].toLongLong();
        row.merchantTxn1m = v[5].toLongLong();
        row.merchantBaselinePerMin = v[6].toDouble();
        const FraudParams params = weightsOnly(bias, w);
        scoreCard(row, params);
        QVERIFY2(std::fabs(row.score - score) < 1e-12, qPrintable(QString::number(row.score, 'g', 17)));
        QCOMPARE(reasonNames(row), reasons);
        QCOMPARE(row.flagged, score >= params.flagThreshold);
    }

    void test_pipelines_fraud_stages_data()
    {
        QTest::addColumn<QString>("events");
        QTest::addColumn<QString>("expected");
        // 10-second buckets: as_of 60s is bucket 6; the 1m window is buckets 1..6, so t=0 is out.
        // The merchant's current minute (1) holds one payment; its hour holds three: 3/60.
        QTest::newRow("10-second bucket edges") << "purchase t=0; purchase t=59999; purchase t=60s"
                                                << cardRow(60000, 2, 3, 3000, 1, 1, 200, 1, "0.050000");
        // Checkouts are not payments; a purchase without a card cannot be keyed.
        QTest::newRow("only purchases with a card count")
            << "checkout t=0; purchase t=1s nocard=1; purchase t=2s amount=500"
            << cardRow(2000, 1, 1, 500, 1, 1, 200, 1, "0.016667");
        QTest::newRow("distinct merchants in 10 minutes")
            << "purchase t=0 merchant=4; purchase t=1m merchant=2; purchase t=5m merchant=1;"
               "purchase t=10m merchant=3"
            << cardRow(600000, 1, 4, 4000, 3, 1, 3, 1, "0.016667");
        // as_of 24h: hours 1..24 hold DE and US (FR at hour 0 is out); minute 1380 (23h) is
        // outside the hour's minutes 1381..1440.
        QTest::newRow("distinct countries in 24 hours")
            << "purchase t=0 country=FR; purchase t=1h country=DE; purchase t=23h country=US;"
               "purchase t=24h country=DE"
            << cardRow(86400000, 1, 1, 1000, 1, 2, 200, 1, "0.016667");
        // The merchant fields come from the latest payment by event time, not the last to arrive.
        QTest::newRow("latest payment by event time") << "purchase t=2m merchant=7; purchase t=1m merchant=8"
                                                      << cardRow(120000, 1, 2, 2000, 2, 1, 7, 1, "0.016667");
    }

    void test_pipelines_fraud_stages()
    {
        QFETCH(QString, events);
        QFETCH(QString, expected);
        const FraudParams params = weightsOnly(0.0, {});
        const Stages s = runStages(parseEvents(events), params);
        QVERIFY(s.cards.count(100) == 1);
        QCOMPARE(QString::fromStdString(s.cards.at(100).row(100, params).toJson(params)), expected);
    }

    void test_pipelines_fraud_merchant_row()
    {
        const Stages s = runStages(parseEvents("purchase t=0; purchase t=30s; purchase t=59m; purchase t=60m"
                                               "; purchase t=60m+1s"),
                                   FraudParams{});
        // as_of 60m+1s is minute 60; the hour is minutes 1..60: 59m and the two in minute 60.
        QCOMPARE(s.merchants.at(200).row(200).toJson(),
                 std::string("{\"merchant_id\":200,\"as_of_ms\":3601000,\"txn_1m\":2,\"txn_1h\":3,"
                             "\"baseline_per_min\":0.050000}"));
    }

    // Hostile amounts wrap around in the sums instead of overflowing (UBSan aborts).
    void test_pipelines_fraud_huge_amounts()
    {
        std::vector<Event> events = parseEvents("purchase t=0; purchase t=1s; purchase t=61s");
        for (Event &e : events)
            e.amountCents = std::numeric_limits<std::int64_t>::max();
        const Stages s = runStages(events, FraudParams{});
        const CardScoreRow r = s.cards.at(100).row(100, FraudParams{});
        QCOMPARE(r.txn1h, 3);
        QCOMPARE(r.amount1hCents, std::numeric_limits<std::int64_t>::max() - 2);
        QVERIFY(r.score >= 0.0 && r.score <= 1.0);
    }

    void test_pipelines_fraud_zscore_data()
    {
        QTest::addColumn<QString>("amounts");
        QTest::addColumn<double>("zscore");
        // Against the amounts before it: mean 200, sample variance 10000, sd 100: (1000-200)/100.
        QTest::newRow("outlier") << "100,200,300,1000" << 8.0;
        QTest::newRow("below the mean") << "100,200,300,50" << -1.5;
        QTest::newRow("first payment") << "700" << 0.0;
        QTest::newRow("one earlier payment") << "100,900" << 0.0;
        QTest::newRow("no variance") << "100,100,500" << 0.0;
    }

    void test_pipelines_fraud_zscore()
    {
        QFETCH(QString, amounts);
        QFETCH(double, zscore);
        QString dsl;
        int second = 0;
        for (const QString &a : amounts.split(QLatin1Char(',')))
            dsl += QStringLiteral("purchase t=%1s amount=%2;").arg(++second).arg(a);
        const FraudParams params = weightsOnly(-8.0, {{FraudFeature::AmountZscore, 1.0}});
        const Stages s = runStages(parseEvents(dsl), params);
        const CardScoreRow row = s.cards.at(100).row(100, params);
        QVERIFY2(std::fabs(row.amountZscore - zscore) < 1e-9, qPrintable(QString::number(row.amountZscore)));
        const std::string json = row.toJson(params);
        QVERIFY(json.find("\"amount_zscore\":") != std::string::npos);
        QVERIFY(row.toJson(FraudParams{}).find("\"amount_zscore\":") == std::string::npos);
        if (zscore == 8.0) {
            QCOMPARE(row.score, 0.5);
            QVERIFY(json.find("\"reasons\":[{\"feature\":\"amount_zscore\",\"contribution\":8.000000}]")
                    != std::string::npos);
        }
    }

    void test_pipelines_fraud_to_payment()
    {
        const auto events = parseEvents("purchase t=1s amount=250 card=5 merchant=6 country=DE user=9 id=42;"
                                        "checkout t=2s; view t=3s item=1; purchase t=4s nocard=1");
        const auto p = toPayment(events[0]);
        QVERIFY(p.has_value());
        QCOMPARE(p->eventId, 42);
        QCOMPARE(p->tsMs, 1000);
        QCOMPARE(p->userId, 9);
        QCOMPARE(p->cardId, 5);
        QCOMPARE(p->merchantId, 6);
        QCOMPARE(p->amountCents, 250);
        QCOMPARE(p->country, std::string("DE"));
        QVERIFY(!toPayment(events[1]).has_value());
        QVERIFY(!toPayment(events[2]).has_value());
        QVERIFY(!toPayment(events[3]).has_value());
    }

    // Restoring every aggregate from its bytes after each event changes nothing.
    void test_pipelines_fraud_batches_and_restarts()
    {
        FraudParams params;
        params.amountZscore = true;
        params.weights[static_cast<std::size_t>(FraudFeature::AmountZscore)] = 0.5;
        const auto events = pipelinestest::randomEvents(11, 4000, 5, 2LL * 86400000);
        const Stages whole = runStages(events, params);
        Stages restarted;
        for (const Event &e : events) {
            restarted.apply(e, params);
            for (auto &[id, m] : restarted.merchants) {
                std::string bytes;
                m.serialize(bytes);
                KAPPA_ASSIGN_OR_FAIL(m, MerchantAggregate::parse(bytes));
            }
            for (auto &[id, c] : restarted.cards) {
                std::string bytes;
                c.serialize(bytes);
                KAPPA_ASSIGN_OR_FAIL(c, CardAggregate::parse(bytes));
            }
        }
        QVERIFY(!whole.cards.empty());
        QCOMPARE(restarted.cards.size(), whole.cards.size());
        for (const auto &[id, card] : whole.cards)
            QCOMPARE(restarted.cards.at(id).row(id, params).toJson(params),
                     card.row(id, params).toJson(params));
        for (const auto &[id, merchant] : whole.merchants)
            QCOMPARE(restarted.merchants.at(id).row(id).toJson(), merchant.row(id).toJson());
    }

    void test_pipelines_fraud_round_trips()
    {
        FraudParams params;
        params.amountZscore = true;
        const Stages s = runStages(pipelinestest::randomEvents(5, 600, 2, 3600000), params);
        QVERIFY(!s.cards.empty());
        const CardAggregate &card = s.cards.begin()->second;
        const MerchantAggregate &merchant = s.merchants.begin()->second;
        EnrichedPayment payment = *toPayment(parseEvents("purchase t=5s country=BR")[0]);
        payment.merchantTxn1m = 7;
        payment.merchantBaselinePerMin = 1.25;

        std::string cardBytes, merchantBytes, paymentBytes;
        card.serialize(cardBytes);
        merchant.serialize(merchantBytes);
        payment.serialize(paymentBytes);
        KAPPA_ASSIGN_OR_FAIL(CardAggregate card2, CardAggregate::parse(cardBytes));
        KAPPA_ASSIGN_OR_FAIL(MerchantAggregate merchant2, MerchantAggregate::parse(merchantBytes));
        KAPPA_ASSIGN_OR_FAIL(EnrichedPayment payment2, EnrichedPayment::parse(paymentBytes));
        QVERIFY(card2 == card);
        QVERIFY(merchant2 == merchant);
        QVERIFY(payment2 == payment);

        for (std::size_t n = 0; n < cardBytes.size(); ++n)
            QCOMPARE(CardAggregate::parse(cardBytes.substr(0, n)).status().code(), StatusCode::Corruption);
        for (std::size_t n = 0; n < merchantBytes.size(); ++n)
            QCOMPARE(MerchantAggregate::parse(merchantBytes.substr(0, n)).status().code(),
                     StatusCode::Corruption);
        for (std::size_t n = 0; n < paymentBytes.size(); ++n)
            QCOMPARE(EnrichedPayment::parse(paymentBytes.substr(0, n)).status().code(),
                     StatusCode::Corruption);
        QVERIFY(!EnrichedPayment::parse(paymentBytes + '\0').isOk());
        paymentBytes[0] = 2;
        QCOMPARE(EnrichedPayment::parse(paymentBytes).status().code(), StatusCode::Corruption);
    }
};

QTEST_APPLESS_MAIN(TestFraud)
#include "test_fraud.moc"
