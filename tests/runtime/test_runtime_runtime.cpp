// Runtime: tasks opened once and called on one thread each, periodic and
// final checkpoints, failures (in step and in open), bounded runs that flush
// stage by stage (also over a log whose appends become readable late),
// metrics and their history (state stores included); with 1, 2 and 4 worker
// threads.
#include "kappa/local_log.h"
#include "runtime/runtime.h"
#include "runtime/source_task.h"
#include "state/state_store.h"
#include "state/task_state.h"

#include "test_support.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

using namespace kappa;
using namespace kappa::runtime;

namespace {

// Waits (generously) until `done` holds; false on timeout.
template<typename Predicate>
bool eventually(Predicate done, std::chrono::seconds limit = std::chrono::seconds(10))
{
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

// A thread-safe queue of records between fake tasks (stands in for a topic).
class Queue
{
public:
    void push(int v)
    {
        std::lock_guard lock(m_mutex);
        m_items.push_back(v);
    }
    std::vector<int> take(std::size_t max)
    {
        std::lock_guard lock(m_mutex);
        std::vector<int> out;
        while (!m_items.empty() && out.size() < max) {
            out.push_back(m_items.front());
            m_items.pop_front();
        }
        return out;
    }
    std::size_t size() const
    {
        std::lock_guard lock(m_mutex);
        return m_items.size();
    }
    std::vector<int> all() const
    {
        std::lock_guard lock(m_mutex);
        return {m_items.begin(), m_items.end()};
    }

private:
    mutable std::mutex m_mutex;
    std::deque<int> m_items;
};

enum class Call { Open, Step, Flush, Checkpoint, Close };

// The order of flush() calls across all tasks, by stage.
class FlushJournal
{
public:
    void add(int stage)
    {
        std::lock_guard lock(m_mutex);
        m_stages.push_back(stage);
    }
    std::vector<int> stages() const
    {
        std::lock_guard lock(m_mutex);
        return m_stages;
    }

private:
    mutable std::mutex m_mutex;
    std::vector<int> m_stages;
};

struct FakeOptions
{
    int stage = 0;
    Queue *input = nullptr;
    Queue *output = nullptr;
    std::size_t batch = 3;
    bool holdBack = false; // keep consumed records until flush()
    int failAtStep = -1;   // the step (1-based, counting non-empty ones too) that fails
    bool failOpen = false;
    FlushJournal *journal = nullptr;
    std::atomic<int> *closes = nullptr; // counts close() calls, readable after the runtime is gone
    // The first step waits (up to 10 s) until this queue is empty, as a task
    // busy with a long checkpoint would; *waitedOut tells if it had to give up.
    Queue *blockUntilEmpty = nullptr;
    std::atomic<bool> *waitedOut = nullptr;
};

class FakeTask final : public Task
{
public:
    FakeTask(std::string name, FakeOptions options)
        : m_name(std::move(name))
        , m_options(options)
        , m_metrics(m_name, "fake", PartitionId(0))
    {}

    const std::string &name() const override { return m_name; }
    int stage() const override { return m_options.stage; }
    const TaskMetrics &metrics() const override { return m_metrics; }

    Status open() override
    {
        const Visit visit(*this, Call::Open);
        if (m_options.failOpen)
            return Status::unavailable("state store locked");
        return Status::ok();
    }

    Result<std::size_t> step() override
    {
        const Visit visit(*this, Call::Step);
        const int step = ++m_steps;
        if (step == 1 && m_options.blockUntilEmpty) {
            const bool emptied = eventually([&] { return m_options.blockUntilEmpty->size() == 0; });
            m_options.waitedOut->store(!emptied);
        }
        if (step == m_options.failAtStep)
            return Status::internal("disk on fire");
        if (!m_options.input)
            return std::size_t{0};
        const std::vector<int> taken = m_options.input->take(m_options.batch);
        for (int v : taken) {
            if (m_options.holdBack)
                m_held.push_back(v);
            else if (m_options.output)
                m_options.output->push(v);
        }
        m_consumed += taken.size();
        m_metrics.recordRead(WallTime(0), taken.size(), Offset(static_cast<std::int64_t>(m_consumed)),
                             Offset(static_cast<std::int64_t>(m_consumed + m_options.input->size())),
                             std::nullopt);
        return taken.size();
    }

    Result<std::size_t> flush() override
    {
        const Visit visit(*this, Call::Flush);
        if (m_options.journal)
            m_options.journal->add(m_options.stage);
        const std::size_t released = m_held.size();
        for (int v : m_held)
            if (m_options.output)
                m_options.output->push(v);
        m_held.clear();
        return released;
    }

    Status checkpoint() override
    {
        const Visit visit(*this, Call::Checkpoint);
        m_checkpoints.fetch_add(1);
        return Status::ok();
    }

    Status close() override
    {
        const Visit visit(*this, Call::Close);
        if (m_options.closes)
            m_options.closes->fetch_add(1);
        return Status::ok();
    }

    int checkpoints() const { return m_checkpoints.load(); }
    int steps() const { return m_steps.load(); }
    std::size_t held() const { return m_held.size(); } // after stop() only

    // Called after the runtime stopped: the calls in order; the thread that
    // opened the task (its home worker); whether the task was called by one
    // thread at a time, with open, flushes and close on its home worker
    // (steps and periodic checkpoints may come from any worker).
    std::vector<Call> calls() const
    {
        std::lock_guard lock(m_mutex);
        std::vector<Call> out;
        for (const auto &[call, thread] : m_calls)
            out.push_back(call);
        return out;
    }
    std::thread::id thread() const
    {
        std::lock_guard lock(m_mutex);
        return m_calls.empty() ? std::thread::id() : m_calls.front().second;
    }
    bool safelyScheduled() const
    {
        std::lock_guard lock(m_mutex);
        if (m_overlapped)
            return false;
        return std::all_of(m_calls.begin(), m_calls.end(), [&](const auto &entry) {
            const bool home = entry.first == Call::Open || entry.first == Call::Flush
                              || entry.first == Call::Close;
            return !home || entry.second == m_calls.front().second;
        });
    }
    // Whether a thread other than the home worker ever stepped the task.
    bool steppedByAnotherWorker() const
    {
        std::lock_guard lock(m_mutex);
        return std::any_of(m_calls.begin(), m_calls.end(), [&](const auto &entry) {
            return entry.first == Call::Step && entry.second != m_calls.front().second;
        });
    }
    int count(Call c) const
    {
        const auto all = calls();
        return static_cast<int>(std::count(all.begin(), all.end(), c));
    }

private:
    // Records a call for its duration; notes if another call was in progress.
    class Visit
    {
    public:
        Visit(FakeTask &task, Call call)
            : m_task(task)
        {
            if (m_task.m_inside.fetch_add(1) != 0)
                m_task.m_overlapped = true;
            std::lock_guard lock(m_task.m_mutex);
            m_task.m_calls.emplace_back(call, std::this_thread::get_id());
        }
        ~Visit() { m_task.m_inside.fetch_sub(1); }
        Visit(const Visit &) = delete;
        Visit &operator=(const Visit &) = delete;

    private:
        FakeTask &m_task;
    };

    const std::string m_name;
    const FakeOptions m_options;
    TaskMetrics m_metrics;
    std::atomic<int> m_steps{0};
    std::atomic<int> m_checkpoints{0};
    std::size_t m_consumed = 0;
    std::vector<int> m_held;

    std::atomic<int> m_inside{0};
    std::atomic<bool> m_overlapped{false};
    mutable std::mutex m_mutex;
    std::vector<std::pair<Call, std::thread::id>> m_calls;
};

RuntimeOptions optionsFor(int threads, std::chrono::milliseconds checkpointInterval = std::chrono::hours(1))
{
    RuntimeOptions options;
    options.threads = threads;
    options.checkpointInterval = checkpointInterval;
    options.idleWait = std::chrono::microseconds(200);
    return options;
}

// Adds a task to the runtime and keeps a pointer to it for the checks.
FakeTask *add(Runtime &runtime, std::string name, FakeOptions options)
{
    auto task = std::make_unique<FakeTask>(std::move(name), options);
    FakeTask *raw = task.get();
    runtime.addTask(std::move(task));
    return raw;
}

void addThreadRows()
{
    QTest::addColumn<int>("threads");
    QTest::newRow("1 thread") << 1;
    QTest::newRow("2 threads") << 2;
    QTest::newRow("4 threads") << 4;
}

// A log whose appended records become readable only `lag` after the append
// returned, while endOffset() counts them at once: a reader racing the log's
// visibility, as a Kafka reader whose client has not fetched the records yet
// (before KafkaLog asked the broker in that case). Only appendToPartition
// (what ExchangeWriter uses) is delayed.
class LaggingLog final : public EventLog
{
public:
    LaggingLog(EventLog &inner, std::chrono::milliseconds lag)
        : m_inner(inner)
        , m_lag(lag)
    {}

    Status createTopic(std::string_view topic, const TopicConfig &config) override
    {
        return m_inner.createTopic(topic, config);
    }
    Result<TopicConfig> describeTopic(std::string_view topic) override
    {
        return m_inner.describeTopic(topic);
    }
    std::vector<std::string> listTopics() override { return m_inner.listTopics(); }
    Status deleteTopic(std::string_view topic) override { return m_inner.deleteTopic(topic); }
    Result<std::vector<AppendPosition>> append(std::string_view topic,
                                               std::span<const Record> records) override
    {
        return m_inner.append(topic, records);
    }
    Result<Offset> appendToPartition(std::string_view topic, PartitionId partition,
                                     std::span<const Record> records) override
    {
        Result<Offset> first = m_inner.appendToPartition(topic, partition, records);
        if (first.isOk() && !records.empty()) {
            std::lock_guard lock(m_mutex);
            m_appends[{std::string(topic), partition.value()}].push_back(
                {*first, std::chrono::steady_clock::now() + m_lag});
        }
        return first;
    }
    Status read(std::string_view topic, PartitionId partition, Offset from, std::size_t maxBytes,
                RecordBatch &batch) override
    {
        const Offset visible = visibleEnd(topic, partition);
        if (from >= visible) {
            batch.reset(from);
            return Status::ok();
        }
        KAPPA_RETURN_IF_ERROR(m_inner.read(topic, partition, from, maxBytes, batch));
        auto &records = batch.records();
        while (!records.empty() && records.back().offset >= visible)
            records.pop_back();
        batch.setNextOffset(records.empty() ? from : records.back().offset + 1);
        return Status::ok();
    }
    Result<Offset> offsetForTime(std::string_view topic, PartitionId partition, WallTime t) override
    {
        return m_inner.offsetForTime(topic, partition, t);
    }
    Result<PartitionInfo> partitionInfo(std::string_view topic, PartitionId partition) override
    {
        return m_inner.partitionInfo(topic, partition);
    }
    Result<Offset> endOffset(std::string_view topic, PartitionId partition) override
    {
        return m_inner.endOffset(topic, partition);
    }

private:
    struct Append
    {
        Offset first;
        std::chrono::steady_clock::time_point readableAt;
    };

    // The first offset of the oldest append not readable yet; else no limit.
    Offset visibleEnd(std::string_view topic, PartitionId partition)
    {
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard lock(m_mutex);
        Offset visible(std::numeric_limits<std::int64_t>::max());
        for (const Append &append : m_appends[{std::string(topic), partition.value()}])
            if (append.readableAt > now)
                visible = std::min(visible, append.first);
        return visible;
    }

    EventLog &m_inner;
    const std::chrono::milliseconds m_lag;
    std::mutex m_mutex;
    std::map<std::pair<std::string, std::int32_t>, std::vector<Append>> m_appends;
};

std::string exchangePayload(std::int32_t upstream, std::int64_t seq)
{
    return "u" + std::to_string(upstream) + "-" + std::to_string(seq);
}

// Upstream `upstream` of an exchange topic with one partition, like a fraud
// route task: step k appends one record of epoch k (seq k) and closes the
// epochs below k; after `records` steps its input is exhausted. With a pace,
// record k is not appended before k paces have passed since the first step.
class ExchangeUpstream final : public Task
{
public:
    ExchangeUpstream(EventLog &log, const std::string &topic, std::int32_t upstream, std::int64_t records,
                     std::chrono::microseconds pace = {})
        : m_name("upstream-" + std::to_string(upstream))
        , m_upstream(upstream)
        , m_records(records)
        , m_pace(pace)
        , m_writer(log, topic, 1, upstream)
        , m_metrics(m_name, topic, PartitionId(0))
    {}

    const std::string &name() const override { return m_name; }
    int stage() const override { return 0; }
    const TaskMetrics &metrics() const override { return m_metrics; }
    Status open() override { return Status::ok(); }
    Result<std::size_t> step() override
    {
        if (m_next == m_records)
            return std::size_t{0};
        const auto now = std::chrono::steady_clock::now();
        if (m_next == 0)
            m_started = now;
        else if (now < m_started + m_next * m_pace)
            return std::size_t{0};
        m_writer.add("key", m_next, m_next, WallTime(0), exchangePayload(m_upstream, m_next));
        m_writer.closeEpochsBelow(m_next);
        KAPPA_RETURN_IF_ERROR(m_writer.flush());
        ++m_next;
        return std::size_t{1};
    }
    Status checkpoint() override { return Status::ok(); }

private:
    const std::string m_name;
    const std::int32_t m_upstream;
    const std::int64_t m_records;
    const std::chrono::microseconds m_pace;
    std::chrono::steady_clock::time_point m_started;
    std::int64_t m_next = 0;
    ExchangeWriter m_writer;
    TaskMetrics m_metrics;
};

// The downstream of the exchange: keeps the payloads its merge releases, in
// order; `outputSync` stands for its views' sync before each commit.
class RecordingExchangeTask final : public ExchangeTask
{
public:
    RecordingExchangeTask(std::unique_ptr<state::TaskState> state, const TaskInput &input,
                          std::int32_t upstreams, std::function<Status()> outputSync = {})
        : ExchangeTask("merge", 1, std::move(state), input, upstreams)
        , m_outputSync(std::move(outputSync))
    {}

    // After the runtime stopped.
    const std::vector<std::string> &released() const { return m_released; }
    // At any time.
    std::size_t releasedCount() const { return m_releasedCount.load(); }

protected:
    Status restoreState(std::string_view) override { return Status::ok(); }
    Status endBatch() override { return Status::ok(); }
    std::function<Status()> outputSync() override { return m_outputSync; }
    Status process(const ReleasedRecord &record) override
    {
        m_released.emplace_back(record.payload);
        m_releasedCount.fetch_add(1);
        return Status::ok();
    }

private:
    const std::function<Status()> m_outputSync;
    std::vector<std::string> m_released;
    std::atomic<std::size_t> m_releasedCount{0};
};

// A view sync that blocks until opened (at the latest when the gate is destroyed).
class SyncGate
{
public:
    ~SyncGate() { open(); }
    void open()
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->open = true;
        m_shared->changed.notify_all();
    }
    int syncsStarted() const { return m_shared->started.load(); }
    std::function<Status()> sync() const
    {
        return [shared = m_shared] {
            shared->started.fetch_add(1);
            std::unique_lock lock(shared->mutex);
            shared->changed.wait(lock, [&] { return shared->open; });
            return Status::ok();
        };
    }

private:
    struct Shared
    {
        std::mutex mutex;
        std::condition_variable changed;
        bool open = false;
        std::atomic<int> started{0};
    };
    std::shared_ptr<Shared> m_shared = std::make_shared<Shared>();
};

// How many of this process's threads are called `name` now.
int threadsNamed(const std::string &name)
{
    int count = 0;
    for (const std::filesystem::directory_entry &task :
         std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream comm(task.path() / "comm");
        std::string line;
        if (std::getline(comm, line) && line == name)
            ++count;
    }
    return count;
}

} // namespace

class TestRuntimeRuntime : public QObject
{
    Q_OBJECT

private slots:
    void lifecycleOfEveryTask_data() { addThreadRows(); }

    // Every task: opened once, then steps, checkpoints every interval, and at
    // stop() a final checkpoint and close() as its last two calls, one call
    // at a time, opened and closed by its home worker.
    void lifecycleOfEveryTask()
    {
        QFETCH(int, threads);
        Runtime runtime(optionsFor(threads, std::chrono::milliseconds(10)));
        QCOMPARE(runtime.threads(), threads);
        std::vector<Queue> inputs(5);
        std::vector<FakeTask *> tasks;
        for (int i = 0; i < 5; ++i) {
            for (int v = 0; v < 100; ++v)
                inputs[static_cast<std::size_t>(i)].push(v);
            tasks.push_back(
                add(runtime, "task-" + std::to_string(i), {.input = &inputs[static_cast<std::size_t>(i)]}));
        }
        KAPPA_VERIFY_OK(runtime.start());
        for (FakeTask *task : tasks)
            QCOMPARE(task->count(Call::Open), 1); // start() returns once all are open
        QVERIFY2(eventually([&] {
                     return std::all_of(tasks.begin(), tasks.end(),
                                        [](FakeTask *t) { return t->checkpoints() >= 4; });
                 }),
                 "every task should checkpoint every 10 ms");
        KAPPA_VERIFY_OK(runtime.health());
        KAPPA_VERIFY_OK(runtime.stop());
        KAPPA_VERIFY_OK(runtime.stop()); // idempotent

        std::vector<std::thread::id> seen;
        for (FakeTask *task : tasks)
            if (std::find(seen.begin(), seen.end(), task->thread()) == seen.end())
                seen.push_back(task->thread());
        QCOMPARE(int(seen.size()), std::min(threads, 5)); // one worker per thread, each with a task
        QVERIFY(std::find(seen.begin(), seen.end(), std::this_thread::get_id()) == seen.end());
        for (std::size_t i = 0; i < tasks.size(); ++i) {
            const FakeTask &task = *tasks[i];
            const std::vector<Call> calls = task.calls();
            QVERIFY2(task.safelyScheduled(), task.name().c_str());
            QCOMPARE(task.count(Call::Open), 1);
            QCOMPARE(calls.front(), Call::Open);
            QVERIFY(calls.size() >= 3);
            QCOMPARE(calls[calls.size() - 2], Call::Checkpoint);
            QCOMPARE(calls.back(), Call::Close);
            QCOMPARE(task.count(Call::Close), 1);
            QCOMPARE(task.count(Call::Flush), 0); // flush only in bounded runs
            QVERIFY(task.checkpoints() >= 5);
            QVERIFY(inputs[i].size() == 0);
        }
    }

    // A worker stuck in one task (a long checkpoint, a view's lock) does not
    // hold its other tasks back: the idle worker steps them.
    void anIdleWorkerStepsABusyWorkersOtherTasks()
    {
        Runtime runtime(optionsFor(2));
        Queue input;
        for (int v = 0; v < 300; ++v)
            input.push(v);
        std::atomic<bool> waitedOut{false};
        // Round-robin homes: stuck and other on worker 0, idle on worker 1.
        FakeTask *stuck = add(runtime, "stuck", {.blockUntilEmpty = &input, .waitedOut = &waitedOut});
        FakeTask *idle = add(runtime, "idle", {});
        FakeTask *other = add(runtime, "other", {.input = &input});
        KAPPA_VERIFY_OK(runtime.start());
        QVERIFY(eventually([&] { return stuck->steps() >= 2; }, std::chrono::seconds(15)));
        KAPPA_VERIFY_OK(runtime.stop());
        QVERIFY2(!waitedOut.load(), "the stuck task's worker-mate was not stepped elsewhere");
        QCOMPARE(input.size(), std::size_t(0));
        QVERIFY(other->steppedByAnotherWorker());
        QVERIFY(other->thread() == stuck->thread()); // same home
        QVERIFY(other->thread() != idle->thread());
        for (FakeTask *task : {stuck, idle, other}) {
            QVERIFY2(task->safelyScheduled(), task->name().c_str());
            QCOMPARE(task->calls().back(), Call::Close);
        }
    }

    // `top -H` and perf show which threads are the workers.
    void workerThreadsCarryTheirName()
    {
        Runtime runtime(optionsFor(2));
        add(runtime, "a", {});
        add(runtime, "b", {});
        QCOMPARE(threadsNamed("kappa-worker"), 0);
        KAPPA_VERIFY_OK(runtime.start());
        QCOMPARE(threadsNamed("kappa-worker"), 2);
        // The sampler names itself as it starts, which start() does not wait for.
        QVERIFY(eventually([] { return threadsNamed("kappa-sampler") == 1; }));
        KAPPA_VERIFY_OK(runtime.stop());
        // A joined thread may linger in /proc/self/task for a moment.
        QVERIFY(eventually([] { return threadsNamed("kappa-worker") == 0; }));
    }

    // With a long interval, the only checkpoint is the final one.
    void noCheckpointBeforeInterval()
    {
        Runtime runtime(optionsFor(2));
        Queue input;
        for (int v = 0; v < 1000; ++v)
            input.push(v);
        FakeTask *a = add(runtime, "a", {.input = &input});
        FakeTask *b = add(runtime, "b", {});
        KAPPA_VERIFY_OK(runtime.start());
        QVERIFY(eventually([&] { return input.size() == 0 && b->steps() > 10; }));
        QCOMPARE(a->checkpoints(), 0);
        QCOMPARE(b->checkpoints(), 0);
        KAPPA_VERIFY_OK(runtime.stop());
        QCOMPARE(a->checkpoints(), 1);
        QCOMPARE(b->checkpoints(), 1);
    }

    void failingStepStopsTheRuntime_data() { addThreadRows(); }

    // A step error stops every worker: health() and stop() return it naming
    // the task; the failed task gets no final checkpoint (nor close), the others do.
    void failingStepStopsTheRuntime()
    {
        QFETCH(int, threads);
        Runtime runtime(optionsFor(threads));
        std::vector<FakeTask *> healthy;
        healthy.push_back(add(runtime, "good-0", {}));
        FakeTask *bad = add(runtime, "bad-task", {.failAtStep = 50});
        healthy.push_back(add(runtime, "good-1", {}));
        healthy.push_back(add(runtime, "good-2", {}));
        const Status started = runtime.start(); // may already see the failure on a slow machine
        QVERIFY2(started.isOk() || started.code() == StatusCode::Internal, started.toString().c_str());
        QVERIFY(eventually([&] { return !runtime.health().isOk(); }));
        const Status health = runtime.health();
        QCOMPARE(health.code(), StatusCode::Internal);
        QVERIFY2(health.message().find("bad-task") != std::string::npos, health.message().c_str());
        QVERIFY2(health.message().find("disk on fire") != std::string::npos, health.message().c_str());
        const Status stopped = runtime.stop();
        QCOMPARE(stopped.code(), StatusCode::Internal);
        QCOMPARE(stopped.message(), health.message());
        QCOMPARE(runtime.runUntilCaughtUp().code(), StatusCode::FailedPrecondition); // not running any more

        QCOMPARE(bad->checkpoints(), 0);
        QCOMPARE(bad->count(Call::Close), 0);
        QCOMPARE(bad->steps(), 50); // not stepped after it failed
        QVERIFY(bad->safelyScheduled());
        for (FakeTask *task : healthy) {
            QCOMPARE(task->checkpoints(), 1);
            QCOMPARE(task->count(Call::Close), 1);
            QCOMPARE(task->calls().back(), Call::Close);
            QVERIFY(task->safelyScheduled());
        }
    }

    void failingStepEndsABoundedRun()
    {
        Runtime runtime(optionsFor(2));
        Queue input;
        for (int v = 0; v < 100; ++v)
            input.push(v);
        add(runtime, "reader", {.input = &input});
        // Fails at its first step, so it is never idle: the run cannot be taken as caught up.
        add(runtime, "broken", {.stage = 1, .failAtStep = 1});
        // The failure may come so soon that start() already reports it.
        const Status started = runtime.start();
        const Status status = started.isOk() ? runtime.runUntilCaughtUp() : started;
        QCOMPARE(status.code(), StatusCode::Internal);
        QVERIFY2(status.message().find("broken") != std::string::npos, status.message().c_str());
        QCOMPARE(runtime.stop().code(), StatusCode::Internal);
    }

    void openFailureFailsStart_data()
    {
        QTest::addColumn<int>("threads");
        QTest::newRow("1 thread") << 1;
        QTest::newRow("2 threads") << 2;
    }

    // start() returns the open error naming the task, the runtime is then
    // stopped; the task that failed to open is never stepped, checkpointed or
    // closed. A task that did open is healthy, so (stop(): "final checkpoint
    // of every healthy task, close") it gets its final checkpoint and close().
    void openFailureFailsStart()
    {
        QFETCH(int, threads);
        Runtime runtime(optionsFor(threads));
        FakeTask *good = add(runtime, "opens-fine", {});
        FakeTask *bad = add(runtime, "cannot-open", {.failOpen = true});
        const Status started = runtime.start();
        QCOMPARE(started.code(), StatusCode::Unavailable);
        QVERIFY2(started.message().find("cannot-open") != std::string::npos, started.message().c_str());
        QVERIFY2(started.message().find("state store locked") != std::string::npos, started.message().c_str());
        QCOMPARE(runtime.health().code(), StatusCode::Unavailable);
        QCOMPARE(runtime.stop().code(), StatusCode::Unavailable);
        QCOMPARE(runtime.start().code(), StatusCode::FailedPrecondition);
        QCOMPARE(bad->calls(), std::vector<Call>{Call::Open});
        QCOMPARE(good->count(Call::Open), 1);
        QVERIFY(good->safelyScheduled());
        // Its final checkpoint and close happen whatever the thread count.
        QCOMPARE(good->calls().back(), Call::Close);
    }

    void boundedRunFlushesStageByStage_data() { addThreadRows(); }

    // Three stage-0 tasks forward their input into a shared queue (one of
    // them holds everything back until flush); two stage-1 tasks consume that
    // queue and hold everything back until flush, then put it in the sink. runUntilCaughtUp() returns
    // only when all input is consumed, stage 0 was flushed and its output
    // consumed, and then stage 1 was flushed: the sink holds every record.
    void boundedRunFlushesStageByStage()
    {
        QFETCH(int, threads);
        Runtime runtime(optionsFor(threads));
        FlushJournal journal;
        std::vector<Queue> inputs(3);
        Queue middle;
        Queue sink;
        std::vector<FakeTask *> tasks;
        for (int i = 0; i < 3; ++i) {
            for (int v = 0; v < 500; ++v)
                inputs[static_cast<std::size_t>(i)].push(i * 1000 + v);
            // Alternate stages in the add order so that workers mix stages.
            tasks.push_back(add(runtime, "source-" + std::to_string(i),
                                {.stage = 0,
                                 .input = &inputs[static_cast<std::size_t>(i)],
                                 .output = &middle,
                                 .batch = 7,
                                 .holdBack = i == 1, // one source holds its records until flush
                                 .journal = &journal}));
            if (i < 2)
                tasks.push_back(add(runtime, "merge-" + std::to_string(i),
                                    {.stage = 1,
                                     .input = &middle,
                                     .output = &sink,
                                     .batch = 5,
                                     .holdBack = true,
                                     .journal = &journal}));
        }
        KAPPA_VERIFY_OK(runtime.start());
        KAPPA_VERIFY_OK(runtime.runUntilCaughtUp());
        // Checked while still running: nothing may be left anywhere.
        for (const Queue &input : inputs)
            QCOMPARE(input.size(), std::size_t(0));
        QCOMPARE(middle.size(), std::size_t(0));
        std::vector<int> out = sink.all();
        QCOMPARE(out.size(), std::size_t(1500));
        std::sort(out.begin(), out.end());
        QVERIFY(std::adjacent_find(out.begin(), out.end()) == out.end());
        const std::vector<int> stages = journal.stages();
        QCOMPARE(stages.size(), std::size_t(5)); // each task flushed once
        QVERIFY2(std::is_sorted(stages.begin(), stages.end()), "stage 1 flushed before stage 0 finished");
        KAPPA_VERIFY_OK(runtime.stop());
        for (FakeTask *task : tasks) {
            QVERIFY(task->safelyScheduled());
            QCOMPARE(task->count(Call::Flush), 1);
            QCOMPARE(task->held(), std::size_t(0));
        }
    }

    void boundedRunWaitsForRecordsNotYetReadable_data() { addThreadRows(); }

    // Two upstreams append to an exchange topic whose records become readable
    // only 500 ms after each append (endOffset() counts them at once). The
    // merge's reads come back empty below the end meanwhile: that is not the
    // end of its input, so the bounded run flushes it only after it has read
    // every record, and it releases all of them in (epoch, upstream, seq)
    // order. Taking those empty reads for the end flushed an empty merge and
    // left the records read afterwards out of order or never released.
    void boundedRunWaitsForRecordsNotYetReadable()
    {
        QFETCH(int, threads);
        constexpr std::int64_t kRecords = 20;
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<LocalLog> local, LocalLog::open(tempPath(dir, "log"), {}));
        KAPPA_VERIFY_OK(local->createTopic("rekey", TopicConfig{1}));
        LaggingLog log(*local, std::chrono::milliseconds(500));
        KAPPA_ASSIGN_OR_FAIL(std::shared_ptr<state::StateStore> store,
                             state::StateStore::open(tempPath(dir, "state")));
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<state::TaskState> mergeState, store->openTask(state::TaskId(1)));

        Runtime runtime(optionsFor(threads));
        for (std::int32_t upstream = 0; upstream < 2; ++upstream)
            runtime.addTask(std::make_unique<ExchangeUpstream>(log, "rekey", upstream, kRecords));
        TaskInput input;
        input.log = &log;
        input.topic = "rekey";
        input.partition = PartitionId(0);
        auto merge = std::make_unique<RecordingExchangeTask>(std::move(mergeState), input, 2);
        const RecordingExchangeTask *mergeTask = merge.get();
        runtime.addTask(std::move(merge));
        KAPPA_VERIFY_OK(runtime.start());
        KAPPA_VERIFY_OK(runtime.runUntilCaughtUp());
        KAPPA_VERIFY_OK(runtime.stop());

        std::vector<std::string> expected;
        for (std::int64_t epoch = 0; epoch < kRecords; ++epoch)
            for (std::int32_t upstream = 0; upstream < 2; ++upstream)
                expected.push_back(exchangePayload(upstream, epoch));
        const std::vector<std::string> &released = mergeTask->released();
        QCOMPARE(released.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i)
            QCOMPARE(QString::fromStdString(released[i]), QString::fromStdString(expected[i]));
    }

    void slowCheckpointDoesNotHoldUpItsTask_data() { addThreadRows(); }

    // A periodic checkpoint makes the views durable and commits on a thread of
    // its own: while a view's sync hangs, the task goes on releasing records,
    // and its checkpoint counts only once it is durable.
    void slowCheckpointDoesNotHoldUpItsTask()
    {
        QFETCH(int, threads);
        constexpr std::int64_t kRecords = 400;
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<LocalLog> log, LocalLog::open(tempPath(dir, "log"), {}));
        KAPPA_VERIFY_OK(log->createTopic("rekey", TopicConfig{1}));
        KAPPA_ASSIGN_OR_FAIL(std::shared_ptr<state::StateStore> store,
                             state::StateStore::open(tempPath(dir, "state")));
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<state::TaskState> mergeState, store->openTask(state::TaskId(1)));

        Runtime runtime(optionsFor(threads, std::chrono::milliseconds(10)));
        SyncGate gate; // destroyed first: a failed check must not leave a worker blocked
        // One record a millisecond: the upstream is still at it when the first checkpoint blocks.
        runtime.addTask(
            std::make_unique<ExchangeUpstream>(*log, "rekey", 0, kRecords, std::chrono::milliseconds(1)));
        TaskInput input;
        input.log = log.get();
        input.topic = "rekey";
        input.partition = PartitionId(0);
        auto merge = std::make_unique<RecordingExchangeTask>(std::move(mergeState), input, 1, gate.sync());
        const RecordingExchangeTask *mergeTask = merge.get();
        runtime.addTask(std::move(merge));
        KAPPA_VERIFY_OK(runtime.start());
        QTRY_VERIFY_WITH_TIMEOUT(gate.syncsStarted() == 1, 10000);
        const std::size_t releasedWhenBlocked = mergeTask->releasedCount();
        // The last epoch waits for a flush; every other record comes out meanwhile.
        QTRY_VERIFY_WITH_TIMEOUT(mergeTask->releasedCount() == std::size_t(kRecords - 1), 20000);
        QVERIFY2(releasedWhenBlocked < std::size_t(kRecords - 1),
                 "the upstream finished before the checkpoint");
        QCOMPARE(mergeTask->metrics().snapshot(WallTime(0)).checkpoints, std::uint64_t(0));
        QCOMPARE(gate.syncsStarted(), 1); // one checkpoint at a time
        gate.open();
        QTRY_VERIFY_WITH_TIMEOUT(mergeTask->metrics().snapshot(WallTime(0)).checkpoints >= 1, 10000);
        KAPPA_VERIFY_OK(runtime.runUntilCaughtUp());
        KAPPA_VERIFY_OK(runtime.stop());
        QCOMPARE(mergeTask->released().size(), std::size_t(kRecords));
        KAPPA_ASSIGN_OR_FAIL(std::optional<state::CheckpointMeta> last,
                             store->lastCheckpoint(state::TaskId(1)));
        QVERIFY(last);
        QVERIFY(last->sequence >= 2); // the periodic one, then the final one
    }

    void boundedRunWithoutTasks()
    {
        Runtime runtime(optionsFor(2));
        QCOMPARE(runtime.runUntilCaughtUp().code(), StatusCode::FailedPrecondition); // not started
        KAPPA_VERIFY_OK(runtime.start());
        KAPPA_VERIFY_OK(runtime.runUntilCaughtUp());
        KAPPA_VERIFY_OK(runtime.stop());
    }

    void metricsOnePerTask()
    {
        Runtime runtime(optionsFor(2));
        std::vector<Queue> inputs(3);
        for (int i = 0; i < 3; ++i) {
            for (int v = 0; v < 10 * (i + 1); ++v)
                inputs[static_cast<std::size_t>(i)].push(v);
            add(runtime, "m" + std::to_string(i), {.input = &inputs[static_cast<std::size_t>(i)]});
        }
        QCOMPARE(runtime.metrics().size(), std::size_t(3)); // before start too
        KAPPA_VERIFY_OK(runtime.start());
        KAPPA_VERIFY_OK(runtime.runUntilCaughtUp());
        const std::vector<TaskMetricsSnapshot> snapshots = runtime.metrics();
        QCOMPARE(snapshots.size(), std::size_t(3));
        for (int i = 0; i < 3; ++i) {
            const TaskMetricsSnapshot &s = snapshots[static_cast<std::size_t>(i)];
            QCOMPARE(s.task, "m" + std::to_string(i));
            QCOMPARE(s.recordsRead, std::uint64_t(10 * (i + 1)));
            QCOMPARE(s.position, std::int64_t(10 * (i + 1)));
            QVERIFY(s.caughtUp);
        }
        KAPPA_VERIFY_OK(runtime.stop());
    }

    // A state store handed to the runtime is sampled as its own history row,
    // with the tasks' figures; its size grows with what checkpoints commit.
    void historySamplesStateStores()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(std::shared_ptr<state::StateStore> store,
                             state::StateStore::open(tempPath(dir, "state")));
        RuntimeOptions options = optionsFor(1);
        options.historyInterval = std::chrono::milliseconds(10);
        Runtime runtime(options);
        add(runtime, "job@v1/0", {});
        const std::string row = stateRowName("job@v1");
        runtime.addStateStore(row, store);
        KAPPA_VERIFY_OK(runtime.start());
        const auto series = [&](TaskSeries which) {
            return runtime.history().range(row, which, WallTime(0),
                                           WallTime(std::numeric_limits<std::int64_t>::max()));
        };
        QVERIFY(eventually([&] { return !series(TaskSeries::StateBytes).empty(); }));
        const double before = series(TaskSeries::StateBytes).back().value;

        // What a task's checkpoint would commit: a thousand keys.
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<state::TaskState> task, store->openTask(state::TaskId(0)));
        state::CheckpointBatch batch = store->newBatch();
        for (int i = 0; i < 1'000; ++i)
            batch.put("key-" + std::to_string(i), std::string(100, 'x'));
        KAPPA_VERIFY_OK(store->commit(state::TaskId(0), state::CheckpointMeta{}, batch));
        QVERIFY(eventually([&] { return series(TaskSeries::StateBytes).back().value > before + 100'000; }));
        QVERIFY(eventually([&] { return series(TaskSeries::StateKeys).back().value >= 1'000; }));
        KAPPA_VERIFY_OK(runtime.stop());

        // Same sampling times as the tasks; a task row has no state series, a store row nothing else.
        QCOMPARE(series(TaskSeries::StateBytes).size(), series(TaskSeries::StateKeys).size());
        QVERIFY(series(TaskSeries::LagRecords).empty());
        QVERIFY(runtime.history()
                    .range("job@v1/0", TaskSeries::StateBytes, WallTime(0),
                           WallTime(std::numeric_limits<std::int64_t>::max()))
                    .empty());
        std::vector<std::string> rows = runtime.history().tasks();
        std::sort(rows.begin(), rows.end());
        QCOMPARE(rows, (std::vector<std::string>{"job@v1/0", "job@v1/state"}));
    }

    // The destructor of a running runtime stops it: final checkpoints and closes.
    void destructorStops()
    {
        std::atomic<int> closes{0};
        {
            Runtime runtime(optionsFor(2));
            FakeTask *a = add(runtime, "a", {.closes = &closes});
            add(runtime, "b", {.closes = &closes});
            KAPPA_VERIFY_OK(runtime.start());
            QVERIFY(eventually([&] { return a->steps() > 3; }));
        }
        QCOMPARE(closes.load(), 2);
    }
};

QTEST_APPLESS_MAIN(TestRuntimeRuntime)
#include "test_runtime_runtime.moc"
