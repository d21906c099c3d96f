// The write-back cache: hits and misses, eviction of clean entries only,
// erase, restore discarding uncheckpointed changes, parse failures, and
// checkpoints committed in the background while the cache is in use.
#include "state/keyed_state.h"
#include "state/state_store.h"
#include "state_test_util.h"
#include "test_support.h"

#include <future>
#include <map>

using namespace kappa;
using namespace kappa::state;
using statetest::Counter;

namespace {

std::string key(int i)
{
    return "key-" + std::to_string(i);
}

} // namespace

class TestStateKeyedState : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<StateStore> m_store;
    std::unique_ptr<TaskState> m_task;

    // Opens a fresh store and task 1, restored (nothing checkpointed yet).
    void openFresh(const char *name)
    {
        m_task.reset();
        KAPPA_ASSIGN_OR_FAIL(m_store, StateStore::open(tempPath(m_dir, name)));
        KAPPA_ASSIGN_OR_FAIL(m_task, m_store->openTask(TaskId(1)));
    }

    // Adds i to key(i)'s counter for i in [from, to).
    void addRange(KeyedState<Counter> &state, int from, int to)
    {
        for (int i = from; i < to; ++i) {
            KAPPA_ASSIGN_OR_FAIL(Counter * c, state.getOrCreate(key(i)));
            c->count += 1;
            c->sum += i;
        }
    }

    void checkpoint()
    {
        KAPPA_ASSIGN_OR_FAIL(std::uint64_t sequence, m_task->checkpoint(CheckpointMeta{}));
        QVERIFY(sequence > 0);
    }

private slots:
    void cleanup()
    {
        m_task.reset();
        m_store.reset();
    }

    void hitsAndMisses()
    {
        openFresh("hits");
        KAPPA_ASSIGN_OR_FAIL(auto state, KeyedState<Counter>::create(*m_task, 0, 100));
        KAPPA_VERIFY_OK(m_task->restore().status());
        KAPPA_ASSIGN_OR_FAIL(const Counter *absent, state->find("nobody"));
        QCOMPARE(absent, nullptr);
        KAPPA_ASSIGN_OR_FAIL(absent, state->find("nobody")); // absence is cached too
        QCOMPARE(absent, nullptr);
        addRange(*state, 0, 10);
        addRange(*state, 0, 10);
        const CacheStats stats = state->stats();
        QCOMPARE(stats.misses, std::uint64_t(11)); // "nobody" once, each key once
        QCOMPARE(stats.hits, std::uint64_t(11));
        QCOMPARE(stats.dirty, std::size_t(10));
        QCOMPARE(stats.entries, std::size_t(11));
        QCOMPARE(stats.hitRate(), 0.5);
        KAPPA_ASSIGN_OR_FAIL(const Counter *c, state->find(key(3)));
        QVERIFY(c);
        QCOMPARE(*c, (Counter{2, 6}));
    }

    void evictsOnlyCleanEntries_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::addColumn<int>("keys");
        QTest::newRow("capacity 1") << 1 << 20;
        QTest::newRow("capacity 4") << 4 << 50;
        QTest::newRow("capacity 64") << 64 << 1000;
        QTest::newRow("everything fits") << 100 << 50;
    }
    void evictsOnlyCleanEntries()
    {
        QFETCH(int, capacity);
        QFETCH(int, keys);
        openFresh(QTest::currentDataTag());
        KAPPA_ASSIGN_OR_FAIL(auto state, KeyedState<Counter>::create(*m_task, 0, std::size_t(capacity)));
        KAPPA_VERIFY_OK(m_task->restore().status());
        addRange(*state, 0, keys);
        // Dirty entries exceed the capacity rather than being dropped.
        QCOMPARE(state->stats().entries, std::size_t(keys));
        QCOMPARE(state->stats().evictions, std::uint64_t(0));
        checkpoint();
        QCOMPARE(state->stats().entries, std::size_t(std::min(capacity, keys)));
        QCOMPARE(state->stats().evictions, std::uint64_t(std::max(0, keys - capacity)));
        // Evicted entries reload from the store with their checkpointed values.
        addRange(*state, 0, keys);
        for (int i = 0; i < keys; ++i) {
            KAPPA_ASSIGN_OR_FAIL(const Counter *c, state->find(key(i)));
            QVERIFY(c);
            QCOMPARE(*c, (Counter{2, 2 * std::int64_t(i)}));
        }
        QVERIFY(state->stats().entries <= std::size_t(std::max(capacity, keys)));
    }

    void dirtyEntrySurvivesEvictionPressure()
    {
        openFresh("pressure");
        KAPPA_ASSIGN_OR_FAIL(auto state, KeyedState<Counter>::create(*m_task, 0, 2));
        KAPPA_VERIFY_OK(m_task->restore().status());
        addRange(*state, 0, 10);
        checkpoint();
        KAPPA_ASSIGN_OR_FAIL(Counter * hot, state->getOrCreate("hot"));
        hot->count = 77;
        for (int round = 0; round < 3; ++round) {
            for (int i = 0; i < 10; ++i) {
                KAPPA_ASSIGN_OR_FAIL(const Counter *c, state->find(key(i)));
                QVERIFY(c);
            }
        }
        QVERIFY(state->stats().evictions >= 30);
        QCOMPARE(state->stats().dirty, std::size_t(1));
        // Still cached, unflushed: a hit, with the uncheckpointed value.
        const std::uint64_t misses = state->stats().misses;
        KAPPA_ASSIGN_OR_FAIL(const Counter *again, state->find("hot"));
        QCOMPARE(state->stats().misses, misses);
        QVERIFY(again);
        QCOMPARE(again->count, std::int64_t(77));
    }

    void erasePersistsAtCheckpoint()
    {
        openFresh("erase");
        const std::string dir = m_store->dir();
        {
            KAPPA_ASSIGN_OR_FAIL(auto state, KeyedState<Counter>::create(*m_task, 0, 3));
            KAPPA_VERIFY_OK(m_task->restore().status());
            addRange(*state, 0, 10);
            checkpoint();
            state->erase(key(1));        // evicted: erased without a read
            state->erase(key(8));        // still cached
            state->erase("never-there"); // harmless
            KAPPA_ASSIGN_OR_FAIL(const Counter *gone, state->find(key(1)));
            QCOMPARE(gone, nullptr);
            addRange(*state, 2, 3);
            state->erase(key(2)); // modified, then erased before the checkpoint
            checkpoint();
        }
        const CheckpointRecord last = m_store->checkpointStats().recent.back();
        QCOMPARE(last.keysDeleted, std::uint64_t(4));
        m_task.reset();
        m_store.reset();
        KAPPA_ASSIGN_OR_FAIL(m_store, StateStore::open(dir));
        KAPPA_ASSIGN_OR_FAIL(m_task, m_store->openTask(TaskId(1)));
        KAPPA_ASSIGN_OR_FAIL(auto state, KeyedState<Counter>::create(*m_task, 0, 3));
        KAPPA_VERIFY_OK(m_task->restore().status());
        for (int i = 0; i < 10; ++i) {
            KAPPA_ASSIGN_OR_FAIL(const Counter *c, state->find(key(i)));
            QCOMPARE(c == nullptr, i == 1 || i == 2 || i == 8);
        }
    }

    void restoreDiscardsUncheckpointedChanges()
    {
        openFresh("restore");
        KAPPA_ASSIGN_OR_FAIL(auto state, KeyedState<Counter>::create(*m_task, 0, 100));
        KAPPA_VERIFY_OK(m_task->restore().status());
        addRange(*state, 0, 5);
        checkpoint();
        addRange(*state, 0, 10);
        state->erase(key(0));
        KAPPA_ASSIGN_OR_FAIL(std::optional<CheckpointMeta> meta, m_task->restore());
        QVERIFY(meta);
        QCOMPARE(meta->sequence, std::uint64_t(1));
        QCOMPARE(state->stats().entries, std::size_t(0));
        for (int i = 0; i < 10; ++i) {
            KAPPA_ASSIGN_OR_FAIL(const Counter *c, state->find(key(i)));
            QCOMPARE(c != nullptr, i < 5);
            if (c)
                QCOMPARE(*c, (Counter{1, i}));
        }
    }

    void tablesOfOneTaskAreSeparate()
    {
        openFresh("tables");
        KAPPA_ASSIGN_OR_FAIL(auto cards, KeyedState<Counter>::create(*m_task, 1, 10));
        KAPPA_ASSIGN_OR_FAIL(auto merchants, KeyedState<Counter>::create(*m_task, 2, 10));
        const auto duplicate = KeyedState<Counter>::create(*m_task, 2, 10);
        QCOMPARE(duplicate.status().code(), StatusCode::AlreadyExists);
        QCOMPARE(KeyedState<Counter>::create(*m_task, 3, 0).status().code(), StatusCode::InvalidArgument);
        KAPPA_VERIFY_OK(m_task->restore().status());
        addRange(*cards, 0, 3);
        checkpoint();
        KAPPA_VERIFY_OK(m_task->restore().status());
        KAPPA_ASSIGN_OR_FAIL(const Counter *inCards, cards->find(key(1)));
        KAPPA_ASSIGN_OR_FAIL(const Counter *inMerchants, merchants->find(key(1)));
        QVERIFY(inCards);
        QCOMPARE(inMerchants, nullptr);
    }

    // While a begun checkpoint's commit is not durable, its entries stay
    // cached (the store does not hold them yet) however full the cache is,
    // may be written again, and the commit holds the values collected.
    void begunCheckpointKeepsEntriesUntilDurable()
    {
        openFresh("begun");
        const std::string dir = m_store->dir();
        KAPPA_ASSIGN_OR_FAIL(auto state, KeyedState<Counter>::create(*m_task, 0, 2));
        KAPPA_VERIFY_OK(m_task->restore().status());
        addRange(*state, 0, 10);
        std::promise<void> release;
        std::shared_future<void> released = release.get_future().share();
        KAPPA_VERIFY_OK(m_task->beginCheckpoint(CheckpointMeta{}, [released] {
            released.wait();
            return Status::ok();
        }));
        QVERIFY(m_task->checkpointPending());
        QCOMPARE(m_task->beginCheckpoint(CheckpointMeta{}, {}).code(), StatusCode::FailedPrecondition);
        for (int i = 10; i < 30; ++i) { // pressure: absent keys, each a miss and a clean entry
            KAPPA_ASSIGN_OR_FAIL(const Counter *absent, state->find(key(i)));
            QCOMPARE(absent, nullptr);
        }
        const std::uint64_t misses = state->stats().misses;
        for (int i = 0; i < 10; ++i) {
            KAPPA_ASSIGN_OR_FAIL(const Counter *c, state->find(key(i)));
            QVERIFY(c);
            QCOMPARE(*c, (Counter{1, i}));
        }
        QCOMPARE(state->stats().misses, misses); // all ten still cached
        addRange(*state, 3, 4);                  // written again while in flight
        QCOMPARE(state->stats().dirty, std::size_t(1));
        KAPPA_ASSIGN_OR_FAIL(std::optional<CompletedCheckpoint> early, m_task->finishCheckpoint(false));
        QVERIFY(!early);
        release.set_value();
        KAPPA_ASSIGN_OR_FAIL(std::optional<CompletedCheckpoint> done, m_task->finishCheckpoint(true));
        QVERIFY(done);
        QCOMPARE(done->sequence, std::uint64_t(1));
        QVERIFY(!m_task->checkpointPending());
        QCOMPARE(state->stats().dirty, std::size_t(1)); // key 3 waits for the next checkpoint
        QVERIFY(state->stats().entries <= std::size_t(3));

        // What the commit wrote: the values as collected.
        std::map<std::string, std::string> stored;
        KAPPA_VERIFY_OK(m_task->scan(0, [&](std::string_view k, std::string_view v) {
            stored.emplace(std::string(k), std::string(v));
            return true;
        }));
        QCOMPARE(stored.size(), std::size_t(10));
        KAPPA_ASSIGN_OR_FAIL(Counter three, Counter::parse(stored.at(key(3))));
        QCOMPARE(three, (Counter{1, 3}));
        checkpoint();
        state.reset();
        m_task.reset();
        m_store.reset();
        KAPPA_ASSIGN_OR_FAIL(m_store, StateStore::open(dir));
        KAPPA_ASSIGN_OR_FAIL(m_task, m_store->openTask(TaskId(1)));
        KAPPA_ASSIGN_OR_FAIL(state, KeyedState<Counter>::create(*m_task, 0, 2));
        KAPPA_ASSIGN_OR_FAIL(std::optional<CheckpointMeta> meta, m_task->restore());
        QVERIFY(meta);
        QCOMPARE(meta->sequence, std::uint64_t(2));
        KAPPA_ASSIGN_OR_FAIL(const Counter *reloaded, state->find(key(3)));
        QVERIFY(reloaded);
        QCOMPARE(*reloaded, (Counter{2, 6}));
    }

    // A begun checkpoint whose outputs cannot be made durable commits nothing:
    // its entries are dirty again, and the next checkpoint writes them.
    void failedBeforeCommitLeavesEntriesDirty()
    {
        openFresh("unavailable");
        KAPPA_ASSIGN_OR_FAIL(auto state, KeyedState<Counter>::create(*m_task, 0, 4));
        KAPPA_VERIFY_OK(m_task->restore().status());
        addRange(*state, 0, 10);
        KAPPA_VERIFY_OK(
            m_task->beginCheckpoint(CheckpointMeta{}, [] { return Status::unavailable("view busy"); }));
        addRange(*state, 0, 2);
        const Result<std::optional<CompletedCheckpoint>> failed = m_task->finishCheckpoint(true);
        QCOMPARE(failed.status().code(), StatusCode::Unavailable);
        QCOMPARE(m_task->lastSequence(), std::uint64_t(0));
        QCOMPARE(state->stats().dirty, std::size_t(10));
        QVERIFY(m_store->health().isOk());
        KAPPA_ASSIGN_OR_FAIL(std::uint64_t sequence, m_task->checkpoint(CheckpointMeta{}));
        QCOMPARE(sequence, std::uint64_t(1));
        QCOMPARE(m_store->checkpointStats().recent.back().keysWritten, std::uint64_t(10));
        QCOMPARE(state->stats().dirty, std::size_t(0));
        QCOMPARE(state->stats().entries, std::size_t(4));
    }

    void unparseableValueIsCorruption()
    {
        openFresh("unparseable");
        {
            KAPPA_ASSIGN_OR_FAIL(auto text, KeyedState<statetest::Text>::create(*m_task, 0, 10));
            KAPPA_VERIFY_OK(m_task->restore().status());
            KAPPA_ASSIGN_OR_FAIL(statetest::Text * t, text->getOrCreate("k"));
            t->text = "not a counter";
            checkpoint();
        }
        KAPPA_ASSIGN_OR_FAIL(auto counters, KeyedState<Counter>::create(*m_task, 0, 10));
        const Result<const Counter *> found = counters->find("k");
        QVERIFY(!found.isOk());
        QCOMPARE(found.status().code(), StatusCode::Corruption);
        QVERIFY2(found.status().message().find("task 1 table 0") != std::string::npos,
                 found.status().message().c_str());
        QCOMPARE(counters->getOrCreate("k").status().code(), StatusCode::Corruption);
    }

    // Random getOrCreate / find / erase / checkpoint (synchronous, or begun
    // and finished later) over more keys than the capacity, against a plain
    // map of the logical state, with keys announced by prefetch in between:
    // exercises the hash index (collisions, deletions with back-shifting),
    // reuse of evicted entries, the LRU order and entries written again while
    // in flight, and checks the capacity bound
    // after every synchronous checkpoint and the store's contents at the end.
    void matchesModelUnderRandomOperations()
    {
        openFresh("model");
        constexpr std::size_t kCapacity = 16;
        KAPPA_ASSIGN_OR_FAIL(auto state, KeyedState<Counter>::create(*m_task, 0, kCapacity));
        KAPPA_VERIFY_OK(m_task->restore().status());
        std::map<std::string, Counter> model;
        std::uint64_t seed = 12345;
        auto next = [&seed] {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            return seed >> 33;
        };
        // Checkpoints are synced writes: one step in 40 keeps the test fast.
        // Keys of 8 bytes ("key-1000".."key-1099") take another hash function than the others.
        auto randomKey = [&] { return key(int(next() % 200) + 900); };
        for (int step = 0; step < 8000; ++step) {
            const std::string k = randomKey();
            // A prefetch is a hint only: announcing keys changes no result below.
            state->prefetch(randomKey(), step);
            const auto op = next() % 40;
            if (op < 4) {
                state->erase(k);
                model.erase(k);
            } else if (op == 4) {
                checkpoint();
                QVERIFY(state->stats().entries <= kCapacity);
                QCOMPARE(state->stats().dirty, std::size_t(0));
            } else if (op == 5 && !m_task->checkpointPending()) {
                KAPPA_VERIFY_OK(m_task->beginCheckpoint(CheckpointMeta{}, {}));
            } else if (op == 6) {
                KAPPA_VERIFY_OK(m_task->finishCheckpoint(false).status());
            } else if (op < 20) {
                KAPPA_ASSIGN_OR_FAIL(const Counter *c, state->find(k));
                const auto it = model.find(k);
                QCOMPARE(c != nullptr, it != model.end());
                if (c)
                    QCOMPARE(*c, it->second);
            } else {
                KAPPA_ASSIGN_OR_FAIL(Counter * c, state->getOrCreate(k));
                c->count += 1;
                c->sum += step;
                Counter &m = model[k];
                m.count += 1;
                m.sum += step;
                QCOMPARE(*c, m);
            }
        }
        QVERIFY(state->stats().evictions > 0);
        checkpoint();
        std::map<std::string, Counter> stored;
        KAPPA_VERIFY_OK(m_task->scan(0, [&](std::string_view k, std::string_view v) {
            Result<Counter> parsed = Counter::parse(v);
            if (parsed.isOk())
                stored.emplace(std::string(k), *parsed);
            return parsed.isOk();
        }));
        QCOMPARE(stored, model);
    }
};

QTEST_APPLESS_MAIN(TestStateKeyedState)
#include "test_state_keyed_state.moc"
