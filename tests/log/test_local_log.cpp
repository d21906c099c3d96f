// LocalLog behaviour: topics (creation and deletion), appends, reads across
// segment rolls, seeks by offset and by time, retention, readOnly and the
// directory lock.
#include "base/murmur2.h"
#include "log/prefixed_event_log.h"
#include "log_test_util.h"

#include <algorithm>

using namespace kappa;
using namespace kappa::logtest;

namespace {

std::vector<std::string> segmentFiles(const std::string &dir)
{
    auto names = FileSystem::posix().listDir(dir);
    std::vector<std::string> logs;
    for (const auto &n : *names) {
        if (n.size() > 4 && n.substr(n.size() - 4) == ".log")
            logs.push_back(n);
    }
    std::sort(logs.begin(), logs.end());
    return logs;
}

} // namespace

class TestLocalLog : public QObject
{
    Q_OBJECT

private slots:
    // The prefix decorator: names get the prefix on the way in, listTopics()
    // shows only the prefixed topics, without the prefix.
    void prefixedLogNamesItsTopics()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto local, LocalLog::open(dir.path().toStdString(), {}));
        LocalLog &inner = *local;
        KAPPA_VERIFY_OK(inner.createTopic("other", TopicConfig{1}));
        log::PrefixedEventLog prefixed(std::move(local), "run1.");
        KAPPA_VERIFY_OK(prefixed.createTopic("events", TopicConfig{2}));
        QCOMPARE(prefixed.listTopics(), std::vector<std::string>{"events"});
        QCOMPARE(inner.listTopics(), (std::vector<std::string>{"other", "run1.events"}));
        KAPPA_VERIFY_OK(appendSequence(prefixed, "events", 1, 0, 5));
        KAPPA_ASSIGN_OR_FAIL(Offset end, prefixed.endOffset("events", PartitionId(1)));
        QCOMPARE(end.value(), 5);
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, inner.partitionInfo("run1.events", PartitionId(1)));
        QCOMPARE(info.endOffset.value(), 5);
        RecordBatch batch;
        KAPPA_VERIFY_OK(prefixed.read("events", PartitionId(1), Offset(0), 1 << 20, batch));
        QCOMPARE(batch.size(), std::size_t{5});
        QCOMPARE(prefixed.describeTopic("other").status().code(), StatusCode::NotFound);
        KAPPA_VERIFY_OK(prefixed.deleteTopic("events"));
        QCOMPARE(inner.listTopics(), std::vector<std::string>{"other"});
    }

    void createTopicValidation_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("partitions");
        QTest::addColumn<int>("expected");
        const int ok = int(StatusCode::Ok);
        const int bad = int(StatusCode::InvalidArgument);
        QTest::newRow("plain") << "events" << 8 << ok;
        QTest::newRow("all allowed chars") << "a-Z_0.9" << 1 << ok;
        QTest::newRow("max partitions") << "big" << 1024 << ok;
        QTest::newRow("empty name") << "" << 1 << bad;
        QTest::newRow("slash") << "a/b" << 1 << bad;
        QTest::newRow("dot") << "." << 1 << bad;
        QTest::newRow("dotdot") << ".." << 1 << bad;
        QTest::newRow("space") << "a b" << 1 << bad;
        QTest::newRow("too long") << QString(201, QLatin1Char('x')) << 1 << bad;
        QTest::newRow("zero partitions") << "t" << 0 << bad;
        QTest::newRow("negative partitions") << "t" << -3 << bad;
        QTest::newRow("too many partitions") << "t" << 1025 << bad;
    }

    void createTopicValidation()
    {
        QFETCH(QString, name);
        QFETCH(int, partitions);
        QFETCH(int, expected);
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), {}));
        const Status status = log->createTopic(name.toStdString(), TopicConfig{partitions});
        QCOMPARE(int(status.code()), expected);
        if (status.isOk()) {
            KAPPA_ASSIGN_OR_FAIL(TopicConfig config, log->describeTopic(name.toStdString()));
            QCOMPARE(config.partitions, partitions);
        }
    }

    void createTopicTwice()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), {}));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{4}));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{4}));
        const Status other = log->createTopic("t", TopicConfig{5});
        QCOMPARE(other.code(), StatusCode::AlreadyExists);
        QCOMPARE(log->describeTopic("nope").status().code(), StatusCode::NotFound);
        QCOMPARE(log->listTopics(), std::vector<std::string>{"t"});
        // Survives reopening.
        log.reset();
        KAPPA_ASSIGN_OR_FAIL(log, LocalLog::open(dir.path().toStdString(), {}));
        QCOMPARE(log->listTopics(), std::vector<std::string>{"t"});
        QCOMPARE(log->createTopic("t", TopicConfig{3}).code(), StatusCode::AlreadyExists);
    }

    void badArguments()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), {}));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{2}));
        const Record r{"k", "v"};
        QCOMPARE(log->appendToPartition("t", PartitionId(2), {&r, 1}).status().code(),
                 StatusCode::InvalidArgument);
        QCOMPARE(log->appendToPartition("missing", PartitionId(0), {&r, 1}).status().code(),
                 StatusCode::NotFound);
        QCOMPARE(log->append("missing", {&r, 1}).status().code(), StatusCode::NotFound);
        const std::string huge(65u << 20, 'x');
        const Record big{"k", huge};
        QCOMPARE(log->appendToPartition("t", PartitionId(0), {&big, 1}).status().code(),
                 StatusCode::InvalidArgument);
        RecordBatch batch;
        QCOMPARE(log->read("t", PartitionId(-1), Offset(0), 100, batch).code(), StatusCode::InvalidArgument);
        QCOMPARE(log->read("t", PartitionId(0), Offset(1), 100, batch).code(), StatusCode::OutOfRange);
        LocalLogOptions bad;
        bad.segmentBytes = 10;
        QCOMPARE(LocalLog::open(dir.path().toStdString() + "/x", bad).status().code(),
                 StatusCode::InvalidArgument);
    }

    void roundTripAcrossSegmentRolls_data()
    {
        QTest::addColumn<int>("maxReadBytes");
        QTest::newRow("tiny reads") << 1;
        QTest::newRow("small reads") << 700;
        QTest::newRow("large reads") << (1 << 20);
    }

    void roundTripAcrossSegmentRolls()
    {
        QFETCH(int, maxReadBytes);
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        std::int64_t end = 0;
        {
            KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, smallSegments()));
            KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{2}));
            for (std::int64_t n : {1, 2, 50, 7, 300, 1, 120, 33}) {
                KAPPA_VERIFY_OK(appendSequence(*log, "t", 1, end, n));
                end += n;
            }
            KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, log->partitionInfo("t", PartitionId(1)));
            QCOMPARE(info.startOffset.value(), 0);
            QCOMPARE(info.endOffset.value(), end);
            KAPPA_ASSIGN_OR_FAIL(Offset endOnly, log->endOffset("t", PartitionId(1)));
            QCOMPARE(endOnly.value(), end);
            QVERIFY2(info.segments > 5, "the test must span several segments");
            QCOMPARE(std::size_t(info.segments), segmentFiles(path + "/t/1").size());
            QVERIFY(log->stats().segmentsRolled >= 5);
            ReadBack back;
            KAPPA_VERIFY_OK(verifySequence(*log, "t", 1, 0, std::size_t(maxReadBytes), &back));
            QCOMPARE(back.count, end);
        }
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, smallSegments()));
        ReadBack back;
        KAPPA_VERIFY_OK(verifySequence(*log, "t", 1, 0, std::size_t(maxReadBytes), &back));
        QCOMPARE(back.count, end);
        // Appending after reopening continues the offsets.
        KAPPA_VERIFY_OK(appendSequence(*log, "t", 1, end, 10));
        KAPPA_VERIFY_OK(verifySequence(*log, "t", 1, 0, std::size_t(maxReadBytes), &back));
        QCOMPARE(back.count, end + 10);
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo empty, log->partitionInfo("t", PartitionId(0)));
        QCOMPARE(empty.endOffset.value(), 0);
        QVERIFY(!empty.firstAppendTime && !empty.lastAppendTime);
    }

    // A deferred append is not readable until a sync covers it: its own
    // waitDurable, or another appender's durable append to the partition.
    // What no sync covered is gone after the log closes.
    void deferredAppendsBecomeReadableWhenSynced()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        const std::vector<Record> three = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
        const std::vector<Record> one = {{"d", "4"}};
        const PartitionId p0(0);
        {
            KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, {}));
            KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
            KAPPA_ASSIGN_OR_FAIL(const Offset firstDeferred, log->appendToPartitionDeferred("t", p0, three));
            QCOMPARE(firstDeferred.value(), 0);
            const Offset end(3);
            KAPPA_ASSIGN_OR_FAIL(Offset visible, log->endOffset("t", p0));
            QCOMPARE(visible.value(), 0);
            RecordBatch batch;
            KAPPA_VERIFY_OK(log->read("t", p0, Offset(0), 4096, batch));
            QVERIFY(batch.empty());
            KAPPA_VERIFY_OK(log->waitDurable("t", p0, end));
            KAPPA_VERIFY_OK(log->read("t", p0, Offset(0), 4096, batch));
            QCOMPARE(batch.size(), std::size_t{3});
            QCOMPARE(std::string(batch[2].value), std::string("3"));

            // Someone else's durable append syncs what was deferred before it.
            KAPPA_ASSIGN_OR_FAIL(const Offset deferred, log->appendToPartitionDeferred("t", p0, one));
            QCOMPARE(deferred.value(), 3);
            KAPPA_ASSIGN_OR_FAIL(const Offset first, log->appendToPartition("t", p0, one));
            QCOMPARE(first.value(), 4);
            KAPPA_ASSIGN_OR_FAIL(visible, log->endOffset("t", p0));
            QCOMPARE(visible.value(), 5);

            QCOMPARE(log->waitDurable("t", p0, Offset(6)).code(), StatusCode::InvalidArgument);
            KAPPA_ASSIGN_OR_FAIL(const Offset lost, log->appendToPartitionDeferred("t", p0, three));
            QCOMPARE(lost.value(), 5);
        }
        KAPPA_ASSIGN_OR_FAIL(auto reopened, LocalLog::open(path, {}));
        KAPPA_ASSIGN_OR_FAIL(const Offset end, reopened->endOffset("t", p0));
        QCOMPARE(end.value(), 5);
    }

    void keyedAppendUsesKafkaPartitioner()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), smallSegments()));
        KAPPA_VERIFY_OK(log->createTopic("events", TopicConfig{5}));
        std::vector<std::string> keys;
        for (int i = 0; i < 400; ++i)
            keys.push_back("user-" + std::to_string(i * 31 % 97));
        std::vector<std::string> values;
        for (const auto &k : keys)
            values.push_back(k + "-value");
        std::vector<Record> records;
        for (std::size_t i = 0; i < keys.size(); ++i)
            records.push_back(Record{keys[i], values[i]});
        std::vector<std::int64_t> counts(5, 0);
        for (int round = 0; round < 2; ++round) {
            KAPPA_ASSIGN_OR_FAIL(auto positions, log->append("events", records));
            QCOMPARE(positions.size(), records.size());
            for (std::size_t i = 0; i < records.size(); ++i) {
                const auto p = base::partitionForKey(keys[i], 5);
                QCOMPARE(positions[i].partition.value(), p);
                QCOMPARE(positions[i].offset.value(), counts[std::size_t(p)]++); // dense, in input order
            }
        }
        RecordBatch batch;
        for (int p = 0; p < 5; ++p) {
            std::int64_t seen = 0;
            Offset next(0);
            do {
                KAPPA_VERIFY_OK(log->read("events", PartitionId(p), next, 4096, batch));
                for (const RecordView &r : batch) {
                    QCOMPARE(base::partitionForKey(r.key, 5), p);
                    QCOMPARE(std::string(r.value), std::string(r.key) + "-value");
                    ++seen;
                }
                next = batch.nextOffset();
            } while (!batch.empty());
            QCOMPARE(seen, counts[std::size_t(p)]);
        }
        KAPPA_ASSIGN_OR_FAIL(auto none, log->append("events", std::span<const Record>()));
        QVERIFY(none.empty());
    }

    void seekByOffset_data()
    {
        QTest::addColumn<qint64>("from");
        QTest::addColumn<int>("expectedCode");
        const int ok = int(StatusCode::Ok);
        QTest::newRow("start") << qint64(0) << ok;
        QTest::newRow("inside first batch") << qint64(3) << ok;
        QTest::newRow("middle") << qint64(517) << ok;
        QTest::newRow("around a roll") << qint64(640) << ok;
        QTest::newRow("last record") << qint64(999) << ok;
        QTest::newRow("end") << qint64(1000) << ok;
        QTest::newRow("past end") << qint64(1001) << int(StatusCode::OutOfRange);
    }

    void seekByOffset()
    {
        QFETCH(qint64, from);
        QFETCH(int, expectedCode);
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), smallSegments()));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
        for (std::int64_t o = 0; o < 1000; o += 100)
            KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, o, 100));
        RecordBatch batch;
        const Status status = log->read("t", PartitionId(0), Offset(from), 300, batch);
        QCOMPARE(int(status.code()), expectedCode);
        if (!status.isOk())
            return;
        if (from == 1000) {
            QVERIFY(batch.empty());
            QCOMPARE(batch.nextOffset().value(), 1000);
            return;
        }
        QVERIFY(!batch.empty());
        QCOMPARE(batch[0].offset.value(), from);
        ReadBack back;
        KAPPA_VERIFY_OK(verifySequence(*log, "t", 0, from, 300, &back));
        QCOMPARE(back.next, 1000);
    }

    void seekByTime_data()
    {
        QTest::addColumn<qint64>("t");
        QTest::addColumn<qint64>("expected");
        // Appends of 40 records at times 1000, 1000, 2000, 1500 (clock stepped back:
        // stored as 2000), 3000, ..., see seekByTime().
        QTest::newRow("before everything") << qint64(0) << qint64(0);
        QTest::newRow("first time") << qint64(1000) << qint64(0);
        QTest::newRow("between") << qint64(1001) << qint64(80);
        QTest::newRow("exact later time") << qint64(2000) << qint64(80);
        QTest::newRow("clock stepped back") << qint64(2001) << qint64(160);
        QTest::newRow("deep in later segments") << qint64(9000) << qint64(400);
        QTest::newRow("last time") << qint64(20000) << qint64(840);
        QTest::newRow("after everything") << qint64(20001) << qint64(880);
    }

    void seekByTime()
    {
        QFETCH(qint64, t);
        QFETCH(qint64, expected);
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        ManualClock clock(1000);
        for (int reopen = 0; reopen < 2; ++reopen) {
            KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, smallSegments(nullptr, &clock)));
            if (reopen == 0) {
                KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
                const std::vector<std::int64_t> times = {1000, 1000, 2000, 1500};
                std::int64_t offset = 0;
                for (std::int64_t time : times) {
                    clock.set(time);
                    KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, offset, 40));
                    offset += 40;
                }
                for (std::int64_t time = 3000; time <= 20000; time += 1000) {
                    clock.set(time);
                    KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, offset, 40));
                    offset += 40;
                }
                QCOMPARE(offset, 880);
            }
            KAPPA_ASSIGN_OR_FAIL(Offset found, log->offsetForTime("t", PartitionId(0), WallTime(t)));
            QCOMPARE(found.value(), expected);
            RecordBatch batch;
            KAPPA_VERIFY_OK(log->read("t", PartitionId(0), Offset(120), 100, batch));
            QCOMPARE(batch[0].appendTime.value(), 2000); // monotonic despite the clock stepping back
        }
    }

    void retentionBySize()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        LocalLogOptions options = smallSegments();
        options.retentionBytes = 3 * 4096;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, options));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
        KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, 0, 2000));
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo before, log->partitionInfo("t", PartitionId(0)));
        QVERIFY(before.segments > 6);
        KAPPA_VERIFY_OK(log->enforceRetention());
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo after, log->partitionInfo("t", PartitionId(0)));
        QVERIFY(after.segments < before.segments);
        QVERIFY(after.bytes <= options.retentionBytes);
        QVERIFY(after.startOffset.value() > 0);
        QCOMPARE(after.endOffset.value(), 2000);
        QCOMPARE(std::size_t(after.segments), segmentFiles(path + "/t/0").size());
        QCOMPARE(log->stats().segmentsDeleted, std::uint64_t(before.segments - after.segments));
        checkBelowStart(*log, after.startOffset.value());
        ReadBack back;
        KAPPA_VERIFY_OK(verifySequence(*log, "t", 0, after.startOffset.value(), 1000, &back));
        QCOMPARE(back.next, 2000);
        // The start offset persists, and offsetForTime answers within what remains.
        log.reset();
        KAPPA_ASSIGN_OR_FAIL(log, LocalLog::open(path, options));
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo reopened, log->partitionInfo("t", PartitionId(0)));
        QCOMPARE(reopened.startOffset, after.startOffset);
        KAPPA_ASSIGN_OR_FAIL(Offset first, log->offsetForTime("t", PartitionId(0), WallTime(0)));
        QCOMPARE(first, after.startOffset);
    }

    void retentionByAge()
    {
        QTemporaryDir dir;
        ManualClock clock(100'000);
        LocalLogOptions options = smallSegments(nullptr, &clock);
        options.retentionAge = std::chrono::milliseconds(60'000);
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), options));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
        KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, 0, 500)); // old data, several segments
        clock.advance(50'000);
        KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, 500, 500)); // newer data
        KAPPA_VERIFY_OK(log->enforceRetention());
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, log->partitionInfo("t", PartitionId(0)));
        QCOMPARE(info.startOffset.value(), 0); // nothing is older than 60 s yet
        clock.advance(20'000);                 // the first 500 records are now 70 s old, the rest 20 s
        KAPPA_VERIFY_OK(log->enforceRetention());
        KAPPA_ASSIGN_OR_FAIL(info, log->partitionInfo("t", PartitionId(0)));
        QVERIFY(info.startOffset.value() > 0);
        QVERIFY(info.startOffset.value() <= 500);
        QVERIFY(info.firstAppendTime && info.firstAppendTime->value() <= 150'000);
        QCOMPARE(info.lastAppendTime->value(), 150'000);
        checkBelowStart(*log, info.startOffset.value());
        clock.advance(1'000'000); // everything is old: only the active segment stays
        KAPPA_VERIFY_OK(log->enforceRetention());
        KAPPA_ASSIGN_OR_FAIL(info, log->partitionInfo("t", PartitionId(0)));
        QCOMPARE(info.segments, 1);
        QCOMPARE(info.endOffset.value(), 1000);
        QVERIFY(info.startOffset.value() < 1000);
    }

    void readOnlyOpen()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        LocalLogOptions readOnly;
        readOnly.readOnly = true;
        QCOMPARE(LocalLog::open(path + "/absent", readOnly).status().code(), StatusCode::NotFound);
        KAPPA_ASSIGN_OR_FAIL(auto writer, LocalLog::open(path, smallSegments()));
        KAPPA_VERIFY_OK(writer->createTopic("t", TopicConfig{2}));
        KAPPA_VERIFY_OK(appendSequence(*writer, "t", 0, 0, 300));
        // A second writer is refused, from this process as from another.
        const auto second = LocalLog::open(path, {});
        QCOMPARE(second.status().code(), StatusCode::Unavailable);

        // Leave a torn tail that a reader must not cut: half a batch at the end.
        auto segments = segmentFiles(path + "/t/0");
        const std::string last = path + "/t/0/" + segments.back();
        KAPPA_ASSIGN_OR_FAIL(std::uint64_t size, FileSystem::posix().fileSize(last));
        {
            KAPPA_ASSIGN_OR_FAIL(auto raw, FileSystem::posix().openWritable(last));
            KAPPA_VERIFY_OK(raw->append(std::string("KPB1\x01\x02\x03", 7)));
        }
        KAPPA_ASSIGN_OR_FAIL(auto reader, LocalLog::open(path, readOnly));
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, reader->partitionInfo("t", PartitionId(0)));
        QCOMPARE(info.endOffset.value(), 300);
        ReadBack back;
        KAPPA_VERIFY_OK(verifySequence(*reader, "t", 0, 0, 500, &back));
        QCOMPARE(back.count, 300);
        const Record r{"k", "v"};
        QCOMPARE(reader->appendToPartition("t", PartitionId(0), {&r, 1}).status().code(),
                 StatusCode::FailedPrecondition);
        QCOMPARE(reader->append("t", {&r, 1}).status().code(), StatusCode::FailedPrecondition);
        QCOMPARE(reader->createTopic("u", TopicConfig{1}).code(), StatusCode::FailedPrecondition);
        QCOMPARE(reader->enforceRetention().code(), StatusCode::FailedPrecondition);
        KAPPA_ASSIGN_OR_FAIL(std::uint64_t after, FileSystem::posix().fileSize(last));
        QCOMPARE(after, size + 7); // nothing changed on disk
        QCOMPARE(segmentFiles(path + "/t/0"), segments);
    }

    void deleteTopicRemovesItsData()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, smallSegments()));
        KAPPA_VERIFY_OK(log->createTopic("rekey.v1", TopicConfig{3}));
        KAPPA_VERIFY_OK(log->createTopic("other", TopicConfig{1}));
        KAPPA_VERIFY_OK(appendSequence(*log, "rekey.v1", 1, 0, 400)); // several segments
        KAPPA_VERIFY_OK(appendSequence(*log, "other", 0, 0, 10));

        KAPPA_VERIFY_OK(log->deleteTopic("rekey.v1"));
        QVERIFY(!FileSystem::posix().exists(path + "/rekey.v1"));
        QVERIFY(!FileSystem::posix().exists(path + "/rekey.v1~deleted"));
        QCOMPARE(log->listTopics(), std::vector<std::string>{"other"});
        QCOMPARE(log->describeTopic("rekey.v1").status().code(), StatusCode::NotFound);
        RecordBatch batch;
        QCOMPARE(log->read("rekey.v1", PartitionId(1), Offset(0), 100, batch).code(), StatusCode::NotFound);
        QCOMPARE(log->partitionInfo("rekey.v1", PartitionId(0)).status().code(), StatusCode::NotFound);
        QCOMPARE(log->offsetForTime("rekey.v1", PartitionId(0), WallTime(0)).status().code(),
                 StatusCode::NotFound);
        const Record r{"k", "v"};
        QCOMPARE(log->append("rekey.v1", {&r, 1}).status().code(), StatusCode::NotFound);
        QCOMPARE(log->appendToPartition("rekey.v1", PartitionId(0), {&r, 1}).status().code(),
                 StatusCode::NotFound);
        QCOMPARE(log->deleteTopic("rekey.v1").code(), StatusCode::NotFound);

        // The name is free again, with another partition count and no old records.
        KAPPA_VERIFY_OK(log->createTopic("rekey.v1", TopicConfig{2}));
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, log->partitionInfo("rekey.v1", PartitionId(1)));
        QCOMPARE(info.startOffset.value(), 0);
        QCOMPARE(info.endOffset.value(), 0);
        KAPPA_VERIFY_OK(appendSequence(*log, "rekey.v1", 1, 0, 5));

        // Deletion is durable and the untouched topic keeps its records.
        log.reset();
        KAPPA_ASSIGN_OR_FAIL(log, LocalLog::open(path, smallSegments()));
        KAPPA_ASSIGN_OR_FAIL(TopicConfig config, log->describeTopic("rekey.v1"));
        QCOMPARE(config.partitions, 2);
        ReadBack back;
        KAPPA_VERIFY_OK(verifySequence(*log, "rekey.v1", 1, 0, 1000, &back));
        QCOMPARE(back.count, 5);
        KAPPA_VERIFY_OK(verifySequence(*log, "other", 0, 0, 1000, &back));
        QCOMPARE(back.count, 10);
        KAPPA_VERIFY_OK(log->deleteTopic("rekey.v1"));
        log.reset();
        KAPPA_ASSIGN_OR_FAIL(log, LocalLog::open(path, smallSegments()));
        QCOMPARE(log->listTopics(), std::vector<std::string>{"other"});
    }

    void deleteTopicErrors()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, {}));
        QCOMPARE(log->deleteTopic("absent").code(), StatusCode::NotFound);
        QCOMPARE(log->deleteTopic("a/b").code(), StatusCode::InvalidArgument);
        QCOMPARE(log->deleteTopic("..").code(), StatusCode::InvalidArgument);
        QCOMPARE(log->deleteTopic("").code(), StatusCode::InvalidArgument);
        QCOMPARE(log->deleteTopic("t~deleted").code(), StatusCode::InvalidArgument);
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
        LocalLogOptions readOnly;
        readOnly.readOnly = true;
        KAPPA_ASSIGN_OR_FAIL(auto reader, LocalLog::open(path, readOnly));
        QCOMPARE(reader->deleteTopic("t").code(), StatusCode::FailedPrecondition);
        QVERIFY(FileSystem::posix().exists(path + "/t/topic.meta"));
    }

    // A crash after the tombstone rename, partway through removing its files:
    // the log opens without the topic, and a writable open finishes the removal.
    void interruptedDeletionIsFinishedAtOpen()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        {
            KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, smallSegments()));
            KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{2}));
            KAPPA_VERIFY_OK(log->createTopic("keep", TopicConfig{1}));
            KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, 0, 300));
            KAPPA_VERIFY_OK(appendSequence(*log, "keep", 0, 0, 3));
        }
        FileSystem &fs = FileSystem::posix();
        KAPPA_VERIFY_OK(fs.renameFile(path + "/t", path + "/t~deleted"));
        // Half-removed: metadata and the first segment of partition 0 are gone.
        KAPPA_VERIFY_OK(fs.removeFile(path + "/t~deleted/topic.meta"));
        KAPPA_VERIFY_OK(fs.removeFile(path + "/t~deleted/0/00000000000000000000.log"));

        LocalLogOptions readOnly;
        readOnly.readOnly = true;
        {
            KAPPA_ASSIGN_OR_FAIL(auto reader, LocalLog::open(path, readOnly));
            QCOMPARE(reader->listTopics(), std::vector<std::string>{"keep"});
            QVERIFY(fs.exists(path + "/t~deleted/1")); // readOnly writes nothing
        }
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, smallSegments()));
        QCOMPARE(log->listTopics(), std::vector<std::string>{"keep"});
        QVERIFY(!fs.exists(path + "/t~deleted"));
        ReadBack back;
        KAPPA_VERIFY_OK(verifySequence(*log, "keep", 0, 0, 1000, &back));
        QCOMPARE(back.count, 3);
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
    }

    // A tombstone whose removal failed earlier does not block deleting the name again.
    void staleTombstoneDoesNotBlockDeletion()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, {}));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
        FileSystem &fs = FileSystem::posix();
        KAPPA_VERIFY_OK(fs.createDirs(path + "/t~deleted/0"));
        {
            KAPPA_ASSIGN_OR_FAIL(auto stale, fs.openWritable(path + "/t~deleted/0/00000000000000000000.log"));
            KAPPA_VERIFY_OK(stale->append("leftover"));
        }
        KAPPA_VERIFY_OK(log->deleteTopic("t"));
        QVERIFY(!fs.exists(path + "/t"));
        QVERIFY(!fs.exists(path + "/t~deleted"));
        QVERIFY(log->listTopics().empty());
    }

    void readReusesBatchMemory()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), {}));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
        KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, 0, 5000));
        RecordBatch batch;
        KAPPA_VERIFY_OK(log->read("t", PartitionId(0), Offset(0), 64 << 10, batch));
        const std::size_t records = batch.size();
        const char *buffer = batch.buffer().data();
        const RecordView *views = &batch[0];
        KAPPA_VERIFY_OK(log->read("t", PartitionId(0), Offset(0), 64 << 10, batch));
        QCOMPARE(batch.size(), records);
        // Same storage: refilling a batch with as much data does not allocate.
        QCOMPARE(batch.buffer().data(), buffer);
        QCOMPARE(&batch[0], views);
    }

private:
    static void checkBelowStart(LocalLog &log, std::int64_t start)
    {
        RecordBatch batch;
        const Status below = log.read("t", PartitionId(0), Offset(start - 1), 100, batch);
        QCOMPARE(below.code(), StatusCode::OutOfRange);
        const std::string expected = "offset " + std::to_string(start - 1) + " is below the start offset "
                                     + std::to_string(start);
        QVERIFY2(below.message().find(expected) != std::string::npos, below.message().c_str());
        QVERIFY2(below.message().find("topic t partition 0") != std::string::npos, below.message().c_str());
        KAPPA_VERIFY_OK(log.read("t", PartitionId(0), Offset(start), 100, batch));
        QCOMPARE(batch[0].offset.value(), start);
    }
};

QTEST_APPLESS_MAIN(TestLocalLog)
#include "test_local_log.moc"
