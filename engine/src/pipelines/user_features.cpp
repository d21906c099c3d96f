#include "pipelines/user_features.h"

#include "pipelines/row_json.h"
#include "pipelines/sorted_set.h"
#include "pipelines/wire.h"

#include <algorithm>
#include <tuple>

namespace kappa::pipelines {
namespace {

constexpr std::uint8_t kFormatV1 = 1;

} // namespace

void UserFeatures::apply(const Event &event, const UserFeaturesParams &params)
{
    const std::int64_t ts = event.ts.value();
    m_asOfMs = m_seen ? std::max(m_asOfMs, ts) : ts;
    m_seen = true;
    switch (event.type) {
    case EventType::View: applyView(event, params); break;
    case EventType::CartAdd:
        if (HourBucket *hour = m_hours.slotFor(ts))
            ++hour->cartAdds;
        break;
    case EventType::Purchase:
        if (DayBucket *day = m_days.slotFor(ts)) {
            ++day->purchases;
            day->spendCents = addWrapping(day->spendCents, event.amountCents.value_or(0));
        }
        break;
    case EventType::Search:
    case EventType::CartRemove:
    case EventType::Checkout: break;
    }
}

void UserFeatures::applyView(const Event &event, const UserFeaturesParams &params)
{
    const std::int64_t ts = event.ts.value();
    if (std::int64_t *views = m_views5m.slotFor(ts))
        ++*views;
    if (HourBucket *hour = m_hours.slotFor(ts)) {
        ++hour->views;
        insertSorted(hour->categories, event.categoryId);
    }
    if (DayBucket *day = m_days.slotFor(ts)) {
        ++day->views;
        if (params.topCategories7d)
            ++day->categoryViews[event.categoryId];
    }
    if (event.itemId)
        noteRecentItem({ts, event.eventId, *event.itemId});
}

// Keeps the kLastItems distinct items with the newest latest-view key. An item
// dropped from the list has a key below the list's minimum, which only grows,
// so it can come back only with a newer view: the list is the same for any
// arrival order.
void UserFeatures::noteRecentItem(const RecentItem &item)
{
    auto newer = [](const RecentItem &a, const RecentItem &b) {
        return std::tie(a.tsMs, a.eventId) > std::tie(b.tsMs, b.eventId);
    };
    auto same = std::find_if(m_recent.begin(), m_recent.end(),
                             [&](const RecentItem &r) { return r.itemId == item.itemId; });
    if (same != m_recent.end()) {
        if (!newer(item, *same))
            return;
        m_recent.erase(same);
    } else if (m_recent.size() == kLastItems && !newer(item, m_recent.back())) {
        return;
    }
    m_recent.insert(std::upper_bound(m_recent.begin(), m_recent.end(), item, newer), item);
    if (m_recent.size() > kLastItems)
        m_recent.pop_back();
}

UserFeaturesRow UserFeatures::row(std::int64_t userId, const UserFeaturesParams &params) const
{
    UserFeaturesRow row;
    row.userId = userId;
    row.asOfMs = m_asOfMs;
    m_views5m.forEachInWindow(m_asOfMs, [&](std::int64_t v) { row.views1h += v; });
    std::vector<std::int32_t> categories;
    m_hours.forEachInWindow(m_asOfMs, [&](const HourBucket &h) {
        row.views24h += h.views;
        row.cartAdds24h += h.cartAdds;
        categories.insert(categories.end(), h.categories.begin(), h.categories.end());
    });
    row.distinctCategories24h = distinctCount(std::move(categories));
    m_days.forEachInWindow(m_asOfMs, [&](const DayBucket &d) {
        row.purchases30d += d.purchases;
        row.spend30dCents = addWrapping(row.spend30dCents, d.spendCents);
    });
    row.avgOrderValue30dCents = row.purchases30d > 0 ? row.spend30dCents / row.purchases30d : 0;
    for (const RecentItem &r : m_recent)
        row.lastItems.push_back(r.itemId);

    std::map<std::int32_t, std::int64_t> categoryViews;
    m_days.forEachInWindow(m_asOfMs, 7, [&](const DayBucket &d) {
        row.views7d += d.views;
        for (const auto &[category, views] : d.categoryViews)
            categoryViews[category] += views;
    });
    if (params.topCategories7d) {
        for (const auto &[category, views] : categoryViews)
            row.topCategories7d.push_back({category, views});
        std::stable_sort(row.topCategories7d.begin(), row.topCategories7d.end(),
                         [](const CategoryViews &a, const CategoryViews &b) { return a.views > b.views; });
        if (row.topCategories7d.size() > 3)
            row.topCategories7d.resize(3);
    }
    return row;
}

std::string UserFeaturesRow::toJson(const UserFeaturesParams &params) const
{
    std::string out;
    RowJson j(out);
    j.beginObject();
    j.field("user_id", userId);
    j.field("as_of_ms", asOfMs);
    j.field("views_1h", views1h);
    j.field("views_24h", views24h);
    j.field("cart_adds_24h", cartAdds24h);
    j.field("purchases_30d", purchases30d);
    j.field("spend_30d_cents", spend30dCents);
    j.field("avg_order_value_30d_cents", avgOrderValue30dCents);
    j.field("distinct_categories_24h", distinctCategories24h);
    j.beginArray("last_items");
    for (std::int64_t item : lastItems)
        j.element(item);
    j.endArray();
    if (params.views7d)
        j.field("views_7d", views7d);
    if (params.topCategories7d) {
        j.beginArray("top_categories_7d");
        for (const CategoryViews &c : topCategories7d) {
            j.beginElementObject();
            j.field("category_id", std::int64_t{c.categoryId});
            j.field("views", c.views);
            j.endObject();
        }
        j.endArray();
    }
    j.endObject();
    return out;
}

void UserFeatures::serialize(std::string &out) const
{
    ByteWriter w(out);
    w.putU8(kFormatV1);
    w.putBool(m_seen);
    w.putVarI64(m_asOfMs);
    m_views5m.serialize(w, [](ByteWriter &bw, std::int64_t v) { bw.putVarI64(v); });
    m_hours.serialize(w, [](ByteWriter &bw, const HourBucket &h) {
        bw.putVarI64(h.views);
        bw.putVarI64(h.cartAdds);
        bw.putVarU64(h.categories.size());
        for (std::int32_t c : h.categories)
            bw.putVarI64(c);
    });
    m_days.serialize(w, [](ByteWriter &bw, const DayBucket &d) {
        bw.putVarI64(d.purchases);
        bw.putVarI64(d.spendCents);
        bw.putVarI64(d.views);
        bw.putVarU64(d.categoryViews.size());
        for (const auto &[category, views] : d.categoryViews) {
            bw.putVarI64(category);
            bw.putVarI64(views);
        }
    });
    w.putVarU64(m_recent.size());
    for (const RecentItem &r : m_recent) {
        w.putVarI64(r.tsMs);
        w.putVarI64(r.eventId);
        w.putVarI64(r.itemId);
    }
}

Result<UserFeatures> UserFeatures::parse(std::string_view bytes)
{
    UserFeatures f;
    ByteReader r(bytes);
    KAPPA_RETURN_IF_ERROR(readFormatByte(r, kFormatV1, "user_features state"));
    r.getBool(f.m_seen);
    r.getVarI64(f.m_asOfMs);
    f.m_views5m.parse(r, [](ByteReader &br, std::int64_t &v) { return br.getVarI64(v); });
    f.m_hours.parse(r, [](ByteReader &br, HourBucket &h) {
        return br.getVarI64(h.views) && br.getVarI64(h.cartAdds)
               && readSortedSet(br, h.categories,
                                [](ByteReader &rr, std::int32_t &c) { return rr.getVarI32(c); });
    });
    f.m_days.parse(r, [](ByteReader &br, DayBucket &d) {
        std::uint64_t n = 0;
        if (!br.getVarI64(d.purchases) || !br.getVarI64(d.spendCents) || !br.getVarI64(d.views)
            || !br.getCount(n))
            return false;
        for (std::uint64_t i = 0; i < n; ++i) {
            std::int32_t category = 0;
            std::int64_t views = 0;
            if (!br.getVarI32(category) || !br.getVarI64(views))
                return false;
            d.categoryViews[category] = views;
        }
        return true;
    });
    std::uint64_t recent = 0;
    if (r.getCount(recent) && recent > kLastItems)
        r.fail();
    for (std::uint64_t i = 0; r.ok() && i < recent; ++i) {
        RecentItem item;
        r.getVarI64(item.tsMs);
        r.getVarI64(item.eventId);
        r.getVarI64(item.itemId);
        f.m_recent.push_back(item);
    }
    if (!r.ok() || !r.atEnd())
        return Status::corruption("user_features state: truncated or malformed bytes");
    return f;
}

} // namespace kappa::pipelines
