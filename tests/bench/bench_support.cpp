#include "bench_support.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include <sys/utsname.h>

namespace kappa::bench {
namespace {

std::string firstMatchingLine(const char *path, const std::string &prefix)
{
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) == 0) {
            const auto colon = line.find(':');
            auto value = colon == std::string::npos ? line : line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(" \t"));
            return value;
        }
    }
    return "unknown";
}

} // namespace

std::string machineDescription()
{
    utsname uts{};
    uname(&uts);
    return firstMatchingLine("/proc/cpuinfo", "model name") + ", "
           + std::to_string(std::thread::hardware_concurrency()) + " cores, "
           + firstMatchingLine("/proc/meminfo", "MemTotal") + " RAM, Linux " + uts.release;
}

void printHeader(const std::string &title)
{
    std::cout << "== " << title << "\nmachine: " << machineDescription() << "\n";
}

void fail(const Status &status)
{
    std::cerr << "benchmark failed: " << status.toString() << "\n";
    std::exit(1);
}

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

} // namespace kappa::bench
