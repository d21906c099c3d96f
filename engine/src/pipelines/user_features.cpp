#include "pipelines/user_features.h"

#include "pipelines/row_json.h"
#include "pipelines/wire.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>

namespace kappa::pipelines {
namespace {

// Bytes reserved for a row's JSON (rows of the sample are about 220 bytes), so that
// rendering allocates once instead of growing the string step by step.
constexpr std::size_t kRowReserve = 256;

// Format 2: rings with delta-coded bucket numbers, the category hours instead
// of per-hour category sets, and the v2 day-category views kept apart.
constexpr std::uint8_t kFormatV2 = 2;

void countOne(UserFeatures::BucketCount &count)
{
    count += count != std::numeric_limits<UserFeatures::BucketCount>::max() ? 1 : 0;
}

// A count as serialize wrote it (a varint, as in format 2 when counts had 64
// bits); a negative one is corrupt, a larger one is held at the maximum.
bool readCount(ByteReader &r, UserFeatures::BucketCount &count)
{
    std::int64_t value = 0;
    if (!r.getVarI64(value))
        return false;
    if (value < 0)
        return r.fail();
    count = static_cast<UserFeatures::BucketCount>(
        std::min<std::int64_t>(value, std::numeric_limits<UserFeatures::BucketCount>::max()));
    return true;
}

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
            countOne(hour->cartAdds);
        break;
    case EventType::Purchase:
        if (DayBucket *day = m_days.slotFor(ts)) {
            countOne(day->purchases);
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
    if (BucketCount *views = m_views5m.slotFor(ts))
        countOne(*views);
    if (HourBucket *hour = m_hours.slotFor(ts))
        countOne(hour->views);
    noteCategoryHour(event.categoryId, m_hours.bucketOf(ts));
    if (DayBucket *day = m_days.slotFor(ts))
        countOne(day->views);
    if (params.topCategories7d)
        noteDayCategory(m_days.bucketOf(ts), event.categoryId);
    if (event.itemId)
        noteRecentItem({ts, event.eventId, *event.itemId});
}

void UserFeatures::prefetch(std::int64_t tsMs) const
{
    __builtin_prefetch(this);
    m_views5m.prefetch(tsMs);
    m_hours.prefetch(tsMs);
    m_days.prefetch(tsMs);
    __builtin_prefetch(&m_categoryHours);
    __builtin_prefetch(&m_recent);
}

// Raises the category's newest view hour and forgets the categories whose
// newest view left the 24-hour window (as_of_ms only grows, so they never
// count again; an older view of them later is outside the window too).
void UserFeatures::noteCategoryHour(std::int32_t categoryId, std::int64_t hourBucket)
{
    const std::int64_t oldest = m_hours.bucketOf(m_asOfMs) - kHours + 1;
    if (hourBucket < oldest)
        return;
    auto position = [&] {
        return std::lower_bound(m_categoryHours.begin(), m_categoryHours.end(), categoryId,
                                [](const CategoryHour &c, std::int32_t id) { return c.categoryId < id; });
    };
    auto it = position();
    if (it != m_categoryHours.end() && it->categoryId == categoryId) {
        it->hourBucket = std::max(it->hourBucket, hourBucket);
        return;
    }
    // Only a new category makes the list grow, so that is when it is pruned.
    const auto stale = [&](const CategoryHour &c) { return c.hourBucket < oldest; };
    if (std::any_of(m_categoryHours.begin(), m_categoryHours.end(), stale)) {
        std::erase_if(m_categoryHours, stale);
        it = position();
    }
    m_categoryHours.insert(it, {categoryId, hourBucket});
}

// v2: counts a view of the category on its day. Only the last
// kTopCategoryDays days are ever queried and as_of_ms only grows, so older
// days are dropped; within them the day ring would never ignore the view.
void UserFeatures::noteDayCategory(std::int64_t dayBucket, std::int32_t categoryId)
{
    const std::int64_t oldest = m_days.bucketOf(m_asOfMs) - kTopCategoryDays + 1;
    std::erase_if(m_dayCategories, [&](const DayCategoryViews &d) { return d.dayBucket < oldest; });
    if (dayBucket < oldest)
        return;
    auto it = std::lower_bound(m_dayCategories.begin(), m_dayCategories.end(),
                               std::pair(dayBucket, categoryId),
                               [](const DayCategoryViews &d,
                                  const std::pair<std::int64_t, std::int32_t> &key) {
                                   return std::pair(d.dayBucket, d.categoryId) < key;
                               });
    if (it != m_dayCategories.end() && it->dayBucket == dayBucket && it->categoryId == categoryId)
        ++it->views;
    else
        m_dayCategories.insert(it, {dayBucket, categoryId, 1});
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
    auto used = m_recent.begin() + m_recentCount;
    auto same = std::find_if(m_recent.begin(), used,
                             [&](const RecentItem &r) { return r.itemId == item.itemId; });
    if (same != used) {
        if (!newer(item, *same))
            return;
        // Remove it; the freed last entry is reset so that equal lists compare equal.
        std::move(same + 1, used, same);
        --used;
        *used = RecentItem{};
        --m_recentCount;
    } else if (m_recentCount == kLastItems) {
        if (!newer(item, m_recent.back()))
            return;
        --used; // the oldest item makes room
        --m_recentCount;
    }
    auto at = std::upper_bound(m_recent.begin(), used, item, newer);
    std::move_backward(at, used, used + 1);
    *at = item;
    ++m_recentCount;
}

std::int64_t UserFeatures::distinctCategories24h() const
{
    const std::int64_t cur = m_hours.bucketOf(m_asOfMs);
    return std::count_if(m_categoryHours.begin(), m_categoryHours.end(), [&](const CategoryHour &c) {
        return c.hourBucket <= cur && c.hourBucket > cur - kHours;
    });
}

// Views desc, then category id asc; at most 3.
std::vector<CategoryViews> UserFeatures::topCategories7d() const
{
    const std::int64_t cur = m_days.bucketOf(m_asOfMs);
    std::vector<CategoryViews> totals;
    for (const DayCategoryViews &d : m_dayCategories) {
        if (d.dayBucket <= cur && d.dayBucket > cur - kTopCategoryDays)
            totals.push_back({d.categoryId, d.views});
    }
    std::sort(totals.begin(), totals.end(),
              [](const CategoryViews &a, const CategoryViews &b) { return a.categoryId < b.categoryId; });
    // Merge the days of each category (adjacent after the sort).
    std::size_t merged = 0;
    for (std::size_t i = 0; i < totals.size(); ++i) {
        if (merged > 0 && totals[merged - 1].categoryId == totals[i].categoryId)
            totals[merged - 1].views += totals[i].views;
        else
            totals[merged++] = totals[i];
    }
    totals.resize(merged);
    std::stable_sort(totals.begin(), totals.end(),
                     [](const CategoryViews &a, const CategoryViews &b) { return a.views > b.views; });
    if (totals.size() > 3)
        totals.resize(3);
    return totals;
}

UserFeaturesRow UserFeatures::row(std::int64_t userId, const UserFeaturesParams &params) const
{
    UserFeaturesRow row;
    row.userId = userId;
    row.asOfMs = m_asOfMs;
    m_views5m.forEachInWindow(m_asOfMs, [&](BucketCount v) { row.views1h += v; });
    m_hours.forEachInWindow(m_asOfMs, [&](const HourBucket &h) {
        row.views24h += h.views;
        row.cartAdds24h += h.cartAdds;
    });
    row.distinctCategories24h = distinctCategories24h();
    m_days.forEachInWindow(m_asOfMs, [&](const DayBucket &d) {
        row.purchases30d += d.purchases;
        row.spend30dCents = addWrapping(row.spend30dCents, d.spendCents);
    });
    row.avgOrderValue30dCents = row.purchases30d > 0 ? row.spend30dCents / row.purchases30d : 0;
    row.lastItems.reserve(m_recentCount);
    for (std::size_t i = 0; i < m_recentCount; ++i)
        row.lastItems.push_back(m_recent[i].itemId);
    m_days.forEachInWindow(m_asOfMs, kTopCategoryDays, [&](const DayBucket &d) { row.views7d += d.views; });
    if (params.topCategories7d)
        row.topCategories7d = topCategories7d();
    return row;
}

std::string UserFeaturesRow::toJson(const UserFeaturesParams &params) const
{
    std::string out;
    out.reserve(kRowReserve);
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

// Format 2, after the format byte:
//   bool seen, zigzag as_of_ms,
//   the 5-minute ring (value: zigzag views), the hour ring (zigzag views,
//   zigzag cart adds), the day ring (zigzag purchases, spend, views), each as
//   FixedBucketRing writes it,
//   varint n, n x (zigzag category id, zigzag (as_of hour - newest view hour)), categories ascending,
//   varint n, n x (zigzag (as_of day - day), zigzag category id, zigzag views), ascending by (day, category),
//   varint n <= 5, n x (zigzag ts_ms, zigzag event id, zigzag item id), newest first.
// Bucket numbers relative to as_of take a byte or two instead of five.
void UserFeatures::serialize(std::string &out) const
{
    ByteWriter w(out);
    w.putU8(kFormatV2);
    w.putBool(m_seen);
    w.putVarI64(m_asOfMs);
    m_views5m.serialize(w, [](ByteWriter &bw, BucketCount v) { bw.putVarI64(v); });
    m_hours.serialize(w, [](ByteWriter &bw, const HourBucket &h) {
        bw.putVarI64(h.views);
        bw.putVarI64(h.cartAdds);
    });
    m_days.serialize(w, [](ByteWriter &bw, const DayBucket &d) {
        bw.putVarI64(d.purchases);
        bw.putVarI64(d.spendCents);
        bw.putVarI64(d.views);
    });
    const std::int64_t hour = m_hours.bucketOf(m_asOfMs);
    w.putVarU64(m_categoryHours.size());
    for (const CategoryHour &c : m_categoryHours) {
        w.putVarI64(c.categoryId);
        w.putVarI64(hour - c.hourBucket);
    }
    const std::int64_t day = m_days.bucketOf(m_asOfMs);
    w.putVarU64(m_dayCategories.size());
    for (const DayCategoryViews &d : m_dayCategories) {
        w.putVarI64(day - d.dayBucket);
        w.putVarI64(d.categoryId);
        w.putVarI64(d.views);
    }
    w.putVarU64(m_recentCount);
    for (std::size_t i = 0; i < m_recentCount; ++i) {
        w.putVarI64(m_recent[i].tsMs);
        w.putVarI64(m_recent[i].eventId);
        w.putVarI64(m_recent[i].itemId);
    }
}

Result<UserFeatures> UserFeatures::parse(std::string_view bytes)
{
    UserFeatures f;
    ByteReader r(bytes);
    KAPPA_RETURN_IF_ERROR(readFormatByte(r, kFormatV2, "user_features state"));
    r.getBool(f.m_seen);
    r.getVarI64(f.m_asOfMs);
    f.m_views5m.parse(r, [](ByteReader &br, BucketCount &v) { return readCount(br, v); });
    f.m_hours.parse(r, [](ByteReader &br, HourBucket &h) {
        return readCount(br, h.views) && readCount(br, h.cartAdds);
    });
    f.m_days.parse(r, [](ByteReader &br, DayBucket &d) {
        return readCount(br, d.purchases) && br.getVarI64(d.spendCents) && readCount(br, d.views);
    });
    if (f.m_views5m.holdsBucketAfter(f.m_asOfMs) || f.m_hours.holdsBucketAfter(f.m_asOfMs)
        || f.m_days.holdsBucketAfter(f.m_asOfMs))
        r.fail();
    // Bucket numbers are relative to as_of; a distance that would overflow is corrupt.
    auto relative = [&r](std::int64_t base, std::int64_t &bucket) {
        std::int64_t distance = 0;
        if (!r.getVarI64(distance))
            return false;
        if (__builtin_sub_overflow(base, distance, &bucket))
            return r.fail();
        return true;
    };
    const std::int64_t hour = f.m_hours.bucketOf(f.m_asOfMs);
    std::uint64_t n = 0;
    r.getCount(n);
    for (std::uint64_t i = 0; r.ok() && i < n; ++i) {
        CategoryHour c;
        if (!r.getVarI32(c.categoryId) || !relative(hour, c.hourBucket))
            break;
        if (!f.m_categoryHours.empty() && f.m_categoryHours.back().categoryId >= c.categoryId)
            r.fail(); // not strictly ascending
        f.m_categoryHours.push_back(c);
    }
    const std::int64_t day = f.m_days.bucketOf(f.m_asOfMs);
    n = 0;
    r.getCount(n);
    for (std::uint64_t i = 0; r.ok() && i < n; ++i) {
        DayCategoryViews d;
        if (!relative(day, d.dayBucket) || !r.getVarI32(d.categoryId) || !r.getVarI64(d.views))
            break;
        const auto &last = f.m_dayCategories;
        if (!last.empty()
            && std::pair(last.back().dayBucket, last.back().categoryId)
                   >= std::pair(d.dayBucket, d.categoryId))
            r.fail();
        f.m_dayCategories.push_back(d);
    }
    n = 0;
    if (r.getCount(n) && n > kLastItems)
        r.fail();
    for (std::uint64_t i = 0; r.ok() && i < n; ++i) {
        RecentItem &item = f.m_recent[i];
        r.getVarI64(item.tsMs);
        r.getVarI64(item.eventId);
        r.getVarI64(item.itemId);
    }
    f.m_recentCount = static_cast<std::uint8_t>(r.ok() ? n : 0);
    if (!r.ok() || !r.atEnd())
        return Status::corruption("user_features state: truncated or malformed bytes");
    return f;
}

} // namespace kappa::pipelines
