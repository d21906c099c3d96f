#include "service/demo_producer.h"

#include "base/thread_name.h"
#include "jobs/data_layout.h"
#include "jobs/event_writer.h"
#include "kappa/clock.h"
#include "kappa/sample_generator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

namespace kappa::service {

namespace {

constexpr std::chrono::milliseconds kTick{10};
// A producer that fell behind (a slow disk) catches up in steps of this many
// events rather than in one huge append.
constexpr double kMaxEventsPerTick = 50'000;

} // namespace

DemoProducer::DemoProducer(EventLog &log, const EventCodec &codec, double eventsPerSecond)
    : m_log(log)
    , m_codec(codec)
    , m_rate(eventsPerSecond)
{}

DemoProducer::~DemoProducer()
{
    stop();
}

Status DemoProducer::start()
{
    if (m_thread.joinable())
        return Status::failedPrecondition("demo producer already running");
    m_stopping.store(false);
    m_thread = std::thread([this] {
        base::nameThisThread("kappa-demo");
        run();
    });
    return Status::ok();
}

void DemoProducer::stop()
{
    m_stopping.store(true);
    if (m_thread.joinable())
        m_thread.join();
}

Status DemoProducer::status() const
{
    std::lock_guard lock(m_mutex);
    return m_status;
}

void DemoProducer::run()
{
    Result<SampleGenerator> generator = SampleGenerator::create(SampleConfig{});
    if (!generator.isOk()) {
        std::lock_guard lock(m_mutex);
        m_status = generator.status();
        return;
    }
    jobs::EventWriter writer(m_log, m_codec, jobs::kEventsTopic);
    std::vector<Event> events;
    // Credit accumulates rate x elapsed time, so that a rate change applies
    // from the next tick and a late tick is made up for.
    double credit = 0.0;
    auto last = std::chrono::steady_clock::now();
    auto next = last;
    while (!m_stopping.load(std::memory_order_relaxed)) {
        next += kTick;
        std::this_thread::sleep_until(next);
        const auto now = std::chrono::steady_clock::now();
        credit += rate() * std::chrono::duration<double>(now - last).count();
        credit = std::min(credit, std::max(rate(), 1.0)); // at most one second of backlog
        last = now;
        const double batch = std::min(std::floor(credit), kMaxEventsPerTick);
        if (batch < 1)
            continue;
        credit -= batch;
        events.clear();
        generator->nextLive(EventTime(Clock::system().now().value()), static_cast<std::size_t>(batch), events);
        if (Status written = writer.write(events); !written.isOk()) {
            std::lock_guard lock(m_mutex);
            m_status = written;
            return;
        }
        m_produced.fetch_add(events.size(), std::memory_order_relaxed);
        if (next < now - std::chrono::seconds(1))
            next = now; // far behind (the machine stalled): do not spin to catch up on ticks
    }
}

} // namespace kappa::service
