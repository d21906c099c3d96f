// Shared helpers for benchmarks: machine description, timing, medians.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace kappa::bench {

// One line naming the CPU model, core count, memory and kernel.
std::string machineDescription();

// Prints the machine line under a benchmark title.
void printHeader(const std::string &title);

double median(std::vector<double> values);

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
