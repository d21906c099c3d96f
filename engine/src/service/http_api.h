// HttpApi: kappad's HTTP/JSON API over cpp-httplib (the only code that knows
// httplib). Routes, bearer-token authentication and roles, the JSON error
// shape, limits (body size, timeouts, concurrent streams) and the SSE stream.
// The endpoints are described in resources/api/openapi.yaml.
//
// Threading: bind() and run() from one thread (run blocks until stop());
// stop() from any thread. Handlers run on the server's thread pool.
#pragma once

#include "service/service.h"

#include <chrono>
#include <memory>
#include <string>

namespace kappa::service {

class HttpApi
{
public:
    // InvalidArgument if TLS is configured and the certificate or key cannot be loaded.
    static Result<std::unique_ptr<HttpApi>> create(Service &service);
    ~HttpApi();
    HttpApi(const HttpApi &) = delete;
    HttpApi &operator=(const HttpApi &) = delete;

    // Binds the configured address; Unavailable if it is taken. Returns the port (useful with port 0).
    Result<int> bind();
    // Serves until stop(); returns once the server has stopped.
    void run();
    // Waits until run() accepts connections (stop() before that would be lost); false after `timeout`.
    bool waitUntilRunning(std::chrono::milliseconds timeout) const;
    void stop();

private:
    struct Impl;
    explicit HttpApi(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace kappa::service
