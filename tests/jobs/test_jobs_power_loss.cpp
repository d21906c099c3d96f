// Power loss under the engine: the log sits on a FaultInjectionFileSystem; in
// each cycle the disk starts failing (writes or syncs) after a seeded number
// of file appends, the fraud tasks (the only ones that write to the log: the
// rekey topics) fail and the engine stops with an error; the engine and the
// log are destroyed, the unsynced bytes dropped (simulatePowerLoss) and the log
// reopened. After the cycles a last run completes: the dumps of the three
// views must equal those of a clean run over the same events.
//
// RocksDB state and the views are not on the file-system seam: they survive
// as after a process crash, which is what they are designed for.
#include "jobs_test_util.h"

#include "kappa/fault_injection_file_system.h"

#include <atomic>
#include <map>
#include <random>

using namespace jobstest;

namespace {

constexpr std::int64_t kEvents = 40'000;
const std::vector<std::string> kJobs = {"user_features@v1", "business_metrics@v1", "fraud@v1"};

// Arms the fault-injection file system after a number of appends to files opened through it.
class TriggerFileSystem final : public kappa::FileSystem
{
public:
    explicit TriggerFileSystem(kappa::FaultInjectionFileSystem &fi)
        : m_fi(fi)
    {}

    // After `appends` more file appends, every write (or sync) fails.
    void arm(std::int64_t appends, bool syncFailure)
    {
        m_syncFailure = syncFailure;
        m_remaining.store(appends);
    }
    void disarm()
    {
        m_remaining.store(-1);
        m_fi.setWriteFailure(false);
        m_fi.setSyncFailure(false);
    }
    bool fired() const { return m_fired.load(); }
    void resetFired() { m_fired.store(false); }

    void noteAppend()
    {
        std::int64_t left = m_remaining.load();
        while (left > 0 && !m_remaining.compare_exchange_weak(left, left - 1)) {
        }
        if (left == 1) {
            m_fired.store(true);
            if (m_syncFailure)
                m_fi.setSyncFailure(true);
            else
                m_fi.setWriteFailure(true);
        }
    }

    Result<std::unique_ptr<kappa::WritableFile>> openWritable(const std::string &path) override
    {
        KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<kappa::WritableFile> file, m_fi.openWritable(path));
        return std::unique_ptr<kappa::WritableFile>(new File(*this, std::move(file)));
    }
    Result<std::unique_ptr<kappa::ReadableFile>> openReadable(const std::string &path) override
    {
        return m_fi.openReadable(path);
    }
    bool exists(const std::string &path) override { return m_fi.exists(path); }
    Result<std::uint64_t> fileSize(const std::string &path) override { return m_fi.fileSize(path); }
    Result<std::vector<std::string>> listDir(const std::string &path) override { return m_fi.listDir(path); }
    Status createDirs(const std::string &path) override { return m_fi.createDirs(path); }
    Status removeFile(const std::string &path) override { return m_fi.removeFile(path); }
    Status renameFile(const std::string &from, const std::string &to) override
    {
        return m_fi.renameFile(from, to);
    }
    Status truncateFile(const std::string &path, std::uint64_t size) override
    {
        return m_fi.truncateFile(path, size);
    }
    Status syncDir(const std::string &path) override { return m_fi.syncDir(path); }

private:
    class File final : public kappa::WritableFile
    {
    public:
        File(TriggerFileSystem &fs, std::unique_ptr<kappa::WritableFile> inner)
            : m_fs(fs)
            , m_inner(std::move(inner))
        {}
        Status append(std::string_view data) override
        {
            m_fs.noteAppend();
            return m_inner->append(data);
        }
        Status sync() override { return m_inner->sync(); }
        Status close() override { return m_inner->close(); }
        std::uint64_t size() const override { return m_inner->size(); }

    private:
        TriggerFileSystem &m_fs;
        std::unique_ptr<kappa::WritableFile> m_inner;
    };

    kappa::FaultInjectionFileSystem &m_fi;
    std::atomic<std::int64_t> m_remaining{-1};
    std::atomic<bool> m_fired{false};
    bool m_syncFailure = false;
};

using Dumps = std::map<std::string, std::vector<std::string>>;

Result<Dumps> dumpAll(const DataDir &data)
{
    Dumps dumps;
    for (const char *job : {"user_features", "business_metrics", "fraud"}) {
        KAPPA_ASSIGN_OR_RETURN(dumps[job], data.dump(job, "v1"));
    }
    return dumps;
}

} // namespace

class TestJobsPowerLoss : public QObject
{
    Q_OBJECT

private slots:
    void powerLossCyclesEndLikeACleanRun_data()
    {
        QTest::addColumn<quint32>("seed");
        QTest::addColumn<qint64>("eventCount");
        QTest::addColumn<int>("cycles");
        QTest::addColumn<qint64>("maxAppendsBeforeFailure");
        // A failure is armed after 1..max appends; how many appends a 40K run makes depends on how
        // often its tasks publish (every 2 s while behind), so a faster engine makes fewer: 400
        // let a run finish unharmed in 4 of 6 cycles on 2026-11-27, 100 fails every one.
        QTest::newRow("seed 1, 40K events, small batches") << 1u << qint64(kEvents) << 6 << qint64(100);
        QTest::newRow("seed 2, 40K events, small batches") << 2u << qint64(kEvents) << 6 << qint64(100);
        // The engine issue's scale: at least 1M events and 20 power losses spread over the run.
        QTest::newRow("seed 3, 1M events, 20 power losses") << 3u << qint64(1'000'000) << 20 << qint64(80);
    }

    void powerLossCyclesEndLikeACleanRun()
    {
        QFETCH(quint32, seed);
        QFETCH(qint64, eventCount);
        QFETCH(int, cycles);
        QFETCH(qint64, maxAppendsBeforeFailure);
        const std::vector<kappa::Event> events = sampleEvents(eventCount, 100 + seed);
        QTemporaryDir dir;
        RunOptions options;
        options.threads = 2;
        // Small batches for the small runs: many batches, so many appends to the rekey topics.
        options.batchBytes = eventCount > kEvents ? 65536 : 16384;
        options.checkpointInterval = std::chrono::milliseconds(10);

        DataDir clean;
        KAPPA_VERIFY_OK(clean.open(tempPath(dir, "clean"), 4));
        KAPPA_VERIFY_OK(clean.append(events));
        KAPPA_ASSIGN_OR_FAIL(const auto cleanReports, clean.runUntilCaughtUp(kJobs, options));
        Q_UNUSED(cleanReports);
        KAPPA_ASSIGN_OR_FAIL(const Dumps want, dumpAll(clean));

        kappa::FaultInjectionFileSystem fi;
        TriggerFileSystem fs(fi);
        DataDir data;
        KAPPA_VERIFY_OK(data.open(tempPath(dir, "faulty"), 4, &fs));
        KAPPA_VERIFY_OK(data.append(events));

        std::mt19937 rng(seed);
        int failedRuns = 0;
        for (int cycle = 0; cycle < cycles; ++cycle) {
            const std::int64_t appends = std::uniform_int_distribution<std::int64_t>(1,
                                                                                     maxAppendsBeforeFailure)(
                rng);
            const bool syncFailure = cycle % 2 == 0;
            fs.resetFired();
            KAPPA_ASSIGN_OR_FAIL(auto engine, data.openEngine(kJobs, options));
            fs.arm(appends, syncFailure);
            Status status = engine->start();
            if (status.isOk())
                status = engine->runUntilCaughtUp();
            const Status stopped = engine->stop();
            engine.reset();
            if (!status.isOk() || !stopped.isOk()) {
                ++failedRuns;
                QVERIFY2(fs.fired(), status.toString().c_str());
            }
            data.log.reset();
            fs.disarm();
            KAPPA_VERIFY_OK(fi.simulatePowerLoss());
            KAPPA_VERIFY_OK(data.openLog(&fs));
        }
        qInfo("seed %u: %d of %d cycles failed", seed, failedRuns, cycles);
        QVERIFY2(failedRuns >= cycles / 2, "too few cycles hit the injected failure");

        KAPPA_ASSIGN_OR_FAIL(const auto reports, data.runUntilCaughtUp(kJobs, options));
        Q_UNUSED(reports);
        KAPPA_ASSIGN_OR_FAIL(const Dumps got, dumpAll(data));
        for (const auto &[job, rows] : want) {
            QVERIFY2(!rows.empty(), job.c_str());
            const std::string diff = firstDifference(rows, got.at(job));
            QVERIFY2(diff.empty(), (job + ": " + diff).c_str());
        }
    }
};

QTEST_APPLESS_MAIN(TestJobsPowerLoss)
#include "test_jobs_power_loss.moc"
