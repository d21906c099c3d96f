// Names the calling thread, as `top -H`, `perf` and debuggers show it, so that
// an operator can tell which of a process's threads spends the CPU.
#pragma once

namespace kappa::base {

// Linux keeps at most 15 characters; a longer name is cut there.
void nameThisThread(const char *name);

} // namespace kappa::base
