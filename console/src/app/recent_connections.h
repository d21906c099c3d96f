// RecentConnections: the kappad connections that worked, newest first, kept
// in QSettings between runs. A connection is a URL and the path of a token
// file; the token itself only when the operator asked to remember it (it is
// then in the settings file in plain text, readable by the user's account).
#pragma once

#include <QList>
#include <QString>
#include <QUrl>

class QSettings;

namespace kappa::console {

struct Connection
{
    QUrl url;
    QString tokenFile; // where the token was read from; empty: typed in, or anonymous
    QString token;     // kept only when the operator asked for it

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
