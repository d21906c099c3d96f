#include "service/http_routes.h"

#include "service/http_support.h"
#include "service/metrics_gather.h"
#include "service/peer_requests.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <limits>

namespace kappa::service {

namespace {

constexpr std::int64_t kDefaultHistoryMs = 15 * 60 * 1000;

std::optional<std::int64_t> integerParam(const httplib::Request &request, const char *name)
{
    if (!request.has_param(name))
        return std::nullopt;
    return parseInteger(name, request.get_param_value(name));
}

std::optional<std::string> stringParam(const httplib::Request &request, const char *name)
{
    if (!request.has_param(name))
        return std::nullopt;
    return request.get_param_value(name);
}

// max_staleness_ms, checked before the view is read: a bad bound is a 400 whatever the key.
std::optional<std::int64_t> maxStaleness(const httplib::Request &request)
{
    std::optional<std::int64_t> bound = integerParam(request, "max_staleness_ms");
    if (bound && *bound < 0)
        throw ApiFailure{ApiError::invalidArgument("max_staleness_ms must not be negative")};
    return bound;
}

// In a cluster, a read of a key whose partition another instance owns is
// answered by that instance, and its answer (which names it in
// view.served_by) comes back unchanged. A request that was forwarded once is
// not forwarded again: the partition moved meanwhile (a rebalance), so it is
// a 503 to retry. Returns false when this instance serves the read itself.
bool forwardToOwner(const httplib::Request &request, httplib::Response &response,
                    Result<std::optional<ClusterPeer>> owner, const std::string &self)
{
    const std::optional<ClusterPeer> peer = valueOr(std::move(owner));
    if (!peer)
        return false;
    if (request.has_header(kForwardedHeader))
        failWith(Status::unavailable("the key's partition is moving between instances (" + self
                                     + " was asked by " + request.get_header_value(kForwardedHeader)
                                     + "); try again"));
    relayAnswer(askPeer(request, *peer, self), response);
    return true;
}

// A view answer's value, or the 503 its staleness calls for.
ViewAnswer freshEnough(std::optional<std::int64_t> maxStalenessMs, Result<ViewAnswer> answer)
{
    ViewAnswer value = valueOr(std::move(answer));
    const double staleMs = value.view.lagSeconds * 1000.0;
    if (maxStalenessMs && staleMs > static_cast<double>(*maxStalenessMs))
        failWith(Status::unavailable(value.view.job + "@" + value.view.version + " is "
                                     + std::to_string(static_cast<std::int64_t>(staleMs))
                                     + " ms stale, more than max_staleness_ms="
                                     + std::to_string(*maxStalenessMs)));
    return value;
}

std::string viewBody(const ViewAnswer &answer)
{
    return "{\"view\":" + answer.view.toJson().dump() + ",\"data\":" + answer.dataJson + "}";
}

// A view answer: the rows under "data", the view's version and freshness under "view".
void sendView(httplib::Response &response, std::optional<std::int64_t> maxStalenessMs,
              Result<ViewAnswer> answer)
{
    const ViewAnswer value = freshEnough(maxStalenessMs, std::move(answer));
    response.status = 200;
    response.set_content(viewBody(value), kJson);
}

// A metrics read in a cluster: this instance's partitions' rows plus every
// other instance's for its own (each checks max_staleness_ms itself; the
// first refusal is passed on as it came), added up.
void sendGatheredMetrics(const httplib::Request &request, httplib::Response &response,
                         std::optional<std::int64_t> maxStalenessMs, Result<ViewAnswer> local,
                         const std::vector<ClusterPeer> &peers, const std::string &self, std::size_t maxRows)
{
    std::vector<std::string> answers{viewBody(freshEnough(maxStalenessMs, std::move(local)))};
    for (const ClusterPeer &peer : peers) {
        const httplib::Result answer = askPeer(request, peer, self);
        if (answer->status != 200)
            return relayAnswer(answer, response);
        answers.push_back(answer->body);
    }
    response.status = 200;
    response.set_content(valueOr(mergeMetricsAnswers(answers, maxRows)), kJson);
}

void registerMethod(httplib::Server &server, std::string_view method, const std::string &pattern,
                    httplib::Server::Handler handler)
{
    if (method == "GET")
        server.Get(pattern, std::move(handler));
    else if (method == "PUT")
        server.Put(pattern, std::move(handler));
    else if (method == "POST")
        server.Post(pattern, std::move(handler));
    else if (method == "DELETE")
        server.Delete(pattern, std::move(handler));
    else if (method == "PATCH")
        server.Patch(pattern, std::move(handler));
}

// A registered version with its spec as an object. The catalog keeps the spec
// as the text it was registered with; text that no longer parses is a damaged
// catalog, not the client's fault.
nlohmann::json versionSpecJson(const JobVersionInfo &info)
{
    nlohmann::json spec = nlohmann::json::parse(info.specJson, nullptr, false);
    if (spec.is_discarded() || !spec.is_object())
        failWith(Status::corruption("the stored spec of " + info.job + "@" + info.version
                                    + " is not a JSON object"));
    return {{"job", info.job},
            {"version", info.version},
            {"state", versionStateName(info.state)},
            {"created_by", info.createdBy},
            {"created_ms", info.createdAt.value()},
            {"spec", std::move(spec)}};
}

bool isLoopback(const std::string &address)
{
    return address == "127.0.0.1" || address == "::1" || address == "::ffff:127.0.0.1";
}

} // namespace

void sendError(httplib::Response &response, const ApiError &error)
{
    response.status = error.httpStatus();
    response.set_content(error.toJson(), kJson);
}

HttpRoutes::HttpRoutes(Service &service)
    : m_service(service)
{
    // httplib tries a method's patterns in the order they were added, one
    // regex match each: the view reads, by far the most frequent, come first.
    addViewRoutes();
    addServiceRoutes();
    addStreamRoute();
    addReprocessingRoutes();
}

void HttpRoutes::add(std::string method, std::string pattern, std::optional<Role> needs, Handler handler)
{
    m_routes.push_back({std::move(method), std::move(pattern), needs, std::move(handler)});
}

void HttpRoutes::install(httplib::Server &server)
{
    for (const Route &route : m_routes) {
        auto handler = [this, &route](const httplib::Request &req, httplib::Response &res) {
            serve(route, req, res);
        };
        registerMethod(server, route.method, route.pattern, handler);
    }
    // Every other method on a known path: 405 with the methods it has.
    for (const Route &route : m_routes) {
        std::string allowed;
        for (const Route &other : m_routes)
            if (other.pattern == route.pattern)
                allowed += (allowed.empty() ? "" : ", ") + other.method;
        for (const char *method : {"GET", "PUT", "POST", "DELETE", "PATCH"}) {
            if (allowed.find(method) != std::string::npos)
                continue;
            registerMethod(server, method, route.pattern,
                           [this, allowed](const httplib::Request &req, httplib::Response &res) {
                               m_service.countRequest();
                               res.set_header("Allow", allowed);
                               sendError(res,
                                         {"MethodNotAllowed", req.method + " is not allowed on " + req.path
                                                                  + " (allowed: " + allowed + ")"});
                           });
        }
    }
    server.set_error_handler(
        [this](const httplib::Request &req, httplib::Response &res) { onError(req, res); });
    server.set_exception_handler([](const httplib::Request &, httplib::Response &res, std::exception_ptr) {
        sendError(res, {"Internal", "the request failed unexpectedly; see kappad's log"});
    });
}

std::optional<TokenIdentity> HttpRoutes::identify(const httplib::Request &request, const Route &route,
                                                  httplib::Response &response) const
{
    if (!route.needs)
        return TokenIdentity{"", Role::Viewer};
    const std::string header = request.get_header_value("Authorization");
    if (header.empty()) {
        // A reverse proxy on this host makes every client look local: a forwarded request is never anonymous.
        const bool forwarded = request.has_header("Forwarded") || request.has_header("X-Forwarded-For");
        if (m_service.config().anonymousLoopbackViewer && *route.needs == Role::Viewer
            && isLoopback(request.remote_addr) && !forwarded)
            return TokenIdentity{"anonymous", Role::Viewer};
        response.set_header("WWW-Authenticate", "Bearer realm=\"kappad\"");
        sendError(response, ApiError::unauthenticated(
                                "this endpoint needs a bearer token (Authorization: Bearer ...)"));
        return std::nullopt;
    }
    constexpr std::string_view kBearer = "Bearer ";
    std::optional<TokenIdentity> identity;
    if (header.size() > kBearer.size() && std::string_view(header).substr(0, kBearer.size()) == kBearer)
        identity = m_service.tokens().authenticate(std::string_view(header).substr(kBearer.size()));
    if (!identity) {
        response.set_header("WWW-Authenticate", "Bearer realm=\"kappad\", error=\"invalid_token\"");
        sendError(response, ApiError::unauthenticated("the bearer token is not valid (unknown or revoked)"));
        return std::nullopt;
    }
    if (!roleAllows(identity->role, *route.needs)) {
        sendError(response,
                  ApiError::permissionDenied("token '" + identity->name + "' has role "
                                             + std::string(roleName(identity->role)) + "; this needs "
                                             + std::string(roleName(*route.needs))));
        return std::nullopt;
    }
    return identity;
}

void HttpRoutes::serve(const Route &route, const httplib::Request &request, httplib::Response &response) const
{
    m_service.countRequest();
    std::optional<TokenIdentity> identity = identify(request, route, response);
    if (!identity)
        return;
    try {
        route.handler(request, response, *identity);
    } catch (const ApiFailure &failure) {
        sendError(response, failure.error);
    } catch (const nlohmann::json::exception &e) {
        sendError(response, ApiError::invalidArgument(std::string("malformed JSON: ") + e.what()));
    } catch (const std::exception &e) {
        m_service.logger().error("request failed", {{"path", request.path}, {"error", e.what()}});
        sendError(response, {"Internal", "the request failed unexpectedly; see kappad's log"});
    }
    if (m_service.logger().enabled(LogLevel::Debug)) // building its fields costs a few µs per request
        m_service.logger().log(LogLevel::Debug, "request",
                               {{"method", request.method},
                                {"path", request.path},
                                {"status", response.status},
                                {"token", identity->name}});
}

void HttpRoutes::onError(const httplib::Request &request, httplib::Response &response) const
{
    if (!response.body.empty())
        return; // a handler's own error
    // httplib calls this outside its own exception handling: nothing may escape.
    try {
        describeError(request, response);
    } catch (const std::exception &) {
        response.set_content(R"({"code":"Internal","message":"the request failed"})", kJson);
    }
}

void HttpRoutes::describeError(const httplib::Request &request, httplib::Response &response) const
{
    switch (response.status) {
    case 404:
        sendError(response, ApiError::notFound("no endpoint " + request.path + " (see the OpenAPI document)"));
        return;
    case 413:
        sendError(response, {"PayloadTooLarge", "the request body is larger than max_body_bytes="
                                                    + std::to_string(m_service.config().maxBodyBytes)});
        return;
    case 408:
        sendError(response, {"RequestTimeout", "the request did not arrive within read_timeout_ms"});
        return;
    default:
        sendError(response,
                  ApiError::invalidArgument("malformed or incomplete HTTP request (HTTP "
                                            + std::to_string(response.status)
                                            + "; a body slower than read_timeout_ms also ends here)"));
    }
}

void HttpRoutes::addServiceRoutes()
{
    add("GET", "/healthz", std::nullopt, [](const auto &, httplib::Response &res, const auto &) {
        sendJson(res, {{"status", "ok"}});
    });
    add("GET", "/readyz", std::nullopt, [this](const auto &, httplib::Response &res, const auto &) {
        if (!m_service.ready())
            return sendError(res, {"Unavailable", "kappad is starting or stopping"});
        if (const Status health = m_service.health(); !health.isOk())
            return sendError(res, {"Unavailable", "the engine has failed: " + health.message()});
        sendJson(res, {{"status", "ready"}});
    });
    add("GET", "/metrics", Role::Viewer, [this](const auto &, httplib::Response &res, const auto &) {
        res.set_content(m_service.prometheus(), "text/plain; version=0.0.4; charset=utf-8");
    });
    add("GET", "/api/v1/whoami", Role::Viewer,
        [](const auto &, httplib::Response &res, const TokenIdentity &who) {
            sendJson(res, {{"name", who.name}, {"role", roleName(who.role)}});
        });
    add("GET", "/api/v1/status", Role::Viewer,
        [this](const auto &, httplib::Response &res, const auto &) { sendJson(res, m_service.status()); });
    add("GET", "/api/v1/jobs", Role::Viewer, [this](const auto &, httplib::Response &res, const auto &) {
        sendJson(res, {{"jobs", valueOr(m_service.jobs())}});
    });
    add("GET", R"(/api/v1/jobs/([a-z_]+)/versions/([A-Za-z0-9._-]+)/metrics)", Role::Viewer,
        [this](const httplib::Request &req, httplib::Response &res, const auto &) {
            sendJson(res, valueOr(m_service.versionMetrics(req.matches[1], req.matches[2])));
        });
    add("GET", R"(/api/v1/jobs/([a-z_]+)/versions/([A-Za-z0-9._-]+)/history)", Role::Viewer,
        [this](const httplib::Request &req, httplib::Response &res, const auto &) {
            const std::int64_t to = integerParam(req, "to_ms").value_or(Clock::system().now().value());
            const std::int64_t earliest = std::numeric_limits<std::int64_t>::min() + kDefaultHistoryMs;
            const std::int64_t from = integerParam(req, "from_ms")
                                          .value_or(std::max(to, earliest) - kDefaultHistoryMs);
            const std::string series = stringParam(req, "series").value_or("lag_records");
            sendJson(res, valueOr(m_service.history(req.matches[1], req.matches[2], series, from, to)));
        });
    add("GET", R"(/api/v1/jobs/([a-z_]+)/versions/([A-Za-z0-9._-]+)/spec)", Role::Viewer,
        [this](const httplib::Request &req, httplib::Response &res, const auto &) {
            sendJson(res, versionSpecJson(
                              valueOr(m_service.catalog().jobVersion(req.matches[1], req.matches[2]))));
        });
    add("GET", "/api/v1/demo", Role::Viewer, [this](const auto &, httplib::Response &res, const auto &) {
        sendJson(res, {{"events_per_second", valueOr(m_service.demoRate())}});
    });
    add("PUT", "/api/v1/demo/rate", Role::Operator,
        [this](const httplib::Request &req, httplib::Response &res, const TokenIdentity &who) {
            const nlohmann::json body = nlohmann::json::parse(req.body);
            if (!body.is_object() || !body.contains("events_per_second")
                || !body["events_per_second"].is_number())
                throw ApiFailure{ApiError::invalidArgument("expected {\"events_per_second\": <number>}")};
            const double rate = body["events_per_second"].get<double>();
            if (Status set = m_service.setDemoRate(rate, who.name); !set.isOk())
                failWith(set);
            sendJson(res, {{"events_per_second", rate}});
        });
}

void HttpRoutes::addViewRoutes()
{
    add("GET", R"(/api/v1/views/features/(-?[0-9]+))", Role::Viewer,
        [this](const httplib::Request &req, httplib::Response &res, const auto &) {
            const std::int64_t user = parseInteger("user_id", req.matches[1]);
            const std::optional<std::int64_t> bound = maxStaleness(req);
            if (forwardToOwner(req, res, m_service.ownerOfUser(user), m_service.instanceId()))
                return;
            sendView(res, bound, m_service.features(user, stringParam(req, "version")));
        });
    add("GET", R"(/api/v1/views/fraud/cards/(-?[0-9]+))", Role::Viewer,
        [this](const httplib::Request &req, httplib::Response &res, const auto &) {
            const std::int64_t card = parseInteger("card_id", req.matches[1]);
            const std::optional<std::int64_t> bound = maxStaleness(req);
            if (forwardToOwner(req, res, m_service.ownerOfCard(card), m_service.instanceId()))
                return;
            sendView(res, bound, m_service.fraudCard(card, stringParam(req, "version")));
        });
    add("GET", "/api/v1/views/metrics", Role::Viewer,
        [this](const httplib::Request &req, httplib::Response &res, const auto &) {
            const std::optional<std::int64_t> from = integerParam(req, "from_ms");
            const std::optional<std::int64_t> to = integerParam(req, "to_ms");
            if (!from || !to)
                throw ApiFailure{ApiError::invalidArgument("from_ms and to_ms are required")};
            std::optional<std::int32_t> category;
            if (std::optional<std::int64_t> c = integerParam(req, "category")) {
                if (*c < 0 || *c > std::numeric_limits<std::int32_t>::max())
                    throw ApiFailure{
                        ApiError::invalidArgument("category must be a non-negative 32-bit integer")};
                category = static_cast<std::int32_t>(*c);
            }
            const std::optional<std::int64_t> bound = maxStaleness(req);
            // An instance asked by another answers for its own partitions only.
            const std::vector<ClusterPeer> peers = req.has_header(kForwardedHeader)
                                                       ? std::vector<ClusterPeer>()
                                                       : valueOr(m_service.metricsPeers());
            Result<ViewAnswer> local = m_service.metrics(*from, *to, category, stringParam(req, "version"));
            if (peers.empty())
                sendView(res, bound, std::move(local));
            else
                sendGatheredMetrics(req, res, bound, std::move(local), peers, m_service.instanceId(),
                                    Service::kMaxMetricsRows);
        });
}

} // namespace kappa::service
