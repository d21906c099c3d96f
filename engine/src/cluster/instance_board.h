// InstanceBoard: a compacted topic of one partition where each instance of a
// cluster posts a value under its own id (its newest replaces its older), and
// which any instance reads as "every instance's latest". The followers post
// their share of each replay there for the leader (README: Scaling out).
//
// Threading: every member may be called from any thread (one mutex).
#pragma once

#include "cluster/changelog_transport.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace kappa::cluster {

class InstanceBoard
{
public:
    InstanceBoard(std::shared_ptr<ChangelogTransport> transport, std::string topic);

    Status createTopic();
    Status post(const std::string &instance, const std::string &value);
    // Every instance's latest value, read on from where the last call stopped.
    Result<std::map<std::string, std::string>> read();

private:
    const std::shared_ptr<ChangelogTransport> m_transport;
    const std::string m_topic;
    std::mutex m_mutex;
    Offset m_next{0};
    std::map<std::string, std::string> m_values;
};

} // namespace kappa::cluster
