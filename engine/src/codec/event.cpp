#include "kappa/event.h"

#include <array>

namespace kappa {
namespace {

constexpr std::array<std::string_view, kEventTypeCount> kTypeNames = {
    "view", "search", "cart_add", "cart_remove", "checkout", "purchase",
};

} // namespace

std::string_view eventTypeName(EventType type)
{
    return kTypeNames[static_cast<std::size_t>(type)];
}

std::optional<EventType> parseEventType(std::string_view name)
{
    for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
        if (kTypeNames[i] == name)
            return static_cast<EventType>(i);
    }
    return std::nullopt;
}

std::string eventKey(const Event &event)
{
    return std::to_string(event.userId);
}

} // namespace kappa
