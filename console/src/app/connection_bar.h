// ConnectionBar: where the console connects — kappad's URL (with the
// connections that worked before), a token typed in or read from a file, and
// whether to remember the token — or "Start local demo".
#pragma once

#include "app/recent_connections.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPushButton;
class QSettings;

namespace kappa::console {

class ConnectionBar : public QWidget
{
    Q_OBJECT

public:
    ConnectionBar(QSettings &settings, QWidget *parent = nullptr);

    // Shows `connection` (what connectTo was called with, or the demo's).
    void showConnection(const Connection &connection);
    // The connection as the fields describe it now; the token only if it is to be remembered.
    Connection current() const;
    QString token() const;
    // Why the token file could not be read; empty when the token is fine.
    QString tokenError() const { return m_tokenError; }
    bool rememberToken() const;
    // Remembers current() as a connection that worked and offers it next time.
    void remember();
    void setDemoRunning(bool running);

signals:
    void connectRequested();
    void demoRequested();
    // A token file could not be read.
    void problem(const QString &message);

private:
    void fillRecent();
    void recentPicked(int index);
    void chooseTokenFile();
    void readTokenFile(const QString &path);

    QSettings &m_settings;
    QComboBox *m_url;
    QLineEdit *m_token;
    QString m_tokenFile; // where the token in m_token came from; empty: typed in
    QString m_tokenError;
    QCheckBox *m_remember;
    QPushButton *m_demo;
};

} // namespace kappa::console
