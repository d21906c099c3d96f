// SourceTask's staleness counts what its views lack: records processed but
// held back for the next publish are as stale as unread ones, caught up or
// not, until a publish (here the one before a checkpoint) writes them out. A
// read's max_staleness_ms is checked against it; the lag stays the reading's.
#include "test_support.h"

#include "kappa/clock.h"
#include "kappa/event_codec.h"
#include "kappa/local_log.h"
#include "kappa/schema_registry.h"
#include "runtime/source_reader.h"
#include "runtime/source_task.h"
#include "state/state_store.h"
#include "state/task_state.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

using namespace kappa;
using namespace kappa::runtime;

namespace {

class FixedClock final : public Clock
{
public:
    WallTime now() const override { return WallTime(m_now.load()); }
    void set(WallTime time) { m_now.store(time.value()); }

private:
    std::atomic<std::int64_t> m_now{0};
};

// Counts the events it processes; each publish records the count so far.
class CountingTask final : public SourceTask
{
public:
    CountingTask(std::unique_ptr<state::TaskState> state, const TaskInput &input, const EventCodec &codec)
        : SourceTask("counting@v1/0", std::move(state), input, codec, 0)
    {}
    int processed = 0;
    std::vector<int> publishes;

protected:
    Status process(const Event &, const RecordView &, std::int64_t) override
    {
        ++processed;
        return Status::ok();
    }
    Status restoreState(std::string_view) override { return Status::ok(); }
    Status endBatch() override
    {
        publishes.push_back(processed);
        return Status::ok();
    }
};

Status appendEvents(EventLog &log, const EventCodec &codec, std::int64_t first, int count)
{
    std::vector<std::string> values;
    for (std::int64_t i = first; i < first + count; ++i) {
        Event event;
        event.eventId = i;
        event.ts = EventTime(1'700'000'000'000 + i);
        event.userId = 7;
        event.categoryId = 1;
        event.country = "DE";
        values.push_back(codec.encode(event));
    }
    std::vector<Record> records;
    for (const std::string &value : values)
        records.push_back({"7", value});
    return log.appendToPartition("events", PartitionId(0), records).status();
}

} // namespace

class TestRuntimeSourceTask : public QObject
{
    Q_OBJECT

private:
    // Per test: a log with one partition of events, a state store, a clock for the metrics.
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<LocalLog> m_log;
    SchemaRegistry m_registry;
    std::unique_ptr<EventCodec> m_codec;
    std::shared_ptr<state::StateStore> m_store;
    FixedClock m_clock;

    // A task over partition 0 (open), with `input`'s publish intervals.
    std::unique_ptr<CountingTask> openTask(TaskInput input)
    {
        input.log = m_log.get();
        input.topic = "events";
        input.partition = PartitionId(0);
        input.clock = &m_clock;
        Result<std::unique_ptr<state::TaskState>> taskState = m_store->openTask(state::TaskId(1));
        if (!taskState.isOk())
            return nullptr;
        auto task = std::make_unique<CountingTask>(std::move(*taskState), input, *m_codec);
        return task->open().isOk() ? std::move(task) : nullptr;
    }

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        KAPPA_ASSIGN_OR_FAIL(m_log, LocalLog::open(m_dir->filePath("log").toStdString(), {}));
        KAPPA_VERIFY_OK(m_log->createTopic("events", TopicConfig{1}));
        KAPPA_ASSIGN_OR_FAIL(m_codec, EventCodec::create(m_registry));
        KAPPA_ASSIGN_OR_FAIL(m_store, state::StateStore::open(m_dir->filePath("state").toStdString()));
    }

    void cleanup()
    {
        m_store.reset();
        m_log.reset();
        m_dir.reset();
    }

    void heldRecordsAreStaleUntilPublished()
    {
        TaskInput input;
        // Caught up or behind, outputs wait an hour: what is processed stays held.
        input.livePublishInterval = std::chrono::hours(1);
        input.behindPublishInterval = std::chrono::hours(1);
        const std::unique_ptr<CountingTask> task = openTask(input);
        QVERIFY(task);

        KAPPA_VERIFY_OK(appendEvents(*m_log, *m_codec, 0, 10));
        SourceReader firstRecord(*m_log, "events", PartitionId(0), 1 << 20);
        KAPPA_VERIFY_OK(firstRecord.read());
        QVERIFY(!firstRecord.records().empty());
        const WallTime firstAppend = firstRecord.records()[0].appendTime;

        m_clock.set(WallTime(firstAppend.value() + 3'000));
        KAPPA_ASSIGN_OR_FAIL(std::size_t read, task->step());
        QCOMPARE(read, std::size_t(10));
        QCOMPARE(task->processed, 10);
        QVERIFY(task->publishes.empty());
        TaskMetricsSnapshot s = task->metrics().snapshot(m_clock.now());
        QVERIFY(s.caughtUp);
        QCOMPARE(s.lagSeconds, 0.0);
        QCOMPARE(s.stalenessSeconds, 3.0); // the views lack events appended 3 s ago

        // More input: still held, and the oldest held event decides.
        KAPPA_VERIFY_OK(appendEvents(*m_log, *m_codec, 10, 5));
        KAPPA_ASSIGN_OR_FAIL(read, task->step());
        QCOMPARE(read, std::size_t(5));
        QVERIFY(task->publishes.empty());
        s = task->metrics().snapshot(m_clock.now());
        QVERIFY(s.caughtUp);
        QCOMPARE(s.stalenessSeconds, 3.0);

        // A checkpoint publishes first: nothing is held any more.
        KAPPA_VERIFY_OK(task->checkpoint());
        QCOMPARE(task->publishes, std::vector<int>{15});
        QCOMPARE(task->metrics().snapshot(m_clock.now()).stalenessSeconds, 0.0);
    }

    void withoutAHoldNothingIsStaleOnceCaughtUp()
    {
        const std::unique_ptr<CountingTask> task = openTask({}); // caught up, outputs go out after every batch
        QVERIFY(task);
        KAPPA_VERIFY_OK(appendEvents(*m_log, *m_codec, 0, 10));
        m_clock.set(WallTime(Clock::system().now().value() + 3'000));
        KAPPA_ASSIGN_OR_FAIL(std::size_t read, task->step());
        QCOMPARE(read, std::size_t(10));
        QCOMPARE(task->publishes, std::vector<int>{10});
        const TaskMetricsSnapshot s = task->metrics().snapshot(m_clock.now());
        QVERIFY(s.caughtUp);
        QCOMPARE(s.stalenessSeconds, 0.0);
    }
};

QTEST_GUILESS_MAIN(TestRuntimeSourceTask)
#include "test_runtime_source_task.moc"
