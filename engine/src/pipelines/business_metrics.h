// business_metrics: tumbling 1-minute event-time windows per source partition.
//
// window_start_ms = floor(ts_ms / 60000) * 60000. Each window has one row per
// category_id seen plus category_id 0 for all categories together; with
// params.perCountry (v2) also one row per country. The aggregate runs per
// source partition: partitions are keyed by user_id and a session belongs to
// one user, so the distinct-session counts of the partitions' partial rows add
// up exactly, and the metrics view sums partials with the same row key.
//
// Lateness: the partition's watermark is (max ts_ms seen) - allowed lateness.
// An event whose window end (window_start_ms + 60000) <= watermark at its
// arrival is counted in droppedLate() and not applied, never silently lost (so
// is an event within a minute of the int64 limits, whose window cannot be
// represented). A window stays updatable until the watermark reaches its end;
// drain() then reports it final and frees it. Which events are late depends on the
// partition's log order, which the log fixes.
#pragma once

#include "kappa/event.h"
#include "kappa/status.h"
#include "pipelines/flat_set.h"
#include "pipelines/job_spec.h"
#include "pipelines/wire.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kappa::pipelines {

inline constexpr std::int64_t kMetricsWindowMs = 60000;

// Category rows are v1's rows; country rows exist only with perCountry (v2).
enum class MetricsDimension : std::uint8_t { Category, Country };

struct MetricsRow
{
    std::int64_t windowStartMs = 0;
    MetricsDimension dimension = MetricsDimension::Category;
    std::int32_t categoryId = 0; // Category rows; 0 = all categories
    std::string country;         // Country rows
    std::int64_t views = 0;
    std::int64_t cartAdds = 0;
    std::int64_t checkouts = 0;
    std::int64_t orders = 0;
    std::int64_t gmvCents = 0;
    std::int64_t sessions = 0;
    std::int64_t purchasingSessions = 0;

    bool operator==(const MetricsRow &) const = default;

    // Unique per (window, dimension, value) and ordered like (window, dimension,
    // value): "<window_start_ms, 20 digits>/category/<category_id, 10 digits>"
    // or ".../country/<country>". Category and country rows never collide.
    std::string rowKey() const;
    // Category rows: exactly {"window_start_ms","category_id","views","cart_adds",
    // "checkouts","orders","gmv_cents","sessions","purchasing_sessions"}; country
    // rows have "country" (a string) in place of "category_id".
    std::string toJson() const;
    // Adds another partition's partial for the same row key.
    void addPartial(const MetricsRow &other);

    // Binary form for the task's keyed table of rows (format byte 1, then the
    // fields in declaration order as wire.h varints and strings).
    void serialize(std::string &out) const;
    // Corruption for anything serialize did not write.
    static Result<MetricsRow> parse(std::string_view in);
};

struct MetricsDelta
{
    std::vector<MetricsRow> changed;            // rows of windows changed since the last drain, by rowKey
    std::vector<std::int64_t> finalizedWindows; // window starts now final and freed, ascending
};

class BusinessMetrics
{
public:
    explicit BusinessMetrics(BusinessMetricsParams params = {});

    // Returns false if the event was too late and only counted as dropped.
    bool apply(const Event &event);

    // Rows of the windows changed since the last drain, then frees the windows
    // whose end is at or below the watermark (their rows were reported by an
    // earlier or this drain).
    MetricsDelta drain();
    // Rows of every open window, by rowKey.
    std::vector<MetricsRow> rows() const;

    std::int64_t droppedLate() const { return m_droppedLate; }
    bool hasWatermark() const { return m_seen; }
    // Saturates at the int64 limits (a huge allowed lateness).
    std::int64_t watermarkMs() const;
    std::size_t openWindows() const { return m_windows.size(); }

    // Format v1: byte 1, then max ts, dropped count and the open windows with
    // their changed flags; per window its cells by category, then by country,
    // keys strictly ascending (parse rejects any other order), and per cell its
    // sessions ascending. The params are not stored: parse takes them.
    void serialize(std::string &out) const;
    static Result<BusinessMetrics> parse(std::string_view bytes, BusinessMetricsParams params);

    bool operator==(const BusinessMetrics &) const = default;

private:
    // The distinct sessions are flat hash sets and the cells of a window
    // sorted vectors: an event then costs no allocation once its cells exist.
    struct Cell
    {
        std::int64_t views = 0;
        std::int64_t cartAdds = 0;
        std::int64_t checkouts = 0;
        std::int64_t orders = 0;
        std::int64_t gmvCents = 0;
        FlatInt64Set sessions;
        FlatInt64Set purchasingSessions;
        bool operator==(const Cell &) const = default;
    };
    // The cells of one dimension of a window, by key. The keys are a separate
    // contiguous vector so that the binary search per event reads a few bytes
    // instead of striding over whole cells.
    template<typename K>
    class Cells
    {
    public:
        std::size_t size() const { return m_keys.size(); }
        const K &key(std::size_t i) const { return m_keys[i]; }
        const Cell &cell(std::size_t i) const { return m_cells[i]; }

        // The cell of key, added (empty) if missing.
        template<typename Key>
        Cell &at(const Key &key)
        {
            const auto it = std::lower_bound(m_keys.begin(), m_keys.end(), key);
            const auto i = static_cast<std::size_t>(it - m_keys.begin());
            if (it == m_keys.end() || *it != key) {
                m_keys.insert(it, K(key));
                m_cells.insert(m_cells.begin() + static_cast<std::ptrdiff_t>(i), Cell{});
            }
            return m_cells[i];
        }
        // A new last cell for parse; nullptr unless key is above every key so far.
        Cell *append(K key)
        {
            if (!m_keys.empty() && !(m_keys.back() < key))
                return nullptr;
            m_keys.push_back(std::move(key));
            return &m_cells.emplace_back();
        }

        bool operator==(const Cells &) const = default;

    private:
        std::vector<K> m_keys;     // ascending, distinct
        std::vector<Cell> m_cells; // m_cells[i] is the cell of m_keys[i]
    };
    struct Window
    {
        bool changed = false;
        Cells<std::int32_t> categories; // includes 0 = all
        Cells<std::string> countries;
        bool operator==(const Window &) const = default;
    };

    static void addToCell(Cell &cell, const Event &event);
    static MetricsRow rowOf(std::int64_t windowStart, const Cell &cell);
    void appendRows(std::int64_t windowStart, const Window &window, std::vector<MetricsRow> &out) const;
    static void writeCell(ByteWriter &w, const Cell &cell);
    static bool readCell(ByteReader &r, Cell &cell);

    BusinessMetricsParams m_params;
    bool m_seen = false;
    std::int64_t m_maxTsMs = 0;
    std::int64_t m_droppedLate = 0;
    std::map<std::int64_t, Window> m_windows; // by window start
};

} // namespace kappa::pipelines
