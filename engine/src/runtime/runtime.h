// Runtime: runs tasks on a fixed pool of worker threads.
//
// Scheduling: each task has a home worker (round-robin in the order added),
// which opens it, flushes it and takes its final checkpoint. A worker steps
// its tasks in turn, one batch each; when none had input it steps the other
// workers' tasks it finds free, and when those had none either it waits
// briefly. So a worker busy with one task's checkpoint (or a view's lock)
// does not hold its other tasks back while another worker is idle, and
// partitions or jobs of unequal size do not leave a worker idle while the
// other still has work. A task is stepped by one thread at a time: whoever
// steps it claims it first (its state caches are single-threaded; the
// claim's acquire and release order their accesses).
// Nothing queues between tasks: stages exchange records
// through topics of the log, so a slow stage leaves records in the log, not in
// memory (backpressure by construction), and a task reads only as fast as it
// processes.
//
// Checkpoints: whoever steps a task checkpoints it every
// checkpointInterval of wall time. The clock decides only when, never what:
// a checkpoint captures the state after a whole batch, and replaying from
// any checkpoint gives the same output. A periodic checkpoint that fails with
// Unavailable (a view busy) is retried at the next interval; any other
// checkpoint error stops the runtime.
//
// A bounded run (runUntilCaughtUp) waits until the system is quiet, i.e. every
// task has found its input exhausted after the last progress anywhere, then
// flushes stage by stage (each time waiting for quiet again), so that what
// exchanges hold back is released in their deterministic order. A step that
// consumed nothing while the task is waiting() (its input has records it
// could not take yet) does not count as exhausted: flushing an exchange
// before it has read every record of its input would change the order it
// releases them in.
//
// Metrics: a sampler thread records every task's figures, and the size of
// every state store handed to addStateStore(), into history() once per
// historyInterval.
//
// Failure: the first task error stops every worker; the other tasks take a
// final checkpoint, the failed one does not (it restarts from its last one).
//
// Threading: start/runUntilCaughtUp/stop from one controlling thread;
// health() and metrics() from any thread.
#pragma once

#include "kappa/clock.h"
#include "kappa/status.h"
#include "runtime/metrics_history.h"
#include "runtime/task.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace kappa::state {
class StateStore;
} // namespace kappa::state

namespace kappa::runtime {

struct RuntimeOptions
{
    int threads = 0; // 0: one per hardware thread
    std::chrono::milliseconds checkpointInterval{5000};
    std::chrono::microseconds idleWait{1000};        // how long a worker without input sleeps
    Clock *clock = nullptr;                          // nullptr: Clock::system(); for metrics only
    std::chrono::milliseconds historyInterval{1000}; // metrics sampled into history this often
    std::size_t historyCapacity = 3600;              // samples kept per series
};

class Runtime
{
public:
    explicit Runtime(RuntimeOptions options = {});
    ~Runtime(); // stop() if still running
    Runtime(const Runtime &) = delete;
    Runtime &operator=(const Runtime &) = delete;

    // Before start() only.
    void addTask(std::unique_ptr<Task> task);
    // Before start() only: samples the store's size into history() as the
    // store row `row` (see stateRowName) along with the tasks' figures. A
    // size the store cannot tell leaves a gap in the row.
    void addStateStore(std::string row, std::shared_ptr<const state::StateStore> store);
    int threads() const { return m_threadCount; }

    // Starts the workers and opens every task on its worker; returns once all
    // are open, or with the first error (the runtime is then stopped).
    Status start();
    // Blocks until every task has processed its input to the end and the
    // exchanges are flushed (see above), or a task fails.
    Status runUntilCaughtUp();
    // From any thread: the workers finish (final checkpoints) and runUntilCaughtUp returns Aborted.
    void requestStop();
    // Final checkpoint of every healthy task, close, join. Returns the first task error, if any.
    Status stop();

    // Ok, or the first task error.
    Status health() const;
    std::vector<TaskMetricsSnapshot> metrics() const;
    const MetricsHistory &history() const { return m_history; }

private:
    struct Worker;
    struct Slot
    {
        std::unique_ptr<Task> task;
        std::atomic<std::int64_t> idleSince{
            -1}; // the progress count when its last step found nothing; -1 busy
        // Held by the thread stepping, flushing or finishing the task; held
        // from the start until the home worker has opened it, and for good
        // once it is finished.
        std::atomic<bool> claimed{true};
        std::chrono::steady_clock::time_point lastCheckpoint; // by the claimant
        std::atomic<bool> opened{false};
        std::atomic<bool> failed{false};
        const Worker *home = nullptr; // set by start()
    };
    enum class StepResult { Progressed, Idle, Failed };
    struct Worker
    {
        std::vector<Slot *> tasks; // its home tasks; not named `slots`: Qt defines that as a macro
        std::thread thread;
    };

    void workerLoop(Worker &worker);
    void samplerLoop();
    void sampleHistory();
    bool openTasks(Worker &worker);
    bool runRound(const Worker &worker);
    bool stepEach(const Worker &worker, bool own);
    StepResult runSlot(Slot &slot);
    bool checkpointWhenDue(Slot &slot);
    static bool tryClaim(Slot &slot);
    static void claim(Slot &slot);
    static void release(Slot &slot);
    void flushStage(Worker &worker, int stage);
    void finish(Worker &worker);
    void fail(const Status &status, Slot &slot);
    bool quiet() const;
    Status waitQuiet();
    Status flushAll(int stage);

    RuntimeOptions m_options;
    Clock &m_clock;
    int m_threadCount;
    std::vector<std::unique_ptr<Slot>> m_slots;
    std::vector<Worker> m_workers;
    std::vector<std::pair<std::string, std::shared_ptr<const state::StateStore>>> m_stores; // row, store
    MetricsHistory m_history;
    std::thread m_sampler;

    std::atomic<std::int64_t> m_progress{0}; // records consumed or released by any task
    std::atomic<bool> m_stopping{false};
    bool m_started = false;
    bool m_stopped = false;

    mutable std::mutex m_mutex;        // guards everything below
    std::condition_variable m_wake;    // to workers: stop or flush requested
    std::condition_variable m_changed; // to the controller: opened, flushed, failed
    Status m_failure;
    int m_opened = 0;
    int m_flushStage = -1;
    std::uint64_t m_flushRequest = 0;
    int m_flushAcks = 0;
};

} // namespace kappa::runtime
