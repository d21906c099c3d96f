#include "kafka/changelog_topic.h"

#include "kafka/client_config.h"
#include "kafka/errors.h"
#include "kafka/handles.h"
#include "kafka/offsets.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace kappa::kafka {

namespace {

// The broker's default transaction.max.timeout.ms: a longer transaction
// timeout would make init_transactions fail for good.
constexpr std::chrono::milliseconds kMaxTransactionTimeout{900'000};

// Properties the changelog clients set themselves, on top of those KafkaLog
// refuses (transactional.id, enable.idempotence, acks, ...).
constexpr std::array<std::string_view, 2> kChangelogProperties = {"transaction.timeout.ms",
                                                                  "isolation.level"};

Status setProperty(rd_kafka_conf_t *conf, const std::string &name, const std::string &value)
{
    char error[512] = {};
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK)
        return Status::invalidArgument("Kafka property " + name + ": " + error);
    return Status::ok();
}

Status checkProperties(const KafkaLogConfig &connection)
{
    for (const auto &[name, value] : connection.properties) {
        for (std::string_view managed : kChangelogProperties) {
            if (name == managed)
                return Status::invalidArgument(
                    "Kafka property " + name
                    + " is set by the changelog clients and cannot be passed through");
        }
    }
    return Status::ok();
}

std::string partitionName(std::string_view topic, PartitionId partition)
{
    return std::string(topic) + "[" + std::to_string(partition.value()) + "]";
}

// librdkafka tells a null key or value (nullptr) from an empty one by the
// pointer; an empty std::string's data() is never null, but say so anyway.
const void *bytesOf(std::string_view bytes)
{
    static constexpr char kEmpty[] = "";
    return bytes.data() ? bytes.data() : kEmpty;
}

// Errors of the transaction coordinator that only mean "not now".
bool coordinatorBusy(rd_kafka_resp_err_t err)
{
    return err == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE || err == RD_KAFKA_RESP_ERR_NOT_COORDINATOR
           || err == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS
           || err == RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS || err == RD_KAFKA_RESP_ERR__WAIT_COORD;
}

// The Status for a failed transactional call (error is not null): fatal
// errors (fenced by a newer writer, or not authorized) leave the producer
// unusable, which is a FailedPrecondition; retriable ones are Unavailable;
// the rest is what the underlying error code means, or Aborted.
Status transactionStatus(const rd_kafka_error_t *error, const std::string &context)
{
    const rd_kafka_resp_err_t err = rd_kafka_error_code(error);
    const std::string message = context + ": " + rd_kafka_error_name(error) + " ("
                                + rd_kafka_error_string(error) + ")";
    if (rd_kafka_error_is_fatal(error) || err == RD_KAFKA_RESP_ERR__FATAL || err == RD_KAFKA_RESP_ERR__FENCED
        || err == RD_KAFKA_RESP_ERR_PRODUCER_FENCED || err == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH)
        return Status::failedPrecondition(message);
    if (rd_kafka_error_is_retriable(error) || coordinatorBusy(err))
        return Status::unavailable(message);
    StatusCode code = errorStatus(err, "").code();
    // An aborted transaction failed by the producer's state rather than by
    // its records (sequence numbers, producer id): it may simply be retried.
    if (code == StatusCode::Internal && rd_kafka_error_txn_requires_abort(error))
        code = StatusCode::Aborted;
    return Status(code, message);
}

// The producer's message.max.bytes: librdkafka refuses a record whose key
// and value (plus some framing) exceed it.
std::size_t maxRecordBytes(rd_kafka_t *client)
{
    char value[32] = {};
    std::size_t size = sizeof value;
    if (rd_kafka_conf_get(rd_kafka_conf(client), "message.max.bytes", value, &size) != RD_KAFKA_CONF_OK)
        return SIZE_MAX;
    return std::strtoull(value, nullptr, 10);
}

// How often write() asks whether its records became stable.
constexpr std::chrono::milliseconds kStablePollInterval{5};

// Delivery reports, served in the thread that flushes: keep the highest
// offset of the transaction's records.
void onDelivery(rd_kafka_t *, const rd_kafka_message_t *message, void *)
{
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR || !message->_private)
        return;
    auto &last = *static_cast<std::atomic<std::int64_t> *>(message->_private);
    std::int64_t seen = last.load();
    while (message->offset > seen && !last.compare_exchange_weak(seen, message->offset)) {
    }
}

// A consumer client (KafkaLog's reader configuration) with
// isolation.level=read_committed: it never returns records of aborted or open
// transactions, and its ListOffsets answers the last stable offset as the end.
Result<ClientPtr> readCommittedClient(const KafkaLogConfig &connection, bool reportPartitionEnd)
{
    KAPPA_ASSIGN_OR_RETURN(ConfPtr conf, consumerConf(connection));
    rd_kafka_conf_t *c = conf.get();
    KAPPA_RETURN_IF_ERROR(setProperty(c, "isolation.level", "read_committed"));
    KAPPA_RETURN_IF_ERROR(setProperty(c, "enable.partition.eof", reportPartitionEnd ? "true" : "false"));
    char error[512] = {};
    // rd_kafka_new takes ownership of conf only on success.
    ClientPtr client(rd_kafka_new(RD_KAFKA_CONSUMER, c, error, sizeof error));
    if (!client)
        return Status::invalidArgument(std::string("creating a read_committed consumer: ") + error);
    conf.release();
    return client;
}

} // namespace

class ChangelogWriter::Impl
{
public:
    Impl(ClientPtr client, ClientPtr stableOffsets, const KafkaLogConfig &connection,
         std::string transactionalId, std::chrono::milliseconds transactionTimeout)
        : m_client(std::move(client))
        , m_stableOffsets(std::move(stableOffsets))
        , m_connection(connection)
        , m_transactionalId(std::move(transactionalId))
        , m_transactionTimeout(transactionTimeout)
        , m_maxRecordBytes(maxRecordBytes(m_client.get()))
    {}

    ~Impl()
    {
        // Only a write whose end could not be settled leaves a transaction
        // open (see fail()); the coordinator would abort it after the
        // transaction timeout anyway, this just does it sooner.
        if (m_inTransaction) {
            if (rd_kafka_error_t *error = rd_kafka_abort_transaction(m_client.get(),
                                                                     static_cast<int>(
                                                                         m_connection.closeTimeout.count())))
                rd_kafka_error_destroy(error);
        }
        // Nothing undelivered may keep rd_kafka_destroy waiting.
        rd_kafka_purge(m_client.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_flush(m_client.get(), 100);
    }

    Status write(std::string_view topic, PartitionId partition, std::span<const ChangelogRecord> records);

private:
    Status transaction(const std::string &topic, PartitionId partition,
                       std::span<const ChangelogRecord> records, const std::string &where,
                       rd_kafka_resp_err_t *cause);
    Status produce(const std::string &topic, PartitionId partition, const ChangelogRecord &record,
                   rd_kafka_resp_err_t *cause);
    void awaitVisible(const std::string &topic, PartitionId partition);
    Status abortAfter(Status failure);
    Status fail(const rd_kafka_error_t *error, const std::string &context);

    // The highest offset delivered in the current transaction (-1: none),
    // set by the delivery reports, which rd_kafka_flush serves. Declared
    // before the clients, so it outlives any report they still serve.
    std::atomic<std::int64_t> m_lastDelivered{-1};
    ClientPtr m_client;
    // A read_committed consumer that sends nothing but ListOffsets, whose
    // end is then the last stable offset (see awaitVisible()).
    ClientPtr m_stableOffsets;
    const KafkaLogConfig m_connection;
    const std::string m_transactionalId;
    const std::chrono::milliseconds m_transactionTimeout;
    const std::size_t m_maxRecordBytes;

    std::mutex m_mutex; // one transaction at a time; guards what follows
    bool m_inTransaction = false;
    // Set once the producer is unusable: every later write returns it.
    Status m_broken;
};

Status ChangelogWriter::Impl::write(std::string_view topic, PartitionId partition,
                                    std::span<const ChangelogRecord> records)
{
    if (topic.empty() || partition.value() < 0)
        return Status::invalidArgument("changelog write to " + partitionName(topic, partition)
                                       + ": needs a topic and a partition >= 0");
    std::lock_guard lock(m_mutex);
    if (!m_broken.isOk())
        return m_broken;
    // A fatal error (fenced) may have been raised in the background since
    // the last write, e.g. while the producer idled.
    char fatal[512] = {};
    if (const rd_kafka_resp_err_t err = rd_kafka_fatal_error(m_client.get(), fatal, sizeof fatal)) {
        m_broken = Status::failedPrecondition("changelog writer " + m_transactionalId
                                              + " is unusable (reopen it): " + describeError(err) + ": "
                                              + fatal);
        return m_broken;
    }
    if (records.empty())
        return Status::ok();
    // A record too large for the producer would fail only once the records
    // before it are on their way; refused here, no transaction is begun.
    for (std::size_t i = 0; i < records.size(); ++i) {
        const std::size_t bytes = records[i].key.size() + (records[i].value ? records[i].value->size() : 0);
        if (bytes > m_maxRecordBytes)
            return Status::invalidArgument("changelog write to " + partitionName(topic, partition)
                                           + ": record " + std::to_string(i) + " has " + std::to_string(bytes)
                                           + " bytes of key and value, more than message.max.bytes ("
                                           + std::to_string(m_maxRecordBytes) + ")");
    }
    const std::string where = "changelog write to " + partitionName(topic, partition) + " as "
                              + m_transactionalId;
    rd_kafka_resp_err_t cause = RD_KAFKA_RESP_ERR_NO_ERROR;
    const Status status = transaction(std::string(topic), partition, records, where, &cause);
    // The producer's state, not these records, failed the transaction: after
    // a batch the broker rejected, librdkafka 2.0.2 goes on with sequence
    // numbers the broker never saw, so the next transaction fails with
    // OUT_OF_ORDER_SEQUENCE_NUMBER (and a producer id the broker dropped
    // gives UNKNOWN_PRODUCER_ID). Its abort gave the producer a new epoch,
    // and nothing of the aborted attempt is visible, so trying once more
    // cannot duplicate a record.
    const bool producerStateLost = cause == RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER
                                   || cause == RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID;
    if (status.isOk() || !producerStateLost || !m_broken.isOk() || m_inTransaction)
        return status;
    return transaction(std::string(topic), partition, records, where, &cause);
}

// One transaction with all of records; on failure it is aborted (unless the
// writer became unusable) and *cause is librdkafka's error code.
Status ChangelogWriter::Impl::transaction(const std::string &topic, PartitionId partition,
                                          std::span<const ChangelogRecord> records, const std::string &where,
                                          rd_kafka_resp_err_t *cause)
{
    rd_kafka_t *client = m_client.get();
    if (rd_kafka_error_t *error = rd_kafka_begin_transaction(client)) {
        *cause = rd_kafka_error_code(error);
        const Status status = fail(error, where + ": beginning the transaction");
        rd_kafka_error_destroy(error);
        return status;
    }
    m_inTransaction = true;
    m_lastDelivered.store(-1);
    for (const ChangelogRecord &record : records) {
        if (Status status = produce(topic, partition, record, cause); !status.isOk()) {
            // Lets librdkafka finish registering the partition with the
            // coordinator first: librdkafka 2.0.2 may otherwise send the
            // abort for a transaction the coordinator does not know yet,
            // which it answers with INVALID_TXN_STATE, a fatal error.
            rd_kafka_flush(client, static_cast<int>(m_connection.requestTimeout.count()));
            return abortAfter(status.withContext(where));
        }
    }
    // Delivering first, with its own bound, leaves a stalled delivery to the
    // abort below; the commit then only waits for the coordinator.
    if (const rd_kafka_resp_err_t err = rd_kafka_flush(client,
                                                       static_cast<int>(m_transactionTimeout.count()))) {
        *cause = err;
        return abortAfter(errorStatus(err, where + ": records not delivered within "
                                               + std::to_string(m_transactionTimeout.count()) + " ms"));
    }
    // -1: the rest of the transaction timeout, as librdkafka recommends.
    if (rd_kafka_error_t *error = rd_kafka_commit_transaction(client, -1)) {
        *cause = rd_kafka_error_code(error);
        Status status = fail(error, where + ": committing");
        if (rd_kafka_error_txn_requires_abort(error))
            status = abortAfter(status);
        rd_kafka_error_destroy(error);
        return status;
    }
    m_inTransaction = false;
    awaitVisible(topic, partition);
    return Status::ok();
}

// The coordinator answers the commit before it writes the commit markers,
// and until the marker is in the partition (and replicated) the records stay
// above the last stable offset, invisible to read_committed readers: a reader
// that starts right after write() returned (another instance taking the task
// over) would miss them. So this waits, at most requestTimeout, until the
// last stable offset passes the last record. On a timeout the records are
// committed all the same, and become visible once the marker is written.
void ChangelogWriter::Impl::awaitVisible(const std::string &topic, PartitionId partition)
{
    const std::int64_t last = m_lastDelivered.load();
    if (last < 0)
        return;
    const auto deadline = std::chrono::steady_clock::now() + m_connection.requestTimeout;
    while (true) {
        const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (remaining.count() <= 0)
            return;
        Result<Watermarks> marks = queryWatermarks(m_stableOffsets.get(), topic, partition, remaining);
        if (marks.isOk() && marks->end.value() > last)
            return;
        std::this_thread::sleep_for(kStablePollInterval);
    }
}

Status ChangelogWriter::Impl::produce(const std::string &topic, PartitionId partition,
                                      const ChangelogRecord &record, rd_kafka_resp_err_t *cause)
{
    rd_kafka_vu_t fields[6];
    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
    fields[0].u.cstr = topic.c_str();
    fields[1].vtype = RD_KAFKA_VTYPE_PARTITION;
    fields[1].u.i32 = partition.value();
    fields[2].vtype = RD_KAFKA_VTYPE_KEY;
    fields[2].u.mem.ptr = const_cast<void *>(bytesOf(record.key));
    fields[2].u.mem.size = record.key.size();
    // A null value is the tombstone compaction deletes the key by.
    fields[3].vtype = RD_KAFKA_VTYPE_VALUE;
    fields[3].u.mem.ptr = record.value ? const_cast<void *>(bytesOf(*record.value)) : nullptr;
    fields[3].u.mem.size = record.value ? record.value->size() : 0;
    // COPY: the records are the caller's.
    fields[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    fields[4].u.i = RD_KAFKA_MSG_F_COPY;
    fields[5].vtype = RD_KAFKA_VTYPE_OPAQUE;
    fields[5].u.ptr = &m_lastDelivered;
    const auto deadline = std::chrono::steady_clock::now() + m_transactionTimeout;
    while (true) {
        rd_kafka_error_t *error = rd_kafka_produceva(m_client.get(), fields, 6);
        if (!error)
            return Status::ok();
        *cause = rd_kafka_error_code(error);
        // A full local queue is backpressure: delivered records leave it
        // once their reports are served, which this poll does. (Not
        // RD_KAFKA_MSG_F_BLOCK: it would wait for reports nobody serves.)
        if (*cause == RD_KAFKA_RESP_ERR__QUEUE_FULL && std::chrono::steady_clock::now() < deadline) {
            rd_kafka_error_destroy(error);
            rd_kafka_poll(m_client.get(), 100);
            continue;
        }
        Status status = transactionStatus(error, "producing");
        rd_kafka_error_destroy(error);
        return status;
    }
}

// Aborts the open transaction after `failure`, which is returned; the
// records are then visible to no read_committed reader.
Status ChangelogWriter::Impl::abortAfter(Status failure)
{
    if (!m_broken.isOk())
        return failure;
    // -1: the rest of the transaction timeout, as librdkafka recommends.
    if (rd_kafka_error_t *error = rd_kafka_abort_transaction(m_client.get(), -1)) {
        const Status status = fail(error, "aborting after: " + failure.message());
        rd_kafka_error_destroy(error);
        // A fatal error outranks the one that made us abort.
        return status.code() == StatusCode::FailedPrecondition ? status : failure;
    }
    m_inTransaction = false;
    return failure;
}

// The Status of a failed begin, commit or abort. A fatal error (fenced) and
// an abort or commit that did not end (its outcome is then unknown, and
// librdkafka accepts no other transactional call until it ends) both leave
// the writer unusable: only a new writer, whose open() fences this one and
// settles the transaction, can go on.
Status ChangelogWriter::Impl::fail(const rd_kafka_error_t *error, const std::string &context)
{
    Status status = transactionStatus(error, context);
    const bool unsettled = m_inTransaction && !rd_kafka_error_txn_requires_abort(error);
    if (status.code() == StatusCode::FailedPrecondition) {
        m_broken = Status::failedPrecondition("changelog writer " + m_transactionalId
                                              + " is unusable (reopen it): " + status.message());
        m_inTransaction = false; // a fenced producer cannot abort
    } else if (unsettled) {
        m_broken = Status::failedPrecondition("changelog writer " + m_transactionalId
                                              + " left a transaction unsettled (reopen it): "
                                              + status.message());
    }
    return status;
}

Result<std::unique_ptr<ChangelogWriter>> ChangelogWriter::open(const KafkaLogConfig &connection,
                                                               std::string transactionalId)
{
    if (transactionalId.empty())
        return Status::invalidArgument("ChangelogWriter needs a transactional id");
    KAPPA_RETURN_IF_ERROR(checkProperties(connection));
    // KafkaLog's idempotent producer (acks=all), made transactional.
    KAPPA_ASSIGN_OR_RETURN(ConfPtr conf, producerConf(connection));
    rd_kafka_conf_t *c = conf.get();
    KAPPA_RETURN_IF_ERROR(setProperty(c, "transactional.id", transactionalId));
    // librdkafka wants every record delivered within the transaction timeout,
    // which also bounds each write (flush and commit) and how long an
    // abandoned transaction holds back readers.
    const std::chrono::milliseconds transactionTimeout = std::min(connection.deliveryTimeout,
                                                                  kMaxTransactionTimeout);
    KAPPA_RETURN_IF_ERROR(
        setProperty(c, "transaction.timeout.ms", std::to_string(transactionTimeout.count())));
    KAPPA_RETURN_IF_ERROR(setProperty(c, "message.timeout.ms", std::to_string(transactionTimeout.count())));
    rd_kafka_conf_set_dr_msg_cb(c, onDelivery);
    char error[512] = {};
    // rd_kafka_new takes ownership of conf only on success.
    ClientPtr client(rd_kafka_new(RD_KAFKA_PRODUCER, c, error, sizeof error));
    if (!client)
        return Status::invalidArgument(std::string("creating the changelog writer: ") + error);
    conf.release();
    // Fences any older writer of this id and settles its open transaction.
    if (rd_kafka_error_t *initError = rd_kafka_init_transactions(client.get(),
                                                                 static_cast<int>(
                                                                     connection.connectTimeout.count()))) {
        Status status = transactionStatus(initError, "initializing the transactions of " + transactionalId);
        if (rd_kafka_error_code(initError) == RD_KAFKA_RESP_ERR__TIMED_OUT)
            status = Status::unavailable("no Kafka transaction coordinator for " + transactionalId
                                         + " answered within "
                                         + std::to_string(connection.connectTimeout.count()) + " ms");
        rd_kafka_error_destroy(initError);
        return status;
    }
    KAPPA_ASSIGN_OR_RETURN(ClientPtr stableOffsets, readCommittedClient(connection, false));
    return std::unique_ptr<ChangelogWriter>(
        new ChangelogWriter(std::make_unique<Impl>(std::move(client), std::move(stableOffsets), connection,
                                                   std::move(transactionalId), transactionTimeout)));
}

ChangelogWriter::ChangelogWriter(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

ChangelogWriter::~ChangelogWriter() = default;

Status ChangelogWriter::write(std::string_view topic, PartitionId partition,
                              std::span<const ChangelogRecord> records)
{
    return m_impl->write(topic, partition, records);
}

namespace {

// One partition read with the legacy consumer API (no group is needed to read
// from the start), stopped and drained on destruction.
class PartitionReader
{
public:
    PartitionReader(rd_kafka_t *client, const std::string &topic, PartitionId partition)
        : m_partition(partition)
        , m_topic(rd_kafka_topic_new(client, topic.c_str(), nullptr))
    {}
    ~PartitionReader()
    {
        if (!m_started)
            return;
        rd_kafka_consume_stop(m_topic.get(), m_partition.value());
        // Messages still queued hold the partition and, through it, the
        // client: destroying the client would wait for them forever.
        while (rd_kafka_message_t *message = rd_kafka_consume(m_topic.get(), m_partition.value(), 0))
            rd_kafka_message_destroy(message);
    }
    PartitionReader(const PartitionReader &) = delete;
    PartitionReader &operator=(const PartitionReader &) = delete;

    rd_kafka_resp_err_t start(Offset from)
    {
        if (!m_topic)
            return rd_kafka_last_error();
        if (rd_kafka_consume_start(m_topic.get(), m_partition.value(), from.value()) == -1)
            return rd_kafka_last_error();
        m_started = true;
        return RD_KAFKA_RESP_ERR_NO_ERROR;
    }
    MessagePtr next(std::chrono::milliseconds timeout)
    {
        return MessagePtr(
            rd_kafka_consume(m_topic.get(), m_partition.value(), static_cast<int>(timeout.count())));
    }

private:
    const PartitionId m_partition;
    TopicPtr m_topic;
    bool m_started = false;
};

} // namespace

Result<Offset> readChangelog(
    const KafkaLogConfig &connection, std::string_view topic, PartitionId partition, Offset from,
    const std::function<void(std::string_view key, std::optional<std::string_view> value)> &visit)
{
    if (topic.empty() || partition.value() < 0)
        return Status::invalidArgument("reading changelog " + partitionName(topic, partition)
                                       + ": needs a topic and a partition >= 0");
    KAPPA_RETURN_IF_ERROR(checkProperties(connection));
    const std::string topicName(topic);
    const std::string where = "reading changelog " + partitionName(topic, partition);
    // The end of the partition is reported (enable.partition.eof) even when
    // the offsets before it are transaction markers or compacted away, which
    // no record shows.
    KAPPA_ASSIGN_OR_RETURN(ClientPtr client, readCommittedClient(connection, true));

    // With read_committed, ListOffsets answers the last stable offset as the
    // end: everything below it is settled, committed or aborted.
    KAPPA_ASSIGN_OR_RETURN(Watermarks marks,
                           queryWatermarks(client.get(), topicName, partition, connection.requestTimeout));
    // Below the start, compaction or retention removed what was there.
    Offset position = std::max(from, marks.start);
    if (marks.end <= position)
        return std::max(from, marks.end);

    PartitionReader reader(client.get(), topicName, partition);
    if (const rd_kafka_resp_err_t err = reader.start(position))
        return errorStatus(err, where);
    while (position < marks.end) {
        MessagePtr message = reader.next(connection.requestTimeout);
        if (!message)
            return Status::unavailable(where + ": nothing arrived within "
                                       + std::to_string(connection.requestTimeout.count()) + " ms at offset "
                                       + std::to_string(position.value()) + " (end "
                                       + std::to_string(marks.end.value()) + ")");
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
            break;
        if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR)
            return errorStatus(message->err, where + " at offset " + std::to_string(position.value()) + ": "
                                                 + rd_kafka_message_errstr(message.get()));
        // Records committed after the call started are not ours to report.
        if (message->offset >= marks.end.value())
            break;
        const std::string_view key = message->key ? std::string_view(static_cast<const char *>(message->key),
                                                                     message->key_len)
                                                  : std::string_view();
        std::optional<std::string_view> value;
        if (message->payload)
            value = std::string_view(static_cast<const char *>(message->payload), message->len);
        visit(key, value);
        position = Offset(message->offset + 1);
    }
    // Whatever lies between the last record and the end (markers, aborted
    // records) holds nothing to read again.
    return marks.end;
}

Status readChangelog(
    const KafkaLogConfig &connection, std::string_view topic, PartitionId partition,
    const std::function<void(std::string_view key, std::optional<std::string_view> value)> &visit)
{
    return readChangelog(connection, topic, partition, Offset(0), visit).status();
}

} // namespace kappa::kafka
