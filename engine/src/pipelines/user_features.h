// user_features: per-user sliding-window features (key user_id).
//
// All windows are bucket-aligned and relative to the user's as_of_ms, the
// maximum ts_ms seen for that user: views_1h = the current and previous 11
// five-minute buckets; views_24h, cart_adds_24h and distinct_categories_24h =
// 24 hourly buckets; purchases_30d, spend_30d_cents and
// avg_order_value_30d_cents = 30 UTC-day buckets; v2 views_7d and the top 3
// categories by views = the last 7 of those day buckets.
//
// Out-of-order events: an event counts in every window whose buckets contain
// it, relative to the final as_of_ms. An event older than a window's range
// (relative to data already seen) is ignored for that window only (see
// BucketRing), so rows are a function of the set of events, not of their
// arrival order. last_items holds the 5 most recently viewed distinct item
// ids, newest first, ordered by (ts_ms, event_id) of each item's latest view.
#pragma once

#include "kappa/event.h"
#include "kappa/status.h"
#include "pipelines/bucket_ring.h"
#include "pipelines/job_spec.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::pipelines {

struct CategoryViews
{
    std::int32_t categoryId = 0;
    std::int64_t views = 0;
    bool operator==(const CategoryViews &) const = default;
};

struct UserFeaturesRow
{
    std::int64_t userId = 0;
    std::int64_t asOfMs = 0;
    std::int64_t views1h = 0;
    std::int64_t views24h = 0;
    std::int64_t cartAdds24h = 0;
    std::int64_t purchases30d = 0;
    std::int64_t spend30dCents = 0;
    std::int64_t avgOrderValue30dCents = 0; // spend / purchases rounded down; 0 without purchases
    std::int64_t distinctCategories24h = 0;
    std::vector<std::int64_t> lastItems; // newest first, at most 5
    // v2, rendered only when enabled in the params.
    std::int64_t views7d = 0;
    std::vector<CategoryViews> topCategories7d; // views desc, then category id asc; at most 3

    bool operator==(const UserFeaturesRow &) const = default;

    // {"user_id":..,"as_of_ms":..,"views_1h":..,"views_24h":..,"cart_adds_24h":..,
    //  "purchases_30d":..,"spend_30d_cents":..,"avg_order_value_30d_cents":..,
    //  "distinct_categories_24h":..,"last_items":[..]
    //  [,"views_7d":..][,"top_categories_7d":[{"category_id":..,"views":..},..]]}
    std::string toJson(const UserFeaturesParams &params) const;
};

class UserFeatures
{
public:
    static constexpr int kLastItems = 5;
    // Events of one kind in one bucket: 32 bits, as the cache holds an
    // aggregate per user and its size is what the pipeline's speed depends
    // on. A count stops at 2^32 - 1 (one user's events in one bucket) instead
    // of wrapping, which keeps it independent of the order of events.
    using BucketCount = std::uint32_t;

    UserFeatures() = default;

    // Folds one event of this user in. Events of every type move as_of_ms;
    // views, cart adds and purchases feed their windows.
    void apply(const Event &event, const UserFeaturesParams &params);

    // Starts fetching the memory that applying an event of time tsMs uses,
    // without reading any (see KeyedState::prefetch).
    void prefetch(std::int64_t tsMs) const;

    std::int64_t asOfMs() const { return m_asOfMs; }
    bool empty() const { return !m_seen; }
    UserFeaturesRow row(std::int64_t userId, const UserFeaturesParams &params) const;

    // Format v2: byte 2, then the fields (see serialize). parse rejects
    // truncated or trailing bytes and format 1 (no state of it is kept).
    void serialize(std::string &out) const;
    static Result<UserFeatures> parse(std::string_view bytes);

    bool operator==(const UserFeatures &) const = default;

private:
    static constexpr std::int64_t kFiveMinutesMs = 5 * 60 * 1000;
    static constexpr std::int64_t kHourMs = 60 * 60 * 1000;
    static constexpr std::int64_t kDayMs = 24 * kHourMs;
    static constexpr int kHours = 24;
    static constexpr int kDays = 30;
    static constexpr int kTopCategoryDays = 7;

    // Every structure is inline or a vector that only grows with distinct
    // categories, so applying an event allocates nothing in the common case:
    // the aggregate of every user is touched per event and must be cheap.
    struct HourBucket
    {
        BucketCount views = 0;
        BucketCount cartAdds = 0;
        bool operator==(const HourBucket &) const = default;
    };
    struct DayBucket
    {
        std::int64_t spendCents = 0;
        BucketCount purchases = 0;
        BucketCount views = 0;
        bool operator==(const DayBucket &) const = default;
    };
    // The newest hour bucket with a view of a category. A category counts in
    // distinct_categories_24h iff its newest view hour is in the 24-hour
    // window: exactly the categories the 24 hour buckets would hold, as a view
    // that such a bucket would ignore is older than the window for good.
    struct CategoryHour
    {
        std::int32_t categoryId = 0;
        std::int64_t hourBucket = 0;
        bool operator==(const CategoryHour &) const = default;
    };
    // v2: views of a category on a day within the last kTopCategoryDays days.
    struct DayCategoryViews
    {
        std::int64_t dayBucket = 0;
        std::int32_t categoryId = 0;
        std::int64_t views = 0;
        bool operator==(const DayCategoryViews &) const = default;
    };
    struct RecentItem
    {
        std::int64_t tsMs = 0;
        std::int64_t eventId = 0;
        std::int64_t itemId = 0;
        bool operator==(const RecentItem &) const = default;
    };

    void applyView(const Event &event, const UserFeaturesParams &params);
    void noteCategoryHour(std::int32_t categoryId, std::int64_t hourBucket);
    void noteDayCategory(std::int64_t dayBucket, std::int32_t categoryId);
    void noteRecentItem(const RecentItem &item);
    std::int64_t distinctCategories24h() const;
    std::vector<CategoryViews> topCategories7d() const;

    bool m_seen = false;
    std::int64_t m_asOfMs = 0;
    FixedBucketRing<BucketCount, 12, kFiveMinutesMs> m_views5m;
    FixedBucketRing<HourBucket, kHours, kHourMs> m_hours;
    FixedBucketRing<DayBucket, kDays, kDayMs> m_days;
    // Sorted by category; only hours inside the 24-hour window are kept.
    std::vector<CategoryHour> m_categoryHours;
    // v2 only; sorted by (day, category); only days inside the 7-day window are kept.
    std::vector<DayCategoryViews> m_dayCategories;
    // Newest first by (tsMs, eventId), distinct items; the first m_recentCount are used.
    std::array<RecentItem, kLastItems> m_recent{};
    std::uint8_t m_recentCount = 0;
};

} // namespace kappa::pipelines
