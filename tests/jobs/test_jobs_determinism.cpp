// Determinism in-process: the three v1 jobs over the same 200K sample events
// (4 partitions) give byte-identical view dumps whatever the worker threads
// and read batch size, and a run cut in two (half the events, stop, append
// the rest, run again from the checkpoints) gives the same dumps as one run.
#include "jobs_test_util.h"

#include <map>

using namespace jobstest;

namespace {

constexpr std::int64_t kEvents = 200'000;
const std::vector<std::string> kJobs = {"user_features@v1", "business_metrics@v1", "fraud@v1"};

using Dumps = std::map<std::string, std::vector<std::string>>; // job -> rows

Result<Dumps> dumpAll(const DataDir &data)
{
    Dumps dumps;
    for (const char *job : {"user_features", "business_metrics", "fraud"}) {
        KAPPA_ASSIGN_OR_RETURN(dumps[job], data.dump(job, "v1"));
    }
    return dumps;
}

} // namespace

class TestJobsDeterminism : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::vector<kappa::Event> m_events;
    std::string m_template; // a data directory holding the events, never run
    Dumps m_reference;      // threads=1, batchBytes=4096

    Result<Dumps> runCopy(const std::string &name, const RunOptions &options)
    {
        const std::string root = tempPath(m_dir, name.c_str());
        if (!copyTree(m_template, root))
            return Status::internal("cannot copy the data directory");
        DataDir data;
        KAPPA_RETURN_IF_ERROR(data.open(root, 4));
        KAPPA_ASSIGN_OR_RETURN(const auto reports, data.runUntilCaughtUp(kJobs, options));
        for (const kappa::jobs::JobReport &r : reports)
            if (r.events != static_cast<std::uint64_t>(kEvents))
                return Status::internal(r.job + " read " + std::to_string(r.events) + " events");
        return dumpAll(data);
    }

private slots:
    void initTestCase()
    {
        m_events = sampleEvents(kEvents, 1234);
        QCOMPARE(static_cast<std::int64_t>(m_events.size()), kEvents);
        m_template = tempPath(m_dir, "template");
        DataDir data;
        KAPPA_VERIFY_OK(data.open(m_template, 4));
        KAPPA_VERIFY_OK(data.append(m_events));
        data.close();
    }

    void identicalAcrossThreadsAndBatchSizes_data()
    {
        QTest::addColumn<int>("threads");
        QTest::addColumn<qint64>("batchBytes");
        QTest::newRow("1 thread, 4 KiB batches") << 1 << qint64(4096);
        QTest::newRow("2 threads, 1 MiB batches") << 2 << qint64(1 << 20);
        QTest::newRow("4 threads, 64 KiB batches") << 4 << qint64(65536);
    }

    void identicalAcrossThreadsAndBatchSizes()
    {
        QFETCH(int, threads);
        QFETCH(qint64, batchBytes);
        RunOptions options;
        options.threads = threads;
        options.batchBytes = static_cast<std::size_t>(batchBytes);
        options.checkpointInterval = std::chrono::milliseconds(250);
        KAPPA_ASSIGN_OR_FAIL(const Dumps dumps,
                             runCopy("run-" + std::to_string(threads) + "-" + std::to_string(batchBytes),
                                     options));
        for (const auto &[job, rows] : dumps)
            QVERIFY2(!rows.empty(), job.c_str());
        if (m_reference.empty()) {
            m_reference = dumps;
            // Sanity of the fraud rows: score in [0, 1], at most 3 positive reasons, largest first.
            for (const std::string &row : dumps.at("fraud")) {
                const nlohmann::json j = parseRow(row);
                QVERIFY(j.is_object());
                if (!j.contains("card_id"))
                    continue;
                const double score = j["score"].get<double>();
                QVERIFY2(score >= 0.0 && score <= 1.0, row.c_str());
                QVERIFY2(j["reasons"].size() <= 3, row.c_str());
                double previous = 1e300;
                for (const auto &reason : j["reasons"]) {
                    const double c = reason["contribution"].get<double>();
                    QVERIFY2(c > 0 && c <= previous, row.c_str());
                    previous = c;
                }
            }
            return;
        }
        for (const auto &[job, rows] : dumps) {
            const std::string diff = firstDifference(m_reference.at(job), rows);
            QVERIFY2(diff.empty(), (job + ": " + diff).c_str());
        }
    }

    // Half the events, run until caught up and stop; append the other half and
    // run a new engine from the checkpoints: the same dumps as one run.
    void partialRunsEqualOneRun_data()
    {
        QTest::addColumn<QString>("job");
        QTest::newRow("user_features") << "user_features";
        QTest::newRow("business_metrics") << "business_metrics";
        // fraud could differ in the documented flush corner (runtime/exchange.h:
        // the first run's flush releases what it holds before the second half
        // arrives). Over this data it does not; a difference is printed in full.
        QTest::newRow("fraud") << "fraud";
    }

    void partialRunsEqualOneRun()
    {
        QFETCH(QString, job);
        if (m_reference.empty())
            QSKIP("needs identicalAcrossThreadsAndBatchSizes");
        static Dumps partial;
        if (partial.empty()) {
            const std::string root = tempPath(m_dir, "partial");
            DataDir data;
            KAPPA_VERIFY_OK(data.open(root, 4));
            const auto half = m_events.begin() + kEvents / 2;
            KAPPA_VERIFY_OK(data.append({m_events.begin(), half}));
            RunOptions options;
            options.checkpointInterval = std::chrono::milliseconds(20);
            KAPPA_ASSIGN_OR_FAIL(const auto first, data.runUntilCaughtUp(kJobs, options));
            QCOMPARE(first.at(0).events, static_cast<std::uint64_t>(kEvents / 2));
            KAPPA_VERIFY_OK(data.append({half, m_events.end()}));
            KAPPA_ASSIGN_OR_FAIL(const auto second, data.runUntilCaughtUp(kJobs, options));
            QCOMPARE(second.at(0).events, static_cast<std::uint64_t>(kEvents - kEvents / 2));
            KAPPA_ASSIGN_OR_FAIL(partial, dumpAll(data));
        }
        const std::string name = job.toStdString();
        const std::vector<std::string> &want = m_reference.at(name);
        const std::vector<std::string> &got = partial.at(name);
        std::size_t differing = 0;
        if (want.size() == got.size())
            for (std::size_t i = 0; i < want.size(); ++i)
                differing += want[i] != got[i] ? 1 : 0;
        if (name == "fraud" && differing > 0)
            qWarning("fraud: %zu of %zu rows differ between one run and two runs; first: %s", differing,
                     want.size(), firstDifference(want, got).c_str());
        const std::string diff = firstDifference(want, got);
        QVERIFY2(diff.empty(), (name + ": " + diff).c_str());
    }
};

QTEST_APPLESS_MAIN(TestJobsDeterminism)
#include "test_jobs_determinism.moc"
