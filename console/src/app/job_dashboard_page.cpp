#include "app/job_dashboard_page.h"

#include "client/event_stream.h"
#include "client/kappad_client.h"
#include "models/partitions_model.h"
#include "views/job_dashboard_view.h"

#include <QDateTime>
#include <QLocale>
#include <QTimer>
#include <QVBoxLayout>

namespace kappa::console {

namespace {

constexpr HistorySeries kLoaded[] = {HistorySeries::LagRecords,   HistorySeries::LagSeconds,
                                     HistorySeries::InputRate,    HistorySeries::ProcessingRate,
                                     HistorySeries::CheckpointMs, HistorySeries::StateBytes};
constexpr qint64 kMetricsCallTimeoutMs = 10'000; // a call this old no longer blocks the next one

} // namespace

JobDashboardPage::JobDashboardPage(KappadClient *client, EventStream *stream, QWidget *parent)
    : QWidget(parent)
    , m_partitions(new PartitionsModel(this))
    , m_view(new JobDashboardView(m_partitions))
    , m_refresh(new QTimer(this))
{
    setObjectName(QStringLiteral("dashboard"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    m_refresh->setInterval(kRefreshMs);
    connect(m_refresh, &QTimer::timeout, this, &JobDashboardPage::refresh);
    connect(m_view, &JobDashboardView::versionPicked, this, &JobDashboardPage::showVersion);
    setSources(client, stream);
}

JobDashboardPage::~JobDashboardPage() = default;

void JobDashboardPage::setSources(KappadClient *client, EventStream *stream)
{
    if (m_client)
        m_client->disconnect(this);
    if (m_stream)
        m_stream->disconnect(this);
    m_client = client;
    m_stream = stream;
    m_metricsSentMs = 0;
    m_callProblem.clear();
    m_streamProblem.clear();
    m_tracker.clear();
    if (client) {
        connect(client, &KappadClient::metricsReceived, this, &JobDashboardPage::onMetrics);
        connect(client, &KappadClient::historyReceived, this, &JobDashboardPage::onHistory);
        connect(client, &KappadClient::failed, this, &JobDashboardPage::onFailed);
    }
    if (stream) {
        connect(stream, &EventStream::metricsReceived, this, &JobDashboardPage::onSnapshot);
        connect(stream, &EventStream::stateChanged, this, [this] {
            if (m_stream && m_stream->isConnected())
                m_streamProblem.clear();
            updateStreamStatus();
        });
        connect(stream, &EventStream::reconnectScheduled, this, &JobDashboardPage::updateStreamStatus);
        connect(stream, &EventStream::disconnected, this, [this](const ApiError &error) {
            m_streamProblem = error.httpStatus > 0
                                  ? tr("%1 (%2, HTTP %3)").arg(error.message, error.code).arg(error.httpStatus)
                                  : error.message;
            updateStreamStatus();
        });
    }
    if (!currentJob().isEmpty())
        showVersion(currentJob(), currentVersion()); // reload from the new source
    updateStreamStatus();
}

void JobDashboardPage::setJobs(const JobsSnapshot &jobs)
{
    m_view->setJobs(jobs);
    if (!currentJob().isEmpty())
        return;
    for (const JobInfo &job : jobs.jobs) {
        for (const JobVersionInfo &version : job.versions) {
            if (version.running && version.live) {
                showVersion(job.job, version.version);
                return;
            }
        }
    }
}

QString JobDashboardPage::currentJob() const
{
    return m_data ? m_data->job() : QString();
}

QString JobDashboardPage::currentVersion() const
{
    return m_data ? m_data->version() : QString();
}

bool JobDashboardPage::isCurrent(const QString &job, const QString &version) const
{
    return m_data && m_data->job() == job && m_data->version() == version;
}

qint64 JobDashboardPage::nowMs() const
{
    // kappad's clock when the stream has told it: the history's times are kappad's.
    return m_tracker.nowMs() > 0 ? m_tracker.nowMs() : QDateTime::currentMSecsSinceEpoch();
}

void JobDashboardPage::showVersion(const QString &job, const QString &version)
{
    m_data = std::make_unique<VersionDashboard>(job, version);
    m_metricsSentMs = 0;
    m_callProblem.clear();
    m_partitions->clear();
    m_view->setCurrentVersion(job, version);
    m_view->clearData();
    loadHistory();
    showCurrent();
    if (isVisible())
        refresh();
}

void JobDashboardPage::loadHistory()
{
    if (!m_client || !m_data)
        return;
    const qint64 to = nowMs();
    for (HistorySeries series : kLoaded)
        m_client->fetchHistory(m_data->job(), m_data->version(), series, to - kHistoryMs, to);
}

void JobDashboardPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_refresh->start();
    refresh();
}

void JobDashboardPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_refresh->stop();
}

void JobDashboardPage::refresh()
{
    updateStreamStatus(); // the countdown to the next reconnection
    if (!m_client || !m_data)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_metricsSentMs > 0 && now - m_metricsSentMs < kMetricsCallTimeoutMs)
        return; // the previous call has not answered yet
    m_metricsSentMs = now;
    m_client->fetchMetrics(m_data->job(), m_data->version());
}

void JobDashboardPage::onSnapshot(const MetricsSnapshot &snapshot)
{
    m_tracker.add(snapshot);
    if (!m_data)
        return;
    if (m_data->addSnapshot(snapshot))
        showCurrent();
    else
        m_view->showLagEvaluation(m_tracker.evaluateVersion(m_data->job(), m_data->version()));
}

void JobDashboardPage::onMetrics(const VersionMetricsInfo &metrics)
{
    if (!isCurrent(metrics.job, metrics.version))
        return;
    m_metricsSentMs = 0;
    m_callProblem.clear();
    m_data->addMetrics(metrics, nowMs());
    m_partitions->setMetrics(metrics);
    m_partitions->setLagStates(m_tracker.evaluateTasks(metrics.job, metrics.version));
    showCurrent();
    updateStreamStatus();
}

void JobDashboardPage::onHistory(const HistoryInfo &history)
{
    if (!isCurrent(history.job, history.version))
        return;
    m_data->addHistory(history);
    showCurrent();
}

void JobDashboardPage::onFailed(const QString &what, const ApiError &error)
{
    if (!m_data)
        return;
    const QString target = m_data->job() + QLatin1Char('@') + m_data->version();
    if (what.startsWith(QStringLiteral("metrics of ") + target))
        m_metricsSentMs = 0;
    else if (!what.startsWith(QStringLiteral("history of ") + target))
        return; // another page's call
    if (what.startsWith(QLatin1String("history of")) && error.httpStatus == 400)
        return; // an older kappad without this series: the chart starts with the live data
    m_callProblem = tr("%1: %2").arg(what, error.message);
    updateStreamStatus();
}

void JobDashboardPage::showCurrent()
{
    if (!m_data)
        return;
    m_view->showData(*m_data);
    m_view->showLagEvaluation(m_tracker.evaluateVersion(m_data->job(), m_data->version()));
    m_partitions->setLagStates(m_tracker.evaluateTasks(m_data->job(), m_data->version()));
}

void JobDashboardPage::updateStreamStatus()
{
    if (!m_stream) {
        m_view->setStatusText(tr("not connected"), false);
        return;
    }
    QString text;
    bool problem = false;
    switch (m_stream->state()) {
    case EventStream::State::Stopped: text = tr("live updates are off"); break;
    case EventStream::State::Connecting: text = tr("connecting to the live stream…"); break;
    case EventStream::State::Connected: text = tr("live"); break;
    case EventStream::State::Waiting: {
        const int seconds = (std::max(m_stream->nextRetryInMs(), 0) + 999) / 1000;
        text = tr("live stream lost (%1); reconnecting in %n s", nullptr, seconds).arg(m_streamProblem);
        problem = true;
        break;
    }
    case EventStream::State::Failed:
        text = tr("kappad refused the live stream: %1").arg(m_streamProblem);
        problem = true;
        break;
    }
    if (!m_callProblem.isEmpty()) {
        text += QStringLiteral(" · ") + m_callProblem;
        problem = true;
    }
    m_view->setStatusText(text, problem);
}

} // namespace kappa::console
