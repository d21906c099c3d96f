// The batch and index formats on their own: encoding round trips, every
// corruption is detected, and the segment scanner tells a torn tail from
// damage in the middle.
#include "log/batch_format.h"
#include "log/segment.h"
#include "log/segment_index.h"
#include "log/segment_scanner.h"
#include "test_support.h"

#include <random>

using namespace kappa;
using namespace kappa::log;

namespace {

// A ReadableFile over a string, as the fuzzer uses.
class MemoryFile final : public ReadableFile
{
public:
    explicit MemoryFile(std::string data)
        : m_data(std::move(data))
    {}
    Status read(std::uint64_t offset, std::size_t n, char *dst, std::size_t *bytesRead) const override
    {
        const std::size_t start = std::min<std::size_t>(offset, m_data.size());
        *bytesRead = std::min(n, m_data.size() - start);
        m_data.copy(dst, *bytesRead, start);
        return Status::ok();
    }
    Result<std::uint64_t> size() const override { return std::uint64_t(m_data.size()); }

private:
    std::string m_data;
};

struct Encoded
{
    std::string bytes;
    std::vector<std::pair<std::size_t, BatchHeader>> batches;
};

Encoded encode(int records, std::int64_t base, std::size_t maxBatch, std::int64_t time = 42)
{
    std::vector<std::string> values;
    for (int i = 0; i < records; ++i)
        values.push_back(std::string(std::size_t(i % 300), char('a' + i % 26)));
    std::vector<Record> recs;
    for (int i = 0; i < records; ++i)
        recs.push_back(Record{i % 3 ? std::string_view("key") : std::string_view(), values[std::size_t(i)]});
    Encoded out;
    encodeBatches(recs, base, time, maxBatch, out.bytes,
                  [&](std::size_t pos, const BatchHeader &h) { out.batches.emplace_back(pos, h); });
    return out;
}

SegmentScan scan(const std::string &bytes, std::int64_t base)
{
    MemoryFile file(bytes);
    auto result = scanSegment(file, base, bytes.size(), 256);
    return std::move(result).value();
}

} // namespace

class TestLogFormat : public QObject
{
    Q_OBJECT

private slots:
    void varintRoundTrip_data()
    {
        QTest::addColumn<quint32>("value");
        QTest::addColumn<int>("size");
        QTest::newRow("0") << 0u << 1;
        QTest::newRow("127") << 127u << 1;
        QTest::newRow("128") << 128u << 2;
        QTest::newRow("16383") << 16383u << 2;
        QTest::newRow("16384") << 16384u << 3;
        QTest::newRow("max") << 0xFFFFFFFFu << 5;
    }

    void varintRoundTrip()
    {
        QFETCH(quint32, value);
        QFETCH(int, size);
        char buf[8];
        char *end = putVarint(buf, value);
        QCOMPARE(int(end - buf), size);
        QCOMPARE(varintSize(value), std::size_t(size));
        std::uint32_t back = 0;
        QCOMPARE(getVarint(buf, end, &back), static_cast<const char *>(end));
        QCOMPARE(back, value);
        QVERIFY(!getVarint(buf, end - 1, &back)); // truncated
    }

    void overlongVarintRejected()
    {
        const char bytes[] = {'\xff', '\xff', '\xff', '\xff', '\x7f'};
        std::uint32_t v = 0;
        QVERIFY(!getVarint(bytes, bytes + 5, &v));
    }

    void batchRoundTrip()
    {
        Encoded e = encode(1000, 77, 4096);
        QVERIFY(e.batches.size() > 10);
        std::int64_t expected = 77;
        for (const auto &[pos, header] : e.batches) {
            BatchHeader decoded;
            std::string why;
            std::string_view view(e.bytes.data() + pos, header.size);
            QCOMPARE(decodeBatchHeader(view, &decoded, &why), DecodeResult::Ok);
            QCOMPARE(decoded.baseOffset, expected);
            QCOMPARE(decoded.size, header.size);
            QCOMPARE(decoded.appendTime, 42);
            QVERIFY(header.size <= 4096 || header.recordCount == 1);
            int seen = 0;
            QVERIFY(decodeBatchRecords(view, decoded, &why,
                                       [&](std::uint32_t i, std::string_view key, std::string_view value) {
                                           const auto n = std::size_t(decoded.baseOffset - 77 + i);
                                           QCOMPARE(value.size(), n % 300);
                                           QCOMPARE(key.empty(), n % 3 == 0);
                                           ++seen;
                                       }));
            QCOMPARE(seen, int(decoded.recordCount));
            expected = decoded.nextOffset();
        }
        QCOMPARE(expected, 1077);
    }

    void everyFlippedByteIsDetected()
    {
        Encoded e = encode(20, 0, 1 << 20);
        QCOMPARE(e.batches.size(), std::size_t(1));
        for (std::size_t i = 0; i < e.bytes.size(); ++i) {
            std::string damaged = e.bytes;
            damaged[i] = char(damaged[i] ^ 0x10);
            BatchHeader h;
            std::string why;
            const auto r = decodeBatchHeader(damaged, &h, &why);
            const bool valid = r == DecodeResult::Ok && h.size <= damaged.size()
                               && verifyBatch(std::string_view(damaged.data(), h.size), h, &why);
            QVERIFY2(!valid, qPrintable(QString("flip at byte %1 went unnoticed").arg(i)));
        }
    }

    void indexRoundTripAndRejection()
    {
        Encoded e = encode(2000, 1000, 1024, 5);
        SegmentIndex index(1000, 4096);
        for (const auto &[pos, header] : e.batches)
            index.addBatch(pos, header);
        QVERIFY(index.entries().size() > 10);
        QCOMPARE(index.nextOffset(), 3000);
        std::string why;
        const std::string offsets = index.serializeOffsetIndex();
        const std::string times = index.serializeTimeIndex();
        auto parsed = SegmentIndex::parse(offsets, times, 1000, e.bytes.size(), 4096, &why);
        QVERIFY2(parsed, why.c_str());
        QCOMPARE(parsed->entries().size(), index.entries().size());
        QCOMPARE(parsed->serializeOffsetIndex(), offsets);
        // Wrong segment, wrong size, garbage, truncation, swapped files: all rejected.
        QVERIFY(!SegmentIndex::parse(offsets, times, 999, e.bytes.size(), 4096, &why));
        QVERIFY(!SegmentIndex::parse(offsets, times, 1000, e.bytes.size() + 1, 4096, &why));
        QVERIFY(
            !SegmentIndex::parse(std::string(offsets.size(), 'x'), times, 1000, e.bytes.size(), 4096, &why));
        QVERIFY(!SegmentIndex::parse(offsets.substr(0, offsets.size() - 1), times, 1000, e.bytes.size(), 4096,
                                     &why));
        QVERIFY(!SegmentIndex::parse(times, offsets, 1000, e.bytes.size(), 4096, &why));
        // floorForOffset finds the entry at or before the offset.
        for (std::int64_t o : {1000, 1001, 1500, 2999}) {
            const IndexEntry entry = index.floorForOffset(o);
            QVERIFY(1000 + std::int64_t(entry.relOffset) <= o);
        }
    }

    void scannerAcceptsCleanSegment()
    {
        Encoded e = encode(500, 10, 2048);
        SegmentScan s = scan(e.bytes, 10);
        QVERIFY(s.clean);
        QCOMPARE(s.index.nextOffset(), 510);
        QCOMPARE(s.index.size(), e.bytes.size());
        QVERIFY(scan("", 10).clean); // an empty segment is valid
    }

    // The bytes a reader may read can run ahead of the durable end it loaded
    // (a writer publishes them first): the read must stop at that end, or the
    // reader would hold a next offset past what partitionInfo() reports.
    void readStopsAtTheEndOffset()
    {
        Encoded e = encode(200, 10, 256);
        QVERIFY(e.batches.size() > 10);
        const std::int64_t end = e.batches[5].second.baseOffset; // a batch boundary, as a durable end is
        Segment segment("/memory", SegmentIndex(10, 256), std::make_unique<MemoryFile>(e.bytes));
        RecordBatch batch;
        KAPPA_VERIFY_OK(readSegmentRecords(segment, 0, 10, e.bytes.size(), 12, end, 1 << 20, batch));
        QCOMPARE(batch[0].offset.value(), 12);
        QCOMPARE(batch.size(), std::size_t(end - 12));
        QCOMPARE(batch.nextOffset().value(), end);
        KAPPA_VERIFY_OK(readSegmentRecords(segment, 0, 10, e.bytes.size(), 12, 210, 1 << 20, batch));
        QCOMPARE(batch.nextOffset().value(), 210);
    }

    void scannerClassifiesDamage_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<bool>("tornTail");
        QTest::newRow("cut mid last batch") << "cut" << true;
        QTest::newRow("cut inside last header") << "cutHeader" << true;
        QTest::newRow("zeros appended") << "zeros" << true;
        QTest::newRow("flip in last batch") << "flipLast" << true;
        QTest::newRow("flip in first batch") << "flipFirst" << false;
        QTest::newRow("offset gap") << "gap" << false;
        QTest::newRow("wrong base offset") << "base" << false;
    }

    void scannerClassifiesDamage()
    {
        QFETCH(QString, damage);
        QFETCH(bool, tornTail);
        Encoded e = encode(300, 0, 2048);
        std::string bytes = e.bytes;
        std::int64_t base = 0;
        const std::size_t lastPos = e.batches.back().first;
        std::size_t expectInvalidAt = lastPos;
        if (damage == "cut")
            bytes.resize(lastPos + 100);
        else if (damage == "cutHeader")
            bytes.resize(lastPos + 10);
        else if (damage == "zeros") {
            bytes.append(5000, '\0');
            expectInvalidAt = e.bytes.size();
        } else if (damage == "flipLast")
            bytes[lastPos + 50] ^= 1;
        else if (damage == "flipFirst") {
            bytes[60] ^= 1;
            expectInvalidAt = 0;
        } else if (damage == "gap") {
            // Drop the second batch: the third no longer continues the first.
            const std::size_t second = e.batches[1].first;
            const std::size_t third = e.batches[2].first;
            bytes.erase(second, third - second);
            expectInvalidAt = second;
        } else if (damage == "base") {
            base = 5;
            expectInvalidAt = 0;
        }
        SegmentScan s = scan(bytes, base);
        QVERIFY(!s.clean);
        QCOMPARE(s.invalidAt, std::uint64_t(expectInvalidAt));
        QCOMPARE(s.index.size(), std::uint64_t(expectInvalidAt));
        QCOMPARE(!s.validBatchAfter, tornTail);
    }
};

QTEST_APPLESS_MAIN(TestLogFormat)
#include "test_log_format.moc"
