// renderPrometheus: families, labels and values of the exposition, cumulative
// histograms in seconds, label escaping, and Prometheus's own linter
// (`promtool check metrics`) over the result.
#include "service/prometheus_exporter.h"
#include "test_support.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>

#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace kappa;
using namespace kappa::service;

namespace {

using LabelMap = std::map<std::string, std::string>;

// One sample line of the exposition, labels unescaped.
struct Sample
{
    std::string name;
    LabelMap labels;
    double value = 0.0;
};

double parseNumber(const std::string &text)
{
    if (text == "+Inf")
        return std::numeric_limits<double>::infinity();
    if (text == "-Inf")
        return -std::numeric_limits<double>::infinity();
    return std::stod(text);
}

// A small parser for the sample lines of format 0.0.4: name{a="b",...} value.
// Returns nullopt for a line it cannot read, so a malformed exposition fails
// the test rather than being skipped.
std::optional<Sample> parseSample(const std::string &line)
{
    Sample sample;
    std::size_t i = line.find_first_of("{ ");
    if (i == std::string::npos)
        return std::nullopt;
    sample.name = line.substr(0, i);
    if (line[i] == '{') {
        ++i;
        while (i < line.size() && line[i] != '}') {
            const std::size_t eq = line.find("=\"", i);
            if (eq == std::string::npos)
                return std::nullopt;
            const std::string key = line.substr(i, eq - i);
            std::string value;
            for (i = eq + 2; i < line.size() && line[i] != '"'; ++i) {
                if (line[i] != '\\') {
                    value += line[i];
                    continue;
                }
                if (++i == line.size())
                    return std::nullopt;
                value += line[i] == 'n' ? '\n' : line[i];
            }
            if (i == line.size())
                return std::nullopt;
            sample.labels[key] = value;
            ++i; // closing quote
            if (i < line.size() && line[i] == ',')
                ++i;
        }
        if (i == line.size())
            return std::nullopt;
        ++i; // closing brace
    }
    if (i >= line.size() || line[i] != ' ')
        return std::nullopt;
    sample.value = parseNumber(line.substr(i + 1));
    return sample;
}

struct Exposition
{
    std::string text;
    std::vector<Sample> samples;
    bool parsed = true;

    std::vector<const Sample *> find(const std::string &name, const LabelMap &labels) const
    {
        std::vector<const Sample *> found;
        for (const Sample &s : samples) {
            if (s.name != name)
                continue;
            bool match = true;
            for (const auto &[key, value] : labels)
                match = match && s.labels.count(key) && s.labels.at(key) == value;
            if (match)
                found.push_back(&s);
        }
        return found;
    }

    // The value of the single sample with this name and these labels (among others), or NaN.
    double value(const std::string &name, const LabelMap &labels = {}) const
    {
        const std::vector<const Sample *> found = find(name, labels);
        return found.size() == 1 ? found.front()->value : std::nan("");
    }

    bool hasHeader(const std::string &name, const std::string &type) const
    {
        return text.find("# HELP " + name + " ") != std::string::npos
               && text.find("# TYPE " + name + " " + type + "\n") != std::string::npos;
    }
};

Exposition render(const std::vector<ExportedTask> &tasks, const std::vector<ExportedJob> &jobs,
                  const ExportedService &service)
{
    Exposition e;
    e.text = renderPrometheus(tasks, jobs, service);
    std::size_t start = 0;
    while (start < e.text.size()) {
        std::size_t end = e.text.find('\n', start);
        if (end == std::string::npos)
            end = e.text.size();
        const std::string line = e.text.substr(start, end - start);
        start = end + 1;
        if (line.empty() || line[0] == '#')
            continue;
        if (std::optional<Sample> s = parseSample(line))
            e.samples.push_back(std::move(*s));
        else
            e.parsed = false;
    }
    return e;
}

constexpr std::int64_t kNowMs = 1'700'000'000'000;

// A source task with hand-set figures.
ExportedTask sourceTask(int partition)
{
    ExportedTask t{"fraud", "v1", "source", {}};
    t.metrics.task = "fraud@v1/source/" + std::to_string(partition);
    t.metrics.topic = "events";
    t.metrics.partition = PartitionId(partition);
    t.metrics.lagRecords = 500;
    t.metrics.lagSeconds = 3.25;
    t.metrics.recordsRead = 12'345'678'901; // above 2^32 and past 6 significant digits
    t.metrics.recordsSkipped = 7;
    t.metrics.lateDropped = 3;
    t.metrics.inputRatePerSecond = 250.5;
    t.metrics.processingRatePerSecond = 240.25;
    t.metrics.watermarkMs = kNowMs - 1'500;
    t.metrics.caughtUp = false;
    return t;
}

// A view-writing task whose latency and checkpoints were recorded through TaskMetrics.
ExportedTask viewTask(int partition)
{
    runtime::TaskMetrics m("fraud@v1/by-card/" + std::to_string(partition), "fraud-v1-by-card",
                           PartitionId(partition));
    const WallTime now(kNowMs);
    m.recordRead(now, 100, Offset(100), Offset(100), std::nullopt);
    m.recordVisible(now, now - 2, 3);     // 2 ms, three times
    m.recordVisible(now, now - 40, 2);    // 40 ms, twice
    m.recordVisible(now, now - 2'000, 1); // 2 s
    m.recordCheckpoint(120);
    m.recordCheckpoint(80);
    ExportedTask t{"fraud", "v1", "by-card", m.snapshot(now)};
    return t;
}

ExportedJob job(std::string version, std::string state, bool live)
{
    ExportedJob j;
    j.job = "fraud";
    j.version = std::move(version);
    j.state = std::move(state);
    j.live = live;
    j.stateBytes = 4'096;
    j.stateKeys = 17;
    return j;
}

ExportedService makeService(double demoRate)
{
    ExportedService s;
    s.uptimeSeconds = 123.5;
    s.httpRequests = 42;
    s.demoRatePerSecond = demoRate;
    return s;
}

LabelMap taskLabels(const std::string &stage, int partition)
{
    return {{"pipeline", "fraud"},
            {"version", "v1"},
            {"stage", stage},
            {"partition", std::to_string(partition)}};
}

// The label values that must be escaped in the exposition: quote, backslash, newline.
const std::string kAwkwardName = "fr\"au\\d\nx";

} // namespace

Q_DECLARE_METATYPE(std::vector<kappa::service::ExportedTask>)
Q_DECLARE_METATYPE(std::vector<kappa::service::ExportedJob>)
Q_DECLARE_METATYPE(kappa::service::ExportedService)

class TestPrometheusExporter : public QObject
{
    Q_OBJECT

private slots:
    void everyFamilyHasHelpAndType()
    {
        const Exposition e = render({sourceTask(0), viewTask(1)}, {job("v1", "live", true)}, makeService(10));
        QVERIFY(e.parsed);
        const std::pair<const char *, const char *> families[] = {
            {"kappa_consumer_lag_records", "gauge"},
            {"kappa_consumer_lag_seconds", "gauge"},
            {"kappa_events_processed_total", "counter"},
            {"kappa_events_skipped_total", "counter"},
            {"kappa_late_events_dropped_total", "counter"},
            {"kappa_input_rate_events_per_second", "gauge"},
            {"kappa_processing_rate_events_per_second", "gauge"},
            {"kappa_watermark_seconds", "gauge"},
            {"kappa_caught_up", "gauge"},
            {"kappa_checkpoints_total", "counter"},
            {"kappa_checkpoint_last_duration_seconds", "gauge"},
            {"kappa_checkpoint_duration_p99_seconds", "gauge"},
            {"kappa_end_to_end_latency_seconds", "histogram"},
            {"kappa_checkpoint_duration_seconds", "histogram"},
            {"kappa_state_size_bytes", "gauge"},
            {"kappa_state_keys", "gauge"},
            {"kappa_job_live", "gauge"},
            {"kappa_uptime_seconds", "gauge"},
            {"kappa_http_requests_total", "counter"},
            {"kappa_demo_rate_events_per_second", "gauge"},
        };
        for (const auto &[name, type] : families)
            QVERIFY2(e.hasHeader(name, type), name);
        // Every HELP has a TYPE and the other way round.
        std::size_t helps = 0, types = 0;
        for (std::size_t at = 0; (at = e.text.find("# HELP ", at)) != std::string::npos; ++at)
            ++helps;
        for (std::size_t at = 0; (at = e.text.find("# TYPE ", at)) != std::string::npos; ++at)
            ++types;
        QCOMPARE(helps, std::size(families));
        QCOMPARE(types, std::size(families));
    }

    void taskSeriesCarryTheirLabelsAndValues()
    {
        const Exposition e = render({sourceTask(0), sourceTask(2)}, {}, makeService(-1));
        QVERIFY(e.parsed);
        const LabelMap labels = taskLabels("source", 2);
        QCOMPARE(e.value("kappa_consumer_lag_records", labels), 500.0);
        QCOMPARE(e.value("kappa_consumer_lag_seconds", labels), 3.25);
        QCOMPARE(e.value("kappa_events_skipped_total", labels), 7.0);
        QCOMPARE(e.value("kappa_late_events_dropped_total", labels), 3.0);
        QCOMPARE(e.value("kappa_input_rate_events_per_second", labels), 250.5);
        QCOMPARE(e.value("kappa_processing_rate_events_per_second", labels), 240.25);
        QCOMPARE(e.value("kappa_watermark_seconds", labels), double(kNowMs - 1'500) / 1000.0);
        QCOMPARE(e.value("kappa_caught_up", labels), 0.0);
        QCOMPARE(e.value("kappa_checkpoints_total", labels), 0.0);
        // A counter is written with all its digits, not as 1.23457e+10.
        QVERIFY(e.text.find("kappa_events_processed_total{pipeline=\"fraud\",version=\"v1\",stage=\"source\","
                            "partition=\"2\"} 12345678901\n")
                != std::string::npos);
        // `pipeline`, never `job`, which Prometheus reserves for the scrape target.
        for (const Sample &s : e.samples)
            QVERIFY2(!s.labels.count("job"), s.name.c_str());
        QCOMPARE(e.find("kappa_consumer_lag_records", {}).size(), std::size_t(2));
    }

    void seriesWithoutAValueAreLeftOut()
    {
        ExportedTask fresh = sourceTask(0);
        fresh.metrics.watermarkMs = 0; // no event yet: not 1970
        const Exposition e = render({fresh}, {}, makeService(-1));
        QVERIFY(e.parsed);
        QVERIFY(e.find("kappa_watermark_seconds", {}).empty());
        QVERIFY(e.text.find("kappa_watermark_seconds") == std::string::npos);
        // No checkpoint yet: no duration gauges.
        QVERIFY(e.text.find("kappa_checkpoint_last_duration_seconds") == std::string::npos);
        QVERIFY(e.text.find("kappa_checkpoint_duration_p99_seconds") == std::string::npos);
        // No demo producer.
        QVERIFY(e.text.find("kappa_demo_rate_events_per_second") == std::string::npos);
        QVERIFY(e.text.find("kappa_state_size_bytes") == std::string::npos);
    }

    void checkpointsInSeconds()
    {
        const Exposition e = render({viewTask(1)}, {}, makeService(-1));
        QVERIFY(e.parsed);
        const LabelMap labels = taskLabels("by-card", 1);
        QCOMPARE(e.value("kappa_checkpoints_total", labels), 2.0);
        QCOMPARE(e.value("kappa_checkpoint_last_duration_seconds", labels), 0.08);
        QCOMPARE(e.value("kappa_checkpoint_duration_p99_seconds", labels), 0.12);
        // The histogram of every checkpoint: 80 ms and 120 ms.
        QCOMPARE(e.value("kappa_checkpoint_duration_seconds_count", labels), 2.0);
        QVERIFY(std::abs(e.value("kappa_checkpoint_duration_seconds_sum", labels) - 0.2) < 1e-9);
        LabelMap le = labels;
        le["le"] = "0.1";
        QCOMPARE(e.value("kappa_checkpoint_duration_seconds_bucket", le), 1.0);
        le["le"] = "0.25";
        QCOMPARE(e.value("kappa_checkpoint_duration_seconds_bucket", le), 2.0);
        QCOMPARE(e.value("kappa_caught_up", labels), 1.0);
        QCOMPARE(e.value("kappa_events_processed_total", labels), 100.0);
    }

    void latencyHistogramIsCumulativeInSeconds()
    {
        const Exposition e = render({viewTask(1)}, {}, makeService(-1));
        QVERIFY(e.parsed);
        const LabelMap labels = taskLabels("by-card", 1);
        const std::vector<const Sample *> buckets = e.find("kappa_end_to_end_latency_seconds_bucket", labels);
        QCOMPARE(buckets.size(), std::size(metrics::kDefaultPrometheusBoundsMicros) + 1);

        std::map<double, double> byBound;
        double previousBound = -1, previousCount = -1;
        for (const Sample *b : buckets) {
            QVERIFY(b->labels.count("le"));
            const double bound = parseNumber(b->labels.at("le"));
            QVERIFY(bound > previousBound);
            QVERIFY(b->value >= previousCount);
            previousBound = bound;
            previousCount = b->value;
            byBound[bound] = b->value;
        }
        QCOMPARE(buckets.back()->labels.at("le"), std::string("+Inf"));
        QCOMPARE(buckets.back()->value, e.value("kappa_end_to_end_latency_seconds_count", labels));
        QCOMPARE(e.value("kappa_end_to_end_latency_seconds_count", labels), 6.0);

        QCOMPARE(byBound.at(0.001), 0.0);
        QCOMPARE(byBound.at(0.0025), 3.0);
        QCOMPARE(byBound.at(0.025), 3.0);
        QCOMPARE(byBound.at(0.05), 5.0);
        QCOMPARE(byBound.at(1.0), 5.0);
        QCOMPARE(byBound.at(2.5), 6.0);
        QCOMPARE(byBound.at(60.0), 6.0);
        // 3 x 2 ms + 2 x 40 ms + 2 s.
        QVERIFY(std::abs(e.value("kappa_end_to_end_latency_seconds_sum", labels) - 2.086) < 1e-9);
    }

    void emptyLatencyHistogramIsAllZero()
    {
        const Exposition e = render({sourceTask(0)}, {}, makeService(-1));
        const LabelMap labels = taskLabels("source", 0);
        const std::vector<const Sample *> buckets = e.find("kappa_end_to_end_latency_seconds_bucket", labels);
        QCOMPARE(buckets.size(), std::size(metrics::kDefaultPrometheusBoundsMicros) + 1);
        for (const Sample *b : buckets)
            QCOMPARE(b->value, 0.0);
        QCOMPARE(e.value("kappa_end_to_end_latency_seconds_count", labels), 0.0);
        QCOMPARE(e.value("kappa_end_to_end_latency_seconds_sum", labels), 0.0);
    }

    void jobAndServiceSeries()
    {
        const Exposition e = render({}, {job("v1", "live", true), job("v2", "replaying", false)},
                                    makeService(12.5));
        QVERIFY(e.parsed);
        QCOMPARE(e.value("kappa_job_live", {{"pipeline", "fraud"}, {"version", "v1"}, {"state", "live"}}),
                 1.0);
        QCOMPARE(e.value("kappa_job_live", {{"pipeline", "fraud"}, {"version", "v2"}, {"state", "replaying"}}),
                 0.0);
        QCOMPARE(e.value("kappa_state_size_bytes", {{"pipeline", "fraud"}, {"version", "v2"}}), 4096.0);
        QCOMPARE(e.value("kappa_state_keys", {{"pipeline", "fraud"}, {"version", "v1"}}), 17.0);
        QCOMPARE(e.value("kappa_uptime_seconds"), 123.5);
        QCOMPARE(e.value("kappa_http_requests_total"), 42.0);
        QCOMPARE(e.value("kappa_demo_rate_events_per_second"), 12.5);
        QVERIFY(e.text.find("kappa_consumer_lag_records") == std::string::npos);

        // A demo producer set to 0 is still a demo producer.
        QCOMPARE(render({}, {}, makeService(0)).value("kappa_demo_rate_events_per_second"), 0.0);
    }

    void labelValuesAreEscaped()
    {
        ExportedTask task = sourceTask(0);
        task.job = kAwkwardName;
        task.stage = "by-\"stage\"";
        ExportedJob j = job("v1", "live\\now", true);
        j.job = kAwkwardName;
        const Exposition e = render({task}, {j}, makeService(-1));
        QVERIFY(e.parsed);
        QVERIFY(e.text.find("pipeline=\"fr\\\"au\\\\d\\nx\"") != std::string::npos);
        QVERIFY(e.text.find("stage=\"by-\\\"stage\\\"\"") != std::string::npos);
        QVERIFY(e.text.find("state=\"live\\\\now\"") != std::string::npos);
        // The raw newline never reaches the text: each sample stays on one line.
        QCOMPARE(e.value("kappa_consumer_lag_records",
                         {{"pipeline", kAwkwardName}, {"stage", "by-\"stage\""}}),
                 500.0);
        QCOMPARE(e.value("kappa_job_live", {{"pipeline", kAwkwardName}, {"state", "live\\now"}}), 1.0);
    }

    void promtoolAcceptsTheExposition_data()
    {
        QTest::addColumn<std::vector<ExportedTask>>("tasks");
        QTest::addColumn<std::vector<ExportedJob>>("jobs");
        QTest::addColumn<ExportedService>("svc");

        QTest::newRow("typical") << std::vector<ExportedTask>{sourceTask(0), sourceTask(1), viewTask(0),
                                                              viewTask(1)}
                                 << std::vector<ExportedJob>{job("v1", "live", true),
                                                             job("v2", "replaying", false)}
                                 << makeService(50);
        QTest::newRow("service only")
            << std::vector<ExportedTask>{} << std::vector<ExportedJob>{} << makeService(-1);
        ExportedTask awkward = viewTask(0);
        awkward.job = kAwkwardName;
        ExportedJob awkwardJob = job("v1", "live", true);
        awkwardJob.job = kAwkwardName;
        QTest::newRow("escaped labels")
            << std::vector<ExportedTask>{awkward} << std::vector<ExportedJob>{awkwardJob} << makeService(-1);
    }

    void promtoolAcceptsTheExposition()
    {
        QFETCH(std::vector<ExportedTask>, tasks);
        QFETCH(std::vector<ExportedJob>, jobs);
        QFETCH(ExportedService, svc);
        QByteArray problems;
        checkWithPromtool(renderPrometheus(tasks, jobs, svc), &problems);
        if (QTest::currentTestFailed())
            return;
        QVERIFY2(problems.isEmpty(), problems.constData());
    }

    // The harness itself: a lint problem must be reported, or the test above proves nothing.
    void promtoolReportsProblems()
    {
        QByteArray problems;
        checkWithPromtool("# HELP kappa_things Things.\n# TYPE kappa_things counter\nkappa_things 1\n",
                          &problems);
        if (QTest::currentTestFailed())
            return;
        QVERIFY2(problems.contains("_total"), problems.constData());
    }

private:
    // Runs `promtool check metrics` over `text` (on stdin, from a temporary
    // file) and returns what it reported in `problems`: empty when it exited
    // 0 and printed nothing. Fails the test when promtool is missing or hangs.
    static void checkWithPromtool(const std::string &text, QByteArray *problems)
    {
        QString promtool = QStringLiteral("/usr/bin/promtool");
        if (!QFile::exists(promtool))
            promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
        if (promtool.isEmpty())
            QFAIL("promtool is not installed (Debian package `prometheus`); run packaging/install-deps.sh");

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = QString::fromStdString(tempPath(dir, "metrics.txt"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QCOMPARE(file.write(text.data(), qint64(text.size())), qint64(text.size()));
        }

        QProcess process;
        process.setStandardInputFile(path);
        process.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
        QVERIFY2(process.waitForFinished(30'000), "promtool did not finish");
        QVERIFY2(process.exitStatus() == QProcess::NormalExit, "promtool crashed");
        // promtool exits non-zero on parse errors and on lint problems, and prints them.
        *problems = (process.readAllStandardOutput() + process.readAllStandardError()).trimmed();
        if (process.exitCode() != 0 && problems->isEmpty())
            *problems = "promtool exited with " + QByteArray::number(process.exitCode());
    }
};

QTEST_APPLESS_MAIN(TestPrometheusExporter)
#include "test_prometheus_exporter.moc"
