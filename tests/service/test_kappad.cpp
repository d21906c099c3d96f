// kappad end to end: `kappad --demo` on an ephemeral loopback port, every
// endpoint over real HTTP (the dashboards' SLOs, latency histogram and state
// history included), tokens and roles, bad input of each kind, the SSE
// stream with reconnects, the Prometheus exposition (promtool), slow clients,
// and SIGTERM under load followed by a restart.
#include "kappactl_process.h"
#include "kappad_process.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using nlohmann::json;

namespace {

QString addToken(const QString &dataDir, const QString &name, const QString &role)
{
    const Run run = kappactl(dataDir, {"token", "add", name, "--role", role});
    return run.exitCode == 0 ? QString::fromUtf8(run.out).trimmed() : QString();
}

httplib::Headers bearer(const QString &token)
{
    return {{"Authorization", "Bearer " + token.toStdString()}};
}

QString readToken(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll().trimmed()) : QString();
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
}

// The body of an error response, checked for the fixed shape.
json errorBody(const httplib::Result &result, int status, const char *code)
{
    if (!result)
        return json();
    [&] {
        QCOMPARE(result->status, status);
        QCOMPARE(result->get_header_value("Content-Type"), std::string("application/json"));
    }();
    const json body = json::parse(result->body, nullptr, false);
    [&] {
        QVERIFY2(body.is_object() && body.contains("code") && body.contains("message"), result->body.c_str());
        QCOMPARE(body["code"].get<std::string>(), std::string(code));
        QVERIFY(!body["message"].get<std::string>().empty());
    }();
    return body;
}

// Polls `probe` every 100 ms until it is true or `timeout` passes.
template<typename Probe>
bool eventually(Probe probe, std::chrono::milliseconds timeout = std::chrono::seconds(60))
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (probe())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

// A user id with a features row, found by probing small ids.
std::int64_t someUser(httplib::Client &client)
{
    std::int64_t found = -1;
    eventually([&] {
        for (std::int64_t id = 1; id <= 500 && found < 0; ++id)
            if (httplib::Result r = client.Get("/api/v1/views/features/" + std::to_string(id));
                r && r->status == 200)
                found = id;
        return found >= 0;
    });
    return found;
}

// The jobs' lag, summed: 0 when every task has caught up with the log.
std::int64_t totalLag(httplib::Client &client, const httplib::Headers &headers)
{
    httplib::Result r = client.Get("/api/v1/jobs", headers);
    if (!r || r->status != 200)
        return -1;
    std::int64_t lag = 0;
    const json jobs = json::parse(r->body); // named: a range over a temporary's member would dangle
    for (const json &job : jobs["jobs"])
        for (const json &version : job["versions"])
            if (version["running"].get<bool>())
                lag += version["figures"]["lag_records"].get<std::int64_t>();
    return lag;
}

QByteArray dumpViews(const QString &dataDir)
{
    QByteArray all;
    for (const char *job : {"user_features", "fraud", "business_metrics"}) {
        const Run dump = kappactl(dataDir, {"views", "dump", job, "--format", "jsonl"});
        if (dump.exitCode != 0)
            return "dump of " + QByteArray(job) + " failed";
        all += dump.out;
    }
    return all;
}

// Sends `request` on a raw connection and returns everything the server answered until it closed.
QByteArray rawRequest(int port, const QByteArray &request)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QByteArray answer;
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0
        && ::write(fd, request.constData(), static_cast<std::size_t>(request.size())) == request.size()) {
        char buffer[4096];
        for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;)
            answer.append(buffer, static_cast<qsizetype>(n));
    }
    ::close(fd);
    return answer;
}

bool copyTree(const QString &from, const QString &to)
{
    return QProcess::execute("cp", {"-a", from, to}) == 0;
}

// A version's latency_histogram: log-spaced bounds ending in the overflow,
// per-bucket counts that sum to the count, and p50 and p99 in the buckets
// that hold their ranks (within a fine bucket, 1/128, above the bound).
void checkLatencyHistogram(const json &histogram)
{
    const json &buckets = histogram["buckets"];
    QCOMPARE(buckets.size(), std::size_t(25));
    QVERIFY(buckets.back()["le_ms"].is_null());
    QCOMPARE(buckets.front()["le_ms"].get<double>(), 0.1);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        if (i > 0 && i + 1 < buckets.size())
            QVERIFY(buckets[i]["le_ms"].get<double>() > buckets[i - 1]["le_ms"].get<double>());
        total += buckets[i]["count"].get<std::uint64_t>();
    }
    const std::uint64_t count = histogram["count"].get<std::uint64_t>();
    QCOMPARE(total, count);
    for (const auto &[name, q] : {std::pair{"p50", 0.50}, std::pair{"p99", 0.99}}) {
        // The nearest rank, as kappad computes it (q * count may carry a rounding error).
        const double exact = q * static_cast<double>(count);
        const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(
                                                         std::ceil(exact - exact * 1e-12)));
        std::uint64_t cumulative = 0;
        std::size_t holder = 0;
        while (cumulative + buckets[holder]["count"].get<std::uint64_t>() < rank)
            cumulative += buckets[holder++]["count"].get<std::uint64_t>();
        const double value = histogram[name].get<double>();
        const double lower = holder == 0 ? -1.0 : buckets[holder - 1]["le_ms"].get<double>();
        QVERIFY2(value > lower, histogram.dump().c_str());
        if (!buckets[holder]["le_ms"].is_null())
            QVERIFY2(value <= buckets[holder]["le_ms"].get<double>() * (1.0 + 1.0 / 128),
                     histogram.dump().c_str());
    }
}

} // namespace

class TestKappad : public QObject
{
    Q_OBJECT

private slots:
    void healthStatusAndJobs()
    {
        QTemporaryDir dir;
        KappadProcess kappad(dir.path() + "/demo", {"--demo"});
        QVERIFY2(kappad.started(), kappad.log().constData());
        auto client = kappad.client();
        for (const char *path : {"/healthz", "/readyz"}) {
            const httplib::Result r = client->Get(path);
            QVERIFY(r);
            QCOMPARE(r->status, 200);
        }
        const httplib::Result status = client->Get("/api/v1/status");
        QVERIFY(status);
        QCOMPARE(status->status, 200);
        const json s = json::parse(status->body);
        QCOMPARE(s["ready"].get<bool>(), true);
        QCOMPARE(s["health"].get<std::string>(), std::string("ok"));
        QCOMPARE(s["events_topic"]["partitions"].get<int>(), 8);
        QVERIFY(s["demo"]["rate"].get<double>() > 0);

        const json jobs = json::parse(client->Get("/api/v1/jobs")->body)["jobs"];
        QCOMPARE(jobs.size(), std::size_t(3));
        for (const json &job : jobs) {
            QCOMPARE(job["live_version"].get<std::string>(), std::string("v1"));
            QCOMPARE(job["versions"][0]["state"].get<std::string>(), std::string("live"));
            QCOMPARE(job["versions"][0]["running"].get<bool>(), true);
        }
        // The demo writes an operator and an approver token for local use.
        for (const char *file : {"/demo/demo-operator.token", "/demo/demo-approver.token"})
            QVERIFY(QFile::exists(dir.path() + file));
        QCOMPARE(kappad.stop(), 0);
        QVERIFY(kappad.log().contains("\"msg\":\"stopped\""));
    }

    // What the console's dashboards read besides the figures: each job's
    // configured SLOs, a version's latency histogram, and the history of its
    // state store's size.
    void slosLatencyHistogramAndStateHistory()
    {
        QTemporaryDir dir;
        const QString config = dir.path() + "/kappad.toml";
        writeFile(config, "checkpoint_interval_ms = 300\n[slo.latency_p99_ms]\nfraud = 250\n"
                          "[reprocessing.slo_seconds]\nbusiness_metrics = 30.5\n");
        KappadProcess kappad(dir.path() + "/demo", {"--demo", "--config", config});
        QVERIFY2(kappad.started(), kappad.log().constData());
        auto client = kappad.client();

        // The configured SLOs, and the defaults for the rest.
        const std::map<std::string, std::pair<double, double>> expectedSlos = {{"user_features", {2.0, 100.0}},
                                                                               {"fraud", {2.0, 250.0}},
                                                                               {"business_metrics",
                                                                                {30.5, 1000.0}}};
        const json jobs = json::parse(client->Get("/api/v1/jobs")->body)["jobs"];
        QCOMPARE(jobs.size(), expectedSlos.size());
        for (const json &job : jobs) {
            const auto &[lag, latency] = expectedSlos.at(job["job"].get<std::string>());
            QCOMPARE(job["slo"]["lag_seconds"].get<double>(), lag);
            QCOMPARE(job["slo"]["latency_p99_ms"].get<double>(), latency);
        }

        json histogram;
        QVERIFY(eventually([&] {
            const httplib::Result r = client->Get("/api/v1/jobs/fraud/versions/v1/metrics");
            histogram = r && r->status == 200 ? json::parse(r->body)["latency_histogram"] : json();
            return histogram.is_object() && histogram["count"].get<std::uint64_t>() > 100;
        }));
        checkLatencyHistogram(histogram);
        if (QTest::currentTestFailed())
            return;

        // The store row of user_features@v1 grows as checkpoints commit the demo's state.
        json rows;
        QVERIFY2(eventually([&] {
                     const httplib::Result r = client->Get(
                         "/api/v1/jobs/user_features/versions/v1/history?series=state_bytes");
                     rows = r && r->status == 200 ? json::parse(r->body)["tasks"] : json();
                     if (!rows.is_array() || rows.size() != 1 || rows[0]["samples"].size() < 2)
                         return false;
                     const json &samples = rows[0]["samples"];
                     return samples.back()[1].get<double>() > samples.front()[1].get<double>();
                 }),
                 rows.dump().c_str());
        QCOMPARE(rows[0]["task"].get<std::string>(), std::string("user_features@v1/state"));
        QCOMPARE(rows[0]["stage"].get<std::string>(), std::string("state"));
        QVERIFY(!rows[0].contains("partition"));
        const json keys = json::parse(
            client->Get("/api/v1/jobs/user_features/versions/v1/history?series=state_keys")->body)["tasks"];
        QCOMPARE(keys.size(), std::size_t(1));
        QVERIFY(keys[0]["samples"].back()[1].get<double>() > 0);
        QCOMPARE(kappad.stop(), 0);
    }

    void viewsCarryFreshnessAndHonourMaxStaleness()
    {
        QTemporaryDir dir;
        KappadProcess kappad(dir.path() + "/demo", {"--demo", "--checkpoint-interval-ms", "500"});
        QVERIFY(kappad.started());
        auto client = kappad.client();
        const std::int64_t user = someUser(*client);
        QVERIFY(user > 0);
        const json features = json::parse(client->Get("/api/v1/views/features/" + std::to_string(user))->body);
        QCOMPARE(features["data"]["user_id"].get<std::int64_t>(), user);
        QCOMPARE(features["view"]["job"].get<std::string>(), std::string("user_features"));
        QCOMPARE(features["view"]["version"].get<std::string>(), std::string("v1"));
        QVERIFY(features["view"].contains("as_of_ms") && features["view"].contains("lag_seconds"));
        // An explicit version reads the same row; an unknown one is NotFound.
        const httplib::Result v1 = client->Get("/api/v1/views/features/" + std::to_string(user)
                                               + "?version=v1");
        QCOMPARE(v1->status, 200);
        errorBody(client->Get("/api/v1/views/features/" + std::to_string(user) + "?version=v9"), 404,
                  "NotFound");
        errorBody(client->Get("/api/v1/views/features/999999999"), 404, "NotFound");
        // Fresh enough for a generous bound; a negative bound is invalid.
        QCOMPARE(client->Get("/api/v1/views/features/" + std::to_string(user) + "?max_staleness_ms=600000")
                     ->status,
                 200);
        errorBody(client->Get("/api/v1/views/features/" + std::to_string(user) + "?max_staleness_ms=-1"), 400,
                  "InvalidArgument");

        // Metrics of the last minutes: rows with the documented fields.
        const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
        json metrics;
        QVERIFY(eventually([&] {
            metrics = json::parse(client
                                      ->Get("/api/v1/views/metrics?from_ms=" + std::to_string(now - 600'000)
                                            + "&to_ms=" + std::to_string(now + 600'000) + "&category=0")
                                      ->body);
            return !metrics["data"].empty();
        }));
        for (const char *field : {"window_start_ms", "category_id", "views", "cart_adds", "checkouts",
                                  "orders", "gmv_cents", "sessions", "purchasing_sessions"})
            QVERIFY2(metrics["data"][0].contains(field), field);
        QCOMPARE(metrics["view"]["job"].get<std::string>(), std::string("business_metrics"));
        errorBody(client->Get("/api/v1/views/metrics?from_ms=abc&to_ms=1"), 400, "InvalidArgument");
        errorBody(client->Get("/api/v1/views/metrics?to_ms=1"), 400, "InvalidArgument");
        errorBody(client->Get("/api/v1/views/metrics?from_ms=5&to_ms=1"), 400, "InvalidArgument");

        // Fraud: a card with a score in the checkpointed state (read beside the
        // running kappad) has one in the served cache too.
        std::int64_t card = -1;
        QVERIFY(eventually([&] {
            const QByteArray rows
                = kappactl(dir.path() + "/demo", {"views", "dump", "fraud", "--format", "jsonl"}).out;
            for (const QByteArray &line : rows.split('\n'))
                if (line.startsWith("{\"card_id\""))
                    card = json::parse(line.toStdString())["card_id"].get<std::int64_t>();
            return card >= 0;
        }));
        const json score = json::parse(client->Get("/api/v1/views/fraud/cards/" + std::to_string(card))->body);
        QCOMPARE(score["data"]["card_id"].get<std::int64_t>(), card);
        QVERIFY(score["data"]["score"].get<double>() >= 0 && score["data"]["score"].get<double>() <= 1);
        QCOMPARE(score["view"]["job"].get<std::string>(), std::string("fraud"));
        errorBody(client->Get("/api/v1/views/fraud/cards/-5"), 404, "NotFound");

        // Per-task metrics and their history.
        const json tasks = json::parse(client->Get("/api/v1/jobs/fraud/versions/v1/metrics")->body)["tasks"];
        QCOMPARE(tasks.size(), std::size_t(24)); // route, merchant and card stages x 8 partitions
        errorBody(client->Get("/api/v1/jobs/fraud/versions/v7/metrics"), 404, "NotFound");
        errorBody(client->Get("/api/v1/jobs/nojob/versions/v1/metrics"), 404, "NotFound");
        QVERIFY(eventually([&] {
            const json history = json::parse(
                client->Get("/api/v1/jobs/user_features/versions/v1/history?series=processing_rate")->body);
            return history["tasks"].size() == 8 && !history["tasks"][0]["samples"].empty();
        }));
        errorBody(client->Get("/api/v1/jobs/user_features/versions/v1/history?series=nope"), 400,
                  "InvalidArgument");
        QCOMPARE(kappad.stop(), 0);
    }

    void anonymousViewersOnlyDirectlyFromLoopback()
    {
        QTemporaryDir dir;
        KappadProcess kappad(dir.path() + "/demo", {"--demo"});
        QVERIFY(kappad.started());
        auto client = kappad.client();
        QCOMPARE(client->Get("/api/v1/status")->status, 200); // demo: anonymous viewer from loopback
        // Through a reverse proxy on this host every client looks local: no anonymous access then.
        errorBody(client->Get("/api/v1/status", {{"X-Forwarded-For", "203.0.113.7"}}), 401, "Unauthenticated");
        errorBody(client->Get("/api/v1/status", {{"Forwarded", "for=203.0.113.7"}}), 401, "Unauthenticated");
        // Operators always need their token.
        errorBody(client->Put("/api/v1/demo/rate", R"({"events_per_second": 10})", "application/json"), 401,
                  "Unauthenticated");
        QCOMPARE(kappad.stop(), 0);
    }

    void tokensAndRoles()
    {
        QTemporaryDir dir;
        const QString data = dir.path() + "/demo";
        const QString viewer = addToken(data, "alice", "viewer");
        const QString operatorToken = addToken(data, "bob", "operator");
        QVERIFY(!viewer.isEmpty() && !operatorToken.isEmpty());
        const QString config = dir.path() + "/kappad.toml";
        writeFile(config, "anonymous_loopback_viewer = false\n");
        KappadProcess kappad(data, {"--demo", "--config", config});
        QVERIFY2(kappad.started(), kappad.log().constData());
        auto client = kappad.client();

        QCOMPARE(client->Get("/healthz")->status, 200); // health checks need no token
        const httplib::Result anonymous = client->Get("/api/v1/status");
        errorBody(anonymous, 401, "Unauthenticated");
        QVERIFY(anonymous->get_header_value("WWW-Authenticate").find("Bearer") == 0);
        errorBody(client->Get("/metrics"), 401, "Unauthenticated");
        errorBody(client->Get("/api/v1/status", bearer("kappa_not-a-real-token")), 401, "Unauthenticated");
        errorBody(client->Get("/api/v1/status", {{"Authorization", "Basic Zm9vOmJhcg=="}}), 401,
                  "Unauthenticated");

        const json who = json::parse(client->Get("/api/v1/whoami", bearer(viewer))->body);
        QCOMPARE(who["name"].get<std::string>(), std::string("alice"));
        QCOMPARE(who["role"].get<std::string>(), std::string("viewer"));
        QCOMPARE(client->Get("/api/v1/status", bearer(viewer))->status, 200);
        QCOMPARE(client->Get("/metrics", bearer(viewer))->status, 200);

        // Changing the demo rate needs an operator.
        const std::string body = R"({"events_per_second": 1000})";
        errorBody(client->Put("/api/v1/demo/rate", bearer(viewer), body, "application/json"), 403,
                  "PermissionDenied");
        const httplib::Result changed = client->Put("/api/v1/demo/rate", bearer(operatorToken), body,
                                                    "application/json");
        QCOMPARE(changed->status, 200);
        QCOMPARE(json::parse(client->Get("/api/v1/demo", bearer(viewer))->body)["events_per_second"]
                     .get<double>(),
                 1000.0);

        // A revoked token stops working after SIGHUP; the others keep working.
        QCOMPARE(kappactl(data, {"token", "revoke", "alice"}).exitCode, 0);
        kappad.signal(SIGHUP);
        QVERIFY(eventually([&] { return client->Get("/api/v1/status", bearer(viewer))->status == 401; }));
        QCOMPARE(client->Get("/api/v1/status", bearer(operatorToken))->status, 200);
        // Tokens never reach the log.
        QVERIFY(!kappad.log().contains(viewer.toUtf8()));
        QVERIFY(!kappad.log().contains(operatorToken.toUtf8()));
        QCOMPARE(kappad.stop(), 0);
    }

    void badInputGetsDocumentedErrors()
    {
        QTemporaryDir dir;
        const QString data = dir.path() + "/demo";
        const QString config = dir.path() + "/kappad.toml";
        writeFile(config, "max_body_bytes = 1024\nread_timeout_ms = 500\n");
        KappadProcess kappad(data, {"--demo", "--config", config});
        QVERIFY(kappad.started());
        const QString operatorToken = readToken(data + "/demo-operator.token");
        auto client = kappad.client();
        errorBody(client->Get("/api/v1/nothing-here"), 404, "NotFound");
        const httplib::Result wrongMethod = client->Delete("/api/v1/status");
        errorBody(wrongMethod, 405, "MethodNotAllowed");
        QCOMPARE(wrongMethod->get_header_value("Allow"), std::string("GET"));
        errorBody(client->Post("/api/v1/demo/rate", bearer(operatorToken), "{}", "application/json"), 405,
                  "MethodNotAllowed");
        errorBody(client->Put("/api/v1/demo/rate", bearer(operatorToken), "{not json", "application/json"),
                  400, "InvalidArgument");
        errorBody(client->Put("/api/v1/demo/rate", bearer(operatorToken), R"({"events_per_second": "fast"})",
                              "application/json"),
                  400, "InvalidArgument");
        errorBody(client->Put("/api/v1/demo/rate", bearer(operatorToken), R"({"events_per_second": -3})",
                              "application/json"),
                  400, "InvalidArgument");
        errorBody(client->Put("/api/v1/demo/rate", bearer(operatorToken), std::string(4096, 'x'),
                              "application/json"),
                  413, "PayloadTooLarge");

        // A slow client (half a request line, then silence) is disconnected
        // after the read timeout; the server keeps serving everyone else.
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(kappad.port()));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
        const char partial[] = "GET /api/v1/sta";
        QVERIFY(::write(fd, partial, sizeof partial - 1) > 0);
        const auto start = std::chrono::steady_clock::now();
        char buffer[256];
        const ssize_t read = ::read(fd, buffer, sizeof buffer); // 0: closed by the server
        const auto waited = std::chrono::steady_clock::now() - start;
        ::close(fd);
        QVERIFY(read <= 0);
        QVERIFY(waited < std::chrono::seconds(10));
        QCOMPARE(client->Get("/healthz")->status, 200);

        // A path that decodes to invalid UTF-8 gets a JSON 404, and the server lives on.
        const QByteArray answer = rawRequest(kappad.port(),
                                             "GET /%FF%FE HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 404"), answer.constData());
        QVERIFY(answer.contains("\"code\":\"NotFound\""));
        QCOMPARE(client->Get("/healthz")->status, 200);
        QCOMPARE(kappad.stop(), 0);
    }

    void streamSendsSnapshotsAndResumesAfterLastEventId()
    {
        QTemporaryDir dir;
        KappadProcess kappad(dir.path() + "/demo", {"--demo", "--stream-interval-ms", "200"});
        QVERIFY(kappad.started());
        const auto readEvents = [&](const httplib::Headers &headers, std::size_t count) {
            std::vector<std::pair<std::uint64_t, std::string>> events; // id, event type
            std::string buffer;
            auto client = kappad.client();
            client->Get("/api/v1/stream", headers, [&](const char *data, std::size_t length) {
                buffer.append(data, length);
                std::size_t end;
                while ((end = buffer.find("\n\n")) != std::string::npos) {
                    const std::string block = buffer.substr(0, end);
                    buffer.erase(0, end + 2);
                    std::uint64_t id = 0;
                    std::string type;
                    for (const QString &line : QString::fromStdString(block).split('\n')) {
                        if (line.startsWith("id: "))
                            id = line.mid(4).toULongLong();
                        else if (line.startsWith("event: "))
                            type = line.mid(7).toStdString();
                        else if (line.startsWith("data: "))
                            [&] { QVERIFY(json::accept(line.mid(6).toStdString())); }();
                    }
                    if (id > 0)
                        events.push_back({id, type});
                }
                return events.size() < count; // false closes the stream
            });
            return events;
        };
        const auto first = readEvents({}, 3);
        QCOMPARE(first.size(), std::size_t(3));
        QVERIFY(first[0].first < first[1].first && first[1].first < first[2].first);
        bool sawMetrics = false;
        for (const auto &[id, type] : first)
            sawMetrics = sawMetrics || type == "metrics";
        QVERIFY(sawMetrics);
        // Reconnecting with Last-Event-ID continues right after it.
        const auto resumed = readEvents({{"Last-Event-ID", std::to_string(first[0].first)}}, 2);
        QCOMPARE(resumed.size(), std::size_t(2));
        QCOMPARE(resumed[0].first, first[0].first + 1);
        QCOMPARE(resumed[1].first, first[0].first + 2);
        // An id from before a restart (beyond the journal) starts afresh instead of waiting for it.
        const auto afresh = readEvents({{"Last-Event-ID", "999999999"}}, 1);
        QCOMPARE(afresh.size(), std::size_t(1));
        QVERIFY(afresh[0].first < 999999999);
        QCOMPARE(kappad.stop(), 0);
    }

    void prometheusExpositionPassesPromtool()
    {
        QTemporaryDir dir;
        KappadProcess kappad(dir.path() + "/demo", {"--demo"});
        QVERIFY(kappad.started());
        auto client = kappad.client();
        QVERIFY(someUser(*client) > 0);
        const httplib::Result metrics = client->Get("/metrics");
        QCOMPARE(metrics->status, 200);
        QVERIFY(metrics->get_header_value("Content-Type").find("text/plain") == 0);
        for (const char *family :
             {"kappa_consumer_lag_records", "kappa_consumer_lag_seconds",
              "kappa_checkpoint_duration_seconds_bucket", "kappa_end_to_end_latency_seconds_bucket",
              "kappa_state_size_bytes", "kappa_events_processed_total"})
            QVERIFY2(metrics->body.find(family) != std::string::npos, family);
        QVERIFY2(QFile::exists("/usr/bin/promtool"), "promtool is missing: run packaging/install-deps.sh");
        QProcess promtool;
        promtool.start("/usr/bin/promtool", {"check", "metrics"});
        QVERIFY(promtool.waitForStarted());
        promtool.write(QByteArray::fromStdString(metrics->body));
        promtool.closeWriteChannel();
        QVERIFY(promtool.waitForFinished(60'000));
        const QByteArray problems = promtool.readAllStandardOutput() + promtool.readAllStandardError();
        QVERIFY2(promtool.exitCode() == 0 && problems.trimmed().isEmpty(), problems.constData());
        QCOMPARE(kappad.stop(), 0);
    }

    // SIGTERM while the demo appends at a high rate, then a restart without the
    // producer: the views equal those of a clean offline run over the same log.
    void sigtermUnderLoadLosesNothing()
    {
        QTemporaryDir dir;
        const QString data = dir.path() + "/demo";
        {
            KappadProcess kappad(data, {"--demo", "--demo-rate", "100000", "--checkpoint-interval-ms", "700"});
            QVERIFY(kappad.started());
            auto client = kappad.client();
            QVERIFY(someUser(*client) > 0);
            std::this_thread::sleep_for(std::chrono::seconds(3));
            QCOMPARE(kappad.stop(SIGTERM), 0);
        }
        {
            // The log is complete now: catch up on whatever the stop left, then
            // stop again. Without --demo every endpoint needs a token.
            KappadProcess kappad(data, {});
            QVERIFY2(kappad.started(), kappad.log().constData());
            auto client = kappad.client();
            const httplib::Headers token = bearer(readToken(data + "/demo-operator.token"));
            QVERIFY(eventually([&] { return totalLag(*client, token) == 0; }));
            QCOMPARE(kappad.stop(SIGTERM), 0);
        }
        // A bounded run on top releases what fraud's exchange holds back while
        // a source partition waits for input (the README's documented cost of
        // deterministic rekeying); it resumes from kappad's checkpoints.
        QCOMPARE(kappactl(data, {"run", "--until-caught-up"}).exitCode, 0);
        const QByteArray served = dumpViews(data);
        QVERIFY(served.count('\n') > 1000);

        // A clean run: the same log and catalog, no state or views.
        const QString clean = dir.path() + "/clean";
        QVERIFY(QDir().mkpath(clean));
        QVERIFY(copyTree(data + "/log", clean + "/log"));
        QVERIFY(copyTree(data + "/catalog.db", clean + "/catalog.db"));
        QCOMPARE(kappactl(clean, {"run", "--until-caught-up"}).exitCode, 0);
        const QByteArray rebuilt = dumpViews(clean);
        for (const char *job : {"user_features", "fraud", "business_metrics"}) {
            const QByteArray servedRows = kappactl(data, {"views", "dump", job, "--format", "jsonl"}).out;
            const QByteArray rebuiltRows = kappactl(clean, {"views", "dump", job, "--format", "jsonl"}).out;
            QVERIFY2(servedRows.count('\n') == rebuiltRows.count('\n'), job);
            QVERIFY2(servedRows == rebuiltRows, job);
        }
        QVERIFY(served == rebuilt);
    }

    void servesHttpsWithTheGivenCertificate()
    {
        QTemporaryDir dir;
        const QString cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
        QCOMPARE(QProcess::execute("openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                                               key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                                               "-addext", "subjectAltName=IP:127.0.0.1"}),
                 0);
        KappadProcess kappad(dir.path() + "/demo", {"--demo", "--tls-cert", cert, "--tls-key", key});
        QVERIFY2(kappad.started(), kappad.log().constData());
        QVERIFY(kappad.log().contains("https://127.0.0.1:"));
        httplib::SSLClient tls("127.0.0.1", kappad.port());
        tls.set_ca_cert_path(cert.toStdString().c_str());
        tls.enable_server_certificate_verification(true);
        const httplib::Result status = tls.Get("/api/v1/status");
        QVERIFY2(status, httplib::to_string(status.error()).c_str());
        QCOMPARE(status->status, 200);
        // Plain HTTP on the TLS port gets no answer.
        const httplib::Result plain = kappad.client()->Get("/healthz");
        QVERIFY(!plain || plain->status != 200);
        QCOMPARE(kappad.stop(), 0);

        // A key that does not exist: InvalidArgument naming the files, exit 2.
        QProcess missing;
        missing.start(KAPPAD_PATH, {"--demo", "--data-dir", dir.path() + "/other", "--listen", "127.0.0.1:0",
                                    "--tls-cert", cert, "--tls-key", dir.path() + "/nokey.pem"});
        QVERIFY(missing.waitForFinished(30'000));
        QCOMPARE(missing.exitCode(), 2);
        QVERIFY(missing.readAllStandardError().contains("TLS"));
    }

    void startupErrorsExitWithTheirCodes()
    {
        QTemporaryDir dir;
        // No event log and no --demo: NotFound, exit 3.
        QProcess missing;
        missing.start(KAPPAD_PATH, {"--data-dir", dir.path() + "/nothing", "--listen", "127.0.0.1:0"});
        QVERIFY(missing.waitForFinished(30'000));
        QCOMPARE(missing.exitCode(), 3);
        // A config file with an unknown key: InvalidArgument, exit 2, naming the key.
        const QString config = dir.path() + "/bad.toml";
        writeFile(config, "listen = \"127.0.0.1:0\"\nlisten_port = 5\n");
        QProcess bad;
        bad.start(KAPPAD_PATH, {"--demo", "--data-dir", dir.path() + "/d", "--config", config});
        QVERIFY(bad.waitForFinished(30'000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY(bad.readAllStandardError().contains("listen_port"));
        // The address is taken by another kappad: Unavailable, exit 7.
        KappadProcess first(dir.path() + "/a", {"--demo"});
        QVERIFY(first.started());
        QProcess second;
        second.start(KAPPAD_PATH, {"--demo", "--data-dir", dir.path() + "/b", "--listen",
                                   "127.0.0.1:" + QString::number(first.port())});
        QVERIFY(second.waitForFinished(30'000));
        QCOMPARE(second.exitCode(), 7);
        QCOMPARE(first.stop(), 0);
    }
};

QTEST_APPLESS_MAIN(TestKappad)
#include "test_kappad.moc"
