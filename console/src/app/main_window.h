// The console's main window: where it is connected (or the local demo it
// runs), the pages (overview, replays, views, audit) and the workflow's
// actions. Polls kappad every second, backing off while it cannot be reached.
#pragma once

#include "client/event_stream.h"
#include "client/kappad_client.h"
#include "models/audit_model.h"
#include "models/lag_tracker.h"
#include "models/overview_model.h"
#include "models/replays_model.h"
#include "models/versions_model.h"

#include <QMainWindow>
#include <QSettings>

class QLabel;
class QMenu;
class QToolBar;
class QTabWidget;
class QTableView;
class QTimer;
class QWizard;

namespace kappa::console {

class AuditPanel;
class JobDashboardPage;
class ConnectionBar;
class LocalDemo;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Connects to kappad at `url`, with the token in `tokenFile` (none: anonymous).
    void connectTo(const QUrl &url, const QString &tokenFile);
    // Starts kappad --demo on a temporary directory and connects to it as its operator.
    void startLocalDemo();
    // Shows the page named `page` ("overview", "replays", ...); false if there is none.
    bool showPage(const QString &page);
    static QStringList pageNames();
    // Opens the wizard named `wizard` (wizardNames()) over the window; null if there is none or no connection.
    QWizard *openWizard(const QString &wizard);
    static QStringList wizardNames();

    // The current connection's client; null while disconnected. For tests.
    KappadClient *client() const { return m_client; }
    // The poll interval now: one second, longer while kappad cannot be reached.
    int pollIntervalMs() const;
    QString bannerText() const;

signals:
    // The first poll of a connection succeeded.
    void connectionEstablished();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildPages();
    void buildActions();
    void buildWorkflowActions(QMenu *menu, QToolBar *toolBar);
    QString selectedJob() const;
    QString selectedVersion() const;
    void connectToBar();
    void connectClient(const QUrl &url, const QString &token);
    void disconnectClient();
    void refresh();
    void pollSucceeded();
    void auditReceived(const QList<AuditEntry> &entries);
    void showFailure(const QString &what, const ApiError &error);
    void showRefusal(const QString &what, const ApiError &error);
    void showProblem(const QString &text);
    void showStatus(const ServiceStatus &status);
    void streamMetrics(const MetricsSnapshot &snapshot);
    void streamLifecycle(const LifecycleEvent &event);
    void showStreamState();

    QSettings m_settings;
    ConnectionBar *m_connection;
    QLabel *m_banner;
    QLabel *m_status;
    QLabel *m_live; // the live stream's state
    QTableView *m_table;
    QTabWidget *m_tabs;
    QTimer *m_refresh;
    QList<QAction *> m_workflowActions; // need a connection
    OverviewModel *m_overview;
    ReplaysModel *m_replays;
    VersionsModel *m_versions;
    AuditModel *m_audit;
    AuditPanel *m_auditPanel = nullptr;
    JobDashboardPage *m_dashboard = nullptr;
    KappadClient *m_client = nullptr;
    EventStream *m_stream = nullptr;
    LagTracker m_lag;
    JobsSnapshot m_jobs; // the latest
    LocalDemo *m_demo = nullptr;
    bool m_remembered = false;  // the current connection is in the recent list (or is the demo's)
    int m_failedPolls = 0;      // in a row; sets the backoff
    bool m_established = false; // a poll of this connection has succeeded
};

} // namespace kappa::console
