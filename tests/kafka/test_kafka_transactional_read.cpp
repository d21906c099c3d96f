// KafkaLog::read over offsets that hold no record: topics written in Kafka
// transactions (commit and abort markers, records of aborted transactions,
// the last stable offset of a transaction still open), as the cluster's
// changelog topics and instance registry are. A read from below the end
// returns the records there are, in offset order, or an empty batch whose
// next offset is the end; reading on until a batch is empty reaches the end
// promptly instead of waiting requestTimeout for a record at a marker's
// offset and failing with Unavailable.
//
// On librdkafka's mock cluster: reads of plain topics (dense offsets, one
// cursor for a sequential reader, tail reads after appends) are unchanged by
// the end-of-partition events the readers receive, and a topic written by a
// ChangelogWriter reads to its end. The mock of librdkafka 2.0.2 writes no
// transaction markers and returns aborted records (see
// test_kafka_changelog.cpp), so the gaps themselves are read on the real
// broker (tests/kafka/broker): the *OnBroker functions, run by the
// test_kafka_transactional_read_broker entry of CTest and skipped without a
// broker.
#include "kafka/changelog_topic.h"
#include "kafka_broker_address.h"
#include "mock_cluster.h"
#include "open_transaction.h"
#include "test_support.h"

#include <unistd.h>

#include <chrono>
#include <thread>

using namespace kappa;
using namespace kappa::kafka;
using namespace kappa::kafkatest;
using namespace std::chrono_literals;

namespace {

// Long enough that a read waiting for it stands out from one that does not.
constexpr std::chrono::milliseconds kRequestTimeout = 10s;
// A read (or a whole scan of a small partition) takes far less than this
// unless it waits out requestTimeout somewhere.
constexpr std::chrono::milliseconds kPrompt = kRequestTimeout / 2;

struct ReadBack
{
    std::int64_t offset;
    std::string key;
    std::string value;
    bool operator==(const ReadBack &) const = default;
};

struct Scan
{
    std::vector<ReadBack> records;
    Offset next; // the next offset after the last read, which was empty
    std::chrono::milliseconds took{};
};

// Reads topic/partition from `from` until a batch is empty, checking that
// offsets only increase.
Result<Scan> scan(EventLog &log, const std::string &topic, std::int32_t partition, std::int64_t from,
                  std::size_t maxBytes)
{
    const auto start = std::chrono::steady_clock::now();
    Scan result;
    RecordBatch batch;
    Offset next(from);
    while (true) {
        KAPPA_RETURN_IF_ERROR(log.read(topic, PartitionId(partition), next, maxBytes, batch));
        for (const RecordView &r : batch) {
            if (r.offset < next
                || (!result.records.empty() && r.offset.value() <= result.records.back().offset))
                return Status::internal("record at offset " + std::to_string(r.offset.value())
                                        + " out of order (read from " + std::to_string(next.value()) + ")");
            result.records.push_back({r.offset.value(), std::string(r.key), std::string(r.value)});
        }
        if (batch.nextOffset() < next)
            return Status::internal("the next offset went back to "
                                    + std::to_string(batch.nextOffset().value()));
        next = batch.nextOffset();
        if (batch.empty())
            break;
    }
    result.next = next;
    result.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now()
                                                                        - start);
    return result;
}

std::vector<std::pair<std::string, std::string>> keyValues(const std::vector<ReadBack> &records)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const ReadBack &r : records)
        out.emplace_back(r.key, r.value);
    return out;
}

std::vector<std::pair<std::string, std::string>> keyValues(const std::vector<ChangelogRecord> &records)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const ChangelogRecord &r : records)
        out.emplace_back(r.key, r.value.value_or(""));
    return out;
}

std::string describe(const std::vector<ReadBack> &records)
{
    std::string text;
    for (const ReadBack &r : records)
        text += std::to_string(r.offset) + ":" + r.key + "=" + r.value + " ";
    return text;
}

} // namespace

class TestKafkaTransactionalRead : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<MockCluster> m_cluster;
    // Names carry the pid: the real broker is shared with other suites.
    const std::string m_suffix = std::to_string(::getpid());

    KafkaLogConfig mockConfig() const
    {
        KafkaLogConfig config = m_cluster->config();
        config.requestTimeout = kRequestTimeout;
        return config;
    }

    static bool brokerConfig(KafkaLogConfig &config)
    {
        const std::optional<QString> address = kafkaBrokerAddress();
        if (!address || address->isEmpty())
            return false;
        config.bootstrapServers = address->toStdString();
        config.lingerTime = 1ms;
        config.requestTimeout = kRequestTimeout;
        return true;
    }

private slots:
    void initTestCase() { m_cluster = std::make_unique<MockCluster>(); }
    void cleanupTestCase() { m_cluster.reset(); }

    // A plain topic: dense offsets, read in small batches by one cursor that
    // never seeks; the last read is empty at the end.
    void plainTopicSequentialRead()
    {
        QVERIFY(m_cluster->createTopic("plain", 2));
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<KafkaLog> log, KafkaLog::open(mockConfig()));
        std::vector<std::string> values;
        std::vector<Record> records;
        for (int i = 0; i < 500; ++i)
            values.push_back("value-" + std::to_string(i));
        for (const std::string &v : values)
            records.push_back(Record{"", v});
        KAPPA_ASSIGN_OR_FAIL(Offset first, log->appendToPartition("plain", PartitionId(1), records));
        QCOMPARE(first.value(), 0);

        const KafkaLogStats before = log->stats();
        KAPPA_ASSIGN_OR_FAIL(Scan read, scan(*log, "plain", 1, 0, 300));
        QCOMPARE(read.records.size(), values.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            QCOMPARE(read.records[i].offset, static_cast<std::int64_t>(i));
            QCOMPARE(read.records[i].value, values[i]);
        }
        QCOMPARE(read.next.value(), 500);
        QVERIFY2(read.took < kPrompt, std::to_string(read.took.count()).c_str());
        const KafkaLogStats after = log->stats();
        QCOMPARE(after.cursorsOpened - before.cursorsOpened, std::uint64_t{1});
        QCOMPARE(after.cursorsMoved, before.cursorsMoved);
        QVERIFY(after.sequentialReads - before.sequentialReads >= 10);

        // Every position, read on its own: the record there; the end is
        // empty; past it is OutOfRange.
        RecordBatch batch;
        for (std::int64_t offset : {0, 1, 250, 498, 499}) {
            KAPPA_VERIFY_OK(log->read("plain", PartitionId(1), Offset(offset), 1, batch));
            QCOMPARE(batch.size(), std::size_t{1});
            QCOMPARE(batch[0].offset.value(), offset);
            QCOMPARE(batch.nextOffset().value(), offset + 1);
        }
        KAPPA_VERIFY_OK(log->read("plain", PartitionId(1), Offset(500), 1, batch));
        QVERIFY(batch.empty());
        QCOMPARE(batch.nextOffset().value(), 500);
        QCOMPARE(log->read("plain", PartitionId(1), Offset(501), 1, batch).code(), StatusCode::OutOfRange);
        // An empty partition.
        KAPPA_VERIFY_OK(log->read("plain", PartitionId(0), Offset(0), 1, batch));
        QVERIFY(batch.empty());
        QCOMPARE(batch.nextOffset().value(), 0);
    }

    // A reader at the tail, after each of a series of appends, gets exactly
    // the new records on its one cursor; the end-of-partition event that
    // its client receives after each fetch changes nothing of that.
    void plainTopicTailReads()
    {
        QVERIFY(m_cluster->createTopic("tail", 1));
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<KafkaLog> log, KafkaLog::open(mockConfig()));
        const KafkaLogStats before = log->stats();
        Offset next(0);
        for (int round = 0; round < 20; ++round) {
            std::vector<std::string> values;
            std::vector<Record> records;
            for (int i = 0; i < 3; ++i)
                values.push_back("round-" + std::to_string(round) + "-" + std::to_string(i));
            for (const std::string &v : values)
                records.push_back(Record{"", v});
            KAPPA_ASSIGN_OR_FAIL(Offset first, log->appendToPartition("tail", PartitionId(0), records));
            QCOMPARE(first, next);
            KAPPA_ASSIGN_OR_FAIL(Scan read, scan(*log, "tail", 0, next.value(), 1 << 20));
            QCOMPARE(read.records.size(), values.size());
            for (std::size_t i = 0; i < values.size(); ++i) {
                QCOMPARE(read.records[i].offset, next.value() + static_cast<std::int64_t>(i));
                QCOMPARE(read.records[i].value, values[i]);
            }
            QCOMPARE(read.next, next + 3);
            QVERIFY2(read.took < kPrompt, std::to_string(read.took.count()).c_str());
            next = read.next;
        }
        const KafkaLogStats after = log->stats();
        QCOMPARE(after.cursorsOpened - before.cursorsOpened, std::uint64_t{1});
        QCOMPARE(after.cursorsMoved, before.cursorsMoved);
    }

    // A topic written in transactions reads to its end through KafkaLog.
    // (On the mock its offsets are dense; the gaps are read on the broker.)
    void changelogTopicOnTheMock()
    {
        QVERIFY(m_cluster->createTopic("changelog", 1));
        const KafkaLogConfig config = mockConfig();
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> writer,
                             ChangelogWriter::open(config, "mock-writer"));
        const std::vector<ChangelogRecord> first = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
        const std::vector<ChangelogRecord> second = {{"d", "4"}, {"e", "5"}};
        KAPPA_VERIFY_OK(writer->write("changelog", PartitionId(0), first));
        KAPPA_VERIFY_OK(writer->write("changelog", PartitionId(0), second));
        std::vector<std::pair<std::string, std::string>> expected = keyValues(first);
        for (const auto &kv : keyValues(second))
            expected.push_back(kv);

        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<KafkaLog> log, KafkaLog::open(config));
        KAPPA_ASSIGN_OR_FAIL(Offset end, log->endOffset("changelog", PartitionId(0)));
        for (std::size_t maxBytes : {std::size_t{1}, std::size_t{1} << 20}) {
            KAPPA_ASSIGN_OR_FAIL(Scan read, scan(*log, "changelog", 0, 0, maxBytes));
            QVERIFY2(keyValues(read.records) == expected, describe(read.records).c_str());
            QCOMPARE(read.next, end);
            QVERIFY2(read.took < kPrompt, std::to_string(read.took.count()).c_str());
        }
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, log->partitionInfo("changelog", PartitionId(0)));
        QCOMPARE(info.endOffset, end);
        QVERIFY(info.firstAppendTime && info.lastAppendTime);
    }

    // The real broker (tests/kafka/broker) from here on.

    void transactionsReadToTheEndOnBroker_data()
    {
        QTest::addColumn<QString>("cleanupPolicy");
        QTest::newRow("delete") << QStringLiteral("delete");
        // As the cluster module creates the changelog topics.
        QTest::newRow("compact") << QStringLiteral("compact");
    }

    // Committed transactions with an aborted one between them: the commit
    // and abort markers and the aborted record take offsets that hold no
    // record for a reader, and the partition ends with a marker. Every read
    // finishes promptly; reading on from nextOffset() gets every committed
    // record in order and ends at the end offset.
    void transactionsReadToTheEndOnBroker()
    {
        QFETCH(QString, cleanupPolicy);
        KafkaLogConfig config;
        if (!brokerConfig(config))
            QSKIP("no Kafka broker: run through CTest (ctest -L kafka), which starts one");
        const std::string tag = cleanupPolicy.toStdString() + "-" + m_suffix;
        const std::string topic = "txn-read-" + tag;
        {
            KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<KafkaLog> admin, KafkaLog::open(config));
            KAPPA_VERIFY_OK(admin->createTopic(topic, 1, {{"cleanup.policy", cleanupPolicy.toStdString()}}));
        }
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> writer,
                             ChangelogWriter::open(config, "txn-read-writer-" + tag));
        const std::vector<ChangelogRecord> first = {{"k1", "a"}, {"k2", "b"}, {"k3", "c"}};
        const std::vector<ChangelogRecord> second = {{"k4", "d"}, {"k5", "e"}};
        const std::vector<ChangelogRecord> third = {{"k6", "f"}, {"k7", "g"}};
        KAPPA_VERIFY_OK(writer->write(topic, PartitionId(0), first));
        KAPPA_VERIFY_OK(writer->write(topic, PartitionId(0), second));
        {
            OpenTransaction aborted(config.bootstrapServers, "txn-read-aborted-" + tag);
            QVERIFY(aborted.begin(topic, 0, "aborted", "never read"));
            QVERIFY(aborted.abort());
        }
        KAPPA_VERIFY_OK(writer->write(topic, PartitionId(0), third));
        std::vector<std::pair<std::string, std::string>> expected = keyValues(first);
        for (const auto &kv : keyValues(second))
            expected.push_back(kv);
        for (const auto &kv : keyValues(third))
            expected.push_back(kv);

        // A log of its own: its clients know nothing of the writes.
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<KafkaLog> log, KafkaLog::open(config));
        KAPPA_ASSIGN_OR_FAIL(Offset end, log->endOffset(topic, PartitionId(0)));
        // Seven records, three commit markers, the aborted record and its abort marker.
        QCOMPARE(end.value(), 12);

        // In large batches and one record at a time (sequential reads that
        // step over each marker), and from a record in the middle.
        std::vector<ReadBack> all;
        for (std::size_t maxBytes : {std::size_t{1} << 20, std::size_t{1}}) {
            KAPPA_ASSIGN_OR_FAIL(Scan read, scan(*log, topic, 0, 0, maxBytes));
            QVERIFY2(keyValues(read.records) == expected, describe(read.records).c_str());
            QCOMPARE(read.next, end);
            QVERIFY2(read.took < kPrompt, std::to_string(read.took.count()).c_str());
            all = read.records;
        }
        // Each position read on its own (a new or moved cursor each time):
        // the first committed record at or after it, or, past the last
        // record, an empty batch whose next offset is the end.
        for (std::int64_t offset = 0; offset <= end.value(); ++offset) {
            const auto start = std::chrono::steady_clock::now();
            RecordBatch batch;
            KAPPA_VERIFY_OK(log->read(topic, PartitionId(0), Offset(offset), 1, batch));
            QVERIFY2(std::chrono::steady_clock::now() - start < kPrompt, std::to_string(offset).c_str());
            auto expectedFirst = std::find_if(all.begin(), all.end(),
                                              [&](const ReadBack &r) { return r.offset >= offset; });
            if (expectedFirst == all.end()) {
                QVERIFY2(batch.empty(), std::to_string(offset).c_str());
                QCOMPARE(batch.nextOffset(), end);
            } else {
                QVERIFY2(!batch.empty(), std::to_string(offset).c_str());
                QCOMPARE(batch[0].offset.value(), expectedFirst->offset);
                QCOMPARE(std::string(batch[0].value), expectedFirst->value);
            }
        }
        // What `kappactl log info` shows: the range and both append times
        // (the last record's, not the marker's after it).
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, log->partitionInfo(topic, PartitionId(0)));
        QCOMPARE(info.startOffset.value(), 0);
        QCOMPARE(info.endOffset, end);
        QVERIFY(info.firstAppendTime && info.lastAppendTime);
        QVERIFY(*info.firstAppendTime <= *info.lastAppendTime);
    }

    // A transaction still open holds the end at the last stable offset,
    // before its record: a read to the end stops there, promptly, also for a
    // sequential reader whose client has seen the high watermark beyond it.
    // Once the transaction commits, reading on gets its record.
    void openTransactionOnBroker()
    {
        KafkaLogConfig config;
        if (!brokerConfig(config))
            QSKIP("no Kafka broker: run through CTest (ctest -L kafka), which starts one");
        const std::string topic = "txn-read-open-" + m_suffix;
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<KafkaLog> log, KafkaLog::open(config));
        KAPPA_VERIFY_OK(log->createTopic(topic, TopicConfig{1}));
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> writer,
                             ChangelogWriter::open(config, "txn-read-open-writer-" + m_suffix));
        const std::vector<ChangelogRecord> committed = {{"k1", "a"}, {"k2", "b"}};
        KAPPA_VERIFY_OK(writer->write(topic, PartitionId(0), committed));

        KAPPA_ASSIGN_OR_FAIL(Scan before, scan(*log, topic, 0, 0, 1 << 20));
        QVERIFY2(keyValues(before.records) == keyValues(committed), describe(before.records).c_str());
        QCOMPARE(before.next.value(), 3); // two records and the commit marker

        OpenTransaction open(config.bootstrapServers, "txn-read-open-" + m_suffix);
        QVERIFY(open.begin(topic, 0, "open", "pending"));
        // The end is the last stable offset: the open transaction's record
        // (at 3) is beyond it.
        KAPPA_ASSIGN_OR_FAIL(Offset end, log->endOffset(topic, PartitionId(0)));
        QCOMPARE(end.value(), 3);
        // The reader's cursor at 3 is sequential, and its client may have
        // seen the high watermark (4) beyond the last stable offset.
        for (int i = 0; i < 3; ++i) {
            KAPPA_ASSIGN_OR_FAIL(Scan atEnd, scan(*log, topic, 0, 3, 1 << 20));
            QVERIFY2(atEnd.records.empty(), describe(atEnd.records).c_str());
            QCOMPARE(atEnd.next.value(), 3);
            QVERIFY2(atEnd.took < kPrompt, std::to_string(atEnd.took.count()).c_str());
            std::this_thread::sleep_for(200ms);
        }

        QVERIFY(open.commit());
        // The commit returns before the marker is in the partition: the
        // record becomes readable a moment later.
        std::vector<ReadBack> after;
        Offset next(3);
        for (int attempt = 0; attempt < 100 && after.empty(); ++attempt) {
            KAPPA_ASSIGN_OR_FAIL(Scan read, scan(*log, topic, 0, next.value(), 1 << 20));
            QVERIFY2(read.took < kPrompt, std::to_string(read.took.count()).c_str());
            after = read.records;
            next = read.next;
            if (after.empty())
                std::this_thread::sleep_for(50ms);
        }
        QCOMPARE(after.size(), std::size_t{1});
        QCOMPARE(after[0].offset, 3);
        QCOMPARE(after[0].value, std::string("pending"));
        QCOMPARE(next.value(), 5);
    }
};

QTEST_APPLESS_MAIN(TestKafkaTransactionalRead)
#include "test_kafka_transactional_read.moc"
