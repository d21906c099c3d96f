// Talking to a running kappad for kappactl's --url commands.
#include "remote_support.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace kappa::ctl {
namespace {

std::string trimmed(std::string text)
{
    const char *const kSpace = " \t\r\n";
    const std::size_t first = text.find_first_not_of(kSpace);
    if (first == std::string::npos)
        return {};
    return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// The token from --token-file (first line), else $KAPPA_TOKEN, else none.
// Messages name the file, never the token.
Result<std::optional<std::string>> loadToken(const RemoteOptions &remote)
{
    if (remote.tokenFile.empty()) {
        const char *env = std::getenv("KAPPA_TOKEN");
        if (env == nullptr || trimmed(env).empty())
            return std::optional<std::string>();
        return std::optional<std::string>(trimmed(env));
    }
    std::ifstream in(remote.tokenFile);
    if (!in) {
        const int error = errno;
        const std::string why = "cannot read the token file " + remote.tokenFile + ": "
                                + std::strerror(error);
        return error == ENOENT ? Status::notFound(why) : Status::invalidArgument(why);
    }
    std::string line;
    std::getline(in, line);
    line = trimmed(line);
    if (line.empty())
        return Status::invalidArgument("the token file " + remote.tokenFile
                                       + " is empty; its first line must hold the token");
    return std::optional<std::string>(line);
}

} // namespace

Result<std::unique_ptr<ApiClient>> connect(const RemoteOptions &remote)
{
    KAPPA_ASSIGN_OR_RETURN(std::optional<std::string> token, loadToken(remote));
    service::ApiClientOptions options;
    options.bearerToken = std::move(token);
    options.caFile = remote.caFile;
    return ApiClient::create(remote.url, std::move(options));
}

// A 401 ("HTTP 401 ...", api_client.h) says where the rejected token came from.
Status withTokenHint(const RemoteOptions &remote, const Status &status)
{
    if (status.message().rfind("HTTP 401 ", 0) != 0)
        return status;
    std::string source = "no token was sent (pass --token-file FILE or set KAPPA_TOKEN)";
    if (!remote.tokenFile.empty())
        source = "the token was read from " + remote.tokenFile;
    else if (std::getenv("KAPPA_TOKEN") != nullptr)
        source = "the token was taken from $KAPPA_TOKEN";
    return Status(status.code(), status.message() + "; " + source);
}

// GET path on the server named by --url, parsed as JSON.
Result<nlohmann::json> fetchJson(const RemoteOptions &remote, const std::string &path)
{
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<ApiClient> client, connect(remote));
    Result<std::string> answer = client->get(path);
    if (!answer.isOk())
        return withTokenHint(remote, answer.status());
    std::string body = std::move(answer).value();
    nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded())
        return Status::internal("kappad at " + client->baseUrl() + " answered GET " + path
                                + " with something that is not JSON");
    return parsed;
}

std::string fixed(double value, int decimals)
{
    std::ostringstream out;
    out << std::fixed << std::setprecision(decimals) << value;
    return out.str();
}

std::string text(const nlohmann::json &value)
{
    if (value.is_null())
        return "-";
    return value.is_string() ? value.get<std::string>() : value.dump();
}

int needsUrl(const std::string &command)
{
    return fail(Status::invalidArgument(command + " asks a running kappad: pass --url http://HOST:PORT "
                                        + "(and --token-file FILE if it needs a token)"));
}

Result<nlohmann::json> sendJson(const RemoteOptions &remote, const std::string &method,
                                const std::string &path, const nlohmann::json &body)
{
    KAPPA_ASSIGN_OR_RETURN(std::unique_ptr<ApiClient> client, connect(remote));
    Result<std::string> answer = client->send(method, path, body.dump());
    if (!answer.isOk())
        return withTokenHint(remote, answer.status());
    nlohmann::json parsed = nlohmann::json::parse(*answer, nullptr, false);
    if (parsed.is_discarded())
        return Status::internal("kappad at " + client->baseUrl() + " answered " + method + " " + path
                                + " with something that is not JSON");
    return parsed;
}

} // namespace kappa::ctl
