#include "reprocessing/throttle_policy.h"

#include <algorithm>
#include <cstdio>

namespace kappa::reprocessing {
namespace {

std::string format(const char *pattern, double a, double b = 0, double c = 0)
{
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, pattern, a, b, c);
    return buffer;
}

} // namespace

void ThrottlePolicy::update(double ingestRate, const ThrottleSettings &settings,
                            const std::optional<LivePressure> &pressure, double elapsedSec)
{
    double target = std::max(0.0, settings.rateMultiple) * std::max(0.0, ingestRate);
    target = std::max(target, settings.minRate);
    if (settings.maxRate > 0)
        target = std::min(target, settings.maxRate);
    m_target = target;

    m_sinceDecrease += elapsedSec;
    if (pressure) {
        if (m_sinceDecrease >= kDecreaseEverySec) {
            m_factor = std::max(kMinFactor, m_factor * kDecrease);
            m_sinceDecrease = 0;
        }
    } else {
        m_factor = std::min(1.0, m_factor + kIncreasePerSec * elapsedSec);
    }

    m_current = settings.paused ? 0.0 : m_target * m_factor;
    if (settings.paused)
        m_reason = "paused";
    else if (pressure)
        m_reason = pressure->version + " lags "
                   + format("%.2f s (SLO %.1f s): backing off to %.0f %% of the target", pressure->lagSeconds,
                            pressure->sloSeconds, 100.0 * m_factor);
    else if (m_factor < 1.0)
        m_reason = format("recovering after live lag: %.0f %% of the target", 100.0 * m_factor);
    else
        m_reason.clear();
}

} // namespace kappa::reprocessing
