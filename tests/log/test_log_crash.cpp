// Crash test: a writer process appending continuously is killed with
// SIGKILL at random moments, ~25 times. After every kill the log must open,
// hold contiguous offsets from 0, hold exactly the payloads the writer
// wrote, and hold every record the writer saw acknowledged.
//
// SIGKILL loses no written bytes (the page cache survives the process), so
// this checks recovery from torn batches, half-done rolls and the ordering
// of acknowledgements; power loss is simulated in test_log_recovery.
#include "crash_payload.h"
#include "kappa/local_log.h"
#include "test_support.h"

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace kappa;

namespace {

pid_t startWriter(const std::string &dir, const std::string &ackFile, unsigned seed)
{
    const std::string seedText = std::to_string(seed);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::execl(KAPPA_CRASH_WRITER, KAPPA_CRASH_WRITER, dir.c_str(), ackFile.c_str(), seedText.c_str(),
                static_cast<char *>(nullptr));
        ::_exit(127);
    }
    return pid;
}

// The highest acknowledged offset per partition (-1: none). Ignores a torn last line.
std::vector<std::int64_t> readAcks(const std::string &ackFile)
{
    std::vector<std::int64_t> acked(crashtest::kPartitions, -1);
    std::ifstream in(ackFile);
    std::stringstream all;
    all << in.rdbuf();
    std::string text = all.str();
    text.erase(text.find_last_of('\n') == std::string::npos ? 0 : text.find_last_of('\n') + 1);
    std::istringstream lines(text);
    int p = 0;
    std::int64_t last = 0;
    while (lines >> p >> last) {
        if (p >= 0 && p < crashtest::kPartitions)
            acked[std::size_t(p)] = std::max(acked[std::size_t(p)], last);
    }
    return acked;
}

} // namespace

class TestLogCrash : public QObject
{
    Q_OBJECT

private slots:
    void killedWriterLosesNothingAcknowledged()
    {
        QTemporaryDir dir;
        const std::string logDir = tempPath(dir, "log");
        const std::string ackFile = tempPath(dir, "acks");
        std::mt19937 rng(20240601);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        int kills = 0;
        std::int64_t totalRecords = 0;
        for (int round = 0; round < 25 && std::chrono::steady_clock::now() < deadline; ++round) {
            const pid_t pid = startWriter(logDir, ackFile, rng());
            QVERIFY(pid > 0);
            std::this_thread::sleep_for(std::chrono::milliseconds(round == 0 ? 300 : 10 + rng() % 400));
            QCOMPARE(::kill(pid, SIGKILL), 0);
            int wstatus = 0;
            QCOMPARE(::waitpid(pid, &wstatus, 0), pid);
            QVERIFY2(WIFSIGNALED(wstatus),
                     qPrintable(QString("writer exited on its own with code %1").arg(WEXITSTATUS(wstatus))));
            ++kills;
            const std::string error = verifyLog(logDir, readAcks(ackFile), &totalRecords);
            QVERIFY2(error.empty(), qPrintable(QString("after kill %1: %2").arg(kills).arg(error.c_str())));
        }
        qInfo("%d kills, %lld records verified in the end", kills, static_cast<long long>(totalRecords));
        QVERIFY(kills >= 10);
        QVERIFY(totalRecords > 0);
    }

private:
    // Opens the log like the next writer would (recovering it) and checks it
    // all. Returns an error description, empty if all is well.
    static std::string verifyLog(const std::string &logDir, const std::vector<std::int64_t> &acked,
                                 std::int64_t *total)
    {
        *total = 0;
        auto opened = LocalLog::open(logDir, {});
        if (!opened.isOk())
            return "reopen failed: " + opened.status().toString();
        LocalLog &log = **opened;
        if (!log.describeTopic(crashtest::kTopic).isOk()) {
            // Killed before the topic existed: then nothing can have been acknowledged.
            return acked == std::vector<std::int64_t>(crashtest::kPartitions, -1) ? ""
                                                                                  : "acknowledged topic lost";
        }
        RecordBatch batch;
        for (int p = 0; p < crashtest::kPartitions; ++p) {
            auto info = log.partitionInfo(crashtest::kTopic, PartitionId(p));
            if (!info.isOk() || info->startOffset.value() != 0)
                return "bad partition info";
            std::int64_t expected = 0;
            do {
                const Status s = log.read(crashtest::kTopic, PartitionId(p), Offset(expected), 256 << 10,
                                          batch);
                if (!s.isOk())
                    return s.toString();
                for (const RecordView &r : batch) {
                    if (r.offset.value() != expected || r.value != crashtest::payload(p, expected))
                        return "partition " + std::to_string(p) + " offset " + std::to_string(expected)
                               + ": wrong record";
                    ++expected;
                }
            } while (!batch.empty());
            if (expected != info->endOffset.value() || expected <= acked[std::size_t(p)])
                return "partition " + std::to_string(p) + ": " + std::to_string(expected) + " records, end "
                       + std::to_string(info->endOffset.value()) + ", acknowledged up to "
                       + std::to_string(acked[std::size_t(p)]);
            *total += expected;
        }
        return "";
    }
};

QTEST_APPLESS_MAIN(TestLogCrash)
#include "test_log_crash.moc"
