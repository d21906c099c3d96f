// KafkaLog against a real Apache Kafka broker (tests/kafka/broker), for what
// librdkafka's mock cluster cannot show: creating and deleting topics with the
// Admin API, topic configs, offsets by real append timestamps, retention that
// advances the start offset (DeleteRecords), a large keyed load placed as
// LocalLog places it, concurrent readers of one partition, and appends that
// survive a broker restart and a broker crash without loss or duplicates.
//
// The shared broker (KAPPA_KAFKA_BOOTSTRAP_FILE) serves every test but the
// restart test, which starts a broker of its own so the shared one stays up.
#include "kafka_broker_address.h"
#include "kappa/kafka_log.h"
#include "kappa/local_log.h"
#include "test_support.h"

#include <librdkafka/rdkafka.h>

#include <QCoreApplication>
#include <QFile>
#include <QProcess>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <thread>

using namespace kappa;

namespace {

using namespace std::chrono_literals;

std::int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A record as read back, owning its bytes.
struct Stored
{
    std::int64_t offset;
    std::int64_t time;
    std::string key;
    std::string value;
};

// Reads a partition from `from` to its end; fails on a gap or reorder.
Result<std::vector<Stored>> readAll(EventLog &log, const std::string &topic, std::int32_t p,
                                    std::int64_t from, std::size_t maxBytes = 64 * 1024)
{
    std::vector<Stored> records;
    RecordBatch batch;
    Offset next(from);
    while (true) {
        KAPPA_RETURN_IF_ERROR(log.read(topic, PartitionId(p), next, maxBytes, batch));
        if (batch.empty())
            return records;
        for (const RecordView &r : batch) {
            const std::int64_t expected = from + static_cast<std::int64_t>(records.size());
            if (r.offset.value() != expected)
                return Status::internal(topic + "[" + std::to_string(p) + "]: offset "
                                        + std::to_string(r.offset.value()) + " where "
                                        + std::to_string(expected) + " was due");
            records.push_back(
                Stored{r.offset.value(), r.appendTime.value(), std::string(r.key), std::string(r.value)});
        }
        next = batch.nextOffset();
    }
}

// What KafkaLog does not expose, asked of the broker through librdkafka's
// Admin API directly: a topic's effective configs and DeleteRecords.
class AdminClient
{
public:
    explicit AdminClient(const std::string &bootstrap)
    {
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        char error[256] = {};
        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), error, sizeof error);
        m_client = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
        if (!m_client)
            rd_kafka_conf_destroy(conf);
    }
    ~AdminClient()
    {
        if (m_client)
            rd_kafka_destroy(m_client);
    }
    AdminClient(const AdminClient &) = delete;
    AdminClient &operator=(const AdminClient &) = delete;

    // The value of one config of a topic as the broker applies it.
    std::optional<std::string> topicConfig(const std::string &topic, const std::string &name)
    {
        rd_kafka_ConfigResource_t *resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC,
                                                                          topic.c_str());
        rd_kafka_event_t *event = run(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS,
                                      [&](rd_kafka_AdminOptions_t *options, rd_kafka_queue_t *queue) {
                                          rd_kafka_DescribeConfigs(m_client, &resource, 1, options, queue);
                                      });
        rd_kafka_ConfigResource_destroy(resource);
        std::optional<std::string> value;
        if (event && !rd_kafka_event_error(event)) {
            std::size_t resources = 0;
            const rd_kafka_ConfigResource_t **results
                = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event),
                                                            &resources);
            for (std::size_t r = 0; r < resources; ++r) {
                std::size_t count = 0;
                const rd_kafka_ConfigEntry_t **entries = rd_kafka_ConfigResource_configs(results[r], &count);
                for (std::size_t i = 0; i < count; ++i) {
                    if (name == rd_kafka_ConfigEntry_name(entries[i])
                        && rd_kafka_ConfigEntry_value(entries[i]))
                        value = rd_kafka_ConfigEntry_value(entries[i]);
                }
            }
        }
        if (event)
            rd_kafka_event_destroy(event);
        return value;
    }

    // Deletes the records of topic[partition] below `before`, as retention
    // would; Ok once the broker reports the new start offset.
    Status deleteRecords(const std::string &topic, std::int32_t partition, std::int64_t before)
    {
        rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(list, topic.c_str(), partition)->offset = before;
        rd_kafka_DeleteRecords_t *request = rd_kafka_DeleteRecords_new(list);
        rd_kafka_topic_partition_list_destroy(list);
        rd_kafka_event_t *event = run(RD_KAFKA_ADMIN_OP_DELETERECORDS,
                                      [&](rd_kafka_AdminOptions_t *options, rd_kafka_queue_t *queue) {
                                          rd_kafka_DeleteRecords(m_client, &request, 1, options, queue);
                                      });
        rd_kafka_DeleteRecords_destroy(request);
        if (!event)
            return Status::unavailable("DeleteRecords: no answer");
        Status status;
        if (rd_kafka_event_error(event)) {
            status = Status::internal(std::string("DeleteRecords: ") + rd_kafka_event_error_string(event));
        } else {
            const rd_kafka_topic_partition_list_t *offsets = rd_kafka_DeleteRecords_result_offsets(
                rd_kafka_event_DeleteRecords_result(event));
            if (!offsets || offsets->cnt != 1 || offsets->elems[0].err || offsets->elems[0].offset != before)
                status = Status::internal("DeleteRecords did not move the start offset to "
                                          + std::to_string(before));
        }
        rd_kafka_event_destroy(event);
        return status;
    }

private:
    template<typename Send>
    rd_kafka_event_t *run(rd_kafka_admin_op_t op, Send send)
    {
        rd_kafka_queue_t *queue = rd_kafka_queue_new(m_client);
        rd_kafka_AdminOptions_t *options = rd_kafka_AdminOptions_new(m_client, op);
        char error[256] = {};
        rd_kafka_AdminOptions_set_request_timeout(options, 10'000, error, sizeof error);
        send(options, queue);
        rd_kafka_event_t *event = rd_kafka_queue_poll(queue, 15'000);
        rd_kafka_AdminOptions_destroy(options);
        rd_kafka_queue_destroy(queue);
        return event;
    }

    rd_kafka_t *m_client = nullptr;
};

void startHarness(QProcess &process, const QStringList &args)
{
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start(QStringLiteral("python3"),
                  QStringList{qEnvironmentVariable("KAPPA_KAFKA_BROKER_SCRIPT")} + args);
}

// The harness's standard output, trimmed, once it finished, or nullopt (with
// its messages printed) if it failed.
std::optional<QString> harnessResult(QProcess &process)
{
    if (!process.waitForFinished(180'000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        qWarning("kafka_broker.py %s failed: %s", qPrintable(process.arguments().join(QLatin1Char(' '))),
                 process.readAllStandardError().constData());
        return std::nullopt;
    }
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

// Runs the broker harness (kafka_broker.py) to completion.
std::optional<QString> harness(const QStringList &args)
{
    QProcess process;
    startHarness(process, args);
    return harnessResult(process);
}

// A broker of the test's own in a temporary directory, stopped by the
// destructor whatever happened in between.
class OwnBroker
{
public:
    // Starts a fresh broker in the background: it boots (several seconds of
    // JVM start) while the tests on the shared broker run.
    void startFresh()
    {
        // A crashed broker's registration lives for the session timeout: a
        // short one lets the restarted broker register sooner.
        startHarness(m_firstStart, {QStringLiteral("start"), QStringLiteral("--dir"), m_dir.path(),
                                    QStringLiteral("--fresh"), QStringLiteral("--set"),
                                    QStringLiteral("broker.session.timeout.ms=3000"), QStringLiteral("--set"),
                                    QStringLiteral("broker.heartbeat.interval.ms=500")});
    }
    // The address, once the fresh broker is up.
    std::optional<QString> waitStarted() { return harnessResult(m_firstStart); }
    // Starts the stopped broker again, on the same port and data.
    std::optional<QString> restart()
    {
        return harness({QStringLiteral("start"), QStringLiteral("--dir"), m_dir.path()});
    }
    bool stop()
    {
        return harness({QStringLiteral("stop"), QStringLiteral("--dir"), m_dir.path()}).has_value();
    }
    bool kill()
    {
        return harness({QStringLiteral("kill"), QStringLiteral("--dir"), m_dir.path()}).has_value();
    }
    ~OwnBroker()
    {
        m_firstStart.waitForFinished(180'000);
        stop();
    }

private:
    QTemporaryDir m_dir;
    QProcess m_firstStart;
};

} // namespace

class TestKafkaBrokerLog : public QObject
{
    Q_OBJECT

private:
    std::string m_bootstrap;
    // Topic names carry the pid: the shared broker serves other suites too.
    std::string m_suffix;
    std::unique_ptr<KafkaLog> m_log;
    std::unique_ptr<AdminClient> m_admin;
    std::unique_ptr<OwnBroker> m_ownBroker; // for brokerRestartAndCrash only

    std::string topicName(const char *base) const { return std::string(base) + "-" + m_suffix; }

    KafkaLogConfig config(const std::string &bootstrap) const
    {
        KafkaLogConfig config;
        config.bootstrapServers = bootstrap;
        config.clientId = "kappa-test-" + m_suffix;
        return config;
    }

private slots:
    void initTestCase()
    {
        QString address;
        KAPPA_KAFKA_BROKER_OR_SKIP(address);
        m_bootstrap = address.toStdString();
        m_suffix = std::to_string(QCoreApplication::applicationPid());
        KAPPA_ASSIGN_OR_FAIL(m_log, KafkaLog::open(config(m_bootstrap)));
        m_admin = std::make_unique<AdminClient>(m_bootstrap);
        if (!qEnvironmentVariable("KAPPA_KAFKA_BROKER_SCRIPT").isEmpty()) {
            m_ownBroker = std::make_unique<OwnBroker>();
            m_ownBroker->startFresh();
        }
    }

    void cleanupTestCase()
    {
        m_ownBroker.reset();
        m_admin.reset();
        m_log.reset();
    }

    void topics()
    {
        const std::string topic = topicName("topics");
        const std::string hidden = "__" + topicName("hidden");
        QCOMPARE(m_log->describeTopic(topic).status().code(), StatusCode::NotFound);
        KAPPA_VERIFY_OK(m_log->createTopic(topic, TopicConfig{4}));
        KAPPA_VERIFY_OK(m_log->createTopic(topic, TopicConfig{4}));
        const Status conflict = m_log->createTopic(topic, TopicConfig{5});
        QCOMPARE(conflict.code(), StatusCode::AlreadyExists);
        KAPPA_ASSIGN_OR_FAIL(TopicConfig described, m_log->describeTopic(topic));
        QCOMPARE(described.partitions, 4);

        // Kafka's internal topics ("__" names) exist but are not listed.
        KAPPA_VERIFY_OK(m_log->createTopic(hidden, TopicConfig{1}));
        KAPPA_VERIFY_OK(m_log->describeTopic(hidden).status());
        std::vector<std::string> listed = m_log->listTopics();
        QVERIFY(std::find(listed.begin(), listed.end(), topic) != listed.end());
        QVERIFY(std::is_sorted(listed.begin(), listed.end()));
        QVERIFY(std::none_of(listed.begin(), listed.end(), [](const auto &t) { return t.starts_with("__"); }));

        // Records of the first incarnation must not leak into the second,
        // which has another partition count and must accept appends at once.
        const std::vector<Record> records = {{"a", "old-a"}, {"b", "old-b"}, {"c", "old-c"}};
        KAPPA_VERIFY_OK(m_log->append(topic, records).status());
        KAPPA_VERIFY_OK(m_log->deleteTopic(topic));
        QCOMPARE(m_log->describeTopic(topic).status().code(), StatusCode::NotFound);
        QCOMPARE(m_log->deleteTopic(topic).code(), StatusCode::NotFound);
        listed = m_log->listTopics();
        QVERIFY(std::find(listed.begin(), listed.end(), topic) == listed.end());

        KAPPA_VERIFY_OK(m_log->createTopic(topic, TopicConfig{6}));
        KAPPA_ASSIGN_OR_FAIL(described, m_log->describeTopic(topic));
        QCOMPARE(described.partitions, 6);
        const std::vector<Record> fresh = {{"a", "new-a"}, {"b", "new-b"}, {"c", "new-c"}};
        KAPPA_ASSIGN_OR_FAIL(auto positions, m_log->append(topic, fresh));
        std::size_t total = 0;
        for (std::int32_t p = 0; p < 6; ++p) {
            KAPPA_ASSIGN_OR_FAIL(auto stored, readAll(*m_log, topic, p, 0));
            for (const Stored &s : stored)
                QVERIFY2(s.value.starts_with("new-"), s.value.c_str());
            total += stored.size();
        }
        QCOMPARE(total, fresh.size());
        for (std::size_t i = 0; i < fresh.size(); ++i) {
            RecordBatch batch;
            KAPPA_VERIFY_OK(m_log->read(topic, positions[i].partition, positions[i].offset, 1, batch));
            QVERIFY(!batch.empty());
            QCOMPARE(batch[0].value, fresh[i].value);
        }
        KAPPA_VERIFY_OK(m_log->deleteTopic(topic));
        KAPPA_VERIFY_OK(m_log->deleteTopic(hidden));
    }

    void topicConfigs()
    {
        const std::string topic = topicName("compacted");
        KAPPA_VERIFY_OK(
            m_log->createTopic(topic, 2, {{"cleanup.policy", "compact"}, {"segment.ms", "60000"}}));
        KAPPA_ASSIGN_OR_FAIL(TopicConfig described, m_log->describeTopic(topic));
        QCOMPARE(described.partitions, 2);
        QCOMPARE(m_admin->topicConfig(topic, "cleanup.policy"), std::optional<std::string>("compact"));
        QCOMPARE(m_admin->topicConfig(topic, "segment.ms"), std::optional<std::string>("60000"));
        // Configs apply at creation only: an existing topic is left as it is.
        KAPPA_VERIFY_OK(m_log->createTopic(topic, 2, {{"cleanup.policy", "delete"}}));
        QCOMPARE(m_admin->topicConfig(topic, "cleanup.policy"), std::optional<std::string>("compact"));

        // A value or name the broker rejects is InvalidArgument naming it,
        // and creates nothing.
        const std::string bad = topicName("bad-config");
        const Status badValue = m_log->createTopic(bad, 1, {{"cleanup.policy", "sometimes"}});
        QCOMPARE(badValue.code(), StatusCode::InvalidArgument);
        QVERIFY2(badValue.message().find("cleanup.policy") != std::string::npos, badValue.toString().c_str());
        const Status badName = m_log->createTopic(bad, 1, {{"no.such.config", "1"}});
        QCOMPARE(badName.code(), StatusCode::InvalidArgument);
        QVERIFY2(badName.message().find("no.such.config") != std::string::npos, badName.toString().c_str());
        QCOMPARE(m_log->describeTopic(bad).status().code(), StatusCode::NotFound);
        KAPPA_VERIFY_OK(m_log->deleteTopic(topic));
    }

    void appendByKeyAcrossPartitions()
    {
        constexpr std::int32_t kPartitions = 8;
        constexpr int kThreads = 2;
        constexpr int kPerThread = 50'000;
        constexpr int kChunk = 2'000;
        const std::string topic = topicName("keyed");
        KAPPA_VERIFY_OK(m_log->createTopic(topic, TopicConfig{kPartitions}));

        // Each thread appends its own records; the keys repeat across threads
        // so both append to every partition at the same time.
        struct Sent
        {
            std::string key;
            std::string value;
            AppendPosition position;
        };
        std::vector<std::vector<Sent>> sent(kThreads);
        std::vector<Status> failures(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                for (int begin = 0; begin < kPerThread; begin += kChunk) {
                    std::vector<Sent> chunk;
                    std::vector<Record> records;
                    for (int i = begin; i < begin + kChunk; ++i)
                        chunk.push_back(Sent{"user-" + std::to_string(i % 4999),
                                             "t" + std::to_string(t) + "-" + std::to_string(i),
                                             {}});
                    for (const Sent &s : chunk)
                        records.push_back(Record{s.key, s.value});
                    auto positions = m_log->append(topic, records);
                    if (!positions.isOk()) {
                        failures[t] = positions.status();
                        return;
                    }
                    for (std::size_t i = 0; i < chunk.size(); ++i) {
                        chunk[i].position = positions.value()[i];
                        sent[t].push_back(std::move(chunk[i]));
                    }
                }
            });
        }
        for (std::thread &thread : threads)
            thread.join();
        for (const Status &failure : failures)
            KAPPA_VERIFY_OK(failure);

        // LocalLog places the same keys: both must agree partition by partition.
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto local, LocalLog::open(dir.path().toStdString(), {}));
        KAPPA_VERIFY_OK(local->createTopic(topic, TopicConfig{kPartitions}));
        std::vector<std::string> keys;
        for (int i = 0; i < 4999; ++i)
            keys.push_back("user-" + std::to_string(i));
        std::vector<Record> keyRecords;
        for (const std::string &key : keys)
            keyRecords.push_back(Record{key, {}});
        KAPPA_ASSIGN_OR_FAIL(auto localPositions, local->append(topic, keyRecords));
        std::map<std::string, std::int32_t> localPartition;
        for (std::size_t i = 0; i < keys.size(); ++i)
            localPartition[keys[i]] = localPositions[i].partition.value();

        // Every partition reads back dense from 0, with exactly what the
        // appends reported at each position.
        std::vector<std::vector<Stored>> stored(kPartitions);
        std::size_t total = 0;
        for (std::int32_t p = 0; p < kPartitions; ++p) {
            KAPPA_ASSIGN_OR_FAIL(stored[p], readAll(*m_log, topic, p, 0));
            QVERIFY2(!stored[p].empty(), "a partition got no records");
            total += stored[p].size();
            for (const Stored &s : stored[p])
                QCOMPARE(localPartition.at(s.key), p);
            KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, m_log->partitionInfo(topic, PartitionId(p)));
            QCOMPARE(info.startOffset, Offset(0));
            QCOMPARE(info.endOffset.value(), static_cast<std::int64_t>(stored[p].size()));
        }
        QCOMPARE(total, static_cast<std::size_t>(kThreads * kPerThread));
        for (const auto &perThread : sent) {
            for (const Sent &s : perThread) {
                const auto &partition = stored[s.position.partition.value()];
                QVERIFY(s.position.offset.value() < static_cast<std::int64_t>(partition.size()));
                const Stored &at = partition[s.position.offset.value()];
                if (at.key != s.key || at.value != s.value)
                    QFAIL(("position of " + s.value + " holds " + at.value).c_str());
                QCOMPARE(localPartition.at(s.key), s.position.partition.value());
            }
        }
        KAPPA_VERIFY_OK(m_log->deleteTopic(topic));
    }

    void offsetForTime_data()
    {
        QTest::addColumn<QString>("timestampType");
        QTest::newRow("LogAppendTime") << QStringLiteral("LogAppendTime");
        QTest::newRow("CreateTime") << QStringLiteral("CreateTime");
    }

    void offsetForTime()
    {
        QFETCH(QString, timestampType);
        const std::string topic = topicName("times") + "-" + timestampType.toStdString();
        KAPPA_VERIFY_OK(
            m_log->createTopic(topic, 1, {{"message.timestamp.type", timestampType.toStdString()}}));
        const PartitionId p(0);

        // Empty partition: every time maps to the end, which is 0.
        KAPPA_ASSIGN_OR_FAIL(Offset none, m_log->offsetForTime(topic, p, WallTime(0)));
        QCOMPARE(none, Offset(0));
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo empty, m_log->partitionInfo(topic, p));
        QCOMPARE(empty.endOffset, Offset(0));
        QVERIFY(!empty.firstAppendTime && !empty.lastAppendTime);

        // Three groups of records, far enough apart in time that a time
        // between two groups falls between their timestamps.
        const std::int64_t before = nowMs();
        constexpr int kGroups = 3;
        constexpr int kPerGroup = 20;
        for (int g = 0; g < kGroups; ++g) {
            if (g > 0)
                std::this_thread::sleep_for(40ms);
            std::vector<std::string> values;
            for (int i = 0; i < kPerGroup; ++i)
                values.push_back("g" + std::to_string(g) + "-" + std::to_string(i));
            std::vector<Record> records;
            for (const std::string &v : values)
                records.push_back(Record{"k", v});
            KAPPA_VERIFY_OK(m_log->appendToPartition(topic, p, records).status());
        }
        const std::int64_t after = nowMs();
        KAPPA_ASSIGN_OR_FAIL(auto stored, readAll(*m_log, topic, 0, 0));
        QCOMPARE(stored.size(), static_cast<std::size_t>(kGroups * kPerGroup));
        // The broker runs on this machine, so its append times are ours.
        for (const Stored &s : stored)
            QVERIFY2(s.time >= before && s.time <= after, std::to_string(s.time).c_str());

        auto expectedAt = [&](std::int64_t t) {
            for (const Stored &s : stored) {
                if (s.time >= t)
                    return s.offset;
            }
            return static_cast<std::int64_t>(stored.size());
        };
        const std::int64_t firstTime = stored.front().time;
        const std::int64_t lastTime = stored.back().time;
        // Empty when the log answers `expected` for t, else what went wrong.
        auto mismatch = [&](std::int64_t t, std::int64_t expected) -> std::string {
            auto offset = m_log->offsetForTime(topic, p, WallTime(t));
            if (!offset.isOk())
                return offset.status().toString();
            if (offset.value().value() != expected)
                return "offsetForTime(" + std::to_string(t) + ") = " + std::to_string(offset.value().value())
                       + ", expected " + std::to_string(expected);
            return {};
        };
#define CHECK_OFFSET_FOR_TIME(t, expected) \
    QVERIFY2(mismatch((t), (expected)).empty(), mismatch((t), (expected)).c_str())
        CHECK_OFFSET_FOR_TIME(0, 0);
        CHECK_OFFSET_FOR_TIME(firstTime - 1, 0);
        CHECK_OFFSET_FOR_TIME(firstTime, 0);
        for (int g = 1; g < kGroups; ++g) {
            const Stored &lastOfPrevious = stored[g * kPerGroup - 1];
            const Stored &firstOfGroup = stored[g * kPerGroup];
            QVERIFY(firstOfGroup.time > lastOfPrevious.time);
            CHECK_OFFSET_FOR_TIME(lastOfPrevious.time + 1, firstOfGroup.offset);
            CHECK_OFFSET_FOR_TIME(firstOfGroup.time, firstOfGroup.offset);
            CHECK_OFFSET_FOR_TIME(lastOfPrevious.time, expectedAt(lastOfPrevious.time));
        }
        CHECK_OFFSET_FOR_TIME(lastTime, expectedAt(lastTime));
        CHECK_OFFSET_FOR_TIME(lastTime + 1, kGroups * kPerGroup);
        CHECK_OFFSET_FOR_TIME(after + 3'600'000, kGroups * kPerGroup);
#undef CHECK_OFFSET_FOR_TIME

        KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, m_log->partitionInfo(topic, p));
        QCOMPARE(info.startOffset, Offset(0));
        QCOMPARE(info.endOffset, Offset(kGroups * kPerGroup));
        QCOMPARE(info.firstAppendTime, std::optional<WallTime>(WallTime(firstTime)));
        QCOMPARE(info.lastAppendTime, std::optional<WallTime>(WallTime(lastTime)));
        KAPPA_VERIFY_OK(m_log->deleteTopic(topic));
    }

    void retentionAdvancesStart()
    {
        const std::string topic = topicName("retention");
        KAPPA_VERIFY_OK(m_log->createTopic(topic, TopicConfig{2}));
        const PartitionId p(1);
        std::vector<std::string> values;
        for (int i = 0; i < 100; ++i)
            values.push_back("r" + std::to_string(i));
        std::vector<Record> records;
        for (const std::string &v : values)
            records.push_back(Record{"k", v});
        KAPPA_ASSIGN_OR_FAIL(Offset first, m_log->appendToPartition(topic, p, records));
        QCOMPARE(first, Offset(0));
        // A reader positioned before the deletion, and one read of its cursor.
        RecordBatch batch;
        KAPPA_VERIFY_OK(m_log->read(topic, p, Offset(0), 1, batch));
        KAPPA_ASSIGN_OR_FAIL(auto before, readAll(*m_log, topic, 1, 0));

        KAPPA_VERIFY_OK(m_admin->deleteRecords(topic, 1, 40));
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, m_log->partitionInfo(topic, p));
        QCOMPARE(info.startOffset, Offset(40));
        QCOMPARE(info.endOffset, Offset(100));
        QCOMPARE(info.firstAppendTime, std::optional<WallTime>(WallTime(before[40].time)));
        QCOMPARE(info.lastAppendTime, std::optional<WallTime>(WallTime(before[99].time)));

        for (std::int64_t below : {std::int64_t{0}, std::int64_t{39}, std::int64_t{5}}) {
            const Status status = m_log->read(topic, p, Offset(below), 1024, batch);
            QVERIFY2(status.code() == StatusCode::OutOfRange, status.toString().c_str());
        }
        KAPPA_ASSIGN_OR_FAIL(auto after, readAll(*m_log, topic, 1, 40));
        QCOMPARE(after.size(), std::size_t{60});
        QCOMPARE(after.front().value, std::string("r40"));
        // Nothing is before the start any more: an early time maps to it.
        KAPPA_ASSIGN_OR_FAIL(Offset early, m_log->offsetForTime(topic, p, WallTime(0)));
        QCOMPARE(early, Offset(40));
        // The other partition is untouched.
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo other, m_log->partitionInfo(topic, PartitionId(0)));
        QCOMPARE(other.startOffset, Offset(0));
        KAPPA_VERIFY_OK(m_log->deleteTopic(topic));
    }

    void liveAndReplayReaders()
    {
        const std::string topic = topicName("readers");
        KAPPA_VERIFY_OK(m_log->createTopic(topic, TopicConfig{1}));
        const PartitionId p(0);
        auto valueAt = [](std::int64_t offset) {
            return "v" + std::to_string(offset) + std::string(static_cast<std::size_t>(offset % 50), '.');
        };
        auto appendRange = [&](std::int64_t from, std::int64_t to) -> Status {
            std::vector<std::string> values;
            for (std::int64_t o = from; o < to; ++o)
                values.push_back(valueAt(o));
            std::vector<Record> records;
            for (const std::string &v : values)
                records.push_back(Record{"k", v});
            KAPPA_ASSIGN_OR_RETURN(Offset first, m_log->appendToPartition(topic, p, records));
            if (first != Offset(from))
                return Status::internal("append landed at " + std::to_string(first.value()));
            return Status::ok();
        };
        constexpr std::int64_t kHistory = 20'000;
        constexpr std::int64_t kLive = 10'000;
        KAPPA_VERIFY_OK(appendRange(0, kHistory));
        const KafkaLogStats statsBefore = m_log->stats();

        // The live reader follows the tail while an appender extends it and
        // a replay reads the whole partition from 0 at the same time.
        auto follow = [&](std::int64_t from, std::int64_t until, std::size_t maxBytes) -> Status {
            RecordBatch batch;
            Offset next(from);
            const auto deadline = std::chrono::steady_clock::now() + 60s;
            while (next.value() < until) {
                if (std::chrono::steady_clock::now() > deadline)
                    return Status::unavailable("stuck at " + std::to_string(next.value()));
                KAPPA_RETURN_IF_ERROR(m_log->read(topic, p, next, maxBytes, batch));
                for (const RecordView &r : batch) {
                    if (r.offset != next || r.value != valueAt(next.value()))
                        return Status::internal("wrong record at " + std::to_string(next.value()));
                    ++next;
                }
            }
            return Status::ok();
        };
        Status live;
        Status replay;
        Status appender;
        std::thread liveThread([&] { live = follow(kHistory, kHistory + kLive, 16 * 1024); });
        std::thread replayThread([&] { replay = follow(0, kHistory + kLive, 8 * 1024); });
        std::thread appendThread([&] {
            for (std::int64_t o = kHistory; o < kHistory + kLive && appender.isOk(); o += 500) {
                appender = appendRange(o, o + 500);
                std::this_thread::sleep_for(5ms);
            }
        });
        appendThread.join();
        liveThread.join();
        replayThread.join();
        KAPPA_VERIFY_OK(appender);
        KAPPA_VERIFY_OK(live);
        KAPPA_VERIFY_OK(replay);
        // Each reader kept a cursor of its own: nobody's position was moved
        // to serve the other.
        const KafkaLogStats statsAfter = m_log->stats();
        QCOMPARE(statsAfter.cursorsMoved, statsBefore.cursorsMoved);
        QVERIFY(statsAfter.sequentialReads > statsBefore.sequentialReads);
        KAPPA_VERIFY_OK(m_log->deleteTopic(topic));
    }

    void brokerRestartAndCrash()
    {
        if (!m_ownBroker)
            QSKIP("KAPPA_KAFKA_BROKER_SCRIPT is not set");
        OwnBroker &broker = *m_ownBroker;
        std::optional<QString> bootstrap = broker.waitStarted();
        QVERIFY(bootstrap);
        KafkaLogConfig cfg = config(bootstrap->toStdString());
        // Generous: the broker is down for a restart (about 5 s), and an
        // append must wait it out rather than fail.
        cfg.deliveryTimeout = 90s;
        cfg.requestTimeout = 5s;
        cfg.closeTimeout = 2s;
        KAPPA_ASSIGN_OR_FAIL(auto log, KafkaLog::open(cfg));
        const std::string topic = topicName("restart");
        KAPPA_VERIFY_OK(log->createTopic(topic, TopicConfig{4}));

        std::map<std::string, AppendPosition> acknowledged;
        int serial = 0;
        auto appendChunk = [&](int count) -> Status {
            std::vector<std::string> values;
            std::vector<std::string> keys;
            for (int i = 0; i < count; ++i, ++serial) {
                keys.push_back("key-" + std::to_string(serial % 97));
                values.push_back("rec-" + std::to_string(serial));
            }
            std::vector<Record> records;
            for (int i = 0; i < count; ++i)
                records.push_back(Record{keys[i], values[i]});
            KAPPA_ASSIGN_OR_RETURN(auto positions, log->append(topic, records));
            for (int i = 0; i < count; ++i)
                acknowledged.emplace(values[i], positions[i]);
            return Status::ok();
        };
        KAPPA_VERIFY_OK(appendChunk(2'000));

        for (const bool crash : {false, true}) {
            QVERIFY(crash ? broker.kill() : broker.stop());
            // The append starts while the broker is down and must finish
            // once it is back, neither failing nor duplicating anything.
            Status pending = Status::internal("not run");
            std::atomic<bool> done{false};
            std::thread appender([&] {
                pending = appendChunk(3'000);
                done = true;
            });
            std::this_thread::sleep_for(500ms);
            const bool finishedEarly = done.load();
            const std::optional<QString> again = broker.restart();
            appender.join();
            QVERIFY(again);
            QCOMPARE(*again, *bootstrap);
            QVERIFY2(!finishedEarly, "the append returned while the broker was down");
            KAPPA_VERIFY_OK(pending);
            // And the log keeps working afterwards.
            KAPPA_VERIFY_OK(appendChunk(500));
        }

        // Every acknowledged record is where its append said, exactly once.
        std::map<std::string, int> seen;
        std::size_t total = 0;
        for (std::int32_t p = 0; p < 4; ++p) {
            KAPPA_ASSIGN_OR_FAIL(auto stored, readAll(*log, topic, p, 0));
            total += stored.size();
            for (const Stored &s : stored)
                ++seen[s.value];
            for (const auto &[value, position] : acknowledged) {
                if (position.partition.value() != p)
                    continue;
                QVERIFY(position.offset.value() < static_cast<std::int64_t>(stored.size()));
                QCOMPARE(stored[position.offset.value()].value, value);
            }
        }
        for (const auto &[value, count] : seen)
            QVERIFY2(count == 1, (value + " is in the log " + std::to_string(count) + " times").c_str());
        QCOMPARE(total, acknowledged.size());
        log.reset();
    }
};

QTEST_APPLESS_MAIN(TestKafkaBrokerLog)
#include "test_kafka_broker_log.moc"
