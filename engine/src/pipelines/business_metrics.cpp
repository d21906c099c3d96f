#include "pipelines/business_metrics.h"

#include "pipelines/bucket_ring.h"
#include "pipelines/row_json.h"

#include <cstdio>
#include <limits>

namespace kappa::pipelines {
namespace {

constexpr std::uint8_t kFormatV1 = 1;

std::string zeroPadded(std::int64_t value, int width)
{
    // Window starts and category ids are non-negative in practice; a negative
    // value sorts before all non-negative ones thanks to '-' < '0'.
    std::string digits = std::to_string(value);
    if (static_cast<int>(digits.size()) < width)
        digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
    return digits;
}

} // namespace

std::string MetricsRow::rowKey() const
{
    std::string key = zeroPadded(windowStartMs, 20);
    if (dimension == MetricsDimension::Category)
        key += "/category/" + zeroPadded(categoryId, 10);
    else
        key += "/country/" + country;
    return key;
}

std::string MetricsRow::toJson() const
{
    std::string out;
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
    gmvCents += other.gmvCents;
    sessions += other.sessions;
    purchasingSessions += other.purchasingSessions;
}

BusinessMetrics::BusinessMetrics(BusinessMetricsParams params)
    : m_params(params)
{}

void BusinessMetrics::addToCell(Cell &cell, const Event &event)
{
    cell.sessions.insert(event.sessionId);
    switch (event.type) {
    case EventType::View: ++cell.views; break;
    case EventType::CartAdd: ++cell.cartAdds; break;
    case EventType::Checkout: ++cell.checkouts; break;
    case EventType::Purchase:
        ++cell.orders;
        cell.gmvCents += event.amountCents.value_or(0);
        cell.purchasingSessions.insert(event.sessionId);
        break;
    case EventType::Search:
    case EventType::CartRemove: break;
    }
}

bool BusinessMetrics::apply(const Event &event)
{
    const std::int64_t ts = event.ts.value();
    const std::int64_t windowStart = floorDiv(ts, kMetricsWindowMs) * kMetricsWindowMs;
    if (m_seen && windowStart + kMetricsWindowMs <= watermarkMs()) {
        ++m_droppedLate;
        return false;
    }
    Window &window = m_windows[windowStart];
    window.changed = true;
    addToCell(window.categories[0], event);
    if (event.categoryId != 0)
        addToCell(window.categories[event.categoryId], event);
    if (m_params.perCountry)
        addToCell(window.countries[event.country], event);
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
    for (const auto &[category, cell] : window.categories) {
        MetricsRow row = rowOf(windowStart, cell);
        row.categoryId = category;
        out.push_back(std::move(row));
    }
    for (const auto &[country, cell] : window.countries) {
        MetricsRow row = rowOf(windowStart, cell);
        row.dimension = MetricsDimension::Country;
        row.country = country;
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
    for (const std::set<std::int64_t> *set : {&cell.sessions, &cell.purchasingSessions}) {
        w.putVarU64(set->size());
        for (std::int64_t s : *set)
            w.putVarI64(s);
    }
}

bool BusinessMetrics::readCell(ByteReader &r, Cell &cell)
{
    if (!r.getVarI64(cell.views) || !r.getVarI64(cell.cartAdds) || !r.getVarI64(cell.checkouts)
        || !r.getVarI64(cell.orders) || !r.getVarI64(cell.gmvCents))
        return false;
    for (std::set<std::int64_t> *set : {&cell.sessions, &cell.purchasingSessions}) {
        std::uint64_t n = 0;
        if (!r.getCount(n))
            return false;
        for (std::uint64_t i = 0; i < n; ++i) {
            std::int64_t s = 0;
            if (!r.getVarI64(s) || !set->insert(s).second)
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
        for (const auto &[category, cell] : window.categories) {
            w.putVarI64(category);
            writeCell(w, cell);
        }
        w.putVarU64(window.countries.size());
        for (const auto &[country, cell] : window.countries) {
            w.putString(country);
            writeCell(w, cell);
        }
    }
}

Result<BusinessMetrics> BusinessMetrics::parse(std::string_view bytes, BusinessMetricsParams params)
{
    BusinessMetrics m(params);
    ByteReader r(bytes);
    std::uint8_t format = 0;
    if (r.getU8(format) && format != kFormatV1)
        return Status::corruption("business_metrics state: unknown format " + std::to_string(format));
    r.getBool(m.m_seen);
    r.getVarI64(m.m_maxTsMs);
    r.getVarI64(m.m_droppedLate);
    std::uint64_t windows = 0;
    r.getCount(windows);
    for (std::uint64_t i = 0; r.ok() && i < windows; ++i) {
        std::int64_t start = 0;
        std::uint64_t n = 0;
        if (!r.getVarI64(start) || m.m_windows.count(start) != 0)
            break;
        Window &window = m.m_windows[start];
        r.getBool(window.changed);
        r.getCount(n);
        for (std::uint64_t k = 0; r.ok() && k < n; ++k) {
            std::int64_t category = 0;
            if (r.getVarI64(category)
                && (category < std::numeric_limits<std::int32_t>::min()
                    || category > std::numeric_limits<std::int32_t>::max()))
                r.fail();
            readCell(r, window.categories[static_cast<std::int32_t>(category)]);
        }
        r.getCount(n);
        for (std::uint64_t k = 0; r.ok() && k < n; ++k) {
            std::string country;
            r.getString(country);
            readCell(r, window.countries[country]);
        }
    }
    if (!r.ok() || !r.atEnd() || m.m_windows.size() != windows)
        return Status::corruption("business_metrics state: truncated or malformed bytes");
    return m;
}

} // namespace kappa::pipelines
