// Task: the unit of work the Runtime schedules. One task per (job version,
// input partition) and stage: it reads a batch of its input, updates its keyed
// state, writes view rows and rekeyed records, and checkpoints.
//
// A task is called by one thread at a time (its state caches are
// single-threaded; the runtime orders the calls of different threads):
// open(), flush() and close() by its home worker, step() and periodic
// checkpoint() by whichever worker steps it. No task may depend on the
// identity of the calling thread. metrics() and name() may be called from any
// thread.
#pragma once

#include "kappa/status.h"
#include "runtime/task_metrics.h"

#include <cstddef>
#include <string>

namespace kappa::runtime {

class Task
{
public:
    virtual ~Task() = default;

    virtual const std::string &name() const = 0;
    // Tasks of stage k may feed tasks of stage k+1 (through exchanges), never
    // the other way; a bounded run flushes stage by stage (see Runtime).
    virtual int stage() const = 0;

    // Restores the last checkpoint and positions the input after it.
    virtual Status open() = 0;
    // Processes at most one batch of input; returns the records consumed (and
    // outputs it made readable downstream), 0 when there was nothing to do.
    virtual Result<std::size_t> step() = 0;
    // True after a step that consumed nothing although the task has input:
    // it holds back (event-time alignment), or its input has records that a
    // read did not return yet, or its outputs are not readable downstream
    // yet. The task is then not idle.
    virtual bool waiting() const { return false; }
    // Releases whatever the task holds back waiting for more input (the end
    // of a bounded run); returns the records released.
    virtual Result<std::size_t> flush() { return std::size_t{0}; }
    // Makes the views durable, then commits the state and positions in one
    // synced write. Finishes a started checkpoint first.
    virtual Status checkpoint() = 0;
    // The periodic checkpoint: the same, but the durable writes may go on in
    // the background while the task keeps stepping, until pollCheckpoint()
    // finds them done (TaskBase does so when its input is caught up). At
    // most one at a time. Default: checkpoint() at once.
    virtual Status startCheckpoint() { return checkpoint(); }
    // Completes a started checkpoint if its writes are done; true when none is
    // pending any more. An error is the checkpoint's (Unavailable: nothing was
    // committed and the state is as before; a later checkpoint covers it).
    virtual Result<bool> pollCheckpoint() { return true; }
    // Last call: a clean shutdown after the final checkpoint.
    virtual Status close() { return Status::ok(); }

    virtual const TaskMetrics &metrics() const = 0;
};

} // namespace kappa::runtime
