// fraud: two rekeyed stages over payments.
//
// Stage M (MerchantAggregate, keyed by merchant_id) consumes purchase events.
// Checkouts are not payments: a checkout that succeeds is followed by its
// purchase, so counting both would double every payment, and an abandoned
// checkout moved no money. Purchases without card_id or merchant_id cannot be
// rekeyed and are skipped (toPayment returns nothing). Stage M emits an
// EnrichedPayment (the payment plus the merchant's txn_1m and per-minute
// baseline right after applying it) that the runtime rekeys by card_id.
//
// Stage C (CardAggregate, keyed by card_id) consumes EnrichedPayments and
// computes the card's windows and its score. Windows follow the BucketRing
// rules relative to the key's as_of_ms (max ts_ms seen). The merchant fields of
// a card row come from the card's latest payment by (ts_ms, event_id). The v2
// amount z-score uses running statistics (Welford) in the per-card order of
// the rekey topic, which the log fixes.
#pragma once

#include "kappa/event.h"
#include "kappa/status.h"
#include "pipelines/bucket_ring.h"
#include "pipelines/job_spec.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::pipelines {

struct EnrichedPayment
{
    std::int64_t eventId = 0;
    std::int64_t tsMs = 0;
    std::int64_t userId = 0;
    std::int64_t cardId = 0;
    std::int64_t merchantId = 0;
    std::int64_t amountCents = 0; // 0 if the purchase carried no amount
    std::string country;
    std::int64_t merchantTxn1m = 0;      // merchant payments in its current minute bucket
    double merchantBaselinePerMin = 0.0; // merchant payments in its 60 minute buckets / 60

    bool operator==(const EnrichedPayment &) const = default;

    // Format v1: byte 1, then the fields. parse rejects truncated or trailing bytes.
    void serialize(std::string &out) const;
    static Result<EnrichedPayment> parse(std::string_view bytes);
};

// A purchase with card and merchant as a payment (merchant fields zero), or nothing.
std::optional<EnrichedPayment> toPayment(const Event &event);

struct MerchantRow
{
    std::int64_t merchantId = 0;
    std::int64_t asOfMs = 0;
    std::int64_t txn1m = 0;      // payments in the current one-minute bucket
    std::int64_t txn1h = 0;      // payments in the 60 one-minute buckets
    double baselinePerMin = 0.0; // txn1h / 60

    bool operator==(const MerchantRow &) const = default;
    // {"merchant_id":..,"as_of_ms":..,"txn_1m":..,"txn_1h":..,"baseline_per_min":..}
    std::string toJson() const;
};

class MerchantAggregate
{
public:
    // Folds the payment in and returns it enriched with the merchant's figures.
    EnrichedPayment apply(const EnrichedPayment &payment);
    MerchantRow row(std::int64_t merchantId) const;

    void serialize(std::string &out) const;
    static Result<MerchantAggregate> parse(std::string_view bytes);
    bool operator==(const MerchantAggregate &) const = default;

private:
    bool m_seen = false;
    std::int64_t m_asOfMs = 0;
    BucketRing<std::int64_t> m_minutes{60, 60 * 1000};
};

struct FraudReason
{
    FraudFeature feature = FraudFeature::Txn1m;
    double contribution = 0.0; // weight * value, > 0
    bool operator==(const FraudReason &) const = default;
};

struct CardScoreRow
{
    std::int64_t cardId = 0;
    std::int64_t asOfMs = 0;
    std::int64_t txn1m = 0;
    std::int64_t txn1h = 0;
    std::int64_t amount1hCents = 0;
    std::int64_t distinctMerchants10m = 0;
    std::int64_t distinctCountries24h = 0;
    std::int64_t merchantId = 0; // of the latest payment
    std::int64_t merchantTxn1m = 0;
    double merchantBaselinePerMin = 0.0;
    double amountZscore = 0.0;        // v2; rendered only with params.amountZscore
    double score = 0.0;               // logistic(bias + sum of weight * feature), in [0, 1]
    bool flagged = false;             // score >= flag threshold
    std::vector<FraudReason> reasons; // top 3 positive contributions, largest first

    bool operator==(const CardScoreRow &) const = default;
    // {"card_id":..,"as_of_ms":..,"txn_1m":..,"txn_1h":..,"amount_1h_cents":..,
    //  "distinct_merchants_10m":..,"distinct_countries_24h":..,"merchant_id":..,
    //  "merchant_txn_1m":..,"merchant_baseline_per_min":..[,"amount_zscore":..],
    //  "score":..,"flagged":..,"reasons":[{"feature":"..","contribution":..},..]}
    std::string toJson(const FraudParams &params) const;
};

// The feature values of a row, indexed by FraudFeature.
std::array<double, kFraudFeatureCount> fraudFeatures(const CardScoreRow &row);
// Fills score, flagged and reasons of `row` from its features.
void scoreCard(CardScoreRow &row, const FraudParams &params);

class CardAggregate
{
public:
    void apply(const EnrichedPayment &payment, const FraudParams &params);
    CardScoreRow row(std::int64_t cardId, const FraudParams &params) const;

    void serialize(std::string &out) const;
    static Result<CardAggregate> parse(std::string_view bytes);
    bool operator==(const CardAggregate &) const = default;

private:
    struct MinuteBucket
    {
        std::int64_t count = 0;
        std::int64_t amountCents = 0;
        bool operator==(const MinuteBucket &) const = default;
    };
    struct Latest
    {
        std::int64_t tsMs = 0;
        std::int64_t eventId = 0;
        std::int64_t merchantId = 0;
        std::int64_t merchantTxn1m = 0;
        double merchantBaselinePerMin = 0.0;
        double amountZscore = 0.0;
        bool operator==(const Latest &) const = default;
    };

    double zscoreBeforeAdding(std::int64_t amountCents) const;

    bool m_seen = false;
    std::int64_t m_asOfMs = 0;
    BucketRing<std::int64_t> m_tenSeconds{6, 10 * 1000};
    BucketRing<MinuteBucket> m_minutes{60, 60 * 1000};
    BucketRing<std::vector<std::int64_t>> m_merchants{10, 60 * 1000};     // sorted, distinct
    BucketRing<std::vector<std::string>> m_countries{24, 60 * 60 * 1000}; // sorted, distinct
    Latest m_latest;
    // Welford's running amount statistics (v2 only).
    std::int64_t m_amountCount = 0;
    double m_amountMean = 0.0;
    double m_amountM2 = 0.0;
};

} // namespace kappa::pipelines
