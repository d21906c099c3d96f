// Feature reads over kappad's HTTP API during a zero-downtime switch and a rollback.
//
// Generates a day of history with the real kappactl (KAPPACTL_PATH), starts the
// real kappad (KAPPAD_PATH) with `--demo` on an ephemeral loopback port in a
// fresh temporary data directory, replays user_features@v2, validates it and
// requests the switch to v2 (the operator), as tests/service/test_reprocessing
// does. Then R reader threads, each with one keep-alive connection, read
// GET /api/v1/views/features/{user} for one user with a row, as fast as the
// server answers, through four phases of S seconds: steady on v1; the
// approval of the switch (the approver) in the middle; steady on v2; the
// rollback (the approver) in the middle. Prints, per phase, reads/s, the
// latency distribution, the failed reads and the sequence of view versions
// each reader saw; a flip must fail no read and show every reader exactly the
// old version and then the new one. Exits 1 if a step or a read failed or if a
// reader saw the versions mixed.
//
// Usage: bench_switch [seconds=5 [readers=4 [demo_rate=5000]]]
#include "bench_support.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using kappa::bench::Stopwatch;
using nlohmann::json;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr double kWarmUpSeconds = 1.0; // readers connect and warm up, unrecorded
constexpr auto kCatchUpTimeout = std::chrono::seconds(180);
constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(60);

// What the run has created, for die() and the normal exit alike.
pid_t g_kappad = 0;
std::filesystem::path g_tempDir;

void stopKappad()
{
    if (g_kappad <= 0)
        return;
    ::kill(g_kappad, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
    int status = 0;
    while (::waitpid(g_kappad, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            std::fprintf(stderr, "bench_switch: kappad ignored SIGTERM for %lld s; killing it\n",
                         static_cast<long long>(kStopTimeout.count()));
            ::kill(g_kappad, SIGKILL);
            ::waitpid(g_kappad, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    g_kappad = 0;
}

void cleanUp()
{
    stopKappad();
    if (!g_tempDir.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(g_tempDir, ignored);
        g_tempDir.clear();
    }
}

// Never called while the reader threads run (they only record; main checks after joining).
[[noreturn]] void die(const std::string &message)
{
    std::fprintf(stderr, "bench_switch: %s\n", message.c_str());
    cleanUp();
    std::exit(1);
}

std::string lastLines(const std::filesystem::path &path, std::size_t count)
{
    std::ifstream in(path);
    std::vector<std::string> all;
    for (std::string line; std::getline(in, line);)
        all.push_back(line);
    std::string out;
    for (std::size_t i = all.size() > count ? all.size() - count : 0; i < all.size(); ++i)
        out += all[i] + "\n";
    return out;
}

// Starts `args` with stdout and stderr appended to logPath; its pid.
pid_t spawn(std::vector<std::string> args, const std::filesystem::path &logPath)
{
    std::vector<char *> argv;
    for (std::string &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = 0;
    const int error = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0)
        die("cannot start " + args[0] + ": " + std::strerror(error));
    return pid;
}

void generateHistory(const std::filesystem::path &dataDir)
{
    const std::int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
    const std::filesystem::path logPath = g_tempDir / "kappactl-gen.log";
    const pid_t pid = spawn({KAPPACTL_PATH, "--data-dir", dataDir.string(), "gen", "--events", "300000",
                             "--days", "1", "--partitions", "8", "--start", std::to_string(nowMs - kDayMs)},
                            logPath);
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("kappactl gen failed:\n" + lastLines(logPath, 20));
}

// Starts kappad and waits for its "listening" log line; the port.
int startKappad(const std::filesystem::path &dataDir, const std::filesystem::path &config)
{
    const std::filesystem::path logPath = g_tempDir / "kappad.log";
    g_kappad = spawn({KAPPAD_PATH, "--data-dir", dataDir.string(), "--listen", "127.0.0.1:0", "--demo",
                      "--config", config.string()},
                     logPath);
    const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::ifstream log(logPath);
        for (std::string line; std::getline(log, line);) {
            const json entry = json::parse(line, nullptr, false);
            if (entry.is_object() && entry.value("msg", "") == "listening") {
                const std::string address = entry.value("address", "");
                return std::stoi(address.substr(address.rfind(':') + 1));
            }
        }
        int status = 0;
        if (::waitpid(g_kappad, &status, WNOHANG) == g_kappad) {
            g_kappad = 0;
            die("kappad exited during start-up:\n" + lastLines(logPath, 20));
        }
    }
    die("kappad did not listen within 60 s:\n" + lastLines(logPath, 20));
}

std::string readToken(const std::filesystem::path &path)
{
    std::ifstream in(path);
    std::string token;
    if (!std::getline(in, token))
        die("cannot read the demo token " + path.string());
    token.erase(token.find_last_not_of(" \r\n\t") + 1);
    return token;
}

struct Answer
{
    int status = 0; // 0: no answer
    json body;
};

// JSON over one keep-alive connection, with the demo's two tokens.
class Api
{
public:
    Api(int port, std::string operatorToken, std::string approverToken)
        : m_client("127.0.0.1", port)
        , m_operator(std::move(operatorToken))
        , m_approver(std::move(approverToken))
    {
        m_client.set_keep_alive(true);
        m_client.set_tcp_nodelay(true);
        m_client.set_connection_timeout(5);
        m_client.set_read_timeout(120);
    }

    const std::string &operatorToken() const { return m_operator; }
    const std::string &approverToken() const { return m_approver; }

    Answer get(const std::string &path) { return answer(m_client.Get(path, headers(m_operator))); }
    Answer post(const std::string &path, const json &body, const std::string &token)
    {
        return answer(m_client.Post(path, headers(token), body.dump(), "application/json"));
    }

    // The answer, or die naming the call.
    Answer expect(int status, const std::string &what, Answer answered)
    {
        if (answered.status != status)
            die(what + " answered " + std::to_string(answered.status) + " (expected " + std::to_string(status)
                + "): " + answered.body.dump());
        return answered;
    }

private:
    static httplib::Headers headers(const std::string &token)
    {
        return {{"Authorization", "Bearer " + token}};
    }
    static Answer answer(const httplib::Result &result)
    {
        Answer out;
        if (result) {
            out.status = result->status;
            out.body = json::parse(result->body, nullptr, false);
        }
        return out;
    }

    httplib::Client m_client;
    std::string m_operator;
    std::string m_approver;
};

// Launches the v2 replay and waits until it has caught up with the live log.
void replayV2(Api &api)
{
    Stopwatch watch;
    const Answer launched = api.expect(201, "POST /api/v1/replays",
                                       api.post("/api/v1/replays",
                                                {{"job_version", "user_features@v2"}, {"rate_multiple", 50}},
                                                api.operatorToken()));
    const std::string path = "/api/v1/replays/" + std::to_string(launched.body.value("id", std::int64_t{0}));
    const auto deadline = std::chrono::steady_clock::now() + kCatchUpTimeout;
    std::string state;
    while (std::chrono::steady_clock::now() < deadline) {
        const Answer replay = api.expect(200, "GET " + path, api.get(path));
        state = replay.body.value("state", "");
        if (state == "caught_up") {
            std::printf("replay of user_features@v2 caught up after %.1f s\n", watch.seconds());
            return;
        }
        if (state == "failed" || state == "cancelled")
            die("the replay of user_features@v2 ended " + state + ": " + replay.body.dump());
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    die("the replay of user_features@v2 did not catch up within 180 s (state " + state + ")");
}

// Validates v2 and requests the switch to it (the operator); the switch id.
std::string requestSwitch(Api &api)
{
    const Answer validation = api.expect(201, "validation of user_features v2",
                                         api.post("/api/v1/jobs/user_features/versions/v2/validate",
                                                  json::object(), api.operatorToken()));
    if (!validation.body.value("passed", false))
        die("user_features v2 did not pass validation (a switch would need an admin override): "
            + validation.body.dump());
    const Answer request = api.expect(201, "POST /api/v1/switches",
                                      api.post("/api/v1/switches",
                                               {{"job", "user_features"}, {"version", "v2"}},
                                               api.operatorToken()));
    return std::to_string(request.body.value("id", std::int64_t{0}));
}

std::string userWithRow(Api &api)
{
    for (int id = 1; id <= 1000; ++id)
        if (api.get("/api/v1/views/features/" + std::to_string(id)).status == 200)
            return std::to_string(id);
    die("no user in 1..1000 has a features row");
}

constexpr std::size_t kPhases = 4;
constexpr std::array<const char *, kPhases> kPhaseNames = {"before (v1)", "switch v1->v2", "between (v2)",
                                                           "rollback v2->v1"};
constexpr int kWarmUp = -1;
constexpr int kDone = static_cast<int>(kPhases);

// One reader's record of one phase.
struct PhaseLog
{
    std::vector<double> micros;        // answered reads
    std::uint64_t failures = 0;        // no answer, not 200, or no view version
    std::vector<std::string> versions; // distinct view versions, in the order seen
};

using ReaderLog = std::array<PhaseLog, kPhases>;

void readUntilDone(int port, const std::string &token, const std::string &user, const std::atomic<int> &phase,
                   ReaderLog &log)
{
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    client.set_connection_timeout(5);
    client.set_read_timeout(10);
    const httplib::Headers headers = {{"Authorization", "Bearer " + token}};
    const std::string path = "/api/v1/views/features/" + user;
    for (int current = phase.load(); current != kDone; current = phase.load()) {
        const auto start = std::chrono::steady_clock::now();
        const httplib::Result result = client.Get(path, headers);
        const auto took = std::chrono::steady_clock::now() - start;
        if (current == kWarmUp)
            continue;
        PhaseLog &record = log[static_cast<std::size_t>(current)];
        const json body = result && result->status == 200 ? json::parse(result->body, nullptr, false)
                                                          : json();
        const json *version = body.is_object() && body.contains("view") && body["view"].is_object()
                                  ? &body["view"]["version"]
                                  : nullptr;
        if (!version || !version->is_string()) {
            ++record.failures;
            continue;
        }
        record.micros.push_back(std::chrono::duration<double, std::micro>(took).count());
        const std::string &seen = version->get_ref<const std::string &>();
        if (record.versions.empty() || record.versions.back() != seen)
            record.versions.push_back(seen);
    }
}

double percentileMillis(const std::vector<double> &sorted, double q)
{
    if (sorted.empty())
        return 0.0;
    const auto rank = static_cast<std::size_t>(q * static_cast<double>(sorted.size()));
    return sorted[std::min(sorted.size() - 1, rank)] / 1000.0;
}

std::string joined(const std::vector<std::string> &versions)
{
    std::string out;
    for (const std::string &v : versions)
        out += (out.empty() ? "" : "->") + v;
    return out.empty() ? "(none)" : out;
}

// A timed call during a phase; checked after the readers stopped.
struct Flip
{
    std::string what;
    Answer answer;
    double millis = 0.0;
};

std::uint64_t demoProduced(Api &api)
{
    const Answer status = api.expect(200, "GET /api/v1/status", api.get("/api/v1/status"));
    return status.body.contains("demo") ? status.body["demo"].value("produced", std::uint64_t{0}) : 0;
}

struct Options
{
    double seconds = 5.0;
    int readers = 4;
    double demoRate = 5000;
};

Options parseArguments(int argc, char **argv)
{
    Options options;
    try {
        if (argc > 1)
            options.seconds = std::stod(argv[1]);
        if (argc > 2)
            options.readers = std::stoi(argv[2]);
        if (argc > 3)
            options.demoRate = std::stod(argv[3]);
    } catch (const std::exception &) {
        options.readers = 0;
    }
    if (argc > 4 || !(options.seconds >= 1) || options.readers < 1 || !(options.demoRate >= 0))
        die("usage: bench_switch [seconds >= 1 [readers >= 1 [demo_rate >= 0]]]");
    return options;
}

int run(const Options &options)
{
    char pattern[] = "/tmp/bench_switch-XXXXXX";
    if (!::mkdtemp(pattern))
        die("cannot create a temporary directory");
    g_tempDir = pattern;
    const std::filesystem::path dataDir = g_tempDir / "data";
    const std::filesystem::path config = g_tempDir / "kappad.toml";
    std::ofstream configFile(config);
    configFile << "[demo]\nrate = " << static_cast<long long>(options.demoRate)
               << "\n[reprocessing]\ncaught_up_hold_ms = 1000\n";
    configFile.close();
    if (!configFile)
        die("cannot write " + config.string());

    Stopwatch setup;
    generateHistory(dataDir);
    std::printf("history: 300000 events over the last day in 8 partitions, generated in %.1f s\n",
                setup.seconds());
    const int port = startKappad(dataDir, config);
    Api api(port, readToken(dataDir / "demo-operator.token"), readToken(dataDir / "demo-approver.token"));
    replayV2(api);
    const std::string switchId = requestSwitch(api);
    const std::string user = userWithRow(api);
    const Answer demo = api.expect(200, "GET /api/v1/demo", api.get("/api/v1/demo"));

    // Counted from before the readers start, so that no step that may die() runs while they read.
    const std::uint64_t producedBefore = demoProduced(api);
    Stopwatch total;
    std::atomic<int> phase{kWarmUp};
    std::vector<ReaderLog> logs(static_cast<std::size_t>(options.readers));
    std::vector<std::thread> threads;
    for (ReaderLog &log : logs)
        threads.emplace_back([&, port] { readUntilDone(port, api.operatorToken(), user, phase, log); });
    std::this_thread::sleep_for(std::chrono::duration<double>(kWarmUpSeconds));

    std::array<double, kPhases> elapsed = {};
    std::array<Flip, kPhases> flips;
    const std::array<std::function<Flip()>, kPhases> actions
        = {nullptr,
           [&] {
               Flip flip;
               flip.what = "approve switch " + switchId;
               Stopwatch watch;
               flip.answer = api.post("/api/v1/switches/" + switchId + "/approve", json::object(),
                                      api.approverToken());
               flip.millis = watch.seconds() * 1000.0;
               return flip;
           },
           nullptr,
           [&] {
               Flip flip;
               flip.what = "rollback";
               Stopwatch watch;
               flip.answer = api.post("/api/v1/jobs/user_features/rollback", {{"reason", "bench"}},
                                      api.approverToken());
               flip.millis = watch.seconds() * 1000.0;
               return flip;
           }};
    for (std::size_t p = 0; p < kPhases; ++p) {
        const auto start = std::chrono::steady_clock::now();
        phase = static_cast<int>(p);
        if (actions[p]) {
            std::this_thread::sleep_for(std::chrono::duration<double>(options.seconds / 2));
            flips[p] = actions[p]();
        }
        std::this_thread::sleep_until(start
                                      + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                          std::chrono::duration<double>(options.seconds)));
        elapsed[p] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    phase = kDone;
    for (std::thread &t : threads)
        t.join();
    const double totalSeconds = total.seconds();
    const std::uint64_t producedAfter = demoProduced(api);

    std::printf("%-16s %9s %9s %9s %9s %9s  %s\n", "phase", "reads/s", "p50 ms", "p99 ms", "p999 ms",
                "failures", "versions per reader");
    bool ok = true;
    const std::array<std::vector<std::string>, kPhases> expected = {
        {{"v1"}, {"v1", "v2"}, {"v2"}, {"v2", "v1"}}};
    for (std::size_t p = 0; p < kPhases; ++p) {
        std::vector<double> all;
        std::uint64_t failures = 0;
        std::string versions;
        bool exact = true;
        for (const ReaderLog &log : logs) {
            const PhaseLog &record = log[p];
            all.insert(all.end(), record.micros.begin(), record.micros.end());
            failures += record.failures;
            versions += (versions.empty() ? "" : ", ") + joined(record.versions);
            exact = exact && record.versions == expected[p];
        }
        std::sort(all.begin(), all.end());
        const double reads = static_cast<double>(all.size() + failures);
        std::printf("%-16s %9.0f %9.3f %9.3f %9.3f %9llu  %s %s\n", kPhaseNames[p], reads / elapsed[p],
                    percentileMillis(all, 0.50), percentileMillis(all, 0.99), percentileMillis(all, 0.999),
                    static_cast<unsigned long long>(failures), versions.c_str(),
                    exact ? "\u2714" : ("\u2718 expected " + joined(expected[p])).c_str());
        ok = ok && exact && failures == 0;
    }
    for (std::size_t p = 0; p < kPhases; ++p) {
        if (!actions[p])
            continue;
        const Flip &flip = flips[p];
        std::printf("%s: HTTP %d in %.1f ms (mid-phase \"%s\")\n", flip.what.c_str(), flip.answer.status,
                    flip.millis, kPhaseNames[p]);
        if (flip.answer.status != 200) {
            std::printf("  %s failed: %s\n", flip.what.c_str(), flip.answer.body.dump().c_str());
            ok = false;
        }
    }
    std::printf(
        "demo: configured %.0f events/s (GET /api/v1/demo); appended %.0f events/s during the reads\n",
        demo.body.value("events_per_second", 0.0),
        static_cast<double>(producedAfter - producedBefore) / totalSeconds);
    if (!ok)
        die("a read failed, a reader saw the versions mixed, or a flip failed (see above)");
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    const Options options = parseArguments(argc, argv);
    kappa::bench::printHeader(
        "bench_switch: feature reads over kappad's HTTP API during a switch and a rollback");
    std::printf(
        "setup: kappad --demo at %.0f events/s, user_features v1 live and v2 replayed; %d reader threads "
        "with one keep-alive connection each reading one user; 4 phases of %.0f s, the approval and "
        "the rollback mid-phase; readers and kappad share the machine\n",
        options.demoRate, options.readers, options.seconds);
    std::fflush(stdout);
    int code = 1;
    try {
        code = run(options);
    } catch (const std::exception &e) {
        die(std::string("unexpected error: ") + e.what());
    }
    cleanUp();
    return code;
}
