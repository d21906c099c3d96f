#include "service/http_api.h"

#include "service/api_error.h"
#include "service/http_connection.h"
#include "service/http_routes.h"

#include <httplib.h>

#include <thread>

#include <sys/socket.h>

namespace kappa::service {

struct HttpApi::Impl
{
    Service &service;
    std::unique_ptr<httplib::Server> server;
    HttpRoutes routes;

    Impl(Service &s, std::unique_ptr<httplib::Server> srv)
        : service(s)
        , server(std::move(srv))
        , routes(s)
    {}
};

namespace {

Result<std::unique_ptr<httplib::Server>> makeServer(const ServiceConfig &config)
{
    if (config.tlsCert.empty())
        return std::unique_ptr<httplib::Server>(std::make_unique<PlainHttpServer>());
    auto server = std::make_unique<httplib::SSLServer>(config.tlsCert.c_str(), config.tlsKey.c_str());
    if (!server->is_valid())
        return Status::invalidArgument("cannot load the TLS certificate " + config.tlsCert + " and key "
                                       + config.tlsKey + " (PEM files, readable by kappad, key matching)");
    return std::unique_ptr<httplib::Server>(std::move(server));
}

void configureLimits(httplib::Server &server, const ServiceConfig &config)
{
    const auto toTimeval = [](std::chrono::milliseconds ms) {
        return std::make_pair(static_cast<time_t>(ms.count() / 1000),
                              static_cast<time_t>((ms.count() % 1000) * 1000));
    };
    const auto [readSec, readUsec] = toTimeval(config.readTimeout);
    const auto [writeSec, writeUsec] = toTimeval(config.writeTimeout);
    server.set_read_timeout(readSec, readUsec);
    server.set_write_timeout(writeSec, writeUsec);
    // Each open connection holds one of the pool's threads: an idle keep-alive
    // connection is closed after 2 s so that idle clients cannot hold them all.
    server.set_keep_alive_timeout(2);
    // httplib's default of 5 requests per connection would defeat keep-alive for API clients.
    server.set_keep_alive_max_count(10'000);
    server.set_payload_max_length(config.maxBodyBytes);
    // A response can be written in pieces (TLS: head and body; SSE: event by
    // event): without TCP_NODELAY, Nagle's algorithm and the client's delayed
    // ACK add ~40 ms to a piece.
    server.set_tcp_nodelay(true);
    // httplib's default sets SO_REUSEPORT, which would let a second kappad
    // bind the same port and silently share its traffic; a taken port must fail.
    server.set_socket_options([](int socket) {
        const int yes = 1;
        ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    const int threads = config.httpThreads;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
}

} // namespace

HttpApi::HttpApi(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

HttpApi::~HttpApi()
{
    stop();
}

Result<std::unique_ptr<HttpApi>> HttpApi::create(Service &service)
{
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<httplib::Server> server, makeServer(service.config()));
    configureLimits(*server, service.config());
    auto impl = std::make_unique<Impl>(service, std::move(server));
    impl->routes.install(*impl->server);
    return std::unique_ptr<HttpApi>(new HttpApi(std::move(impl)));
}

Result<int> HttpApi::bind()
{
    const ServiceConfig &config = m_impl->service.config();
    int port = config.listenPort;
    if (port == 0)
        port = m_impl->server->bind_to_any_port(config.listenHost);
    else if (!m_impl->server->bind_to_port(config.listenHost, port))
        port = -1;
    if (port < 0)
        return Status::unavailable("cannot listen on " + config.listenHost + ":"
                                   + std::to_string(config.listenPort)
                                   + " (address in use, or not an address of this machine)");
    return port;
}

void HttpApi::run()
{
    m_impl->server->listen_after_bind();
}

bool HttpApi::waitUntilRunning(std::chrono::milliseconds timeout) const
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!m_impl->server->is_running()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

void HttpApi::stop()
{
    if (m_impl && m_impl->server)
        m_impl->server->stop();
}

} // namespace kappa::service
