// Crash test: a writer process running two tasks over one store, applying
// deterministic updates and checkpointing after random numbers of them, is
// killed with SIGKILL at random moments ~20 times. After each kill, every
// task's restored position N must match its state exactly: the counters equal
// the model after N events, never a later or an earlier state.
//
// SIGKILL keeps the page cache, so this checks the atomicity of a checkpoint
// (state and metadata in one batch) and that nothing between checkpoints
// reaches the store; power loss is RocksDB's own WAL sync guarantee.
#include "crash_model.h"
#include "state/keyed_state.h"
#include "state/state_store.h"
#include "test_support.h"

#include <chrono>
#include <random>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace kappa;
using namespace kappa::state;

namespace {

pid_t startWriter(const std::string &dir, unsigned seed)
{
    const std::string seedText = std::to_string(seed);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::execl(KAPPA_STATE_CRASH_WRITER, KAPPA_STATE_CRASH_WRITER, dir.c_str(), seedText.c_str(),
                static_cast<char *>(nullptr));
        ::_exit(127);
    }
    return pid;
}

} // namespace

class TestStateCrash : public QObject
{
    Q_OBJECT

private:
    // Verifies one task after a kill; returns its restored position through *position.
    void verifyTask(StateStore &store, std::uint32_t task, std::int64_t *position)
    {
        KAPPA_ASSIGN_OR_FAIL(auto taskState, store.openTask(TaskId(task)));
        KAPPA_ASSIGN_OR_FAIL(auto counters, KeyedState<statetest::Counter>::create(*taskState, 0, 4));
        KAPPA_ASSIGN_OR_FAIL(std::optional<CheckpointMeta> meta, taskState->restore());
        *position = 0;
        if (meta) {
            QCOMPARE(meta->inputs.size(), std::size_t(1));
            *position = meta->inputs[0].nextOffset.value();
            QCOMPARE(meta->inputs[0].watermark.value(), *position * 10);
            QCOMPARE(meta->blob, "pos=" + std::to_string(*position));
        }
        const auto expected = crashmodel::model(task, *position);
        for (std::int64_t k = 0; k < crashmodel::kKeys; ++k) {
            const std::string key = "k" + std::to_string(k);
            KAPPA_ASSIGN_OR_FAIL(const statetest::Counter *actual, counters->find(key));
            const auto it = expected.find(key);
            QVERIFY2((actual == nullptr) == (it == expected.end()),
                     qPrintable(QString::fromStdString("task " + std::to_string(task) + " key " + key
                                                       + " presence differs at position "
                                                       + std::to_string(*position))));
            if (actual) {
                QCOMPARE(actual->count, it->second.count);
                QCOMPARE(actual->sum, it->second.sum);
            }
        }
    }

private slots:
    void killedWriterLeavesConsistentCheckpoints()
    {
        QTemporaryDir dir;
        const std::string storeDir = tempPath(dir, "state");
        std::mt19937 rng(20261126);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(25);
        std::vector<std::int64_t> positions(crashmodel::kTasks, 0);
        int kills = 0;
        int advances = 0;
        for (int round = 0; round < 20 && std::chrono::steady_clock::now() < deadline; ++round) {
            const pid_t pid = startWriter(storeDir, rng());
            QVERIFY(pid > 0);
            std::this_thread::sleep_for(std::chrono::milliseconds(round == 0 ? 400 : 100 + rng() % 400));
            int wstatus = 0;
            QCOMPARE(::waitpid(pid, &wstatus, WNOHANG), 0); // still running: it never exits by itself
            QCOMPARE(::kill(pid, SIGKILL), 0);
            QCOMPARE(::waitpid(pid, &wstatus, 0), pid);
            QVERIFY(WIFSIGNALED(wstatus));
            ++kills;

            KAPPA_ASSIGN_OR_FAIL(auto store, StateStore::open(storeDir));
            for (std::uint32_t task = 0; task < crashmodel::kTasks; ++task) {
                std::int64_t position = 0;
                verifyTask(*store, task, &position);
                if (QTest::currentTestFailed())
                    return;
                QVERIFY2(position >= positions[task], "a checkpoint went backwards");
                advances += position > positions[task] ? 1 : 0;
                positions[task] = position;
            }
        }
        qInfo("%d kills, final positions %lld and %lld", kills, static_cast<long long>(positions[0]),
              static_cast<long long>(positions[1]));
        QVERIFY(kills >= 10);
        QVERIFY2(advances >= kills, "the writer made too little progress to test anything");
    }
};

QTEST_APPLESS_MAIN(TestStateCrash)
#include "test_state_crash.moc"
