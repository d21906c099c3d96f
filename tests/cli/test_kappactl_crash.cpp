// Exactly-once under crashes: `kappactl run` over a million events is killed
// with SIGKILL again and again (during startup, mid-run, near the end), then
// runs to completion; every view must then be byte-identical to the views of
// a clean run over the same log. Between kills (and sometimes while the
// writer runs) a reader checks that views never go backwards.
#include "kappactl_process.h"
#include <QElapsedTimer>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <random>

namespace {

constexpr qint64 kEvents = 1'000'000;
constexpr int kMinKills = 20;
constexpr int kMaxAttemptsPerRound = 300;
const QStringList kJobs{"user_features", "fraud", "business_metrics"};
const QStringList kRunArgs{"run", "--until-caught-up", "--json", "--checkpoint-interval-ms", "200"};

QMap<QString, QByteArray> dumpAll(const QString &dir)
{
    QMap<QString, QByteArray> dumps;
    for (const QString &job : kJobs) {
        const Run dump = kappactl(dir, {"views", "dump", job});
        if (dump.exitCode != 0)
            qWarning("views dump %s failed: %s", qPrintable(job), dump.err.constData());
        dumps[job] = dump.out;
    }
    return dumps;
}

// The `count` rows of a dump with the largest `field` (entities that change all through the log).
QList<qint64> busiest(const QByteArray &dump, const char *idField, const char *field, int count)
{
    QList<QPair<qint64, qint64>> rows; // (field, id)
    for (const QByteArray &line : lines(dump)) {
        const QJsonObject row = QJsonDocument::fromJson(line).object();
        if (row.contains(QLatin1String(idField)))
            rows.append(
                {row.value(QLatin1String(field)).toInteger(), row.value(QLatin1String(idField)).toInteger()});
    }
    std::sort(rows.begin(), rows.end(), std::greater<>());
    QList<qint64> ids;
    for (qsizetype i = 0; i < std::min<qsizetype>(count, rows.size()); ++i)
        ids.append(rows[i].second);
    return ids;
}

// Reads a few rows and fails the test if any went backwards: as_of_ms must
// never decrease, and a row once seen must never disappear.
class MonotonicReader
{
public:
    MonotonicReader(QString dir, QList<qint64> users, QList<qint64> cards)
        : m_dir(std::move(dir))
    {
        for (qint64 user : users)
            m_probes.append({"features", user, -1});
        for (qint64 card : cards)
            m_probes.append({"fraud", card, -1});
    }

    // Empty if every row is at or after what was read before, else what went wrong.
    QString check(const QString &when)
    {
        for (Probe &probe : m_probes) {
            const Run get = kappactl(m_dir, {"get", probe.command, QString::number(probe.id)});
            ++m_reads;
            const QString what = QStringLiteral("get %1 %2 %3").arg(probe.command).arg(probe.id).arg(when);
            if (get.exitCode == 3 && probe.asOfMs < 0)
                continue; // not written yet (or nothing durable yet)
            if (get.exitCode != 0)
                return what
                       + QStringLiteral(": exit %1 after as_of_ms %2 was seen: %3")
                             .arg(get.exitCode)
                             .arg(probe.asOfMs)
                             .arg(QString::fromUtf8(get.err));
            const qint64 asOf = QJsonDocument::fromJson(get.out).object().value("as_of_ms").toInteger(-1);
            if (asOf < probe.asOfMs)
                return what
                       + QStringLiteral(": as_of_ms went back from %1 to %2").arg(probe.asOfMs).arg(asOf);
            if (asOf > probe.asOfMs)
                ++m_advances;
            probe.asOfMs = asOf;
        }
        return {};
    }

    // After a deliberate drop the views start again from nothing.
    void reset()
    {
        for (Probe &probe : m_probes)
            probe.asOfMs = -1;
    }

    int reads() const { return m_reads; }
    int advances() const { return m_advances; }

private:
    struct Probe
    {
        QString command;
        qint64 id;
        qint64 asOfMs;
    };
    QString m_dir;
    QList<Probe> m_probes;
    int m_reads = 0;
    int m_advances = 0;
};

} // namespace

class TestKappactlCrash : public QObject
{
    Q_OBJECT

private slots:
    void viewsAreExactlyOnceUnderSigkill()
    {
        QElapsedTimer total;
        total.start();
        QTemporaryDir root;
        QVERIFY(root.isValid());
        const QString clean = root.filePath("clean");
        const QString crashed = root.filePath("crashed");

        const Run gen = kappactl(clean, {"gen", "--events", QString::number(kEvents), "--days", "2", "--seed",
                                         "2026"});
        QVERIFY2(gen.exitCode == 0, gen.err.constData());
        // The same log and catalog in both directories, byte for byte, before any run.
        std::error_code ec;
        std::filesystem::copy(clean.toStdString(), crashed.toStdString(),
                              std::filesystem::copy_options::recursive, ec);
        QVERIFY2(!ec, ec.message().c_str());

        QElapsedTimer cleanTimer;
        cleanTimer.start();
        const Run cleanRun = kappactl(clean, kRunArgs);
        const qint64 cleanMs = cleanTimer.elapsed();
        QVERIFY2(cleanRun.exitCode == 0, cleanRun.err.constData());
        for (const auto &job : QJsonDocument::fromJson(cleanRun.out).object().value("jobs").toArray())
            QCOMPARE(job.toObject().value("events").toInteger(), kEvents);
        const QMap<QString, QByteArray> expected = dumpAll(clean);
        for (const QString &job : kJobs)
            QVERIFY2(lines(expected[job]).size() > 1000, qPrintable(job));

        MonotonicReader reader(crashed, busiest(expected["user_features"], "user_id", "views_24h", 4),
                               busiest(expected["fraud"], "card_id", "txn_1h", 2));

        // Delays relative to the clean run, so the kills spread over the run on any machine:
        // a third during startup (< 150 ms), most mid-run, some long enough to reach the end.
        // A run makes progress only if it lives past its first durable checkpoint (a few hundred
        // ms after it starts); when the clean run got faster (1.5 s for 1M events), delays of 2-20 %
        // of it left no run alive that long, and the test gave up.
        std::mt19937_64 random(20261126);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        auto nextDelayMs = [&]() -> qint64 {
            const double u = unit(random);
            const double v = unit(random);
            if (u < 0.3)
                return static_cast<qint64>(v * 150);
            if (u < 0.85)
                return static_cast<qint64>(cleanMs * (0.1 + 0.3 * v));
            return static_cast<qint64>(cleanMs * (0.4 + 0.4 * v));
        };

        int kills = 0;
        int startupKills = 0;
        int concurrentReads = 0;
        int rounds = 0;
        QList<qint64> lastRoundDelays;
        QStringList lastRunEvents; // per job, read by the run that completed
        // A round kills runs until one completes on its own; if a fast machine finished the
        // work with fewer than kMinKills kills, the views are dropped and replayed under kills again.
        while (kills < kMinKills) {
            ++rounds;
            if (rounds > 1) {
                for (const QString &job : kJobs) {
                    const Run drop = kappactl(crashed, {"views", "drop", job + "@v1", "--force"});
                    QVERIFY2(drop.exitCode == 0, drop.err.constData());
                }
                reader.reset();
            }
            lastRoundDelays.clear();
            bool completed = false;
            for (int attempt = 0; !completed; ++attempt) {
                QVERIFY2(attempt < kMaxAttemptsPerRound, "the runs make no progress between kills");
                const qint64 delay = nextDelayMs();
                QProcess run;
                run.start(QStringLiteral(KAPPACTL_PATH), QStringList{"--data-dir", crashed} + kRunArgs);
                QVERIFY(run.waitForStarted());
                QElapsedTimer sinceStart;
                sinceStart.start();
                if (delay > 300 && attempt % 2 == 1) {
                    // Read beside the running writer as well.
                    QTest::qWait(static_cast<int>(delay / 2));
                    const QString backwards = reader.check(QStringLiteral("during run %1").arg(attempt));
                    QVERIFY2(backwards.isEmpty(), qPrintable(backwards));
                    ++concurrentReads;
                }
                const qint64 remaining = std::max<qint64>(0, delay - sinceStart.elapsed());
                if (run.waitForFinished(static_cast<int>(remaining))) {
                    completed = true;
                } else {
                    // QProcess::kill() is SIGKILL on Unix and does nothing once the child is gone.
                    // (A raw ::kill(processId()) would be kill(0, SIGKILL) after the child was
                    // reaped: the whole process group, ctest and CI included.)
                    run.kill();
                    // waitForFinished() is false for a child that already finished (and was reaped
                    // by the wait above timing out at 0 ms), so only wait for one still running.
                    if (run.state() != QProcess::NotRunning)
                        QVERIFY(run.waitForFinished(30'000));
                    if (run.exitStatus() == QProcess::CrashExit) {
                        ++kills;
                        startupKills += delay < 150 ? 1 : 0;
                        lastRoundDelays.append(delay);
                    } else {
                        completed = true; // finished just before the signal
                    }
                }
                if (completed) {
                    QCOMPARE(run.exitStatus(), QProcess::NormalExit);
                    QVERIFY2(run.exitCode() == 0, run.readAllStandardError().constData());
                    // What was left after the last kill: a small number means it landed near the end.
                    lastRunEvents.clear();
                    for (const auto &job :
                         QJsonDocument::fromJson(run.readAllStandardOutput()).object().value("jobs").toArray())
                        lastRunEvents << QString::number(job.toObject().value("events").toInteger());
                }
                const QString backwards = reader.check(QStringLiteral("after run %1").arg(attempt));
                QVERIFY2(backwards.isEmpty(), qPrintable(backwards));
            }
            const QMap<QString, QByteArray> actual = dumpAll(crashed);
            for (const QString &job : kJobs) {
                const QString difference = firstDifference(expected[job], actual[job]);
                QVERIFY2(difference.isEmpty(), qPrintable(QStringLiteral("%1 after %2 kills in round %3: %4")
                                                              .arg(job)
                                                              .arg(lastRoundDelays.size())
                                                              .arg(rounds)
                                                              .arg(difference)));
            }
        }

        // Once more: nothing to do, nothing changes, the log (with the rekey topics) is intact.
        const Run again = kappactl(crashed, kRunArgs);
        QVERIFY2(again.exitCode == 0, again.err.constData());
        const QMap<QString, QByteArray> actual = dumpAll(crashed);
        for (const QString &job : kJobs) {
            const QString difference = firstDifference(expected[job], actual[job]);
            QVERIFY2(difference.isEmpty(), qPrintable(job + " after a final run: " + difference));
        }
        const Run verify = kappactl(crashed, {"log", "verify"});
        QVERIFY2(verify.exitCode == 0, verify.err.constData());
        QVERIFY(reader.advances() > 0); // the reader did see the views move

        QStringList delays;
        for (qint64 d : lastRoundDelays)
            delays << QString::number(d);
        qInfo("clean run %lld ms; %d SIGKILLs landed in %d round(s) (%d during startup), last round's "
              "delays (ms): %s; the run that completed read %s events; %d reads (%d rounds of them beside "
              "the writer), %d as_of_ms advances; "
              "elapsed %.1f s",
              cleanMs, kills, rounds, startupKills, qPrintable(delays.join(' ')),
              qPrintable(lastRunEvents.join('/')), reader.reads(), concurrentReads, reader.advances(),
              total.elapsed() / 1000.0);
    }
};

QTEST_GUILESS_MAIN(TestKappactlCrash)
#include "test_kappactl_crash.moc"
