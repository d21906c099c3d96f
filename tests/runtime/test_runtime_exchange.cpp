// Exchange: the record layout and the writer's partitioning and markers; the
// merge's release order (below every upstream's marker, in (epoch, upstream,
// seq) order, the same for every interleaving of the upstreams' appends),
// duplicates after an upstream crash, restarts from a serialized merge,
// flush, malformed input and the buffer limit.
#include "test_support.h"

#include "base/murmur2.h"
#include "kappa/local_log.h"
#include "runtime/exchange.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <random>
#include <thread>

using namespace kappa;
using namespace kappa::runtime;

namespace {

constexpr std::int64_t kEpochMs = 100;
// A marker value that closes every epoch a test script produces (end of input).
constexpr std::int64_t kEndEpoch = 1'000'000;

// The record layout documented in exchange.cpp, written out independently of it:
//   data:   [1][upstream i32][seq i64][epoch i64][source append time i64][payload...]
//   marker: [2][upstream i32][epoch i64]
template<typename T>
void putLittleEndian(std::string &out, T value)
{
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

std::string dataRecord(std::int32_t upstream, std::int64_t seq, std::int64_t epoch, std::int64_t appendMs,
                       std::string_view payload)
{
    std::string out(1, '\1');
    putLittleEndian(out, upstream);
    putLittleEndian(out, seq);
    putLittleEndian(out, epoch);
    putLittleEndian(out, appendMs);
    out.append(payload);
    return out;
}

std::string markerRecord(std::int32_t upstream, std::int64_t epoch)
{
    std::string out(1, '\2');
    putLittleEndian(out, upstream);
    putLittleEndian(out, epoch);
    return out;
}

struct Released
{
    std::int32_t upstream = 0;
    std::int64_t seq = 0;
    std::int64_t epoch = 0;
    std::int64_t appendMs = 0;
    std::string payload;
    std::int64_t ordinal = 0;
    bool operator==(const Released &) const = default;
};

std::string describe(const Released &r)
{
    return "#" + std::to_string(r.ordinal) + " (epoch " + std::to_string(r.epoch) + ", upstream "
           + std::to_string(r.upstream) + ", seq " + std::to_string(r.seq) + ", append "
           + std::to_string(r.appendMs) + ", payload '" + r.payload + "')";
}

// Empty if equal, else where the two sequences first differ.
std::string firstDifference(const std::vector<Released> &actual, const std::vector<Released> &expected)
{
    const std::size_t n = std::min(actual.size(), expected.size());
    for (std::size_t i = 0; i < n; ++i)
        if (!(actual[i] == expected[i]))
            return "at index " + std::to_string(i) + ": got " + describe(actual[i]) + ", expected "
                   + describe(expected[i]);
    if (actual.size() != expected.size())
        return "got " + std::to_string(actual.size()) + " records, expected "
               + std::to_string(expected.size());
    return {};
}

#define VERIFY_SAME_SEQUENCE(actual, expected) \
    do { \
        const std::string difference_ = firstDifference((actual), (expected)); \
        QVERIFY2(difference_.empty(), difference_.c_str()); \
    } while (false)

Released toReleased(const ReleasedRecord &r)
{
    return {r.upstream, r.seq, r.epoch, r.sourceAppendTime.value(), std::string(r.payload), r.ordinal};
}

ExchangeMerge::Visitor collectInto(std::vector<Released> &out)
{
    return [&out](const ReleasedRecord &r) {
        out.push_back(toReleased(r));
        return Status::ok();
    };
}

// One item an upstream appends: a record or a marker.
struct Item
{
    bool marker = false;
    std::int32_t upstream = 0;
    std::int64_t seq = 0;
    std::int64_t epoch = 0;
    std::int64_t appendMs = 0;
    std::string key;
    std::string payload;

    std::string bytes() const
    {
        return marker ? markerRecord(upstream, epoch) : dataRecord(upstream, seq, epoch, appendMs, payload);
    }
};

// What upstream u appends, in its order: records with increasing seq (with
// gaps, like source offsets) and non-decreasing epoch from a wandering event
// time (negative too), a marker whenever its epoch advanced (sometimes), and
// with `closeAll` a last marker closing every epoch.
std::vector<Item> upstreamScript(std::int32_t u, int records, std::mt19937_64 &rng, bool closeAll = true)
{
    std::vector<Item> items;
    std::int64_t seq = static_cast<std::int64_t>(rng() % 5);
    std::int64_t maxTs = static_cast<std::int64_t>(rng() % 1000) - 700;
    std::int64_t announced = std::numeric_limits<std::int64_t>::min();
    for (int i = 0; i < records; ++i) {
        seq += 1 + static_cast<std::int64_t>(rng() % 3);
        maxTs = std::max(maxTs, maxTs + static_cast<std::int64_t>(rng() % 120) - 40);
        Item item;
        item.upstream = u;
        item.seq = seq;
        item.epoch = epochOf(maxTs, kEpochMs);
        item.appendMs = 1'000'000 + 10 * seq + u;
        item.key = "key-" + std::to_string(rng() % 50);
        item.payload = "u" + std::to_string(u) + "-s" + std::to_string(seq) + std::string(rng() % 20, 'x');
        items.push_back(item);
        if (rng() % 4 == 0 && item.epoch > announced) {
            announced = item.epoch;
            items.push_back(Item{true, u, 0, announced, 0, {}, {}});
        }
    }
    if (closeAll)
        items.push_back(Item{true, u, 0, kEndEpoch, 0, {}, {}});
    return items;
}

// The expected released sequence: every record (of `partition` if given) in (epoch, upstream, seq) order.
std::vector<Released> expectedOrder(const std::vector<std::vector<Item>> &scripts,
                                    std::int32_t partition = -1, std::int32_t partitions = 1)
{
    std::vector<Released> out;
    for (const auto &script : scripts)
        for (const Item &item : script)
            if (!item.marker && (partition < 0 || base::partitionForKey(item.key, partitions) == partition))
                out.push_back({item.upstream, item.seq, item.epoch, item.appendMs, item.payload, 0});
    std::sort(out.begin(), out.end(), [](const Released &a, const Released &b) {
        return std::tie(a.epoch, a.upstream, a.seq) < std::tie(b.epoch, b.upstream, b.seq);
    });
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i].ordinal = static_cast<std::int64_t>(i);
    return out;
}

// The contents of one partition for one interleaving of the upstreams'
// appends: each upstream's order kept, chunks of 1..4 items taken in turn from
// a randomly chosen upstream.
std::vector<std::string> interleave(const std::vector<std::vector<Item>> &scripts, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::vector<std::size_t> next(scripts.size(), 0);
    std::vector<std::string> out;
    for (;;) {
        std::vector<std::size_t> open;
        for (std::size_t u = 0; u < scripts.size(); ++u)
            if (next[u] < scripts[u].size())
                open.push_back(u);
        if (open.empty())
            return out;
        const std::size_t u = open[rng() % open.size()];
        const std::size_t take = 1 + rng() % 4;
        for (std::size_t i = 0; i < take && next[u] < scripts[u].size(); ++i)
            out.push_back(scripts[u][next[u]++].bytes());
    }
}

// The test's own view of the markers seen so far, read from the raw bytes.
class MarkerTracker
{
public:
    explicit MarkerTracker(std::int32_t upstreams)
        : m_closed(static_cast<std::size_t>(upstreams), std::numeric_limits<std::int64_t>::min())
    {}
    void see(std::string_view value)
    {
        if (value.size() != 13 || value[0] != '\2')
            return;
        std::int32_t u = 0;
        std::int64_t epoch = 0;
        std::memcpy(&u, value.data() + 1, 4);
        std::memcpy(&epoch, value.data() + 5, 8);
        auto &closed = m_closed[static_cast<std::size_t>(u)];
        closed = std::max(closed, epoch);
    }
    std::int64_t frontier() const { return *std::min_element(m_closed.begin(), m_closed.end()); }

private:
    std::vector<std::int64_t> m_closed;
};

// Feeds values[from, to) (at their index as offset) to the merge, releasing
// at random points. Every release must be below every upstream's marker seen
// so far; the first violation is stored in `violation`.
Status feed(ExchangeMerge &merge, const std::vector<std::string> &values, std::size_t from, std::size_t to,
            std::mt19937_64 &rng, MarkerTracker &markers, std::vector<Released> &out, std::string &violation)
{
    const ExchangeMerge::Visitor visit = [&](const ReleasedRecord &r) {
        if (violation.empty() && (r.epoch >= markers.frontier() || r.epoch >= merge.frontier()))
            violation = "released " + describe(toReleased(r)) + " with the marker frontier at "
                        + std::to_string(markers.frontier());
        out.push_back(toReleased(r));
        return Status::ok();
    };
    for (std::size_t i = from; i < to; ++i) {
        KAPPA_RETURN_IF_ERROR(merge.add(Offset(static_cast<std::int64_t>(i)), values[i]));
        markers.see(values[i]);
        if (rng() % 5 == 0)
            KAPPA_RETURN_IF_ERROR(merge.release(visit));
    }
    return merge.release(visit);
}

std::vector<std::vector<Item>> makeScripts(std::int32_t upstreams, int records, std::uint64_t seed,
                                           bool closeAll = true)
{
    std::mt19937_64 rng(seed);
    std::vector<std::vector<Item>> scripts;
    for (std::int32_t u = 0; u < upstreams; ++u)
        scripts.push_back(upstreamScript(u, records, rng, closeAll));
    return scripts;
}

std::vector<std::pair<Offset, std::string>> readPartition(EventLog &log, const std::string &topic,
                                                          std::int32_t p, Offset from = Offset(0))
{
    std::vector<std::pair<Offset, std::string>> out;
    RecordBatch batch;
    for (;;) {
        if (!log.read(topic, PartitionId(p), from, 4096, batch).isOk() || batch.empty())
            return out;
        for (const RecordView &r : batch)
            out.emplace_back(r.offset, std::string(r.value));
        from = batch.nextOffset();
    }
}

// Replays one upstream's script through an ExchangeWriter: records are
// queued, a marker is announced and everything flushed at each marker (and
// every few records).
Status replayThroughWriter(ExchangeWriter &writer, const std::vector<Item> &script)
{
    int queued = 0;
    for (const Item &item : script) {
        if (item.marker) {
            writer.closeEpochsBelow(item.epoch);
            KAPPA_RETURN_IF_ERROR(writer.flush());
            queued = 0;
            continue;
        }
        writer.add(item.key, item.seq, item.epoch, WallTime(item.appendMs), item.payload);
        if (++queued == 6) {
            KAPPA_RETURN_IF_ERROR(writer.flush());
            queued = 0;
        }
    }
    return writer.flush();
}

Result<std::unique_ptr<LocalLog>> openLog(const QTemporaryDir &dir)
{
    return LocalLog::open(dir.path().toStdString(), LocalLogOptions{});
}

} // namespace

class TestRuntimeExchange : public QObject
{
    Q_OBJECT

private slots:
    void epochOfFloors_data()
    {
        QTest::addColumn<qint64>("timeMs");
        QTest::addColumn<qint64>("epochMs");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("zero") << qint64(0) << qint64(100) << qint64(0);
        QTest::newRow("inside first") << qint64(99) << qint64(100) << qint64(0);
        QTest::newRow("boundary") << qint64(100) << qint64(100) << qint64(1);
        QTest::newRow("large") << qint64(1'700'000'000'123) << qint64(1000) << qint64(1'700'000'000);
        QTest::newRow("minus one") << qint64(-1) << qint64(100) << qint64(-1);
        QTest::newRow("minus 99") << qint64(-99) << qint64(100) << qint64(-1);
        QTest::newRow("minus 100") << qint64(-100) << qint64(100) << qint64(-1);
        QTest::newRow("minus 101") << qint64(-101) << qint64(100) << qint64(-2);
        QTest::newRow("epoch 1 ms") << qint64(-7) << qint64(1) << qint64(-7);
        QTest::newRow("int64 min") << qint64(std::numeric_limits<std::int64_t>::min()) << qint64(1000)
                                   << qint64(std::numeric_limits<std::int64_t>::min() / 1000 - 1);
    }

    void epochOfFloors()
    {
        QFETCH(qint64, timeMs);
        QFETCH(qint64, epochMs);
        QFETCH(qint64, expected);
        QCOMPARE(qint64(epochOf(timeMs, epochMs)), expected);
    }

    // Records go to their key's partition with the documented layout, in
    // order, each partition's batch followed by the marker; a marker is
    // written only when the announced epoch advances.
    void writerLayoutAndMarkers()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, openLog(dir));
        constexpr std::int32_t kPartitions = 4;
        KAPPA_VERIFY_OK(log->createTopic("rekey", TopicConfig{kPartitions}));
        ExchangeWriter writer(*log, "rekey", kPartitions, 2);
        QCOMPARE(writer.topic(), std::string("rekey"));
        std::vector<std::vector<std::pair<std::string, std::string>>> expected(kPartitions);
        for (int i = 0; i < 40; ++i) {
            const std::string key = "k" + std::to_string(i);
            const std::string payload = "payload-" + std::to_string(i);
            writer.add(key, 10 + i, i / 8, WallTime(5000 + i), payload);
            expected[static_cast<std::size_t>(base::partitionForKey(key, kPartitions))]
                .emplace_back(key, dataRecord(2, 10 + i, i / 8, 5000 + i, payload));
        }
        writer.closeEpochsBelow(5);
        writer.closeEpochsBelow(3); // does not go back
        QCOMPARE(writer.announcedEpoch(), std::int64_t(5));
        for (std::int32_t p = 0; p < kPartitions; ++p)
            QVERIFY(readPartition(*log, "rekey", p).empty()); // queued, not yet appended
        KAPPA_VERIFY_OK(writer.flush());

        for (std::int32_t p = 0; p < kPartitions; ++p) {
            auto &want = expected[static_cast<std::size_t>(p)];
            QVERIFY2(!want.empty(), "40 keys should reach every one of 4 partitions");
            want.emplace_back(std::string(), markerRecord(2, 5));
            RecordBatch batch;
            KAPPA_VERIFY_OK(log->read("rekey", PartitionId(p), Offset(0), 1 << 20, batch));
            QCOMPARE(batch.size(), want.size());
            for (std::size_t i = 0; i < want.size(); ++i) {
                QCOMPARE(std::string(batch[i].key), want[i].first);
                QVERIFY2(std::string(batch[i].value) == want[i].second,
                         ("record " + std::to_string(i)).c_str());
            }
        }

        // Nothing queued and no new epoch: nothing appended.
        writer.closeEpochsBelow(5);
        KAPPA_VERIFY_OK(writer.flush());
        for (std::int32_t p = 0; p < kPartitions; ++p)
            QCOMPARE(readPartition(*log, "rekey", p).size(), expected[static_cast<std::size_t>(p)].size());

        // A new epoch alone: one marker in every partition.
        writer.closeEpochsBelow(6);
        KAPPA_VERIFY_OK(writer.flush());
        for (std::int32_t p = 0; p < kPartitions; ++p) {
            const auto all = readPartition(*log, "rekey", p);
            QCOMPARE(all.size(), expected[static_cast<std::size_t>(p)].size() + 1);
            QVERIFY(all.back().second == markerRecord(2, 6));
        }
    }

    // Deferred appends: the same records, readable only once settled (or
    // waited for through durability(), from another thread); settle() waits
    // for none younger than its age and counts the records it waited for.
    void deferredAppendsSettle()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, openLog(dir));
        constexpr std::int32_t kPartitions = 3;
        KAPPA_VERIFY_OK(log->createTopic("rekey", TopicConfig{kPartitions}));
        ExchangeWriter writer(*log, "rekey", kPartitions, 0);
        QVERIFY(!writer.unsettled());
        for (int i = 0; i < 12; ++i)
            writer.add("k" + std::to_string(i), i, 0, WallTime(1000), "p" + std::to_string(i));
        writer.closeEpochsBelow(1);
        KAPPA_VERIFY_OK(writer.flushDeferred());
        QVERIFY(writer.unsettled());
        const auto readable = [&] {
            std::size_t records = 0;
            for (std::int32_t p = 0; p < kPartitions; ++p)
                records += readPartition(*log, "rekey", p).size();
            return records;
        };
        QCOMPARE(readable(), std::size_t{0});
        KAPPA_ASSIGN_OR_FAIL(std::size_t settled, writer.settle(std::chrono::hours(1)));
        QCOMPARE(settled, std::size_t{0}); // too young
        QVERIFY(writer.unsettled());

        // A checkpoint's wait, on another thread, makes them readable.
        const std::function<Status()> durable = writer.durability();
        Status waited;
        std::thread([&] { waited = durable(); }).join();
        KAPPA_VERIFY_OK(waited);
        QCOMPARE(readable(), std::size_t{12 + kPartitions}); // the records and a marker per partition

        KAPPA_ASSIGN_OR_FAIL(settled, writer.settle(std::chrono::milliseconds(0)));
        QCOMPARE(settled, std::size_t{12 + kPartitions});
        QVERIFY(!writer.unsettled());
        KAPPA_ASSIGN_OR_FAIL(settled, writer.settle(std::chrono::milliseconds(0)));
        QCOMPARE(settled, std::size_t{0});

        // Two deferred flushes to the same partition settle as one.
        writer.add("k0", 100, 1, WallTime(2000), "again");
        KAPPA_VERIFY_OK(writer.flushDeferred());
        writer.add("k0", 101, 1, WallTime(2000), "and again");
        KAPPA_VERIFY_OK(writer.flushDeferred());
        KAPPA_ASSIGN_OR_FAIL(settled, writer.settle(std::chrono::milliseconds(0)));
        QCOMPARE(settled, std::size_t{2});
        QCOMPARE(readable(), std::size_t{12 + kPartitions + 2});
    }

    // Nothing is released until every upstream's marker is above its epoch;
    // then in (epoch, upstream, seq) order whatever the arrival order.
    void releaseWaitsForEveryMarker()
    {
        ExchangeMerge merge(3);
        std::vector<Released> out;
        std::int64_t offset = 0;
        auto add = [&](const std::string &value) { return merge.add(Offset(offset++), value); };
        KAPPA_VERIFY_OK(add(dataRecord(2, 7, 1, 100, "c")));
        KAPPA_VERIFY_OK(add(dataRecord(1, 4, 0, 101, "b")));
        KAPPA_VERIFY_OK(add(dataRecord(0, 9, 0, 102, "a")));
        KAPPA_VERIFY_OK(add(dataRecord(0, 3, 0, 103, "old"))); // seq 3 after 9: dropped as a duplicate
        KAPPA_VERIFY_OK(add(dataRecord(0, 11, 1, 104, "d")));
        QCOMPARE(merge.duplicatesDropped(), std::uint64_t(1));
        QCOMPARE(merge.buffered(), std::size_t(4));
        QCOMPARE(merge.frontier(), std::numeric_limits<std::int64_t>::min());

        KAPPA_VERIFY_OK(add(markerRecord(0, 5)));
        KAPPA_VERIFY_OK(add(markerRecord(1, 5)));
        KAPPA_VERIFY_OK(merge.release(collectInto(out)));
        QVERIFY(out.empty()); // upstream 2 has said nothing yet
        KAPPA_VERIFY_OK(add(markerRecord(2, 1)));
        QCOMPARE(merge.frontier(), std::int64_t(1));
        KAPPA_VERIFY_OK(merge.release(collectInto(out)));
        VERIFY_SAME_SEQUENCE(out, (std::vector<Released>{{0, 9, 0, 102, "a", 0}, {1, 4, 0, 101, "b", 1}}));
        QCOMPARE(merge.restartOffset(Offset(9)), Offset(0)); // "c" at offset 0 is still buffered
        KAPPA_VERIFY_OK(add(markerRecord(2, 0)));            // a lower marker does not move the frontier back
        QCOMPARE(merge.frontier(), std::int64_t(1));
        KAPPA_VERIFY_OK(add(markerRecord(2, 2)));
        KAPPA_VERIFY_OK(merge.release(collectInto(out)));
        VERIFY_SAME_SEQUENCE(out, (std::vector<Released>{{0, 9, 0, 102, "a", 0},
                                                         {1, 4, 0, 101, "b", 1},
                                                         {0, 11, 1, 104, "d", 2},
                                                         {2, 7, 1, 100, "c", 3}}));
        QCOMPARE(merge.buffered(), std::size_t(0));
        QCOMPARE(merge.releasedCount(), std::int64_t(4));
        QCOMPARE(merge.restartOffset(Offset(42)), Offset(42));
    }

    // Many interleavings of three upstreams' appends release one sequence:
    // every record, in (epoch, upstream, seq) order, each release below every
    // marker seen so far.
    void releasedSequenceIndependentOfInterleaving()
    {
        const auto scripts = makeScripts(3, 400, 7);
        const std::vector<Released> expected = expectedOrder(scripts);
        std::vector<Released> first;
        for (std::uint64_t seed = 1; seed <= 30; ++seed) {
            const std::vector<std::string> values = interleave(scripts, seed);
            ExchangeMerge merge(3);
            MarkerTracker markers(3);
            std::mt19937_64 rng(seed * 31);
            std::vector<Released> out;
            std::string violation;
            KAPPA_VERIFY_OK(feed(merge, values, 0, values.size() / 2, rng, markers, out, violation));
            QVERIFY2(!out.empty(), "records should be released before the end of the input");
            KAPPA_VERIFY_OK(
                feed(merge, values, values.size() / 2, values.size(), rng, markers, out, violation));
            QVERIFY2(violation.empty(), violation.c_str());
            QCOMPARE(merge.buffered(), std::size_t(0)); // the final markers closed everything
            VERIFY_SAME_SEQUENCE(out, expected);
            if (seed == 1)
                first = out;
            VERIFY_SAME_SEQUENCE(out, first);
            QCOMPARE(merge.duplicatesDropped(), std::uint64_t(0));
        }
    }

    // An upstream that crashes and re-emits a suffix from its checkpoint: the
    // re-emitted records are dropped and counted; the sequence is unchanged.
    void duplicatesAfterUpstreamCrashAreDropped()
    {
        auto scripts = makeScripts(3, 300, 11);
        const std::vector<Released> expected = expectedOrder(scripts);
        for (std::uint64_t seed = 1; seed <= 10; ++seed) {
            std::vector<std::vector<Item>> crashed = scripts;
            // Upstream 1 wrote items [0, k), crashed, restarted from item j < k and wrote everything from there.
            const std::vector<Item> &original = scripts[1];
            const std::size_t k = 50 + seed * 17;
            const std::size_t j = k - 10 - seed * 3;
            std::vector<Item> withCrash(original.begin(), original.begin() + static_cast<std::ptrdiff_t>(k));
            withCrash.insert(withCrash.end(), original.begin() + static_cast<std::ptrdiff_t>(j),
                             original.end());
            crashed[1] = withCrash;
            const auto reEmitted = static_cast<std::uint64_t>(
                std::count_if(original.begin() + static_cast<std::ptrdiff_t>(j),
                              original.begin() + static_cast<std::ptrdiff_t>(k),
                              [](const Item &i) { return !i.marker; }));
            QVERIFY(reEmitted > 0);

            const std::vector<std::string> values = interleave(crashed, seed);
            ExchangeMerge merge(3);
            MarkerTracker markers(3);
            std::mt19937_64 rng(seed);
            std::vector<Released> out;
            std::string violation;
            KAPPA_VERIFY_OK(feed(merge, values, 0, values.size(), rng, markers, out, violation));
            QVERIFY2(violation.empty(), violation.c_str());
            VERIFY_SAME_SEQUENCE(out, expected);
            QCOMPARE(merge.duplicatesDropped(), reEmitted);
        }
    }

    // A downstream that stops mid-way, serializes its merge (its checkpoint),
    // parses it into a new merge and re-reads from restartOffset() releases
    // exactly the rest of the uninterrupted sequence, with the same ordinals.
    void restartContinuesTheSequence()
    {
        // Without final markers, so that the end needs flush() and restarts see a non-empty buffer.
        const auto scripts = makeScripts(3, 150, 23, false);
        const std::vector<std::string> values = interleave(scripts, 5);
        std::vector<Released> uninterrupted;
        {
            ExchangeMerge merge(3);
            MarkerTracker markers(3);
            std::mt19937_64 rng(1);
            std::string violation;
            KAPPA_VERIFY_OK(feed(merge, values, 0, values.size(), rng, markers, uninterrupted, violation));
            QVERIFY2(violation.empty(), violation.c_str());
            KAPPA_VERIFY_OK(merge.flush(collectInto(uninterrupted)));
        }
        VERIFY_SAME_SEQUENCE(uninterrupted, expectedOrder(scripts));

        int restartsWithBuffer = 0;
        for (std::size_t crashAt = 0; crashAt <= values.size(); crashAt += 7) {
            ExchangeMerge before(3);
            MarkerTracker markers(3);
            std::mt19937_64 rng(crashAt);
            std::vector<Released> out;
            std::string violation;
            KAPPA_VERIFY_OK(feed(before, values, 0, crashAt, rng, markers, out, violation));
            std::string checkpoint;
            before.serialize(checkpoint);
            const Offset restart = before.restartOffset(Offset(static_cast<std::int64_t>(crashAt)));
            QVERIFY(restart <= Offset(static_cast<std::int64_t>(crashAt)));
            if (before.buffered() > 0) {
                QVERIFY(restart < Offset(static_cast<std::int64_t>(crashAt)));
                ++restartsWithBuffer;
            }
            QCOMPARE(std::size_t(before.releasedCount()), out.size());

            KAPPA_ASSIGN_OR_FAIL(ExchangeMerge after, ExchangeMerge::parse(checkpoint, 3));
            QCOMPARE(after.releasedCount(), before.releasedCount());
            QCOMPARE(after.frontier(), before.frontier());
            QCOMPARE(after.buffered(), std::size_t(0));
            KAPPA_VERIFY_OK(feed(after, values, static_cast<std::size_t>(restart.value()), values.size(), rng,
                                 markers, out, violation));
            KAPPA_VERIFY_OK(after.flush(collectInto(out)));
            QVERIFY2(violation.empty(), violation.c_str());
            const std::string difference = firstDifference(out, uninterrupted);
            QVERIFY2(difference.empty(), ("crash at " + std::to_string(crashAt) + ": " + difference).c_str());
        }
        QVERIFY(restartsWithBuffer > 5);
    }

    // Two crashes, the second after a flush: flushed state survives the checkpoint.
    void restartAfterFlush()
    {
        ExchangeMerge merge(2);
        std::vector<Released> out;
        KAPPA_VERIFY_OK(merge.add(Offset(0), dataRecord(0, 1, 3, 1, "a")));
        KAPPA_VERIFY_OK(merge.add(Offset(1), dataRecord(1, 1, 4, 1, "b")));
        KAPPA_VERIFY_OK(merge.flush(collectInto(out)));
        QCOMPARE(out.size(), std::size_t(2));
        std::string checkpoint;
        merge.serialize(checkpoint);
        KAPPA_ASSIGN_OR_FAIL(ExchangeMerge restored, ExchangeMerge::parse(checkpoint, 2));
        QCOMPARE(restored.restartOffset(Offset(2)), Offset(2));
        // Re-reading released records drops them; a late record of a flushed epoch is released at once.
        KAPPA_VERIFY_OK(restored.add(Offset(0), dataRecord(0, 1, 3, 1, "a")));
        KAPPA_VERIFY_OK(restored.add(Offset(2), dataRecord(1, 2, 4, 1, "c")));
        QCOMPARE(restored.duplicatesDropped(), std::uint64_t(1));
        KAPPA_VERIFY_OK(restored.release(collectInto(out)));
        VERIFY_SAME_SEQUENCE(out, (std::vector<Released>{{0, 1, 3, 1, "a", 0},
                                                         {1, 1, 4, 1, "b", 1},
                                                         {1, 2, 4, 1, "c", 2}}));
    }

    void serializeRoundTripAndParseRejects()
    {
        ExchangeMerge merge(3);
        std::vector<Released> out;
        KAPPA_VERIFY_OK(merge.add(Offset(0), dataRecord(0, 5, 0, 1, "x")));
        KAPPA_VERIFY_OK(merge.add(Offset(1), dataRecord(1, 6, 2, 1, "y")));
        for (std::int32_t u = 0; u < 3; ++u)
            KAPPA_VERIFY_OK(merge.add(Offset(2 + u), markerRecord(u, 1 + u)));
        KAPPA_VERIFY_OK(merge.release(collectInto(out)));
        QCOMPARE(out.size(), std::size_t(1));
        std::string bytes;
        merge.serialize(bytes);
        QCOMPARE(bytes.size(), std::size_t(1 + 4 + 16 * 3 + 16));

        KAPPA_ASSIGN_OR_FAIL(ExchangeMerge parsed, ExchangeMerge::parse(bytes, 3));
        std::string again;
        parsed.serialize(again);
        QVERIFY(again == bytes);
        QCOMPARE(parsed.frontier(), std::int64_t(1));
        QCOMPARE(parsed.releasedCount(), std::int64_t(1));
        // The released record is a duplicate after the restart; the buffered one is not.
        KAPPA_VERIFY_OK(parsed.add(Offset(0), dataRecord(0, 5, 0, 1, "x")));
        KAPPA_VERIFY_OK(parsed.add(Offset(1), dataRecord(1, 6, 2, 1, "y")));
        QCOMPARE(parsed.duplicatesDropped(), std::uint64_t(1));
        QCOMPARE(parsed.buffered(), std::size_t(1));

        auto expectCorruption = [](std::string_view b, std::int32_t upstreams, const char *what) {
            const auto result = ExchangeMerge::parse(b, upstreams);
            QVERIFY2(!result.isOk(), what);
            QVERIFY2(result.status().code() == StatusCode::Corruption, what);
        };
        expectCorruption(std::string_view(bytes).substr(0, bytes.size() - 1), 3, "truncated");
        expectCorruption(std::string_view(bytes).substr(0, 5), 3, "header only");
        expectCorruption({}, 3, "empty");
        expectCorruption(bytes + '\0', 3, "trailing byte");
        expectCorruption(bytes, 2, "fewer upstreams");
        expectCorruption(bytes, 4, "more upstreams");
        std::string badFormat = bytes;
        badFormat[0] = '\7';
        expectCorruption(badFormat, 3, "unknown format");
        // Right size for 2 upstreams but stored for 3.
        ExchangeMerge two(2);
        std::string twoBytes;
        two.serialize(twoBytes);
        std::string mislabelled = twoBytes;
        const std::int32_t three = 3;
        std::memcpy(mislabelled.data() + 1, &three, 4);
        expectCorruption(mislabelled, 2, "count field disagrees");
        expectCorruption(mislabelled, 3, "size disagrees with the count");
        std::string negative = twoBytes;
        const std::int64_t minusOne = -1;
        std::memcpy(negative.data() + negative.size() - 8, &minusOne, 8);
        expectCorruption(negative, 2, "negative release counter");
    }

    // flush() releases everything in order; records arriving later for a
    // flushed epoch go out at the next release(), later epochs still wait.
    void flushReleasesTheRest()
    {
        ExchangeMerge merge(2);
        std::vector<Released> out;
        std::int64_t offset = 0;
        auto add = [&](const std::string &v) { return merge.add(Offset(offset++), v); };
        KAPPA_VERIFY_OK(add(dataRecord(1, 1, 2, 0, "b2")));
        KAPPA_VERIFY_OK(add(dataRecord(0, 1, 3, 0, "a3")));
        KAPPA_VERIFY_OK(add(dataRecord(1, 2, 3, 0, "b3")));
        KAPPA_VERIFY_OK(add(dataRecord(0, 2, 5, 0, "a5")));
        KAPPA_VERIFY_OK(add(markerRecord(0, 3))); // upstream 1 never marks: nothing releasable
        KAPPA_VERIFY_OK(merge.release(collectInto(out)));
        QVERIFY(out.empty());
        QCOMPARE(merge.restartOffset(Offset(offset)), Offset(0));
        KAPPA_VERIFY_OK(merge.flush(collectInto(out)));
        VERIFY_SAME_SEQUENCE(out, (std::vector<Released>{{1, 1, 2, 0, "b2", 0},
                                                         {0, 1, 3, 0, "a3", 1},
                                                         {1, 2, 3, 0, "b3", 2},
                                                         {0, 2, 5, 0, "a5", 3}}));
        QCOMPARE(merge.buffered(), std::size_t(0));
        KAPPA_VERIFY_OK(merge.flush(collectInto(out))); // nothing left: no-op
        QCOMPARE(out.size(), std::size_t(4));

        // Late records: epochs 4 and 5 were flushed (below 6), epoch 6 was not.
        KAPPA_VERIFY_OK(add(dataRecord(1, 3, 6, 0, "b6")));
        KAPPA_VERIFY_OK(add(dataRecord(0, 3, 5, 0, "a5late")));
        KAPPA_VERIFY_OK(add(dataRecord(1, 4, 7, 0, "b7")));
        KAPPA_VERIFY_OK(merge.release(collectInto(out)));
        VERIFY_SAME_SEQUENCE(std::vector<Released>(out.begin() + 4, out.end()),
                             (std::vector<Released>{{0, 3, 5, 0, "a5late", 4}}));
        QCOMPARE(merge.buffered(), std::size_t(2));
        KAPPA_VERIFY_OK(add(markerRecord(0, 10)));
        KAPPA_VERIFY_OK(add(markerRecord(1, 7)));
        KAPPA_VERIFY_OK(merge.release(collectInto(out)));
        VERIFY_SAME_SEQUENCE(std::vector<Released>(out.begin() + 5, out.end()),
                             (std::vector<Released>{{1, 3, 6, 0, "b6", 5}}));
        KAPPA_VERIFY_OK(merge.flush(collectInto(out)));
        QVERIFY(out.back() == (Released{1, 4, 7, 0, "b7", 6}));
    }

    // A visitor error stops the release; the record it refused is handed out again next time.
    void visitorErrorStopsRelease()
    {
        ExchangeMerge merge(1);
        for (std::int64_t s = 1; s <= 5; ++s)
            KAPPA_VERIFY_OK(merge.add(Offset(s), dataRecord(0, s, s, 0, "r" + std::to_string(s))));
        std::vector<Released> out;
        const Status failed = merge.flush([&](const ReleasedRecord &r) {
            if (r.seq == 3)
                return Status::unavailable("view store busy");
            out.push_back(toReleased(r));
            return Status::ok();
        });
        QCOMPARE(failed.code(), StatusCode::Unavailable);
        QCOMPARE(out.size(), std::size_t(2));
        QCOMPARE(merge.releasedCount(), std::int64_t(2));
        QCOMPARE(merge.buffered(), std::size_t(3));
        QCOMPARE(merge.restartOffset(Offset(6)), Offset(3));
        KAPPA_VERIFY_OK(merge.flush(collectInto(out)));
        QCOMPARE(out.size(), std::size_t(5));
        for (std::size_t i = 0; i < out.size(); ++i) {
            QCOMPARE(out[i].seq, std::int64_t(i + 1));
            QCOMPARE(out[i].ordinal, std::int64_t(i));
        }
    }

    void addRejectsMalformed_data()
    {
        QTest::addColumn<QByteArray>("value");
        auto bytes = [](const std::string &s) { return QByteArray(s.data(), qsizetype(s.size())); };
        std::string shortMarker = markerRecord(0, 1);
        shortMarker.pop_back();
        std::string unknownKind = dataRecord(0, 1, 1, 1, "p");
        unknownKind[0] = '\3';
        std::string zeroKind = markerRecord(0, 1);
        zeroKind[0] = '\0';
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("one byte") << QByteArray("\1", 1);
        QTest::newRow("short marker") << bytes(shortMarker);
        QTest::newRow("long marker") << bytes(markerRecord(0, 1) + "x");
        QTest::newRow("truncated data header") << bytes(dataRecord(0, 1, 1, 1, "").substr(0, 20));
        QTest::newRow("unknown kind") << bytes(unknownKind);
        QTest::newRow("kind zero") << bytes(zeroKind);
        QTest::newRow("text") << QByteArray("hello, exchange world!!!!!!!!!!!!!");
        QTest::newRow("negative upstream") << bytes(dataRecord(-1, 1, 1, 1, "p"));
        QTest::newRow("upstream == count") << bytes(dataRecord(3, 1, 1, 1, "p"));
        QTest::newRow("marker of unknown upstream") << bytes(markerRecord(7, 1));
    }

    void addRejectsMalformed()
    {
        QFETCH(QByteArray, value);
        ExchangeMerge merge(3);
        const Status status = merge.add(Offset(77),
                                        std::string_view(value.constData(), std::size_t(value.size())));
        QCOMPARE(status.code(), StatusCode::Corruption);
        QVERIFY2(status.message().find("77") != std::string::npos, status.message().c_str());
        QCOMPARE(merge.buffered(), std::size_t(0));
        QCOMPARE(merge.frontier(), std::numeric_limits<std::int64_t>::min());
        // The merge is still usable.
        KAPPA_VERIFY_OK(merge.add(Offset(78), dataRecord(2, 1, 0, 0, "ok")));
        QCOMPARE(merge.buffered(), std::size_t(1));
    }

    // The buffer limit refuses a new record (without accepting it), while
    // duplicates and markers still pass; released room takes it on retry.
    void bufferLimit()
    {
        ExchangeMerge merge(2, 3);
        KAPPA_VERIFY_OK(merge.add(Offset(0), dataRecord(0, 1, 0, 0, "a")));
        KAPPA_VERIFY_OK(merge.add(Offset(1), dataRecord(0, 2, 1, 0, "b")));
        KAPPA_VERIFY_OK(merge.add(Offset(2), dataRecord(1, 1, 0, 0, "c")));
        const Status full = merge.add(Offset(3), dataRecord(1, 2, 2, 0, "d"));
        QCOMPARE(full.code(), StatusCode::ResourceExhausted);
        QCOMPARE(merge.buffered(), std::size_t(3));
        KAPPA_VERIFY_OK(merge.add(Offset(0), dataRecord(0, 1, 0, 0, "a"))); // duplicate: dropped, fine
        QCOMPARE(merge.duplicatesDropped(), std::uint64_t(1));
        KAPPA_VERIFY_OK(merge.add(Offset(4), markerRecord(0, 5)));
        KAPPA_VERIFY_OK(merge.add(Offset(5), markerRecord(1, 1)));
        std::vector<Released> out;
        KAPPA_VERIFY_OK(merge.release(collectInto(out)));
        QCOMPARE(out.size(), std::size_t(2)); // epoch 0 of both
        // The refused record was not taken as accepted: re-reading it buffers it.
        KAPPA_VERIFY_OK(merge.add(Offset(3), dataRecord(1, 2, 2, 0, "d")));
        QCOMPARE(merge.buffered(), std::size_t(2));
        QCOMPARE(merge.duplicatesDropped(), std::uint64_t(1));
        KAPPA_VERIFY_OK(merge.flush(collectInto(out)));
        QCOMPARE(out.size(), std::size_t(4));
        QCOMPARE(out[3].payload, std::string("d"));
    }

    // Writers of three upstreams appending to a real LocalLog in different
    // orders: each partition's merge releases the same sequence.
    void logInterleavingsReleaseOneSequence()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, openLog(dir));
        constexpr std::int32_t kPartitions = 2;
        const auto scripts = makeScripts(3, 120, 99);
        for (std::uint64_t seed = 1; seed <= 4; ++seed) {
            const std::string topic = "rekey-" + std::to_string(seed);
            KAPPA_VERIFY_OK(log->createTopic(topic, TopicConfig{kPartitions}));
            std::vector<std::unique_ptr<ExchangeWriter>> writers;
            for (std::int32_t u = 0; u < 3; ++u)
                writers.push_back(std::make_unique<ExchangeWriter>(*log, topic, kPartitions, u));
            // Each upstream's script cut into steps at its markers; the steps of the upstreams interleaved.
            std::vector<std::vector<std::vector<Item>>> steps(3);
            for (std::size_t u = 0; u < 3; ++u) {
                steps[u].emplace_back();
                for (const Item &item : scripts[u]) {
                    steps[u].back().push_back(item);
                    if (item.marker)
                        steps[u].emplace_back();
                }
            }
            std::mt19937_64 rng(seed);
            std::vector<std::size_t> next(3, 0);
            for (;;) {
                std::vector<std::size_t> open;
                for (std::size_t u = 0; u < 3; ++u)
                    if (next[u] < steps[u].size())
                        open.push_back(u);
                if (open.empty())
                    break;
                const std::size_t u = open[rng() % open.size()];
                KAPPA_VERIFY_OK(replayThroughWriter(*writers[u], steps[u][next[u]++]));
            }

            for (std::int32_t p = 0; p < kPartitions; ++p) {
                std::vector<std::string> values;
                for (auto &[offset, value] : readPartition(*log, topic, p)) {
                    QCOMPARE(offset.value(), std::int64_t(values.size()));
                    values.push_back(std::move(value));
                }
                ExchangeMerge merge(3);
                MarkerTracker markers(3);
                std::vector<Released> out;
                std::string violation;
                KAPPA_VERIFY_OK(feed(merge, values, 0, values.size(), rng, markers, out, violation));
                QVERIFY2(violation.empty(), violation.c_str());
                QCOMPARE(merge.buffered(), std::size_t(0));
                VERIFY_SAME_SEQUENCE(out, expectedOrder(scripts, p, kPartitions));
            }
        }
    }

    // Three writer threads append while the downstream reads both partitions
    // concurrently, releasing as it goes; then a downstream crash mid-way over
    // the same log re-reads from restartOffset() and continues the sequence.
    void concurrentWritersAndRestartOverLog()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto log, openLog(dir));
        constexpr std::int32_t kPartitions = 2;
        const auto scripts = makeScripts(3, 150, 1234, false);
        KAPPA_VERIFY_OK(log->createTopic("rekey", TopicConfig{kPartitions}));
        std::atomic<int> writersDone{0};
        std::vector<Status> writerStatus(3);
        std::vector<std::thread> threads;
        for (std::int32_t u = 0; u < 3; ++u)
            threads.emplace_back([&, u] {
                ExchangeWriter writer(*log, "rekey", kPartitions, u);
                writerStatus[static_cast<std::size_t>(u)]
                    = replayThroughWriter(writer, scripts[static_cast<std::size_t>(u)]);
                writersDone.fetch_add(1);
            });

        std::vector<ExchangeMerge> merges(kPartitions, ExchangeMerge(3));
        std::vector<std::vector<Released>> live(kPartitions);
        std::vector<Offset> next(kPartitions, Offset(0));
        Status readStatus;
        RecordBatch batch;
        for (bool lastPass = false;;) {
            const bool done = writersDone.load() == 3;
            bool any = false;
            for (std::int32_t p = 0; p < kPartitions && readStatus.isOk(); ++p) {
                auto &merge = merges[static_cast<std::size_t>(p)];
                readStatus = log->read("rekey", PartitionId(p), next[static_cast<std::size_t>(p)], 512, batch);
                for (const RecordView &r : batch)
                    if (readStatus.isOk())
                        readStatus = merge.add(r.offset, r.value);
                if (readStatus.isOk())
                    readStatus = merge.release(collectInto(live[static_cast<std::size_t>(p)]));
                any = any || !batch.empty();
                next[static_cast<std::size_t>(p)] = batch.nextOffset();
            }
            if (!readStatus.isOk() || (lastPass && !any))
                break;
            lastPass = done;
            if (!any)
                std::this_thread::yield();
        }
        for (auto &t : threads)
            t.join();
        KAPPA_VERIFY_OK(readStatus);
        for (const Status &s : writerStatus)
            KAPPA_VERIFY_OK(s);
        for (std::int32_t p = 0; p < kPartitions; ++p) {
            auto &out = live[static_cast<std::size_t>(p)];
            KAPPA_VERIFY_OK(merges[static_cast<std::size_t>(p)].flush(collectInto(out)));
            VERIFY_SAME_SEQUENCE(out, expectedOrder(scripts, p, kPartitions));
        }

        // Downstream crashes over partition 0 at several offsets.
        const auto all = readPartition(*log, "rekey", 0);
        const std::vector<Released> &uninterrupted = live[0];
        for (std::size_t crashAt = 1; crashAt < all.size();
             crashAt += std::max<std::size_t>(1, all.size() / 9)) {
            ExchangeMerge before(3);
            std::vector<Released> out;
            for (std::size_t i = 0; i < crashAt; ++i) {
                KAPPA_VERIFY_OK(before.add(all[i].first, all[i].second));
                if (i % 10 == 0)
                    KAPPA_VERIFY_OK(before.release(collectInto(out)));
            }
            KAPPA_VERIFY_OK(before.release(collectInto(out)));
            std::string checkpoint;
            before.serialize(checkpoint);
            const Offset restart = before.restartOffset(all[crashAt].first);
            KAPPA_ASSIGN_OR_FAIL(ExchangeMerge after, ExchangeMerge::parse(checkpoint, 3));
            for (const auto &[offset, value] : readPartition(*log, "rekey", 0, restart)) {
                KAPPA_VERIFY_OK(after.add(offset, value));
                KAPPA_VERIFY_OK(after.release(collectInto(out)));
            }
            KAPPA_VERIFY_OK(after.flush(collectInto(out)));
            const std::string difference = firstDifference(out, uninterrupted);
            QVERIFY2(difference.empty(), ("crash at " + std::to_string(crashAt) + ": " + difference).c_str());
        }
    }
};

QTEST_APPLESS_MAIN(TestRuntimeExchange)
#include "test_runtime_exchange.moc"
