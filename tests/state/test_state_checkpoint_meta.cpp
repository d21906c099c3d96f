// The checkpoint metadata format: round trips and rejection of damaged bytes.
#include "base/crc32c.h"
#include "state/checkpoint_meta.h"
#include "test_support.h"

using namespace kappa;
using namespace kappa::state;

Q_DECLARE_METATYPE(kappa::state::CheckpointMeta)

namespace {

CheckpointMeta fullMeta()
{
    CheckpointMeta meta;
    meta.sequence = 123456789012ull;
    meta.inputs = {{"events", PartitionId(0), Offset(0), EventTime(-1)},
                   {"events", PartitionId(7), Offset(1'000'000'007), EventTime(1'700'000'000'123)},
                   {"rekey.card", PartitionId(2147483647), Offset(9'000'000'000'000'000'000), EventTime(0)}};
    meta.outputs = {{"rekey.card", PartitionId(3), Offset(42)}, {"view", PartitionId(-1), Offset(-5)}};
    meta.blob = std::string("\0\x01\xff timers", 10);
    return meta;
}

std::string encoded(const CheckpointMeta &meta)
{
    std::string out;
    encodeCheckpointMeta(meta, out);
    return out;
}

// Rewrites the trailing CRC after a deliberate change, so only the change is detected.
std::string withFixedCrc(std::string bytes)
{
    bytes.resize(bytes.size() - 4);
    const std::uint32_t crc = base::crc32c(bytes);
    for (int i = 0; i < 4; ++i)
        bytes.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
    return bytes;
}

} // namespace

class TestStateCheckpointMeta : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<CheckpointMeta>("meta");
        QTest::newRow("empty") << CheckpointMeta{};
        CheckpointMeta one;
        one.sequence = 1;
        one.inputs = {{"events", PartitionId(1), Offset(10), EventTime(99)}};
        QTest::newRow("one input") << one;
        QTest::newRow("everything") << fullMeta();
        CheckpointMeta bigBlob;
        bigBlob.blob.assign(300'000, 'x');
        QTest::newRow("large blob") << bigBlob;
    }
    void roundTrip()
    {
        QFETCH(CheckpointMeta, meta);
        const std::string bytes = encoded(meta);
        KAPPA_ASSIGN_OR_FAIL(CheckpointMeta decoded, decodeCheckpointMeta(bytes));
        QVERIFY(decoded == meta);
    }

    void encodingIsCompact()
    {
        CheckpointMeta meta;
        meta.sequence = 5;
        meta.inputs = {{"events", PartitionId(3), Offset(1000), EventTime(1'700'000'000'000)}};
        // version 1 + sequence 1 + count 1 + topic 7 + partition 1 + offset 2 + time 6 + outputs 1 + blob 1 + crc 4
        QCOMPARE(encoded(meta).size(), std::size_t(25));
    }

    void rejectsDamage_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        const std::string good = encoded(fullMeta());
        auto row = [](const char *name, const std::string &bytes) {
            QTest::newRow(name) << QByteArray(bytes.data(), qsizetype(bytes.size()));
        };
        row("empty", "");
        row("only a crc", std::string(4, '\0'));
        row("truncated", good.substr(0, good.size() - 9));
        std::string flipped = good;
        flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x10);
        row("flipped bit", flipped);
        std::string version = good;
        version[0] = 2;
        row("unknown version", withFixedCrc(version));
        std::string trailing = good;
        trailing.insert(trailing.size() - 4, "z");
        row("trailing byte", withFixedCrc(trailing));
        std::string cut = good.substr(0, 8) + good.substr(good.size() - 4);
        row("fields cut short", withFixedCrc(cut));
        std::string hugeCount = encoded(CheckpointMeta{});
        hugeCount.replace(2, 1, "\xff\xff\xff\xff\x0f");
        row("huge count", withFixedCrc(hugeCount));
    }
    void rejectsDamage()
    {
        QFETCH(QByteArray, bytes);
        const Result<CheckpointMeta> decoded = decodeCheckpointMeta(
            std::string_view(bytes.data(), bytes.size()));
        QVERIFY(!decoded.isOk());
        QCOMPARE(decoded.status().code(), StatusCode::Corruption);
        QVERIFY(decoded.status().message().find("checkpoint metadata") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestStateCheckpointMeta)
#include "test_state_checkpoint_meta.moc"
