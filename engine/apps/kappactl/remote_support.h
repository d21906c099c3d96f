// Talking to a running kappad for kappactl's --url commands: the client from
// --url/--token-file/--ca-file, JSON requests, and small text helpers.
#pragma once

#include "cli_support.h"
#include "commands.h"
#include "service/api_client.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <string>

namespace kappa::ctl {

using service::ApiClient;

Result<std::unique_ptr<ApiClient>> connect(const RemoteOptions &remote);
// A 401 says where the rejected token came from.
Status withTokenHint(const RemoteOptions &remote, const Status &status);
// GET path, parsed as JSON.
Result<nlohmann::json> fetchJson(const RemoteOptions &remote, const std::string &path);
// POST or PUT `body` to path, the answer parsed as JSON.
Result<nlohmann::json> sendJson(const RemoteOptions &remote, const std::string &method,
                                const std::string &path, const nlohmann::json &body);

// Runs `render` over the answer to GET path; a reply of an unexpected shape is Internal, not a crash.
template<typename Render>
inline int renderJson(const RemoteOptions &remote, const std::string &path, Render render)
{
    Result<nlohmann::json> answer = fetchJson(remote, path);
    if (!answer.isOk())
        return fail(answer.status());
    try {
        return render(*answer);
    } catch (const nlohmann::json::exception &e) {
        return fail(Status::internal("unexpected answer from kappad to GET " + path + ": " + e.what()));
    }
}

std::string fixed(double value, int decimals = 1);
// A JSON value as plain text ("-" for null).
std::string text(const nlohmann::json &value);
// The usage error of a command run without --url.
int needsUrl(const std::string &command);

} // namespace kappa::ctl
