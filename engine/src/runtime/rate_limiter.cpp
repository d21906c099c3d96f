#include "runtime/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace kappa::runtime {

RateLimiter::RateLimiter(double eventsPerSecond)
    : m_rate(std::max(0.0, eventsPerSecond))
{}

void RateLimiter::setRate(double eventsPerSecond)
{
    std::lock_guard lock(m_mutex);
    refill(Clock::now());
    m_rate = std::isnan(eventsPerSecond) ? 0.0 : std::max(0.0, eventsPerSecond);
    m_tokens = std::min(m_tokens, burst());
}

double RateLimiter::rate() const
{
    std::lock_guard lock(m_mutex);
    return m_rate;
}

std::int64_t RateLimiter::available()
{
    std::lock_guard lock(m_mutex);
    if (std::isinf(m_rate))
        return kUnlimited;
    refill(Clock::now());
    return m_rate > 0 && m_tokens >= 1 ? static_cast<std::int64_t>(m_tokens) : 0;
}

void RateLimiter::spend(std::int64_t events)
{
    m_spent.fetch_add(events, std::memory_order_relaxed);
    std::lock_guard lock(m_mutex);
    m_tokens -= static_cast<double>(events);
}

void RateLimiter::refill(Clock::time_point now)
{
    const double seconds = std::chrono::duration<double>(now - m_refilledAt).count();
    m_refilledAt = now;
    if (std::isinf(m_rate)) {
        m_tokens = 0;
        return;
    }
    m_tokens = std::min(burst(), m_tokens + seconds * m_rate);
}

double RateLimiter::burst() const
{
    return std::max(kMinBurst, m_rate * kBurstSeconds);
}

} // namespace kappa::runtime
