// Job versions, lifecycle states and aliases in the catalog.
#include "kappa/catalog.h"
#include "test_support.h"

using namespace kappa;

namespace {

JobVersionInfo spec(const std::string &job, const std::string &version, const std::string &params = "{}",
                    VersionState state = VersionState::Replaying)
{
    JobVersionInfo info;
    info.job = job;
    info.version = version;
    info.specJson = R"({"job":")" + job + R"(","version":")" + version + R"(","params":)" + params + "}";
    info.state = state;
    info.createdBy = "alice";
    return info;
}

} // namespace

class TestJobStore : public QObject
{
    Q_OBJECT

private slots:
    void registerAndList()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto catalog, Catalog::open(tempPath(dir, "catalog.db")));
        KAPPA_VERIFY_OK(catalog->addJobVersion(spec("fraud", "v1")));
        KAPPA_VERIFY_OK(catalog->addJobVersion(spec("user_features", "v1")));
        KAPPA_VERIFY_OK(catalog->addJobVersion(spec("fraud", "v2")));
        KAPPA_ASSIGN_OR_FAIL(auto all, catalog->jobVersions());
        QCOMPARE(all.size(), std::size_t(3));
        QCOMPARE(all[0].job + "@" + all[0].version, std::string("fraud@v1"));
        QCOMPARE(all[1].job + "@" + all[1].version, std::string("fraud@v2"));
        QCOMPARE(all[2].job, std::string("user_features"));
        KAPPA_ASSIGN_OR_FAIL(auto fraud, catalog->jobVersions("fraud"));
        QCOMPARE(fraud.size(), std::size_t(2));
        QCOMPARE(fraud[0].createdBy, std::string("alice"));
        QVERIFY(fraud[0].createdAt.value() > 0);
    }

    void registrationIsIdempotentButSpecsAreImmutable()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto catalog, Catalog::open(tempPath(dir, "catalog.db")));
        KAPPA_VERIFY_OK(catalog->addJobVersion(spec("fraud", "v1", R"({"bias":-4})")));
        KAPPA_VERIFY_OK(catalog->addJobVersion(spec("fraud", "v1", R"({"bias":-4})")));
        const Status changed = catalog->addJobVersion(spec("fraud", "v1", R"({"bias":-3})"));
        QCOMPARE(changed.code(), StatusCode::AlreadyExists);
        QVERIFY(changed.message().find("fraud@v1") != std::string::npos);
        QCOMPARE(catalog->addJobVersion(spec("", "v1")).code(), StatusCode::InvalidArgument);
    }

    void unknownVersionIsNotFound()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto catalog, Catalog::open(tempPath(dir, "catalog.db")));
        auto missing = catalog->jobVersion("fraud", "v9");
        QCOMPARE(missing.status().code(), StatusCode::NotFound);
        QVERIFY(missing.status().message().find("fraud@v9") != std::string::npos);
        QCOMPARE(catalog->setAlias("fraud", "v9", "bob").code(), StatusCode::NotFound);
    }

    void stateChangesStopAtFinalStates()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto catalog, Catalog::open(tempPath(dir, "catalog.db")));
        KAPPA_VERIFY_OK(catalog->addJobVersion(spec("fraud", "v2")));
        KAPPA_VERIFY_OK(
            catalog->setVersionState("fraud", "v2", VersionState::CaughtUp, "engine", "lag < 1 s"));
        KAPPA_VERIFY_OK(
            catalog->setVersionState("fraud", "v2", VersionState::Cancelled, "bob", "wrong weights"));
        const Status revived = catalog->setVersionState("fraud", "v2", VersionState::Live, "bob");
        QCOMPARE(revived.code(), StatusCode::FailedPrecondition);
        KAPPA_ASSIGN_OR_FAIL(auto info, catalog->jobVersion("fraud", "v2"));
        QCOMPARE(info.state, VersionState::Cancelled);
        QCOMPARE(catalog->setAlias("fraud", "v2", "bob").code(), StatusCode::FailedPrecondition);
    }

    void aliasSwitchesAndKeepsHistoryAcrossReopen()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "catalog.db");
        {
            KAPPA_ASSIGN_OR_FAIL(auto catalog, Catalog::open(path));
            KAPPA_ASSIGN_OR_FAIL(auto none, catalog->alias("fraud"));
            QVERIFY(!none.has_value());
            KAPPA_VERIFY_OK(catalog->addJobVersion(spec("fraud", "v1", "{}", VersionState::Live)));
            KAPPA_VERIFY_OK(catalog->addJobVersion(spec("fraud", "v2")));
            KAPPA_VERIFY_OK(catalog->setAlias("fraud", "v1", "alice"));
            KAPPA_VERIFY_OK(catalog->setAlias("fraud", "v1", "alice")); // no-op, not a history entry
            KAPPA_VERIFY_OK(catalog->setAlias("fraud", "v2", "carol"));
        }
        KAPPA_ASSIGN_OR_FAIL(auto catalog, Catalog::open(path));
        KAPPA_ASSIGN_OR_FAIL(auto live, catalog->alias("fraud"));
        QCOMPARE(live.value_or(""), std::string("v2"));
        KAPPA_ASSIGN_OR_FAIL(auto history, catalog->aliasHistory("fraud"));
        QCOMPARE(history.size(), std::size_t(2));
        QVERIFY(!history[0].fromVersion.has_value());
        QCOMPARE(history[0].toVersion, std::string("v1"));
        QCOMPARE(history[1].fromVersion.value_or(""), std::string("v1"));
        QCOMPARE(history[1].toVersion, std::string("v2"));
        QCOMPARE(history[1].actor, std::string("carol"));
    }

    void stateNamesRoundTrip_data()
    {
        QTest::addColumn<int>("state");
        for (int s = 0; s <= static_cast<int>(VersionState::Cancelled); ++s)
            QTest::newRow(std::string(versionStateName(static_cast<VersionState>(s))).c_str()) << s;
    }

    void stateNamesRoundTrip()
    {
        QFETCH(int, state);
        const auto name = versionStateName(static_cast<VersionState>(state));
        QCOMPARE(parseVersionState(name), std::optional<VersionState>(static_cast<VersionState>(state)));
        QVERIFY(!parseVersionState("paused").has_value());
    }
};

QTEST_APPLESS_MAIN(TestJobStore)
#include "test_job_store.moc"
