#include "app/main_window.h"

#include "app/connection_bar.h"
#include "app/job_dashboard_page.h"
#include "client/local_demo.h"
#include "client/workflow_decode.h"
#include "views/audit_panel.h"
#include "views/replays_panel.h"
#include "views/views_panel.h"
#include "wizards/approve_switch_wizard.h"
#include "wizards/launch_replay_wizard.h"
#include "wizards/rebuild_wizard.h"
#include "wizards/review_validation_wizard.h"
#include "wizards/rollback_wizard.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace kappa::console {

namespace {
constexpr int kPollMs = 1000;
constexpr int kMaxPollMs = 15000;
constexpr int kAuditPage = 1000;
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_connection(new ConnectionBar(m_settings))
    , m_banner(new QLabel)
    , m_status(new QLabel)
    , m_live(new QLabel)
    , m_table(new QTableView)
    , m_tabs(new QTabWidget)
    , m_refresh(new QTimer(this))
    , m_overview(new OverviewModel(this))
    , m_replays(new ReplaysModel(this))
    , m_versions(new VersionsModel(this))
    , m_audit(new AuditModel(this))
{
    setWindowTitle(tr("Kappa console"));
    // Shown only while kappad cannot be reached or refuses the console.
    m_banner->setObjectName(QStringLiteral("banner"));
    m_banner->setStyleSheet(QStringLiteral("background: #fdecea; color: #611a15; padding: 6px;"));
    m_banner->setWordWrap(true);
    m_banner->hide();
    connect(m_connection, &ConnectionBar::connectRequested, this, &MainWindow::connectToBar);
    connect(m_connection, &ConnectionBar::demoRequested, this, &MainWindow::startLocalDemo);
    connect(m_connection, &ConnectionBar::problem, this, &MainWindow::showProblem);

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(m_connection);
    layout->addWidget(m_banner);
    buildPages();
    layout->addWidget(m_tabs);
    setCentralWidget(central);
    buildActions();
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_live);

    if (!restoreGeometry(m_settings.value("window/geometry").toByteArray()))
        resize(1240, 760); // the first run: room for the dashboard's charts on a 1280×800 screen
    restoreState(m_settings.value("window/state").toByteArray());
    m_refresh->setSingleShot(true); // rearmed after each poll, with the backoff
    connect(m_refresh, &QTimer::timeout, this, &MainWindow::refresh);
}

MainWindow::~MainWindow() = default;

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

    m_dashboard = new JobDashboardPage(nullptr, nullptr);
    m_dashboard->setObjectName(QStringLiteral("dashboard"));
    m_tabs->addTab(m_dashboard, tr("&Dashboard"));
    // A double click on a version in the overview opens its dashboard.
    connect(m_table, &QTableView::doubleClicked, this, [this] {
        if (selectedJob().isEmpty())
            return;
        m_dashboard->showVersion(selectedJob(), selectedVersion());
        m_tabs->setCurrentWidget(m_dashboard);
    });

    auto *replays = new ReplaysPanel(m_replays);
    replays->setObjectName(QStringLiteral("replays"));
    m_tabs->addTab(replays, tr("&Replays"));
    connect(replays, &ReplaysPanel::controlRequested, this,
            [this](qint64 id, ReplayAction action, const QString &reason) {
                if (m_client)
                    m_client->controlReplay(id, action, reason);
            });
    connect(replays, &ReplaysPanel::rateChangeRequested, this, [this](qint64 id, const RateSettings &rate) {
        if (m_client)
            m_client->setReplayRate(id, rate);
    });

    auto *views = new ViewsPanel(m_versions, m_audit);
    views->setObjectName(QStringLiteral("views"));
    m_tabs->addTab(views, tr("&Views"));

    m_auditPanel = new AuditPanel(m_audit);
    m_auditPanel->setObjectName(QStringLiteral("audit"));
    m_tabs->addTab(m_auditPanel, tr("&Audit"));
    connect(m_auditPanel, &AuditPanel::verifyRequested, this, [this] {
        if (m_client)
            m_client->verifyAudit();
        else
            m_auditPanel->showVerificationFailed(tr("not connected"));
    });
}

void MainWindow::buildActions()
{
    QToolBar *toolBar = addToolBar(tr("Actions"));
    toolBar->setObjectName(QStringLiteral("actions")); // for saveState()
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    QMenu *connection = menuBar()->addMenu(tr("&Connection"));
    QAction *connectAction = connection->addAction(QIcon(QStringLiteral(":/icons/connect.svg")),
                                                   tr("&Connect"), this, &MainWindow::connectToBar);
    connectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    QAction *demo = connection->addAction(QIcon(QStringLiteral(":/icons/demo.svg")), tr("Start local &demo"),
                                          this, &MainWindow::startLocalDemo);
    demo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    QAction *reload = connection->addAction(QIcon(QStringLiteral(":/icons/refresh.svg")), tr("&Refresh now"),
                                            this, &MainWindow::refresh);
    reload->setShortcut(QKeySequence::Refresh);
    toolBar->addAction(reload);
    toolBar->addSeparator();
    connection->addSeparator();
    QAction *quit = connection->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *go = menuBar()->addMenu(tr("&Go"));
    for (int i = 0; i < m_tabs->count(); ++i) {
        QAction *page = go->addAction(m_tabs->tabText(i), this, [this, i] { m_tabs->setCurrentIndex(i); });
        page->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
    }
    buildWorkflowActions(menuBar()->addMenu(tr("&Workflow")), toolBar);
}

void MainWindow::buildWorkflowActions(QMenu *menu, QToolBar *toolBar)
{
    struct Step
    {
        const char *wizard;
        const char *icon;
        QString text;
        QKeySequence shortcut;
    };
    const Step steps[] = {
        {"launch-replay", "launch-replay", tr("&Launch replay…"), QKeySequence(Qt::CTRL | Qt::Key_L)},
        {"review-validation", "validate", tr("Review &validation…"),
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V)},
        {"approve-switch", "approve-switch", tr("&Approve switch…"),
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A)},
        {"rollback", "rollback", tr("Roll &back…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R)},
        {"rebuild", "rebuild", tr("Re&build a view…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B)},
    };
    for (const Step &step : steps) {
        const QString name = QLatin1String(step.wizard);
        QAction *action = menu->addAction(QIcon(
                                              QStringLiteral(":/icons/%1.svg").arg(QLatin1String(step.icon))),
                                          step.text, this, [this, name] { openWizard(name); });
        action->setShortcut(step.shortcut);
        action->setToolTip(
            QStringLiteral("%1 (%2)").arg(action->text().remove(QLatin1Char('&')).remove(QStringLiteral("…")),
                                          step.shortcut.toString(QKeySequence::NativeText)));
        action->setEnabled(false); // until connected
        toolBar->addAction(action);
        m_workflowActions.append(action);
    }
}

QStringList MainWindow::wizardNames()
{
    return {QStringLiteral("launch-replay"), QStringLiteral("review-validation"),
            QStringLiteral("approve-switch"), QStringLiteral("rollback"), QStringLiteral("rebuild")};
}

QString MainWindow::selectedJob() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows(OverviewModel::Job);
    return rows.isEmpty() ? QString() : rows.first().data().toString();
}

QString MainWindow::selectedVersion() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows(OverviewModel::Version);
    return rows.isEmpty() ? QString() : rows.first().data(OverviewModel::SortRole).toString();
}

QWizard *MainWindow::openWizard(const QString &wizard)
{
    if (!m_client)
        return nullptr;
    // The overview's selection, if any, is where the wizard starts.
    const QString job = selectedJob();
    const QString version = selectedVersion();
    QWizard *opened = nullptr;
    if (wizard == QLatin1String("launch-replay")) {
        auto *launch = new LaunchReplayWizard(m_client, m_jobs, this);
        if (!job.isEmpty())
            launch->setJob(job);
        connect(launch, &LaunchReplayWizard::launched, this, &MainWindow::refresh);
        opened = launch;
    } else if (wizard == QLatin1String("review-validation")) {
        auto *review = new ReviewValidationWizard(m_client, m_jobs, this);
        if (!job.isEmpty())
            review->setCandidate(job, version);
        connect(review, &ReviewValidationWizard::switchRequested, this, &MainWindow::refresh);
        opened = review;
    } else if (wizard == QLatin1String("approve-switch")) {
        auto *approve = new ApproveSwitchWizard(m_client, m_jobs, this);
        connect(approve, &ApproveSwitchWizard::switched, this, &MainWindow::refresh);
        opened = approve;
    } else if (wizard == QLatin1String("rollback")) {
        auto *rollback = new RollbackWizard(m_client, m_jobs, this);
        if (!job.isEmpty())
            rollback->setJob(job);
        connect(rollback, &RollbackWizard::rolledBack, this, &MainWindow::refresh);
        opened = rollback;
    } else if (wizard == QLatin1String("rebuild")) {
        auto *rebuild = new RebuildWizard(m_client, m_jobs, this);
        if (!job.isEmpty())
            rebuild->setVersion(job, version);
        connect(rebuild, &RebuildWizard::rebuildStarted, this, &MainWindow::refresh);
        opened = rebuild;
    } else {
        return nullptr;
    }
    opened->setAttribute(Qt::WA_DeleteOnClose);
    opened->show();
    return opened;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_settings.setValue("window/geometry", saveGeometry());
    m_settings.setValue("window/state", saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::connectTo(const QUrl &url, const QString &tokenFile)
{
    m_connection->showConnection(Connection{url, tokenFile, QString()});
    connectToBar();
}

void MainWindow::connectToBar()
{
    const Connection connection = m_connection->current();
    const QUrl url = connection.url;
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        disconnectClient();
        showProblem(tr("%1 is not a kappad URL: give http:// or https://, the host and the port.")
                        .arg(url.toString()));
        return;
    }
    if (!m_connection->tokenError().isEmpty()) { // never fall back to anonymous silently
        disconnectClient();
        showProblem(m_connection->tokenError());
        return;
    }
    m_remembered = m_demo && m_demo->url() == url; // the demo's port is new each time: not worth keeping
    connectClient(url, m_connection->token());
}

void MainWindow::connectClient(const QUrl &url, const QString &token)
{
    disconnectClient();
    m_client = new KappadClient(url, token, this);
    for (QAction *action : std::as_const(m_workflowActions))
        action->setEnabled(true);
    m_audit->clear(); // another kappad keeps another log
    connect(m_client, &KappadClient::jobsReceived, this, [this](const JobsSnapshot &snapshot) {
        m_jobs = snapshot;
        m_overview->setSnapshot(snapshot);
        m_versions->setSnapshot(snapshot);
        m_dashboard->setJobs(snapshot);
        pollSucceeded();
    });
    connect(m_client, &KappadClient::auditReceived, this, &MainWindow::auditReceived);
    connect(m_client, &KappadClient::auditVerified, m_auditPanel, &AuditPanel::showVerification);
    connect(m_client, &KappadClient::statusReceived, this, &MainWindow::showStatus);
    connect(m_client, &KappadClient::replaysReceived, m_replays, &ReplaysModel::setReplays);
    connect(m_client, &KappadClient::replayChanged, m_replays, &ReplaysModel::updateReplay);
    connect(m_client, &KappadClient::failed, this, &MainWindow::showFailure);
    connect(m_client, &KappadClient::actionFailed, this, &MainWindow::showRefusal);

    m_stream = new EventStream(url, token, this);
    connect(m_stream, &EventStream::metricsReceived, this, &MainWindow::streamMetrics);
    connect(m_stream, &EventStream::lifecycleReceived, this, &MainWindow::streamLifecycle);
    connect(m_stream, &EventStream::stateChanged, this, &MainWindow::showStreamState);
    connect(m_stream, &EventStream::reconnectScheduled, this, &MainWindow::showStreamState);
    m_stream->start();
    m_dashboard->setSources(m_client, m_stream);
    refresh();
}

void MainWindow::streamMetrics(const MetricsSnapshot &snapshot)
{
    m_lag.add(snapshot);
    QHash<QString, VersionLagEvaluation> evaluations;
    for (const JobInfo &job : m_jobs.jobs)
        for (const JobVersionInfo &version : job.versions)
            evaluations.insert(job.job + QLatin1Char('@') + version.version,
                               m_lag.evaluateVersion(job.job, version.version));
    m_overview->setLagEvaluations(evaluations);
}

void MainWindow::streamLifecycle(const LifecycleEvent &event)
{
    // The workflow's steps (replay.caught_up, switch.done, ...) change what the
    // pages show: poll now rather than within the second.
    QString text = event.event;
    if (!event.subject.isEmpty())
        text += QStringLiteral(" · ") + event.subject;
    if (!event.detail.isEmpty() || !event.error.isEmpty())
        text += QStringLiteral(" · ") + (event.detail.isEmpty() ? event.error : event.detail);
    statusBar()->showMessage(text, 15000);
    if (m_failedPolls == 0)
        refresh();
}

void MainWindow::showStreamState()
{
    if (!m_stream) {
        m_live->clear();
        return;
    }
    switch (m_stream->state()) {
    case EventStream::State::Connected: m_live->setText(tr("● live")); break;
    case EventStream::State::Waiting:
        m_live->setText(tr("○ live stream lost, reconnecting in %1 s")
                            .arg(QLocale().toString((m_stream->nextRetryInMs() + 999) / 1000)));
        break;
    case EventStream::State::Failed: m_live->setText(tr("○ live stream refused")); break;
    case EventStream::State::Connecting: m_live->setText(tr("○ connecting the live stream…")); break;
    case EventStream::State::Stopped: m_live->clear(); break;
    }
}

void MainWindow::disconnectClient()
{
    m_refresh->stop();
    for (QAction *action : std::as_const(m_workflowActions))
        action->setEnabled(false);
    // Wizards hold the client: they go with it (a wizard's pending answer would never come).
    qDeleteAll(findChildren<QWizard *>(QString(), Qt::FindDirectChildrenOnly));
    m_dashboard->setSources(nullptr, nullptr);
    delete m_client; // its calls in flight are dropped with it
    m_client = nullptr;
    delete m_stream;
    m_stream = nullptr;
    m_lag.clear();
    showStreamState();
    m_failedPolls = 0;
}

void MainWindow::startLocalDemo()
{
    if (m_demo && m_demo->running())
        return;
    delete m_demo;
    m_demo = new LocalDemo(this);
    m_connection->setDemoRunning(true);
    m_status->setText(tr("Starting a local kappad --demo…"));
    connect(m_demo, &LocalDemo::started, this, [this](const QUrl &url) {
        m_connection->showConnection(Connection{url, m_demo->operatorTokenFile(), QString()});
        connectToBar();
    });
    connect(m_demo, &LocalDemo::failed, this, [this](const QString &message) {
        m_connection->setDemoRunning(false);
        showProblem(message);
    });
    m_demo->start();
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

QStringList MainWindow::pageNames()
{
    return {QStringLiteral("overview"), QStringLiteral("replays"), QStringLiteral("views"),
            QStringLiteral("audit")};
}

void MainWindow::refresh()
{
    if (!m_client)
        return;
    m_client->fetchJobs();
    m_client->fetchStatus();
    m_client->fetchReplays();
    m_client->fetchAudit(m_audit->lastSeq(), kAuditPage);
    m_refresh->start(pollIntervalMs());
}

void MainWindow::auditReceived(const QList<AuditEntry> &entries)
{
    m_audit->append(entries);
    if (entries.size() == kAuditPage) // there is more: read on without waiting for the next poll
        m_client->fetchAudit(m_audit->lastSeq(), kAuditPage);
}

int MainWindow::pollIntervalMs() const
{
    // 1, 2, 4, 8 s ... while the polls fail, so that a kappad that is down is not hammered.
    return m_failedPolls == 0 ? kPollMs : std::min(kMaxPollMs, kPollMs << std::min(m_failedPolls, 4));
}

void MainWindow::pollSucceeded()
{
    m_banner->hide();
    m_failedPolls = 0;
    if (!m_established) {
        m_established = true;
        emit connectionEstablished();
    }
    if (!m_remembered) { // it worked: offer it next time
        m_connection->remember();
        m_remembered = true;
    }
}

QString MainWindow::bannerText() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
}

void MainWindow::showRefusal(const QString &what, const ApiError &error)
{
    // What the operator asked for on the Replays page gets its own answer (the
    // wizards show their refusals themselves); the polls' failures go to the
    // banner, which the next good poll hides.
    static const QRegularExpression kReplayControl(QStringLiteral("^(pause|resume|cancel) replay \\d+$"));
    if (!kReplayControl.match(what).hasMatch() && what != QLatin1String(workflow_call::kReplayRate))
        return;
    QMessageBox::warning(this, tr("kappad refused"),
                         tr("%1: %2 (%3, HTTP %4)").arg(what, error.message, error.code).arg(error.httpStatus));
}

void MainWindow::showFailure(const QString &what, const ApiError &error)
{
    if (what == QLatin1String(workflow_call::kVerifyAudit)) {
        m_auditPanel->showVerificationFailed(error.message);
        return;
    }
    // The banner speaks for the window's polls; pages and wizards answer their own calls.
    static const QStringList kPolls{QStringLiteral("jobs"), QStringLiteral("status"),
                                    QStringLiteral("replays"), QLatin1String(workflow_call::kAudit)};
    if (!kPolls.contains(what))
        return;
    if (what == QLatin1String("jobs")) { // the main poll sets the pace of the next ones
        ++m_failedPolls;
        m_refresh->start(pollIntervalMs());
    }
    const QString retry = tr("retrying in %1 s").arg(pollIntervalMs() / 1000);
    const QString text = error.httpStatus == 0 && error.code == QLatin1String("Unreachable")
                             ? tr("kappad at %1 cannot be reached (%2); %3.")
                                   .arg(m_client->baseUrl().toString(), error.message, retry)
                             : tr("%1: %2 (%3); %4.").arg(what, error.message, error.code, retry);
    showProblem(text);
}

void MainWindow::showProblem(const QString &text)
{
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
