#include "runtime/runtime.h"

#include "base/thread_name.h"
#include "state/state_store.h"

#include <algorithm>

namespace kappa::runtime {

namespace {

int defaultThreads()
{
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

} // namespace

Runtime::Runtime(RuntimeOptions options)
    : m_options(options)
    , m_clock(options.clock ? *options.clock : Clock::system())
    , m_threadCount(options.threads > 0 ? options.threads : defaultThreads())
    , m_history(options.historyCapacity)
{}

Runtime::~Runtime()
{
    if (m_started && !m_stopped)
        (void) stop();
}

void Runtime::addTask(std::unique_ptr<Task> task)
{
    auto slot = std::make_unique<Slot>();
    slot->task = std::move(task);
    m_slots.push_back(std::move(slot));
}

void Runtime::addStateStore(std::string row, std::shared_ptr<const state::StateStore> store)
{
    m_stores.emplace_back(std::move(row), std::move(store));
}

Status Runtime::start()
{
    if (m_started)
        return Status::failedPrecondition("runtime already started");
    m_started = true;
    // No more workers than tasks: an idle worker would only poll.
    const int workers = std::max(1, std::min<int>(m_threadCount, static_cast<int>(m_slots.size())));
    m_workers = std::vector<Worker>(static_cast<std::size_t>(workers));
    for (std::size_t i = 0; i < m_slots.size(); ++i) {
        Worker &home = m_workers[i % m_workers.size()];
        home.tasks.push_back(m_slots[i].get());
        m_slots[i]->home = &home;
    }
    for (Worker &worker : m_workers)
        worker.thread = std::thread([this, &worker] {
            base::nameThisThread("kappa-worker");
            workerLoop(worker);
        });
    m_sampler = std::thread([this] {
        base::nameThisThread("kappa-sampler");
        samplerLoop();
    });

    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_opened == static_cast<int>(m_workers.size()) || !m_failure.isOk(); });
    if (!m_failure.isOk()) {
        Status failure = m_failure;
        lock.unlock();
        (void) stop();
        return failure;
    }
    return Status::ok();
}

void Runtime::workerLoop(Worker &worker)
{
    if (!openTasks(worker)) {
        finish(worker); // the tasks that did open still get their final checkpoint and close
        return;
    }
    std::uint64_t flushSeen = 0;
    while (!m_stopping.load(std::memory_order_acquire)) {
        int stageToFlush = -1;
        {
            std::lock_guard lock(m_mutex);
            if (m_flushRequest != flushSeen) {
                flushSeen = m_flushRequest;
                stageToFlush = m_flushStage;
            }
        }
        if (stageToFlush >= 0) {
            flushStage(worker, stageToFlush);
            std::lock_guard lock(m_mutex);
            ++m_flushAcks;
            m_changed.notify_all();
            continue;
        }
        if (!runRound(worker)) {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, m_options.idleWait, [&] {
                return m_stopping.load(std::memory_order_acquire) || m_flushRequest != flushSeen;
            });
        }
    }
    finish(worker);
}

void Runtime::samplerLoop()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping.load(std::memory_order_acquire)) {
        m_wake.wait_for(lock, m_options.historyInterval);
        if (m_stopping.load(std::memory_order_acquire))
            break;
        lock.unlock();
        sampleHistory();
        lock.lock();
    }
}

void Runtime::sampleHistory()
{
    const WallTime now = m_clock.now();
    m_history.sample(now, metrics());
    for (const auto &[row, store] : m_stores)
        if (const Result<state::StoreSize> size = store->size(); size.isOk())
            m_history.sampleState(now, row, size->bytes(), size->estimatedKeys);
}

bool Runtime::openTasks(Worker &worker)
{
    const auto count = static_cast<std::int64_t>(worker.tasks.size());
    for (std::int64_t index = 0; index < count; ++index) {
        Slot *slot = worker.tasks[static_cast<std::size_t>(index)];
        if (Status opened = slot->task->open(); !opened.isOk()) {
            fail(opened, *slot);
            return false;
        }
        // Staggered: tasks sharing a worker would otherwise all checkpoint in
        // the same round and stall it for the sum of their checkpoints.
        slot->lastCheckpoint = std::chrono::steady_clock::now()
                               - m_options.checkpointInterval * index / count;
        slot->opened.store(true, std::memory_order_release);
        release(*slot);
    }
    std::lock_guard lock(m_mutex);
    ++m_opened;
    m_changed.notify_all();
    return true;
}

// One step of each of the worker's tasks; if none made progress (consumed
// input or settled outputs), one step of each other task that is free. True
// if any made progress.
bool Runtime::runRound(const Worker &worker)
{
    return stepEach(worker, true) || stepEach(worker, false);
}

// One step of each free task whose home is (own) or is not (!own) worker.
bool Runtime::stepEach(const Worker &worker, bool own)
{
    bool progressed = false;
    for (const auto &slot : m_slots) {
        if (m_stopping.load(std::memory_order_acquire))
            return progressed;
        if ((slot->home == &worker) != own || !tryClaim(*slot))
            continue; // not this pass's, or another worker is stepping it
        // Claimed: opened and failed can no longer change under us.
        const bool runnable = slot->opened.load(std::memory_order_acquire) && !slot->failed.load();
        const StepResult result = runnable ? runSlot(*slot) : StepResult::Idle;
        release(*slot);
        if (result == StepResult::Failed)
            return progressed;
        progressed = progressed || result == StepResult::Progressed;
    }
    return progressed;
}

// One step of a claimed task, and its checkpoint when due.
Runtime::StepResult Runtime::runSlot(Slot &slot)
{
    Task &task = *slot.task;
    const std::int64_t progressBefore = m_progress.load(std::memory_order_acquire);
    Result<std::size_t> consumed = task.step();
    if (!consumed.isOk()) {
        fail(consumed.status(), slot);
        return StepResult::Failed;
    }
    if (*consumed > 0) {
        slot.idleSince.store(-1, std::memory_order_release);
        m_progress.fetch_add(static_cast<std::int64_t>(*consumed), std::memory_order_acq_rel);
    } else {
        // A waiting task has input, or outputs not yet readable downstream:
        // the system is not quiet while it waits.
        slot.idleSince.store(task.waiting() ? -1 : progressBefore, std::memory_order_release);
    }
    if (!checkpointWhenDue(slot))
        return StepResult::Failed;
    return *consumed > 0 ? StepResult::Progressed : StepResult::Idle;
}

// Completes the task's started checkpoint once its writes are done, and starts
// the next when due; the task steps on meanwhile. False if the task failed.
bool Runtime::checkpointWhenDue(Slot &slot)
{
    Task &task = *slot.task;
    // Unavailable: a view could not be made durable right now (readers in the way); the
    // state is as before, so the checkpoint waits for the next interval instead of failing.
    const auto fatal = [](const Status &status) {
        return !status.isOk() && status.code() != StatusCode::Unavailable;
    };
    Result<bool> settled = task.pollCheckpoint();
    if (fatal(settled.status())) {
        fail(settled.status(), slot);
        return false;
    }
    if (settled.isOk() && !*settled)
        return true; // still being written
    const auto now = std::chrono::steady_clock::now();
    if (now - slot.lastCheckpoint >= m_options.checkpointInterval) {
        const Status started = task.startCheckpoint();
        if (fatal(started)) {
            fail(started, slot);
            return false;
        }
        slot.lastCheckpoint = now;
    }
    return true;
}

bool Runtime::tryClaim(Slot &slot)
{
    return !slot.claimed.exchange(true, std::memory_order_acquire);
}

void Runtime::claim(Slot &slot)
{
    while (!tryClaim(slot))
        std::this_thread::yield(); // another worker is in one step of it
}

void Runtime::release(Slot &slot)
{
    slot.claimed.store(false, std::memory_order_release);
}

void Runtime::flushStage(Worker &worker, int stage)
{
    for (Slot *slot : worker.tasks) {
        if (slot->task->stage() != stage || !slot->opened.load(std::memory_order_acquire))
            continue;
        claim(*slot);
        Result<std::size_t> released = slot->task->flush();
        release(*slot);
        if (!released.isOk()) {
            fail(released.status(), *slot);
            return;
        }
        if (*released > 0) {
            slot->idleSince.store(-1, std::memory_order_release);
            m_progress.fetch_add(static_cast<std::int64_t>(*released), std::memory_order_acq_rel);
        }
    }
}

void Runtime::finish(Worker &worker)
{
    for (Slot *slot : worker.tasks) {
        if (!slot->opened.load(std::memory_order_acquire))
            continue;
        claim(*slot); // for good: nobody steps a finished task
        if (slot->failed.load())
            continue; // a failed task restarts from its last checkpoint
        Task &task = *slot->task;
        Status status = task.checkpoint();
        // A busy view (Unavailable) gets a few more chances: this is the last checkpoint.
        for (int attempt = 0; attempt < 20 && status.code() == StatusCode::Unavailable; ++attempt) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            status = task.checkpoint();
        }
        if (status.isOk())
            status = task.close();
        if (!status.isOk())
            fail(status, *slot);
    }
}

void Runtime::fail(const Status &status, Slot &slot)
{
    slot.failed.store(true);
    std::lock_guard lock(m_mutex);
    if (m_failure.isOk())
        m_failure = status.withContext("task " + slot.task->name());
    m_stopping.store(true, std::memory_order_release);
    m_wake.notify_all();
    m_changed.notify_all();
}

bool Runtime::quiet() const
{
    const std::int64_t progress = m_progress.load(std::memory_order_acquire);
    return std::all_of(m_slots.begin(), m_slots.end(), [&](const auto &slot) {
        return slot->idleSince.load(std::memory_order_acquire) == progress;
    });
}

Status Runtime::waitQuiet()
{
    while (true) {
        {
            std::lock_guard lock(m_mutex);
            if (!m_failure.isOk())
                return m_failure;
        }
        if (m_stopping.load(std::memory_order_acquire))
            return Status::aborted("runtime stopped");
        if (quiet())
            return Status::ok();
        std::this_thread::sleep_for(std::max(m_options.idleWait, std::chrono::microseconds(200)));
    }
}

Status Runtime::flushAll(int stage)
{
    std::unique_lock lock(m_mutex);
    m_flushStage = stage;
    ++m_flushRequest;
    m_flushAcks = 0;
    m_wake.notify_all();
    m_changed.wait(lock, [&] {
        return m_flushAcks == static_cast<int>(m_workers.size()) || !m_failure.isOk()
               || m_stopping.load(std::memory_order_acquire);
    });
    if (m_failure.isOk() && m_stopping.load(std::memory_order_acquire))
        return Status::aborted("runtime stopped");
    return m_failure;
}

Status Runtime::runUntilCaughtUp()
{
    if (!m_started || m_stopped)
        return Status::failedPrecondition("runtime not running");
    int lastStage = 0;
    for (const auto &slot : m_slots)
        lastStage = std::max(lastStage, slot->task->stage());
    for (int stage = 0; stage <= lastStage; ++stage) {
        KAPPA_RETURN_IF_ERROR(waitQuiet());
        KAPPA_RETURN_IF_ERROR(flushAll(stage));
    }
    return waitQuiet();
}

void Runtime::requestStop()
{
    std::lock_guard lock(m_mutex);
    m_stopping.store(true, std::memory_order_release);
    m_wake.notify_all();
    m_changed.notify_all();
}

Status Runtime::stop()
{
    if (!m_started || m_stopped)
        return health();
    m_stopped = true;
    {
        std::lock_guard lock(m_mutex);
        m_stopping.store(true, std::memory_order_release);
        m_wake.notify_all();
    }
    for (Worker &worker : m_workers)
        if (worker.thread.joinable())
            worker.thread.join();
    if (m_sampler.joinable())
        m_sampler.join();
    sampleHistory(); // the final figures, after the last checkpoints
    return health();
}

Status Runtime::health() const
{
    std::lock_guard lock(m_mutex);
    return m_failure;
}

std::vector<TaskMetricsSnapshot> Runtime::metrics() const
{
    const WallTime now = m_clock.now();
    std::vector<TaskMetricsSnapshot> out;
    out.reserve(m_slots.size());
    for (const auto &slot : m_slots)
        out.push_back(slot->task->metrics().snapshot(now));
    return out;
}

} // namespace kappa::runtime
