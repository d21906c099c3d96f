// RecentConnections: the kappad connections that worked, newest first, kept
// in QSettings between runs. A connection is a URL and the path of a token
// file, never a token itself.
#pragma once

#include <QList>
#include <QString>
#include <QUrl>

class QSettings;

namespace kappa::console {

struct Connection
{
    QUrl url;
    QString tokenFile; // empty: anonymous

    bool operator==(const Connection &) const = default;
};

class RecentConnections
{
public:
    static constexpr int kMaxRemembered = 10;

    explicit RecentConnections(QSettings &settings);

    QList<Connection> list() const;
    // Moves `connection` to the front (a URL is remembered once, with its latest token file).
    void remember(const Connection &connection);

private:
    void store(const QList<Connection> &connections);

    QSettings &m_settings;
};

} // namespace kappa::console
