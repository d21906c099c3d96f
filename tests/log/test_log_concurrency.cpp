// Concurrency: readers while a writer appends, concurrent appenders sharing
// syncs, retention while reading, deleting a topic in use.
// Standard headers before the project's: moc (Qt 6.4) fails to parse
// <concepts> when <map> follows them.
#include <map>
#include <set>
#include <thread>

#include "log_test_util.h"

using namespace kappa;
using namespace kappa::logtest;

namespace {

// Segments big enough that concurrent appenders share several syncs per roll.
LocalLogOptions concurrencyOptions()
{
    LocalLogOptions options;
    options.segmentBytes = 16 << 10;
    options.maxBatchBytes = 2048;
    options.indexIntervalBytes = 1024;
    return options;
}

} // namespace

class TestLogConcurrency : public QObject
{
    Q_OBJECT

private slots:
    void readersWhileWriterAppends()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), concurrencyOptions()));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
        constexpr std::int64_t kTotal = 20000;
        std::atomic<bool> writerDone{false};
        Status writerStatus;
        std::thread writer([&] {
            std::int64_t next = 0;
            for (std::int64_t n = 1; next < kTotal; n = n % 97 + 1) {
                const std::int64_t count = std::min(n, kTotal - next);
                writerStatus = appendSequence(*log, "t", 0, next, count);
                if (!writerStatus.isOk())
                    break;
                next += count;
            }
            writerDone = true;
        });
        // Each reader tails the partition; it must see a contiguous, growing,
        // correct prefix and never read past what was acknowledged.
        std::vector<std::string> errors(3);
        std::vector<std::thread> readers;
        for (std::size_t i = 0; i < errors.size(); ++i) {
            readers.emplace_back([&, i] {
                RecordBatch batch;
                std::int64_t expected = 0;
                const std::size_t maxBytes = std::size_t(100) << (3 * i);
                while (expected < kTotal) {
                    const bool doneBeforeRead = writerDone; // then everything is durable already
                    const Status s = log->read("t", PartitionId(0), Offset(expected), maxBytes, batch);
                    if (!s.isOk()) {
                        errors[i] = s.toString();
                        return;
                    }
                    for (const RecordView &r : batch) {
                        if (r.offset.value() != expected || r.value != valueFor(0, expected)) {
                            errors[i] = "wrong record at " + std::to_string(expected);
                            return;
                        }
                        ++expected;
                    }
                    auto info = log->partitionInfo("t", PartitionId(0));
                    if (info->endOffset.value() < expected) {
                        errors[i] = "read past the durable end";
                        return;
                    }
                    if (batch.empty() && doneBeforeRead) {
                        errors[i] = "the writer stopped before the end";
                        return;
                    }
                }
            });
        }
        std::thread seeker([&] {
            while (!writerDone) {
                auto o = log->offsetForTime("t", PartitionId(0), WallTime(0));
                if (!o.isOk() || o->value() != 0) {
                    errors[0] = "offsetForTime failed during appends";
                    return;
                }
            }
        });
        writer.join();
        seeker.join();
        for (auto &r : readers)
            r.join();
        KAPPA_VERIFY_OK(writerStatus);
        for (const auto &e : errors)
            QVERIFY2(e.empty(), e.c_str());
        QVERIFY(log->stats().segmentsRolled > 10);
    }

    void concurrentAppendersShareSyncs_data()
    {
        QTest::addColumn<int>("syncIntervalUs");
        QTest::newRow("sync as soon as possible") << 0;
        QTest::newRow("linger 2 ms") << 2000;
    }

    void concurrentAppendersShareSyncs()
    {
        QFETCH(int, syncIntervalUs);
        QTemporaryDir dir;
        LocalLogOptions options = concurrencyOptions();
        options.syncInterval = std::chrono::microseconds(syncIntervalUs);
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), options));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
        constexpr int kThreads = 4;
        constexpr int kAppends = 150;
        constexpr int kPerAppend = 10;
        std::vector<std::vector<std::int64_t>> firsts(kThreads);
        std::vector<Status> statuses(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                for (int a = 0; a < kAppends; ++a) {
                    std::vector<std::string> values;
                    for (int r = 0; r < kPerAppend; ++r)
                        values.push_back("thread" + std::to_string(t) + "-append" + std::to_string(a) + "-"
                                         + std::to_string(r));
                    std::vector<Record> records;
                    for (const auto &v : values)
                        records.push_back(Record{"k", v});
                    auto first = log->appendToPartition("t", PartitionId(0), records);
                    if (!first.isOk()) {
                        statuses[std::size_t(t)] = first.status();
                        return;
                    }
                    firsts[std::size_t(t)].push_back(first->value());
                }
            });
        }
        for (auto &t : threads)
            t.join();
        for (const auto &s : statuses)
            KAPPA_VERIFY_OK(s);
        // Every append got its own dense range; together they tile [0, total).
        std::map<std::int64_t, std::pair<int, int>> owner;
        for (int t = 0; t < kThreads; ++t)
            for (int a = 0; a < kAppends; ++a)
                owner[firsts[std::size_t(t)][std::size_t(a)]] = {t, a};
        std::int64_t expected = 0;
        for (const auto &[first, who] : owner) {
            QCOMPARE(first, expected);
            expected += kPerAppend;
        }
        QCOMPARE(expected, std::int64_t(kThreads * kAppends * kPerAppend));
        RecordBatch batch;
        for (const auto &[first, who] : owner) {
            KAPPA_VERIFY_OK(log->read("t", PartitionId(0), Offset(first), 1, batch));
            const std::string value = "thread" + std::to_string(who.first) + "-append"
                                      + std::to_string(who.second) + "-0";
            QCOMPARE(std::string(batch[0].value), value);
        }
        const LocalLogStats stats = log->stats();
        qInfo("%llu appends, %llu syncs", static_cast<unsigned long long>(stats.appendCalls),
              static_cast<unsigned long long>(stats.syncs));
        QCOMPARE(stats.appendCalls, std::uint64_t(kThreads * kAppends));
        QVERIFY2(stats.syncs < stats.appendCalls, "concurrent appends must share syncs");
    }

    void keyedAppendsFromManyThreads()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), concurrencyOptions()));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{4}));
        std::vector<std::thread> threads;
        std::vector<std::set<std::pair<int, std::int64_t>>> seen(3);
        std::vector<Status> statuses(3);
        for (int t = 0; t < 3; ++t) {
            threads.emplace_back([&, t] {
                for (int a = 0; a < 100; ++a) {
                    std::vector<std::string> keys;
                    for (int r = 0; r < 20; ++r)
                        keys.push_back("user" + std::to_string((a * 20 + r) * 7 % 501));
                    std::vector<Record> records;
                    for (const auto &k : keys)
                        records.push_back(Record{k, k});
                    auto positions = log->append("t", records);
                    if (!positions.isOk()) {
                        statuses[std::size_t(t)] = positions.status();
                        return;
                    }
                    for (const auto &p : *positions)
                        seen[std::size_t(t)].insert({p.partition.value(), p.offset.value()});
                }
            });
        }
        for (auto &t : threads)
            t.join();
        for (const auto &s : statuses)
            KAPPA_VERIFY_OK(s);
        std::set<std::pair<int, std::int64_t>> all;
        for (const auto &s : seen)
            all.insert(s.begin(), s.end());
        QCOMPARE(all.size(), std::size_t(3 * 100 * 20)); // no position handed out twice
        std::int64_t total = 0;
        for (int p = 0; p < 4; ++p)
            total += log->partitionInfo("t", PartitionId(p))->endOffset.value();
        QCOMPARE(total, std::int64_t(6000));
    }

    void retentionWhileReading()
    {
        QTemporaryDir dir;
        LocalLogOptions options = concurrencyOptions();
        options.retentionBytes = 64 << 10;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), options));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
        std::atomic<bool> done{false};
        std::string error;
        std::thread reader([&] {
            RecordBatch batch;
            std::int64_t next = 0;
            while (!done) {
                const Status s = log->read("t", PartitionId(0), Offset(next), 4096, batch);
                if (s.code() == StatusCode::OutOfRange) {
                    next = log->partitionInfo("t", PartitionId(0))->startOffset.value(); // fell behind retention
                    continue;
                }
                if (!s.isOk()) {
                    error = s.toString();
                    return;
                }
                for (const RecordView &r : batch) {
                    if (r.offset.value() != next || r.value != valueFor(0, next)) {
                        error = "wrong record at " + std::to_string(next);
                        return;
                    }
                    ++next;
                }
            }
        });
        std::int64_t next = 0;
        for (int round = 0; round < 60; ++round) {
            KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, next, 100));
            next += 100;
            KAPPA_VERIFY_OK(log->enforceRetention());
        }
        done = true;
        reader.join();
        QVERIFY2(error.empty(), error.c_str());
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, log->partitionInfo("t", PartitionId(0)));
        QVERIFY(info.startOffset.value() > 0);
        QVERIFY(info.bytes <= options.retentionBytes);
    }

    // Appenders, readers and retention run on a topic while it is deleted:
    // each call either completes normally or reports NotFound, the log stays
    // healthy, and once deleted the topic stays NotFound for everyone.
    void deleteTopicWhileInUse()
    {
        QTemporaryDir dir;
        LocalLogOptions options = concurrencyOptions();
        options.retentionBytes = 64 << 10;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), options));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{2}));
        std::atomic<bool> deleted{false};
        std::atomic<int> callsBeforeDelete{0};
        constexpr int kThreads = 5;
        std::vector<std::string> errors(kThreads);
        std::vector<std::thread> threads;
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back([&, i] {
                const std::string value(300, char('a' + i));
                RecordBatch batch;
                for (int notFoundAfterDelete = 0; notFoundAfterDelete < 20;) {
                    const bool wasDeleted = deleted.load();
                    const std::string key = "key-" + std::to_string(i); // outlives the Record's view of it
                    const Record record{key, value};
                    Status status;
                    if (i == 0)
                        status = log->append("t", {&record, 1}).status();
                    else if (i == 1)
                        status = log->appendToPartition("t", PartitionId(1), {&record, 1}).status();
                    else if (i == 2)
                        status = log->read("t", PartitionId(1), Offset(0), 4096, batch);
                    else if (i == 3)
                        status = log->partitionInfo("t", PartitionId(0)).status();
                    else
                        status = log->enforceRetention();
                    // Retention may find the partition's start moved past 0 (OutOfRange for the reader).
                    const bool expected = status.isOk() || status.code() == StatusCode::NotFound
                                          || status.code() == StatusCode::OutOfRange;
                    if (!expected || (wasDeleted && i != 4 && status.code() != StatusCode::NotFound)) {
                        errors[std::size_t(i)] = status.toString();
                        return;
                    }
                    if (wasDeleted)
                        ++notFoundAfterDelete;
                    else
                        callsBeforeDelete.fetch_add(1);
                }
            });
        }
        while (callsBeforeDelete.load() < 200)
            std::this_thread::yield();
        KAPPA_VERIFY_OK(log->deleteTopic("t"));
        deleted = true;
        for (auto &t : threads)
            t.join();
        for (const std::string &error : errors)
            QVERIFY2(error.empty(), error.c_str());
        KAPPA_VERIFY_OK(log->health());
        QVERIFY(log->listTopics().empty());
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
        KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, 0, 10));
    }
};

QTEST_APPLESS_MAIN(TestLogConcurrency)
#include "test_log_concurrency.moc"
