// Avro schema resolution (writer → reader) and compatibility modes, as data:
// each row names the schemas, the data or mode, and the expected verdict.
#include "codec/avro_resolve.h"
#include "codec/compatibility.h"
#include "codec/json_render.h"
#include "test_support.h"

using namespace kappa;
using namespace kappa::codec;

namespace {

AvroSchemaPtr parse(const QString &json)
{
    auto parsed = parseAvroSchema(json.toStdString());
    return parsed.isOk() ? std::move(parsed).value() : nullptr;
}

QString record(const QString &fields, const QString &name = QStringLiteral("R"),
               const QString &extra = QString())
{
    return QStringLiteral(R"({"type":"record","name":"%1",%2"fields":[%3]})").arg(name, extra, fields);
}

const QString kEnumAB = R"({"type":"enum","name":"E","symbols":["A","B"]})";
const QString kEnumABDefault = R"({"type":"enum","name":"E","symbols":["A","B"],"default":"A"})";
const QString kEnumABC = R"({"type":"enum","name":"E","symbols":["A","B","C"]})";

} // namespace

class TestSchemaResolution : public QObject
{
    Q_OBJECT

private slots:
    void resolution_data()
    {
        QTest::addColumn<QString>("writer");
        QTest::addColumn<QString>("reader");
        QTest::addColumn<QByteArray>("data");     // written with the writer schema
        QTest::addColumn<QString>("expected");    // the reader's value as JSON, or "error: <message part>"
        QTest::addColumn<bool>("alwaysReadable"); // whether resolutionProblems() finds nothing

        QTest::newRow("added field with default")
            << record(R"({"name":"a","type":"int"})")
            << record(R"({"name":"a","type":"int"},{"name":"b","type":"string","default":"x"})")
            << QByteArray("\x02", 1) << R"({"a":1,"b":"x"})" << true;
        QTest::newRow("added field without default")
            << record(R"({"name":"a","type":"int"})")
            << record(R"({"name":"a","type":"int"},{"name":"b","type":"string"})") << QByteArray("\x02", 1)
            << "error: no default" << false;
        QTest::newRow("removed field") << record(
            R"({"name":"a","type":"int"},{"name":"b","type":"string"},{"name":"c","type":{"type":"map","values":"long"}})")
                                       << record(R"({"name":"b","type":"string"})")
                                       << QByteArray("\x02\x04hi\x02\x02k\x02\x00", 9) << R"({"b":"hi"})"
                                       << true;
        QTest::newRow("int to long") << R"("int")"
                                     << R"("long")" << QByteArray("\x03", 1) << "-2" << true;
        QTest::newRow("int to double") << R"("int")"
                                       << R"("double")" << QByteArray("\x04", 1) << "2" << true;
        QTest::newRow("long to float") << R"("long")"
                                       << R"("float")" << QByteArray("\x06", 1) << "3" << true;
        QTest::newRow("float to double")
            << R"("float")"
            << R"("double")" << QByteArray("\x00\x00\xc0\x3f", 4) << "1.5" << true;
        QTest::newRow("string to bytes") << R"("string")"
                                         << R"("bytes")" << QByteArray("\x02z", 2) << R"("z")" << true;
        QTest::newRow("bytes to string") << R"("bytes")"
                                         << R"("string")" << QByteArray("\x02z", 2) << R"("z")" << true;
        QTest::newRow("long to int") << R"("long")"
                                     << R"("int")" << QByteArray("\x02", 1)
                                     << "error: cannot resolve writer long to reader int" << false;
        QTest::newRow("enum symbol by name")
            << kEnumABC << R"({"type":"enum","name":"E","symbols":["C","B","A"]})" << QByteArray("\x00", 1)
            << R"("A")" << true;
        QTest::newRow("enum unknown symbol, reader default")
            << kEnumABC << kEnumABDefault << QByteArray("\x04", 1) << R"("A")" << true;
        QTest::newRow("enum unknown symbol, no default")
            << kEnumABC << kEnumAB << QByteArray("\x04", 1) << "error: enum symbol 'C' unknown to reader"
            << false;
        QTest::newRow("enum known symbol, no default")
            << kEnumABC << kEnumAB << QByteArray("\x02", 1) << R"("B")" << false;
        QTest::newRow("writer union to plain reader")
            << R"(["null","int"])"
            << R"("long")" << QByteArray("\x02\x02", 2) << "1" << false;
        QTest::newRow("writer union null branch to plain reader")
            << R"(["null","int"])"
            << R"("long")" << QByteArray("\x00", 1) << "error: cannot resolve writer null" << false;
        QTest::newRow("plain writer to reader union")
            << R"("int")"
            << R"(["null","string","long"])" << QByteArray("\x0a", 1) << "5" << true;
        QTest::newRow("reader union prefers exact match")
            << R"("int")"
            << R"(["long","int"])" << QByteArray("\x0a", 1) << "5" << true;
        QTest::newRow("union to union, reordered")
            << R"(["null","string"])"
            << R"(["string","null"])" << QByteArray("\x02\x02x", 3) << R"("x")" << true;
        QTest::newRow("union branch missing in reader")
            << R"(["null","string","int"])"
            << R"(["null","string"])" << QByteArray("\x02\x02x", 3) << R"("x")" << false;
        QTest::newRow("field alias") << record(R"({"name":"old","type":"int"})")
                                     << record(R"({"name":"new","type":"long","aliases":["old"]})")
                                     << QByteArray("\x08", 1) << R"({"new":4})" << true;
        QTest::newRow("record alias") << record(R"({"name":"a","type":"int"})", "A")
                                      << record(R"({"name":"a","type":"int"})", "B", R"("aliases":["A"],)")
                                      << QByteArray("\x08", 1) << R"({"a":4})" << true;
        QTest::newRow("record name mismatch")
            << record(R"({"name":"a","type":"int"})", "A") << record(R"({"name":"a","type":"int"})", "B")
            << QByteArray("\x08", 1) << "error: cannot resolve writer record 'A'" << false;
        QTest::newRow("array items promoted")
            << R"({"type":"array","items":"int"})"
            << R"({"type":"array","items":"long"})" << QByteArray("\x04\x02\x04\x00", 4) << "[1,2]" << true;
        QTest::newRow("map values resolved")
            << R"({"type":"map","values":["null","int"]})"
            << R"({"type":"map","values":"long"})" << QByteArray("\x02\x02k\x02\x06\x00", 6) << R"({"k":3})"
            << false;
        QTest::newRow("fixed size mismatch") << R"({"type":"fixed","name":"F","size":2})"
                                             << R"({"type":"fixed","name":"F","size":3})"
                                             << QByteArray("ab", 2) << "error: cannot resolve" << false;
        QTest::newRow("nested record with new field")
            << record(
                   R"({"name":"in","type":{"type":"record","name":"I","fields":[{"name":"x","type":"int"}]}})")
            << record(
                   R"({"name":"in","type":{"type":"record","name":"I","fields":[{"name":"x","type":"int"},{"name":"y","type":["null","int"],"default":null}]}})")
            << QByteArray("\x02", 1) << R"({"in":{"x":1,"y":null}})" << true;
    }

    void resolution()
    {
        QFETCH(QString, writer);
        QFETCH(QString, reader);
        QFETCH(QByteArray, data);
        QFETCH(QString, expected);
        QFETCH(bool, alwaysReadable);
        const auto w = parse(writer);
        const auto r = parse(reader);
        QVERIFY(w && r);
        const auto decoded = decodeResolvedDatum(w->root(), r->root(), data.toStdString());
        if (expected.startsWith("error: ")) {
            QVERIFY(!decoded.isOk());
            QVERIFY2(QString::fromStdString(decoded.status().message()).contains(expected.mid(7)),
                     decoded.status().message().c_str());
        } else {
            QVERIFY2(decoded.isOk(), decoded.status().toString().c_str());
            std::string json;
            appendJsonValue(*decoded, r->root(), json);
            QCOMPARE(QString::fromStdString(json), expected);
        }
        const auto problems = resolutionProblems(w->root(), r->root());
        QVERIFY2(problems.empty() == alwaysReadable, problems.empty() ? "no problems" : problems[0].c_str());
    }

    void compatibility_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QStringList>("existing"); // versions 1, 2, ...
        QTest::addColumn<QString>("candidate");
        QTest::addColumn<bool>("compatible");
        QTest::addColumn<QString>("reason"); // part of the first reason when incompatible

        const QString a = record(R"({"name":"a","type":"int"})");
        const QString aDefault = record(R"({"name":"a","type":"int","default":0})");
        const QString ab = record(R"({"name":"a","type":"int"},{"name":"b","type":"string","default":"x"})");
        const QString ac = record(R"({"name":"a","type":"int"},{"name":"c","type":"string"})");
        const QString none = record("");
        const QString aLong = record(R"({"name":"a","type":"long"})");
        const QString aString = record(R"({"name":"a","type":"string"})");
        const QString aStringDefault = record(R"({"name":"a","type":"string","default":""})");
        const QString aNullable = record(R"({"name":"a","type":["null","int"],"default":null})");
        const QString eAB = record(QStringLiteral(R"({"name":"e","type":%1})").arg(kEnumAB));
        const QString eABC = record(QStringLiteral(R"({"name":"e","type":%1})").arg(kEnumABC));

        QTest::newRow("BACKWARD: add field with default") << "BACKWARD" << QStringList{a} << ab << true << "";
        QTest::newRow("BACKWARD: add field without default")
            << "BACKWARD" << QStringList{a} << ac << false
            << "reader field 'c' has no default and is missing from the writer (new schema reading data "
               "written with version 1)";
        QTest::newRow("BACKWARD: remove field") << "BACKWARD" << QStringList{a} << none << true << "";
        QTest::newRow("BACKWARD: promote int to long") << "BACKWARD" << QStringList{a} << aLong << true << "";
        QTest::newRow("BACKWARD: int to string") << "BACKWARD" << QStringList{a} << aString << false
                                                 << "cannot promote int to string at field 'a'";
        QTest::newRow("BACKWARD: enum symbol added") << "BACKWARD" << QStringList{eAB} << eABC << true << "";
        QTest::newRow("BACKWARD: enum symbol removed")
            << "BACKWARD" << QStringList{eABC} << eAB << false
            << "writer enum symbol 'C' unknown to reader and reader has no default";
        QTest::newRow("BACKWARD: plain to nullable")
            << "BACKWARD" << QStringList{a} << aNullable << true << "";
        QTest::newRow("BACKWARD: only the latest")
            << "BACKWARD" << QStringList{a, none} << aStringDefault << true << "";
        QTest::newRow("BACKWARD_TRANSITIVE: fails on version 1")
            << "BACKWARD_TRANSITIVE" << QStringList{a, none} << aStringDefault << false
            << "cannot promote int to string at field 'a' (new schema reading data written with version 1)";
        QTest::newRow("BACKWARD_TRANSITIVE: accepted")
            << "BACKWARD_TRANSITIVE" << QStringList{a, ab} << ab << true << "";

        QTest::newRow("FORWARD: add field without default")
            << "FORWARD" << QStringList{a} << ac << true << "";
        QTest::newRow("FORWARD: remove field without default")
            << "FORWARD" << QStringList{a} << none << false
            << "reader field 'a' has no default and is missing from the writer (version 1 reading data "
               "written with the new schema)";
        QTest::newRow("FORWARD: remove field with default")
            << "FORWARD" << QStringList{aDefault} << none << true << "";
        QTest::newRow("FORWARD: promote int to long")
            << "FORWARD" << QStringList{a} << aLong << false << "cannot promote long to int";
        QTest::newRow("FORWARD: enum symbol added")
            << "FORWARD" << QStringList{eAB} << eABC << false << "writer enum symbol 'C' unknown to reader";
        QTest::newRow("FORWARD: plain to nullable")
            << "FORWARD" << QStringList{a} << aNullable << false
            << "writer union branch 0 (null) cannot be read as reader type int";
        QTest::newRow("FORWARD: only the latest")
            << "FORWARD" << QStringList{a, aDefault} << none << true << "";
        QTest::newRow("FORWARD_TRANSITIVE: fails on version 1")
            << "FORWARD_TRANSITIVE" << QStringList{a, aDefault} << none << false
            << "reader field 'a' has no default and is missing from the writer (version 1 reading";

        QTest::newRow("FULL: add field with default") << "FULL" << QStringList{a} << ab << true << "";
        QTest::newRow("FULL: add field without default")
            << "FULL" << QStringList{a} << ac << false << "reader field 'c' has no default";
        QTest::newRow("FULL: promote int to long")
            << "FULL" << QStringList{a} << aLong << false << "cannot promote long to int";
        QTest::newRow("FULL: only the latest") << "FULL" << QStringList{a, aDefault} << none << true << "";
        QTest::newRow("FULL_TRANSITIVE: fails on version 1")
            << "FULL_TRANSITIVE" << QStringList{a, aDefault} << none << false
            << "(version 1 reading data written with the new schema)";
        QTest::newRow("FULL_TRANSITIVE: accepted")
            << "FULL_TRANSITIVE" << QStringList{a, ab} << ab << true << "";

        QTest::newRow("NONE: anything goes") << "NONE" << QStringList{a} << aString << true << "";
        QTest::newRow("first version") << "FULL_TRANSITIVE" << QStringList{} << aString << true << "";
    }

    void compatibility()
    {
        QFETCH(QString, mode);
        QFETCH(QStringList, existing);
        QFETCH(QString, candidate);
        QFETCH(bool, compatible);
        QFETCH(QString, reason);
        const auto parsedMode = parseCompatibilityMode(mode.toStdString());
        QVERIFY(parsedMode);
        std::vector<AvroSchemaPtr> keep;
        std::vector<ExistingVersion> versions;
        for (const QString &json : existing) {
            keep.push_back(parse(json));
            QVERIFY(keep.back());
            versions.push_back({static_cast<int>(keep.size()), keep.back().get()});
        }
        const auto candidateSchema = parse(candidate);
        QVERIFY(candidateSchema);
        const CompatibilityReport report = checkCompatibility(*candidateSchema, versions, *parsedMode);
        QCOMPARE(report.compatible, compatible);
        QCOMPARE(report.reasons.empty(), compatible);
        if (!compatible)
            QVERIFY2(QString::fromStdString(report.reasons[0]).contains(reason), report.reasons[0].c_str());
    }

    void modeNames()
    {
        for (int i = 0; i <= static_cast<int>(CompatibilityMode::FullTransitive); ++i) {
            const auto mode = static_cast<CompatibilityMode>(i);
            QCOMPARE(parseCompatibilityMode(compatibilityModeName(mode)), std::optional(mode));
        }
        QCOMPARE(parseCompatibilityMode("full_transitive"), std::optional(CompatibilityMode::FullTransitive));
        QVERIFY(!parseCompatibilityMode("SIDEWAYS"));
    }
};

QTEST_APPLESS_MAIN(TestSchemaResolution)
#include "test_schema_resolution.moc"
