// The console's main window: where it is connected, and the overview of
// every job version, refreshed every second.
#pragma once

#include "client/kappad_client.h"
#include "models/overview_model.h"

#include <QMainWindow>

class QLabel;
class QLineEdit;
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

private:
    void connectClicked();
    void refresh();
    void showFailure(const QString &what, const ApiError &error);
    void showStatus(const ServiceStatus &status);

    QLineEdit *m_url;
    QLineEdit *m_tokenFile;
    QLabel *m_banner;
    QLabel *m_status;
    QTableView *m_table;
    QTimer *m_refresh;
    OverviewModel *m_overview;
    KappadClient *m_client = nullptr;
};

} // namespace kappa::console
