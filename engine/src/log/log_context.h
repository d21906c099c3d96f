// What every partition of one LocalLog shares: options, the seams, the
// log-wide failure state and the counters.
#pragma once

#include "kappa/clock.h"
#include "kappa/file_system.h"
#include "kappa/local_log.h"

#include <atomic>
#include <mutex>

namespace kappa::log {

// The failed state. The first failure wins and is kept forever: a log whose
// write or sync failed cannot know what reached the disk, so nothing may be
// retried or acknowledged after it (see local_log.h).
class LogHealth
{
public:
    void fail(const Status &cause)
    {
        std::lock_guard lock(m_mutex);
        if (m_failed.load(std::memory_order_relaxed))
            return;
        m_cause = Status::internal("event log failed and refuses further appends: " + cause.toString());
        m_failed.store(true, std::memory_order_release);
    }
    bool failed() const { return m_failed.load(std::memory_order_acquire); }
    // Ok, or the Internal status describing the first failure.
    Status status() const
    {
        if (!failed())
            return Status::ok();
        std::lock_guard lock(m_mutex);
        return m_cause;
    }

private:
    std::atomic<bool> m_failed{false};
    mutable std::mutex m_mutex;
    Status m_cause;
};

struct LogCounters
{
    std::atomic<std::uint64_t> appendCalls{0};
    std::atomic<std::uint64_t> syncs{0};
    std::atomic<std::uint64_t> bytesWritten{0};
    std::atomic<std::uint64_t> segmentsRolled{0};
    std::atomic<std::uint64_t> segmentsDeleted{0};
    std::atomic<std::uint64_t> tailBytesTruncated{0};
};

struct LogContext
{
    LogContext(FileSystem &f, Clock &c, const LocalLogOptions &o)
        : fs(f)
        , clock(c)
        , options(o)
    {}

    FileSystem &fs;
    Clock &clock;
    LocalLogOptions options;
    LogHealth health;
    LogCounters counters;
};

} // namespace kappa::log
