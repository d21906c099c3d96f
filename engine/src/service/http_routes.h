// HttpRoutes: the endpoints of kappad's API and what guards them. Each route
// names the least role it needs (none for the health checks); the wrapper
// authenticates the bearer token, checks the role, runs the handler and turns
// every failure into the JSON error shape.
//
// Threading: install() once; handlers run concurrently on httplib's pool.
#pragma once

#include "service/api_error.h"
#include "service/service.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
} // namespace httplib

namespace kappa::service {

class HttpRoutes
{
public:
    explicit HttpRoutes(Service &service);
    void install(httplib::Server &server);

private:
    using Handler = std::function<void(const httplib::Request &, httplib::Response &, const TokenIdentity &)>;
    struct Route
    {
        std::string method;
        std::string pattern;       // httplib's regex
        std::optional<Role> needs; // none: open (health checks)
        Handler handler;
    };

    void add(std::string method, std::string pattern, std::optional<Role> needs, Handler handler);
    void serve(const Route &route, const httplib::Request &request, httplib::Response &response) const;
    std::optional<TokenIdentity> identify(const httplib::Request &request, const Route &route,
                                          httplib::Response &response) const;
    void onError(const httplib::Request &request, httplib::Response &response) const;
    void describeError(const httplib::Request &request, httplib::Response &response) const;

    void addServiceRoutes();
    void addViewRoutes();
    void addStreamRoute();
    void addReprocessingRoutes(); // http_reprocessing_routes.cpp
    std::vector<reprocessing::ValidationShare> otherShares(const httplib::Request &req,
                                                           const std::string &job,
                                                           const std::string &candidate);

    Service &m_service;
    std::vector<Route> m_routes;
    mutable std::atomic<int> m_openStreams{0};
};

// Writes `error` as the response (status, JSON body).
void sendError(httplib::Response &response, const ApiError &error);

} // namespace kappa::service
