// StateStore and TaskState: checkpoint round trips across reopen, task
// isolation, scans, read-only opening, destroy, errors for damaged or misused
// stores, measurements.
#include "state/changelog.h"
#include "state/keyed_state.h"
#include "state/state_store.h"
#include "state_test_util.h"
#include "test_support.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace kappa;
using namespace kappa::state;
using statetest::Counter;

namespace {

CheckpointMeta metaAt(std::int64_t offset)
{
    CheckpointMeta meta;
    meta.inputs = {{"events", PartitionId(0), Offset(offset), EventTime(offset * 1000)},
                   {"events", PartitionId(1), Offset(offset + 1), EventTime(-1)}};
    meta.outputs = {{"rekey.card", PartitionId(0), Offset(offset / 2)}};
    meta.blob = "timers";
    return meta;
}

// Opens task `task` of store with one Counter table and restores it.
struct OpenTask
{
    std::unique_ptr<TaskState> task;
    std::unique_ptr<KeyedState<Counter>> counters;
    std::optional<CheckpointMeta> restored;
};

Result<OpenTask> openTask(StateStore &store, std::uint32_t id, std::size_t capacity = 100)
{
    OpenTask t;
    KAPPA_ASSIGN_OR_RETURN(t.task, store.openTask(TaskId(id)));
    KAPPA_ASSIGN_OR_RETURN(t.counters, KeyedState<Counter>::create(*t.task, 0, capacity));
    KAPPA_ASSIGN_OR_RETURN(t.restored, t.task->restore());
    return t;
}

Status add(KeyedState<Counter> &counters, const std::string &key, std::int64_t value)
{
    KAPPA_ASSIGN_OR_RETURN(Counter * c, counters.getOrCreate(key));
    c->count += 1;
    c->sum += value;
    return Status::ok();
}

// Every (key, value) a TaskState::scan of `table` visits, in visiting order.
Result<std::vector<std::pair<std::string, std::string>>> scanTable(const TaskState &task, std::uint8_t table)
{
    std::vector<std::pair<std::string, std::string>> seen;
    KAPPA_RETURN_IF_ERROR(task.scan(table, [&](std::string_view key, std::string_view value) {
        seen.emplace_back(key, value);
        return true;
    }));
    return seen;
}

std::string counterBytes(std::int64_t count, std::int64_t sum)
{
    std::string bytes;
    Counter{count, sum}.serialize(bytes);
    return bytes;
}

// A changelog that records what it is given (copies: the views die with the
// batch), and fails while `failing` is set.
class RecordingChangelog : public Changelog
{
public:
    struct Published
    {
        TaskId task;
        CheckpointMeta meta;
        std::vector<std::pair<std::string, std::optional<std::string>>> changes;
    };
    Status publish(TaskId task, const CheckpointMeta &meta, std::span<const StateChange> changes) override
    {
        if (failing)
            return Status::unavailable("changelog down");
        Published p{task, meta, {}};
        for (const StateChange &change : changes)
            p.changes.emplace_back(std::string(change.key),
                                   change.value ? std::optional<std::string>(*change.value) : std::nullopt);
        published.push_back(std::move(p));
        return Status::ok();
    }
    bool failing = false;
    std::vector<Published> published;
};

} // namespace

class TestStateStore : public QObject
{
    Q_OBJECT

private slots:
    void checkpointSurvivesReopen()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "user_features@v1");
        {
            KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(path));
            KAPPA_ASSIGN_OR_FAIL(OpenTask t, openTask(*store, 0));
            QVERIFY(!t.restored); // nothing checkpointed yet
            KAPPA_VERIFY_OK(add(*t.counters, "alice", 5));
            KAPPA_VERIFY_OK(add(*t.counters, "bob", 7));
            KAPPA_ASSIGN_OR_FAIL(std::uint64_t sequence, t.task->checkpoint(metaAt(2)));
            QCOMPARE(sequence, std::uint64_t(1));
            KAPPA_VERIFY_OK(add(*t.counters, "alice", 100)); // after the checkpoint: must not persist
            KAPPA_VERIFY_OK(add(*t.counters, "carol", 1));
        }
        KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(path));
        KAPPA_ASSIGN_OR_FAIL(OpenTask t, openTask(*store, 0));
        QVERIFY(t.restored);
        CheckpointMeta expected = metaAt(2);
        expected.sequence = 1;
        QVERIFY(*t.restored == expected);
        KAPPA_ASSIGN_OR_FAIL(const Counter *alice, t.counters->find("alice"));
        KAPPA_ASSIGN_OR_FAIL(const Counter *bob, t.counters->find("bob"));
        KAPPA_ASSIGN_OR_FAIL(const Counter *carol, t.counters->find("carol"));
        QVERIFY(alice && bob);
        QCOMPARE(*alice, (Counter{1, 5}));
        QCOMPARE(*bob, (Counter{1, 7}));
        QCOMPARE(carol, nullptr);
        // The sequence continues from the restored checkpoint.
        KAPPA_ASSIGN_OR_FAIL(std::uint64_t next, t.task->checkpoint(metaAt(3)));
        QCOMPARE(next, std::uint64_t(2));
    }

    void commitPublishesToTheChangelogFirst()
    {
        QTemporaryDir dir;
        auto changelog = std::make_shared<RecordingChangelog>();
        StoreOptions options;
        options.changelog = changelog;
        KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(tempPath(dir, "s"), options));
        KAPPA_ASSIGN_OR_FAIL(OpenTask t, openTask(*store, 7));
        KAPPA_VERIFY_OK(add(*t.counters, "alice", 5));
        KAPPA_VERIFY_OK(add(*t.counters, "bob", 1));
        KAPPA_ASSIGN_OR_FAIL(std::uint64_t first, t.task->checkpoint(metaAt(2)));
        QCOMPARE(first, std::uint64_t(1));
        QCOMPARE(changelog->published.size(), std::size_t(1));
        const auto &published = changelog->published[0];
        QCOMPARE(published.task.value(), 7u);
        QCOMPARE(published.meta.sequence, std::uint64_t(1));
        QCOMPARE(published.meta.blob, std::string("timers"));
        const std::string prefix = TaskState::keyPrefixOf(TaskId(7), 0);
        std::vector<std::pair<std::string, std::optional<std::string>>> expected{{prefix + "alice",
                                                                                  counterBytes(1, 5)},
                                                                                 {prefix + "bob",
                                                                                  counterBytes(1, 1)}};
        auto changes = published.changes;
        std::sort(changes.begin(), changes.end());
        QVERIFY(changes == expected);

        // A failing changelog fails the commit, not the store: nothing is
        // written locally, the dirty state stays and goes out with the next one.
        KAPPA_VERIFY_OK(add(*t.counters, "alice", 1));
        changelog->failing = true;
        QCOMPARE(t.task->checkpoint(metaAt(3)).status().code(), StatusCode::Unavailable);
        KAPPA_VERIFY_OK(store->health());
        KAPPA_ASSIGN_OR_FAIL(auto last, store->lastCheckpoint(TaskId(7)));
        QCOMPARE(last->sequence, std::uint64_t(1));
        changelog->failing = false;
        t.counters->erase("bob");
        KAPPA_ASSIGN_OR_FAIL(std::uint64_t second, t.task->checkpoint(metaAt(4)));
        QCOMPARE(second, std::uint64_t(2));
        QCOMPARE(changelog->published.size(), std::size_t(2));
        changes = changelog->published[1].changes;
        std::sort(changes.begin(), changes.end());
        expected = {{prefix + "alice", counterBytes(2, 6)}, {prefix + "bob", std::nullopt}};
        QVERIFY(changes == expected);
    }

    void replaceTaskSwapsOneTasksStateAtomically()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(tempPath(dir, "s")));
        {
            KAPPA_ASSIGN_OR_FAIL(OpenTask a, openTask(*store, 1));
            KAPPA_ASSIGN_OR_FAIL(OpenTask b, openTask(*store, 2));
            KAPPA_VERIFY_OK(add(*a.counters, "stale", 1));
            KAPPA_VERIFY_OK(add(*b.counters, "neighbour", 2));
            KAPPA_VERIFY_OK(a.task->checkpoint(metaAt(1)).status());
            KAPPA_VERIFY_OK(b.task->checkpoint(metaAt(1)).status());
            // Not while the task is open.
            QCOMPARE(store->replaceTask(TaskId(1), metaAt(9), {}).code(), StatusCode::FailedPrecondition);
        }
        CheckpointMeta taken = metaAt(9);
        taken.sequence = 41;
        const std::vector<std::pair<std::string, std::string>> entries{
            {TaskState::keyPrefixOf(TaskId(1), 0) + "fresh", counterBytes(3, 30)}};
        KAPPA_VERIFY_OK(store->replaceTask(TaskId(1), taken, entries));
        const std::vector<std::pair<std::string, std::string>> foreign{
            {TaskState::keyPrefixOf(TaskId(2), 0) + "x", counterBytes(1, 1)}};
        QCOMPARE(store->replaceTask(TaskId(1), taken, foreign).code(), StatusCode::InvalidArgument);

        KAPPA_ASSIGN_OR_FAIL(OpenTask a, openTask(*store, 1));
        QVERIFY(a.restored && *a.restored == taken);
        KAPPA_ASSIGN_OR_FAIL(auto rows, scanTable(*a.task, 0));
        QCOMPARE(rows.size(), std::size_t(1));
        QCOMPARE(rows[0].first, std::string("fresh"));
        KAPPA_ASSIGN_OR_FAIL(OpenTask b, openTask(*store, 2)); // the neighbour is untouched
        KAPPA_ASSIGN_OR_FAIL(const Counter *neighbour, b.counters->find("neighbour"));
        QVERIFY(neighbour && *neighbour == (Counter{1, 2}));
        KAPPA_ASSIGN_OR_FAIL(std::uint64_t next, a.task->checkpoint(metaAt(10)));
        QCOMPARE(next, std::uint64_t(42)); // the sequence goes on from the taken-over one
    }

    void checkpointRequiresRestore()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(tempPath(dir, "s")));
        KAPPA_ASSIGN_OR_FAIL(auto task, store->openTask(TaskId(0)));
        QCOMPARE(task->checkpoint(metaAt(1)).status().code(), StatusCode::FailedPrecondition);
        QCOMPARE(store->openTask(TaskId(0)).status().code(), StatusCode::AlreadyExists);
        task.reset();
        KAPPA_ASSIGN_OR_FAIL(auto reopened, store->openTask(TaskId(0))); // released with its TaskState
    }

    void tasksAreIsolated()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "s");
        {
            KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(path));
            KAPPA_ASSIGN_OR_FAIL(OpenTask a, openTask(*store, 1));
            KAPPA_ASSIGN_OR_FAIL(OpenTask b, openTask(*store, 256)); // differs from 1 only in a higher byte
            KAPPA_VERIFY_OK(add(*a.counters, "shared-key", 1));
            KAPPA_VERIFY_OK(add(*b.counters, "shared-key", 2));
            KAPPA_VERIFY_OK(add(*b.counters, "only-b", 3));
            KAPPA_VERIFY_OK(a.task->checkpoint(metaAt(10)).status());
            // b never checkpoints: its state and position must not appear.
        }
        KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(path));
        KAPPA_ASSIGN_OR_FAIL(OpenTask a, openTask(*store, 1));
        KAPPA_ASSIGN_OR_FAIL(OpenTask b, openTask(*store, 256));
        QVERIFY(a.restored);
        QVERIFY(!b.restored);
        KAPPA_ASSIGN_OR_FAIL(const Counter *inA, a.counters->find("shared-key"));
        KAPPA_ASSIGN_OR_FAIL(const Counter *inB, b.counters->find("shared-key"));
        QVERIFY(inA);
        QCOMPARE(inA->sum, std::int64_t(1));
        QCOMPARE(inB, nullptr);
        KAPPA_VERIFY_OK(add(*b.counters, "only-b", 4));
        KAPPA_VERIFY_OK(b.task->checkpoint(metaAt(20)).status());
        KAPPA_ASSIGN_OR_FAIL(std::optional<CheckpointMeta> metaA, store->lastCheckpoint(TaskId(1)));
        KAPPA_ASSIGN_OR_FAIL(std::optional<CheckpointMeta> metaB, store->lastCheckpoint(TaskId(256)));
        QCOMPARE(metaA->inputs[0].nextOffset, Offset(10));
        QCOMPARE(metaB->inputs[0].nextOffset, Offset(20));
        KAPPA_ASSIGN_OR_FAIL(const Counter *stillA, a.counters->find("only-b"));
        QCOMPARE(stillA, nullptr);
    }

    void scanVisitsCommittedKeysOfOneTable()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(tempPath(dir, "s")));
        // The highest task ids and tables: their prefixes are (nearly) all
        // 0xff bytes, the edge of the scan's upper bound.
        KAPPA_ASSIGN_OR_FAIL(auto task, store->openTask(TaskId(0xffffffffu)));
        KAPPA_ASSIGN_OR_FAIL(auto neighbour, store->openTask(TaskId(0xfffffffeu)));
        KAPPA_ASSIGN_OR_FAIL(auto last, KeyedState<Counter>::create(*task, 255, 100));
        KAPPA_ASSIGN_OR_FAIL(auto first, KeyedState<Counter>::create(*task, 0, 100));
        KAPPA_ASSIGN_OR_FAIL(auto other, KeyedState<Counter>::create(*neighbour, 255, 100));
        KAPPA_VERIFY_OK(task->restore().status());
        KAPPA_VERIFY_OK(neighbour->restore().status());
        for (const char *key : {"carol", "alice", "bob"})
            KAPPA_VERIFY_OK(add(*last, key, 1));
        KAPPA_VERIFY_OK(add(*last, std::string("\xff\x00", 2), 9)); // binary keys sort bytewise
        KAPPA_VERIFY_OK(add(*first, "in-table-0", 2));
        KAPPA_VERIFY_OK(add(*other, "neighbour", 3));
        KAPPA_VERIFY_OK(task->checkpoint(metaAt(1)).status());
        KAPPA_VERIFY_OK(neighbour->checkpoint(metaAt(1)).status());
        KAPPA_VERIFY_OK(add(*last, "dave", 4)); // not checkpointed: invisible
        last->erase("bob");                     // likewise: still visible until checkpointed

        KAPPA_ASSIGN_OR_FAIL(auto seen, scanTable(*task, 255));
        const std::vector<std::pair<std::string, std::string>> expected{
            {"alice", counterBytes(1, 1)},
            {"bob", counterBytes(1, 1)},
            {"carol", counterBytes(1, 1)},
            {std::string("\xff\x00", 2), counterBytes(1, 9)},
        };
        QVERIFY(seen == expected);
        KAPPA_ASSIGN_OR_FAIL(seen, scanTable(*task, 0));
        QCOMPARE(seen.size(), std::size_t(1));
        QCOMPARE(seen[0].first, std::string("in-table-0"));
        KAPPA_ASSIGN_OR_FAIL(seen, scanTable(*task, 7));
        QVERIFY(seen.empty());

        KAPPA_VERIFY_OK(task->checkpoint(metaAt(2)).status());
        KAPPA_ASSIGN_OR_FAIL(seen, scanTable(*task, 255));
        QCOMPARE(seen.size(), std::size_t(4)); // bob gone, dave added
        QCOMPARE(seen[1].first, std::string("carol"));
        QCOMPARE(seen[2].first, std::string("dave"));

        // Early stop; and the store-level scan sees full keys.
        int visits = 0;
        KAPPA_VERIFY_OK(task->scan(255, [&](std::string_view, std::string_view) { return ++visits < 2; }));
        QCOMPARE(visits, 2);
        std::vector<std::string> fullKeys;
        KAPPA_VERIFY_OK(store->scan(std::string("\xff\xff\xff"), [&](std::string_view key, std::string_view) {
            fullKeys.emplace_back(key);
            return true;
        }));
        QCOMPARE(fullKeys.size(), std::size_t(6)); // both tasks, all tables
        QCOMPARE(fullKeys.front(), neighbour->keyPrefix(255) + "neighbour");
        QCOMPARE(fullKeys[1], task->keyPrefix(0) + "in-table-0");
        QVERIFY(std::is_sorted(fullKeys.begin(), fullKeys.end()));
        std::size_t all = 0;
        KAPPA_VERIFY_OK(store->scan("", [&](std::string_view, std::string_view) { return ++all, true; }));
        QCOMPARE(all, std::size_t(6));
    }

    void readOnlyOpenBesideAWriter()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "s");
        StoreOptions readOnly;
        readOnly.readOnly = true;
        QCOMPARE(StateStore::open(path, readOnly).status().code(), StatusCode::NotFound);
        QVERIFY(!std::filesystem::exists(path)); // nothing created

        KAPPA_ASSIGN_OR_FAIL(auto writer, StateStore::open(path));
        KAPPA_ASSIGN_OR_FAIL(OpenTask t, openTask(*writer, 3));
        KAPPA_VERIFY_OK(add(*t.counters, "alice", 5));
        KAPPA_VERIFY_OK(t.task->checkpoint(metaAt(7)).status());

        // The writer still holds the store: a reader opens it anyway and sees that checkpoint.
        KAPPA_ASSIGN_OR_FAIL(auto reader, StateStore::open(path, readOnly));
        KAPPA_ASSIGN_OR_FAIL(std::optional<CheckpointMeta> meta, reader->lastCheckpoint(TaskId(3)));
        QVERIFY(meta);
        QCOMPARE(meta->inputs[0].nextOffset, Offset(7));
        const std::string alice = t.task->keyPrefix(0) + "alice";
        std::string value;
        bool found = false;
        KAPPA_VERIFY_OK(reader->get(alice, &value, &found));
        QVERIFY(found);
        QCOMPARE(value, counterBytes(1, 5));

        // Later checkpoints appear only after reopening.
        KAPPA_VERIFY_OK(add(*t.counters, "bob", 1));
        KAPPA_VERIFY_OK(t.task->checkpoint(metaAt(8)).status());
        std::size_t keys = 0;
        KAPPA_VERIFY_OK(reader->scan("", [&](std::string_view, std::string_view) { return ++keys, true; }));
        QCOMPARE(keys, std::size_t(1));
        KAPPA_ASSIGN_OR_FAIL(auto again, StateStore::open(path, readOnly));
        keys = 0;
        KAPPA_VERIFY_OK(again->scan("", [&](std::string_view, std::string_view) { return ++keys, true; }));
        QCOMPARE(keys, std::size_t(2));

        // Writing is refused without failing the store.
        QCOMPARE(reader->openTask(TaskId(4)).status().code(), StatusCode::FailedPrecondition);
        CheckpointBatch batch = reader->newBatch();
        batch.put(alice, "x");
        QCOMPARE(reader->commit(TaskId(3), metaAt(9), batch).code(), StatusCode::FailedPrecondition);
        QCOMPARE(reader->flush().code(), StatusCode::FailedPrecondition);
        KAPPA_VERIFY_OK(reader->health());
        KAPPA_VERIFY_OK(reader->size().status());
    }

    void readOnlyOpenOfAStoreCutOffWhileCreated()
    {
        // What a writer killed between RocksDB's two creation steps leaves: a
        // database with CURRENT and the default column family only.
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "s");
        {
            rocksdb::Options options;
            options.create_if_missing = true;
            rocksdb::DB *raw = nullptr;
            QVERIFY(rocksdb::DB::Open(options, path, &raw).ok());
            std::unique_ptr<rocksdb::DB> db(raw);
            QVERIFY(db->Close().ok());
        }
        StoreOptions readOnly;
        readOnly.readOnly = true;
        const Result<std::shared_ptr<StateStore>> reader = StateStore::open(path, readOnly);
        QCOMPARE(reader.status().code(), StatusCode::NotFound);
        QVERIFY2(reader.status().message().find("no checkpoint yet") != std::string::npos,
                 reader.status().message().c_str());

        // The writer's next open completes the store; then readers see its checkpoints.
        KAPPA_ASSIGN_OR_FAIL(auto writer, StateStore::open(path));
        KAPPA_ASSIGN_OR_FAIL(OpenTask t, openTask(*writer, 1));
        KAPPA_VERIFY_OK(add(*t.counters, "alice", 2));
        KAPPA_VERIFY_OK(t.task->checkpoint(metaAt(3)).status());
        KAPPA_ASSIGN_OR_FAIL(auto later, StateStore::open(path, readOnly));
        KAPPA_ASSIGN_OR_FAIL(std::optional<CheckpointMeta> meta, later->lastCheckpoint(TaskId(1)));
        QVERIFY(meta);
    }

    void concurrentTasksCheckpoint()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(tempPath(dir, "s")));
        std::vector<std::thread> threads;
        std::vector<Status> results(4);
        for (std::uint32_t id = 0; id < 4; ++id) {
            threads.emplace_back([&store, &results, id] {
                results[id] = [&]() -> Status {
                    KAPPA_ASSIGN_OR_RETURN(OpenTask t, openTask(*store, id, 8));
                    for (int i = 0; i < 50; ++i) {
                        for (int k = 0; k < 20; ++k)
                            KAPPA_RETURN_IF_ERROR(add(*t.counters, "k" + std::to_string(k), id));
                        KAPPA_RETURN_IF_ERROR(t.task->checkpoint(metaAt(i + 1)).status());
                    }
                    return Status::ok();
                }();
            });
        }
        for (std::thread &thread : threads)
            thread.join();
        for (const Status &status : results)
            KAPPA_VERIFY_OK(status);
        for (std::uint32_t id = 0; id < 4; ++id) {
            KAPPA_ASSIGN_OR_FAIL(OpenTask t, openTask(*store, id));
            QVERIFY(t.restored.has_value());
            const std::uint64_t sequence = t.restored.value_or(CheckpointMeta{}).sequence;
            QCOMPARE(sequence, std::uint64_t(50));
            KAPPA_ASSIGN_OR_FAIL(const Counter *c, t.counters->find("k7"));
            QCOMPARE(*c, (Counter{50, 50 * std::int64_t(id)}));
        }
        QCOMPARE(store->checkpointStats().count, std::uint64_t(200));
    }

    void destroyRemovesEverything()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "fraud@v2");
        KAPPA_VERIFY_OK(StateStore::destroy(path)); // nothing there: ok
        {
            KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(path));
            KAPPA_ASSIGN_OR_FAIL(OpenTask t, openTask(*store, 0));
            KAPPA_VERIFY_OK(add(*t.counters, "x", 1));
            KAPPA_VERIFY_OK(t.task->checkpoint(metaAt(1)).status());
            KAPPA_VERIFY_OK(store->flush());
            const Status whileOpen = StateStore::destroy(path);
            QCOMPARE(whileOpen.code(), StatusCode::Unavailable);
        }
        QVERIFY(std::filesystem::exists(path + "/CURRENT"));
        KAPPA_VERIFY_OK(StateStore::destroy(path));
        QVERIFY(!std::filesystem::exists(path));
        KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(path));
        KAPPA_ASSIGN_OR_FAIL(OpenTask t, openTask(*store, 0));
        QVERIFY(!t.restored);
        KAPPA_ASSIGN_OR_FAIL(const Counter *x, t.counters->find("x"));
        QCOMPARE(x, nullptr);
    }

    void destroyKeepsForeignFiles()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "s");
        {
            KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(path));
        }
        std::ofstream(path + "/notes.txt") << "mine";
        const Status status = StateStore::destroy(path);
        QCOMPARE(status.code(), StatusCode::FailedPrecondition);
        QVERIFY(std::filesystem::exists(path + "/notes.txt"));
        QCOMPARE(StateStore::destroy(path + "/notes.txt").code(), StatusCode::InvalidArgument);
    }

    void damagedStoresFailClearly_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<int>("expected");
        QTest::newRow("garbage CURRENT") << "current" << int(StatusCode::Corruption);
        QTest::newRow("missing MANIFEST") << "manifest" << int(StatusCode::Corruption);
        QTest::newRow("path is a file") << "file" << int(StatusCode::Internal);
        QTest::newRow("missing, no create") << "missing" << int(StatusCode::NotFound);
    }
    void damagedStoresFailClearly()
    {
        QFETCH(QString, damage);
        QFETCH(int, expected);
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "s");
        StoreOptions options;
        if (damage == "current" || damage == "manifest") {
            {
                KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(path));
                KAPPA_ASSIGN_OR_FAIL(OpenTask t, openTask(*store, 0));
                KAPPA_VERIFY_OK(t.task->checkpoint(metaAt(1)).status());
            }
            if (damage == "current") {
                std::ofstream(path + "/CURRENT", std::ios::trunc) << "\x01\x02garbage";
            } else {
                for (const auto &entry : std::filesystem::directory_iterator(path)) {
                    if (entry.path().filename().string().starts_with("MANIFEST"))
                        std::filesystem::remove(entry.path());
                }
            }
        } else if (damage == "file") {
            std::ofstream(path) << "not a directory";
        } else {
            options.createIfMissing = false;
        }
        const Result<std::shared_ptr<StateStore>> store = StateStore::open(path, options);
        QVERIFY(!store.isOk());
        QCOMPARE(int(store.status().code()), expected);
        QVERIFY2(store.status().message().find(path) != std::string::npos, store.status().message().c_str());
    }

    void failedSyncIsFatal()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "s");
        auto failing = std::make_shared<std::atomic<bool>>(false);
        {
            StoreOptions options;
            options.failSync = [failing] { return failing->load(); };
            KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(path, options));
            KAPPA_ASSIGN_OR_FAIL(OpenTask t, openTask(*store, 0));
            KAPPA_VERIFY_OK(add(*t.counters, "a", 1));
            KAPPA_VERIFY_OK(t.task->checkpoint(metaAt(1)).status());
            KAPPA_VERIFY_OK(add(*t.counters, "a", 2));
            failing->store(true);
            const Status failed = t.task->checkpoint(metaAt(2)).status();
            QCOMPARE(failed.code(), StatusCode::Internal);
            QVERIFY2(failed.message().find("injected sync failure") != std::string::npos,
                     failed.message().c_str());
            QCOMPARE(store->health().code(), StatusCode::Internal);
            // Never retried: even with a healthy disk again, the store stays failed.
            failing->store(false);
            QCOMPARE(t.task->checkpoint(metaAt(3)).status().code(), StatusCode::Internal);
            QCOMPARE(store->lastCheckpoint(TaskId(0)).status().code(), StatusCode::Internal);
            QCOMPARE(t.counters->find("unknown").status().code(), StatusCode::Internal);
            QCOMPARE(store->openTask(TaskId(9)).status().code(), StatusCode::Internal);
            QCOMPARE(store->checkpointStats().count, std::uint64_t(1));
        }
        // After a reopen the unsynced checkpoint may or may not have survived
        // (its bytes reached the page cache), but state and position agree.
        KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(path));
        KAPPA_ASSIGN_OR_FAIL(OpenTask t, openTask(*store, 0));
        QVERIFY(t.restored.has_value());
        const CheckpointMeta restored = t.restored.value_or(CheckpointMeta{});
        QVERIFY(restored.sequence == 1 || restored.sequence == 2);
        KAPPA_ASSIGN_OR_FAIL(const Counter *a, t.counters->find("a"));
        QVERIFY(a);
        QCOMPARE(a->count, std::int64_t(restored.sequence));
        QCOMPARE(restored.inputs[0].nextOffset, Offset(std::int64_t(restored.sequence)));
    }

    void measurementsArePopulated()
    {
        QTemporaryDir dir;
        StoreOptions options;
        options.checkpointHistory = 3;
        KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(tempPath(dir, "s"), options));
        KAPPA_ASSIGN_OR_FAIL(OpenTask t, openTask(*store, 0, 50));
        for (int round = 0; round < 5; ++round) {
            for (int k = 0; k < 100; ++k) {
                KAPPA_VERIFY_OK(add(*t.counters, "user-" + std::to_string(k), k));
                KAPPA_VERIFY_OK(add(*t.counters, "hot", k)); // a cache hit every time but the first
            }
            t.counters->erase("user-0");
            KAPPA_VERIFY_OK(t.task->checkpoint(metaAt(round)).status());
        }
        const CheckpointStats stats = store->checkpointStats();
        QCOMPARE(stats.count, std::uint64_t(5));
        QCOMPARE(stats.recent.size(), std::size_t(3)); // bounded history, oldest first
        QCOMPARE(stats.recent.front().sequence, std::uint64_t(3));
        QCOMPARE(stats.recent.back().sequence, std::uint64_t(5));
        QCOMPARE(stats.totalKeys, std::uint64_t(5 * 101));
        for (const CheckpointRecord &r : stats.recent) {
            QCOMPARE(r.task, TaskId(0));
            QCOMPARE(r.keysWritten, std::uint64_t(100));
            QCOMPARE(r.keysDeleted, std::uint64_t(1));
            QVERIFY(r.bytes > 100 * 16);
            QVERIFY(r.durationMicros >= r.writeMicros);
            QVERIFY(r.writeMicros > 0);
        }
        QVERIFY(stats.totalBytes >= 5 * 100 * 16);
        KAPPA_ASSIGN_OR_FAIL(StoreSize inMemory, store->size());
        QVERIFY(inMemory.memtableBytes > 0);
        QVERIFY(inMemory.estimatedKeys > 0);
        KAPPA_VERIFY_OK(store->flush());
        KAPPA_ASSIGN_OR_FAIL(StoreSize flushed, store->size());
        QVERIFY(flushed.sstFileBytes > 0);
        QVERIFY(flushed.liveDataBytes > 0);
        QVERIFY(flushed.bytes() >= flushed.sstFileBytes);
        // An estimate (deletes are subtracted twice until compaction): near 100, not exact.
        QVERIFY2(flushed.estimatedKeys >= 90 && flushed.estimatedKeys <= 110,
                 std::to_string(flushed.estimatedKeys).c_str());
        const CacheStats cache = t.counters->stats();
        QCOMPARE(cache.capacity, std::size_t(50));
        QVERIFY(cache.hits > 0);
        QVERIFY(cache.misses > 0);
        QVERIFY(cache.evictions > 0);
        QVERIFY(cache.hitRate() > 0.0 && cache.hitRate() < 1.0);
    }
};

QTEST_APPLESS_MAIN(TestStateStore)
#include "test_state_store.moc"
