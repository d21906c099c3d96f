// CatalogReplication: the catalog of record shared by the instances of a
// cluster, so that a replay, a validation or a switch made through any of
// them is the same on all of them.
//
// The shared rows (Catalog::sharedRows: job versions and their transitions,
// aliases and their history, replays, validations, switch requests, the
// audit log) live in one compacted topic of one partition, key "<table>/<key>"
// and value the row. One instance writes it: the leader, which is whoever
// owns source partition 0. Writing with that partition's claim
// (ChangelogTransport::claim) makes leadership fenced like the partition: a
// leader that lost partition 0, even one paused and unaware of it, cannot
// write the shared catalog any more.
//
// - follow(): every instance applies what the topic holds beyond what it
//   applied before to its own catalog (Catalog::applySharedRows), so its
//   reads (versions, aliases, replays, audit) are those of the leader, a
//   moment later. An instance that becomes leader follows to the end first,
//   then writes.
// - publish(): the leader writes every shared row that differs from the
//   topic's, in one atomic write. It never follows its own writes back: an
//   echo would be older than the row it may have changed since.
//
// Threading: every member may be called from any thread (one mutex).
#pragma once

#include "cluster/changelog_transport.h"
#include "kappa/catalog.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kappa::cluster {

class CatalogReplication
{
public:
    // The topic's name is relative to the transport's prefix, e.g. "cluster.<group>.catalog".
    CatalogReplication(std::shared_ptr<ChangelogTransport> transport, Catalog &catalog, std::string topic);

    Status createTopic();
    // Applies the topic's rows written since the last call; returns how many.
    Result<std::size_t> follow();
    // Writes the rows that differ from the topic's; returns how many.
    // FailedPrecondition once another instance has claimed partition 0.
    Result<std::size_t> publish();

    // The keys of this catalog's shared rows the topic does not hold, as far
    // as follow() and publish() have seen it.
    Result<std::vector<std::string>> unsharedKeys();
    // Deletes those rows from this catalog (Catalog::dropSharedRows): for an
    // instance that led and could not share its last changes, whose catalog
    // then equals the shared one again. Returns how many it deleted.
    Result<std::size_t> dropUnshared();

    const std::string &topic() const { return m_topic; }

private:
    Result<std::vector<std::string>> unsharedKeysLocked();

    const std::shared_ptr<ChangelogTransport> m_transport;
    Catalog &m_catalog;
    const std::string m_topic;
    std::mutex m_mutex;
    Offset m_next{0};                          // where follow() goes on reading
    std::map<std::string, std::string> m_rows; // key -> the topic's value, as far as this instance knows
};

} // namespace kappa::cluster
