// A raw transactional producer for the Kafka tests on the real broker: a
// transaction whose record reached the broker, then aborted or held open,
// which the engine's own writers never leave behind.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>

class OpenTransaction
{
public:
    OpenTransaction(const std::string &bootstrap, const std::string &transactionalId)
    {
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        char error[256] = {};
        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), error, sizeof error);
        rd_kafka_conf_set(conf, "transactional.id", transactionalId.c_str(), error, sizeof error);
        m_client = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    }
    ~OpenTransaction()
    {
        if (m_client)
            rd_kafka_destroy(m_client);
    }
    OpenTransaction(const OpenTransaction &) = delete;
    OpenTransaction &operator=(const OpenTransaction &) = delete;

    // Begins a transaction and delivers one record in it (the broker has it).
    bool begin(const std::string &topic, int partition, const std::string &key, const std::string &value)
    {
        if (!m_client || !ok(rd_kafka_init_transactions(m_client, 30'000))
            || !ok(rd_kafka_begin_transaction(m_client)))
            return false;
        rd_kafka_vu_t fields[5];
        fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
        fields[0].u.cstr = topic.c_str();
        fields[1].vtype = RD_KAFKA_VTYPE_PARTITION;
        fields[1].u.i32 = partition;
        fields[2].vtype = RD_KAFKA_VTYPE_KEY;
        fields[2].u.mem.ptr = const_cast<char *>(key.data());
        fields[2].u.mem.size = key.size();
        fields[3].vtype = RD_KAFKA_VTYPE_VALUE;
        fields[3].u.mem.ptr = const_cast<char *>(value.data());
        fields[3].u.mem.size = value.size();
        fields[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        fields[4].u.i = RD_KAFKA_MSG_F_COPY;
        if (!ok(rd_kafka_produceva(m_client, fields, 5)))
            return false;
        return rd_kafka_flush(m_client, 30'000) == RD_KAFKA_RESP_ERR_NO_ERROR;
    }
    bool commit() { return ok(rd_kafka_commit_transaction(m_client, 30'000)); }
    bool abort() { return ok(rd_kafka_abort_transaction(m_client, 30'000)); }

private:
    static bool ok(rd_kafka_error_t *error)
    {
        if (!error)
            return true;
        qWarning("%s", rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
        return false;
    }

    rd_kafka_t *m_client = nullptr;
};
