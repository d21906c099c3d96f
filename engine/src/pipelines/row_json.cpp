#include "pipelines/row_json.h"

#include <array>
#include <charconv>
#include <cmath>

namespace kappa::pipelines {

namespace {

bool needsEscape(char c)
{
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
}

// Appends value in decimal without the temporary string std::to_string makes
// (rows are rendered for every touched key on every publish).
void appendInt(std::int64_t value, std::string &out)
{
    std::array<char, 24> buf{};
    const auto result = std::to_chars(buf.data(), buf.data() + buf.size(), value);
    out.append(buf.data(), result.ptr);
}

} // namespace

void appendJsonString(std::string_view s, std::string &out)
{
    out.push_back('"');
    // Field names and most values need no escape: copy runs of plain bytes at once.
    std::size_t plainFrom = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (!needsEscape(c))
            continue;
        out.append(s.data() + plainFrom, i - plainFrom);
        plainFrom = i + 1;
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else {
            static constexpr char kHex[] = "0123456789abcdef";
            const auto u = static_cast<unsigned char>(c);
            out += "\\u00";
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 0xf]);
        }
    }
    out.append(s.data() + plainFrom, s.size() - plainFrom);
    out.push_back('"');
}

void appendFixed6(double value, std::string &out)
{
    if (!std::isfinite(value))
        value = 0.0;
    // Normalise -0.0 (and values that round to it) so equal rows print equally.
    if (value == 0.0 || std::fabs(value) < 0.0000005)
        value = 0.0;
    std::array<char, 64> buf{};
    auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::fixed, 6);
    if (ec != std::errc())
        out += "0.000000";
    else
        out.append(buf.data(), end);
}

void RowJson::separator()
{
    if (!m_first)
        m_out.push_back(',');
    m_first = false;
}

void RowJson::key(std::string_view name)
{
    separator();
    appendJsonString(name, m_out);
    m_out.push_back(':');
}

void RowJson::beginObject()
{
    m_out.push_back('{');
    m_first = true;
}

void RowJson::endObject()
{
    m_out.push_back('}');
    m_first = false;
}

void RowJson::beginArray(std::string_view name)
{
    key(name);
    m_out.push_back('[');
    m_first = true;
}

void RowJson::endArray()
{
    m_out.push_back(']');
    m_first = false;
}

void RowJson::beginElementObject()
{
    separator();
    m_out.push_back('{');
    m_first = true;
}

void RowJson::field(std::string_view name, std::int64_t value)
{
    key(name);
    appendInt(value, m_out);
}

void RowJson::field(std::string_view name, double value)
{
    key(name);
    appendFixed6(value, m_out);
}

void RowJson::field(std::string_view name, bool value)
{
    key(name);
    m_out += value ? "true" : "false";
}

void RowJson::field(std::string_view name, std::string_view value)
{
    key(name);
    appendJsonString(value, m_out);
}

void RowJson::element(std::int64_t value)
{
    separator();
    appendInt(value, m_out);
}

void RowJson::element(std::string_view value)
{
    separator();
    appendJsonString(value, m_out);
}

} // namespace kappa::pipelines
