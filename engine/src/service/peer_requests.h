// Requests one instance of a cluster makes of another on a caller's behalf:
// reads forwarded to the owner of a key's partition, reprocessing requests
// forwarded to the leader, a validation's shares. The caller's Authorization
// header goes along (the instances of a group share their token file), and
// the request is marked as forwarded so that it is never forwarded again.
#pragma once

#include "service/cluster_member.h"

#include <httplib.h>

#include <string>

namespace kappa::service {

// Set on a request one instance forwards to another (its value: the forwarder's id).
inline constexpr const char *kForwardedHeader = "X-Kappa-Forwarded-By";

// The same request as it came (method, path and query, body), asked of
// `peer`. Fails the request with Unavailable (ApiFailure) if the peer does not answer.
httplib::Result askPeer(const httplib::Request &request, const ClusterPeer &peer, const std::string &self);
// A POST of `body` (JSON) to `target` on `peer`, on behalf of the caller of `request`.
httplib::Result postToPeer(const httplib::Request &request, const ClusterPeer &peer, const std::string &self,
                           const std::string &target, const std::string &body);
// Sends a peer's answer on as it came.
void relayAnswer(const httplib::Result &answer, httplib::Response &response);

} // namespace kappa::service
