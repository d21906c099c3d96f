#include "kappa/clock.h"

#include <chrono>

namespace kappa {
namespace {

class SystemClock final : public Clock
{
public:
    WallTime now() const override
    {
        using namespace std::chrono;
        return WallTime(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
    }
};

} // namespace

Clock &Clock::system()
{
    static SystemClock clock;
    return clock;
}

} // namespace kappa
