// How fast a replay may read: rate = k x the live ingest rate, within a
// floor (so that a replay progresses while ingest is idle) and a cap, times
// a back-off factor that keeps live jobs first (additive increase,
// multiplicative decrease on live lag).
//
// Pure and clock-free: the caller measures and passes the elapsed time, so
// the policy is tested with plain numbers.
#pragma once

#include <optional>
#include <string>

namespace kappa::reprocessing {

struct ThrottleSettings
{
    double rateMultiple = 5.0; // k
    double maxRate = 0;        // events/s; 0: no cap
    double minRate = 1000;     // events/s
    bool paused = false;
};

// A live job version whose lag threatens its SLO.
struct LivePressure
{
    std::string version; // "fraud@v1"
    double lagSeconds = 0;
    double sloSeconds = 0;
};

class ThrottlePolicy
{
public:
    // Back off when a live job's lag reaches this share of its SLO.
    static constexpr double kPressureShare = 0.5;
    static constexpr double kDecrease = 0.5;         // factor multiplied on pressure...
    static constexpr double kDecreaseEverySec = 1.0; // ...at most this often
    static constexpr double kIncreasePerSec = 0.2;   // factor regained per second without pressure
    static constexpr double kMinFactor = 0.02;

    // One control step, `elapsedSec` after the previous one.
    void update(double ingestRate, const ThrottleSettings &settings,
                const std::optional<LivePressure> &pressure, double elapsedSec);

    double targetRate() const { return m_target; }   // k x ingest within floor and cap
    double currentRate() const { return m_current; } // target x factor; 0 while paused
    double factor() const { return m_factor; }
    // Why the current rate is below the target (empty when it is not).
    const std::string &reason() const { return m_reason; }

private:
    double m_factor = 1.0;
    double m_sinceDecrease = kDecreaseEverySec;
    double m_target = 0;
    double m_current = 0;
    std::string m_reason;
};

} // namespace kappa::reprocessing
