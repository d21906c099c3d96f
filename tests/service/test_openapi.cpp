// The committed OpenAPI document (resources/api/openapi.json) and kappad agree:
// - the document is sane OpenAPI 3.0 (every $ref resolves, every path
//   parameter is declared, schemas use only what the validator below checks);
// - its (path, method) set, path parameter patterns, query parameters and
//   roles equal those of the add(...) calls in http_routes.cpp and
//   http_stream.cpp, and its error code table equals api_error.cpp's;
// - a real `kappad --demo` answers every operation, and a set of provoked
//   errors, with a status the operation documents and a body that matches the
//   documented schema (a small JSON Schema validator, OpenAPI 3.0 dialect).
#include "kappad_process.h"
#include "openapi_routes.h"
#include "openapi_schema.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using Json = nlohmann::json;
using namespace openapi_test;

namespace {

std::string readSource(const QString &relativePath)
{
    QFile file(qEnvironmentVariable("KAPPA_SOURCE_DIR") + QLatin1Char('/') + relativePath);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().toStdString();
}

QStringList sorted(const std::set<std::string> &items)
{
    QStringList out;
    for (const std::string &item : items)
        out << QString::fromStdString(item);
    return out;
}

const Json kNoParameters = Json::array();
const Json kNoContent = Json::object();
const std::set<std::string> kHttpMethods = {"get",   "put",  "post",    "delete",
                                            "patch", "head", "options", "trace"};

std::string upper(std::string text)
{
    for (char &c : text)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

std::string lower(std::string text)
{
    for (char &c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

class TestOpenApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void documentIsSane();
    void errorCodesMatchServer();
    void routesMatchServer();
    void operationsAnswerAsDocumented_data();
    void operationsAnswerAsDocumented();
    void staleViewsAnswerAsDocumented();
    void streamEventsMatchDocument();
    void everyOperationWasExercised();
    void cleanupTestCase();

private:
    // The operation of "GET /api/v1/status"; null if the document has none.
    const Json *operation(const QString &key) const;
    // Checks one answer of `key` (empty: a path outside the document) against the document.
    void checkAnswer(const QString &key, const httplib::Response &response);
    httplib::Headers authHeaders(const QString &auth) const;
    bool waitForDemoData();

    Json m_doc;
    std::unique_ptr<SchemaValidator> m_validator;
    QTemporaryDir m_dir;
    QString m_dataDir;
    std::unique_ptr<KappadProcess> m_kappad;
    std::unique_ptr<httplib::Client> m_client;
    std::string m_operatorToken;
    std::string m_viewerToken;
    std::int64_t m_userId = 0;
    std::int64_t m_cardId = 0;
    std::map<std::string, std::string> m_liveVersions; // job -> live version
    std::set<QString> m_exercised;                     // operations answered with a 2xx
};

const Json *TestOpenApi::operation(const QString &key) const
{
    const QString method = key.section(QLatin1Char(' '), 0, 0).toLower();
    const std::string path = key.section(QLatin1Char(' '), 1).toStdString();
    if (!m_doc["paths"].contains(path) || !m_doc["paths"][path].contains(method.toStdString()))
        return nullptr;
    return &m_doc["paths"][path][method.toStdString()];
}

httplib::Headers TestOpenApi::authHeaders(const QString &auth) const
{
    if (auth == QLatin1String("operator"))
        return {{"Authorization", "Bearer " + m_operatorToken}};
    if (auth == QLatin1String("viewer"))
        return {{"Authorization", "Bearer " + m_viewerToken}};
    if (auth == QLatin1String("invalid"))
        return {{"Authorization", "Bearer not-a-token"}};
    return {};
}

void TestOpenApi::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("KAPPA_SOURCE_DIR").isEmpty(),
             "KAPPA_SOURCE_DIR is not set (run through CTest)");
    const std::string text = readSource(QStringLiteral("resources/api/openapi.json"));
    QVERIFY2(!text.empty(), "cannot read resources/api/openapi.json");
    try {
        m_doc = Json::parse(text);
    } catch (const Json::exception &e) {
        QFAIL(e.what());
    }
    m_validator = std::make_unique<SchemaValidator>(m_doc);

    QVERIFY(m_dir.isValid());
    m_dataDir = m_dir.path() + QStringLiteral("/data");
    const QString &dataDir = m_dataDir;
    QVERIFY(QDir().mkpath(dataDir));
    // A viewer token, made before kappad starts (kappad reads the token file at start).
    QProcess kappactl;
    kappactl.start(QStringLiteral(KAPPACTL_PATH),
                   {QStringLiteral("--data-dir"), dataDir, QStringLiteral("token"), QStringLiteral("add"),
                    QStringLiteral("openapi-viewer"), QStringLiteral("--role"), QStringLiteral("viewer")});
    QVERIFY(kappactl.waitForFinished(30'000));
    QVERIFY2(kappactl.exitCode() == 0, kappactl.readAllStandardError().constData());
    const QList<QByteArray> lines = kappactl.readAllStandardOutput().trimmed().split('\n');
    m_viewerToken = lines.last().trimmed().toStdString();
    QVERIFY(!m_viewerToken.empty());

    m_kappad = std::make_unique<KappadProcess>(dataDir, QStringList{QStringLiteral("--demo")});
    QVERIFY2(m_kappad->started(), m_kappad->log().constData());
    m_client = m_kappad->client();
    QFile operatorToken(dataDir + QStringLiteral("/demo-operator.token"));
    QVERIFY(operatorToken.open(QIODevice::ReadOnly));
    m_operatorToken = operatorToken.readAll().trimmed().toStdString();
    QVERIFY2(waitForDemoData(), "the demo produced no feature and card rows in time");
}

// Waits until the demo has rows to read: takes a purchase with a card from the
// log (kappactl log dump reads beside the running kappad) and waits until its
// user's features and its card's score are served.
bool TestOpenApi::waitForDemoData()
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(40);
    std::int64_t user = 0, card = 0;
    while (std::chrono::steady_clock::now() < deadline
           && (m_userId == 0 || m_cardId == 0 || m_liveVersions.size() < 3)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        if (card == 0) {
            QProcess dump;
            dump.start(QStringLiteral(KAPPACTL_PATH),
                       {QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("log"),
                        QStringLiteral("dump"), QStringLiteral("--partition"), QStringLiteral("0"),
                        QStringLiteral("--limit"), QStringLiteral("50000")});
            if (!dump.waitForFinished(30'000) || dump.exitCode() != 0)
                continue;
            for (const QByteArray &line : dump.readAllStandardOutput().split('\n')) {
                const Json event = Json::parse(line.toStdString(), nullptr, false);
                if (event.is_object() && event.value("type", "") == "purchase"
                    && event["card_id"].is_number()) {
                    user = event["user_id"].get<std::int64_t>();
                    card = event["card_id"].get<std::int64_t>();
                    break;
                }
            }
            continue;
        }
        const httplib::Result features = m_client->Get("/api/v1/views/features/" + std::to_string(user));
        const httplib::Result score = m_client->Get("/api/v1/views/fraud/cards/" + std::to_string(card));
        if (features && features->status == 200 && score && score->status == 200) {
            m_userId = user;
            m_cardId = card;
        }
        const httplib::Result jobs = m_client->Get("/api/v1/jobs");
        if (!jobs || jobs->status != 200)
            continue;
        const Json list = Json::parse(jobs->body); // named: a temporary's member would dangle in the loop
        for (const Json &job : list["jobs"])
            if (job["live_version"].is_string())
                m_liveVersions[job["job"].get<std::string>()] = job["live_version"].get<std::string>();
    }
    qInfo("user %lld, card %lld, live versions of %zu jobs", static_cast<long long>(m_userId),
          static_cast<long long>(m_cardId), m_liveVersions.size());
    return m_userId != 0 && m_cardId != 0 && m_liveVersions.size() == 3;
}

void TestOpenApi::documentIsSane()
{
    QVERIFY2(m_doc.value("openapi", "").rfind("3.", 0) == 0, "openapi must be 3.x");
    QVERIFY(m_doc["info"]["title"].is_string());
    QVERIFY(m_doc["info"]["version"].is_string());
    QVERIFY(m_doc["paths"].is_object() && !m_doc["paths"].empty());
    QCOMPARE(m_doc["components"]["securitySchemes"]["bearer"]["type"], Json("http"));
    QCOMPARE(m_doc["components"]["securitySchemes"]["bearer"]["scheme"], Json("bearer"));
    QCOMPARE(m_doc["security"], Json::parse(R"([{"bearer": []}])"));

    std::vector<std::pair<std::string, std::string>> refs;
    collectRefs(m_doc, "", refs);
    QVERIFY(!refs.empty());
    for (const auto &[at, ref] : refs)
        QVERIFY2(resolveRef(m_doc, ref), qPrintable(QString::fromStdString(at + ": unresolved $ref " + ref)));

    // Every schema, wherever it sits, uses only keywords the validator checks.
    std::vector<std::pair<std::string, const Json *>> schemas;
    for (const auto &[name, schema] : m_doc["components"]["schemas"].items())
        collectSchemas(schema, "#/components/schemas/" + name, schemas);
    std::set<std::string> operationIds;
    for (const auto &[path, item] : m_doc["paths"].items()) {
        QVERIFY2(path.rfind('/', 0) == 0, path.c_str());
        for (const auto &[method, op] : item.items()) {
            const std::string where = upper(method) + " " + path;
            QVERIFY2(kHttpMethods.count(method), where.c_str());
            QVERIFY2(op["operationId"].is_string() && operationIds.insert(op["operationId"]).second,
                     where.c_str());
            const std::string role = op.value("x-kappa-role", "");
            QVERIFY2(std::set<std::string>({"none", "viewer", "operator", "approver", "admin"}).count(role),
                     (where + ": x-kappa-role").c_str());
            // Open operations say so; the others inherit the bearer requirement.
            QVERIFY2((role == "none") == (op.contains("security") && op["security"].empty()),
                     (where + ": security and x-kappa-role disagree").c_str());
            // Path parameters: exactly the template's names, required.
            std::vector<std::string> names;
            normalizedDocPath(path, names);
            std::set<std::string> declared;
            for (const Json &p : op.contains("parameters") ? op["parameters"] : kNoParameters) {
                const Json &param = deref(m_doc, p);
                QVERIFY2(param.contains("schema"), (where + ": parameter without schema").c_str());
                collectSchemas(param["schema"], where + " parameter " + param.value("name", ""), schemas);
                if (param["in"] == "path") {
                    QVERIFY2(param.value("required", false),
                             (where + ": path parameter not required").c_str());
                    declared.insert(param["name"].get<std::string>());
                }
            }
            QCOMPARE(sorted(declared), sorted(std::set<std::string>(names.begin(), names.end())));
            if (op.contains("requestBody"))
                for (const auto &[type, media] : op["requestBody"]["content"].items())
                    collectSchemas(media["schema"], where + " request " + type, schemas);
            QVERIFY2(op["responses"].is_object() && !op["responses"].empty(), where.c_str());
            for (const auto &[status, r] : op["responses"].items()) {
                const Json &response = deref(m_doc, r);
                QVERIFY2(response["description"].is_string(), (where + " " + status).c_str());
                QVERIFY2(status == "default" || (status.size() == 3 && status >= "100" && status <= "599"),
                         (where + ": response " + status).c_str());
                const Json &content = response.contains("content") ? response["content"] : kNoContent;
                for (const auto &[type, media] : content.items()) {
                    QVERIFY2(media.contains("schema"), (where + " " + status + " " + type).c_str());
                    collectSchemas(media["schema"], where + " " + status + " " + type, schemas);
                }
                // Errors have the one error shape.
                if (status == "default" || status >= "400") {
                    const Json &schema = response["content"]["application/json"]["schema"];
                    const bool isError = schema.value("$ref", "") == "#/components/schemas/Error"
                                         || (schema.contains("allOf")
                                             && schema["allOf"][0].value("$ref", "")
                                                    == "#/components/schemas/Error");
                    QVERIFY2(isError, (where + " " + status + ": not the Error schema").c_str());
                }
            }
        }
    }
    for (const auto &[at, schema] : schemas) {
        QVERIFY2(schema->is_object(), at.c_str());
        for (const auto &[keyword, value] : schema->items())
            QVERIFY2(SchemaValidator::kKeywords.count(keyword),
                     qPrintable(QString::fromStdString(at + ": keyword '" + keyword
                                                       + "' is not checked by this test")));
        if (schema->contains("type"))
            QVERIFY2(std::set<std::string>({"integer", "number", "string", "boolean", "object", "array"})
                         .count((*schema)["type"].get<std::string>()),
                     at.c_str());
        if (schema->contains("pattern"))
            std::regex((*schema)["pattern"].get<std::string>()); // throws if malformed
    }
}

void TestOpenApi::errorCodesMatchServer()
{
    const std::string source = readSource(QStringLiteral("engine/src/service/api_error.cpp"));
    QVERIFY(!source.empty());
    static const std::regex kCode("\\{\"(\\w+)\", (\\d{3})\\}");
    std::set<std::string> server;
    for (auto it = std::sregex_iterator(source.begin(), source.end(), kCode); it != std::sregex_iterator();
         ++it)
        server.insert((*it)[1].str() + " " + (*it)[2].str());
    QVERIFY(server.size() >= 10);

    std::set<std::string> documented;
    std::map<std::string, int> statusOf;
    std::set<std::string> enumCodes;
    for (const Json &code : m_doc["components"]["schemas"]["Error"]["properties"]["code"]["enum"])
        enumCodes.insert(code.get<std::string>());
    for (const Json &entry : m_doc["x-kappa-error-codes"]) {
        const std::string code = entry["code"].get<std::string>();
        documented.insert(code + " " + std::to_string(entry["status"].get<int>()));
        statusOf[code] = entry["status"].get<int>();
    }
    QCOMPARE(sorted(documented), sorted(server));
    std::set<std::string> tableCodes;
    for (const auto &[code, status] : statusOf)
        tableCodes.insert(code);
    QCOMPARE(sorted(enumCodes), sorted(tableCodes));

    // The table's "operations" and the operations' error responses say the same.
    std::map<std::string, std::pair<std::string, const Json *>> byId; // operationId -> (key, operation)
    for (const auto &[path, item] : m_doc["paths"].items())
        for (const auto &[method, op] : item.items())
            byId[op["operationId"]] = {upper(method) + " " + path, &op};
    for (const Json &entry : m_doc["x-kappa-error-codes"]) {
        const std::string code = entry["code"].get<std::string>();
        for (const Json &id : entry["operations"]) {
            QVERIFY2(byId.count(id), (code + ": unknown operation " + id.dump()).c_str());
            const Json &op = *byId[id].second;
            const std::string status = std::to_string(statusOf[code]);
            QVERIFY2(op["responses"].contains(status),
                     (byId[id].first + " does not document " + status + " for " + code).c_str());
            const Json &schema = deref(m_doc,
                                       op["responses"][status])["content"]["application/json"]["schema"];
            QVERIFY2(schema.dump().find("\"" + code + "\"") != std::string::npos,
                     (byId[id].first + " " + status + " does not name " + code).c_str());
        }
    }
    for (const auto &[id, entry] : byId) {
        for (const auto &[status, r] : (*entry.second)["responses"].items()) {
            if (status == "default" || status < "400")
                continue;
            const Json &schema = deref(m_doc, r)["content"]["application/json"]["schema"];
            QVERIFY2(schema.contains("allOf"), (entry.first + " " + status + ": name its codes").c_str());
            for (const Json &code : schema["allOf"][1]["properties"]["code"]["enum"]) {
                QVERIFY2(statusOf.count(code) && std::to_string(statusOf[code]) == status,
                         (entry.first + " " + status + ": " + code.dump() + " has another status").c_str());
                bool listed = false;
                for (const Json &e : m_doc["x-kappa-error-codes"])
                    if (e["code"] == code)
                        for (const Json &other : e["operations"])
                            listed = listed || other == id;
                QVERIFY2(listed, (entry.first + ": x-kappa-error-codes." + code.get<std::string>()
                                  + " does not list " + id)
                                     .c_str());
            }
        }
    }
}

void TestOpenApi::routesMatchServer()
{
    std::vector<ServerRoute> routes;
    for (const char *file : {"engine/src/service/http_routes.cpp", "engine/src/service/http_stream.cpp"}) {
        const std::string source = readSource(QString::fromLatin1(file));
        QVERIFY2(!source.empty(), file);
        for (ServerRoute &route : routesIn(source))
            routes.push_back(std::move(route));
    }
    QVERIFY(routes.size() >= 10);

    std::set<std::string> server, documented;
    std::map<std::string, const ServerRoute *> byKey;
    for (const ServerRoute &route : routes) {
        server.insert(route.method + " " + route.path);
        byKey[route.method + " " + route.path] = &route;
    }
    for (const auto &[path, item] : m_doc["paths"].items()) {
        for (const auto &[method, op] : item.items()) {
            std::vector<std::string> names;
            const std::string key = upper(method) + " " + normalizedDocPath(path, names);
            documented.insert(key);
            if (!byKey.count(key))
                continue; // reported by the comparison below
            const ServerRoute &route = *byKey[key];
            const std::string where = upper(method) + " " + path;
            QVERIFY2(op["x-kappa-role"] == route.role, (where + ": the server needs role " + route.role
                                                        + ", the document says " + op["x-kappa-role"].dump())
                                                           .c_str());
            std::map<std::string, const Json *> pathParams;
            std::set<std::string> docQuery, serverQuery;
            for (const Json &p : op.contains("parameters") ? op["parameters"] : kNoParameters) {
                const Json &param = deref(m_doc, p);
                if (param["in"] == "path")
                    pathParams[param["name"].get<std::string>()] = &param;
                if (param["in"] != "query")
                    continue;
                docQuery.insert(param["name"].get<std::string>() + ":"
                                + param["schema"]["type"].get<std::string>());
            }
            for (const auto &[name, type] : route.query)
                serverQuery.insert(name + ":" + type);
            QCOMPARE(sorted(docQuery), sorted(serverQuery));
            // The i-th regex group is the i-th {name}: the same pattern, or an integer.
            QCOMPARE(route.groups.size(), names.size());
            for (std::size_t i = 0; i < names.size(); ++i) {
                QVERIFY2(pathParams.count(names[i]), (where + ": " + names[i] + " is not declared").c_str());
                const Json &schema = (*pathParams[names[i]])["schema"];
                if (schema["type"] == "integer") {
                    QVERIFY2(route.groups[i] == "-?[0-9]+",
                             (where + ": " + names[i] + " is no integer").c_str());
                    QVERIFY2(std::find(route.integerNames.begin(), route.integerNames.end(), names[i])
                                 != route.integerNames.end(),
                             (where + ": the server calls the parameter otherwise").c_str());
                } else {
                    QCOMPARE(QString::fromStdString(schema.value("pattern", "")),
                             QString::fromStdString("^" + route.groups[i] + "$"));
                }
            }
        }
    }
    QCOMPARE(sorted(documented), sorted(server));
}

void TestOpenApi::checkAnswer(const QString &key, const httplib::Response &response)
{
    const std::string contentType = response.get_header_value("Content-Type");
    const std::string where = key.toStdString() + " -> " + std::to_string(response.status);
    const Json *op = key.isEmpty() ? nullptr : operation(key);
    QVERIFY2(key.isEmpty() || op, (key.toStdString() + " is not in the document").c_str());
    const Json *documented = nullptr;
    if (op) {
        const std::string status = std::to_string(response.status);
        QVERIFY2((*op)["responses"].contains(status),
                 (where + " is not documented for this operation; body: " + response.body).c_str());
        documented = &deref(m_doc, (*op)["responses"][status]);
    } else {
        documented = &deref(m_doc, m_doc["components"]["responses"]["AnyError"]);
    }
    const Json *media = nullptr;
    for (const auto &[type, m] : (*documented)["content"].items())
        if (contentType.rfind(type, 0) == 0)
            media = &m;
    QVERIFY2(media, (where + ": Content-Type " + contentType + " is not documented").c_str());
    if (contentType.rfind("application/json", 0) == 0) {
        Json body;
        try {
            body = Json::parse(response.body);
        } catch (const Json::exception &e) {
            QFAIL((where + ": not JSON: " + e.what()).c_str());
        }
        const std::vector<std::string> errors = m_validator->validate((*media)["schema"], body);
        std::string all;
        for (const std::string &error : errors)
            all += "\n  " + error;
        QVERIFY2(errors.empty(),
                 (where + " does not match its schema:" + all + "\nbody: " + response.body).c_str());
        if (response.status >= 400) {
            // The code's fixed status is the one answered.
            bool known = false;
            for (const Json &entry : m_doc["x-kappa-error-codes"])
                if (entry["code"] == body["code"]) {
                    known = true;
                    QCOMPARE(entry["status"].get<int>(), response.status);
                }
            QVERIFY2(known, body.dump().c_str());
        }
    }
    if (op && response.status >= 200 && response.status < 300)
        m_exercised.insert(key);
}

void TestOpenApi::operationsAnswerAsDocumented_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("operation"); // empty: a path the document does not have
    QTest::addColumn<QString>("auth");      // anonymous, viewer, operator, invalid
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");

    const QString user = QString::number(m_userId);
    const QString card = QString::number(m_cardId);
    const QString now = QString::number(nowMs());
    const QString features = QStringLiteral("GET /api/v1/views/features/{user_id}");
    const QString fraud = QStringLiteral("GET /api/v1/views/fraud/cards/{card_id}");
    const QString metrics = QStringLiteral("GET /api/v1/views/metrics");
    const QString versionMetrics = QStringLiteral("GET /api/v1/jobs/{job}/versions/{version}/metrics");
    const QString history = QStringLiteral("GET /api/v1/jobs/{job}/versions/{version}/history");
    const QString rate = QStringLiteral("PUT /api/v1/demo/rate");
    const QString anon = QStringLiteral("anonymous");
    const QString viewer = QStringLiteral("viewer");
    const QString op = QStringLiteral("operator");
    const auto row = [](const char *name, const QString &method, const QString &target,
                        const QString &operation, const QString &auth, const QByteArray &body, int status,
                        const char *code) {
        QTest::newRow(name) << method << target << operation << auth << body << status
                            << QString::fromLatin1(code);
    };
    const QString get = QStringLiteral("GET");
    const QString put = QStringLiteral("PUT");

    // Every operation with valid input.
    row("healthz", get, "/healthz", "GET /healthz", anon, {}, 200, "");
    row("readyz", get, "/readyz", "GET /readyz", anon, {}, 200, "");
    row("prometheus", get, "/metrics", "GET /metrics", anon, {}, 200, "");
    row("whoami anonymous", get, "/api/v1/whoami", "GET /api/v1/whoami", anon, {}, 200, "");
    row("whoami viewer", get, "/api/v1/whoami", "GET /api/v1/whoami", viewer, {}, 200, "");
    row("whoami operator", get, "/api/v1/whoami", "GET /api/v1/whoami", op, {}, 200, "");
    row("status", get, "/api/v1/status", "GET /api/v1/status", anon, {}, 200, "");
    row("jobs", get, "/api/v1/jobs", "GET /api/v1/jobs", viewer, {}, 200, "");
    for (const auto &[job, version] : m_liveVersions) {
        const QString base = QStringLiteral("/api/v1/jobs/%1/versions/%2/")
                                 .arg(QString::fromStdString(job), QString::fromStdString(version));
        QTest::newRow(("version metrics " + job).c_str())
            << get << base + "metrics" << versionMetrics << anon << QByteArray() << 200 << QString();
        QTest::newRow(("history " + job).c_str())
            << get << base + "history" << history << anon << QByteArray() << 200 << QString();
        QTest::newRow(("history latency " + job).c_str())
            << get << base + "history?series=latency_p99_ms&from_ms=0&to_ms=" + now << history << anon
            << QByteArray() << 200 << QString();
    }
    row("demo rate", get, "/api/v1/demo", "GET /api/v1/demo", anon, {}, 200, "");
    row("set demo rate", put, "/api/v1/demo/rate", rate, op, R"({"events_per_second": 20000})", 200, "");
    row("features", get, "/api/v1/views/features/" + user, features, anon, {}, 200, "");
    row("features of the live version", get,
        "/api/v1/views/features/" + user
            + "?version=" + QString::fromStdString(m_liveVersions["user_features"]),
        features, viewer, {}, 200, "");
    row("features, generous staleness", get, "/api/v1/views/features/" + user + "?max_staleness_ms=3600000",
        features, anon, {}, 200, "");
    row("fraud card", get, "/api/v1/views/fraud/cards/" + card, fraud, anon, {}, 200, "");
    row("business metrics", get, "/api/v1/views/metrics?from_ms=0&to_ms=" + now, metrics, anon, {}, 200, "");
    row("business metrics of a category", get, "/api/v1/views/metrics?category=1&from_ms=0&to_ms=" + now,
        metrics, anon, {}, 200, "");

    // 400 InvalidArgument.
    const QString history0 = QStringLiteral("/api/v1/jobs/user_features/versions/%1/history")
                                 .arg(QString::fromStdString(m_liveVersions["user_features"]));
    row("user id beyond int64", get, "/api/v1/views/features/99999999999999999999", features, anon, {}, 400,
        "InvalidArgument");
    row("card id beyond int64", get, "/api/v1/views/fraud/cards/-99999999999999999999", fraud, anon, {}, 400,
        "InvalidArgument");
    row("negative staleness", get, "/api/v1/views/features/" + user + "?max_staleness_ms=-1", features, anon,
        {}, 400, "InvalidArgument");
    row("staleness not an integer", get, "/api/v1/views/fraud/cards/" + card + "?max_staleness_ms=soon",
        fraud, anon, {}, 400, "InvalidArgument");
    row("metrics without to_ms", get, "/api/v1/views/metrics?from_ms=0", metrics, anon, {}, 400,
        "InvalidArgument");
    row("metrics from_ms not an integer", get, "/api/v1/views/metrics?from_ms=abc&to_ms=1", metrics, anon, {},
        400, "InvalidArgument");
    row("metrics empty range", get, "/api/v1/views/metrics?from_ms=5&to_ms=5", metrics, anon, {}, 400,
        "InvalidArgument");
    row("metrics negative category", get, "/api/v1/views/metrics?from_ms=0&to_ms=1&category=-1", metrics,
        anon, {}, 400, "InvalidArgument");
    row("history unknown series", get, history0 + "?series=nope", history, anon, {}, 400, "InvalidArgument");
    row("history reversed range", get, history0 + "?from_ms=10&to_ms=5", history, anon, {}, 400,
        "InvalidArgument");
    row("history to_ms not an integer", get, history0 + "?to_ms=1e3", history, anon, {}, 400,
        "InvalidArgument");
    row("rate body not JSON", put, "/api/v1/demo/rate", rate, op, "fast please", 400, "InvalidArgument");
    row("rate not a number", put, "/api/v1/demo/rate", rate, op, R"({"events_per_second": "fast"})", 400,
        "InvalidArgument");
    row("rate negative", put, "/api/v1/demo/rate", rate, op, R"({"events_per_second": -1})", 400,
        "InvalidArgument");
    row("rate too high", put, "/api/v1/demo/rate", rate, op, R"({"events_per_second": 1e9})", 400,
        "InvalidArgument");

    // 401 Unauthenticated, 403 PermissionDenied.
    row("rate without a token", put, "/api/v1/demo/rate", rate, anon, R"({"events_per_second": 1})", 401,
        "Unauthenticated");
    row("rate with a bad token", put, "/api/v1/demo/rate", rate, QStringLiteral("invalid"),
        R"({"events_per_second": 1})", 401, "Unauthenticated");
    row("status with a bad token", get, "/api/v1/status", "GET /api/v1/status", QStringLiteral("invalid"), {},
        401, "Unauthenticated");
    row("prometheus with a bad token", get, "/metrics", "GET /metrics", QStringLiteral("invalid"), {}, 401,
        "Unauthenticated");
    row("rate as a viewer", put, "/api/v1/demo/rate", rate, viewer, R"({"events_per_second": 1})", 403,
        "PermissionDenied");

    // 404 NotFound.
    row("unknown user", get, "/api/v1/views/features/-1", features, anon, {}, 404, "NotFound");
    row("unknown card", get, "/api/v1/views/fraud/cards/-1", fraud, anon, {}, 404, "NotFound");
    row("features of a version not running", get, "/api/v1/views/features/" + user + "?version=v999",
        features, anon, {}, 404, "NotFound");
    row("metrics of a version not running", get, "/api/v1/views/metrics?from_ms=0&to_ms=1&version=v999",
        metrics, anon, {}, 404, "NotFound");
    row("unknown job", get, "/api/v1/jobs/nope/versions/v1/metrics", versionMetrics, anon, {}, 404,
        "NotFound");
    row("history of a version not running", get, "/api/v1/jobs/fraud/versions/v999/history", history, anon,
        {}, 404, "NotFound");
    row("unknown path", get, "/api/v1/nope", "", anon, {}, 404, "NotFound");
    row("user id not a number", get, "/api/v1/views/features/abc", "", anon, {}, 404, "NotFound");

    // 405 MethodNotAllowed on documented paths; 413 PayloadTooLarge.
    row("DELETE status", QStringLiteral("DELETE"), "/api/v1/status", "", viewer, {}, 405, "MethodNotAllowed");
    row("POST healthz", QStringLiteral("POST"), "/healthz", "", anon, "{}", 405, "MethodNotAllowed");
    row("GET the rate setter", get, "/api/v1/demo/rate", "", anon, {}, 405, "MethodNotAllowed");
    row("PATCH features", QStringLiteral("PATCH"), "/api/v1/views/features/" + user, "", anon, "{}", 405,
        "MethodNotAllowed");
    row("oversized rate body", put, "/api/v1/demo/rate", rate, op,
        QByteArray(R"({"events_per_second": 1, "padding": ")") + QByteArray(70'000, 'x') + "\"}", 413,
        "PayloadTooLarge");
}

void TestOpenApi::operationsAnswerAsDocumented()
{
    QFETCH(QString, method);
    QFETCH(QString, target);
    QFETCH(QString, operation);
    QFETCH(QString, auth);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);

    const std::string path = target.toStdString();
    const httplib::Headers headers = authHeaders(auth);
    const std::string content = body.toStdString();
    const auto send = [&]() -> httplib::Result {
        if (method == QLatin1String("GET"))
            return m_client->Get(path, headers);
        if (method == QLatin1String("PUT"))
            return m_client->Put(path, headers, content, "application/json");
        if (method == QLatin1String("POST"))
            return m_client->Post(path, headers, content, "application/json");
        if (method == QLatin1String("PATCH"))
            return m_client->Patch(path, headers, content, "application/json");
        return m_client->Delete(path, headers);
    };
    const httplib::Result result = send();
    QVERIFY2(result, httplib::to_string(result.error()).c_str());
    QVERIFY2(result->status == status, (std::to_string(result->status) + ": " + result->body).c_str());
    checkAnswer(operation, *result);
    if (QTest::currentTestFailed())
        return;
    if (!code.isEmpty())
        QCOMPARE(QString::fromStdString(Json::parse(result->body).value("code", "")), code);

    if (status == 405) {
        // Allow names exactly the path's documented methods.
        std::string docPath = path;
        for (const auto &[p, item] : m_doc["paths"].items()) {
            std::vector<std::string> names;
            if (std::regex_match(path, std::regex(std::regex_replace(normalizedDocPath(p, names),
                                                                     std::regex(R"(\{\})"), "[^/]+"))))
                docPath = p;
        }
        QVERIFY2(m_doc["paths"].contains(docPath), path.c_str());
        QVERIFY(!m_doc["paths"][docPath].contains(lower(method.toStdString())));
        std::set<std::string> allowed, documented;
        for (const auto &[m, op] : m_doc["paths"][docPath].items())
            documented.insert(upper(m));
        const QStringList parts = QString::fromStdString(result->get_header_value("Allow"))
                                      .split(QStringLiteral(", "));
        for (const QString &part : parts)
            allowed.insert(part.toStdString());
        QCOMPARE(sorted(allowed), sorted(documented));
    }
    if (status == 401)
        QVERIFY(result->get_header_value("WWW-Authenticate").rfind("Bearer", 0) == 0);
    if (operation == QLatin1String("GET /api/v1/whoami") && auth == QLatin1String("viewer"))
        QCOMPARE(Json::parse(result->body)["role"], Json("viewer"));
}

// max_staleness_ms=0 answers 503 whenever the view lags at all, else the data:
// both are documented. Which one comes is not deterministic under the live demo.
void TestOpenApi::staleViewsAnswerAsDocumented()
{
    const std::vector<std::pair<QString, std::string>> reads = {
        {QStringLiteral("GET /api/v1/views/features/{user_id}"),
         "/api/v1/views/features/" + std::to_string(m_userId)},
        {QStringLiteral("GET /api/v1/views/fraud/cards/{card_id}"),
         "/api/v1/views/fraud/cards/" + std::to_string(m_cardId)},
        {QStringLiteral("GET /api/v1/views/metrics"), "/api/v1/views/metrics?from_ms=0&to_ms=1"},
    };
    int stale = 0;
    for (int attempt = 0; attempt < 20; ++attempt) {
        for (const auto &[key, target] : reads) {
            const std::string separator = target.find('?') == std::string::npos ? "?" : "&";
            const httplib::Result result = m_client->Get(target + separator + "max_staleness_ms=0");
            QVERIFY(result);
            QVERIFY2(result->status == 200 || result->status == 503, result->body.c_str());
            checkAnswer(key, *result);
            if (QTest::currentTestFailed())
                return;
            stale += result->status == 503 ? 1 : 0;
        }
    }
    qInfo("%d of %zu reads with max_staleness_ms=0 were stale (503)", stale, 20 * reads.size());
}

// The SSE stream: its framing, and each event's data against the schema its type names.
void TestOpenApi::streamEventsMatchDocument()
{
    const Json &op = m_doc["paths"]["/api/v1/stream"]["get"];
    const Json &events = op["responses"]["200"]["content"]["text/event-stream"]["x-kappa-sse-events"];
    QVERIFY(events.contains("metrics") && events.contains("lifecycle"));

    std::string text;
    std::string contentType;
    int status = 0;
    std::set<std::string> seenTypes;
    auto client = m_kappad->client();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    // From the start of the journal: the "started" lifecycle event, the rate
    // changes made above, and metrics snapshots.
    (void) client->Get(
        "/api/v1/stream", {{"Last-Event-ID", "0"}},
        [&](const httplib::Response &response) {
            status = response.status;
            contentType = response.get_header_value("Content-Type");
            return response.status == 200;
        },
        [&](const char *data, std::size_t length) {
            text.append(data, length);
            return !(text.find("event: metrics") != std::string::npos
                     && text.find("event: lifecycle") != std::string::npos
                     && text.rfind("\n\n") == text.size() - 2)
                   && std::chrono::steady_clock::now() < deadline;
        });
    QCOMPARE(status, 200);
    QVERIFY2(contentType.rfind("text/event-stream", 0) == 0, contentType.c_str());
    QVERIFY2(text.rfind("retry: ", 0) == 0, text.substr(0, 100).c_str());

    std::size_t start = 0;
    int checked = 0;
    while (true) {
        const std::size_t end = text.find("\n\n", start);
        if (end == std::string::npos)
            break;
        const std::string block = text.substr(start, end - start);
        start = end + 2;
        if (block.rfind("retry: ", 0) == 0 || block.rfind(":", 0) == 0)
            continue;
        static const std::regex kEvent("id: ([0-9]+)\nevent: ([a-z_]+)\ndata: ([^\n]*)");
        std::smatch m;
        QVERIFY2(std::regex_match(block, m, kEvent), block.c_str());
        const std::string type = m[2];
        QVERIFY2(events.contains(type), ("undocumented event type " + type).c_str());
        const std::vector<std::string> errors = m_validator->validate(events[type], Json::parse(m[3].str()));
        std::string all;
        for (const std::string &error : errors)
            all += "\n  " + error;
        QVERIFY2(errors.empty(),
                 (type + " event does not match its schema:" + all + "\n" + m[3].str()).c_str());
        seenTypes.insert(type);
        ++checked;
    }
    QVERIFY2(seenTypes.count("metrics") && seenTypes.count("lifecycle"), text.substr(0, 400).c_str());
    m_exercised.insert(QStringLiteral("GET /api/v1/stream"));
    qInfo("%d stream events checked", checked);
}

void TestOpenApi::everyOperationWasExercised()
{
    std::set<std::string> all, exercised;
    for (const auto &[path, item] : m_doc["paths"].items())
        for (const auto &[method, op] : item.items())
            all.insert(upper(method) + " " + path);
    for (const QString &key : m_exercised)
        exercised.insert(key.toStdString());
    QCOMPARE(sorted(exercised), sorted(all));
}

void TestOpenApi::cleanupTestCase()
{
    m_client.reset();
    if (m_kappad)
        QCOMPARE(m_kappad->stop(), 0);
}

QTEST_APPLESS_MAIN(TestOpenApi)
#include "test_openapi.moc"
