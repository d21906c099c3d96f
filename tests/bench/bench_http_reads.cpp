// Feature reads over kappad's HTTP API while the pipelines process live input.
//
// Starts the real kappad (the build's, or the binary named by the environment
// variable KAPPAD, e.g. another build to compare with) with `--demo` in a fresh data directory
// on an ephemeral loopback port: the demo producer appends events (at least
// 20K/s during a 5 s warm-up, so that users have rows; then R events/s, set
// through the API) and the three v1 jobs process them. Then C client
// threads, each with one keep-alive connection, read
// GET /api/v1/views/features/{user} for users known to have a row, for S
// seconds, as fast as the server answers: with a lean client (prepared
// request text, only status and Content-Length parsed; the default) or with
// httplib's client, which spends more of the shared cores per read. Prints reads/s, the latency
// distribution of the reads, the errors, and the pipelines' own figures
// (processing rate, lag) during the run, so that a read rate bought by
// starving the pipelines would show.
//
// Usage: bench_http_reads [seconds=20 [clients=4 [rate=200000 [lean|httplib]]]]
#include "bench_support.h"
#include "lean_http_client.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using kappa::bench::Stopwatch;
using nlohmann::json;

namespace {

constexpr double kReadTarget = 50'000;   // reads/s
constexpr double kP99TargetMillis = 2.0; // at that rate
constexpr double kWarmUpRate = 20'000;   // events/s at least, before the reads
const std::string kDataDir = "./bench_http_reads_data";

pid_t g_kappad = 0; // stopped by die() too

[[noreturn]] void die(const std::string &message)
{
    std::fprintf(stderr, "bench_http_reads: %s\n", message.c_str());
    if (g_kappad > 0)
        ::kill(g_kappad, SIGTERM);
    std::exit(1);
}

// kappad as a child process; its log goes to a file we read for the port.
class Kappad
{
public:
    explicit Kappad(double rate)
    {
        std::filesystem::remove_all(kDataDir);
        std::filesystem::create_directories(kDataDir);
        const std::string logPath = kDataDir + "/kappad.log";
        const std::string rateText = std::to_string(static_cast<long long>(rate));
        const char *kappadPath = std::getenv("KAPPAD") ? std::getenv("KAPPAD") : KAPPAD_PATH;
        std::vector<std::string> args = {kappadPath, "--demo",      "--data-dir",  kDataDir + "/data",
                                         "--listen", "127.0.0.1:0", "--demo-rate", rateText};
        std::vector<char *> argv;
        for (std::string &a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 2, logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (posix_spawn(&m_pid, kappadPath, &actions, nullptr, argv.data(), environ) != 0)
            die("cannot start " + std::string(kappadPath));
        g_kappad = m_pid;
        posix_spawn_file_actions_destroy(&actions);
        for (int i = 0; i < 600 && m_port == 0; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            std::FILE *log = std::fopen(logPath.c_str(), "r");
            char line[4096];
            while (log && std::fgets(line, sizeof line, log)) {
                const json entry = json::parse(line, nullptr, false);
                if (entry.is_object() && entry.value("msg", "") == "listening") {
                    const std::string address = entry["address"];
                    m_port = std::stoi(address.substr(address.rfind(':') + 1));
                }
            }
            if (log)
                std::fclose(log);
        }
        if (m_port == 0)
            die("kappad did not start; see " + logPath);
    }

    ~Kappad()
    {
        ::kill(m_pid, SIGTERM);
        int status = 0;
        ::waitpid(m_pid, &status, 0);
        std::filesystem::remove_all(kDataDir);
    }

    int port() const { return m_port; }
    pid_t pid() const { return m_pid; }

private:
    pid_t m_pid = 0;
    int m_port = 0;
};

json getJson(httplib::Client &client, const std::string &path)
{
    httplib::Result r = client.Get(path);
    if (!r || r->status != 200)
        die("GET " + path + " failed");
    return json::parse(r->body);
}

// Users with a features row: probed once before the run, so that every timed read is a hit.
std::vector<std::int64_t> knownUsers(httplib::Client &client)
{
    std::vector<std::int64_t> users;
    for (std::int64_t id = 1; id <= 5000 && users.size() < 1000; ++id)
        if (httplib::Result r = client.Get("/api/v1/views/features/" + std::to_string(id));
            r && r->status == 200)
            users.push_back(id);
    if (users.empty())
        die("no user has a features row yet");
    return users;
}

void setDemoRate(httplib::Client &client, double rate)
{
    std::FILE *file = std::fopen((kDataDir + "/data/demo-operator.token").c_str(), "r");
    char token[256] = {};
    if (!file || !std::fgets(token, sizeof token, file))
        die("cannot read the demo's operator token");
    std::fclose(file);
    std::string bearer = token;
    bearer.erase(bearer.find_last_not_of("\r\n") + 1);
    const httplib::Result r = client.Put("/api/v1/demo/rate", {{"Authorization", "Bearer " + bearer}},
                                         json{{"events_per_second", rate}}.dump(), "application/json");
    if (!r || r->status != 200)
        die("cannot set the demo rate");
}

struct ClientResult
{
    std::vector<double> micros;
    std::uint64_t errors = 0;
};

// One client thread's reads: `read(path)` answers whether the read succeeded.
template<typename Read>
ClientResult readFor(const std::vector<std::int64_t> &users, double seconds, unsigned seed, Read read)
{
    std::mt19937 random(seed);
    std::uniform_int_distribution<std::size_t> pick(0, users.size() - 1);
    ClientResult result;
    result.micros.reserve(2'000'000);
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    std::string path;
    while (std::chrono::steady_clock::now() < end) {
        path = "/api/v1/views/features/" + std::to_string(users[pick(random)]);
        const auto start = std::chrono::steady_clock::now();
        const bool ok = read(path);
        const auto took = std::chrono::steady_clock::now() - start;
        if (!ok)
            ++result.errors;
        else
            result.micros.push_back(std::chrono::duration<double, std::micro>(took).count());
    }
    return result;
}

ClientResult readWith(bool lean, int port, const std::vector<std::int64_t> &users, double seconds,
                      unsigned seed)
{
    if (lean) {
        kappa::bench::LeanHttpClient client("127.0.0.1", port);
        // A row's body starts with its freshness: anything else is not a features answer.
        return readFor(users, seconds, seed, [&](const std::string &path) {
            return client.get(path) == 200 && client.body().starts_with("{\"view\":");
        });
    }
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    return readFor(users, seconds, seed, [&](const std::string &path) {
        const httplib::Result r = client.Get(path);
        return r && r->status == 200;
    });
}

// CPU seconds (user + system) a process has used so far, from /proc/PID/stat.
double cpuSecondsOf(pid_t pid)
{
    std::FILE *file = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
    char text[2048] = {};
    const bool read = file && std::fgets(text, sizeof text, file);
    if (file)
        std::fclose(file);
    const char *afterName = read ? std::strrchr(text, ')') : nullptr; // the name may hold spaces
    unsigned long long user = 0, system = 0;
    // After ") ": state, then fields 4..13; utime and stime are fields 14 and 15.
    if (!afterName
        || std::sscanf(afterName + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &user, &system)
               != 2)
        die("cannot read the CPU time of process " + std::to_string(pid));
    return double(user + system) / double(::sysconf(_SC_CLK_TCK));
}

double percentile(std::vector<double> &sorted, double q)
{
    if (sorted.empty())
        return 0.0;
    return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(q * double(sorted.size())))];
}

// Processing rate and largest lag of the jobs, summed over the running versions.
std::pair<double, double> pipelineFigures(httplib::Client &client)
{
    double rate = 0.0, lag = 0.0;
    const json jobs = getJson(client, "/api/v1/jobs"); // named: a range over a temporary's member would dangle
    for (const json &job : jobs["jobs"])
        for (const json &version : job["versions"])
            if (version["running"].get<bool>()) {
                rate += version["figures"]["processing_rate"].get<double>();
                lag = std::max(lag, version["figures"]["lag_seconds"].get<double>());
            }
    return {rate, lag};
}

} // namespace

int main(int argc, char **argv)
{
    const double seconds = argc > 1 ? std::stod(argv[1]) : 20.0;
    const int clients = argc > 2 ? std::stoi(argv[2]) : 4;
    const double rate = argc > 3 ? std::stod(argv[3]) : 200'000;
    const std::string clientKind = argc > 4 ? argv[4] : "lean";
    if (!(seconds >= 1) || clients < 1 || !(rate >= 0) || (clientKind != "lean" && clientKind != "httplib"))
        die("usage: bench_http_reads [seconds >= 1 [clients >= 1 [rate >= 0 [lean|httplib]]]]");
    kappa::bench::printHeader("bench_http_reads: feature reads over kappad's HTTP API under live load");
    std::printf(
        "setup: kappad --demo at %.0f events/s (three v1 jobs), %d client threads (%s client) with one "
        "keep-alive connection each, %.0f s; clients and kappad share the machine\n",
        rate, clients, clientKind.c_str(), seconds);

    Kappad kappad(std::max(rate, kWarmUpRate));
    httplib::Client control("127.0.0.1", kappad.port());
    control.set_tcp_nodelay(true);
    std::this_thread::sleep_for(std::chrono::seconds(5)); // warm-up: state, caches, views
    const std::vector<std::int64_t> users = knownUsers(control);
    setDemoRate(control, rate);
    const std::uint64_t producedBefore = getJson(control, "/api/v1/status")["demo"]["produced"];

    std::vector<ClientResult> results(static_cast<std::size_t>(clients));
    std::vector<std::thread> threads;
    const double kappadCpuBefore = cpuSecondsOf(kappad.pid());
    const double clientCpuBefore = cpuSecondsOf(::getpid());
    Stopwatch watch;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&, c] {
            results[static_cast<std::size_t>(c)] = readWith(clientKind == "lean", kappad.port(), users,
                                                            seconds, 7u + unsigned(c));
        });
    double worstLag = 0.0, pipelineRate = 0.0;
    while (watch.seconds() < seconds - 1.0) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        const auto [r, lag] = pipelineFigures(control);
        pipelineRate = r;
        worstLag = std::max(worstLag, lag);
    }
    for (std::thread &t : threads)
        t.join();
    const double elapsed = watch.seconds();
    const double kappadCores = (cpuSecondsOf(kappad.pid()) - kappadCpuBefore) / elapsed;
    const double clientCores = (cpuSecondsOf(::getpid()) - clientCpuBefore) / elapsed;
    const std::uint64_t producedAfter = getJson(control, "/api/v1/status")["demo"]["produced"];

    std::vector<double> all;
    std::uint64_t errors = 0;
    for (ClientResult &r : results) {
        all.insert(all.end(), r.micros.begin(), r.micros.end());
        errors += r.errors;
    }
    std::sort(all.begin(), all.end());
    const double readsPerSecond = double(all.size()) / elapsed;
    const double p99Millis = percentile(all, 0.99) / 1000.0;
    std::printf("reads: %zu in %.1f s = %.0f reads/s (target >= %.0f) %s; errors %llu\n", all.size(), elapsed,
                readsPerSecond, kReadTarget, readsPerSecond >= kReadTarget ? "\u2714" : "\u2718",
                static_cast<unsigned long long>(errors));
    std::printf(
        "latency: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms (target <= %.1f ms) %s, p999 %.3f ms, max %.3f ms\n",
        percentile(all, 0.50) / 1000.0, percentile(all, 0.90) / 1000.0, p99Millis, kP99TargetMillis,
        p99Millis <= kP99TargetMillis ? "\u2714" : "\u2718", percentile(all, 0.999) / 1000.0,
        all.empty() ? 0.0 : all.back() / 1000.0);
    std::printf("pipelines during the run: demo appended %.0f events/s; jobs processed %.0f events/s "
                "(sum of the three, last sample); worst job lag %.2f s\n",
                double(producedAfter - producedBefore) / elapsed, pipelineRate, worstLag);
    // CPU per read is steadier than reads/s on a shared machine: a read rate
    // bounded by round trips shows here as cores left idle.
    std::printf("cpu: kappad %.2f cores (pipelines, producer and HTTP), clients %.2f cores; per read "
                "%.1f us in kappad, %.1f us in the client\n",
                kappadCores, clientCores,
                all.empty() ? 0.0 : kappadCores * elapsed * 1e6 / double(all.size()),
                all.empty() ? 0.0 : clientCores * elapsed * 1e6 / double(all.size()));
    return 0;
}
