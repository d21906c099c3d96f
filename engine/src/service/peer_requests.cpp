#include "service/peer_requests.h"

#include "service/http_support.h"

namespace kappa::service {
namespace {

httplib::Headers forwardedHeaders(const httplib::Request &request, const std::string &self)
{
    httplib::Headers headers{{kForwardedHeader, self}};
    if (request.has_header("Authorization"))
        headers.emplace("Authorization", request.get_header_value("Authorization"));
    return headers;
}

httplib::Result checked(httplib::Result answer, const ClusterPeer &peer)
{
    if (!answer)
        failWith(Status::unavailable("instance " + peer.instanceId + " at " + peer.url
                                     + " did not answer: " + httplib::to_string(answer.error())));
    return answer;
}

httplib::Client clientFor(const ClusterPeer &peer)
{
    httplib::Client client(peer.url);
    client.set_connection_timeout(std::chrono::seconds(2));
    // A validation's share takes a few seconds (it waits for the views to settle).
    client.set_read_timeout(std::chrono::seconds(30));
    return client;
}

} // namespace

httplib::Result askPeer(const httplib::Request &request, const ClusterPeer &peer, const std::string &self)
{
    httplib::Client client = clientFor(peer);
    const httplib::Headers headers = forwardedHeaders(request, self);
    const std::string type = request.get_header_value("Content-Type");
    const char *contentType = type.empty() ? "application/json" : type.c_str();
    if (request.method == "POST")
        return checked(client.Post(request.target, headers, request.body, contentType), peer);
    if (request.method == "PUT")
        return checked(client.Put(request.target, headers, request.body, contentType), peer);
    if (request.method == "DELETE")
        return checked(client.Delete(request.target, headers, request.body, contentType), peer);
    return checked(client.Get(request.target, headers), peer);
}

httplib::Result postToPeer(const httplib::Request &request, const ClusterPeer &peer, const std::string &self,
                           const std::string &target, const std::string &body)
{
    httplib::Client client = clientFor(peer);
    return checked(client.Post(target, forwardedHeaders(request, self), body, "application/json"), peer);
}

void relayAnswer(const httplib::Result &answer, httplib::Response &response)
{
    response.status = answer->status;
    response.set_content(answer->body, answer->get_header_value("Content-Type").c_str());
}

} // namespace kappa::service
