// Recovery at open (torn tails, bad CRCs, lost and garbage indexes),
// simulated power loss, and the failed state after a failed write or sync.
#include "kappa/fault_injection_file_system.h"
#include "log_test_util.h"

#include <algorithm>
#include <cstring>
#include <random>

using namespace kappa;
using namespace kappa::logtest;

namespace {

std::vector<std::int64_t> segmentBases(const std::string &partitionDir)
{
    std::vector<std::int64_t> bases;
    const auto names = FileSystem::posix().listDir(partitionDir);
    for (const auto &n : *names) {
        if (n.size() == 24 && n.substr(20) == ".log")
            bases.push_back(std::stoll(n.substr(0, 20)));
    }
    std::sort(bases.begin(), bases.end());
    return bases;
}

// Writes records [0, count) to partition 0 of topic "t" in appends of `step`.
void fillLog(const std::string &path, std::int64_t count, std::int64_t step, const LocalLogOptions &options)
{
    auto log = LocalLog::open(path, options);
    QVERIFY2(log.isOk(), log.status().toString().c_str());
    KAPPA_VERIFY_OK((*log)->createTopic("t", TopicConfig{1}));
    for (std::int64_t o = 0; o < count; o += step)
        KAPPA_VERIFY_OK(appendSequence(**log, "t", 0, o, std::min(step, count - o)));
}

void rewriteByte(const std::string &path, std::uint64_t position, char x)
{
    auto data = readWholeFile(FileSystem::posix(), path);
    QVERIFY(data.isOk() && position < data->size());
    (*data)[position] = static_cast<char>((*data)[position] ^ x);
    KAPPA_VERIFY_OK(FileSystem::posix().removeFile(path));
    auto file = FileSystem::posix().openWritable(path);
    KAPPA_VERIFY_OK((*file)->append(*data));
}

// Byte position and size of the last batch of a segment file (batches are "KPB1" + crc + size ...).
std::pair<std::uint64_t, std::uint32_t> lastBatch(const std::string &path)
{
    auto data = readWholeFile(FileSystem::posix(), path);
    std::uint64_t pos = 0;
    std::uint64_t last = 0;
    std::uint32_t size = 0;
    while (pos + 12 <= data->size()) {
        std::memcpy(&size, data->data() + pos + 8, 4);
        last = pos;
        pos += size;
    }
    return {last, size};
}

void expectCorruption(const Status &status, const std::string &file)
{
    QCOMPARE(status.code(), StatusCode::Corruption);
    QVERIFY2(status.message().find(file) != std::string::npos, status.message().c_str());
    QVERIFY2(status.message().find("at byte") != std::string::npos, status.message().c_str());
}

} // namespace

class TestLogRecovery : public QObject
{
    Q_OBJECT

private slots:
    void tornTailIsTruncated_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::newRow("half a batch") << "cut";
        QTest::newRow("half a header") << "cutHeader";
        QTest::newRow("zeros") << "zeros";
        QTest::newRow("random garbage") << "garbage";
        QTest::newRow("bad CRC in the last batch") << "flip";
    }

    void tornTailIsTruncated()
    {
        QFETCH(QString, damage);
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        fillLog(path, 1000, 50, smallSegments());
        const std::int64_t lastBase = segmentBases(path + "/t/0").back();
        const std::string last = segmentPath(path, "t", 0, lastBase);
        const auto [pos, size] = lastBatch(last);
        KAPPA_ASSIGN_OR_FAIL(std::uint64_t fileSize, FileSystem::posix().fileSize(last));
        std::uint64_t validEnd = pos; // the damaged last batch goes
        if (damage == "cut")
            KAPPA_VERIFY_OK(FileSystem::posix().truncateFile(last, pos + size / 2));
        else if (damage == "cutHeader")
            KAPPA_VERIFY_OK(FileSystem::posix().truncateFile(last, pos + 20));
        else if (damage == "flip")
            rewriteByte(last, pos + size - 1, 0x40);
        else {
            validEnd = fileSize; // appended junk goes, all records stay
            std::string junk(3000, '\0');
            std::mt19937 rng(1);
            if (damage == "garbage")
                for (char &c : junk)
                    c = char(rng());
            KAPPA_ASSIGN_OR_FAIL(auto file, FileSystem::posix().openWritable(last));
            KAPPA_VERIFY_OK(file->append(junk));
        }
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, smallSegments()));
        KAPPA_ASSIGN_OR_FAIL(std::uint64_t after, FileSystem::posix().fileSize(last));
        QCOMPARE(after, validEnd);
        QVERIFY(log->stats().tailBytesTruncated > 0);
        ReadBack back;
        KAPPA_VERIFY_OK(verifySequence(*log, "t", 0, 0, 4096, &back));
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, log->partitionInfo("t", PartitionId(0)));
        QCOMPARE(back.next, info.endOffset.value());
        QVERIFY(back.next <= 1000 && back.next >= 1000 - 50);
        // New appends continue right after what survived.
        KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, back.next, 30));
        log.reset();
        KAPPA_ASSIGN_OR_FAIL(log, LocalLog::open(path, smallSegments()));
        KAPPA_VERIFY_OK(verifySequence(*log, "t", 0, 0, 4096, &back));
        QCOMPARE(back.count, info.endOffset.value() + 30);
    }

    void corruptionInTheMiddleOfTheLastSegmentRefusesToOpen()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        fillLog(path, 300, 10, smallSegments());
        const std::int64_t lastBase = segmentBases(path + "/t/0").back();
        const std::string last = segmentPath(path, "t", 0, lastBase);
        KAPPA_ASSIGN_OR_FAIL(std::uint64_t before, FileSystem::posix().fileSize(last));
        QVERIFY(lastBatch(last).first > 0); // at least two batches
        rewriteByte(last, 40, 0x01);        // inside the first batch's records
        auto log = LocalLog::open(path, smallSegments());
        expectCorruption(log.status(), last);
        QVERIFY2(log.status().message().find("valid batch follows") != std::string::npos,
                 log.status().message().c_str());
        KAPPA_ASSIGN_OR_FAIL(std::uint64_t after, FileSystem::posix().fileSize(last));
        QCOMPARE(after, before); // nothing truncated
        LocalLogOptions readOnly = smallSegments();
        readOnly.readOnly = true;
        expectCorruption(LocalLog::open(path, readOnly).status(), last);
    }

    void corruptionInAClosedSegment_data()
    {
        QTest::addColumn<bool>("verifyOnOpen");
        QTest::newRow("verify on open") << true;
        QTest::newRow("trust indexes") << false;
    }

    void corruptionInAClosedSegment()
    {
        QFETCH(bool, verifyOnOpen);
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        fillLog(path, 600, 20, smallSegments());
        const auto bases = segmentBases(path + "/t/0");
        QVERIFY(bases.size() > 3);
        const std::string victim = segmentPath(path, "t", 0, bases[1]);
        const auto [pos, size] = lastBatch(victim); // even the tail of a closed segment is not a torn tail
        rewriteByte(victim, pos + size - 3, 0x08);
        LocalLogOptions options = smallSegments();
        options.verifyOnOpen = verifyOnOpen;
        auto log = LocalLog::open(path, options);
        if (verifyOnOpen) {
            expectCorruption(log.status(), victim);
            return;
        }
        // Trusted at open, caught by the read that meets it.
        QVERIFY2(log.isOk(), log.status().toString().c_str());
        ReadBack back;
        const Status status = verifySequence(**log, "t", 0, 0, 256, &back);
        expectCorruption(status, victim);
        KAPPA_VERIFY_OK(verifySequence(**log, "t", 0, bases[2], 256, &back));
    }

    void missingSegmentIsCorruption()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        fillLog(path, 600, 20, smallSegments());
        const auto bases = segmentBases(path + "/t/0");
        KAPPA_VERIFY_OK(FileSystem::posix().removeFile(segmentPath(path, "t", 0, bases[2])));
        const Status status = LocalLog::open(path, smallSegments()).status();
        QCOMPARE(status.code(), StatusCode::Corruption);
        QVERIFY2(status.message().find(segmentPath(path, "t", 0, bases[3])) != std::string::npos,
                 status.message().c_str());
    }

    void indexesAreRebuilt_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<bool>("verifyOnOpen");
        for (bool verify : {true, false}) {
            const char *suffix = verify ? " (verify)" : " (trust)";
            QTest::newRow(qPrintable(QString("missing") + suffix)) << "missing" << verify;
            QTest::newRow(qPrintable(QString("garbage") + suffix)) << "garbage" << verify;
            QTest::newRow(qPrintable(QString("truncated") + suffix)) << "truncated" << verify;
            QTest::newRow(qPrintable(QString("another segment's") + suffix)) << "swapped" << verify;
            QTest::newRow(qPrintable(QString("only time index missing") + suffix)) << "timeMissing" << verify;
        }
    }

    void indexesAreRebuilt()
    {
        QFETCH(QString, damage);
        QFETCH(bool, verifyOnOpen);
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        ManualClock clock(5000);
        LocalLogOptions options = smallSegments();
        options.clock = &clock;
        options.verifyOnOpen = verifyOnOpen;
        {
            KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, options));
            KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
            for (std::int64_t o = 0; o < 1000; o += 25) {
                clock.advance(10);
                KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, o, 25));
            }
        }
        const auto bases = segmentBases(path + "/t/0");
        QVERIFY(bases.size() > 4);
        FileSystem &fs = FileSystem::posix();
        for (std::size_t i = 0; i + 1 < bases.size(); ++i) {
            const std::string index = segmentPath(path, "t", 0, bases[i], ".index");
            const std::string timeIndex = segmentPath(path, "t", 0, bases[i], ".timeindex");
            QVERIFY2(fs.exists(index) && fs.exists(timeIndex), "closed segments have index files");
            if (damage == "missing") {
                KAPPA_VERIFY_OK(fs.removeFile(index));
                KAPPA_VERIFY_OK(fs.removeFile(timeIndex));
            } else if (damage == "timeMissing") {
                KAPPA_VERIFY_OK(fs.removeFile(timeIndex));
            } else if (damage == "garbage") {
                KAPPA_VERIFY_OK(writeFileAtomically(fs, index, std::string(200, '\x5a')));
            } else if (damage == "truncated") {
                KAPPA_ASSIGN_OR_FAIL(std::uint64_t size, fs.fileSize(index));
                KAPPA_VERIFY_OK(fs.truncateFile(index, size - 8));
            } else if (damage == "swapped" && i > 0) {
                const std::string other = segmentPath(path, "t", 0, bases[0], ".index");
                KAPPA_ASSIGN_OR_FAIL(std::string data, readWholeFile(fs, other));
                KAPPA_VERIFY_OK(writeFileAtomically(fs, index, data));
            }
        }
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, options));
        for (std::size_t i = 0; i + 1 < bases.size(); ++i) {
            QVERIFY(fs.exists(segmentPath(path, "t", 0, bases[i], ".index")));
            QVERIFY(fs.exists(segmentPath(path, "t", 0, bases[i], ".timeindex")));
        }
        ReadBack back;
        KAPPA_VERIFY_OK(verifySequence(*log, "t", 0, 0, 512, &back));
        QCOMPARE(back.count, 1000);
        for (std::int64_t from : {std::int64_t(1), bases[2] - 1, bases[2], bases[3] + 7, std::int64_t(999)}) {
            RecordBatch batch;
            KAPPA_VERIFY_OK(log->read("t", PartitionId(0), Offset(from), 64, batch));
            QCOMPARE(batch[0].offset.value(), from);
            QCOMPARE(batch[0].value, valueFor(0, from));
        }
        // Append i*25.. was made at 5000 + 10 * (i + 1).
        for (std::int64_t i : {0, 7, 20, 39}) {
            KAPPA_ASSIGN_OR_FAIL(Offset o,
                                 log->offsetForTime("t", PartitionId(0), WallTime(5000 + 10 * (i + 1))));
            QCOMPARE(o.value(), i * 25);
        }
    }

    void powerLossKeepsAcknowledgedRecords()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        FaultInjectionFileSystem fs;
        std::mt19937 rng(12345);
        std::int64_t acknowledged = 0;
        for (int round = 0; round < 8; ++round) {
            {
                KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, smallSegments(&fs)));
                if (round == 0)
                    KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
                ReadBack back;
                KAPPA_VERIFY_OK(verifySequence(*log, "t", 0, 0, 4096, &back));
                // Acknowledged records survive; unacknowledged ones may or may not.
                QVERIFY2(back.next >= acknowledged, qPrintable(QString("lost acknowledged records: have %1, "
                                                                       "acknowledged %2")
                                                                   .arg(back.next)
                                                                   .arg(acknowledged)));
                acknowledged = back.next;
                const int appends = int(rng() % 20) + 1;
                for (int i = 0; i < appends; ++i) {
                    const auto n = std::int64_t(rng() % 40) + 1;
                    KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, acknowledged, n));
                    acknowledged += n;
                }
                // An append whose sync fails is written but never acknowledged.
                fs.setSyncFailure(true);
                QVERIFY(!appendSequence(*log, "t", 0, acknowledged, 25).isOk());
                fs.setSyncFailure(false);
            }
            KAPPA_VERIFY_OK(fs.simulatePowerLoss());
        }
        QVERIFY(acknowledged > 100);
    }

    void powerLossKeepsNewTopicsAndSegments()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        FaultInjectionFileSystem fs;
        {
            KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, smallSegments(&fs)));
            KAPPA_VERIFY_OK(log->createTopic("a", TopicConfig{3}));
            KAPPA_VERIFY_OK(appendSequence(*log, "a", 2, 0, 400)); // many new segments
        }
        KAPPA_VERIFY_OK(fs.simulatePowerLoss());
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, smallSegments(&fs)));
        KAPPA_ASSIGN_OR_FAIL(TopicConfig config, log->describeTopic("a"));
        QCOMPARE(config.partitions, 3);
        ReadBack back;
        KAPPA_VERIFY_OK(verifySequence(*log, "a", 2, 0, 4096, &back));
        QCOMPARE(back.count, 400);
    }

    void failedWriteOrSyncIsFatal_data()
    {
        QTest::addColumn<bool>("failSync");
        QTest::newRow("fdatasync fails") << true;
        QTest::newRow("write fails") << false;
    }

    void failedWriteOrSyncIsFatal()
    {
        QFETCH(bool, failSync);
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        FaultInjectionFileSystem fs;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(path, smallSegments(&fs)));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{2}));
        KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, 0, 10));
        if (failSync)
            fs.setSyncFailure(true);
        else
            fs.setWriteFailure(true);
        const Status first = appendSequence(*log, "t", 0, 10, 10);
        QCOMPARE(first.code(), StatusCode::Internal);
        const std::string injected = failSync ? "injected fdatasync failure" : "injected write failure";
        QVERIFY2(first.message().find(injected) != std::string::npos, first.message().c_str());
        // The disk recovers, the log does not: nothing is retried or acknowledged.
        fs.setSyncFailure(false);
        fs.setWriteFailure(false);
        for (int p : {0, 1}) {
            const Status later = appendSequence(*log, "t", p, p == 0 ? 10 : 0, 1);
            QCOMPARE(later.code(), StatusCode::Internal);
            QVERIFY2(later.message().find(injected) != std::string::npos, later.message().c_str());
        }
        const Record r{"k", "v"};
        QCOMPARE(log->append("t", {&r, 1}).status().code(), StatusCode::Internal);
        QCOMPARE(log->health().code(), StatusCode::Internal);
        QCOMPARE(log->enforceRetention().code(), StatusCode::Internal);
        // What was durable stays readable; reading past it reports the failure.
        ReadBack back;
        const Status tail = verifySequence(*log, "t", 0, 0, 4096, &back);
        QCOMPARE(tail.code(), StatusCode::Internal);
        RecordBatch batch;
        KAPPA_VERIFY_OK(log->read("t", PartitionId(0), Offset(0), 4096, batch));
        QCOMPARE(batch.size(), std::size_t(10));
        KAPPA_ASSIGN_OR_FAIL(PartitionInfo info, log->partitionInfo("t", PartitionId(0)));
        QCOMPARE(info.endOffset.value(), 10);
        // Reopening recovers what was durable.
        log.reset();
        KAPPA_ASSIGN_OR_FAIL(log, LocalLog::open(path, smallSegments(&fs)));
        KAPPA_VERIFY_OK(log->health());
        KAPPA_VERIFY_OK(verifySequence(*log, "t", 0, 0, 4096, &back));
        QVERIFY(back.next >= 10);
    }

    void failedSyncDuringRollIsFatal()
    {
        QTemporaryDir dir;
        FaultInjectionFileSystem fs;
        KAPPA_ASSIGN_OR_FAIL(auto log, LocalLog::open(dir.path().toStdString(), smallSegments(&fs)));
        KAPPA_VERIFY_OK(log->createTopic("t", TopicConfig{1}));
        KAPPA_VERIFY_OK(appendSequence(*log, "t", 0, 0, 30));
        fs.setSyncFailure(true);
        QCOMPARE(appendSequence(*log, "t", 0, 30, 300).code(), StatusCode::Internal); // would roll
        fs.setSyncFailure(false);
        QCOMPARE(log->createTopic("u", TopicConfig{1}).code(), StatusCode::Internal);
    }
};

QTEST_APPLESS_MAIN(TestLogRecovery)
#include "test_log_recovery.moc"
