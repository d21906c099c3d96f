// The main window against a real kappad --demo: it fills its pages from the
// polls, verifies the audit log, changes a replay's rate from the Replays
// page, says when kappad cannot be reached and backs off, refuses a URL that
// is not one, and starts a local demo by itself.
#include "app/main_window.h"
#include "client/kappad_client.h"
#include "kappad_process.h"
#include "views/replay_rate_dialog.h"
#include "views/throttle_fields.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace kappa::console;

namespace {

int rows(const MainWindow &window, const char *tableName)
{
    const auto *table = window.findChild<QTableView *>(QLatin1String(tableName));
    return table ? table->model()->rowCount() : -1;
}

// A loopback port nobody listens on.
int closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost);
    return server.serverPort();
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // settings go to a test location
        QVERIFY(m_dir.isValid());
        m_kappad = std::make_unique<KappadProcess>(m_dir.filePath("data"), QStringList{"--demo"});
        QVERIFY2(m_kappad->started(), m_kappad->log().constData());
        m_url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_kappad->port()));
    }

    void pagesFillFromThePolls()
    {
        MainWindow window;
        window.connectTo(m_url, m_dir.filePath("data/demo-operator.token"));
        QTRY_COMPARE_WITH_TIMEOUT(rows(window, "overview"), 3, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(rows(window, "versions") >= 3, 10000);
        // The demo sets the three aliases: they are the alias history.
        QTRY_VERIFY_WITH_TIMEOUT(rows(window, "aliasHistory") >= 3, 10000);
        QVERIFY(rows(window, "auditLog") > rows(window, "aliasHistory"));
        QVERIFY(window.bannerText().isEmpty());
        QCOMPARE(window.pollIntervalMs(), 1000);

        QVERIFY(window.showPage("audit"));
        auto *verify = window.findChild<QPushButton *>("verifyAudit");
        QVERIFY(verify);
        verify->click();
        const auto *verdict = window.findChild<QLabel *>("auditVerdict");
        QTRY_VERIFY_WITH_TIMEOUT(verdict->text().contains("verify"), 10000);
        QVERIFY2(verdict->text().startsWith(QStringLiteral("✔")), qPrintable(verdict->text()));
    }

    void replaysPageChangesTheRate()
    {
        MainWindow window;
        window.connectTo(m_url, m_dir.filePath("data/demo-operator.token"));
        QTRY_VERIFY_WITH_TIMEOUT(window.client() != nullptr, 10000);
        LaunchReplayRequest request;
        request.specJson = R"({"job":"fraud","version":"v1-rate","params":{}})";
        request.rate.rateMultiple = 2;
        window.client()->launchReplay(request);
        QVERIFY(window.showPage("replays"));
        QTRY_COMPARE_WITH_TIMEOUT(rows(window, "replaysTable"), 1, 10000);
        auto *table = window.findChild<QTableView *>("replaysTable");
        table->selectRow(0);
        auto *change = window.findChild<QPushButton *>("changeReplayRate");
        QTRY_VERIFY_WITH_TIMEOUT(change->isEnabled(), 10000);

        // The dialog starts from the replay's settings, refuses a floor above
        // the cap, and sends the new k.
        double shownK = 0;
        bool refusedFloorAboveCap = false;
        QTimer::singleShot(0, this, [&] {
            auto *dialog = qobject_cast<ReplayRateDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            auto *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
            shownK = dialog->fields()->rateMultiple()->value();
            dialog->fields()->maxRate()->setValue(500);
            dialog->fields()->minRate()->setValue(1000);
            refusedFloorAboveCap = !ok->isEnabled();
            dialog->fields()->maxRate()->setValue(0);
            dialog->fields()->rateMultiple()->setValue(7);
            ok->click();
        });
        change->click();
        QCOMPARE(shownK, 2.0);
        QVERIFY(refusedFloorAboveCap);
        QTRY_VERIFY_WITH_TIMEOUT(table->model()->index(0, 0).data(Qt::ToolTipRole).toString().contains("k = 7"),
                                 10000);
    }

    void unreachableBacksOff()
    {
        MainWindow window;
        window.connectTo(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(closedPort())), QString());
        QTRY_VERIFY_WITH_TIMEOUT(window.bannerText().contains("cannot be reached"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(window.pollIntervalMs() >= 2000, 10000);
        QVERIFY2(window.bannerText().contains("retrying in"), qPrintable(window.bannerText()));
    }

    void notAUrl()
    {
        MainWindow window;
        window.connectTo(QUrl(QStringLiteral("ftp://127.0.0.1:21")), QString());
        QVERIFY2(window.bannerText().contains("is not a kappad URL"), qPrintable(window.bannerText()));
        QVERIFY(!window.client());
    }

    void missingTokenFile()
    {
        MainWindow window;
        window.connectTo(m_url, m_dir.filePath("no-such.token"));
        QVERIFY2(window.bannerText().contains("Cannot read the token file"), qPrintable(window.bannerText()));
    }

    void startsALocalDemo()
    {
        qputenv("KAPPA_KAPPAD", KAPPAD_PATH);
        MainWindow window;
        window.startLocalDemo();
        QTRY_VERIFY_WITH_TIMEOUT(window.client() != nullptr, 60000);
        QCOMPARE(window.client()->baseUrl().host(), QStringLiteral("127.0.0.1"));
        QTRY_COMPARE_WITH_TIMEOUT(rows(window, "overview"), 3, 30000);
        QVERIFY(window.bannerText().isEmpty());
    }

    void cleanupTestCase()
    {
        if (m_kappad)
            QCOMPARE(m_kappad->stop(), 0);
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<KappadProcess> m_kappad;
    QUrl m_url;
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
