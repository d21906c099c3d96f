// Scale-out on a real Kafka broker: two kappad instances of one cluster group
// share the 8 partitions of the events topic; one is killed with SIGKILL
// while it processes; the other takes its partitions over (state from the
// changelog topics) within a bounded time and goes on. Its views, once it has
// processed everything, equal those of one kappactl run over the same events
// on the embedded log, byte for byte: no event lost or counted twice.
//
// The comparison is made after a final `kappactl run --until-caught-up` on the
// survivor's data directory, because a live instance holds back the fraud
// job's last exchange epoch until later events pass it (README: fraud
// rekeying); that run starts from the survivor's checkpoints, so what it
// checks is the state the survivor took over.
//
// Needs the shared broker (tests/kafka/broker): run through CTest.
#include "cluster_log.h"
#include "kafka_broker_address.h"
#include "kappactl_process.h"
#include "kappad_process.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <functional>

namespace {

constexpr int kPartitions = 8;
const QStringList kJobs = {QStringLiteral("user_features"), QStringLiteral("business_metrics"),
                           QStringLiteral("fraud")};

// Events processed by the user_features version running on an instance (since its engine last started).
qint64 userFeatureEvents(httplib::Client &client)
{
    httplib::Result r = client.Get("/api/v1/jobs");
    if (!r || r->status != 200)
        return -1;
    const QJsonObject body = QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).object();
    for (const QJsonValue &job : body.value(QStringLiteral("jobs")).toArray())
        if (job[QStringLiteral("job")].toString() == QStringLiteral("user_features"))
            for (const QJsonValue &version : job[QStringLiteral("versions")].toArray())
                if (version[QStringLiteral("running")].toBool())
                    return version[QStringLiteral("figures")][QStringLiteral("events")].toInteger();
    return -1;
}

// Whether every version an instance runs has all partitions and no lag left.
bool caughtUpOnAll(httplib::Client &client)
{
    httplib::Result r = client.Get("/api/v1/jobs");
    if (!r || r->status != 200)
        return false;
    int running = 0;
    const QJsonObject body = QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).object();
    for (const QJsonValue &job : body.value(QStringLiteral("jobs")).toArray())
        for (const QJsonValue &version : job[QStringLiteral("versions")].toArray()) {
            if (!version[QStringLiteral("running")].toBool())
                continue;
            ++running;
            if (version[QStringLiteral("partitions")].toArray().size() != kPartitions
                || version[QStringLiteral("figures")][QStringLiteral("lag_records")].toInteger() != 0)
                return false;
        }
    return running == 3;
}

} // namespace

class TestKafkaScaleOut : public QObject
{
    Q_OBJECT

    QString m_bootstrap;
    QString m_prefix;
    QTemporaryDir m_dir;

    QStringList kafkaArgs() const
    {
        return {QStringLiteral("--kafka-bootstrap"), m_bootstrap, QStringLiteral("--kafka-topic-prefix"),
                m_prefix};
    }
    static QStringList gen(int events, int seed)
    {
        return {QStringLiteral("gen"),    QStringLiteral("--events"),     QString::number(events),
                QStringLiteral("--seed"), QString::number(seed),          QStringLiteral("--days"),
                QStringLiteral("1"),      QStringLiteral("--partitions"), QString::number(kPartitions)};
    }
    QStringList instanceArgs(const QString &id) const
    {
        return kafkaArgs()
               + QStringList{QStringLiteral("--cluster-group"),
                             QStringLiteral("pair"),
                             QStringLiteral("--instance-id"),
                             id,
                             QStringLiteral("--checkpoint-interval-ms"),
                             QStringLiteral("300"),
                             QStringLiteral("--anonymous-loopback-viewer")};
    }

private slots:
    void initTestCase()
    {
        KAPPA_KAFKA_BROKER_OR_SKIP(m_bootstrap);
        m_prefix = QStringLiteral("scale-%1-%2.")
                       .arg(QCoreApplication::applicationPid())
                       .arg(QDateTime::currentMSecsSinceEpoch());
        QVERIFY(m_dir.isValid());
    }

    void survivorTakesOverAndEqualsOneInstance()
    {
        const QString reference = m_dir.filePath(QStringLiteral("reference"));
        const QString dataA = m_dir.filePath(QStringLiteral("a"));
        const QString dataB = m_dir.filePath(QStringLiteral("b"));
        // The first events, on Kafka and (for the reference) on the embedded log.
        for (const QString &dir : {reference, dataA}) {
            const QStringList args = dir == reference ? gen(100'000, 9) : kafkaArgs() + gen(100'000, 9);
            const Run first = kappactl(dir, args);
            QVERIFY2(first.exitCode == 0, first.err.constData());
        }
        QVERIFY(QDir().mkpath(dataB)); // an instance's data directory must exist (only --demo creates one)

        const Run token = kappactl(dataA, {"token", "add", "ops", "--role", "operator"});
        QVERIFY2(token.exitCode == 0, token.err.constData());
        const std::string operatorToken = token.out.trimmed().toStdString();
        KappadProcess a(dataA, instanceArgs(QStringLiteral("a")));
        QVERIFY2(a.started(), a.log().constData());
        QVERIFY2(waitFor([&] { return ownedPartitions(a.log()) == kPartitions; }, 60'000),
                 a.log().constData());
        KappadProcess b(dataB, instanceArgs(QStringLiteral("b")));
        QVERIFY2(b.started(), b.log().constData());
        // The group splits the partitions between the two.
        QVERIFY2(waitFor([&] { return ownedPartitions(a.log()) == 4 && ownedPartitions(b.log()) == 4; },
                         60'000),
                 (a.log() + b.log()).constData());

        auto clientA = a.client();
        auto clientB = b.client();
        // Each says which partitions it runs.
        for (auto *client : {clientA.get(), clientB.get()}) {
            const httplib::Result jobs = client->Get("/api/v1/jobs");
            QVERIFY(jobs && jobs->status == 200);
            const QJsonObject body = parseObject(QByteArray::fromStdString(jobs->body));
            for (const QJsonValue &job : body[QStringLiteral("jobs")].toArray())
                for (const QJsonValue &version : job[QStringLiteral("versions")].toArray())
                    if (version[QStringLiteral("running")].toBool())
                        QCOMPARE(version[QStringLiteral("partitions")].toArray().size(), 4);
        }

        // Either instance answers for every user: its own partitions' users
        // itself, the others' through the owner, and says who served.
        QByteArray sample; // a few events of every partition
        for (int p = 0; p < kPartitions; ++p) {
            const Run dump = kappactl(dataA, kafkaArgs()
                                                 + QStringList{"log", "dump", "--partition",
                                                               QString::number(p), "--limit", "3"});
            QVERIFY2(dump.exitCode == 0, dump.err.constData());
            sample += dump.out;
        }
        QSet<QString> servers;
        for (const QByteArray &line : lines(sample)) {
            const qint64 user = parseObject(line).value(QStringLiteral("user_id")).toInteger();
            const std::string path = "/api/v1/views/features/" + std::to_string(user);
            QByteArray viaA, viaB;
            const bool answered = waitFor(
                [&] {
                    const httplib::Result ra = clientA->Get(path);
                    const httplib::Result rb = clientB->Get(path);
                    if (!ra || !rb || ra->status != 200 || rb->status != 200)
                        return false;
                    viaA = QByteArray::fromStdString(ra->body);
                    viaB = QByteArray::fromStdString(rb->body);
                    return true;
                },
                60'000);
            QVERIFY2(answered, qPrintable(QString::fromStdString(path)));
            const QJsonObject fromA = parseObject(viaA);
            const QJsonObject fromB = parseObject(viaB);
            const QString servedBy = fromA[QStringLiteral("view")][QStringLiteral("served_by")].toString();
            QCOMPARE(fromB[QStringLiteral("view")][QStringLiteral("served_by")].toString(), servedBy);
            QCOMPARE(fromA[QStringLiteral("data")][QStringLiteral("user_id")].toInteger(), user);
            servers.insert(servedBy);
        }
        QCOMPARE(servers, (QSet<QString>{QStringLiteral("a"), QStringLiteral("b")}));

        // A metrics read gathers both instances' partitions, whichever is asked.
        const std::string range = "/api/v1/views/metrics?from_ms=0&to_ms=9223372036854775807";
        std::string bodyA, bodyB;
        QVERIFY2(waitFor(
                     [&] {
                         const httplib::Result fromA = clientA->Get(range);
                         const httplib::Result fromB = clientB->Get(range);
                         bodyA = fromA ? fromA->body : std::string("no answer");
                         bodyB = fromB ? fromB->body : std::string("no answer");
                         return fromA && fromB && fromA->status == 200 && fromB->status == 200;
                     },
                     30'000),
                 (bodyA + bodyB).c_str());
        const QJsonObject gatheredA = parseObject(QByteArray::fromStdString(bodyA));
        const QJsonObject gatheredB = parseObject(QByteArray::fromStdString(bodyB));
        QVERIFY(gatheredA[QStringLiteral("data")].toArray().size() > 10);
        QCOMPARE(gatheredA[QStringLiteral("data")], gatheredB[QStringLiteral("data")]);
        QCOMPARE(gatheredA[QStringLiteral("view")][QStringLiteral("served_by")].toString(),
                 QStringLiteral("a,b"));
        QCOMPARE(gatheredB[QStringLiteral("view")][QStringLiteral("served_by")].toString(),
                 QStringLiteral("b,a"));

        // A rebuild (which deletes a version's views) is refused in a cluster, clearly.
        // (Replays, validations and switches: test_kafka_cluster_reprocessing.)
        const httplib::Headers auth{{"Authorization", "Bearer " + operatorToken}};
        const httplib::Result rebuild = clientA->Post("/api/v1/jobs/user_features/versions/v1/rebuild", auth,
                                                      "{}", "application/json");
        QVERIFY(rebuild);
        QVERIFY2(rebuild->status == 409, rebuild->body.c_str());
        QVERIFY2(rebuild->body.find("FailedPrecondition") != std::string::npos
                     && rebuild->body.find("cluster") != std::string::npos,
                 rebuild->body.c_str());

        // More events while both run; b dies in the middle of them.
        const Run second = kappactl(dataA, kafkaArgs() + gen(100'000, 10));
        QVERIFY2(second.exitCode == 0, second.err.constData());
        QVERIFY2(waitFor([&] { return userFeatureEvents(*clientB) > 10'000; }, 60'000),
                 notable(b.log()).constData());
        b.signal(SIGKILL);
        QElapsedTimer takeover;
        takeover.start();
        QVERIFY2(waitFor([&] { return ownedPartitions(a.log()) == kPartitions; }, 60'000),
                 a.log().constData());
        qInfo("the survivor owned all %d partitions %lld ms after the SIGKILL", kPartitions,
              takeover.elapsed());
        QVERIFY2(takeover.elapsed() < 30'000, "the takeover took longer than 30 s");
        QCOMPARE(b.stop(), -1); // killed

        // The survivor runs every version on all partitions and catches up
        // live (b may have processed its share before it died), then stops cleanly.
        QVERIFY2(waitFor([&] { return caughtUpOnAll(*clientA); }, 60'000), notable(a.log()).constData());
        QCOMPARE(a.stop(), 0);

        for (const QString &dir : {reference}) {
            const Run more = kappactl(dir, gen(100'000, 10));
            QVERIFY2(more.exitCode == 0, more.err.constData());
        }
        const QStringList run = {QStringLiteral("run"), QStringLiteral("--jobs"), QStringLiteral("all"),
                                 QStringLiteral("--until-caught-up")};
        const Run runReference = kappactl(reference, run);
        QVERIFY2(runReference.exitCode == 0, runReference.err.constData());
        const Run runA = kappactl(dataA, kafkaArgs() + run, 600'000);
        QVERIFY2(runA.exitCode == 0, runA.err.constData());
        for (const QString &job : kJobs) {
            const QStringList dump = {QStringLiteral("views"), QStringLiteral("dump"), job,
                                      QStringLiteral("--format"), QStringLiteral("jsonl")};
            const Run expected = kappactl(reference, dump);
            QVERIFY2(expected.exitCode == 0, expected.err.constData());
            const Run actual = kappactl(dataA, kafkaArgs() + dump);
            QVERIFY2(actual.exitCode == 0, actual.err.constData());
            QVERIFY2(lines(expected.out).size() > 100, qPrintable(job));
            const QString difference = firstDifference(expected.out, actual.out);
            QVERIFY2(difference.isEmpty(), qPrintable(job + QStringLiteral(": ") + difference));
        }
    }
};

QTEST_GUILESS_MAIN(TestKafkaScaleOut)
#include "test_kafka_scale_out.moc"
