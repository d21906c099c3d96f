// RateLimiter: a token bucket in events per second, shared by the source tasks
// of one throttled job version (a replay). A task asks how many events it may
// read, reads about that many, and spends what it read; it may overdraw by
// one batch, and the debt delays its next read. The wall clock decides only
// when a task reads, never what it computes, so a throttled replay produces
// exactly the output of an unthrottled one.
//
// Threading: every member may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace kappa::runtime {

class RateLimiter
{
public:
    // eventsPerSecond <= 0 starts paused.
    explicit RateLimiter(double eventsPerSecond);

    // Takes effect at once; 0 (or less) pauses, infinity lifts the limit.
    void setRate(double eventsPerSecond);
    double rate() const;
    // The events a task may read now: 0 while paused or in debt.
    std::int64_t available();
    void spend(std::int64_t events);
    // Every event spent so far (for the measured rate).
    std::int64_t spent() const { return m_spent.load(std::memory_order_relaxed); }

private:
    using Clock = std::chrono::steady_clock;
    // Half a second of tokens: a worker steps several tasks in turn, and a
    // round can take longer than a tenth of a second (with 0.1 s the tokens
    // that accrued meanwhile were lost and a replay ran 15 % under its rate),
    // yet a burst stays within the rate over a few seconds.
    static constexpr double kBurstSeconds = 0.5;
    static constexpr double kMinBurst = 256;
    static constexpr std::int64_t kUnlimited = std::int64_t{1} << 40;
    void refill(Clock::time_point now);
    double burst() const;

    mutable std::mutex m_mutex;
    double m_rate = 0;
    double m_tokens = 0;
    Clock::time_point m_refilledAt = Clock::now();
    std::atomic<std::int64_t> m_spent{0};
};

} // namespace kappa::runtime
