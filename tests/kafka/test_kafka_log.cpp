// KafkaLog against librdkafka's mock cluster: topics, appends by key and to a
// partition, reads from explicit positions, reader cursors, concurrent
// appenders and readers, offsets by time, partition info, and partition
// agreement with LocalLog. Faults are in test_kafka_faults.cpp.
#include "base/murmur2.h"
#include "kappa/local_log.h"
#include "mock_cluster.h"
#include "test_support.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

using namespace kappa;
using namespace kappa::kafkatest;

namespace {

std::string valueFor(std::int32_t p, std::int64_t offset)
{
    return "p" + std::to_string(p) + "-o" + std::to_string(offset) + std::string(offset % 37, 'x');
}

std::int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Reads a partition from `from` to its end in batches of about maxBytes.
Result<std::vector<std::string>> readValues(EventLog &log, const std::string &topic, std::int32_t p,
                                            std::int64_t from, std::size_t maxBytes)
{
    std::vector<std::string> values;
    RecordBatch batch;
    Offset next(from);
    while (true) {
        KAPPA_RETURN_IF_ERROR(log.read(topic, PartitionId(p), next, maxBytes, batch));
        if (batch.empty())
            return values;
        for (const RecordView &r : batch) {
            if (r.offset.value() != from + static_cast<std::int64_t>(values.size()))
                return Status::internal("gap or reorder at offset " + std::to_string(r.offset.value()));
            values.emplace_back(r.value);
        }
        next = batch.nextOffset();
    }
}

} // namespace

class TestKafkaLog : public QObject
{
    Q_OBJECT

private:
    // One cluster for the suite (destroying one takes a second); every test
    // works on a topic of its own, named after it, and opens its own log.
    std::unique_ptr<MockCluster> m_cluster;
    std::unique_ptr<KafkaLog> m_log;
    std::string m_topic;

private slots:
    void initTestCase() { m_cluster = std::make_unique<MockCluster>(); }
    void cleanupTestCase() { m_cluster.reset(); }

    void init()
    {
        m_topic = QTest::currentTestFunction();
        QVERIFY(m_cluster->createTopic(m_topic, 4));
        KAPPA_ASSIGN_OR_FAIL(m_log, KafkaLog::open(m_cluster->config()));
    }

    void cleanup() { m_log.reset(); }

    void topics()
    {
        KAPPA_ASSIGN_OR_FAIL(TopicConfig config, m_log->describeTopic(m_topic));
        QCOMPARE(config.partitions, 4);
        // Existing topic: same count is Ok, another is AlreadyExists; no
        // CreateTopics request is needed for either.
        KAPPA_VERIFY_OK(m_log->createTopic(m_topic, TopicConfig{4}));
        QCOMPARE(m_log->createTopic(m_topic, TopicConfig{5}).code(), StatusCode::AlreadyExists);
        QCOMPARE(m_log->createTopic(m_topic, 4, {{"cleanup.policy", "compact"}}).code(), StatusCode::Ok);
        QCOMPARE(m_log->createTopic("a/b", TopicConfig{1}).code(), StatusCode::InvalidArgument);
        QCOMPARE(m_log->createTopic("..", TopicConfig{1}).code(), StatusCode::InvalidArgument);
        QCOMPARE(m_log->createTopic(std::string(201, 'x'), TopicConfig{1}).code(),
                 StatusCode::InvalidArgument);
        QCOMPARE(m_log->createTopic("t", TopicConfig{0}).code(), StatusCode::InvalidArgument);
        QCOMPARE(m_log->createTopic("t", TopicConfig{1025}).code(), StatusCode::InvalidArgument);
        QCOMPARE(m_log->describeTopic("nope").status().code(), StatusCode::NotFound);
        QCOMPARE(m_log->deleteTopic("nope").code(), StatusCode::NotFound);
        QCOMPARE(m_log->deleteTopic("a b").code(), StatusCode::InvalidArgument);

        // A topic made elsewhere is found; Kafka's internal topics are hidden.
        QVERIFY(m_cluster->createTopic("rekeyed", 2));
        QVERIFY(m_cluster->createTopic("__consumer_offsets", 1));
        const std::vector<std::string> topics = m_log->listTopics();
        QVERIFY(std::find(topics.begin(), topics.end(), m_topic) != topics.end());
        QVERIFY(std::find(topics.begin(), topics.end(), "rekeyed") != topics.end());
        QVERIFY(std::is_sorted(topics.begin(), topics.end()));
        QVERIFY(std::none_of(topics.begin(), topics.end(),
                             [](const std::string &t) { return t.starts_with("__"); }));
        KAPPA_ASSIGN_OR_FAIL(TopicConfig rekeyed, m_log->describeTopic("rekeyed"));
        QCOMPARE(rekeyed.partitions, 2);
        // Creating a new topic and deleting one need CreateTopics and
        // DeleteTopics, which the mock lacks: tested against a real broker.
    }

    void appendByKeyAndReadBack()
    {
        std::vector<std::string> keys;
        std::vector<std::string> values;
        for (int i = 0; i < 200; ++i) {
            keys.push_back("user-" + std::to_string(i % 37));
            values.push_back("value-" + std::to_string(i));
        }
        std::vector<Record> records;
        for (int i = 0; i < 200; ++i)
            records.push_back(Record{keys[i], values[i]});
        KAPPA_ASSIGN_OR_FAIL(std::vector<AppendPosition> positions, m_log->append(m_topic, records));
        QCOMPARE(positions.size(), records.size());

        std::map<std::int32_t, std::vector<std::size_t>> byPartition; // record indexes in offset order
        for (std::size_t i = 0; i < positions.size(); ++i) {
            QCOMPARE(positions[i].partition.value(), base::partitionForKey(keys[i], 4));
            byPartition[positions[i].partition.value()].push_back(i);
        }
        for (auto &[p, indexes] : byPartition) {
            // One call's records in one partition are contiguous, in call order, from 0.
            for (std::size_t k = 0; k < indexes.size(); ++k)
                QCOMPARE(positions[indexes[k]].offset.value(), static_cast<std::int64_t>(k));
            RecordBatch batch;
            KAPPA_VERIFY_OK(m_log->read(m_topic, PartitionId(p), Offset(0), 1 << 20, batch));
            std::size_t seen = 0;
            Offset next(0);
            while (!batch.empty()) {
                for (const RecordView &r : batch) {
                    QCOMPARE(r.offset.value(), static_cast<std::int64_t>(seen));
                    QCOMPARE(std::string(r.key), keys[indexes[seen]]);
                    QCOMPARE(std::string(r.value), values[indexes[seen]]);
                    ++seen;
                }
                next = batch.nextOffset();
                KAPPA_VERIFY_OK(m_log->read(m_topic, PartitionId(p), next, 1 << 20, batch));
            }
            QCOMPARE(seen, indexes.size());
        }
    }

    void readFromPositions()
    {
        const std::int64_t before = nowMs();
        std::vector<std::string> values;
        for (int i = 0; i < 60; ++i)
            values.push_back(valueFor(2, i));
        std::vector<Record> records;
        for (const auto &v : values)
            records.push_back(Record{"k", v});
        KAPPA_ASSIGN_OR_FAIL(Offset first,
                             m_log->appendToPartition(m_topic, PartitionId(2), std::span(records).first(25)));
        QCOMPARE(first.value(), 0);
        KAPPA_ASSIGN_OR_FAIL(first, m_log->appendToPartition(m_topic, PartitionId(2),
                                                             std::span(records).subspan(25)));
        QCOMPARE(first.value(), 25);
        const std::int64_t after = nowMs();

        RecordBatch batch;
        for (std::int64_t from : {0, 30, 59}) {
            KAPPA_VERIFY_OK(m_log->read(m_topic, PartitionId(2), Offset(from), 1 << 20, batch));
            QVERIFY(!batch.empty());
            QCOMPARE(batch[0].offset.value(), from);
            for (const RecordView &r : batch) {
                QCOMPARE(std::string(r.value), values[static_cast<std::size_t>(r.offset.value())]);
                QCOMPARE(std::string(r.key), std::string("k"));
                QVERIFY(r.appendTime.value() >= before - 1000 && r.appendTime.value() <= after + 1000);
            }
            QCOMPARE(batch.nextOffset(), batch[batch.size() - 1].offset + 1);
        }
        // maxBytes bounds the batch but never below one record.
        KAPPA_VERIFY_OK(m_log->read(m_topic, PartitionId(2), Offset(10), 1, batch));
        QCOMPARE(batch.size(), std::size_t{1});
        QCOMPARE(batch.nextOffset().value(), 11);
        KAPPA_VERIFY_OK(m_log->read(m_topic, PartitionId(2), Offset(10), 100, batch));
        QVERIFY(batch.size() >= 2 && batch.size() < 10);

        // At the end: an empty batch, promptly.
        const auto start = std::chrono::steady_clock::now();
        KAPPA_VERIFY_OK(m_log->read(m_topic, PartitionId(2), Offset(60), 1 << 20, batch));
        QVERIFY(batch.empty());
        QCOMPARE(batch.nextOffset().value(), 60);
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));

        QCOMPARE(m_log->read(m_topic, PartitionId(2), Offset(61), 1 << 20, batch).code(),
                 StatusCode::OutOfRange);
        QCOMPARE(m_log->read(m_topic, PartitionId(2), Offset(-1), 1 << 20, batch).code(),
                 StatusCode::OutOfRange);
        QCOMPARE(m_log->read(m_topic, PartitionId(4), Offset(0), 1 << 20, batch).code(),
                 StatusCode::InvalidArgument);
        QCOMPARE(m_log->read("nope", PartitionId(0), Offset(0), 1 << 20, batch).code(), StatusCode::NotFound);
        // Empty partition: offset 0 is the end.
        KAPPA_VERIFY_OK(m_log->read(m_topic, PartitionId(3), Offset(0), 1 << 20, batch));
        QVERIFY(batch.empty());
    }

    void appendErrors()
    {
        const Record record{"k", "v"};
        QCOMPARE(m_log->append("nope", std::span(&record, 1)).status().code(), StatusCode::NotFound);
        QCOMPARE(m_log->appendToPartition("nope", PartitionId(0), std::span(&record, 1)).status().code(),
                 StatusCode::NotFound);
        QCOMPARE(m_log->appendToPartition(m_topic, PartitionId(4), std::span(&record, 1)).status().code(),
                 StatusCode::InvalidArgument);
        QCOMPARE(m_log->appendToPartition(m_topic, PartitionId(-1), std::span(&record, 1)).status().code(),
                 StatusCode::InvalidArgument);
        // An empty append answers the end offset.
        KAPPA_ASSIGN_OR_FAIL(Offset end, m_log->appendToPartition(m_topic, PartitionId(1), {}));
        QCOMPARE(end.value(), 0);
    }

    void sequentialReaderKeepsItsCursor()
    {
        std::vector<std::string> values;
        std::vector<Record> records;
        for (int i = 0; i < 100; ++i)
            values.push_back(valueFor(0, i));
        for (const auto &v : values)
            records.push_back(Record{"", v});
        KAPPA_ASSIGN_OR_FAIL(Offset first, m_log->appendToPartition(m_topic, PartitionId(0), records));
        QCOMPARE(first.value(), 0);

        const KafkaLogStats before = m_log->stats();
        KAPPA_ASSIGN_OR_FAIL(std::vector<std::string> read, readValues(*m_log, m_topic, 0, 0, 200));
        QCOMPARE(read, values);
        const KafkaLogStats after = m_log->stats();
        // One cursor opened at 0, then every read continued where the last stopped.
        QCOMPARE(after.cursorsOpened - before.cursorsOpened, std::uint64_t{1});
        QCOMPARE(after.cursorsMoved, before.cursorsMoved);
        QVERIFY(after.sequentialReads - before.sequentialReads >= 10);
    }

    // A tail reader's cursor knows the end only from its client's last fetch
    // response. Once an append has returned, its records are visible: a read
    // at the old end returns them even while the client's next fetch is still
    // held by the broker (the mock holds a fetch that finds nothing for all of
    // readerFetchWait). Answering "end" here made a bounded run decide too
    // early that a stage had nothing more to read.
    void readAfterAppendSeesItBeforeTheHeldFetchReturns()
    {
        KafkaLogConfig config = m_cluster->config();
        config.readerFetchWait = std::chrono::milliseconds(1000); // 200 times emptyReadWait
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<KafkaLog> log, KafkaLog::open(config));
        std::vector<std::string> values;
        for (int i = 0; i < 15; ++i)
            values.push_back(valueFor(3, i));
        std::vector<Record> records;
        for (const auto &v : values)
            records.push_back(Record{"", v});
        KAPPA_ASSIGN_OR_FAIL(Offset first,
                             log->appendToPartition(m_topic, PartitionId(3), std::span(records).first(10)));
        QCOMPARE(first.value(), 0);
        // Read to the end: the last read is empty and leaves the cursor at 10,
        // its client waiting on a fetch from 10 that the broker holds.
        KAPPA_ASSIGN_OR_FAIL(std::vector<std::string> head, readValues(*log, m_topic, 3, 0, 1 << 20));
        QCOMPARE(head, std::vector<std::string>(values.begin(), values.begin() + 10));

        KAPPA_ASSIGN_OR_FAIL(first,
                             log->appendToPartition(m_topic, PartitionId(3), std::span(records).subspan(10)));
        QCOMPARE(first.value(), 10);
        const KafkaLogStats before = log->stats();
        RecordBatch batch;
        KAPPA_VERIFY_OK(log->read(m_topic, PartitionId(3), Offset(10), 1 << 20, batch));
        QVERIFY2(!batch.empty(), "a read at the old end found nothing after the append returned");
        QCOMPARE(batch[0].offset.value(), 10);
        QCOMPARE(std::string(batch[0].value), values[10]);
        // Still the same cursor: no seek was needed.
        QCOMPARE(log->stats().sequentialReads - before.sequentialReads, std::uint64_t{1});
        QCOMPARE(log->stats().cursorsMoved, before.cursorsMoved);
    }

    void twoReadersOfOnePartition()
    {
        constexpr int kRecords = 2000;
        std::vector<std::string> values;
        std::vector<Record> records;
        for (int i = 0; i < kRecords; ++i)
            values.push_back(valueFor(1, i));
        for (const auto &v : values)
            records.push_back(Record{"key", v});
        KAPPA_ASSIGN_OR_FAIL(Offset first, m_log->appendToPartition(m_topic, PartitionId(1), records));
        QCOMPARE(first.value(), 0);

        // A replay from 0 and a live reader near the end, at the same time.
        const KafkaLogStats before = m_log->stats();
        Result<std::vector<std::string>> replay = Status::internal("not run");
        Result<std::vector<std::string>> live = Status::internal("not run");
        std::thread replayThread([&] { replay = readValues(*m_log, m_topic, 1, 0, 512); });
        std::thread liveThread([&] { live = readValues(*m_log, m_topic, 1, kRecords - 300, 256); });
        replayThread.join();
        liveThread.join();
        QVERIFY2(replay.isOk(), replay.status().toString().c_str());
        QVERIFY2(live.isOk(), live.status().toString().c_str());
        QCOMPARE(*replay, values);
        QCOMPARE(*live, std::vector<std::string>(values.end() - 300, values.end()));
        const KafkaLogStats after = m_log->stats();
        // Each reader got its own cursor (on its own client) and neither
        // made the other seek.
        QCOMPARE(after.cursorsOpened - before.cursorsOpened, std::uint64_t{2});
        QCOMPARE(after.cursorsMoved, before.cursorsMoved);
    }

    void concurrentAppenders()
    {
        constexpr int kThreads = 4;
        constexpr int kCalls = 100;
        struct Call
        {
            std::int64_t first;
            int count;
            int thread;
            int call;
        };
        std::vector<std::vector<Call>> calls(kThreads);
        std::vector<Status> failures(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                for (int c = 0; c < kCalls; ++c) {
                    const int count = 1 + (c % 3);
                    std::vector<std::string> values;
                    for (int i = 0; i < count; ++i)
                        values.push_back("t" + std::to_string(t) + "-c" + std::to_string(c) + "-"
                                         + std::to_string(i));
                    std::vector<Record> records;
                    for (const auto &v : values)
                        records.push_back(Record{"k", v});
                    auto result = m_log->appendToPartition(m_topic, PartitionId(3), records);
                    if (!result.isOk()) {
                        failures[t] = result.status();
                        return;
                    }
                    calls[t].push_back(Call{result->value(), count, t, c});
                }
            });
        }
        for (auto &thread : threads)
            thread.join();
        for (const Status &failure : failures)
            KAPPA_VERIFY_OK(failure);

        // Every call got a contiguous range; together they tile [0, total).
        std::vector<Call> all;
        for (const auto &perThread : calls)
            all.insert(all.end(), perThread.begin(), perThread.end());
        std::sort(all.begin(), all.end(), [](const Call &a, const Call &b) { return a.first < b.first; });
        std::int64_t expected = 0;
        for (const Call &call : all) {
            QCOMPARE(call.first, expected);
            expected += call.count;
        }
        KAPPA_ASSIGN_OR_FAIL(std::vector<std::string> read, readValues(*m_log, m_topic, 3, 0, 1 << 20));
        QCOMPARE(static_cast<std::int64_t>(read.size()), expected);
        for (const Call &call : all) {
            for (int i = 0; i < call.count; ++i) {
                const std::string want = "t" + std::to_string(call.thread) + "-c" + std::to_string(call.call)
                                         + "-" + std::to_string(i);
                QCOMPARE(read[static_cast<std::size_t>(call.first + i)], want);
            }
        }
    }

    void offsetForTimeAndPartitionInfo()
    {
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo empty, m_log->partitionInfo(m_topic, PartitionId(1)));
        QCOMPARE(empty.startOffset.value(), 0);
        QCOMPARE(empty.endOffset.value(), 0);
        QVERIFY(!empty.firstAppendTime && !empty.lastAppendTime);
        KAPPA_ASSIGN_OR_FAIL(Offset none, m_log->offsetForTime(m_topic, PartitionId(1), WallTime(0)));
        QCOMPARE(none.value(), 0);

        const std::int64_t before = nowMs();
        std::vector<Record> records(10, Record{"k", "v"});
        KAPPA_ASSIGN_OR_FAIL(Offset first, m_log->appendToPartition(m_topic, PartitionId(1), records));
        QCOMPARE(first.value(), 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        KAPPA_ASSIGN_OR_FAIL(first,
                             m_log->appendToPartition(m_topic, PartitionId(1), std::span(records).first(1)));
        const std::int64_t after = nowMs();

        KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, m_log->partitionInfo(m_topic, PartitionId(1)));
        QCOMPARE(info.partition.value(), 1);
        QCOMPARE(info.startOffset.value(), 0);
        QCOMPARE(info.endOffset.value(), 11);
        QCOMPARE(info.segments, 0);
        QCOMPARE(info.bytes, std::uint64_t{0});
        QVERIFY(info.firstAppendTime && info.lastAppendTime);
        QVERIFY(info.firstAppendTime->value() >= before - 1000);
        QVERIFY(info.lastAppendTime->value() <= after + 1000);
        QVERIFY(*info.lastAppendTime >= *info.firstAppendTime + 10);
        // The readers' cheap question gives the same end.
        KAPPA_ASSIGN_OR_FAIL(Offset end, m_log->endOffset(m_topic, PartitionId(1)));
        QCOMPARE(end.value(), 11);
        QCOMPARE(m_log->endOffset("nope", PartitionId(0)).status().code(), StatusCode::NotFound);

        // No record at or after a future time: the end offset. (Finding a
        // record by time needs ListOffsets by timestamp, which the mock does
        // not implement: tested against a real broker.)
        KAPPA_ASSIGN_OR_FAIL(Offset future,
                             m_log->offsetForTime(m_topic, PartitionId(1), WallTime(after + 3'600'000)));
        QCOMPARE(future.value(), 11);
        QCOMPARE(m_log->offsetForTime(m_topic, PartitionId(9), WallTime(0)).status().code(),
                 StatusCode::InvalidArgument);
        QCOMPARE(m_log->partitionInfo("nope", PartitionId(0)).status().code(), StatusCode::NotFound);
    }

    void partitionsAgreeWithLocalLog()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto local, LocalLog::open(dir.path().toStdString(), {}));
        QVERIFY(m_cluster->createTopic("wide", 13));
        KAPPA_VERIFY_OK(local->createTopic(m_topic, TopicConfig{4}));
        KAPPA_VERIFY_OK(local->createTopic("wide", TopicConfig{13}));
        std::vector<std::string> keys = {"",
                                         "a",
                                         "user-1",
                                         "user-42",
                                         "hello world",
                                         "card:4111111111111111",
                                         std::string("\0\xff\x01", 3),
                                         std::string(300, 'z')};
        for (int i = 0; i < 100; ++i)
            keys.push_back("merchant-" + std::to_string(i * 7919));
        std::vector<Record> records;
        for (const auto &key : keys)
            records.push_back(Record{key, "v"});
        for (const std::string &topic : {m_topic, std::string("wide")}) {
            KAPPA_ASSIGN_OR_FAIL(auto kafkaPositions, m_log->append(topic, records));
            KAPPA_ASSIGN_OR_FAIL(auto localPositions, local->append(topic, records));
            for (std::size_t i = 0; i < keys.size(); ++i)
                QCOMPARE(kafkaPositions[i].partition, localPositions[i].partition);
        }
    }
};

QTEST_APPLESS_MAIN(TestKafkaLog)
#include "test_kafka_log.moc"
