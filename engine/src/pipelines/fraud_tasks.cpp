// The fraud tasks: route (stage 0) -> by-merchant topic -> merchant (stage 1)
// -> by-card topic -> card (stage 2). See job_tasks.h and runtime/exchange.h
// for why the rekeyed records reach each stage in a deterministic order.
#include "pipelines/fraud.h"
#include "pipelines/job_task_support.h"
#include "runtime/exchange.h"
#include "state/keyed_state.h"

namespace kappa::pipelines {

namespace {

// The rekeyed records and markers a stage appends wait at least this long
// (until the task's next step after it) for other appends to their
// partitions before the stage syncs them itself: the route tasks all pass an
// epoch at about the same moment, and one fdatasync then covers their eight
// markers to a partition. Unless another sync covers them first, each of the
// two hops adds about this much to the latency (target p99 <= 100 ms; fraud's
// p99 at 200K events/s stayed at 56-59 ms).
constexpr std::chrono::milliseconds kRekeySettleDelay{5};

// Both outputs made durable: the rows' sink, then the rekeyed records.
std::function<Status()> bothDurable(std::function<Status()> first, std::function<Status()> second)
{
    return [first = std::move(first), second = std::move(second)]() -> Status {
        if (first)
            KAPPA_RETURN_IF_ERROR(first());
        return second();
    };
}

runtime::TaskInput exchangeInput(const JobEnvironment &env, const std::string &topic, std::int32_t partition)
{
    runtime::TaskInput input;
    input.log = env.log;
    input.topic = topic;
    input.partition = PartitionId(partition);
    input.batchBytes = env.options.batchBytes;
    input.clock = env.clock;
    return input;
}

Result<EnrichedPayment> parsePayment(const runtime::ReleasedRecord &record, const std::string &task)
{
    Result<EnrichedPayment> payment = EnrichedPayment::parse(record.payload);
    if (!payment.isOk())
        return payment.status().withContext(task + ": rekeyed payment from upstream "
                                            + std::to_string(record.upstream) + " seq "
                                            + std::to_string(record.seq));
    return payment;
}

class FraudRouteTask final : public runtime::SourceTask
{
public:
    FraudRouteTask(const JobSpec &spec, const JobEnvironment &env, std::unique_ptr<state::TaskState> state,
                   std::int32_t partition, const std::string &byMerchant)
        : SourceTask(taskName(spec, "route", partition), std::move(state), sourceInput(env, partition),
                     *env.codec, 0)
        , m_epochMs(env.options.exchangeEpochMs)
        , m_byMerchant(*env.log, byMerchant, env.sourcePartitions, partition)
    {}

protected:
    Status restoreState(std::string_view blob) override
    {
        return blob.empty() ? Status::ok()
                            : Status::corruption("checkpoint of " + name() + " has unexpected bytes");
    }

    Status process(const Event &event, const RecordView &record, std::int64_t maxEventTimeMs) override
    {
        const std::optional<EnrichedPayment> payment = toPayment(event);
        if (!payment)
            return Status::ok();
        m_buffer.clear();
        payment->serialize(m_buffer);
        // The source offset is the route task's sequence: re-emitted after a crash, it marks the duplicate.
        m_byMerchant.add(rekeyKey(payment->merchantId), record.offset.value(),
                         runtime::epochOf(maxEventTimeMs, m_epochMs), record.appendTime, m_buffer);
        return Status::ok();
    }

    Status endBatch() override
    {
        if (maxEventTimeMs())
            m_byMerchant.closeEpochsBelow(runtime::epochOf(*maxEventTimeMs(), m_epochMs));
        return m_byMerchant.flushDeferred();
    }

    Result<std::size_t> settleOutputs() override { return m_byMerchant.settle(kRekeySettleDelay); }
    bool outputsUnsettled() const override { return m_byMerchant.unsettled(); }
    // No blob; the checkpoint waits for the rekeyed records endBatch appended.
    std::function<Status()> outputSync() override { return m_byMerchant.durability(); }

private:
    const std::int64_t m_epochMs;
    runtime::ExchangeWriter m_byMerchant;
    std::string m_buffer;
};

class FraudMerchantTask final : public runtime::ExchangeTask
{
public:
    FraudMerchantTask(const JobSpec &spec, const JobEnvironment &env, std::unique_ptr<state::TaskState> state,
                      std::int32_t partition, const std::string &byMerchant, const std::string &byCard,
                      RowSink &sink)
        : ExchangeTask(taskName(spec, "merchant", partition), kFraudMerchantStage, std::move(state),
                       exchangeInput(env, byMerchant, partition), env.sourcePartitions)
        , m_cacheEntries(env.options.cacheEntries)
        , m_byCard(*env.log, byCard, env.sourcePartitions, partition)
        , m_sink(sink)
    {}

protected:
    Status restoreState(std::string_view blob) override
    {
        if (!blob.empty())
            return Status::corruption("checkpoint of " + name() + " has unexpected bytes");
        KAPPA_ASSIGN_OR_RETURN(m_merchants,
                               state::KeyedState<MerchantAggregate>::create(taskState(), kMerchantTable,
                                                                            m_cacheEntries));
        return Status::ok();
    }

    Status process(const runtime::ReleasedRecord &record) override
    {
        KAPPA_ASSIGN_OR_RETURN(const EnrichedPayment payment, parsePayment(record, name()));
        KAPPA_ASSIGN_OR_RETURN(MerchantAggregate * merchant,
                               m_merchants->getOrCreate(EntityKey(payment.merchantId).view()));
        const EnrichedPayment enriched = merchant->apply(payment);
        m_buffer.clear();
        enriched.serialize(m_buffer);
        // The release ordinal is this task's sequence; the epoch carries the source's on.
        m_byCard.add(rekeyKey(enriched.cardId), record.ordinal, record.epoch, record.sourceAppendTime,
                     m_buffer);
        m_touched.touch(payment.merchantId, Offset(record.ordinal));
        return Status::ok();
    }

    Status endBatch() override
    {
        m_byCard.closeEpochsBelow(merge().frontier());
        KAPPA_RETURN_IF_ERROR(m_byCard.flushDeferred());
        return writeTouchedRows(m_touched, *m_merchants, m_reader.partition(), m_rows, m_sink,
                                [](std::int64_t merchantId, const MerchantAggregate &merchant) {
                                    return merchant.row(merchantId).toJson();
                                });
    }

    Result<std::size_t> settleOutputs() override { return m_byCard.settle(kRekeySettleDelay); }
    bool outputsUnsettled() const override { return m_byCard.unsettled(); }
    std::function<Status()> outputSync() override
    {
        return bothDurable(syncOf(m_sink), m_byCard.durability());
    }

private:
    const std::size_t m_cacheEntries;
    runtime::ExchangeWriter m_byCard;
    RowSink &m_sink;
    std::unique_ptr<state::KeyedState<MerchantAggregate>> m_merchants;
    std::string m_buffer;
    TouchedKeys m_touched;
    std::vector<RowWrite> m_rows;
};

class FraudCardTask final : public runtime::ExchangeTask
{
public:
    FraudCardTask(const JobSpec &spec, const JobEnvironment &env, std::unique_ptr<state::TaskState> state,
                  std::int32_t partition, const std::string &byCard, RowSink &sink)
        : ExchangeTask(taskName(spec, "card", partition), kFraudCardStage, std::move(state),
                       exchangeInput(env, byCard, partition), env.sourcePartitions)
        , m_params(std::get<FraudParams>(spec.params))
        , m_cacheEntries(env.options.cacheEntries)
        , m_sink(sink)
    {}

protected:
    Status restoreState(std::string_view blob) override
    {
        if (!blob.empty())
            return Status::corruption("checkpoint of " + name() + " has unexpected bytes");
        KAPPA_ASSIGN_OR_RETURN(m_cards, state::KeyedState<CardAggregate>::create(taskState(), kCardTable,
                                                                                 m_cacheEntries));
        return Status::ok();
    }

    Status process(const runtime::ReleasedRecord &record) override
    {
        KAPPA_ASSIGN_OR_RETURN(const EnrichedPayment payment, parsePayment(record, name()));
        KAPPA_ASSIGN_OR_RETURN(CardAggregate * card, m_cards->getOrCreate(EntityKey(payment.cardId).view()));
        card->apply(payment, m_params);
        m_touched.touch(payment.cardId, Offset(record.ordinal));
        return Status::ok();
    }

    Status endBatch() override
    {
        return writeTouchedRows(m_touched, *m_cards, m_reader.partition(), m_rows, m_sink,
                                [&](std::int64_t cardId, const CardAggregate &card) {
                                    return card.row(cardId, m_params).toJson(m_params);
                                });
    }

    std::function<Status()> outputSync() override { return syncOf(m_sink); }

private:
    const FraudParams m_params;
    const std::size_t m_cacheEntries;
    RowSink &m_sink;
    std::unique_ptr<state::KeyedState<CardAggregate>> m_cards;
    TouchedKeys m_touched;
    std::vector<RowWrite> m_rows;
};

} // namespace

Result<std::vector<std::unique_ptr<runtime::Task>>> makeFraudTasks(const JobSpec &spec,
                                                                   const JobEnvironment &env,
                                                                   const JobSinks &sinks)
{
    if (!sinks.cards || !sinks.merchants)
        return Status::invalidArgument("fraud needs card and merchant sinks");
    const std::vector<std::string> topics = internalTopics(spec);
    // The merchant stage releases what every route task has passed in event time: keep them together.
    // (Only those of this process: another process's route tasks are not seen here.)
    const std::vector<PartitionId> owned = ownedPartitions(env);
    const auto alignment = std::make_shared<runtime::EventTimeAlignment>(static_cast<int>(owned.size()),
                                                                         env.options.alignmentSkewMs);
    std::vector<std::unique_ptr<runtime::Task>> tasks;
    for (std::size_t member = 0; member < owned.size(); ++member) {
        const std::int32_t p = owned[member].value();
        KAPPA_ASSIGN_OR_RETURN(auto routeState, openTaskState(env, 0, p));
        auto route = std::make_unique<FraudRouteTask>(spec, env, std::move(routeState), p, topics[0]);
        route->alignWith(alignment, static_cast<int>(member));
        tasks.push_back(std::move(route));
        KAPPA_ASSIGN_OR_RETURN(auto merchant, openTaskState(env, kFraudMerchantStage, p));
        tasks.push_back(std::make_unique<FraudMerchantTask>(spec, env, std::move(merchant), p, topics[0],
                                                            topics[1], *sinks.merchants));
        KAPPA_ASSIGN_OR_RETURN(auto card, openTaskState(env, kFraudCardStage, p));
        tasks.push_back(
            std::make_unique<FraudCardTask>(spec, env, std::move(card), p, topics[1], *sinks.cards));
    }
    return tasks;
}

} // namespace kappa::pipelines
