#include "app/recent_connections.h"

#include <QSettings>

namespace kappa::console {

namespace {
constexpr const char *kGroup = "connections";
}

RecentConnections::RecentConnections(QSettings &settings)
    : m_settings(settings)
{}

QList<Connection> RecentConnections::list() const
{
    QList<Connection> out;
    const int size = m_settings.beginReadArray(kGroup);
    for (int i = 0; i < size && out.size() < kMaxRemembered; ++i) {
        m_settings.setArrayIndex(i);
        const QUrl url(m_settings.value("url").toString());
        if (url.isValid() && !url.isEmpty())
            out.append(Connection{url, m_settings.value("tokenFile").toString(),
                                  m_settings.value("token").toString()});
    }
    m_settings.endArray();
    return out;
}

void RecentConnections::remember(const Connection &connection)
{
    QList<Connection> connections = list();
    connections.removeIf([&](const Connection &known) { return known.url == connection.url; });
    connections.prepend(connection);
    while (connections.size() > kMaxRemembered)
        connections.removeLast();
    store(connections);
}

void RecentConnections::store(const QList<Connection> &connections)
{
    m_settings.remove(kGroup);
    m_settings.beginWriteArray(kGroup, static_cast<int>(connections.size()));
    for (int i = 0; i < connections.size(); ++i) {
        m_settings.setArrayIndex(i);
        m_settings.setValue("url", connections[i].url.toString());
        m_settings.setValue("tokenFile", connections[i].tokenFile);
        if (!connections[i].token.isEmpty())
            m_settings.setValue("token", connections[i].token);
    }
    m_settings.endArray();
}

} // namespace kappa::console
