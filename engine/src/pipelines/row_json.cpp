#include "pipelines/row_json.h"

#include <array>
#include <charconv>
#include <cmath>

namespace kappa::pipelines {

void appendJsonString(std::string_view s, std::string &out)
{
    out.push_back('"');
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (u < 0x20) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\u00";
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 0xf]);
        } else {
            out.push_back(c);
        }
    }
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
    m_out += std::to_string(value);
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
    m_out += std::to_string(value);
}

void RowJson::element(std::string_view value)
{
    separator();
    appendJsonString(value, m_out);
}

} // namespace kappa::pipelines
