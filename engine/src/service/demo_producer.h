// DemoProducer: the sample-event generator in live mode, appending to the
// events topic at a rate that can change while it runs (kappad --demo and
// PUT /api/v1/demo/rate). Event times are the wall clock at generation: the
// demo's input is live data, and the jobs see it only through the log.
//
// Threading: start/stop from one thread; setRate/rate/produced/status from any.
#pragma once

#include "kappa/event_codec.h"
#include "kappa/event_log.h"
#include "kappa/status.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>

namespace kappa::service {

class DemoProducer
{
public:
    DemoProducer(EventLog &log, const EventCodec &codec, double eventsPerSecond);
    ~DemoProducer();
    DemoProducer(const DemoProducer &) = delete;
    DemoProducer &operator=(const DemoProducer &) = delete;

    Status start();
    void stop();

    void setRate(double eventsPerSecond) { m_rate.store(eventsPerSecond, std::memory_order_relaxed); }
    double rate() const { return m_rate.load(std::memory_order_relaxed); }
    std::uint64_t produced() const { return m_produced.load(std::memory_order_relaxed); }
    // The error that stopped the producer, if any.
    Status status() const;

private:
    void run();

    EventLog &m_log;
    const EventCodec &m_codec;
    std::atomic<double> m_rate;
    std::atomic<std::uint64_t> m_produced{0};
    std::atomic<bool> m_stopping{false};
    std::thread m_thread;
    mutable std::mutex m_mutex; // guards m_status
    Status m_status;
};

} // namespace kappa::service
