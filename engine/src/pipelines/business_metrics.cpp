#include "pipelines/business_metrics.h"

#include "pipelines/bucket_ring.h"
#include "pipelines/row_json.h"
#include "pipelines/wire.h"

#include <cstdio>
#include <limits>

namespace kappa::pipelines {
namespace {

// Bytes reserved for a row's JSON (rows of the sample are about 150 bytes), so that
// rendering allocates once instead of growing the string step by step.
constexpr std::size_t kRowReserve = 256;

constexpr std::uint8_t kFormatV1 = 1;

// The windows whose start and end both fit in an int64. Event times within a
// minute of the int64 limits (hostile input, ~292 million years from the
// epoch) fall outside them and are dropped, so window arithmetic never
// overflows.
constexpr std::int64_t kFirstWindow = std::numeric_limits<std::int64_t>::min() / kMetricsWindowMs;
constexpr std::int64_t kLastWindow = std::numeric_limits<std::int64_t>::max() / kMetricsWindowMs - 1;

bool representableWindowStart(std::int64_t start)
{
    return start % kMetricsWindowMs == 0 && start / kMetricsWindowMs >= kFirstWindow
           && start / kMetricsWindowMs <= kLastWindow;
}

std::string zeroPadded(std::uint64_t value, int width)
{
    std::string digits = std::to_string(value);
    if (static_cast<int>(digits.size()) < width)
        digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
    return digits;
}

// Decimal text that sorts like the numbers. Non-negative values (all of them in
// practice) are zero-padded to `width`; a negative value (event times before
// 1970, hostile category ids) is '-' and 10^19 - |value| in 19 digits, so it
// sorts before every non-negative value ('-' < '0') and among negative ones by
// value (plain "-5" vs "-10" text would sort the wrong way).
std::string orderedDecimal(std::int64_t value, int width)
{
    if (value >= 0)
        return zeroPadded(static_cast<std::uint64_t>(value), width);
    const std::uint64_t magnitude = 0 - static_cast<std::uint64_t>(value); // <= 2^63 < 10^19
    return "-" + zeroPadded(10'000'000'000'000'000'000ull - magnitude, 19);
}

} // namespace

std::string MetricsRow::rowKey() const
{
    std::string key = orderedDecimal(windowStartMs, 20);
    if (dimension == MetricsDimension::Category)
        key += "/category/" + orderedDecimal(categoryId, 10);
    else
        key += "/country/" + country;
    return key;
}

std::string MetricsRow::toJson() const
{
    std::string out;
    out.reserve(kRowReserve);
    RowJson j(out);
    j.beginObject();
    j.field("window_start_ms", windowStartMs);
    if (dimension == MetricsDimension::Category)
        j.field("category_id", std::int64_t{categoryId});
    else
        j.field("country", country);
    j.field("views", views);
    j.field("cart_adds", cartAdds);
    j.field("checkouts", checkouts);
    j.field("orders", orders);
    j.field("gmv_cents", gmvCents);
    j.field("sessions", sessions);
    j.field("purchasing_sessions", purchasingSessions);
    j.endObject();
    return out;
}

void MetricsRow::addPartial(const MetricsRow &other)
{
    views += other.views;
    cartAdds += other.cartAdds;
    checkouts += other.checkouts;
    orders += other.orders;
    gmvCents = addWrapping(gmvCents, other.gmvCents);
    sessions += other.sessions;
    purchasingSessions += other.purchasingSessions;
}

void MetricsRow::serialize(std::string &out) const
{
    ByteWriter w(out);
    w.putU8(1);
    w.putVarI64(windowStartMs);
    w.putU8(static_cast<std::uint8_t>(dimension));
    w.putVarI64(categoryId);
    w.putString(country);
    for (std::int64_t v : {views, cartAdds, checkouts, orders, gmvCents, sessions, purchasingSessions})
        w.putVarI64(v);
}

Result<MetricsRow> MetricsRow::parse(std::string_view in)
{
    ByteReader r(in);
    MetricsRow row;
    std::uint8_t format = 0;
    std::uint8_t dimension = 0;
    std::int64_t category = 0;
    r.getU8(format);
    r.getVarI64(row.windowStartMs);
    r.getU8(dimension);
    r.getVarI64(category);
    r.getString(row.country);
    for (std::int64_t *v : {&row.views, &row.cartAdds, &row.checkouts, &row.orders, &row.gmvCents,
                            &row.sessions, &row.purchasingSessions})
        r.getVarI64(*v);
    if (!r.ok() || !r.atEnd() || format != 1
        || dimension > static_cast<std::uint8_t>(MetricsDimension::Country)
        || category < std::numeric_limits<std::int32_t>::min()
        || category > std::numeric_limits<std::int32_t>::max())
        return Status::corruption("unreadable business metrics row of " + std::to_string(in.size())
                                  + " bytes");
    row.dimension = static_cast<MetricsDimension>(dimension);
    row.categoryId = static_cast<std::int32_t>(category);
    return row;
}

BusinessMetrics::BusinessMetrics(BusinessMetricsParams params)
    : m_params(params)
{}

std::int64_t BusinessMetrics::watermarkMs() const
{
    std::int64_t watermark = 0;
    if (__builtin_sub_overflow(m_maxTsMs, m_params.allowedLatenessMs, &watermark))
        return m_params.allowedLatenessMs > 0 ? std::numeric_limits<std::int64_t>::min()
                                              : std::numeric_limits<std::int64_t>::max();
    return watermark;
}

void BusinessMetrics::addToCell(Cell &cell, const Event &event)
{
    cell.sessions.insert(event.sessionId);
    switch (event.type) {
    case EventType::View: ++cell.views; break;
    case EventType::CartAdd: ++cell.cartAdds; break;
    case EventType::Checkout: ++cell.checkouts; break;
    case EventType::Purchase:
        ++cell.orders;
        cell.gmvCents = addWrapping(cell.gmvCents, event.amountCents.value_or(0));
        cell.purchasingSessions.insert(event.sessionId);
        break;
    case EventType::Search:
    case EventType::CartRemove: break;
    }
}

bool BusinessMetrics::apply(const Event &event)
{
    const std::int64_t ts = event.ts.value();
    const std::int64_t windowIndex = floorDiv(ts, kMetricsWindowMs);
    if (windowIndex < kFirstWindow || windowIndex > kLastWindow) {
        ++m_droppedLate;
        return false;
    }
    const std::int64_t windowStart = windowIndex * kMetricsWindowMs;
    if (m_seen && windowStart + kMetricsWindowMs <= watermarkMs()) {
        ++m_droppedLate;
        return false;
    }
    Window &window = m_windows[windowStart];
    window.changed = true;
    addToCell(window.categories.at(std::int32_t{0}), event);
    if (event.categoryId != 0)
        addToCell(window.categories.at(event.categoryId), event);
    if (m_params.perCountry)
        addToCell(window.countries.at(std::string_view(event.country)), event);
    m_maxTsMs = m_seen ? std::max(m_maxTsMs, ts) : ts;
    m_seen = true;
    return true;
}

MetricsRow BusinessMetrics::rowOf(std::int64_t windowStart, const Cell &cell)
{
    MetricsRow row;
    row.windowStartMs = windowStart;
    row.views = cell.views;
    row.cartAdds = cell.cartAdds;
    row.checkouts = cell.checkouts;
    row.orders = cell.orders;
    row.gmvCents = cell.gmvCents;
    row.sessions = static_cast<std::int64_t>(cell.sessions.size());
    row.purchasingSessions = static_cast<std::int64_t>(cell.purchasingSessions.size());
    return row;
}

// Appends in rowKey order: categories ascending (0 first), then countries.
void BusinessMetrics::appendRows(std::int64_t windowStart, const Window &window,
                                 std::vector<MetricsRow> &out) const
{
    for (std::size_t i = 0; i < window.categories.size(); ++i) {
        MetricsRow row = rowOf(windowStart, window.categories.cell(i));
        row.categoryId = window.categories.key(i);
        out.push_back(std::move(row));
    }
    for (std::size_t i = 0; i < window.countries.size(); ++i) {
        MetricsRow row = rowOf(windowStart, window.countries.cell(i));
        row.dimension = MetricsDimension::Country;
        row.country = window.countries.key(i);
        out.push_back(std::move(row));
    }
}

MetricsDelta BusinessMetrics::drain()
{
    MetricsDelta delta;
    for (auto &[start, window] : m_windows) {
        if (!window.changed)
            continue;
        appendRows(start, window, delta.changed);
        window.changed = false;
    }
    if (!m_seen)
        return delta;
    const std::int64_t watermark = watermarkMs();
    for (auto it = m_windows.begin(); it != m_windows.end() && it->first + kMetricsWindowMs <= watermark;) {
        delta.finalizedWindows.push_back(it->first);
        it = m_windows.erase(it);
    }
    return delta;
}

std::vector<MetricsRow> BusinessMetrics::rows() const
{
    std::vector<MetricsRow> out;
    for (const auto &[start, window] : m_windows)
        appendRows(start, window, out);
    return out;
}

void BusinessMetrics::writeCell(ByteWriter &w, const Cell &cell)
{
    w.putVarI64(cell.views);
    w.putVarI64(cell.cartAdds);
    w.putVarI64(cell.checkouts);
    w.putVarI64(cell.orders);
    w.putVarI64(cell.gmvCents);
    // Ascending, as std::set wrote them in format 1: the bytes do not depend on insertion order.
    for (const FlatInt64Set *set : {&cell.sessions, &cell.purchasingSessions}) {
        w.putVarU64(set->size());
        for (std::int64_t s : set->sortedValues())
            w.putVarI64(s);
    }
}

bool BusinessMetrics::readCell(ByteReader &r, Cell &cell)
{
    if (!r.getVarI64(cell.views) || !r.getVarI64(cell.cartAdds) || !r.getVarI64(cell.checkouts)
        || !r.getVarI64(cell.orders) || !r.getVarI64(cell.gmvCents))
        return false;
    for (FlatInt64Set *set : {&cell.sessions, &cell.purchasingSessions}) {
        std::uint64_t n = 0;
        if (!r.getCount(n))
            return false;
        for (std::uint64_t i = 0; i < n; ++i) {
            std::int64_t s = 0;
            if (!r.getVarI64(s) || !set->insert(s))
                return r.fail();
        }
    }
    return true;
}

void BusinessMetrics::serialize(std::string &out) const
{
    ByteWriter w(out);
    w.putU8(kFormatV1);
    w.putBool(m_seen);
    w.putVarI64(m_maxTsMs);
    w.putVarI64(m_droppedLate);
    w.putVarU64(m_windows.size());
    for (const auto &[start, window] : m_windows) {
        w.putVarI64(start);
        w.putBool(window.changed);
        w.putVarU64(window.categories.size());
        for (std::size_t i = 0; i < window.categories.size(); ++i) {
            w.putVarI64(window.categories.key(i));
            writeCell(w, window.categories.cell(i));
        }
        w.putVarU64(window.countries.size());
        for (std::size_t i = 0; i < window.countries.size(); ++i) {
            w.putString(window.countries.key(i));
            writeCell(w, window.countries.cell(i));
        }
    }
}

Result<BusinessMetrics> BusinessMetrics::parse(std::string_view bytes, BusinessMetricsParams params)
{
    BusinessMetrics m(params);
    ByteReader r(bytes);
    KAPPA_RETURN_IF_ERROR(readFormatByte(r, kFormatV1, "business_metrics state"));
    r.getBool(m.m_seen);
    r.getVarI64(m.m_maxTsMs);
    r.getVarI64(m.m_droppedLate);
    std::uint64_t windows = 0;
    r.getCount(windows);
    for (std::uint64_t i = 0; r.ok() && i < windows; ++i) {
        std::int64_t start = 0;
        std::uint64_t n = 0;
        if (!r.getVarI64(start) || !representableWindowStart(start) || m.m_windows.count(start) != 0)
            break;
        Window &window = m.m_windows[start];
        r.getBool(window.changed);
        r.getCount(n);
        for (std::uint64_t k = 0; r.ok() && k < n; ++k) {
            std::int32_t category = 0;
            if (!r.getVarI32(category))
                break;
            // Strictly ascending keys, as serialize writes them (the lookup
            // per event relies on that order).
            if (Cell *cell = window.categories.append(category))
                readCell(r, *cell);
            else
                r.fail();
        }
        r.getCount(n);
        for (std::uint64_t k = 0; r.ok() && k < n; ++k) {
            std::string country;
            if (!r.getString(country))
                break;
            if (Cell *cell = window.countries.append(std::move(country)))
                readCell(r, *cell);
            else
                r.fail();
        }
    }
    if (!r.ok() || !r.atEnd() || m.m_windows.size() != windows)
        return Status::corruption("business_metrics state: truncated or malformed bytes");
    return m;
}

} // namespace kappa::pipelines
