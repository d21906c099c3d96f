#include "service/api_client.h"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>

namespace kappa::service {

namespace {

struct ParsedUrl
{
    bool https = false;
    std::string host; // without IPv6 brackets
    int port = 0;
    std::string normalised;
};

bool startsWithNoCase(std::string_view text, std::string_view prefix)
{
    return text.size() >= prefix.size()
           && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
                  return std::tolower(static_cast<unsigned char>(a))
                         == std::tolower(static_cast<unsigned char>(b));
              });
}

bool isHostNameChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

Result<ParsedUrl> parseBaseUrl(const std::string &url)
{
    const auto invalid = [&url](const std::string &why) {
        return Status::invalidArgument("'" + url + "' is not a kappad URL: " + why
                                       + " (expected http://HOST:PORT or https://HOST:PORT)");
    };
    ParsedUrl out;
    std::string_view rest(url);
    if (startsWithNoCase(rest, "https://")) {
        out.https = true;
        rest.remove_prefix(8);
    } else if (startsWithNoCase(rest, "http://")) {
        rest.remove_prefix(7);
    } else {
        return invalid("the scheme must be http:// or https://");
    }
    const std::size_t authorityEnd = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, authorityEnd);
    if (authorityEnd != std::string_view::npos && rest.substr(authorityEnd) != "/")
        return invalid("a base URL has no path, query or fragment");
    if (authority.find('@') != std::string_view::npos)
        return invalid("user information in the URL is not supported");

    std::string_view portText;
    bool hasPort = false;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos || close == 1)
            return invalid("an IPv6 host needs a closing ']'");
        out.host = std::string(authority.substr(1, close - 1));
        if (!std::all_of(out.host.begin(), out.host.end(), [](char c) {
                return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
            }))
            return invalid("'" + out.host + "' is not an IPv6 address");
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty() && after.front() != ':')
            return invalid("unexpected text after the IPv6 host");
        hasPort = !after.empty();
        if (hasPort)
            portText = after.substr(1);
    } else {
        const std::size_t colon = authority.find(':');
        out.host = std::string(authority.substr(0, colon));
        hasPort = colon != std::string_view::npos;
        if (hasPort)
            portText = authority.substr(colon + 1);
        if (out.host.empty())
            return invalid("the host is missing");
        if (!std::all_of(out.host.begin(), out.host.end(), isHostNameChar))
            return invalid("'" + out.host + "' is not a host name or address");
    }
    if (hasPort) {
        const auto [end, error] = std::from_chars(portText.data(), portText.data() + portText.size(),
                                                  out.port);
        if (portText.empty() || error != std::errc() || end != portText.data() + portText.size()
            || out.port < 1 || out.port > 65535)
            return invalid("the port must be a number from 1 to 65535");
    } else {
        out.port = out.https ? 443 : 80;
    }
    const bool ipv6 = out.host.find(':') != std::string::npos;
    out.normalised = std::string(out.https ? "https://" : "http://")
                     + (ipv6 ? "[" + out.host + "]" : out.host) + ":" + std::to_string(out.port);
    return out;
}

// Why a request got no HTTP answer at all, in words.
std::string describeTransportError(httplib::Error error, const ApiClientOptions &options)
{
    switch (error) {
    case httplib::Error::Connection: return "connection failed (refused, unreachable or unknown host)";
    case httplib::Error::ConnectionTimeout:
        return "no connection within " + std::to_string(options.connectTimeout.count()) + " s";
    case httplib::Error::Read:
        return "the connection closed or no complete answer came within "
               + std::to_string(options.readTimeout.count()) + " s";
    case httplib::Error::Write: return "the request could not be sent (connection broke)";
    case httplib::Error::SSLConnection: return "the TLS handshake failed (does it serve https?)";
    default: return httplib::to_string(error);
    }
}

// The first line of a non-JSON error body, shortened: enough to recognise a proxy's page.
std::string excerpt(const std::string &body)
{
    constexpr std::size_t kMax = 200;
    std::string line = body.substr(0, body.find_first_of("\r\n"));
    if (line.size() > kMax)
        line = line.substr(0, kMax) + "...";
    return line.empty() ? "(no error body)" : line;
}

Status statusOfErrorResponse(const httplib::Response &response)
{
    const std::string prefix = "HTTP " + std::to_string(response.status);
    if (response.status >= 300 && response.status < 400) {
        const std::string location = response.get_header_value("Location");
        return Status::invalidArgument(prefix + ": redirected" + (location.empty() ? "" : " to " + location)
                                       + "; redirects are not followed, pass the final URL");
    }
    const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_object() && body.contains("code") && body["code"].is_string() && body.contains("message")
        && body["message"].is_string()) {
        const std::string code = body["code"].get<std::string>();
        return Status(kappaCodeOfApiError(code, response.status),
                      prefix + " " + code + ": " + body["message"].get<std::string>());
    }
    return Status(kappaCodeOfApiError("", response.status), prefix + ": " + excerpt(response.body));
}

} // namespace

StatusCode kappaCodeOfApiError(std::string_view code, int httpStatus)
{
    static constexpr StatusCode kEngineCodes[] = {
        StatusCode::InvalidArgument,    StatusCode::NotFound,          StatusCode::AlreadyExists,
        StatusCode::FailedPrecondition, StatusCode::OutOfRange,        StatusCode::Aborted,
        StatusCode::Unavailable,        StatusCode::ResourceExhausted, StatusCode::Corruption,
        StatusCode::Internal,
    };
    for (StatusCode engineCode : kEngineCodes)
        if (statusCodeName(engineCode) == code)
            return engineCode;
    if (code == "Unauthenticated")
        return StatusCode::InvalidArgument;
    if (code == "PermissionDenied")
        return StatusCode::FailedPrecondition;
    if (code == "RequestTimeout")
        return StatusCode::Unavailable;
    if (code == "PayloadTooLarge")
        return StatusCode::ResourceExhausted;
    if (code == "MethodNotAllowed")
        return StatusCode::Internal;
    switch (httpStatus) {
    case 401: return StatusCode::InvalidArgument;
    case 403: return StatusCode::FailedPrecondition;
    case 404: return StatusCode::NotFound;
    case 409: return StatusCode::FailedPrecondition;
    case 413:
    case 429: return StatusCode::ResourceExhausted;
    case 408:
    case 502:
    case 503:
    case 504: return StatusCode::Unavailable;
    default:
        return httpStatus >= 400 && httpStatus < 500 ? StatusCode::InvalidArgument : StatusCode::Internal;
    }
}

std::string percentEncode(std::string_view text)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0f];
        }
    }
    return out;
}

struct ApiClient::Impl
{
    ParsedUrl url;
    ApiClientOptions options;
    std::unique_ptr<httplib::ClientImpl> http; // an SSLClient for https

    // The body of a 2xx answer, else the Status of the failure.
    Result<std::string> answer(httplib::Result result, const std::string &baseUrl);
};

ApiClient::ApiClient(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

ApiClient::~ApiClient() = default;

Result<std::unique_ptr<ApiClient>> ApiClient::create(const std::string &baseUrl, ApiClientOptions options)
{
    KAPPA_ASSIGN_OR_RETURN(ParsedUrl url, parseBaseUrl(baseUrl));
    if (options.bearerToken) {
        const std::string &token = *options.bearerToken;
        if (token.empty() || std::any_of(token.begin(), token.end(), [](char c) {
                return std::iscntrl(static_cast<unsigned char>(c)) || c == ' ';
            }))
            return Status::invalidArgument(
                "the bearer token is empty or contains spaces or control characters");
    }
    auto impl = std::make_unique<Impl>();
    if (url.https) {
        auto ssl = std::make_unique<httplib::SSLClient>(url.host, url.port);
        ssl->enable_server_certificate_verification(true);
        if (!options.caFile.empty()) {
            std::error_code error;
            if (!std::filesystem::is_regular_file(options.caFile, error))
                return Status::notFound("CA file " + options.caFile + " does not exist or is not a file");
            ssl->set_ca_cert_path(options.caFile.c_str());
        }
        impl->http = std::move(ssl);
    } else {
        if (!options.caFile.empty())
            return Status::invalidArgument("a CA file only applies to https:// URLs");
        impl->http = std::make_unique<httplib::ClientImpl>(url.host, url.port);
    }
    impl->http->set_connection_timeout(options.connectTimeout);
    impl->http->set_read_timeout(options.readTimeout);
    impl->http->set_write_timeout(options.readTimeout);
    impl->http->set_follow_location(false);
    impl->http->set_keep_alive(true);
    if (options.bearerToken)
        impl->http->set_bearer_token_auth(*options.bearerToken);
    impl->url = std::move(url);
    impl->options = std::move(options);
    return std::unique_ptr<ApiClient>(new ApiClient(std::move(impl)));
}

const std::string &ApiClient::baseUrl() const
{
    return m_impl->url.normalised;
}

Result<std::string> ApiClient::get(const std::string &pathAndQuery)
{
    if (pathAndQuery.empty() || pathAndQuery.front() != '/')
        return Status::invalidArgument("an API path starts with '/': '" + pathAndQuery + "'");
    return m_impl->answer(m_impl->http->Get(pathAndQuery), baseUrl());
}

Result<std::string> ApiClient::send(const std::string &method, const std::string &path,
                                    const std::string &jsonBody)
{
    if (path.empty() || path.front() != '/')
        return Status::invalidArgument("an API path starts with '/': '" + path + "'");
    if (method == "POST")
        return m_impl->answer(m_impl->http->Post(path, jsonBody, "application/json"), baseUrl());
    if (method == "PUT")
        return m_impl->answer(m_impl->http->Put(path, jsonBody, "application/json"), baseUrl());
    return Status::invalidArgument("ApiClient sends POST or PUT, not " + method);
}

Result<std::string> ApiClient::Impl::answer(httplib::Result result, const std::string &baseUrl)
{
    if (!result) {
        const httplib::Error error = result.error();
        if (error == httplib::Error::SSLServerVerification) {
            const long verify = static_cast<httplib::SSLClient &>(*http).get_openssl_verify_result();
            return Status::failedPrecondition(
                "cannot verify kappad's certificate at " + baseUrl + ": "
                + (verify != X509_V_OK ? X509_verify_cert_error_string(verify)
                                       : "the name does not match the certificate")
                + (options.caFile.empty() ? " (give the CA that signed it as a CA file)" : ""));
        }
        if (error == httplib::Error::SSLLoadingCerts)
            return Status::invalidArgument(
                "cannot load the CA certificates"
                + (options.caFile.empty() ? std::string(" of the system") : " in " + options.caFile)
                + " (PEM expected)");
        return Status::unavailable("cannot reach kappad at " + baseUrl + ": "
                                   + describeTransportError(error, options));
    }
    if (result->status >= 200 && result->status < 300)
        return std::move(result->body);
    return statusOfErrorResponse(*result);
}

} // namespace kappa::service
