#include "base/crc32c.h"
#include "base/murmur2.h"
#include "kappa/fault_injection_file_system.h"
#include "test_support.h"

#include <random>

using namespace kappa;

class TestBase : public QObject
{
    Q_OBJECT

private slots:
    void crc32cKnownVectors()
    {
        // Check value from the CRC catalogue and RFC 3720 (iSCSI) test vectors.
        QCOMPARE(base::crc32c("123456789"), 0xE3069283u);
        QCOMPARE(base::crc32c(std::string(32, '\0')), 0x8A9136AAu);
        QCOMPARE(base::crc32c(std::string(32, '\xff')), 0x62A8AB43u);
    }

    void crc32cFastMatchesPortable()
    {
        std::mt19937 rng(7);
        std::string data(4099, '\0');
        for (char &c : data)
            c = static_cast<char>(rng());
        for (std::size_t len : {0u, 1u, 7u, 8u, 9u, 63u, 1024u, 4099u}) {
            QCOMPARE(base::crc32cExtend(0, data.data(), len), base::crc32cPortable(0, data.data(), len));
            // Extending in two pieces equals one pass.
            const std::size_t half = len / 2;
            const auto first = base::crc32cExtend(0, data.data(), half);
            QCOMPARE(base::crc32cExtend(first, data.data() + half, len - half),
                     base::crc32cPortable(0, data.data(), len));
        }
    }

    void murmur2MatchesKafka_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<qint32>("expected");
        // Values from Kafka's own partitioner tests (Utils.murmur2).
        QTest::newRow("21") << QByteArray("21") << qint32(-973932308);
        QTest::newRow("foobar") << QByteArray("foobar") << qint32(-790332482);
        QTest::newRow("a-little-bit-long-string")
            << QByteArray("a-little-bit-long-string") << qint32(-985981536);
        QTest::newRow("a-little-bit-longer-string")
            << QByteArray("a-little-bit-longer-string") << qint32(-1486304829);
        QTest::newRow("long") << QByteArray("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")
                              << qint32(-58897971);
        QTest::newRow("abc") << QByteArray("abc") << qint32(479470107);
    }

    void murmur2MatchesKafka()
    {
        QFETCH(QByteArray, key);
        QFETCH(qint32, expected);
        const auto hash = static_cast<qint32>(base::murmur2(std::string_view(key.constData(), key.size())));
        QCOMPARE(hash, expected);
    }

    void partitionForKeyIsInRange()
    {
        for (int i = 0; i < 1000; ++i) {
            const auto p = base::partitionForKey(std::to_string(i), 8);
            QVERIFY(p >= 0 && p < 8);
        }
    }

    void powerLossDropsUnsyncedBytes()
    {
        QTemporaryDir dir;
        FaultInjectionFileSystem fs;
        const std::string path = tempPath(dir, "f");
        {
            KAPPA_ASSIGN_OR_FAIL(auto file, fs.openWritable(path));
            KAPPA_VERIFY_OK(file->append("durable"));
            KAPPA_VERIFY_OK(file->sync());
            KAPPA_VERIFY_OK(fs.syncDir(dir.path().toStdString()));
            KAPPA_VERIFY_OK(file->append("-lost"));
            KAPPA_VERIFY_OK(file->close());
        }
        KAPPA_ASSIGN_OR_FAIL(auto before, readWholeFile(fs, path));
        QCOMPARE(before, std::string("durable-lost"));
        KAPPA_VERIFY_OK(fs.simulatePowerLoss());
        KAPPA_ASSIGN_OR_FAIL(auto after, readWholeFile(fs, path));
        QCOMPARE(after, std::string("durable"));
    }

    void powerLossRemovesUnsyncedCreation()
    {
        QTemporaryDir dir;
        FaultInjectionFileSystem fs;
        const std::string path = tempPath(dir, "new");
        {
            KAPPA_ASSIGN_OR_FAIL(auto file, fs.openWritable(path));
            KAPPA_VERIFY_OK(file->append("x"));
            KAPPA_VERIFY_OK(file->sync()); // data synced, but the directory entry is not
        }
        KAPPA_VERIFY_OK(fs.simulatePowerLoss());
        QVERIFY(!fs.exists(path));
    }

    void injectedSyncFailureIsReported()
    {
        QTemporaryDir dir;
        FaultInjectionFileSystem fs;
        KAPPA_ASSIGN_OR_FAIL(auto file, fs.openWritable(tempPath(dir, "f")));
        KAPPA_VERIFY_OK(file->append("x"));
        fs.setSyncFailure(true);
        const Status status = file->sync();
        QCOMPARE(status.code(), StatusCode::Internal);
    }

    void atomicWriteReplacesFile()
    {
        QTemporaryDir dir;
        FileSystem &fs = FileSystem::posix();
        const std::string path = tempPath(dir, "meta");
        KAPPA_VERIFY_OK(writeFileAtomically(fs, path, "one"));
        KAPPA_VERIFY_OK(writeFileAtomically(fs, path, "two"));
        KAPPA_ASSIGN_OR_FAIL(auto text, readWholeFile(fs, path));
        QCOMPARE(text, std::string("two"));
        QVERIFY(!fs.exists(path + ".tmp"));
    }

    void missingFileIsNotFound()
    {
        QTemporaryDir dir;
        auto result = FileSystem::posix().openReadable(tempPath(dir, "absent"));
        QVERIFY(!result.isOk());
        QCOMPARE(result.status().code(), StatusCode::NotFound);
    }
};

QTEST_APPLESS_MAIN(TestBase)
#include "test_base.moc"
