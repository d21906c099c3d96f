// kappactl run, get, views as a user runs them: the real binary over
// generated events in temporary data directories. Checks what the report
// and the views say against the log itself, that views are a function of
// the log only (drop, rerun with other threads and batch sizes, compare
// dumps byte for byte), and the documented exit code of every mistake.
#include "kappactl_process.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/stat.h>

namespace {

constexpr qint64 kEvents = 200'000;
const QStringList kJobs{"user_features", "fraud", "business_metrics"};

QSet<QString> keysOf(const QJsonObject &object)
{
    const QStringList keys = object.keys();
    return QSet<QString>(keys.begin(), keys.end());
}

QSet<QString> setOf(std::initializer_list<const char *> names)
{
    QSet<QString> out;
    for (const char *name : names)
        out.insert(QLatin1String(name));
    return out;
}

// Generates `events` sample events (deterministic for the seed).
bool generate(const QString &dir, qint64 events, int seed)
{
    const Run gen = kappactl(dir, {"gen", "--events", QString::number(events), "--days", "1", "--seed",
                                   QString::number(seed)});
    if (gen.exitCode != 0)
        qWarning("gen failed: %s", gen.err.constData());
    return gen.exitCode == 0;
}

bool runUntilCaughtUp(const QString &dir, const QStringList &extra = {})
{
    const Run run = kappactl(dir, QStringList{"run", "--until-caught-up"} + extra);
    if (run.exitCode != 0)
        qWarning("run failed (%d): %s", run.exitCode, run.err.constData());
    return run.exitCode == 0;
}

QByteArray dumpView(const QString &dir, const QString &job, const QString &version = {})
{
    QStringList args{"views", "dump", job};
    if (!version.isEmpty())
        args << "--version" << version;
    const Run dump = kappactl(dir, args);
    if (dump.exitCode != 0)
        qWarning("views dump %s failed: %s", qPrintable(job), dump.err.constData());
    return dump.out;
}

// True once `pid` holds the flock on `path` (read from /proc/locks, so the
// test never takes the lock itself and cannot race the writer for it).
bool holdsFlock(qint64 pid, const QString &path)
{
    struct stat info
    {};
    if (::stat(path.toLocal8Bit().constData(), &info) != 0)
        return false;
    QFile locks(QStringLiteral("/proc/locks"));
    if (!locks.open(QIODevice::ReadOnly))
        return false;
    const QByteArray inodeSuffix = ':' + QByteArray::number(static_cast<qulonglong>(info.st_ino));
    for (const QByteArray &line : lines(locks.readAll())) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        // "1: FLOCK ADVISORY WRITE <pid> <major>:<minor>:<inode> 0 EOF"
        if (fields.size() >= 6 && fields[1] == "FLOCK" && fields[4] == QByteArray::number(pid)
            && fields[5].endsWith(inodeSuffix))
            return true;
    }
    return false;
}

// True once `pid` has installed a handler for SIGINT (the SigCgt mask in
// /proc/PID/status): `run` does so when it starts tailing, after opening everything.
bool catchesSigint(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray &line : lines(status.readAll()))
        if (line.startsWith("SigCgt:"))
            return (line.mid(7).trimmed().toULongLong(nullptr, 16) >> (SIGINT - 1)) & 1;
    return false;
}

} // namespace

class TestKappactlRun : public QObject
{
    Q_OBJECT

private:
    // Two directories with the same events: one run with the table, one with --json.
    QTemporaryDir m_text;
    QTemporaryDir m_json;
    Run m_textRun;
    Run m_jsonRun;

private slots:
    void initTestCase()
    {
        QVERIFY(m_text.isValid() && m_json.isValid());
        QVERIFY(generate(m_text.path(), kEvents, 5));
        QVERIFY(generate(m_json.path(), kEvents, 5));
        m_textRun = kappactl(m_text.path(), {"run", "--until-caught-up"});
        m_jsonRun = kappactl(m_json.path(), {"run", "--until-caught-up", "--json"});
        QVERIFY2(m_textRun.exitCode == 0, m_textRun.err.constData());
        QVERIFY2(m_jsonRun.exitCode == 0, m_jsonRun.err.constData());
    }

    void runPrintsOneLinePerJob()
    {
        const QList<QByteArray> out = lines(m_textRun.out);
        QCOMPARE(out.size(), 4); // header + one line per job
        QVERIFY2(out[0].startsWith("job") && out[0].contains("events"), out[0].constData());
        for (qsizetype i = 0; i < kJobs.size(); ++i) {
            const QList<QByteArray> fields = out[i + 1].simplified().split(' ');
            QCOMPARE(QString::fromUtf8(fields.value(0)), kJobs[i] + "@v1");
            QCOMPARE(fields.value(1).toLongLong(), kEvents);
        }
    }

    void runJsonHasTheDocumentedFields()
    {
        const QJsonObject report = parseObject(m_jsonRun.out);
        QCOMPARE(keysOf(report), setOf({"seconds", "jobs"}));
        QVERIFY(report.value("seconds").toDouble() > 0);
        const QJsonArray jobs = report.value("jobs").toArray();
        QCOMPARE(jobs.size(), kJobs.size());
        for (qsizetype i = 0; i < jobs.size(); ++i) {
            const QJsonObject job = jobs.at(i).toObject();
            QCOMPARE(keysOf(job), setOf({"job", "version", "events", "seconds", "events_per_second",
                                         "checkpoints", "checkpoint_ms", "latency_ms", "late_dropped",
                                         "skipped", "lag_records", "state_bytes", "state_keys"}));
            QCOMPARE(job.value("job").toString(), kJobs[i]);
            QCOMPARE(job.value("version").toString(), QStringLiteral("v1"));
            QCOMPARE(job.value("events").toInteger(), kEvents);
            QCOMPARE(job.value("skipped").toInteger(), 0);
            QCOMPARE(job.value("late_dropped").toInteger(), 0); // gen --late-fraction defaults to 0
            QCOMPARE(job.value("lag_records").toInteger(), 0);  // caught up
            QVERIFY(job.value("checkpoints").toInteger() >= 1); // at least the final one
            QVERIFY(job.value("events_per_second").toDouble() > 0);
            QVERIFY(job.value("state_bytes").toInteger() > 0);

            const QJsonObject checkpoint = job.value("checkpoint_ms").toObject();
            QCOMPARE(keysOf(checkpoint), setOf({"mean", "p99", "max"}));
            QVERIFY(checkpoint.value("p99").toDouble() <= checkpoint.value("max").toDouble());
            QVERIFY(checkpoint.value("mean").toDouble() <= checkpoint.value("max").toDouble());
            const QJsonObject latency = job.value("latency_ms").toObject();
            QCOMPARE(keysOf(latency), setOf({"p50", "p90", "p99", "p999"}));
            QVERIFY(latency.value("p50").toDouble() <= latency.value("p90").toDouble());
            QVERIFY(latency.value("p90").toDouble() <= latency.value("p99").toDouble());
            QVERIFY(latency.value("p99").toDouble() <= latency.value("p999").toDouble());
        }
        QVERIFY(jobs.at(0).toObject().value("state_keys").toInteger() > 0); // users
    }

    void getReturnsTheRowsOfExistingIds()
    {
        const QString dir = m_text.path();
        const QList<QByteArray> users = lines(dumpView(dir, "user_features"));
        QVERIFY(users.size() > 1000);
        for (const QByteArray &row : {users.first(), users.at(users.size() / 2), users.last()}) {
            const QString id = QString::number(parseObject(row).value("user_id").toInteger());
            const Run get = kappactl(dir, {"get", "features", id});
            QVERIFY2(get.exitCode == 0, get.err.constData());
            QCOMPARE(get.out.trimmed(), row);
        }
        QList<QByteArray> cards;
        for (const QByteArray &row : lines(dumpView(dir, "fraud")))
            if (row.startsWith("{\"card_id\""))
                cards.append(row);
        QVERIFY(cards.size() > 10);
        for (const QByteArray &row : {cards.first(), cards.last()}) {
            const QString id = QString::number(parseObject(row).value("card_id").toInteger());
            const Run get = kappactl(dir, {"get", "fraud", id});
            QVERIFY2(get.exitCode == 0, get.err.constData());
            QCOMPARE(get.out.trimmed(), row);
            const QJsonObject card = parseObject(get.out);
            for (const char *field : {"as_of_ms", "score", "flagged", "reasons"})
                QVERIFY2(card.contains(QLatin1String(field)), field);
        }
    }

    void getUnknownIdIsNotFound_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("user") << QStringList{"get", "features", "987654321012"}
                              << QByteArray("user 987654321012 has no row in user_features@v1");
        QTest::newRow("card") << QStringList{"get", "fraud", "987654321012"}
                              << QByteArray("card 987654321012 has no row in fraud@v1");
        QTest::newRow("unknown version")
            << QStringList{"get", "features", "7", "--version", "v9"} << QByteArray("user_features@v9");
    }

    void getUnknownIdIsNotFound()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, message);
        const Run get = kappactl(m_text.path(), args);
        QCOMPARE(get.exitCode, 3);
        QVERIFY(get.out.isEmpty());
        QVERIFY2(get.err.contains(message), get.err.constData());
        QCOMPARE(get.err.count('\n'), 1);
    }

    void metricsRowsHaveExactlyTheDocumentedFields()
    {
        const QStringList range{"get", "metrics", "--from", "0", "--to", "4102444800000"};
        const Run jsonl = kappactl(m_text.path(), range);
        QVERIFY2(jsonl.exitCode == 0, jsonl.err.constData());
        const QList<QByteArray> rows = lines(jsonl.out);
        QVERIFY(rows.size() > 1440); // a day of 1-minute windows, many categories each
        const QSet<QString> fields = setOf({"window_start_ms", "category_id", "views", "cart_adds",
                                            "checkouts", "orders", "gmv_cents", "sessions",
                                            "purchasing_sessions"});
        for (const QByteArray &row : rows)
            QCOMPARE(keysOf(parseObject(row)), fields);

        const Run csv = kappactl(m_text.path(), range + QStringList{"--format", "csv"});
        QVERIFY2(csv.exitCode == 0, csv.err.constData());
        const QList<QByteArray> csvRows = lines(csv.out);
        QCOMPARE(csvRows.value(0), QByteArray("window_start_ms,category_id,views,cart_adds,checkouts,orders,"
                                              "gmv_cents,sessions,purchasing_sessions"));
        QCOMPARE(csvRows.size(), rows.size() + 1);
        // The same rows in the same order.
        const QJsonObject first = parseObject(rows.first());
        const QList<QByteArray> firstCsv = csvRows.at(1).split(',');
        QCOMPARE(firstCsv.size(), 9);
        QCOMPARE(firstCsv.at(0).toLongLong(), first.value("window_start_ms").toInteger());
        QCOMPARE(firstCsv.at(2).toLongLong(), first.value("views").toInteger());

        const Run category = kappactl(m_text.path(), range + QStringList{"--category", "5"});
        QCOMPARE(category.exitCode, 0);
        QVERIFY(!category.out.isEmpty());
        for (const QByteArray &row : lines(category.out))
            QCOMPARE(parseObject(row).value("category_id").toInt(), 5);
    }

    void metricsRangeMustNotBeEmpty_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::newRow("equal") << "1704067200000"
                               << "1704067200000";
        QTest::newRow("reversed") << "1704067260000"
                                  << "1704067200000";
    }

    void metricsRangeMustNotBeEmpty()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        const Run get = kappactl(m_text.path(), {"get", "metrics", "--from", from, "--to", to});
        QCOMPARE(get.exitCode, 2);
        QVERIFY2(get.err.contains("--to"), get.err.constData());
    }

    void metricsCountEveryViewInTheLog()
    {
        const Run log = kappactl(m_text.path(), {"log", "dump", "--limit", "100000000", "--format", "jsonl"});
        QVERIFY2(log.exitCode == 0, log.err.constData());
        const QList<QByteArray> events = lines(log.out);
        QCOMPARE(events.size(), kEvents);
        qint64 viewEvents = 0;
        for (const QByteArray &event : events)
            viewEvents += parseObject(event).value("type").toString() == QLatin1String("view") ? 1 : 0;
        QVERIFY(viewEvents > kEvents / 2);

        const Run all = kappactl(m_text.path(), {"get", "metrics", "--from", "0", "--to", "4102444800000",
                                                 "--category", "0"});
        QVERIFY2(all.exitCode == 0, all.err.constData());
        qint64 views = 0;
        QSet<qint64> windows;
        for (const QByteArray &row : lines(all.out)) {
            const QJsonObject object = parseObject(row);
            QCOMPARE(object.value("category_id").toInt(), 0);
            views += object.value("views").toInteger();
            windows.insert(object.value("window_start_ms").toInteger());
        }
        QCOMPARE(views, viewEvents);
        QCOMPARE(windows.size(), 1440); // every minute of the day has traffic
    }

    void viewsAreAFunctionOfTheLog()
    {
        QTemporaryDir dir;
        QVERIFY(generate(dir.path(), kEvents, 11));
        QVERIFY(runUntilCaughtUp(dir.path()));
        QMap<QString, QByteArray> expected;
        for (const QString &job : kJobs) {
            expected[job] = dumpView(dir.path(), job);
            QVERIFY(lines(expected[job]).size() > 100);
        }

        for (const QStringList &options : {QStringList{"--threads", "1", "--batch-bytes", "65536"},
                                           QStringList{"--threads", "4", "--batch-bytes", "16384"}}) {
            for (const QString &job : kJobs) {
                const Run drop = kappactl(dir.path(), {"views", "drop", job + "@v1", "--force"});
                QVERIFY2(drop.exitCode == 0, drop.err.constData());
            }
            QCOMPARE(kappactl(dir.path(), {"get", "features", "7"}).exitCode, 3); // dropped: reads fail
            QVERIFY(runUntilCaughtUp(dir.path(), options));
            for (const QString &job : kJobs) {
                const QString difference = firstDifference(expected[job], dumpView(dir.path(), job));
                QVERIFY2(difference.isEmpty(),
                         qPrintable(job + " after " + options.join(' ') + ": " + difference));
            }
        }

        // A second run has nothing to do and changes nothing.
        const Run again = kappactl(dir.path(), {"run", "--until-caught-up", "--json"});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        for (const auto &job : parseObject(again.out).value("jobs").toArray())
            QCOMPARE(job.toObject().value("events").toInteger(), 0);
        for (const QString &job : kJobs) {
            const QString difference = firstDifference(expected[job], dumpView(dir.path(), job));
            QVERIFY2(difference.isEmpty(), qPrintable(job + " after a second run: " + difference));
        }
    }

    void viewsListShowsTheLiveVersions()
    {
        const Run list = kappactl(m_text.path(), {"views", "list", "--json"});
        QVERIFY2(list.exitCode == 0, list.err.constData());
        const QJsonArray views = QJsonDocument::fromJson(list.out).array();
        QSet<QString> live;
        for (const auto &value : views) {
            const QJsonObject view = value.toObject();
            QCOMPARE(keysOf(view), setOf({"job", "version", "state", "live", "kind", "location", "bytes"}));
            if (view.value("live").toBool() && view.value("state").toString() == QLatin1String("live")) {
                live.insert(view.value("job").toString() + "@" + view.value("version").toString());
                QVERIFY(view.value("bytes").toInteger() > 0);
            }
        }
        QCOMPARE(live, QSet<QString>({"user_features@v1", "fraud@v1", "business_metrics@v1"}));

        const Run table = kappactl(m_text.path(), {"views", "list"});
        QCOMPARE(table.exitCode, 0);
        for (const QString &job : kJobs) {
            const QByteArray line = [&] {
                for (const QByteArray &l : lines(table.out))
                    if (l.startsWith((job + "@v1").toUtf8()))
                        return l.simplified();
                return QByteArray();
            }();
            QVERIFY2(line.contains(" live yes "), line.constData());
        }
    }

    void dropRefusesTheLiveVersionWithoutForce()
    {
        const QByteArray before = dumpView(m_text.path(), "user_features");
        const Run drop = kappactl(m_text.path(), {"views", "drop", "user_features@v1"});
        QCOMPARE(drop.exitCode, 4);
        QVERIFY2(drop.err.contains("live") && drop.err.contains("--force"), drop.err.constData());
        QCOMPARE(dumpView(m_text.path(), "user_features"), before); // nothing was dropped
    }

    void viewAndRunMistakes_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("drop unknown version")
            << QStringList{"views", "drop", "user_features@v9"} << 3 << QByteArray("user_features@v9");
        QTest::newRow("drop unknown job")
            << QStringList{"views", "drop", "bogus@v1", "--force"} << 3 << QByteArray("bogus@v1");
        QTest::newRow("drop without version")
            << QStringList{"views", "drop", "user_features"} << 2 << QByteArray("JOB@VERSION");
        QTest::newRow("run unknown job")
            << QStringList{"run", "--until-caught-up", "--jobs", "bogus@v1"} << 3 << QByteArray("bogus@v1");
        QTest::newRow("run unknown version")
            << QStringList{"run", "--until-caught-up", "--jobs", "fraud@v3"} << 3 << QByteArray("fraud@v3");
        QTest::newRow("run without version")
            << QStringList{"run", "--until-caught-up", "--jobs", "user_features"} << 2
            << QByteArray("JOB@VERSION");
        QTest::newRow("run same version twice")
            << QStringList{"run", "--until-caught-up", "--jobs", "fraud@v1,fraud@v1"} << 2
            << QByteArray("twice");
        QTest::newRow("missing spec file")
            << QStringList{"run", "--until-caught-up", "--spec", "/nonexistent/spec.json"} << 3
            << QByteArray("/nonexistent/spec.json");
        QTest::newRow("dump unknown job")
            << QStringList{"views", "dump", "bogus"} << 2 << QByteArray("bogus");
        QTest::newRow("dump unknown version")
            << QStringList{"views", "dump", "user_features", "--version", "v9"} << 3 << QByteArray("v9");
    }

    void viewAndRunMistakes()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QByteArray, message);
        const Run run = kappactl(m_text.path(), args);
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(run.err.contains(message), run.err.constData());
        QCOMPARE(run.err.count('\n'), 1); // one clear line
    }

    void runWithoutEventsPointsToGen()
    {
        QTemporaryDir dir;
        for (const QString &dataDir : {dir.path(), dir.filePath("missing")}) {
            const Run run = kappactl(dataDir, {"run", "--until-caught-up"});
            QCOMPARE(run.exitCode, 3);
            QVERIFY2(run.err.contains("kappactl gen"), run.err.constData());
            QCOMPARE(run.err.count('\n'), 1);
        }
    }

    void runSpecFile()
    {
        QTemporaryDir dir;
        QVERIFY(generate(dir.path(), 20'000, 3));
        QVERIFY(runUntilCaughtUp(dir.path()));
        // v1's parameters under another version name: the same rows, in a view of its own.
        QFile spec(dir.filePath("metrics-v7.json"));
        QVERIFY(spec.open(QIODevice::WriteOnly));
        spec.write(R"({"job": "business_metrics", "version": "v7",
                       "params": {"allowed_lateness_ms": 300000, "per_country": false}})");
        spec.close();
        const Run run = kappactl(dir.path(),
                                 {"run", "--until-caught-up", "--json", "--spec", spec.fileName()});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonArray jobs = parseObject(run.out).value("jobs").toArray();
        QCOMPARE(jobs.size(), 1); // --spec without --jobs runs only the spec
        QCOMPARE(jobs.at(0).toObject().value("version").toString(), QStringLiteral("v7"));
        QCOMPARE(jobs.at(0).toObject().value("events").toInteger(), 20'000);
        QCOMPARE(dumpView(dir.path(), "business_metrics", "v7"), dumpView(dir.path(), "business_metrics"));

        QFile bad(dir.filePath("bad.json"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write(R"({"job": "business_metrics", "version": "v8", "params": {"per_country": "maybe"}})");
        bad.close();
        const Run rejected = kappactl(dir.path(), {"run", "--until-caught-up", "--spec", bad.fileName()});
        QCOMPARE(rejected.exitCode, 2);
        QVERIFY2(rejected.err.contains("bad.json"), rejected.err.constData());
    }

    void secondWriterIsUnavailable_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("run") << QStringList{"run", "--until-caught-up"};
        QTest::newRow("gen") << QStringList{"gen", "--events", "10"};
        QTest::newRow("views drop") << QStringList{"views", "drop", "fraud@v1", "--force"};
    }

    // README: exit 7 = "unavailable: the log is locked by another writer".
    void secondWriterIsUnavailable()
    {
        QFETCH(QStringList, args);
        QTemporaryDir dir;
        QVERIFY(generate(dir.path(), 20'000, 3));
        QVERIFY(runUntilCaughtUp(dir.path()));
        QProcess tail; // `run` without --until-caught-up tails the log until SIGINT
        tail.start(QStringLiteral(KAPPACTL_PATH), {"--data-dir", dir.path(), "run"});
        QVERIFY(tail.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(holdsFlock(tail.processId(), dir.filePath("log/LOCK")), 30'000);
        QTRY_VERIFY_WITH_TIMEOUT(catchesSigint(tail.processId()), 30'000); // so SIGINT stops it cleanly

        const Run second = kappactl(dir.path(), args);
        // Never kill(0, ...): a child that already exited has processId() 0, and that would signal our whole group.
        QVERIFY(tail.state() == QProcess::Running && tail.processId() > 0);
        ::kill(static_cast<pid_t>(tail.processId()), SIGINT);
        QVERIFY(tail.waitForFinished(30'000));
        QCOMPARE(tail.exitStatus(), QProcess::NormalExit);
        QCOMPARE(tail.exitCode(), 0);

        QVERIFY2(second.err.contains("locked") || second.err.contains("in use"), second.err.constData());
        QCOMPARE(second.exitCode, 7);
    }

    void secondVersionReplaysBesideTheLiveOne()
    {
        QTemporaryDir dir;
        QVERIFY(generate(dir.path(), 50'000, 13));
        QVERIFY(runUntilCaughtUp(dir.path()));
        const Run run = kappactl(dir.path(),
                                 {"run", "--until-caught-up", "--json", "--jobs", "user_features@v2"});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonArray jobs = parseObject(run.out).value("jobs").toArray();
        QCOMPARE(jobs.size(), 1);
        QCOMPARE(jobs.at(0).toObject().value("events").toInteger(), 50'000);

        const Run list = kappactl(dir.path(), {"views", "list", "--json"});
        QCOMPARE(list.exitCode, 0);
        QMap<QString, QJsonObject> views;
        for (const auto &value : QJsonDocument::fromJson(list.out).array())
            views[value.toObject().value("job").toString() + "@" + value.toObject().value("version").toString()]
                = value.toObject();
        QCOMPARE(views.size(), 4);
        QVERIFY(views["user_features@v1"].value("live").toBool());
        QCOMPARE(views["user_features@v1"].value("state").toString(), QStringLiteral("live"));
        QVERIFY(!views["user_features@v2"].value("live").toBool());
        QCOMPARE(views["user_features@v2"].value("state").toString(), QStringLiteral("replaying"));

        // A heavy user: the one with the most views in 24 h.
        qint64 user = 0;
        qint64 most = -1;
        for (const QByteArray &row : lines(dumpView(dir.path(), "user_features"))) {
            const QJsonObject object = parseObject(row);
            if (object.value("views_24h").toInteger() > most) {
                most = object.value("views_24h").toInteger();
                user = object.value("user_id").toInteger();
            }
        }
        const Run v1 = kappactl(dir.path(), {"get", "features", QString::number(user)});
        const Run v2 = kappactl(dir.path(), {"get", "features", QString::number(user), "--version", "v2"});
        QVERIFY2(v1.exitCode == 0, v1.err.constData());
        QVERIFY2(v2.exitCode == 0, v2.err.constData());
        const QJsonObject live = parseObject(v1.out);
        const QJsonObject replayed = parseObject(v2.out);
        QVERIFY(!live.contains("views_7d")); // reads without --version go to the live v1
        QVERIFY(replayed.value("views_7d").toInteger() >= replayed.value("views_24h").toInteger());
        const QJsonArray top = replayed.value("top_categories_7d").toArray();
        QVERIFY(!top.isEmpty() && top.size() <= 3);
        for (const auto &entry : top)
            QCOMPARE(keysOf(entry.toObject()), setOf({"category_id", "views"}));
        // v2 is v1 plus two fields.
        QJsonObject v1Part = replayed;
        v1Part.remove("views_7d");
        v1Part.remove("top_categories_7d");
        QCOMPARE(v1Part, live);
    }
};

QTEST_GUILESS_MAIN(TestKappactlRun)
#include "test_kappactl_run.moc"
