#include "base/thread_name.h"

#include <cstring>

#include <pthread.h>

namespace kappa::base {

void nameThisThread(const char *name)
{
    char shortened[16] = {};
    std::strncpy(shortened, name, sizeof shortened - 1);
    // Only fails for names over 15 characters, which `shortened` cannot be.
    (void) ::pthread_setname_np(::pthread_self(), shortened);
}

} // namespace kappa::base
