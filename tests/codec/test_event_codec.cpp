// EventCodec: framing, round trips, resolution from other writer schemas to
// Event v1, malformed payloads, unknown ids, and the JSON rendering.
#include "codec/avro_binary.h"
#include "codec/avro_schema.h"
#include "codec/event_plan.h"
#include "codec_test_util.h"
#include "kappa/event_codec.h"
#include "test_support.h"

#include <thread>

using namespace kappa;

namespace {

codec::AvroValue longValue(std::int64_t v, codec::AvroType type = codec::AvroType::Long)
{
    codec::AvroValue value;
    value.type = type;
    value.integer = v;
    return value;
}

codec::AvroValue stringValue(std::string s, codec::AvroType type = codec::AvroType::String)
{
    codec::AvroValue value;
    value.type = type;
    value.bytes = std::move(s);
    return value;
}

codec::AvroValue unionValue(std::int64_t branch, codec::AvroValue inner)
{
    codec::AvroValue value;
    value.type = codec::AvroType::Union;
    value.integer = branch;
    value.children.push_back(std::move(inner));
    return value;
}

// A writer that differs from v1 in every way resolution allows: fields
// reordered, event_id and ts_ms written as int, user_id as a union, country as
// bytes, item_id/card_id/currency missing, a writer-only field, an extra enum symbol.
const std::string kOddWriter = R"({"type":"record","name":"Event","namespace":"kappa","fields":[
    {"name":"country","type":"bytes"},
    {"name":"extra","type":{"type":"map","values":"double"}},
    {"name":"type","type":{"type":"enum","name":"EventType","symbols":["purchase","view","refund","search"]}},
    {"name":"user_id","type":["string","long"]},
    {"name":"event_id","type":"int"},
    {"name":"ts_ms","type":"int"},
    {"name":"session_id","type":"long"},
    {"name":"category_id","type":"int"},
    {"name":"merchant_id","type":["null","int"]},
    {"name":"amount_cents","type":"int"},
    {"name":"flag","type":"boolean"}]})";

} // namespace

class TestEventCodec : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip()
    {
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        QCOMPARE(codec->writerSchemaId(), SchemaId(1));
        for (const Event &event : sampleEvents()) {
            const std::string payload = codec->encode(event);
            QCOMPARE(payload.substr(0, 5), std::string("\0\0\0\0\1", 5));
            Event decoded;
            decoded.currency = "stale"; // every field is overwritten
            decoded.cardId = 3;
            KAPPA_VERIFY_OK(codec->decode(payload, decoded));
            QVERIFY(decoded == event);
            KAPPA_ASSIGN_OR_FAIL(const SchemaId peeked, EventCodec::peekSchemaId(payload));
            QCOMPARE(peeked, SchemaId(1));
        }
        // A second codec on the same subject reuses the registered schema.
        KAPPA_ASSIGN_OR_FAIL(auto again, EventCodec::create(registry));
        QCOMPARE(again->writerSchemaId(), SchemaId(1));
        KAPPA_ASSIGN_OR_FAIL(const auto versions, registry.versions("events-value"));
        QCOMPARE(versions.size(), std::size_t(1));
    }

    void builtInSchemaMatchesResourceFile()
    {
        const std::string file = eventV1Json();
        QVERIFY(!file.empty());
        KAPPA_ASSIGN_OR_FAIL(const std::string fromFile, SchemaRegistry::canonicalForm(file));
        KAPPA_ASSIGN_OR_FAIL(const std::string builtIn,
                             SchemaRegistry::canonicalForm(EventCodec::eventSchemaJson()));
        QCOMPARE(builtIn, fromFile);
    }

    void v2WriterResolvesToV1()
    {
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome v2, registry.registerSchema("events-value", eventV2Json()));
        QCOMPARE(v2.version, 2);
        for (const Event &event : sampleEvents()) {
            // v2 = v1 fields + `device` at the end.
            std::string body = codec->encode(event).substr(kWireHeaderSize);
            codec::writeBytes(body, "mobile");
            Event decoded;
            KAPPA_VERIFY_OK(codec->decode(frame(v2.id, body), decoded));
            QVERIFY(decoded == event);
            std::string json;
            KAPPA_VERIFY_OK(codec->appendJsonFields(frame(v2.id, body), json));
            QVERIFY2(json.find(R"("country":"DE","device":"mobile")") != std::string::npos
                         || json.find(R"("device":"mobile")") != std::string::npos,
                     json.c_str());
        }
    }

    void oddWriterResolvesToV1()
    {
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome odd, registry.registerSchema("odd", kOddWriter));
        KAPPA_ASSIGN_OR_FAIL(const auto writer, codec::parseAvroSchema(kOddWriter));
        codec::AvroValue record;
        record.type = codec::AvroType::Record;
        codec::AvroValue extra;
        extra.type = codec::AvroType::Map;
        extra.keys = {"x"};
        codec::AvroValue x;
        x.type = codec::AvroType::Double;
        x.real = 2.5;
        extra.children = {x};
        record.children = {stringValue("FR", codec::AvroType::Bytes),
                           extra,
                           longValue(3, codec::AvroType::Enum), // "search"
                           unionValue(1, longValue(77)),
                           longValue(-5, codec::AvroType::Int),
                           longValue(123456, codec::AvroType::Int),
                           longValue(9),
                           longValue(4, codec::AvroType::Int),
                           unionValue(1, longValue(31, codec::AvroType::Int)),
                           longValue(250, codec::AvroType::Int),
                           codec::AvroValue{codec::AvroType::Boolean, true, 0, 0, {}, {}, {}}};
        std::string body;
        KAPPA_VERIFY_OK(codec::encodeValue(record, writer->root(), body));
        Event decoded;
        decoded.itemId = 5; // missing from the writer: must become the default (null)
        decoded.currency = "USD";
        KAPPA_VERIFY_OK(codec->decode(frame(odd.id, body), decoded));
        Event expected;
        expected.eventId = -5;
        expected.ts = EventTime(123456);
        expected.type = EventType::Search;
        expected.userId = 77;
        expected.sessionId = 9;
        expected.categoryId = 4;
        expected.merchantId = 31;
        expected.amountCents = 250;
        expected.country = "FR";
        QVERIFY(decoded == expected);

        // The same writer with data the reader cannot take.
        record.children[2] = longValue(2, codec::AvroType::Enum); // "refund"
        body.clear();
        KAPPA_VERIFY_OK(codec::encodeValue(record, writer->root(), body));
        Status status = codec->decode(frame(odd.id, body), decoded);
        QCOMPARE(status.code(), StatusCode::Corruption);
        QVERIFY2(status.message().find("enum symbol 'refund' unknown to reader") != std::string::npos,
                 status.message().c_str());
        record.children[2] = longValue(0, codec::AvroType::Enum);
        record.children[3] = unionValue(0, stringValue("seventy-seven"));
        body.clear();
        KAPPA_VERIFY_OK(codec::encodeValue(record, writer->root(), body));
        status = codec->decode(frame(odd.id, body), decoded);
        QCOMPARE(status.code(), StatusCode::Corruption);
        QVERIFY2(status.message().find("union branch 0 (string) cannot be read") != std::string::npos,
                 status.message().c_str());
    }

    void unreadableWriterIsFailedPrecondition()
    {
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome other,
                             registry.registerSchema("other",
                                                     R"({"type":"record","name":"Event","namespace":"kappa",
                                 "fields":[{"name":"user_id","type":"string"}]})"));
        Event decoded;
        const Status status = codec->decode(frame(other.id, std::string("\x02x", 2)), decoded);
        QCOMPARE(status.code(), StatusCode::FailedPrecondition);
        QVERIFY2(status.message().find("reader field 'event_id' has no default") != std::string::npos,
                 status.message().c_str());
        QVERIFY2(status.message().find("user_id") != std::string::npos, status.message().c_str());
        // The JSON rendering still works: it needs only the writer schema.
        std::string json;
        KAPPA_VERIFY_OK(codec->appendJsonFields(frame(other.id, std::string("\x02x", 2)), json));
        QCOMPARE(json, std::string(R"("user_id":"x")"));
    }

    void malformedPayloads_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const auto corruption = static_cast<int>(StatusCode::Corruption);
        Event event = sampleEvents()[5];
        SchemaRegistry registry;
        auto codec = EventCodec::create(registry);
        const std::string good = (*codec)->encode(event);
        const QByteArray g = QByteArray::fromStdString(good);
        QTest::newRow("empty") << QByteArray() << corruption << "shorter than the 5-byte header at byte 0";
        QTest::newRow("short header")
            << QByteArray("\0\0\0", 3) << corruption << "shorter than the 5-byte header";
        QTest::newRow("bad magic") << QByteArray("\1\0\0\0\1", 5) + g.mid(5) << corruption
                                   << "bad magic byte 1";
        QTest::newRow("unknown id") << QByteArray("\0\0\0\0\x09", 5) + g.mid(5)
                                    << static_cast<int>(StatusCode::NotFound)
                                    << "schema id 9 is not in the registry";
        QTest::newRow("negative id") << QByteArray("\0\xff\xff\xff\xff", 5) + g.mid(5)
                                     << static_cast<int>(StatusCode::NotFound) << "schema id -1";
        QTest::newRow("empty body") << g.left(5) << corruption << "truncated varint at byte 5";
        QTest::newRow("trailing bytes") << g + QByteArray("\0", 1) << corruption << "1 trailing bytes";
        QTest::newRow("varint overflow") << g.left(5) + QByteArray(10, '\xff') + QByteArray("\x01", 1)
                                         << corruption << "long varint longer than 10 bytes at byte 5";
        // event_id=0, ts=0, type=index 6 (zig-zag 12)
        QTest::newRow("bad enum index")
            << g.left(5) + QByteArray("\0\0\x0c", 3) << corruption
            << "enum index 6 out of range for 'kappa.EventType' (6 symbols) at byte 7";
        QTest::newRow("negative enum index")
            << g.left(5) + QByteArray("\0\0\x01", 3) << corruption << "enum index -1";
        // ... type=view, user=0, session=0, item_id union branch 2
        QTest::newRow("bad union branch") << g.left(5) + QByteArray("\0\0\0\0\0\x04", 6) << corruption
                                          << "union branch 2 out of range (union has 2 branches) at byte 10";
        // ... item null, category 0, merchant/card/amount null, currency branch 1 with length -1
        QTest::newRow("negative length") << g.left(5) + QByteArray("\0\0\0\0\0\0\0\0\0\0\x02\x01", 12)
                                         << corruption << "negative length -1 at byte 16";
        QTest::newRow("length past end") << g.left(5)
                                                + QByteArray("\0\0\0\0\0\0\0\0\0\0\0\x10"
                                                             "ab",
                                                             14)
                                         << corruption << "length 8 runs past the end";
        QTest::newRow("category overflows int")
            << g.left(5) + QByteArray("\0\0\0\0\0\0\x80\x80\x80\x80\x20", 11) << corruption
            << "int varint overflows 32 bits at byte 11";
    }

    void malformedPayloads()
    {
        QFETCH(QByteArray, payload);
        QFETCH(int, code);
        QFETCH(QString, message);
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        Event event;
        const Status status = codec->decode(payload.toStdString(), event);
        QCOMPARE(static_cast<int>(status.code()), code);
        QVERIFY2(QString::fromStdString(status.message()).contains(message), status.message().c_str());
        QCOMPARE(codec->decodeErrors(), std::uint64_t(1));
        std::string json = "prefix";
        QCOMPARE(static_cast<int>(codec->appendJsonFields(payload.toStdString(), json).code()), code);
        QCOMPARE(json, std::string("prefix"));
    }

    void everyTruncationIsCorruption()
    {
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        for (const Event &event : sampleEvents()) {
            const std::string payload = codec->encode(event);
            for (std::size_t n = 0; n < payload.size(); ++n) {
                Event decoded;
                const Status status = codec->decode(std::string_view(payload).substr(0, n), decoded);
                QCOMPARE(status.code(), StatusCode::Corruption);
            }
        }
    }

    void jsonFields()
    {
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        const auto events = sampleEvents();
        std::string json;
        KAPPA_VERIFY_OK(codec->appendJsonFields(codec->encode(events[4]), json));
        QCOMPARE(json,
                 std::string(R"("event_id":1004,"ts_ms":1700000000004,"type":"checkout","user_id":42,)"
                             R"("session_id":28,"item_id":99004,"category_id":5,"merchant_id":5,)"
                             R"("card_id":123456789,"amount_cents":1999,"currency":"EUR","country":"DE")"));
        json.clear();
        KAPPA_VERIFY_OK(codec->appendJsonFields(codec->encode(events[1]), json));
        QVERIFY2(json.find(R"("type":"search","user_id":42,"session_id":7,"item_id":null,)")
                     != std::string::npos,
                 json.c_str());
        json.clear();
        KAPPA_VERIFY_OK(codec->appendJsonFields(codec->encode(events.back()), json));
        QVERIFY2(json.find(R"("currency":"a \"quoted\" \\ currency with a newline\n and)")
                     != std::string::npos,
                 json.c_str());
        QVERIFY2(json.find(R"("event_id":-9223372036854775808,)") != std::string::npos, json.c_str());
    }

    void directV1PathMatchesOps()
    {
        // The straight-line v1 decoder and the generic op loop agree on every
        // event and on every truncation and byte corruption of it.
        KAPPA_ASSIGN_OR_FAIL(auto plan, codec::compileEventPlan(codec::eventV1Schema()));
        QVERIFY(plan->isV1);
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        for (const Event &event : sampleEvents()) {
            const std::string body = codec->encode(event).substr(kWireHeaderSize);
            for (std::size_t n = 0; n <= body.size(); ++n) {
                for (const int flip : {-1, 0x01, 0x80, 0xff}) {
                    std::string input = body.substr(0, n);
                    if (flip >= 0 && n > 0)
                        input[n / 2] = static_cast<char>(input[n / 2] ^ flip);
                    Event direct;
                    Event ops;
                    codec::BinaryReader a(input);
                    codec::BinaryReader b(input);
                    const bool okDirect = codec::runEventPlan(*plan, a, direct);
                    const bool okOps = codec::runEventPlanOps(*plan, b, ops);
                    QCOMPARE(okDirect, okOps);
                    QCOMPARE(a.status().toString(), b.status().toString());
                    if (okDirect)
                        QVERIFY(direct == ops);
                }
            }
        }
    }

    void concurrentDecodes()
    {
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome v2, registry.registerSchema("events-value", eventV2Json()));
        const auto events = sampleEvents();
        std::vector<std::string> payloads;
        for (const Event &event : events) {
            payloads.push_back(codec->encode(event));
            std::string body = payloads.back().substr(kWireHeaderSize);
            codec::writeBytes(body, "tv");
            payloads.push_back(frame(v2.id, body));
        }
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&] {
                Event decoded;
                for (int round = 0; round < 2000; ++round) {
                    const std::size_t i = static_cast<std::size_t>(round) % payloads.size();
                    if (!codec->decode(payloads[i], decoded).isOk() || !(decoded == events[i / 2]))
                        ++failures;
                }
            });
        }
        for (auto &thread : threads)
            thread.join();
        QCOMPARE(failures.load(), 0);
    }
};

QTEST_APPLESS_MAIN(TestEventCodec)
#include "test_event_codec.moc"
