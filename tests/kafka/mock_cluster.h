// librdkafka's built-in mock Kafka cluster for the KafkaLog suites: real
// Kafka protocol on loopback sockets, in-process, with fault injection.
//
// What the mock of librdkafka 2.0.2 cannot do, and so must be tested against
// a real broker instead (tests/kafka/broker runs one): CreateTopics and DeleteTopics
// (no answer at all, so topics are made with rd_kafka_mock_topic_create), and
// ListOffsets by timestamp (every timestamp answers "none", so offsetForTime
// only sees the "no record at or after t" case here).
#pragma once

#include "kappa/kafka_log.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <stdexcept>
#include <string>

namespace kappa::kafkatest {

class MockCluster
{
public:
    explicit MockCluster(int brokers = 1)
    {
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        char error[256] = {};
        // The owning client never connects anywhere; silence its warning about that.
        rd_kafka_conf_set(conf, "log_level", "3", error, sizeof error);
        m_owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
        if (!m_owner)
            throw std::runtime_error(error);
        m_cluster = rd_kafka_mock_cluster_new(m_owner, brokers);
        if (!m_cluster) {
            rd_kafka_destroy(m_owner);
            throw std::runtime_error("rd_kafka_mock_cluster_new failed");
        }
    }
    ~MockCluster()
    {
        rd_kafka_mock_cluster_destroy(m_cluster);
        rd_kafka_destroy(m_owner);
    }
    MockCluster(const MockCluster &) = delete;
    MockCluster &operator=(const MockCluster &) = delete;

    rd_kafka_mock_cluster_t *get() const { return m_cluster; }
    std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(m_cluster); }

    bool createTopic(const std::string &name, int partitions)
    {
        return rd_kafka_mock_topic_create(m_cluster, name.c_str(), partitions, 1)
               == RD_KAFKA_RESP_ERR_NO_ERROR;
    }

    // A config with short timeouts, so a failing test fails in seconds.
    KafkaLogConfig config() const
    {
        KafkaLogConfig config;
        config.bootstrapServers = bootstraps();
        config.clientId = "kappa-test";
        config.lingerTime = std::chrono::milliseconds(1);
        config.connectTimeout = std::chrono::milliseconds(5000);
        config.requestTimeout = std::chrono::milliseconds(5000);
        config.deliveryTimeout = std::chrono::milliseconds(20000);
        config.closeTimeout = std::chrono::milliseconds(2000);
        return config;
    }

private:
    rd_kafka_t *m_owner = nullptr;
    rd_kafka_mock_cluster_t *m_cluster = nullptr;
};

} // namespace kappa::kafkatest
