// Our hand-written codec against Debian's avro-c (libavro), both directions,
// on the same bytes: Event v1, and a v2 writer resolved to the v1 reader.
#include "codec/avro_resolve.h"
#include "codec/json_render.h"
#include "codec_test_util.h"
#include "kappa/event_codec.h"
#include "libavro_support.h"
#include "test_support.h"

#include <random>

using namespace kappa;

namespace {

// Random events with every combination of present and absent optionals and
// values across the varint widths.
std::vector<Event> randomEvents(int count)
{
    std::mt19937_64 rng(2024);
    const auto any = [&] {
        const int bits = static_cast<int>(rng() % 64);
        return static_cast<std::int64_t>(rng() >> bits) * (rng() % 2 ? 1 : -1);
    };
    std::vector<Event> events = sampleEvents();
    for (int i = 0; i < count; ++i) {
        Event e;
        e.eventId = any();
        e.ts = EventTime(any());
        e.type = static_cast<EventType>(rng() % kEventTypeCount);
        e.userId = any();
        e.sessionId = any();
        e.categoryId = static_cast<std::int32_t>(any());
        if (rng() % 2)
            e.itemId = any();
        if (rng() % 2)
            e.merchantId = any();
        if (rng() % 2)
            e.cardId = any();
        if (rng() % 2)
            e.amountCents = any();
        if (rng() % 2)
            e.currency = std::string(rng() % 20, static_cast<char>('A' + rng() % 26));
        e.country = std::string(rng() % 4, static_cast<char>('a' + rng() % 26));
        events.push_back(e);
    }
    return events;
}

} // namespace

class TestLibavroCrosscheck : public QObject
{
    Q_OBJECT

private slots:
    void libavroEncodesWeDecode()
    {
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        avroc::Generic v1(eventV1Json());
        QVERIFY2(v1.ok(), avro_strerror());
        for (const Event &event : randomEvents(2000)) {
            avro_value_reset(&v1.value());
            avroc::fillEvent(v1, event);
            const std::string body = v1.write();
            QVERIFY(!body.empty());
            // Byte-identical to our encoder.
            QCOMPARE(frame(codec->writerSchemaId(), body), codec->encode(event));
            Event decoded;
            KAPPA_VERIFY_OK(codec->decode(frame(codec->writerSchemaId(), body), decoded));
            QVERIFY(decoded == event);
        }
    }

    void weEncodeLibavroDecodes()
    {
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        avroc::Generic v1(eventV1Json());
        QVERIFY(v1.ok());
        for (const Event &event : randomEvents(2000)) {
            const std::string body = codec->encode(event).substr(kWireHeaderSize);
            avro_reader_t reader = avro_reader_memory(body.data(), static_cast<int64_t>(body.size()));
            const int rc = avro_value_read(reader, &v1.value());
            avro_reader_free(reader);
            QCOMPARE(rc, 0);
            QVERIFY(avroc::readEvent(v1) == event);
        }
    }

    void libavroV2WriterResolvesToOurV1Reader()
    {
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome v2Id,
                             registry.registerSchema("events-value", eventV2Json()));
        avroc::Generic v2(eventV2Json());
        QVERIFY2(v2.ok(), avro_strerror());
        KAPPA_ASSIGN_OR_FAIL(const auto v2Schema, codec::parseAvroSchema(eventV2Json()));
        KAPPA_ASSIGN_OR_FAIL(const auto v1Schema, codec::parseAvroSchema(eventV1Json()));
        for (const Event &event : randomEvents(500)) {
            avro_value_reset(&v2.value());
            avroc::fillEvent(v2, event);
            avroc::setString(v2.field("device"), "tablet");
            const std::string body = v2.write();
            Event decoded;
            KAPPA_VERIFY_OK(codec->decode(frame(v2Id.id, body), decoded));
            QVERIFY(decoded == event);
            // The generic resolving decoder agrees with the hot path.
            KAPPA_ASSIGN_OR_FAIL(const codec::AvroValue generic,
                                 codec::decodeResolvedDatum(v2Schema->root(), v1Schema->root(), body));
            std::string fromGeneric;
            codec::appendJsonMembers(generic, v1Schema->root(), fromGeneric);
            std::string fromV1;
            KAPPA_VERIFY_OK(codec->appendJsonFields(codec->encode(event), fromV1));
            QCOMPARE(fromGeneric, fromV1);
        }
    }

    void weEncodeV2LibavroResolvesToV1()
    {
        // The other direction of resolution: our generic encoder writes v2, avro-c's
        // resolver reads it as v1. (avro-c 1.11 cannot resolve v1 data to a v2
        // reader at all: it does not fill reader fields from defaults; our generic
        // decoder does, checked in ourV1BytesReadAsV2.)
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        KAPPA_ASSIGN_OR_FAIL(const auto v2Schema, codec::parseAvroSchema(eventV2Json()));
        KAPPA_ASSIGN_OR_FAIL(const auto v1Schema, codec::parseAvroSchema(eventV1Json()));
        avroc::Generic v1(eventV1Json());
        avroc::Generic v2(eventV2Json());
        QVERIFY(v1.ok() && v2.ok());
        avro_value_iface_t *resolver = avro_resolved_writer_new(v2.schema(), v1.schema());
        QVERIFY2(resolver, avro_strerror());
        avro_value_t resolved;
        QCOMPARE(avro_resolved_writer_new_value(resolver, &resolved), 0);
        avro_resolved_writer_set_dest(&resolved, &v1.value());
        for (const Event &event : randomEvents(500)) {
            KAPPA_ASSIGN_OR_FAIL(codec::AvroValue value,
                                 codec::decodeDatum(v1Schema->root(),
                                                    codec->encode(event).substr(kWireHeaderSize)));
            codec::AvroValue device;
            device.type = codec::AvroType::String;
            device.bytes = "watch";
            value.children.push_back(device);
            std::string v2Body;
            KAPPA_VERIFY_OK(codec::encodeValue(value, v2Schema->root(), v2Body));
            avro_reader_t reader = avro_reader_memory(v2Body.data(), static_cast<int64_t>(v2Body.size()));
            const int rc = avro_value_read(reader, &resolved);
            avro_reader_free(reader);
            QCOMPARE(rc, 0);
            QVERIFY(avroc::readEvent(v1) == event);
        }
        avro_value_decref(&resolved);
        avro_value_iface_decref(resolver);
    }

    void ourV1BytesReadAsV2()
    {
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(auto codec, EventCodec::create(registry));
        KAPPA_ASSIGN_OR_FAIL(const auto v2Schema, codec::parseAvroSchema(eventV2Json()));
        KAPPA_ASSIGN_OR_FAIL(const auto v1Schema, codec::parseAvroSchema(eventV1Json()));
        for (const Event &event : randomEvents(200)) {
            const std::string body = codec->encode(event).substr(kWireHeaderSize);
            KAPPA_ASSIGN_OR_FAIL(const codec::AvroValue asV2,
                                 codec::decodeResolvedDatum(v1Schema->root(), v2Schema->root(), body));
            QCOMPARE(asV2.children.back().bytes, std::string("unknown"));
        }
    }
};

QTEST_APPLESS_MAIN(TestLibavroCrosscheck)
#include "test_libavro_crosscheck.moc"
