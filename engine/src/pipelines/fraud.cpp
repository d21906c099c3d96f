#include "pipelines/fraud.h"

#include "pipelines/row_json.h"
#include "pipelines/sorted_set.h"
#include "pipelines/wire.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace kappa::pipelines {
namespace {

// Bytes reserved for a row's JSON (rows of the sample are about 430 bytes), so that
// rendering allocates once instead of growing the string step by step.
constexpr std::size_t kRowReserve = 512;

constexpr std::uint8_t kFormatV1 = 1;
constexpr int kMaxReasons = 3;

Status truncated(std::string_view what)
{
    return Status::corruption(std::string(what) + ": truncated or malformed bytes");
}

} // namespace

std::optional<EnrichedPayment> toPayment(const Event &event)
{
    if (event.type != EventType::Purchase || !event.cardId || !event.merchantId)
        return std::nullopt;
    EnrichedPayment p;
    p.eventId = event.eventId;
    p.tsMs = event.ts.value();
    p.userId = event.userId;
    p.cardId = *event.cardId;
    p.merchantId = *event.merchantId;
    p.amountCents = event.amountCents.value_or(0);
    p.country = event.country;
    return p;
}

void EnrichedPayment::serialize(std::string &out) const
{
    ByteWriter w(out);
    w.putU8(kFormatV1);
    w.putVarI64(eventId);
    w.putVarI64(tsMs);
    w.putVarI64(userId);
    w.putVarI64(cardId);
    w.putVarI64(merchantId);
    w.putVarI64(amountCents);
    w.putString(country);
    w.putVarI64(merchantTxn1m);
    w.putDouble(merchantBaselinePerMin);
}

Result<EnrichedPayment> EnrichedPayment::parse(std::string_view bytes)
{
    EnrichedPayment p;
    ByteReader r(bytes);
    KAPPA_RETURN_IF_ERROR(readFormatByte(r, kFormatV1, "enriched payment"));
    r.getVarI64(p.eventId);
    r.getVarI64(p.tsMs);
    r.getVarI64(p.userId);
    r.getVarI64(p.cardId);
    r.getVarI64(p.merchantId);
    r.getVarI64(p.amountCents);
    r.getString(p.country);
    r.getVarI64(p.merchantTxn1m);
    r.getDouble(p.merchantBaselinePerMin);
    if (!r.ok() || !r.atEnd())
        return truncated("enriched payment");
    return p;
}

EnrichedPayment MerchantAggregate::apply(const EnrichedPayment &payment)
{
    m_asOfMs = m_seen ? std::max(m_asOfMs, payment.tsMs) : payment.tsMs;
    m_seen = true;
    if (std::int64_t *count = m_minutes.slotFor(payment.tsMs))
        ++*count;
    const MerchantRow figures = row(payment.merchantId);
    EnrichedPayment enriched = payment;
    enriched.merchantTxn1m = figures.txn1m;
    enriched.merchantBaselinePerMin = figures.baselinePerMin;
    return enriched;
}

MerchantRow MerchantAggregate::row(std::int64_t merchantId) const
{
    MerchantRow row;
    row.merchantId = merchantId;
    row.asOfMs = m_asOfMs;
    if (const std::int64_t *current = m_minutes.current(m_asOfMs))
        row.txn1m = *current;
    m_minutes.forEachInWindow(m_asOfMs, [&](std::int64_t c) { row.txn1h += c; });
    row.baselinePerMin = static_cast<double>(row.txn1h) / 60.0;
    return row;
}

std::string MerchantRow::toJson() const
{
    std::string out;
    RowJson j(out);
    j.beginObject();
    j.field("merchant_id", merchantId);
    j.field("as_of_ms", asOfMs);
    j.field("txn_1m", txn1m);
    j.field("txn_1h", txn1h);
    j.field("baseline_per_min", baselinePerMin);
    j.endObject();
    return out;
}

void MerchantAggregate::serialize(std::string &out) const
{
    ByteWriter w(out);
    w.putU8(kFormatV1);
    w.putBool(m_seen);
    w.putVarI64(m_asOfMs);
    m_minutes.serialize(w, [](ByteWriter &bw, std::int64_t v) { bw.putVarI64(v); });
}

Result<MerchantAggregate> MerchantAggregate::parse(std::string_view bytes)
{
    MerchantAggregate m;
    ByteReader r(bytes);
    KAPPA_RETURN_IF_ERROR(readFormatByte(r, kFormatV1, "merchant state"));
    r.getBool(m.m_seen);
    r.getVarI64(m.m_asOfMs);
    m.m_minutes.parse(r, [](ByteReader &br, std::int64_t &v) { return br.getVarI64(v); });
    if (!r.ok() || !r.atEnd())
        return truncated("merchant state");
    return m;
}

double CardAggregate::zscoreBeforeAdding(std::int64_t amountCents) const
{
    if (m_amountCount < 2)
        return 0.0;
    const double variance = m_amountM2 / static_cast<double>(m_amountCount - 1);
    if (!(variance > 0.0))
        return 0.0;
    return (static_cast<double>(amountCents) - m_amountMean) / std::sqrt(variance);
}

void CardAggregate::apply(const EnrichedPayment &p, const FraudParams &params)
{
    const bool first = !m_seen;
    m_asOfMs = m_seen ? std::max(m_asOfMs, p.tsMs) : p.tsMs;
    m_seen = true;
    if (std::int64_t *count = m_tenSeconds.slotFor(p.tsMs))
        ++*count;
    if (MinuteBucket *minute = m_minutes.slotFor(p.tsMs)) {
        ++minute->count;
        minute->amountCents = addWrapping(minute->amountCents, p.amountCents);
    }
    if (auto *merchants = m_merchants.slotFor(p.tsMs))
        insertSorted(*merchants, p.merchantId);
    if (auto *countries = m_countries.slotFor(p.tsMs))
        insertSorted(*countries, p.country);

    double z = 0.0;
    if (params.amountZscore) {
        z = zscoreBeforeAdding(p.amountCents);
        ++m_amountCount;
        const double x = static_cast<double>(p.amountCents);
        const double delta = x - m_amountMean;
        m_amountMean += delta / static_cast<double>(m_amountCount);
        m_amountM2 += delta * (x - m_amountMean);
    }
    if (first || std::tie(p.tsMs, p.eventId) > std::tie(m_latest.tsMs, m_latest.eventId))
        m_latest = {p.tsMs, p.eventId, p.merchantId, p.merchantTxn1m, p.merchantBaselinePerMin, z};
}

CardScoreRow CardAggregate::row(std::int64_t cardId, const FraudParams &params) const
{
    CardScoreRow row;
    row.cardId = cardId;
    row.asOfMs = m_asOfMs;
    m_tenSeconds.forEachInWindow(m_asOfMs, [&](std::int64_t c) { row.txn1m += c; });
    m_minutes.forEachInWindow(m_asOfMs, [&](const MinuteBucket &b) {
        row.txn1h += b.count;
        row.amount1hCents = addWrapping(row.amount1hCents, b.amountCents);
    });
    std::vector<std::int64_t> merchants;
    m_merchants.forEachInWindow(m_asOfMs, [&](const std::vector<std::int64_t> &b) {
        merchants.insert(merchants.end(), b.begin(), b.end());
    });
    row.distinctMerchants10m = distinctCount(std::move(merchants));
    std::vector<std::string> countries;
    m_countries.forEachInWindow(m_asOfMs, [&](const std::vector<std::string> &b) {
        countries.insert(countries.end(), b.begin(), b.end());
    });
    row.distinctCountries24h = distinctCount(std::move(countries));
    row.merchantId = m_latest.merchantId;
    row.merchantTxn1m = m_latest.merchantTxn1m;
    row.merchantBaselinePerMin = m_latest.merchantBaselinePerMin;
    row.amountZscore = params.amountZscore ? m_latest.amountZscore : 0.0;
    scoreCard(row, params);
    return row;
}

std::array<double, kFraudFeatureCount> fraudFeatures(const CardScoreRow &row)
{
    return {
        static_cast<double>(row.txn1m),
        static_cast<double>(row.txn1h),
        static_cast<double>(row.amount1hCents) / 100.0,
        static_cast<double>(row.distinctMerchants10m),
        static_cast<double>(row.distinctCountries24h),
        static_cast<double>(row.merchantTxn1m) / std::max(1.0, row.merchantBaselinePerMin),
        row.amountZscore,
    };
}

void scoreCard(CardScoreRow &row, const FraudParams &params)
{
    const auto features = fraudFeatures(row);
    double logit = params.bias;
    row.reasons.clear();
    // Summed in the fixed feature order, so the score is the same bits every time.
    for (int i = 0; i < kFraudFeatureCount; ++i) {
        const double contribution = params.weights[static_cast<std::size_t>(i)]
                                    * features[static_cast<std::size_t>(i)];
        logit += contribution;
        if (contribution > 0.0)
            row.reasons.push_back({static_cast<FraudFeature>(i), contribution});
    }
    row.score = 1.0 / (1.0 + std::exp(-logit));
    row.flagged = row.score >= params.flagThreshold;
    // Largest first; equal contributions keep the feature order.
    std::stable_sort(row.reasons.begin(), row.reasons.end(), [](const FraudReason &a, const FraudReason &b) {
        return a.contribution > b.contribution;
    });
    if (row.reasons.size() > kMaxReasons)
        row.reasons.resize(kMaxReasons);
}

std::string CardScoreRow::toJson(const FraudParams &params) const
{
    std::string out;
    out.reserve(kRowReserve);
    RowJson j(out);
    j.beginObject();
    j.field("card_id", cardId);
    j.field("as_of_ms", asOfMs);
    j.field("txn_1m", txn1m);
    j.field("txn_1h", txn1h);
    j.field("amount_1h_cents", amount1hCents);
    j.field("distinct_merchants_10m", distinctMerchants10m);
    j.field("distinct_countries_24h", distinctCountries24h);
    j.field("merchant_id", merchantId);
    j.field("merchant_txn_1m", merchantTxn1m);
    j.field("merchant_baseline_per_min", merchantBaselinePerMin);
    if (params.amountZscore)
        j.field("amount_zscore", amountZscore);
    j.field("score", score);
    j.field("flagged", flagged);
    j.beginArray("reasons");
    for (const FraudReason &r : reasons) {
        j.beginElementObject();
        j.field("feature", fraudFeatureName(r.feature));
        j.field("contribution", r.contribution);
        j.endObject();
    }
    j.endArray();
    j.endObject();
    return out;
}

void CardAggregate::serialize(std::string &out) const
{
    ByteWriter w(out);
    w.putU8(kFormatV1);
    w.putBool(m_seen);
    w.putVarI64(m_asOfMs);
    m_tenSeconds.serialize(w, [](ByteWriter &bw, std::int64_t v) { bw.putVarI64(v); });
    m_minutes.serialize(w, [](ByteWriter &bw, const MinuteBucket &b) {
        bw.putVarI64(b.count);
        bw.putVarI64(b.amountCents);
    });
    m_merchants.serialize(w, [](ByteWriter &bw, const std::vector<std::int64_t> &b) {
        bw.putVarU64(b.size());
        for (std::int64_t m : b)
            bw.putVarI64(m);
    });
    m_countries.serialize(w, [](ByteWriter &bw, const std::vector<std::string> &b) {
        bw.putVarU64(b.size());
        for (const std::string &c : b)
            bw.putString(c);
    });
    w.putVarI64(m_latest.tsMs);
    w.putVarI64(m_latest.eventId);
    w.putVarI64(m_latest.merchantId);
    w.putVarI64(m_latest.merchantTxn1m);
    w.putDouble(m_latest.merchantBaselinePerMin);
    w.putDouble(m_latest.amountZscore);
    w.putVarI64(m_amountCount);
    w.putDouble(m_amountMean);
    w.putDouble(m_amountM2);
}

Result<CardAggregate> CardAggregate::parse(std::string_view bytes)
{
    CardAggregate c;
    ByteReader r(bytes);
    KAPPA_RETURN_IF_ERROR(readFormatByte(r, kFormatV1, "card state"));
    r.getBool(c.m_seen);
    r.getVarI64(c.m_asOfMs);
    c.m_tenSeconds.parse(r, [](ByteReader &br, std::int64_t &v) { return br.getVarI64(v); });
    c.m_minutes.parse(r, [](ByteReader &br, MinuteBucket &b) {
        return br.getVarI64(b.count) && br.getVarI64(b.amountCents);
    });
    c.m_merchants.parse(r, [](ByteReader &br, std::vector<std::int64_t> &b) {
        return readSortedSet(br, b, [](ByteReader &rr, std::int64_t &v) { return rr.getVarI64(v); });
    });
    c.m_countries.parse(r, [](ByteReader &br, std::vector<std::string> &b) {
        return readSortedSet(br, b, [](ByteReader &rr, std::string &v) { return rr.getString(v); });
    });
    r.getVarI64(c.m_latest.tsMs);
    r.getVarI64(c.m_latest.eventId);
    r.getVarI64(c.m_latest.merchantId);
    r.getVarI64(c.m_latest.merchantTxn1m);
    r.getDouble(c.m_latest.merchantBaselinePerMin);
    r.getDouble(c.m_latest.amountZscore);
    r.getVarI64(c.m_amountCount);
    r.getDouble(c.m_amountMean);
    r.getDouble(c.m_amountM2);
    if (!r.ok() || !r.atEnd())
        return truncated("card state");
    return c;
}

} // namespace kappa::pipelines
