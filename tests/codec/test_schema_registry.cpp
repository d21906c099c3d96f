// The registry: subjects, versions, global ids, idempotency, modes, lookups,
// and that a failing store changes nothing.
#include "codec_test_util.h"
#include "kappa/schema_registry.h"
#include "test_support.h"

using namespace kappa;

namespace {

const std::string kA = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})";
const std::string kAB
    = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"}]})";
const std::string kAC
    = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"c","type":"string"}]})";

// A store that keeps everything in memory and can be told to fail.
class FlakyStore final : public SchemaStore
{
public:
    Result<SchemaStoreContents> load() override { return contents; }
    Status addVersion(const SubjectVersion &version, const SchemaInfo *newSchema) override
    {
        if (failWrites)
            return Status::internal("disk on fire");
        if (newSchema)
            contents.schemas.push_back(*newSchema);
        contents.versions.push_back(version);
        return Status::ok();
    }
    Status setCompatibility(const std::string &subject, CompatibilityMode mode) override
    {
        if (failWrites)
            return Status::internal("disk on fire");
        contents.compatibility.emplace_back(subject, mode);
        return Status::ok();
    }

    SchemaStoreContents contents;
    bool failWrites = false;
};

} // namespace

class TestSchemaRegistry : public QObject
{
    Q_OBJECT

private slots:
    void registersVersionsAndIds()
    {
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome first, registry.registerSchema("s", kA));
        QCOMPARE(first.id, SchemaId(1));
        QCOMPARE(first.version, 1);
        QVERIFY(first.created);
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome second, registry.registerSchema("s", kAB));
        QCOMPARE(second.id, SchemaId(2));
        QCOMPARE(second.version, 2);
        // The same schema under another subject keeps its global id.
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome other, registry.registerSchema("t", kAB));
        QCOMPARE(other.id, SchemaId(2));
        QCOMPARE(other.version, 1);

        QCOMPARE(registry.subjects(), (std::vector<std::string>{"s", "t"}));
        KAPPA_ASSIGN_OR_FAIL(const auto versions, registry.versions("s"));
        QCOMPARE(versions, (std::vector<int>{1, 2}));
        KAPPA_ASSIGN_OR_FAIL(const SubjectVersion latest, registry.latestVersion("s"));
        QCOMPARE(latest.version, 2);
        QCOMPARE(latest.schemaJson, kAB);
        KAPPA_ASSIGN_OR_FAIL(const SubjectVersion v1, registry.subjectVersion("s", 1));
        QCOMPARE(v1.id, SchemaId(1));
        KAPPA_ASSIGN_OR_FAIL(const SchemaInfo info, registry.schemaById(SchemaId(2)));
        QCOMPARE(info.schemaJson, kAB);
        KAPPA_ASSIGN_OR_FAIL(const std::string canonical, SchemaRegistry::canonicalForm(kAB));
        QCOMPARE(info.canonicalForm, canonical);
        KAPPA_ASSIGN_OR_FAIL(const SubjectVersion found, registry.lookupSchema("s", kA));
        QCOMPARE(found.version, 1);
    }

    void registrationIsIdempotent()
    {
        SchemaRegistry registry;
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome first, registry.registerSchema("s", kA));
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome v2, registry.registerSchema("s", kAB));
        // Different whitespace and attribute order, same canonical form.
        const std::string respelled
            = R"( { "fields" : [ {"type":"int", "name":"a", "doc":"x"} ], "name":"R", "type":"record" } )";
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome again, registry.registerSchema("s", respelled));
        QCOMPARE(again.id, first.id);
        QCOMPARE(again.version, 1);
        QVERIFY(!again.created);
        KAPPA_ASSIGN_OR_FAIL(const auto versions, registry.versions("s"));
        QCOMPARE(versions.size(), std::size_t(2));
        QCOMPARE(v2.version, 2);
    }

    void incompatibleSchemaIsRejectedNamingTheRule()
    {
        SchemaRegistry registry;
        KAPPA_VERIFY_OK(registry.registerSchema("s", kA).status());
        const auto rejected = registry.registerSchema("s", kAC);
        QVERIFY(!rejected.isOk());
        QCOMPARE(rejected.status().code(), StatusCode::FailedPrecondition);
        const std::string &message = rejected.status().message();
        QVERIFY2(message.find("under BACKWARD") != std::string::npos, message.c_str());
        QVERIFY2(message.find("reader field 'c' has no default and is missing from the writer")
                     != std::string::npos,
                 message.c_str());
        QVERIFY2(message.find("version 1") != std::string::npos, message.c_str());
        KAPPA_ASSIGN_OR_FAIL(const auto versions, registry.versions("s"));
        QCOMPARE(versions.size(), std::size_t(1));

        KAPPA_ASSIGN_OR_FAIL(const CompatibilityReport report, registry.checkCompatibility("s", kAC));
        QVERIFY(!report.compatible);
        QCOMPARE(report.mode, CompatibilityMode::Backward);
        QCOMPARE(report.reasons.size(), std::size_t(1));
        KAPPA_ASSIGN_OR_FAIL(const CompatibilityReport ok, registry.checkCompatibility("s", kAB));
        QVERIFY(ok.compatible);
    }

    void modePerSubject()
    {
        SchemaRegistry registry;
        QCOMPARE(registry.compatibility("s"), CompatibilityMode::Backward);
        KAPPA_VERIFY_OK(registry.registerSchema("s", kA).status());
        KAPPA_VERIFY_OK(registry.setCompatibility("s", CompatibilityMode::Forward));
        QCOMPARE(registry.compatibility("s"), CompatibilityMode::Forward);
        QCOMPARE(registry.compatibility("t"), CompatibilityMode::Backward);
        // Under FORWARD, adding a field without a default is fine.
        KAPPA_VERIFY_OK(registry.registerSchema("s", kAC).status());
        KAPPA_VERIFY_OK(registry.setCompatibility("s", CompatibilityMode::None));
        KAPPA_VERIFY_OK(registry.registerSchema("s", R"("string")").status());
    }

    void transitiveModeChecksEveryVersion()
    {
        SchemaRegistry registry;
        const std::string none = R"({"type":"record","name":"R","fields":[]})";
        const std::string aString
            = R"({"type":"record","name":"R","fields":[{"name":"a","type":"string","default":""}]})";
        KAPPA_VERIFY_OK(registry.setCompatibility("s", CompatibilityMode::BackwardTransitive));
        KAPPA_VERIFY_OK(registry.registerSchema("s", kA).status());
        KAPPA_VERIFY_OK(registry.registerSchema("s", none).status());
        const auto rejected = registry.registerSchema("s", aString);
        QCOMPARE(rejected.status().code(), StatusCode::FailedPrecondition);
        QVERIFY(rejected.status().message().find("cannot promote int to string at field 'a'")
                != std::string::npos);
        KAPPA_VERIFY_OK(registry.setCompatibility("s", CompatibilityMode::Backward));
        KAPPA_VERIFY_OK(registry.registerSchema("s", aString).status());
    }

    void lookupsReportNotFound()
    {
        SchemaRegistry registry;
        KAPPA_VERIFY_OK(registry.registerSchema("s", kA).status());
        const auto byId = registry.schemaById(SchemaId(77));
        QCOMPARE(byId.status().code(), StatusCode::NotFound);
        QVERIFY(byId.status().message().find("77") != std::string::npos);
        QCOMPARE(registry.subjectVersion("s", 2).status().code(), StatusCode::NotFound);
        QCOMPARE(registry.latestVersion("nope").status().code(), StatusCode::NotFound);
        QCOMPARE(registry.versions("nope").status().code(), StatusCode::NotFound);
        QCOMPARE(registry.lookupSchema("s", kAB).status().code(), StatusCode::NotFound);
    }

    void badInputIsInvalidArgument()
    {
        SchemaRegistry registry;
        QCOMPARE(registry.registerSchema("s", "{nope").status().code(), StatusCode::InvalidArgument);
        QCOMPARE(registry.registerSchema("", kA).status().code(), StatusCode::InvalidArgument);
        QCOMPARE(registry.checkCompatibility("s", R"({"type":"record"})").status().code(),
                 StatusCode::InvalidArgument);
    }

    void failedStoreWriteChangesNothing()
    {
        FlakyStore store;
        KAPPA_ASSIGN_OR_FAIL(auto registry, SchemaRegistry::open(store));
        KAPPA_VERIFY_OK(registry->registerSchema("s", kA).status());
        store.failWrites = true;
        QCOMPARE(registry->registerSchema("s", kAB).status().code(), StatusCode::Internal);
        QCOMPARE(registry->setCompatibility("s", CompatibilityMode::None).code(), StatusCode::Internal);
        QCOMPARE(registry->compatibility("s"), CompatibilityMode::Backward);
        QCOMPARE(registry->schemaById(SchemaId(2)).status().code(), StatusCode::NotFound);
        store.failWrites = false;
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome retried, registry->registerSchema("s", kAB));
        QCOMPARE(retried.id, SchemaId(2));
        // A registry reopened from the store sees the same state.
        KAPPA_ASSIGN_OR_FAIL(auto reopened, SchemaRegistry::open(store));
        KAPPA_ASSIGN_OR_FAIL(const SubjectVersion latest, reopened->latestVersion("s"));
        QCOMPARE(latest.version, 2);
        QCOMPARE(latest.id, SchemaId(2));
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome next, reopened->registerSchema("t", kAC));
        QCOMPARE(next.id, SchemaId(3));
    }

    void eventSchemasEvolve()
    {
        SchemaRegistry registry;
        const std::string v1 = eventV1Json();
        const std::string v2 = eventV2Json();
        QVERIFY(!v1.empty() && !v2.empty());
        KAPPA_VERIFY_OK(registry.setCompatibility("events-value", CompatibilityMode::FullTransitive));
        KAPPA_VERIFY_OK(registry.registerSchema("events-value", v1).status());
        KAPPA_ASSIGN_OR_FAIL(const RegisterOutcome second, registry.registerSchema("events-value", v2));
        QCOMPARE(second.version, 2);
    }
};

QTEST_APPLESS_MAIN(TestSchemaRegistry)
#include "test_schema_registry.moc"
