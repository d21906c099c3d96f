// Shared helpers for benchmarks: machine description, timing, medians.
#pragma once

#include "kappa/status.h"

#include <chrono>
#include <string>
#include <vector>

namespace kappa::bench {

// One line naming the CPU model, core count, memory and kernel.
std::string machineDescription();

// Prints the machine line under a benchmark title.
void printHeader(const std::string &title);

double median(std::vector<double> values);

// Prints "<program>: <status>" and exits 1: a benchmark cannot go on after a failure.
[[noreturn]] void fail(const Status &status);

template<typename T>
T orFail(Result<T> result)
{
    if (!result.isOk())
        fail(result.status());
    return std::move(result).value();
}

class Stopwatch
{
public:
    Stopwatch()
        : m_start(std::chrono::steady_clock::now())
    {}
    double seconds() const
    {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    }

private:
    std::chrono::steady_clock::time_point m_start;
};

} // namespace kappa::bench
