// ApiClient: a blocking client of kappad's HTTP/JSON API for kappactl and
// tools. It is the client half of the cpp-httplib adapter (STYLE.md: the
// library stays inside the service module; this header names none of its
// types) and turns the API's {"code", "message"} errors back into Status.
//
// Contract:
//  - create() accepts "http://host[:port]" or "https://host[:port]" with an
//    optional trailing "/" (IPv6 hosts in brackets); anything else is
//    InvalidArgument. Ports default to 80 / 443.
//  - https verifies the server's certificate and host name, against
//    `caFile` if given, else the system's trust store. There is no switch to
//    turn verification off.
//  - get() returns the body of a 2xx answer. An API error becomes a Status
//    whose code is the server's code mapped back (see kappaCodeOfApiError)
//    and whose message is "HTTP <status> <code>: <server's message>".
//    A server that cannot be reached (refused, DNS, timeout, TLS handshake)
//    is Unavailable "cannot reach kappad at URL: ..."; a certificate that
//    fails verification is FailedPrecondition. Redirects are not followed:
//    the token must not travel to another host.
//  - The bearer token is sent on every request and never appears in a
//    Status message or anywhere else this class writes.
//
// Threading: one ApiClient per thread; get() blocks for at most the connect
// timeout plus the read timeout per request.
#pragma once

#include "kappa/status.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kappa::service {

struct ApiClientOptions
{
    std::optional<std::string> bearerToken; // sent as "Authorization: Bearer <token>"
    std::string caFile;                     // https: PEM bundle to verify against ("" = system store)
    std::chrono::seconds connectTimeout{5};
    std::chrono::seconds readTimeout{30};
};

class ApiClient
{
public:
    static Result<std::unique_ptr<ApiClient>> create(const std::string &baseUrl,
                                                     ApiClientOptions options = {});
    ~ApiClient();
    ApiClient(const ApiClient &) = delete;
    ApiClient &operator=(const ApiClient &) = delete;

    // GET `pathAndQuery` (starting with "/", query values already encoded).
    Result<std::string> get(const std::string &pathAndQuery);
    // POST or PUT a JSON body; the same answers as get().
    Result<std::string> send(const std::string &method, const std::string &path, const std::string &jsonBody);

    // The normalised base URL ("https://host:port"), for messages.
    const std::string &baseUrl() const;

private:
    struct Impl;
    explicit ApiClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// The kappa::StatusCode of an API error code. Engine codes map to themselves;
// the HTTP-only ones: Unauthenticated -> InvalidArgument (the credential the
// caller passed is wrong or missing; fix the command line), PermissionDenied
// -> FailedPrecondition (the token is valid but its role does not allow the
// call), RequestTimeout -> Unavailable, PayloadTooLarge -> ResourceExhausted,
// MethodNotAllowed -> Internal (a client bug). Unknown codes (a newer
// kappad's) fall back to the HTTP status (4xx InvalidArgument, 404 NotFound, 5xx Internal,
// 503 Unavailable, ...).
StatusCode kappaCodeOfApiError(std::string_view code, int httpStatus);

// `text` percent-encoded for a query value or path segment (RFC 3986 unreserved kept).
std::string percentEncode(std::string_view text);

} // namespace kappa::service
