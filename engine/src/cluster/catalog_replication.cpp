#include "cluster/catalog_replication.h"

#include <vector>

namespace kappa::cluster {

CatalogReplication::CatalogReplication(std::shared_ptr<ChangelogTransport> transport, Catalog &catalog,
                                       std::string topic)
    : m_transport(std::move(transport))
    , m_catalog(catalog)
    , m_topic(std::move(topic))
{}

Status CatalogReplication::createTopic()
{
    return m_transport->createTopic(m_topic, 1);
}

Result<std::size_t> CatalogReplication::follow()
{
    std::lock_guard lock(m_mutex);
    // The newest value of each key read this time, in the order first seen:
    // the leader writes rows a table after the tables it refers to.
    std::vector<CatalogRow> rows;
    std::map<std::string, std::size_t> index;
    KAPPA_ASSIGN_OR_RETURN(
        const Offset next,
        m_transport->readFrom(m_topic, PartitionId(0), m_next,
                              [&](std::string_view key, std::optional<std::string_view> value) {
                                  if (!value) // shared rows are never deleted: nothing to apply
                                      return;
                                  const auto [it, added] = index.emplace(std::string(key), rows.size());
                                  if (added)
                                      rows.push_back(CatalogRow{std::string(key), std::string(*value)});
                                  else
                                      rows[it->second].value = std::string(*value);
                              }));
    std::erase_if(rows, [&](const CatalogRow &row) {
        const auto known = m_rows.find(row.key);
        return known != m_rows.end() && known->second == row.value;
    });
    if (!rows.empty())
        KAPPA_RETURN_IF_ERROR(m_catalog.applySharedRows(rows).withContext("applying the shared catalog"));
    for (const CatalogRow &row : rows)
        m_rows[row.key] = row.value;
    m_next = next;
    return rows.size();
}

Result<std::size_t> CatalogReplication::publish()
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(const std::vector<CatalogRow> rows, m_catalog.sharedRows());
    std::vector<ChangelogEntry> changed;
    for (const CatalogRow &row : rows) {
        const auto known = m_rows.find(row.key);
        if (known == m_rows.end() || known->second != row.value)
            changed.push_back(ChangelogEntry{row.key, row.value});
    }
    if (changed.empty())
        return std::size_t{0};
    KAPPA_RETURN_IF_ERROR(
        m_transport->write(m_topic, PartitionId(0), changed).withContext("publishing the shared catalog"));
    for (const ChangelogEntry &entry : changed)
        m_rows[entry.key] = *entry.value;
    return changed.size();
}

Result<std::vector<std::string>> CatalogReplication::unsharedKeys()
{
    std::lock_guard lock(m_mutex);
    return unsharedKeysLocked();
}

Result<std::size_t> CatalogReplication::dropUnshared()
{
    std::lock_guard lock(m_mutex);
    KAPPA_ASSIGN_OR_RETURN(const std::vector<std::string> keys, unsharedKeysLocked());
    if (keys.empty())
        return std::size_t{0};
    return m_catalog.dropSharedRows(keys);
}

Result<std::vector<std::string>> CatalogReplication::unsharedKeysLocked()
{
    KAPPA_ASSIGN_OR_RETURN(const std::vector<CatalogRow> rows, m_catalog.sharedRows());
    std::vector<std::string> keys;
    for (const CatalogRow &row : rows)
        if (!m_rows.contains(row.key))
            keys.push_back(row.key);
    return keys;
}

} // namespace kappa::cluster
