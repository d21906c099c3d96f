// KafkaLog under faults, on librdkafka's mock cluster: a broker that goes
// down and comes back, injected Produce errors (retriable and not), no
// broker at all, and configurations librdkafka rejects.
#include "mock_cluster.h"
#include "test_support.h"

#include <chrono>
#include <future>
#include <thread>

using namespace kappa;
using namespace kappa::kafkatest;

namespace {

constexpr std::int16_t kProduceApiKey = 0; // Kafka protocol ApiKey of Produce

// The number of records in a partition, read back one by one.
Result<std::vector<std::string>> readAll(KafkaLog &log, const std::string &topic, std::int32_t p)
{
    std::vector<std::string> values;
    RecordBatch batch;
    Offset next(0);
    do {
        KAPPA_RETURN_IF_ERROR(log.read(topic, PartitionId(p), next, 1 << 20, batch));
        for (const RecordView &r : batch)
            values.emplace_back(r.value);
        next = batch.nextOffset();
    } while (!batch.empty());
    return values;
}

} // namespace

class TestKafkaFaults : public QObject
{
    Q_OBJECT

private slots:
    void brokerDownThenUp()
    {
        MockCluster cluster;
        QVERIFY(cluster.createTopic("events", 2));
        KAPPA_ASSIGN_OR_FAIL(auto log, KafkaLog::open(cluster.config()));
        const Record first{"k", "before"};
        KAPPA_ASSIGN_OR_FAIL(Offset offset,
                             log->appendToPartition("events", PartitionId(0), std::span(&first, 1)));
        QCOMPARE(offset.value(), 0);

        QCOMPARE(rd_kafka_mock_broker_set_down(cluster.get(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
        const Record second{"k", "while down"};
        auto pending = std::async(std::launch::async, [&] {
            return log->appendToPartition("events", PartitionId(0), std::span(&second, 1));
        });
        // Not durable while the only broker is down, so the append must wait.
        QCOMPARE(pending.wait_for(std::chrono::milliseconds(500)), std::future_status::timeout);
        QCOMPARE(rd_kafka_mock_broker_set_up(cluster.get(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
        QCOMPARE(pending.wait_for(std::chrono::seconds(15)), std::future_status::ready);
        Result<Offset> appended = pending.get();
        QVERIFY2(appended.isOk(), appended.status().toString().c_str());
        QCOMPARE(appended->value(), 1);
        KAPPA_ASSIGN_OR_FAIL(auto values, readAll(*log, "events", 0));
        QCOMPARE(values, (std::vector<std::string>{"before", "while down"}));
    }

    void retriableProduceErrorAppendsOnce()
    {
        MockCluster cluster;
        QVERIFY(cluster.createTopic("events", 1));
        KAPPA_ASSIGN_OR_FAIL(auto log, KafkaLog::open(cluster.config()));
        const Record warmup{"k", "warmup"};
        KAPPA_VERIFY_OK(log->appendToPartition("events", PartitionId(0), std::span(&warmup, 1)).status());

        const rd_kafka_resp_err_t errors[] = {RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                                              RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS};
        rd_kafka_mock_push_request_errors_array(cluster.get(), kProduceApiKey, 2, errors);
        const Record record{"k", "retried"};
        KAPPA_ASSIGN_OR_FAIL(Offset offset,
                             log->appendToPartition("events", PartitionId(0), std::span(&record, 1)));
        QCOMPARE(offset.value(), 1);
        KAPPA_ASSIGN_OR_FAIL(auto values, readAll(*log, "events", 0));
        QCOMPARE(values, (std::vector<std::string>{"warmup", "retried"}));
    }

    void permanentProduceErrorFailsTheAppend()
    {
        MockCluster cluster;
        QVERIFY(cluster.createTopic("events", 1));
        KAPPA_ASSIGN_OR_FAIL(auto log, KafkaLog::open(cluster.config()));
        const Record warmup{"k", "warmup"};
        KAPPA_VERIFY_OK(log->appendToPartition("events", PartitionId(0), std::span(&warmup, 1)).status());

        // The broker refuses the batch for good: no retry can help.
        const rd_kafka_resp_err_t errors[] = {RD_KAFKA_RESP_ERR_INVALID_RECORD};
        rd_kafka_mock_push_request_errors_array(cluster.get(), kProduceApiKey, 1, errors);
        const Record record{"k", "refused"};
        const Status status = log->appendToPartition("events", PartitionId(0), std::span(&record, 1)).status();
        QCOMPARE(status.code(), StatusCode::InvalidArgument);
        QVERIFY2(QString::fromStdString(status.message()).contains("INVALID_RECORD"),
                 status.message().c_str());
        QVERIFY2(QString::fromStdString(status.message()).contains("events[0]"), status.message().c_str());

        // The producer is still usable and nothing was appended twice.
        const Record after{"k", "after"};
        KAPPA_VERIFY_OK(log->appendToPartition("events", PartitionId(0), std::span(&after, 1)).status());
        KAPPA_ASSIGN_OR_FAIL(auto values, readAll(*log, "events", 0));
        QCOMPARE(values, (std::vector<std::string>{"warmup", "after"}));
    }

    void openWithoutBrokerFailsInBoundedTime()
    {
        KafkaLogConfig config;
        config.bootstrapServers = "127.0.0.1:1"; // nothing listens on port 1
        config.connectTimeout = std::chrono::milliseconds(500);
        const auto start = std::chrono::steady_clock::now();
        auto log = KafkaLog::open(config);
        const auto elapsed = std::chrono::steady_clock::now() - start;
        QCOMPARE(log.status().code(), StatusCode::Unavailable);
        QVERIFY2(QString::fromStdString(log.status().message()).contains("127.0.0.1:1"),
                 log.status().message().c_str());
        // Generous: the point is that it does not hang, not how fast it is.
        QVERIFY(elapsed < std::chrono::seconds(5));
    }

    void closeDoesNotHangWithBrokerDown()
    {
        MockCluster cluster;
        QVERIFY(cluster.createTopic("events", 1));
        KafkaLogConfig config = cluster.config();
        config.closeTimeout = std::chrono::milliseconds(300);
        KAPPA_ASSIGN_OR_FAIL(auto log, KafkaLog::open(config));
        RecordBatch batch;
        KAPPA_VERIFY_OK(log->read("events", PartitionId(0), Offset(0), 1024, batch));
        QCOMPARE(rd_kafka_mock_broker_set_down(cluster.get(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
        const auto start = std::chrono::steady_clock::now();
        log.reset();
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    }

    void badConfiguration_data()
    {
        QTest::addColumn<QString>("property");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown property") << "no.such.property"
                                          << "1"
                                          << "no.such.property";
        QTest::newRow("bad value") << "socket.keepalive.enable"
                                   << "maybe"
                                   << "socket.keepalive.enable";
        QTest::newRow("managed by KafkaLog") << "acks"
                                             << "1"
                                             << "set by KafkaLog";
        QTest::newRow("idempotence is not optional") << "enable.idempotence"
                                                     << "false"
                                                     << "set by KafkaLog";
    }

    void badConfiguration()
    {
        QFETCH(QString, property);
        QFETCH(QString, value);
        QFETCH(QString, mentions);
        MockCluster cluster;
        KafkaLogConfig config = cluster.config();
        config.properties[property.toStdString()] = value.toStdString();
        auto log = KafkaLog::open(config);
        QCOMPARE(log.status().code(), StatusCode::InvalidArgument);
        QVERIFY2(QString::fromStdString(log.status().message()).contains(mentions),
                 log.status().message().c_str());
    }

    void badSettings()
    {
        MockCluster cluster;
        KafkaLogConfig config = cluster.config();
        config.compression = "bogus";
        QCOMPARE(KafkaLog::open(config).status().code(), StatusCode::InvalidArgument);
        config = cluster.config();
        config.bootstrapServers.clear();
        QCOMPARE(KafkaLog::open(config).status().code(), StatusCode::InvalidArgument);
        config = cluster.config();
        config.readerCursors = 1;
        config.readerHandles = 2;
        QCOMPARE(KafkaLog::open(config).status().code(), StatusCode::InvalidArgument);
        // Security settings pass through.
        config = cluster.config();
        config.properties["security.protocol"] = "plaintext";
        KAPPA_VERIFY_OK(KafkaLog::open(config).status());
    }
};

QTEST_APPLESS_MAIN(TestKafkaFaults)
#include "test_kafka_faults.moc"
