// Runs the crash model until killed: opens the store in argv[1], restores
// each task, then applies events and checkpoints after a random number of
// them (seed argv[2]), one thread per task sharing the store. Exits non-zero
// only on an error; the crash test kills it with SIGKILL.
#include "crash_model.h"
#include "state/keyed_state.h"
#include "state/state_store.h"

#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace kappa;
using namespace kappa::state;

namespace {

[[noreturn]] void die(const Status &status)
{
    std::fprintf(stderr, "state_crash_writer: %s\n", status.toString().c_str());
    std::fflush(stderr);
    std::_Exit(2);
}

Status applyEvent(KeyedState<statetest::Counter> &counters, std::uint32_t task, std::int64_t n)
{
    const std::string key = crashmodel::keyOf(task, n);
    if (crashmodel::erases(n)) {
        counters.erase(key);
        return Status::ok();
    }
    KAPPA_ASSIGN_OR_RETURN(statetest::Counter * counter, counters.getOrCreate(key));
    counter->count += 1;
    counter->sum += n;
    return Status::ok();
}

Status runTask(StateStore &store, std::uint32_t task, unsigned seed)
{
    KAPPA_ASSIGN_OR_RETURN(auto taskState, store.openTask(TaskId(task)));
    KAPPA_ASSIGN_OR_RETURN(auto counters,
                           KeyedState<statetest::Counter>::create(*taskState, 0, crashmodel::kCacheCapacity));
    KAPPA_ASSIGN_OR_RETURN(std::optional<CheckpointMeta> restored, taskState->restore());
    std::int64_t next = restored ? restored->inputs.at(0).nextOffset.value() : 0;
    std::mt19937 rng(seed + task);
    for (;;) {
        const std::int64_t end = next + 1 + std::int64_t(rng() % 40);
        for (; next < end; ++next)
            KAPPA_RETURN_IF_ERROR(applyEvent(*counters, task, next));
        CheckpointMeta meta;
        meta.inputs.push_back({"events", PartitionId(std::int32_t(task)), Offset(next), EventTime(next * 10)});
        meta.blob = "pos=" + std::to_string(next);
        Result<std::uint64_t> sequence = taskState->checkpoint(std::move(meta));
        if (!sequence.isOk())
            return sequence.status();
    }
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: state_crash_writer DIR SEED\n");
        return 1;
    }
    Result<std::shared_ptr<StateStore>> store = StateStore::open(argv[1]);
    if (!store.isOk())
        die(store.status());
    const auto seed = static_cast<unsigned>(std::stoul(argv[2]));
    std::vector<std::thread> threads;
    for (std::uint32_t task = 0; task < crashmodel::kTasks; ++task)
        threads.emplace_back([&store, task, seed] { die(runTask(**store, task, seed)); });
    for (std::thread &thread : threads)
        thread.join();
    return 0;
}
