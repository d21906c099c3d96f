// Canonical JSON for view rows: fields in a fixed order, no whitespace,
// integers in decimal, doubles with exactly six decimals (locale-independent),
// so that view dumps are byte-identical across runs and machines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kappa::pipelines {

class RowJson
{
public:
    explicit RowJson(std::string &out)
        : m_out(out)
    {}

    void beginObject();
    void endObject();
    void beginArray(std::string_view key);
    void endArray();
    // Inside an array: starts an unnamed object element.
    void beginElementObject();

    void field(std::string_view key, std::int64_t value);
    void field(std::string_view key, double value);
    void field(std::string_view key, bool value);
    void field(std::string_view key, std::string_view value);
    void field(std::string_view key, const char *value) { field(key, std::string_view(value)); }
    // Unnamed array elements.
    void element(std::int64_t value);
    void element(std::string_view value);

private:
    void key(std::string_view name);
    void separator();

    std::string &m_out;
    bool m_first = true;
};

// Appends a JSON string literal with the necessary escapes.
void appendJsonString(std::string_view s, std::string &out);
// Appends `value` with exactly six decimals; non-finite values as 0.000000
// (rows never contain them, and JSON has no spelling for them).
void appendFixed6(double value, std::string &out);

} // namespace kappa::pipelines
