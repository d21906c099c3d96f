// A replay's throttle against a real `kappad --demo` with live ingest at 50K
// events/s: a user_features v2 replay at k = 5 holds within ±15 % of five
// times the ingest rate while the live jobs stay within their lag SLOs; a
// burst of ingest that makes the live jobs lag makes the replay back off
// (with the reason shown), and it recovers once they catch up; the version
// reaches caught_up. Runs alone (RUN_SERIAL): it measures rates.
#include "kappactl_process.h"
#include "reprocessing_api.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using nlohmann::json;

namespace {

constexpr double kIngest = 50'000;
constexpr double kMultiple = 5;

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// The largest lag (seconds) of each live version, by job.
std::map<std::string, double> liveLags(ReprocessingApi &api)
{
    std::map<std::string, double> lags;
    const json jobs = api.get("/api/v1/jobs").body;
    for (const json &job : jobs["jobs"])
        for (const json &version : job["versions"])
            if (version.value("live", false) && version.contains("figures"))
                lags[job["job"].get<std::string>()] = version["figures"]["lag_seconds"].get<double>();
    return lags;
}

} // namespace

class TestReprocessingThrottle : public QObject
{
    Q_OBJECT

private slots:
    void replayHoldsItsRateAndBacksOffForLiveJobs();
};

void TestReprocessingThrottle::replayHoldsItsRateAndBacksOffForLiveJobs()
{
    QTemporaryDir dir;
    const QString data = dir.filePath("data");
    const qint64 dayAgo = QDateTime::currentMSecsSinceEpoch() - 86'400'000;
    const Run gen = kappactl(data, {"gen", "--events", "3000000", "--days", "1", "--partitions", "8",
                                    "--start", QString::number(dayAgo)});
    QVERIFY2(gen.exitCode == 0, gen.err.constData());
    const QString config = dir.filePath("kappad.toml");
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[demo]\nrate = 50000\n[reprocessing]\ncaught_up_hold_ms = 2000\n");
    file.close();
    KappadProcess kappad(data, {"--demo", "--config", config});
    QVERIFY2(kappad.started(), kappad.log().constData());
    ReprocessingApi api(kappad, data);

    // The live versions first work through the history.
    QVERIFY(waitFor(
        [&] {
            const std::map<std::string, double> lags = liveLags(api);
            return lags.size() == 3
                   && std::all_of(lags.begin(), lags.end(), [](const auto &lag) { return lag.second < 0.5; });
        },
        std::chrono::seconds(240)));

    const std::int64_t id = api.launch({{"job_version", "user_features@v2"}, {"rate_multiple", kMultiple}});
    QVERIFY(id != 0);
    std::vector<double> ratios;
    std::map<std::string, double> worstLag;
    const auto launched = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - launched < std::chrono::seconds(120)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        const json r = api.replay(id);
        for (const auto &[job, lag] : liveLags(api))
            worstLag[job] = std::max(worstLag[job], lag);
        const double percent = r.value("percent", 0.0);
        if (r.value("state", "") != "running" || percent > 90)
            break;
        // The measured rate spans five seconds: the first ones include the start.
        if (std::chrono::steady_clock::now() - launched < std::chrono::seconds(6) || percent < 10)
            continue;
        ratios.push_back(r["measured_rate"].get<double>() / (kMultiple * r["ingest_rate"].get<double>()));
    }
    const double ratio = median(ratios);
    qInfo("replay rate / (k x ingest): median %.3f over %zu samples; worst live lag: user_features %.2f s, "
          "fraud %.2f s, business_metrics %.2f s",
          ratio, ratios.size(), worstLag["user_features"], worstLag["fraud"], worstLag["business_metrics"]);
    QVERIFY2(ratios.size() >= 4, "too few samples while the replay ran");
    QVERIFY2(ratio >= 0.85 && ratio <= 1.15, qPrintable(QString("median ratio %1").arg(ratio)));
    QVERIFY(worstLag["user_features"] < 2.0);
    QVERIFY(worstLag["fraud"] < 2.0);
    QVERIFY(worstLag["business_metrics"] < 60.0);

    // A burst the live jobs cannot keep up with.
    QCOMPARE(api.put("/api/v1/demo/rate", {{"events_per_second", 2'000'000}}).status, 200);
    bool backedOff = false;
    std::string reason;
    QVERIFY(waitFor(
        [&] {
            const json r = api.replay(id);
            reason = r.value("slowdown_reason", "");
            backedOff = reason.find("lags") != std::string::npos
                        && r["current_rate"].get<double>() < 0.9 * r["target_rate"].get<double>();
            return backedOff;
        },
        std::chrono::seconds(30)));
    qInfo("backed off: %s", reason.c_str());
    QCOMPARE(api.put("/api/v1/demo/rate", {{"events_per_second", kIngest}}).status, 200);
    QVERIFY2(waitFor(
                 [&] {
                     const json r = api.replay(id);
                     return r.value("slowdown_reason", "x").empty()
                            && r["current_rate"].get<double>() >= 0.95 * r["target_rate"].get<double>();
                 },
                 std::chrono::seconds(120)),
             api.replay(id).dump().c_str());
    QVERIFY(api.waitCaughtUp(id, std::chrono::seconds(180)));
}

QTEST_APPLESS_MAIN(TestReprocessingThrottle)
#include "test_reprocessing_throttle.moc"
