// The job dashboard page against a real kappad --demo: pick fraud@v1, and
// the charts fill from history and the stream, the partitions table gets its
// rows, the KPIs their figures. With KAPPA_SCREENSHOT_DIR set it saves a
// picture of the page at 1280×800 there (for looking at it under Xvfb).
#include "app/job_dashboard_page.h"
#include "charts/checkpoint_chart.h"
#include "charts/latency_histogram_chart.h"
#include "charts/time_series_chart.h"
#include "client/event_stream.h"
#include "client/kappad_client.h"
#include "kappad_process.h"
#include "models/partitions_model.h"
#include "views/job_dashboard_view.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace kappa::console;

class TestJobDashboard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_kappad = std::make_unique<KappadProcess>(m_dir.filePath("data"), QStringList{"--demo"});
        QVERIFY2(m_kappad->started(), m_kappad->log().constData());
        m_url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_kappad->port()));
    }

    void dashboardCallsOfTheClient()
    {
        KappadClient client(m_url, QString());
        QSignalSpy metrics(&client, &KappadClient::metricsReceived);
        QSignalSpy history(&client, &KappadClient::historyReceived);
        QSignalSpy failed(&client, &KappadClient::failed);
        // The tasks report once they have read something.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                client.fetchMetrics("fraud", "v1");
                return metrics.wait(5000)
                       && !metrics.last().at(0).value<VersionMetricsInfo>().tasks.isEmpty();
            }(),
            30'000);
        const VersionMetricsInfo m = metrics.last().at(0).value<VersionMetricsInfo>();
        QCOMPARE(m.job, QStringLiteral("fraud"));
        QVERIFY(m.tasks[0].task.startsWith("fraud@v1/"));
        if (!m.latency.buckets.isEmpty()) // kappad sends the histogram from this release on
            QVERIFY(!m.latency.buckets.back().upperMs.has_value());

        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        client.fetchHistory("fraud", "v1", HistorySeries::LagRecords, now - JobDashboardPage::kHistoryMs, now);
        QVERIFY(history.wait(10'000));
        const HistoryInfo lag = history.takeFirst().at(0).value<HistoryInfo>();
        QCOMPARE(lag.series, HistorySeries::LagRecords);
        QCOMPARE(lag.version, QStringLiteral("v1"));
        QVERIFY(!lag.tasks.isEmpty());
        client.fetchHistory("fraud", "v1", HistorySeries::CheckpointMs, now - 60'000, now);
        QVERIFY(history.wait(10'000));
        QCOMPARE(history.takeFirst().at(0).value<HistoryInfo>().series, HistorySeries::CheckpointMs);
        QCOMPARE(failed.count(), 0);

        client.fetchMetrics("fraud", "v9");
        QVERIFY(failed.wait(10'000));
        QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("metrics of fraud@v9"));
        QCOMPARE(failed.at(0).at(1).value<ApiError>().httpStatus, 404);
    }

    void fraudFillsTheDashboard()
    {
        KappadClient client(m_url, QString());
        EventStream stream(m_url, QString());
        JobDashboardPage page(&client, &stream);
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        stream.start();

        // The picker offers the running versions; fraud@v1 is picked like an operator would.
        QSignalSpy jobs(&client, &KappadClient::jobsReceived);
        client.fetchJobs();
        QVERIFY(jobs.wait(10'000));
        page.setJobs(jobs.at(0).at(0).value<JobsSnapshot>());
        QComboBox *picker = page.view()->picker();
        QVERIFY(picker->count() >= 3);
        int fraud = -1;
        for (int i = 0; i < picker->count(); ++i)
            if (picker->itemData(i).toStringList() == QStringList{"fraud", "v1"})
                fraud = i;
        QVERIFY(fraud >= 0);
        picker->setCurrentIndex(fraud);
        QCOMPARE(page.currentJob(), QStringLiteral("fraud"));
        QCOMPARE(page.currentVersion(), QStringLiteral("v1"));

        // Data arrives: live snapshots, history, per-task metrics.
        JobDashboardView *view = page.view();
        QTRY_VERIFY_WITH_TIMEOUT(view->lagChart()->seriesGraph(0)->dataCount() >= 3, 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(view->throughputChart()->seriesGraph(1)->dataCount() >= 3, 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(view->stateChart()->seriesGraph(0)->dataCount() >= 1, 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(page.partitions()->rowCount() > 0, 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(view->partitionsTable()->model()->rowCount() == page.partitions()->rowCount(),
                                 5000);
        QVERIFY(page.partitions()->index(0, PartitionsModel::Task).data().toString().startsWith("fraud@v1/"));
        QTRY_VERIFY_WITH_TIMEOUT(!view->latencyChart()->bars().isEmpty(), 20'000);
        QVERIFY(view->latencyChart()->p99Marker()->visible());
        QVERIFY(view->latencyChart()->sloMarker()->visible()); // fraud's SLO from /api/v1/jobs
        QVERIFY(view->kpiText("kpiLagRecords").contains("events"));
        QVERIFY(!view->kpiText("kpiThroughput").isEmpty());
        QVERIFY(view->kpiText("kpiStateSize") != QStringLiteral("–"));
        QVERIFY(!view->kpiText("kpiLagStatus").isEmpty());
        QCOMPARE(page.data()->job(), QStringLiteral("fraud"));
        QVERIFY(!page.data()->series(DashboardSeries::ProcessingRate).isEmpty());

        // Checkpoints (the demo checkpoints every 5 s) and Burrow's window fill within a few seconds more.
        QTRY_VERIFY_WITH_TIMEOUT(view->checkpointChart()->checkpointGraph()->dataCount() > 0, 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(page.lagTracker().tasks("fraud", "v1").size() > 0, 5000);
        qInfo("lag status: %s", qPrintable(view->kpiText("kpiLagStatus")));

        // Another version: the data starts over for it.
        for (int i = 0; i < picker->count(); ++i)
            if (picker->itemData(i).toStringList() == QStringList{"user_features", "v1"})
                picker->setCurrentIndex(i);
        QCOMPARE(page.currentJob(), QStringLiteral("user_features"));
        QTRY_VERIFY_WITH_TIMEOUT(page.partitions()->rowCount() > 0
                                     && page.partitions()->index(0, 0).data().toString().startsWith(
                                         "user_features"),
                                 10'000);
        for (int i = 0; i < picker->count(); ++i)
            if (picker->itemData(i).toStringList() == QStringList{"fraud", "v1"})
                picker->setCurrentIndex(i);
        QTRY_VERIFY_WITH_TIMEOUT(view->lagChart()->seriesGraph(0)->dataCount() >= 3, 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(page.partitions()->rowCount() > 0, 10'000);

        const QString shots = qEnvironmentVariable("KAPPA_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            QTest::qWait(1500);
            QVERIFY(page.grab().save(QDir(shots).filePath("job_dashboard.png")));
        }
        QCOMPARE(view->statusText(), QStringLiteral("live"));

        // kappad goes away: the page says so and when the stream tries again.
        QCOMPARE(m_kappad->stop(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(view->statusText().contains("reconnecting in"), 10'000);
        qInfo("status: %s", qPrintable(view->statusText()));
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

QTEST_MAIN(TestJobDashboard)
#include "test_job_dashboard.moc"
