// The console's main window: where it is connected, the overview of every
// job version and the replays, refreshed every second.
#pragma once

#include "client/kappad_client.h"
#include "models/overview_model.h"
#include "models/replays_model.h"

#include <QMainWindow>
#include <QSettings>

class QComboBox;
class QLayout;
class QLabel;
class QLineEdit;
class QTabWidget;
class QTableView;
class QTimer;

namespace kappa::console {

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

    // Connects to kappad at `url`, with the token in `tokenFile` (none: anonymous).
    void connectTo(const QUrl &url, const QString &tokenFile);
    // Shows the tab named `page` ("overview", "replays"); false if there is none.
    bool showPage(const QString &page);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QLayout *buildConnectionBar();
    void buildPages();
    void connectClicked();
    void fillRecentConnections();
    void recentConnectionPicked(int index);
    void refresh();
    void showFailure(const QString &what, const ApiError &error);
    void showRefusal(const QString &what, const ApiError &error);
    void showStatus(const ServiceStatus &status);

    QSettings m_settings;
    QComboBox *m_url;
    QLineEdit *m_tokenFile;
    QLabel *m_banner;
    QLabel *m_status;
    QTableView *m_table;
    QTabWidget *m_tabs;
    QTimer *m_refresh;
    OverviewModel *m_overview;
    ReplaysModel *m_replays;
    KappadClient *m_client = nullptr;
    bool m_remembered = false; // the current connection is in the recent list
};

} // namespace kappa::console
