// kappactl as a user runs it: generate, inspect, dump, manage schemas, and
// get a clear message and the documented exit code for every mistake.
#include "kappactl_process.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {

QString schemaFile(const char *name)
{
    return QStringLiteral(KAPPA_SCHEMA_DIR) + QLatin1Char('/') + QLatin1String(name);
}

// Drops the append timestamps, the one thing allowed to differ between runs.
QList<QJsonObject> eventsWithoutAppendTime(const QByteArray &jsonl)
{
    QList<QJsonObject> events;
    for (const QByteArray &line : jsonl.split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonObject object = QJsonDocument::fromJson(line).object();
        object.remove(QStringLiteral("append_ts_ms"));
        events.append(object);
    }
    return events;
}

} // namespace

class TestKappactl : public QObject
{
    Q_OBJECT

private slots:
    void generateInspectAndDump()
    {
        QTemporaryDir dir;
        Run gen = kappactl(dir.path(), {"gen", "--events", "20000", "--days", "1", "--partitions", "4"});
        QVERIFY2(gen.exitCode == 0, gen.err.constData());
        QVERIFY(gen.out.contains("generated 20000 events"));

        Run info = kappactl(dir.path(), {"log", "info", "--json"});
        QCOMPARE(info.exitCode, 0);
        const QJsonArray topics = QJsonDocument::fromJson(info.out).object().value("topics").toArray();
        QCOMPARE(topics.size(), 1);
        const QJsonArray partitions = topics.at(0).toObject().value("partitions").toArray();
        QCOMPARE(partitions.size(), 4);
        qint64 records = 0;
        for (const auto &p : partitions)
            records += p.toObject().value("records").toInteger();
        QCOMPARE(records, 20000);

        Run dump = kappactl(dir.path(),
                            {"log", "dump", "--partition", "2", "--from-offset", "5", "--limit", "3"});
        QCOMPARE(dump.exitCode, 0);
        const QList<QByteArray> lines = dump.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        const QJsonObject first = QJsonDocument::fromJson(lines.first()).object();
        QCOMPARE(first.value("partition").toInt(), 2);
        QCOMPARE(first.value("offset").toInteger(), 5);
        for (const char *field :
             {"append_ts_ms", "event_id", "ts_ms", "type", "user_id", "session_id", "category_id", "country"})
            QVERIFY2(first.contains(QLatin1String(field)), field);
        QVERIFY(first.value("type").isString());
    }

    void sameSeedGivesSameEvents()
    {
        QTemporaryDir a;
        QTemporaryDir b;
        const QStringList args{"gen", "--events", "5000", "--seed", "9", "--partitions", "2"};
        QCOMPARE(kappactl(a.path(), args).exitCode, 0);
        QCOMPARE(kappactl(b.path(), args).exitCode, 0);
        const QStringList dumpArgs{"log", "dump", "--limit", "10000"};
        const auto eventsA = eventsWithoutAppendTime(kappactl(a.path(), dumpArgs).out);
        const auto eventsB = eventsWithoutAppendTime(kappactl(b.path(), dumpArgs).out);
        QCOMPARE(eventsA.size(), 5000);
        QVERIFY(eventsA == eventsB);
    }

    void rerunContinuesEventIds()
    {
        QTemporaryDir dir;
        QCOMPARE(kappactl(dir.path(), {"gen", "--events", "1000", "--partitions", "1"}).exitCode, 0);
        QCOMPARE(kappactl(dir.path(), {"gen", "--events", "1000"}).exitCode, 0);
        QSet<qint64> ids;
        const auto events = eventsWithoutAppendTime(
            kappactl(dir.path(), {"log", "dump", "--limit", "5000"}).out);
        for (const QJsonObject &e : events)
            ids.insert(e.value("event_id").toInteger());
        QCOMPARE(ids.size(), 2000);
    }

    void schemaEvolution()
    {
        QTemporaryDir dir;
        QCOMPARE(kappactl(dir.path(), {"gen", "--events", "100"}).exitCode, 0);
        Run check = kappactl(dir.path(), {"schema", "check", "events-value", schemaFile("event-v2.avsc")});
        QVERIFY2(check.exitCode == 0, check.err.constData());
        Run reg = kappactl(dir.path(), {"schema", "register", "events-value", schemaFile("event-v2.avsc")});
        QCOMPARE(reg.exitCode, 0);
        QVERIFY(reg.out.contains("version 2"));
        Run again = kappactl(dir.path(), {"schema", "register", "events-value", schemaFile("event-v2.avsc")});
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.out.contains("already registered"));

        Run list = kappactl(dir.path(), {"schema", "list", "--json"});
        const QJsonObject subject
            = QJsonDocument::fromJson(list.out).object().value("subjects").toArray().at(0).toObject();
        QCOMPARE(subject.value("latest_version").toInt(), 2);
        Run show = kappactl(dir.path(), {"schema", "show", "events-value", "--version", "2"});
        QCOMPARE(show.exitCode, 0);
        QVERIFY(show.out.contains("device"));
    }

    void incompatibleSchemaIsRejectedWithReason()
    {
        QTemporaryDir dir;
        QCOMPARE(kappactl(dir.path(), {"gen", "--events", "100"}).exitCode, 0);
        // A new required field without a default breaks BACKWARD compatibility.
        const QString path = dir.filePath("bad.avsc");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"type":"record","name":"Event","namespace":"kappa","fields":[
            {"name":"event_id","type":"long"},{"name":"must_have","type":"string"}]})");
        file.close();
        Run reg = kappactl(dir.path(), {"schema", "register", "events-value", path});
        QCOMPARE(reg.exitCode, 4);
        QVERIFY2(reg.err.contains("must_have"), reg.err.constData());
        Run check = kappactl(dir.path(), {"schema", "check", "events-value", path});
        QCOMPARE(check.exitCode, 4);
        Run list = kappactl(dir.path(), {"schema", "list", "--json"});
        const QJsonObject subject
            = QJsonDocument::fromJson(list.out).object().value("subjects").toArray().at(0).toObject();
        QCOMPARE(subject.value("latest_version").toInt(), 1);
    }

    void liveModeStampsEventsWithNow()
    {
        QTemporaryDir dir;
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        Run gen = kappactl(dir.path(), {"gen", "--rate", "20000", "--events", "4000", "--partitions", "2"});
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        QVERIFY2(gen.exitCode == 0, gen.err.constData());
        QVERIFY(gen.out.contains("live mode"));
        const auto events = eventsWithoutAppendTime(
            kappactl(dir.path(), {"log", "dump", "--limit", "10000"}).out);
        QCOMPARE(events.size(), 4000);
        for (const QJsonObject &e : events) {
            const qint64 ts = e.value("ts_ms").toInteger();
            QVERIFY2(ts >= before - 31'000 && ts <= after, qPrintable(QString::number(ts)));
        }
        QVERIFY(after - before >= 150); // paced: 4000 events at 20000/s take about 0.2 s
    }

    void liveModeStopsCleanlyOnInterrupt()
    {
        QTemporaryDir dir;
        QProcess process;
        process.start(QStringLiteral(KAPPACTL_PATH),
                      {"--data-dir", dir.path(), "gen", "--rate", "5000", "--events", "0"});
        QVERIFY(process.waitForStarted());
        // Once it announces the live loop (a fixed wait was too short on a busy machine).
        process.setReadChannel(QProcess::StandardError);
        QByteArray err;
        while (!err.contains("until interrupted") && process.waitForReadyRead(10'000))
            err += process.readAllStandardError();
        QVERIFY2(err.contains("until interrupted"), err.constData());
        QTest::qWait(300);
        // Never kill(0, ...): a child that already exited has processId() 0, and that would signal our whole group.
        QVERIFY(process.state() == QProcess::Running && process.processId() > 0);
        ::kill(static_cast<pid_t>(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(10'000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        QVERIFY(process.readAllStandardOutput().contains("generated"));
        Run info = kappactl(dir.path(), {"log", "verify"});
        QVERIFY2(info.exitCode == 0, info.err.constData());
    }

    void mistakesGetClearErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << 2 << QByteArray("frobnicate");
        QTest::newRow("negative events")
            << QStringList{"gen", "--events", "-5"} << 2 << QByteArray("--events");
        QTest::newRow("bad days") << QStringList{"gen", "--days", "0"} << 2 << QByteArray("--days");
        QTest::newRow("bad start") << QStringList{"gen", "--start", "yesterday"} << 2
                                   << QByteArray("--start");
        QTest::newRow("other partition count")
            << QStringList{"gen", "--events", "10", "--partitions", "3"} << 4 << QByteArray("partitions");
        QTest::newRow("dump unknown partition")
            << QStringList{"log", "dump", "--partition", "9"} << 3 << QByteArray("partition 9");
        QTest::newRow("dump past end")
            << QStringList{"log", "dump", "--partition", "0", "--from-offset", "999999"} << 6
            << QByteArray("999999");
        QTest::newRow("bad format") << QStringList{"log", "dump", "--format", "xml"} << 2
                                    << QByteArray("xml");
        QTest::newRow("unknown subject") << QStringList{"schema", "show", "nope"} << 3 << QByteArray("nope");
        QTest::newRow("missing schema file") << QStringList{"schema", "register", "s", "/nonexistent.avsc"}
                                             << 3 << QByteArray("/nonexistent.avsc");
        QTest::newRow("bad mode") << QStringList{"schema", "compat", "events-value", "SIDEWAYS"} << 2
                                  << QByteArray("SIDEWAYS");
    }

    void mistakesGetClearErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QByteArray, message);
        QTemporaryDir dir;
        QCOMPARE(kappactl(dir.path(), {"gen", "--events", "100", "--partitions", "8"}).exitCode, 0);
        Run run = kappactl(dir.path(), args);
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(run.err.contains(message), run.err.constData());
        QVERIFY2(run.err.count('\n') <= 1, run.err.constData()); // one clear line
    }

    void readCommandsOnMissingDataDirFail()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath("nothing-here");
        QCOMPARE(kappactl(missing, {"log", "info"}).exitCode, 3);
        QCOMPARE(kappactl(missing, {"schema", "list"}).exitCode, 3);
        QVERIFY(!QFile::exists(missing)); // inspecting never creates anything
    }
};

QTEST_GUILESS_MAIN(TestKappactl)
#include "test_kappactl.moc"
