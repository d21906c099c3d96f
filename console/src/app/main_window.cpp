#include "app/main_window.h"

#include "app/recent_connections.h"
#include "views/replays_panel.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QFile>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace kappa::console {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_url(new QComboBox)
    , m_tokenFile(new QLineEdit)
    , m_banner(new QLabel)
    , m_status(new QLabel)
    , m_table(new QTableView)
    , m_tabs(new QTabWidget)
    , m_refresh(new QTimer(this))
    , m_overview(new OverviewModel(this))
    , m_replays(new ReplaysModel(this))
{
    setWindowTitle(tr("Kappa console"));
    // Shown only while kappad cannot be reached or refuses the console.
    m_banner->setStyleSheet(QStringLiteral("background: #fdecea; color: #611a15; padding: 6px;"));
    m_banner->setWordWrap(true);
    m_banner->hide();

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->addLayout(buildConnectionBar());
    layout->addWidget(m_banner);
    buildPages();
    layout->addWidget(m_tabs);
    setCentralWidget(central);
    statusBar()->addWidget(m_status);

    restoreGeometry(m_settings.value("window/geometry").toByteArray());
    restoreState(m_settings.value("window/state").toByteArray());
    m_refresh->setInterval(1000);
    connect(m_refresh, &QTimer::timeout, this, &MainWindow::refresh);
}

QLayout *MainWindow::buildConnectionBar()
{
    m_url->setEditable(true);
    m_url->setInsertPolicy(QComboBox::NoInsert);
    m_url->setToolTip(tr("kappad's URL; the list holds the connections that worked"));
    fillRecentConnections();
    connect(m_url, &QComboBox::activated, this, &MainWindow::recentConnectionPicked);
    connect(m_url->lineEdit(), &QLineEdit::returnPressed, this, &MainWindow::connectClicked);
    m_tokenFile->setPlaceholderText(tr("token file (empty: anonymous viewer)"));
    auto *connectButton = new QPushButton(tr("&Connect"));
    connect(connectButton, &QPushButton::clicked, this, &MainWindow::connectClicked);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("kappad:")));
    bar->addWidget(m_url, 2);
    bar->addWidget(m_tokenFile, 2);
    bar->addWidget(connectButton);
    return bar;
}

void MainWindow::buildPages()
{
    auto *sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(m_overview);
    sorted->setSortRole(OverviewModel::SortRole);
    m_table->setModel(sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(OverviewModel::Job, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setObjectName(QStringLiteral("overview"));
    m_tabs->addTab(m_table, tr("&Overview"));

    auto *replays = new ReplaysPanel(m_replays);
    replays->setObjectName(QStringLiteral("replays"));
    m_tabs->addTab(replays, tr("&Replays"));
    connect(replays, &ReplaysPanel::controlRequested, this,
            [this](qint64 id, ReplayAction action, const QString &reason) {
                if (m_client)
                    m_client->controlReplay(id, action, reason);
            });
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_settings.setValue("window/geometry", saveGeometry());
    m_settings.setValue("window/state", saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::fillRecentConnections()
{
    const QString current = m_url->currentText();
    m_url->clear();
    for (const Connection &connection : RecentConnections(m_settings).list())
        m_url->addItem(connection.url.toString(), connection.tokenFile);
    if (m_url->count() == 0)
        m_url->addItem(QStringLiteral("http://127.0.0.1:8470"), QString());
    if (current.isEmpty())
        m_tokenFile->setText(m_url->itemData(0).toString()); // the last connection that worked
    else
        m_url->setCurrentText(current);
}

void MainWindow::recentConnectionPicked(int index)
{
    m_tokenFile->setText(m_url->itemData(index).toString());
}

void MainWindow::connectClicked()
{
    connectTo(QUrl(m_url->currentText().trimmed()), m_tokenFile->text().trimmed());
}

void MainWindow::connectTo(const QUrl &url, const QString &tokenFile)
{
    m_url->setCurrentText(url.toString());
    m_tokenFile->setText(tokenFile);
    m_remembered = false;
    m_refresh->stop();
    delete m_client; // its calls in flight are dropped with it
    m_client = nullptr;
    QString token;
    if (!tokenFile.isEmpty()) {
        QFile file(tokenFile);
        if (!file.open(QIODevice::ReadOnly)) {
            m_banner->setText(tr("Cannot read the token file %1: %2").arg(tokenFile, file.errorString()));
            m_banner->show();
            return;
        }
        token = QString::fromUtf8(file.readAll()).trimmed();
    }
    m_client = new KappadClient(url, token, this);
    connect(m_client, &KappadClient::jobsReceived, this, [this, url, tokenFile](const JobsSnapshot &snapshot) {
        m_banner->hide();
        m_overview->setSnapshot(snapshot);
        if (!m_remembered) { // it worked: offer it next time
            RecentConnections(m_settings).remember(Connection{url, tokenFile});
            m_remembered = true;
            fillRecentConnections();
        }
    });
    connect(m_client, &KappadClient::statusReceived, this, &MainWindow::showStatus);
    connect(m_client, &KappadClient::replaysReceived, m_replays, &ReplaysModel::setReplays);
    connect(m_client, &KappadClient::replayChanged, m_replays, &ReplaysModel::updateReplay);
    connect(m_client, &KappadClient::failed, this, &MainWindow::showFailure);
    connect(m_client, &KappadClient::actionFailed, this, &MainWindow::showRefusal);
    refresh();
    m_refresh->start();
}

bool MainWindow::showPage(const QString &page)
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (m_tabs->widget(i)->objectName() == page) {
            m_tabs->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

void MainWindow::refresh()
{
    if (!m_client)
        return;
    m_client->fetchJobs();
    m_client->fetchStatus();
    m_client->fetchReplays();
}

void MainWindow::showRefusal(const QString &what, const ApiError &error)
{
    // What the operator asked for gets its own answer; the polls' failures
    // go to the banner, which the next good poll hides.
    QMessageBox::warning(this, tr("kappad refused"),
                         tr("%1: %2 (%3, HTTP %4)").arg(what, error.message, error.code).arg(error.httpStatus));
}

void MainWindow::showFailure(const QString &what, const ApiError &error)
{
    const QString text = error.httpStatus == 0 && error.code == QLatin1String("Unreachable")
                             ? tr("kappad at %1 cannot be reached (%2); retrying every second.")
                                   .arg(m_url->currentText(), error.message)
                             : tr("%1: %2 (%3)").arg(what, error.message, error.code);
    m_banner->setText(text);
    m_banner->show();
}

void MainWindow::showStatus(const ServiceStatus &status)
{
    const QLocale locale;
    QString text = tr("%1 · up %2 s · %3 events in %4 partitions")
                       .arg(status.ready ? tr("ready") : tr("not ready"))
                       .arg(locale.toString(qint64(status.uptimeSeconds)))
                       .arg(locale.toString(status.eventsAppended))
                       .arg(status.partitions);
    if (status.demoRate)
        text += tr(" · demo at %1 events/s").arg(locale.toString(*status.demoRate, 'f', 0));
    m_status->setText(text);
}

} // namespace kappa::console
