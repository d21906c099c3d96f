// SourceReader over a LocalLog of EventCodec-encoded events: batches in
// order, positions and end offsets, undecodable records skipped and counted,
// a position deleted by retention; decoded batches shared between readers of
// one partition (SharedBatches).
#include "test_support.h"

#include "kappa/event_codec.h"
#include "kappa/local_log.h"
#include "kappa/schema_registry.h"
#include "runtime/source_reader.h"

#include <algorithm>
#include <memory>
#include <set>

using namespace kappa;
using namespace kappa::runtime;

namespace {

Event eventNumber(std::int64_t i)
{
    Event e;
    e.eventId = i;
    e.ts = EventTime(1'700'000'000'000 + i * 13);
    e.type = static_cast<EventType>(i % kEventTypeCount);
    e.userId = 100 + i % 7;
    e.sessionId = i / 3;
    e.categoryId = static_cast<std::int32_t>(1 + i % 5);
    e.country = "DE";
    if (i % 2 == 0)
        e.itemId = 5000 + i;
    return e;
}

// Reads partition 0 to its end with readDecoded: every event, in order.
std::vector<Event> readAllDecoded(SourceReader &reader, const EventCodec &codec, std::size_t budget)
{
    std::vector<Event> events;
    do {
        if (!reader.readDecoded(budget, codec).isOk())
            return {};
        events.insert(events.end(), reader.events().begin(), reader.events().end());
    } while (reader.position() < reader.endOffset());
    return events;
}

// Appends one record per value to partition p, each append its own call.
Status appendValues(EventLog &log, const std::string &topic, std::int32_t p,
                    const std::vector<std::string> &values)
{
    std::vector<Record> records;
    for (const std::string &v : values)
        records.push_back({"k", v});
    return log.appendToPartition(topic, PartitionId(p), records).status();
}

} // namespace

class TestRuntimeSourceReader : public QObject
{
    Q_OBJECT

private slots:
    // Reads a partition to its end in several batches: records in offset
    // order without gaps, positions advancing, events equal to what was
    // appended, the garbage records skipped and counted, the end offset known.
    void readsAndDecodesInOrder()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), {}));
        KAPPA_VERIFY_OK(log->createTopic("events", TopicConfig{2}));
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));

        std::vector<std::string> values;
        std::vector<Event> expectedEvents;
        std::set<std::int64_t> garbageOffsets;
        for (std::int64_t i = 0; i < 400; ++i) {
            if (i % 37 == 5) {
                garbageOffsets.insert(static_cast<std::int64_t>(values.size()));
                switch (garbageOffsets.size() % 4) {
                case 0: values.push_back("not avro at all"); break;
                case 1: values.emplace_back(); break;
                case 2: values.push_back(std::string("\0\0\0\x03\xe7", 5) + "unknown schema id"); break;
                default: values.push_back(codec->encode(eventNumber(i)).substr(0, 9)); break; // truncated
                }
            }
            values.push_back(codec->encode(eventNumber(i)));
            expectedEvents.push_back(eventNumber(i));
        }
        KAPPA_VERIFY_OK(appendValues(*log, "events", 0, values));
        KAPPA_VERIFY_OK(appendValues(*log, "events", 1, {codec->encode(eventNumber(9999))}));
        const auto end = static_cast<std::int64_t>(values.size());

        SourceReader reader(*log, "events", PartitionId(0), 2000);
        QCOMPARE(reader.topic(), std::string("events"));
        QCOMPARE(reader.partition(), PartitionId(0));
        QCOMPARE(reader.position(), Offset(0));
        std::vector<Event> events;
        std::size_t skipped = 0;
        int batches = 0;
        Offset expectedOffset(0);
        for (;;) {
            KAPPA_VERIFY_OK(reader.read());
            QCOMPARE(reader.endOffset(), Offset(end));
            if (reader.records().empty())
                break;
            ++batches;
            reader.decode(*codec);
            const RecordBatch &batch = reader.records();
            std::size_t garbageInBatch = 0;
            for (const RecordView &r : batch) {
                QCOMPARE(r.offset, expectedOffset);
                garbageInBatch += garbageOffsets.count(r.offset.value());
                ++expectedOffset;
            }
            QCOMPARE(reader.position(), expectedOffset);
            QCOMPARE(reader.skippedInLastBatch(), garbageInBatch);
            QCOMPARE(reader.events().size() + reader.skippedInLastBatch(), batch.size());
            QCOMPARE(reader.eventRecords().size(), reader.events().size());
            for (std::size_t i = 0; i < reader.events().size(); ++i) {
                const std::size_t record = reader.eventRecords()[i];
                QVERIFY(record < batch.size());
                QVERIFY(!garbageOffsets.count(batch[record].offset.value()));
                if (i > 0)
                    QVERIFY(record > reader.eventRecords()[i - 1]);
                events.push_back(reader.events()[i]);
            }
            skipped += reader.skippedInLastBatch();
        }
        QVERIFY2(batches > 5, "2000-byte batches should cut the partition into several");
        QCOMPARE(reader.position(), Offset(end));
        QCOMPARE(skipped, garbageOffsets.size());
        QCOMPARE(events.size(), expectedEvents.size());
        QVERIFY(events == expectedEvents);

        // At the end: an empty batch, the position stays.
        KAPPA_VERIFY_OK(reader.read());
        QVERIFY(reader.records().empty());
        QCOMPARE(reader.position(), Offset(end));
        // New records: read from where it stopped, the end offset learnt anew.
        KAPPA_VERIFY_OK(appendValues(*log, "events", 0, {codec->encode(eventNumber(400)), "junk"}));
        KAPPA_VERIFY_OK(reader.read());
        QCOMPARE(reader.endOffset(), Offset(end + 2));
        QCOMPARE(reader.records().size(), std::size_t(2));
        QCOMPARE(reader.records()[0].offset, Offset(end));
        reader.decode(*codec);
        QCOMPARE(reader.events().size(), std::size_t(1));
        QVERIFY(reader.events()[0] == eventNumber(400));
        QCOMPARE(reader.skippedInLastBatch(), std::size_t(1));
        QCOMPARE(reader.position(), Offset(end + 2));

        // seek() repositions; the other partition is independent.
        reader.seek(Offset(3));
        KAPPA_VERIFY_OK(reader.read());
        QCOMPARE(reader.records()[0].offset, Offset(3));
        SourceReader other(*log, "events", PartitionId(1), 1 << 20);
        KAPPA_VERIFY_OK(other.read());
        other.decode(*codec);
        QCOMPARE(other.endOffset(), Offset(1));
        QCOMPARE(other.events().size(), std::size_t(1));
        QVERIFY(other.events()[0] == eventNumber(9999));
    }

    // A position below the partition's start offset (deleted by retention)
    // is OutOfRange naming the topic and partition; from the start offset on it reads.
    void positionDeletedByRetention()
    {
        QTemporaryDir dir;
        LocalLogOptions options;
        options.segmentBytes = 4096;
        options.maxBatchBytes = 1024;
        options.indexIntervalBytes = 512;
        options.retentionBytes = 3 * 4096;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), options));
        KAPPA_VERIFY_OK(log->createTopic("events", TopicConfig{1}));
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        for (int chunk = 0; chunk < 20; ++chunk) {
            std::vector<std::string> values;
            for (int i = 0; i < 50; ++i)
                values.push_back(codec->encode(eventNumber(chunk * 50 + i)));
            KAPPA_VERIFY_OK(appendValues(*log, "events", 0, values));
        }
        KAPPA_VERIFY_OK(log->enforceRetention());
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, log->partitionInfo("events", PartitionId(0)));
        QVERIFY(info.startOffset > Offset(0));

        SourceReader reader(*log, "events", PartitionId(0), 4096);
        const Status status = reader.read();
        QCOMPARE(status.code(), StatusCode::OutOfRange);
        QVERIFY2(status.message().find("events/0") != std::string::npos, status.message().c_str());
        QCOMPARE(reader.position(), Offset(0));
        reader.seek(info.startOffset - 1);
        QCOMPARE(reader.read().code(), StatusCode::OutOfRange);

        reader.seek(info.startOffset);
        KAPPA_VERIFY_OK(reader.read());
        QCOMPARE(reader.records()[0].offset, info.startOffset);
        reader.decode(*codec);
        QVERIFY(reader.events()[0] == eventNumber(info.startOffset.value()));
        QCOMPARE(reader.endOffset(), Offset(1000));
    }

    // Readers of one partition take each other's decoded batches when they
    // read from the same offset with at least the same budget and a codec
    // over the same registry; a smaller budget or another registry reads
    // alone. Whichever way, each reader sees every event once, in order.
    void readersShareDecodedBatches()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), {}));
        KAPPA_VERIFY_OK(log->createTopic("events", TopicConfig{1}));
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        KAPPA_ASSIGN_OR_FAIL(auto sameRegistryCodec, EventCodec::create(registry));
        SchemaRegistry otherRegistry;
        KAPPA_ASSIGN_OR_FAIL(auto otherCodec, EventCodec::create(otherRegistry));
        std::vector<std::string> values;
        std::vector<Event> expected;
        for (std::int64_t i = 0; i < 300; ++i) {
            if (i % 50 == 7)
                values.push_back("junk"); // skipped, by every reader
            values.push_back(codec->encode(eventNumber(i)));
            expected.push_back(eventNumber(i));
        }
        KAPPA_VERIFY_OK(appendValues(*log, "events", 0, values));

        auto shared = std::make_shared<SharedBatches>(3);
        SourceReader first(*log, "events", PartitionId(0), 2000, shared);
        SourceReader second(*log, "events", PartitionId(0), 2000, shared);
        KAPPA_VERIFY_OK(first.readDecoded(2000, *codec));
        KAPPA_VERIFY_OK(second.readDecoded(2000, *sameRegistryCodec));
        QCOMPARE(shared->misses(), std::int64_t(1));
        QCOMPARE(shared->hits(), std::int64_t(1));
        QCOMPARE(second.events().data(), first.events().data()); // one decoding, not two
        QCOMPARE(second.position(), first.position());
        const std::vector<Event> firstBatch(first.events().begin(), first.events().end());

        // The first reader runs three batches ahead: the shared batch leaves
        // the cache (it keeps three), but the second reader still holds it,
        // unchanged. Reading on, the second takes the three the first left.
        std::vector<Event> firstAll = firstBatch;
        for (int i = 0; i < 3; ++i) {
            KAPPA_VERIFY_OK(first.readDecoded(2000, *codec));
            firstAll.insert(firstAll.end(), first.events().begin(), first.events().end());
        }
        QVERIFY(
            std::equal(second.events().begin(), second.events().end(), firstBatch.begin(), firstBatch.end()));
        std::vector<Event> secondAll = firstBatch;
        for (int i = 0; i < 3; ++i) {
            KAPPA_VERIFY_OK(second.readDecoded(2000, *sameRegistryCodec));
            secondAll.insert(secondAll.end(), second.events().begin(), second.events().end());
        }
        QCOMPARE(shared->hits(), std::int64_t(4));
        QCOMPARE(second.position(), first.position());
        const std::vector<Event> firstRest = readAllDecoded(first, *codec, 2000);
        firstAll.insert(firstAll.end(), firstRest.begin(), firstRest.end());
        const std::vector<Event> secondRest = readAllDecoded(second, *sameRegistryCodec, 2000);
        secondAll.insert(secondAll.end(), secondRest.begin(), secondRest.end());
        QVERIFY(firstAll == expected);
        QVERIFY(secondAll == expected);

        // A smaller budget, or a codec over another registry: read and decoded alone.
        const std::int64_t hitsBefore = shared->hits();
        SourceReader small(*log, "events", PartitionId(0), 2000, shared);
        QVERIFY(readAllDecoded(small, *codec, 700) == expected);
        SourceReader other(*log, "events", PartitionId(0), 2000, shared);
        QVERIFY(readAllDecoded(other, *otherCodec, 2000) == expected);
        QCOMPARE(shared->hits(), hitsBefore);
    }

    // Live: a batch read before the log grew is shorter than what a later
    // read from its offset would return; taking it is still right, and the
    // next read goes on from its end.
    void sharedBatchBeforeTheLogGrewIsAPrefix()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), {}));
        KAPPA_VERIFY_OK(log->createTopic("events", TopicConfig{1}));
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        KAPPA_VERIFY_OK(
            appendValues(*log, "events", 0, {codec->encode(eventNumber(0)), codec->encode(eventNumber(1))}));
        auto shared = std::make_shared<SharedBatches>();
        SourceReader early(*log, "events", PartitionId(0), 1 << 20, shared);
        KAPPA_VERIFY_OK(early.readDecoded(1 << 20, *codec));
        QCOMPARE(early.events().size(), std::size_t(2));
        KAPPA_VERIFY_OK(appendValues(*log, "events", 0, {codec->encode(eventNumber(2))}));

        SourceReader late(*log, "events", PartitionId(0), 1 << 20, shared);
        KAPPA_VERIFY_OK(late.readDecoded(1 << 20, *codec));
        QCOMPARE(shared->hits(), std::int64_t(1));
        QCOMPARE(late.events().size(), std::size_t(2));
        // Caught up as far as that batch's reader knew: not behind (a source
        // task that is behind holds its outputs back), the end learnt next read.
        QCOMPARE(late.position(), Offset(2));
        QCOMPARE(late.endOffset(), Offset(2));
        KAPPA_VERIFY_OK(late.readDecoded(1 << 20, *codec));
        QCOMPARE(late.endOffset(), Offset(3));
        QCOMPARE(late.events().size(), std::size_t(1));
        QVERIFY(late.events()[0] == eventNumber(2));
        // At the end: nothing read, nothing shared, the position stays.
        KAPPA_VERIFY_OK(late.readDecoded(1 << 20, *codec));
        QVERIFY(late.events().empty());
        QVERIFY(late.records().empty());
        QCOMPARE(late.position(), Offset(3));
    }

    // A batch cut short by a smaller budget (a throttled replay's) is not
    // what a reader with a larger budget would read: it serves only readers
    // with its budget. A smaller batch that reached the end serves larger ones.
    void shortBatchServesOnlyItsBudget()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), {}));
        KAPPA_VERIFY_OK(log->createTopic("events", TopicConfig{1}));
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        std::vector<std::string> values;
        for (std::int64_t i = 0; i < 100; ++i)
            values.push_back(codec->encode(eventNumber(i)));
        KAPPA_VERIFY_OK(appendValues(*log, "events", 0, values));
        auto shared = std::make_shared<SharedBatches>();
        SourceReader throttled(*log, "events", PartitionId(0), 1 << 20, shared);
        KAPPA_VERIFY_OK(throttled.readDecoded(500, *codec));
        QVERIFY(throttled.position() < throttled.endOffset());

        SourceReader live(*log, "events", PartitionId(0), 1 << 20, shared);
        KAPPA_VERIFY_OK(live.readDecoded(1 << 20, *codec));
        QCOMPARE(shared->hits(), std::int64_t(0));
        QCOMPARE(live.position(), Offset(100));
        SourceReader alsoThrottled(*log, "events", PartitionId(0), 1 << 20, shared);
        KAPPA_VERIFY_OK(alsoThrottled.readDecoded(500, *codec));
        QCOMPARE(shared->hits(), std::int64_t(1));
        QCOMPARE(alsoThrottled.position(), throttled.position());

        // The last short batch reaches the end: a larger budget would have read the same.
        Offset from = throttled.position();
        while (throttled.position() < Offset(100)) {
            from = throttled.position();
            KAPPA_VERIFY_OK(throttled.readDecoded(500, *codec));
        }
        SourceReader catchingUp(*log, "events", PartitionId(0), 1 << 20, shared);
        catchingUp.seek(from);
        const std::int64_t hitsBefore = shared->hits();
        KAPPA_VERIFY_OK(catchingUp.readDecoded(1 << 20, *codec));
        QCOMPARE(shared->hits(), hitsBefore + 1);
        QCOMPARE(catchingUp.position(), Offset(100));
        QCOMPARE(catchingUp.endOffset(), Offset(100));
    }

    void unknownTopicIsNotFound()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), {}));
        SourceReader reader(*log, "missing", PartitionId(0), 4096);
        const Status status = reader.read();
        QCOMPARE(status.code(), StatusCode::NotFound);
        QVERIFY2(status.message().find("missing/0") != std::string::npos, status.message().c_str());
    }
};

QTEST_APPLESS_MAIN(TestRuntimeSourceReader)
#include "test_runtime_source_reader.moc"
