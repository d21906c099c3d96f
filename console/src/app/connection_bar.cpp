#include "app/connection_bar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QToolButton>

namespace kappa::console {

ConnectionBar::ConnectionBar(QSettings &settings, QWidget *parent)
    : QWidget(parent)
    , m_settings(settings)
    , m_url(new QComboBox)
    , m_token(new QLineEdit)
    , m_remember(new QCheckBox(tr("Re&member token")))
    , m_demo(new QPushButton(tr("Start local &demo")))
{
    m_url->setEditable(true);
    m_url->setInsertPolicy(QComboBox::NoInsert);
    m_url->setToolTip(tr("kappad's URL; the list holds the connections that worked"));
    m_url->setMinimumContentsLength(24);
    connect(m_url, &QComboBox::activated, this, &ConnectionBar::recentPicked);
    connect(m_url->lineEdit(), &QLineEdit::returnPressed, this, &ConnectionBar::connectRequested);

    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("token (empty: anonymous viewer)"));
    connect(m_token, &QLineEdit::textEdited, this, [this] { // typed in
        m_tokenFile.clear();
        m_tokenError.clear();
    });
    connect(m_token, &QLineEdit::returnPressed, this, &ConnectionBar::connectRequested);
    auto *fromFile = new QToolButton;
    fromFile->setText(tr("From &file…"));
    fromFile->setToolTip(tr("Read the token from a file, such as the demo's demo-operator.token"));
    connect(fromFile, &QToolButton::clicked, this, &ConnectionBar::chooseTokenFile);
    m_remember->setToolTip(tr("Keep the token in the console's settings file (plain text, readable by your "
                              "account). Without it only the URL and the token file's path are kept."));

    auto *connectButton = new QPushButton(tr("&Connect"));
    connect(connectButton, &QPushButton::clicked, this, &ConnectionBar::connectRequested);
    m_demo->setToolTip(tr("Run kappad --demo on a temporary directory and connect to it"));
    connect(m_demo, &QPushButton::clicked, this, &ConnectionBar::demoRequested);

    auto *label = new QLabel(tr("&kappad:"));
    label->setBuddy(m_url);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(label);
    layout->addWidget(m_url, 3);
    layout->addWidget(m_token, 2);
    layout->addWidget(fromFile);
    layout->addWidget(m_remember);
    layout->addWidget(connectButton);
    layout->addWidget(m_demo);
    fillRecent();
}

void ConnectionBar::fillRecent()
{
    const QString current = m_url->currentText();
    m_url->clear();
    for (const Connection &connection : RecentConnections(m_settings).list())
        m_url->addItem(connection.url.toString());
    if (m_url->count() == 0)
        m_url->addItem(QStringLiteral("http://127.0.0.1:8470"));
    if (current.isEmpty())
        recentPicked(0); // the last connection that worked
    else
        m_url->setCurrentText(current);
}

void ConnectionBar::recentPicked(int index)
{
    const QList<Connection> recent = RecentConnections(m_settings).list();
    if (index < 0 || index >= recent.size())
        return;
    showConnection(recent[index]);
}

void ConnectionBar::showConnection(const Connection &connection)
{
    m_url->setCurrentText(connection.url.toString());
    m_remember->setChecked(!connection.token.isEmpty());
    m_tokenFile.clear();
    m_tokenError.clear();
    m_token->setText(connection.token);
    if (connection.token.isEmpty() && !connection.tokenFile.isEmpty())
        readTokenFile(connection.tokenFile);
}

void ConnectionBar::chooseTokenFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Token file"), m_tokenFile);
    if (!path.isEmpty())
        readTokenFile(path);
}

void ConnectionBar::readTokenFile(const QString &path)
{
    QFile file(path);
    m_tokenFile = path;
    if (!file.open(QIODevice::ReadOnly)) {
        m_token->clear();
        m_tokenError = tr("Cannot read the token file %1: %2").arg(path, file.errorString());
        emit problem(m_tokenError);
        return;
    }
    m_token->setText(QString::fromUtf8(file.readAll()).trimmed());
    m_tokenError.clear();
}

QString ConnectionBar::token() const
{
    return m_token->text().trimmed();
}

bool ConnectionBar::rememberToken() const
{
    return m_remember->isChecked();
}

Connection ConnectionBar::current() const
{
    return Connection{QUrl(m_url->currentText().trimmed()), m_tokenFile,
                      rememberToken() ? token() : QString()};
}

void ConnectionBar::remember()
{
    RecentConnections(m_settings).remember(current());
    fillRecent();
}

void ConnectionBar::setDemoRunning(bool running)
{
    m_demo->setEnabled(!running);
}

} // namespace kappa::console
