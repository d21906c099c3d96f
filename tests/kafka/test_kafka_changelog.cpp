// ChangelogWriter and readChangelog (engine/src/kafka/changelog_topic.h).
//
// On librdkafka's mock cluster: transactions written and read back in order
// with tombstones, concurrent writes kept whole, a fenced writer (the fencing
// error injected into EndTxn), failed transactions (errors injected into
// Produce and EndTxn, a record too large) that leave the writer usable,
// unknown partitions, no cluster, rejected configurations.
//
// The mock of librdkafka 2.0.2 accepts the transactional requests but does
// not implement their meaning, which was checked against it: a second
// producer with the same transactional.id does not fence the first (whose
// next commit still succeeds); an aborted transaction's records are still
// returned to read_committed readers (Fetch reports no aborted transactions
// and the last stable offset is the high watermark); and EndTxn writes no
// transaction markers, so offsets stay dense. Fencing by a newer writer,
// aborted and open transactions being invisible, and reading across the gaps
// that markers leave are therefore tested against the real broker
// (tests/kafka/broker): the *OnBroker functions, run by the
// test_kafka_changelog_broker entry of CTest and skipped without a broker.
#include "kafka/changelog_topic.h"
#include "kafka_broker_address.h"
#include "mock_cluster.h"
#include "open_transaction.h"
#include "test_support.h"

#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

using namespace kappa;
using namespace kappa::kafka;
using namespace kappa::kafkatest;
using namespace std::chrono_literals;

namespace {

constexpr std::int16_t kProduceApiKey = 0; // Kafka protocol ApiKeys
constexpr std::int16_t kEndTxnApiKey = 26;

// A record as read back; nullopt value for a tombstone.
using Read = std::pair<std::string, std::optional<std::string>>;

Result<std::vector<Read>> readAll(const KafkaLogConfig &connection, const std::string &topic, int partition)
{
    std::vector<Read> records;
    KAPPA_RETURN_IF_ERROR(readChangelog(connection, topic, PartitionId(partition),
                                        [&](std::string_view key, std::optional<std::string_view> value) {
                                            records.emplace_back(std::string(key),
                                                                 value ? std::optional<std::string>(*value)
                                                                       : std::nullopt);
                                        }));
    return records;
}

std::vector<Read> asRead(const std::vector<ChangelogRecord> &records)
{
    std::vector<Read> out;
    for (const ChangelogRecord &r : records)
        out.emplace_back(r.key, r.value);
    return out;
}

// Bytes that compression cannot shrink, for records that must stay large.
std::string noise(std::size_t size)
{
    std::mt19937 random(42);
    std::string bytes(size, '\0');
    for (char &c : bytes)
        c = static_cast<char>(random());
    return bytes;
}

std::string describe(const std::vector<Read> &records)
{
    std::string text;
    for (const auto &[key, value] : records)
        text += key + "=" + (value ? "'" + *value + "'" : std::string("null")) + " ";
    return text;
}

} // namespace

class TestKafkaChangelog : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<MockCluster> m_cluster;
    // Names carry the pid: the real broker is shared with other suites.
    const std::string m_suffix = std::to_string(::getpid());

    // Two transactions into partition 1 read back in order, tombstones as
    // nullopt and an empty value as empty; partition 0 stays empty.
    void writeTwoTransactionsAndReadBack(const KafkaLogConfig &connection, const std::string &topic)
    {
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> writer,
                             ChangelogWriter::open(connection, "two-transactions-" + m_suffix));
        const std::vector<ChangelogRecord> first = {{"user-1", "alice"},
                                                    {"user-2", "bob"},
                                                    {"user-1", std::nullopt}};
        const std::vector<ChangelogRecord> second = {{"user-3", ""}, {"user-2", "bobby"}, {"", "empty key"}};
        KAPPA_VERIFY_OK(writer->write(topic, PartitionId(1), first));
        KAPPA_VERIFY_OK(writer->write(topic, PartitionId(1), second));
        KAPPA_VERIFY_OK(writer->write(topic, PartitionId(1), {})); // nothing to do

        std::vector<Read> expected = asRead(first);
        const std::vector<Read> more = asRead(second);
        expected.insert(expected.end(), more.begin(), more.end());
        KAPPA_ASSIGN_OR_FAIL(std::vector<Read> read, readAll(connection, topic, 1));
        QVERIFY2(read == expected, describe(read).c_str());
        KAPPA_ASSIGN_OR_FAIL(std::vector<Read> empty, readAll(connection, topic, 0));
        QVERIFY(empty.empty());
    }

private slots:
    void initTestCase() { m_cluster = std::make_unique<MockCluster>(); }
    void cleanupTestCase() { m_cluster.reset(); }

    void writeAndReadBack()
    {
        QVERIFY(m_cluster->createTopic("state", 2));
        writeTwoTransactionsAndReadBack(m_cluster->config(), "state");
    }

    // Writes of several threads to one writer are whole transactions, one
    // after the other: each write's records are contiguous in the partition.
    void concurrentWritesStayWhole()
    {
        QVERIFY(m_cluster->createTopic("concurrent", 1));
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> writer,
                             ChangelogWriter::open(m_cluster->config(), "concurrent"));
        constexpr int kThreads = 4;
        constexpr int kWrites = 5;
        constexpr int kRecords = 10;
        std::vector<Status> statuses(kThreads * kWrites);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                for (int w = 0; w < kWrites; ++w) {
                    std::vector<ChangelogRecord> records;
                    for (int r = 0; r < kRecords; ++r)
                        records.push_back({"w" + std::to_string(t * kWrites + w), std::to_string(r)});
                    statuses[static_cast<std::size_t>(t * kWrites + w)] = writer->write("concurrent",
                                                                                        PartitionId(0),
                                                                                        records);
                }
            });
        }
        for (std::thread &thread : threads)
            thread.join();
        for (const Status &status : statuses)
            KAPPA_VERIFY_OK(status);
        KAPPA_ASSIGN_OR_FAIL(std::vector<Read> read, readAll(m_cluster->config(), "concurrent", 0));
        QCOMPARE(read.size(), std::size_t{kThreads * kWrites * kRecords});
        for (std::size_t i = 0; i < read.size(); i += kRecords) {
            for (int r = 0; r < kRecords; ++r) {
                QCOMPARE(read[i + static_cast<std::size_t>(r)].first, read[i].first);
                QCOMPARE(*read[i + static_cast<std::size_t>(r)].second, std::to_string(r));
            }
        }
    }

    // A write of more records than the producer's local queue holds waits
    // for room instead of failing.
    void manyRecordsThroughASmallQueue()
    {
        QVERIFY(m_cluster->createTopic("small-queue", 1));
        KafkaLogConfig config = m_cluster->config();
        config.properties["queue.buffering.max.messages"] = "10";
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> writer,
                             ChangelogWriter::open(config, "small-queue"));
        std::vector<ChangelogRecord> records;
        for (int i = 0; i < 200; ++i)
            records.push_back({"k" + std::to_string(i), std::to_string(i)});
        KAPPA_VERIFY_OK(writer->write("small-queue", PartitionId(0), records));
        KAPPA_ASSIGN_OR_FAIL(std::vector<Read> read, readAll(config, "small-queue", 0));
        QVERIFY(read == asRead(records));
    }

    // What a newer writer's fencing does to the old one, with the broker's
    // answer injected (the mock itself never fences): the commit fails with
    // FailedPrecondition, and so does every later write.
    void fencedWriterStaysUnusable()
    {
        QVERIFY(m_cluster->createTopic("fenced", 1));
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> writer,
                             ChangelogWriter::open(m_cluster->config(), "fenced"));
        const std::vector<ChangelogRecord> records = {{"k", "v"}};
        KAPPA_VERIFY_OK(writer->write("fenced", PartitionId(0), records));
        rd_kafka_mock_push_request_errors(m_cluster->get(), kEndTxnApiKey, 1,
                                          RD_KAFKA_RESP_ERR_PRODUCER_FENCED);
        const Status fenced = writer->write("fenced", PartitionId(0), records);
        QVERIFY2(fenced.code() == StatusCode::FailedPrecondition, fenced.toString().c_str());
        const Status after = writer->write("fenced", PartitionId(0), records);
        QVERIFY2(after.code() == StatusCode::FailedPrecondition, after.toString().c_str());
        // A new writer of the same id works.
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> successor,
                             ChangelogWriter::open(m_cluster->config(), "fenced"));
        KAPPA_VERIFY_OK(successor->write("fenced", PartitionId(0), records));
    }

    // A record the broker rejects fails its transaction, which is aborted;
    // the writer goes on with the next one. (librdkafka 2.0.2 makes the next
    // transaction fail too, with OUT_OF_ORDER_SEQUENCE_NUMBER: the writer
    // retries that one once, which this shows.)
    void rejectedRecordAbortsOnlyItsWrite()
    {
        QVERIFY(m_cluster->createTopic("rejected", 1));
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> writer,
                             ChangelogWriter::open(m_cluster->config(), "rejected"));
        const std::vector<ChangelogRecord> records = {{"k", "v"}};
        rd_kafka_mock_push_request_errors(m_cluster->get(), kProduceApiKey, 1,
                                          RD_KAFKA_RESP_ERR_INVALID_RECORD);
        const Status failed = writer->write("rejected", PartitionId(0), records);
        QVERIFY2(failed.code() == StatusCode::InvalidArgument, failed.toString().c_str());
        KAPPA_VERIFY_OK(writer->write("rejected", PartitionId(0), records));
        KAPPA_VERIFY_OK(writer->write("rejected", PartitionId(0), records));
        // That the aborted record is not read is shown on the real broker
        // (abortedAndOpenTransactionsNotReadOnBroker): the mock returns it.
    }

    // A commit the coordinator refuses for the producer's state is aborted
    // and tried once more; if that fails too, the write is Aborted and the
    // writer goes on.
    void refusedCommitIsAbortedAndRetriedOnce()
    {
        QVERIFY(m_cluster->createTopic("refused", 1));
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> writer,
                             ChangelogWriter::open(m_cluster->config(), "refused"));
        const std::vector<ChangelogRecord> records = {{"k", "v"}};
        rd_kafka_mock_push_request_errors(m_cluster->get(), kEndTxnApiKey, 1,
                                          RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID);
        KAPPA_VERIFY_OK(writer->write("refused", PartitionId(0), records));
        // More refusals than the write's commit, retry and aborts can use
        // up; what is left is cleared below.
        const std::vector<rd_kafka_resp_err_t> refusals(8, RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID);
        rd_kafka_mock_push_request_errors_array(m_cluster->get(), kEndTxnApiKey, refusals.size(),
                                                refusals.data());
        const Status failed = writer->write("refused", PartitionId(0), records);
        QVERIFY2(failed.code() == StatusCode::Aborted, failed.toString().c_str());
        rd_kafka_mock_clear_request_errors(m_cluster->get(), kEndTxnApiKey);
        KAPPA_VERIFY_OK(writer->write("refused", PartitionId(0), records));
    }

    // A record larger than the producer sends (message.max.bytes) is refused
    // before the write begins a transaction.
    void oversizedRecordFailsTheWrite()
    {
        QVERIFY(m_cluster->createTopic("oversized", 1));
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> writer,
                             ChangelogWriter::open(m_cluster->config(), "oversized"));
        const std::vector<ChangelogRecord> records = {{"small", "v"}, {"big", std::string(2 << 20, 'x')}};
        const Status failed = writer->write("oversized", PartitionId(0), records);
        QVERIFY2(failed.code() == StatusCode::InvalidArgument, failed.toString().c_str());
        const std::vector<ChangelogRecord> next = {{"k", "v"}};
        KAPPA_VERIFY_OK(writer->write("oversized", PartitionId(0), next));
    }

    void unknownPartitionAndBadArguments()
    {
        // The mock creates every topic a client asks metadata for (with 4
        // partitions), so NotFound for a topic that does not exist is shown
        // on the real broker (writeAndReadBackOnBroker); an unknown
        // partition of a topic that exists is NotFound here too.
        QVERIFY(m_cluster->createTopic("two-partitions", 2));
        QCOMPARE(readAll(m_cluster->config(), "two-partitions", 2).status().code(), StatusCode::NotFound);
        QCOMPARE(readAll(m_cluster->config(), "", 0).status().code(), StatusCode::InvalidArgument);
        QCOMPARE(readAll(m_cluster->config(), "t", -1).status().code(), StatusCode::InvalidArgument);
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> writer,
                             ChangelogWriter::open(m_cluster->config(), "bad-arguments"));
        const std::vector<ChangelogRecord> records = {{"k", "v"}};
        QCOMPARE(writer->write("", PartitionId(0), records).code(), StatusCode::InvalidArgument);
        QCOMPARE(writer->write("t", PartitionId(-1), records).code(), StatusCode::InvalidArgument);
    }

    void badConfig()
    {
        KafkaLogConfig config = m_cluster->config();
        QCOMPARE(ChangelogWriter::open(config, "").status().code(), StatusCode::InvalidArgument);
        config.properties["transactional.id"] = "x";
        QCOMPARE(ChangelogWriter::open(config, "id").status().code(), StatusCode::InvalidArgument);
        config.properties = {{"transaction.timeout.ms", "1000"}};
        QCOMPARE(ChangelogWriter::open(config, "id").status().code(), StatusCode::InvalidArgument);
        config.properties = {{"isolation.level", "read_uncommitted"}};
        QCOMPARE(readAll(config, "state", 0).status().code(), StatusCode::InvalidArgument);
        config.properties = {{"no.such.property", "1"}};
        QCOMPARE(ChangelogWriter::open(config, "id").status().code(), StatusCode::InvalidArgument);
    }

    void noCluster()
    {
        KafkaLogConfig config = m_cluster->config();
        config.bootstrapServers = "127.0.0.1:1"; // nothing listens there
        config.connectTimeout = 1s;
        config.requestTimeout = 1s;
        const auto start = std::chrono::steady_clock::now();
        QCOMPARE(ChangelogWriter::open(config, "lonely").status().code(), StatusCode::Unavailable);
        QCOMPARE(readAll(config, "state", 0).status().code(), StatusCode::Unavailable);
        QVERIFY(std::chrono::steady_clock::now() - start < 10s);
    }

    // The real broker (tests/kafka/broker) from here on.

    // On a compacted topic, as the cluster module creates them; the commit
    // markers leave gaps in the offsets, which the read must get across.
    void writeAndReadBackOnBroker()
    {
        QString address;
        KAPPA_KAFKA_BROKER_OR_SKIP(address);
        KafkaLogConfig connection;
        connection.bootstrapServers = address.toStdString();
        const std::string topic = "changelog-" + m_suffix;
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<KafkaLog> log, KafkaLog::open(connection));
        KAPPA_VERIFY_OK(log->createTopic(topic, 2, {{"cleanup.policy", "compact"}}));
        writeTwoTransactionsAndReadBack(connection, topic);
        // Six records and two commit markers.
        KAPPA_ASSIGN_OR_FAIL(Offset end, log->endOffset(topic, PartitionId(1)));
        QCOMPARE(end.value(), 8);
        QCOMPARE(readAll(connection, "no-such-topic-" + m_suffix, 0).status().code(), StatusCode::NotFound);
    }

    // The coordinator confirms a commit before the commit marker is in the
    // partition; write() returns only once its records are readable, so a
    // read right after it (an instance taking the task over) sees them.
    void readAfterWriteOnBroker()
    {
        QString address;
        KAPPA_KAFKA_BROKER_OR_SKIP(address);
        KafkaLogConfig connection;
        connection.bootstrapServers = address.toStdString();
        const std::string topic = "changelog-read-after-write-" + m_suffix;
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<KafkaLog> log, KafkaLog::open(connection));
        KAPPA_VERIFY_OK(log->createTopic(topic, TopicConfig{1}));
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> writer,
                             ChangelogWriter::open(connection, "read-after-write-" + m_suffix));
        std::vector<Read> expected;
        for (int i = 0; i < 20; ++i) {
            const std::vector<ChangelogRecord> records = {{"k" + std::to_string(i), std::to_string(i)}};
            KAPPA_VERIFY_OK(writer->write(topic, PartitionId(0), records));
            expected.emplace_back(records[0].key, records[0].value);
            KAPPA_ASSIGN_OR_FAIL(std::vector<Read> read, readAll(connection, topic, 0));
            QVERIFY2(read == expected, ("after write " + std::to_string(i) + ": " + describe(read)).c_str());
        }
    }

    void fencingOnBroker()
    {
        QString address;
        KAPPA_KAFKA_BROKER_OR_SKIP(address);
        KafkaLogConfig connection;
        connection.bootstrapServers = address.toStdString();
        const std::string topic = "changelog-fencing-" + m_suffix;
        const std::string id = "fencing-" + m_suffix;
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<KafkaLog> log, KafkaLog::open(connection));
        KAPPA_VERIFY_OK(log->createTopic(topic, TopicConfig{1}));

        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> older, ChangelogWriter::open(connection, id));
        const std::vector<ChangelogRecord> before = {{"k", "from the older writer"}};
        KAPPA_VERIFY_OK(older->write(topic, PartitionId(0), before));
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> newer, ChangelogWriter::open(connection, id));

        const std::vector<ChangelogRecord> late = {{"k", "too late"}};
        const Status fenced = older->write(topic, PartitionId(0), late);
        QVERIFY2(fenced.code() == StatusCode::FailedPrecondition, fenced.toString().c_str());
        const Status still = older->write(topic, PartitionId(0), late);
        QVERIFY2(still.code() == StatusCode::FailedPrecondition, still.toString().c_str());

        const std::vector<ChangelogRecord> after = {{"k", "from the newer writer"}};
        KAPPA_VERIFY_OK(newer->write(topic, PartitionId(0), after));
        KAPPA_ASSIGN_OR_FAIL(std::vector<Read> read, readAll(connection, topic, 0));
        const std::vector<Read> expected = {{"k", "from the older writer"}, {"k", "from the newer writer"}};
        QVERIFY2(read == expected, describe(read).c_str());
    }

    // An aborted transaction's records are never read, and a read stops at
    // the last stable offset: before a transaction still open, even when
    // committed records follow it.
    void abortedAndOpenTransactionsNotReadOnBroker()
    {
        QString address;
        KAPPA_KAFKA_BROKER_OR_SKIP(address);
        KafkaLogConfig connection;
        connection.bootstrapServers = address.toStdString();
        connection.lingerTime = 1ms;
        // A write behind another producer's open transaction waits this long
        // for its records to become readable, which they cannot yet.
        connection.requestTimeout = 2s;
        const std::string topic = "changelog-aborts-" + m_suffix;
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<KafkaLog> log, KafkaLog::open(connection));
        // The broker refuses batches over 2000 bytes (the client would send 1 MB).
        KAPPA_VERIFY_OK(log->createTopic(topic, 1, {{"max.message.bytes", "2000"}}));
        KAPPA_ASSIGN_OR_FAIL(std::unique_ptr<ChangelogWriter> writer,
                             ChangelogWriter::open(connection, "aborts-" + m_suffix));

        const std::vector<ChangelogRecord> committed = {{"a", "1"}};
        KAPPA_VERIFY_OK(writer->write(topic, PartitionId(0), committed));
        // The broker rejects the big record (and perhaps the small one with
        // it, in one batch): the writer aborts its transaction.
        const std::vector<ChangelogRecord> rejected = {{"rejected", "small"}, {"big", noise(4000)}};
        const Status failed = writer->write(topic, PartitionId(0), rejected);
        QVERIFY2(failed.code() == StatusCode::InvalidArgument, failed.toString().c_str());
        // Larger than the client sends at all: refused before a transaction begins.
        const std::vector<ChangelogRecord> huge = {{"huge", std::string(2 << 20, 'x')}};
        QCOMPARE(writer->write(topic, PartitionId(0), huge).code(), StatusCode::InvalidArgument);
        // An abort of records that certainly reached the broker.
        {
            OpenTransaction aborted(connection.bootstrapServers, "aborted-" + m_suffix);
            QVERIFY(aborted.begin(topic, 0, "aborted", "by the broker"));
            QVERIFY(aborted.abort());
        }
        const std::vector<ChangelogRecord> later = {{"b", "2"}};
        KAPPA_VERIFY_OK(writer->write(topic, PartitionId(0), later));
        KAPPA_ASSIGN_OR_FAIL(std::vector<Read> read, readAll(connection, topic, 0));
        std::vector<Read> expected = {{"a", "1"}, {"b", "2"}};
        QVERIFY2(read == expected, describe(read).c_str());

        // A transaction left open by another producer holds the last stable
        // offset back: what the writer commits after it is not read yet (the
        // write returns after requestTimeout), and the read still ends.
        OpenTransaction open(connection.bootstrapServers, "open-" + m_suffix);
        QVERIFY(open.begin(topic, 0, "open", "pending"));
        const std::vector<ChangelogRecord> behind = {{"c", "3"}};
        KAPPA_VERIFY_OK(writer->write(topic, PartitionId(0), behind));
        KAPPA_ASSIGN_OR_FAIL(read, readAll(connection, topic, 0));
        QVERIFY2(read == expected, describe(read).c_str());

        QVERIFY(open.commit());
        expected = {{"a", "1"}, {"b", "2"}, {"open", "pending"}, {"c", "3"}};
        KAPPA_ASSIGN_OR_FAIL(read, readAll(connection, topic, 0));
        QVERIFY2(read == expected, describe(read).c_str());
    }
};

QTEST_APPLESS_MAIN(TestKafkaChangelog)
#include "test_kafka_changelog.moc"
