// Views never go backwards: while engines run, stop, run again over more
// events, and finally replay from offset zero after losing their state, a
// reader thread keeps opening the user_features view read-only (as kappactl
// does) and reading the busiest users' rows. Neither a row's position nor its
// as_of_ms may ever decrease, and the replay ends on the same rows. Nor does a
// task's watermark fall back to 0 when it restarts from its checkpoint.
#include "jobs_test_util.h"

#include "pipelines/job_tasks.h"
#include "views/kv_view.h"

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

using namespace jobstest;

class TestJobsViewMonotonic : public QObject
{
    Q_OBJECT

private slots:
    // A restarted task shows its checkpointed watermark before it reads
    // anything: a validation right after a restart compares up to the
    // watermarks, so a watermark of 0 would leave it nothing to compare.
    void watermarksSurviveARestart()
    {
        QTemporaryDir dir;
        DataDir data;
        KAPPA_VERIFY_OK(data.open(tempPath(dir, "data"), 4));
        KAPPA_VERIFY_OK(data.append(sampleEvents(5'000, 5)));
        KAPPA_VERIFY_OK(data.runUntilCaughtUp({"user_features@v1"}).status());

        auto engine = data.openEngine({"user_features@v1"});
        KAPPA_VERIFY_OK(engine.status());
        KAPPA_VERIFY_OK((*engine)->start());
        const std::vector<kappa::jobs::TaskFigures> figures = (*engine)->taskFigures();
        KAPPA_VERIFY_OK((*engine)->stop());
        QCOMPARE(figures.size(), std::size_t{4});
        for (const kappa::jobs::TaskFigures &task : figures)
            QVERIFY2(task.metrics.watermarkMs > kBaseMs,
                     qPrintable(QString::fromStdString(task.metrics.task) + " shows watermark "
                                + QString::number(task.metrics.watermarkMs)));
    }

    void rowsNeverGoBackwards()
    {
        const std::vector<kappa::Event> events = sampleEvents(60'000, 77);
        std::map<std::int64_t, int> perUser;
        for (const kappa::Event &e : events)
            ++perUser[e.userId];
        std::vector<std::pair<int, std::int64_t>> busiest;
        for (const auto &[user, n] : perUser)
            busiest.emplace_back(n, user);
        std::sort(busiest.rbegin(), busiest.rend());
        std::vector<std::int64_t> users;
        for (std::size_t i = 0; i < 4 && i < busiest.size(); ++i)
            users.push_back(busiest[i].second);

        QTemporaryDir dir;
        DataDir data;
        KAPPA_VERIFY_OK(data.open(tempPath(dir, "data"), 4));
        const auto half = events.begin() + static_cast<std::ptrdiff_t>(events.size() / 2);
        KAPPA_VERIFY_OK(data.append({events.begin(), half}));

        struct Seen
        {
            kappa::views::ViewPosition position{kappa::PartitionId(-1), kappa::Offset(-1)};
            std::int64_t asOf = std::numeric_limits<std::int64_t>::min();
            std::string row;
        };
        std::map<std::int64_t, Seen> seen;
        std::atomic<bool> done{false};
        std::atomic<int> reads{0};
        // What the writer side is doing, for the failure messages.
        std::atomic<int> phase{0};
        static const char *const kPhases[] = {"first run", "second run", "replay after losing the state",
                                              "done"};
        std::mutex mutex;
        std::string violation;
        std::string readerViolation;
        const std::string viewDir = data.layout.keyValueViewDir("user_features", "v1");
        const kappa::jobs::ViewReader reader = data.reader();
        std::thread watcher([&] {
            while (!done.load()) {
                auto view = kappa::views::KeyValueView::openReadOnly(viewDir);
                if (!view.isOk())
                    continue; // not created yet
                for (std::int64_t user : users) {
                    auto row = (*view)->get(kappa::pipelines::entityKey(user));
                    if (!row.isOk() || !row->has_value())
                        continue;
                    const nlohmann::json j = parseRow((*row)->row);
                    // The ViewReader (which hides the position) must agree on as_of_ms.
                    auto viaReader = reader.features(user, "v1");
                    std::lock_guard lock(mutex);
                    Seen &s = seen[user];
                    const std::int64_t asOf = j.value("as_of_ms", std::int64_t{-1});
                    if ((*row)->position < s.position || asOf < s.asOf) {
                        if (violation.empty())
                            violation = std::string(kPhases[phase.load()]) + ": user " + std::to_string(user)
                                        + " went from position " + std::to_string(s.position.offset.value())
                                        + " to " + std::to_string((*row)->position.offset.value()) + ": "
                                        + s.row + " -> " + (*row)->row;
                    }
                    if (viaReader.isOk() && viaReader->has_value()) {
                        const std::int64_t readerAsOf = parseRow(**viaReader)
                                                            .value("as_of_ms", std::int64_t{-1});
                        if (readerAsOf < asOf && readerViolation.empty())
                            readerViolation
                                = std::string(kPhases[phase.load()])
                                  + ": ViewReader::features opened after the view saw an older row for user "
                                  + std::to_string(user) + ": as_of_ms " + std::to_string(asOf) + " -> "
                                  + std::to_string(readerAsOf);
                    }
                    s = {(*row)->position, asOf, (*row)->row};
                    ++reads;
                }
            }
        });

        RunOptions options;
        options.checkpointInterval = std::chrono::milliseconds(10);
        options.batchBytes = 8192;
        Status status = data.runUntilCaughtUp({"user_features@v1"}, options).status();
        phase.store(1);
        if (status.isOk())
            status = data.append({half, events.end()});
        if (status.isOk())
            status = data.runUntilCaughtUp({"user_features@v1"}, options).status();
        std::map<std::int64_t, std::string> afterSecondRun;
        for (std::int64_t user : users) {
            auto row = reader.features(user, "v1");
            if (row.isOk() && row->has_value())
                afterSecondRun[user] = **row;
        }
        // Lose the state (not the view): the next run replays from offset zero
        // and rewrites every row at older positions first. Several times, as
        // each engine reopens the view (RocksDB recovers and flushes its WAL).
        phase.store(2);
        for (int replay = 0; replay < 4 && status.isOk(); ++replay) {
            std::error_code ec;
            std::filesystem::remove_all(data.layout.stateDir("user_features", "v1"), ec);
            status = data.runUntilCaughtUp({"user_features@v1"}, options).status();
        }
        phase.store(3);
        // Let the watcher see the final rows.
        const int readsBefore = reads.load();
        while (reads.load() < readsBefore + 8 && status.isOk())
            std::this_thread::yield();
        done.store(true);
        watcher.join();

        KAPPA_VERIFY_OK(status);
        QVERIFY2(violation.empty(), violation.c_str());
        QVERIFY2(readerViolation.empty(), readerViolation.c_str());
        QVERIFY2(reads.load() > 20, qPrintable(QStringLiteral("only %1 reads").arg(reads.load())));
        QCOMPARE(afterSecondRun.size(), users.size());
        for (std::int64_t user : users) {
            KAPPA_ASSIGN_OR_FAIL(const auto row, reader.features(user, "v1"));
            QVERIFY(row.has_value());
            QCOMPARE(QString::fromStdString(*row), QString::fromStdString(afterSecondRun[user]));
        }
    }
};

QTEST_APPLESS_MAIN(TestJobsViewMonotonic)
#include "test_jobs_view_monotonic.moc"
