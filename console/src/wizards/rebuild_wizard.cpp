#include "wizards/rebuild_wizard.h"

#include "client/workflow_decode.h"
#include "models/overview_model.h"
#include "models/replays_model.h"
#include "wizards/wizard_support.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QTimer>
#include <QVBoxLayout>

namespace kappa::console {

namespace {

using Page = RebuildWizard::Page;

} // namespace

class RebuildVersionPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit RebuildVersionPage(RebuildWizard *wizard)
        : m_wizard(wizard)
        , m_version(new QComboBox)
        , m_note(new QLabel)
        , m_status(new StatusLine)
    {
        setTitle(tr("Version"));
        setSubTitle(tr("Rebuilding drops a version's views and state and replays the log into them from the "
                       "start. Use it when a view was lost or is suspect."));
        for (const JobInfo &job : wizard->jobs().jobs)
            for (const JobVersionInfo &v : job.versions)
                m_version->addItem(tr("%1@%2 (%3)").arg(job.job, v.version, stateText(v.state)),
                                   job.job + QLatin1Char('@') + v.version);
        m_note->setWordWrap(true);
        auto *layout = new QVBoxLayout(this);
        auto *form = new QFormLayout;
        form->addRow(tr("&Version:"), m_version);
        layout->addLayout(form);
        layout->addWidget(m_note);
        layout->addStretch();
        layout->addWidget(m_status);
        registerField(QStringLiteral("rebuildVersion"), m_version, "currentData",
                      SIGNAL(currentIndexChanged(int)));
        connect(m_version, &QComboBox::currentIndexChanged, this, &RebuildVersionPage::describe);
        if (m_version->count() == 0)
            m_status->showInfo(tr("kappad has reported no registered version."));
        describe();
    }

    void select(const QString &jobVersion)
    {
        const int index = m_version->findData(jobVersion);
        if (index >= 0)
            m_version->setCurrentIndex(index);
    }

    bool isComplete() const override { return m_version->currentIndex() >= 0; }

    bool validatePage() override
    {
        const QString target = m_version->currentData().toString();
        const std::optional<JobVersionInfo> v = m_wizard->versionInfo(target);
        if (v && isFinalVersionState(v->state)) {
            m_status->showError(tr("%1 is %2: kappad does not rebuild it. Replay the logic under a new "
                                   "version instead (Launch replay).")
                                    .arg(target, stateText(v->state)));
            return false;
        }
        if (v && v->state == QLatin1String("replaying")) {
            m_status->showError(tr("%1 is still replaying: rebuild it once it has caught up, or cancel its "
                                   "replay.")
                                    .arg(target));
            return false;
        }
        return true;
    }

private:
    void describe()
    {
        m_status->clear();
        const std::optional<JobVersionInfo> v = m_wizard->versionInfo(m_version->currentData().toString());
        if (!v) {
            m_note->clear();
            return;
        }
        m_note->setText(v->live
                            ? tr("This is the live version: until the rebuild has caught up, its reads are "
                                 "answered by the version you name next, or with 503.")
                            : tr("This version is %1; its reads are unavailable until the rebuild has "
                                 "caught up.")
                                  .arg(stateText(v->state)));
    }

    RebuildWizard *m_wizard;
    QComboBox *m_version;
    QLabel *m_note;
    StatusLine *m_status;
};

class RebuildThrottlePage : public QWizardPage
{
    Q_OBJECT

public:
    explicit RebuildThrottlePage(RebuildWizard *wizard)
        : m_wizard(wizard)
        , m_throttle(new ThrottleFields)
        , m_serveFrom(new QComboBox)
        , m_status(new StatusLine)
    {
        setTitle(tr("Throttle and reads"));
        setSubTitle(
            tr("The rebuild is throttled like a replay. Another running version of the job can answer "
               "the reads meanwhile."));
        auto *form = new QFormLayout;
        form->addRow(tr("&Serve reads from:"), m_serveFrom);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_throttle);
        layout->addLayout(form);
        layout->addStretch();
        layout->addWidget(m_status);
        registerField(QStringLiteral("rebuildRateMultiple"), m_throttle->rateMultiple(), "value",
                      SIGNAL(valueChanged(double)));
        registerField(QStringLiteral("rebuildMaxRate"), m_throttle->maxRate(), "value",
                      SIGNAL(valueChanged(double)));
        registerField(QStringLiteral("rebuildMinRate"), m_throttle->minRate(), "value",
                      SIGNAL(valueChanged(double)));
        registerField(QStringLiteral("serveFrom"), m_serveFrom, "currentData",
                      SIGNAL(currentIndexChanged(int)));
        connect(m_throttle, &ThrottleFields::changed, m_status, &StatusLine::clear);
    }

    void initializePage() override
    {
        const QString target = field(QStringLiteral("rebuildVersion")).toString();
        const QString job = target.section(QLatin1Char('@'), 0, 0);
        const QString version = target.section(QLatin1Char('@'), 1);
        m_serveFrom->clear();
        m_serveFrom->addItem(tr("no other version: reads answer 503 until it has caught up"), QString());
        for (const JobInfo &info : m_wizard->jobs().jobs)
            if (info.job == job)
                for (const JobVersionInfo &v : info.versions)
                    if (v.version != version && v.running)
                        m_serveFrom->addItem(tr("%1 (%2)").arg(v.version, stateText(v.state)), v.version);
    }

    bool validatePage() override
    {
        const QString problem = m_throttle->problem();
        if (!problem.isEmpty())
            m_status->showError(problem);
        return problem.isEmpty();
    }

private:
    RebuildWizard *m_wizard;
    ThrottleFields *m_throttle;
    QComboBox *m_serveFrom;
    StatusLine *m_status;
};

class ConfirmRebuildPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit ConfirmRebuildPage(RebuildWizard *wizard)
        : m_wizard(wizard)
        , m_summary(new QLabel)
    {
        setTitle(tr("Confirm"));
        setSubTitle(tr("Type the name of the job to start the rebuild."));
        setCommitPage(true);
        setButtonText(QWizard::CommitButton, tr("&Rebuild"));
        m_summary->setWordWrap(true);
        m_summary->setTextFormat(Qt::RichText);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_summary);
        layout->addStretch();
    }

    void initializePage() override
    {
        const RebuildRequest r = m_wizard->request();
        const QLocale locale;
        const RateSettings &rate = r.rate;
        m_summary->setText(
            tr("<p>The views and state of <b>%1@%2</b> are deleted, and the log is replayed into them from "
               "the "
               "start at k = %3 (cap %4, floor %5 events/s).</p><p>%6</p>")
                .arg(r.job.toHtmlEscaped(), r.version.toHtmlEscaped(),
                     locale.toString(rate.rateMultiple.value_or(5)),
                     rate.maxRate.value_or(0) > 0 ? locale.toString(*rate.maxRate, 'f', 0) : tr("none"),
                     locale.toString(rate.minRate.value_or(1000), 'f', 0),
                     r.serveFrom.isEmpty() ? tr("Until it has caught up, its reads answer 503 (Unavailable).")
                                           : tr("Until it has caught up, %1 answers its reads.")
                                                 .arg(r.serveFrom.toHtmlEscaped())));
    }

private:
    RebuildWizard *m_wizard;
    QLabel *m_summary;
};

// Starts the rebuild and follows it until it has caught up (or finished).
class RebuildProgressPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit RebuildProgressPage(RebuildWizard *wizard)
        : m_wizard(wizard)
        , m_progress(new QProgressBar)
        , m_figures(new QLabel)
        , m_status(new StatusLine)
        , m_poll(new QTimer(this))
    {
        setTitle(tr("Rebuilding"));
        setSubTitle(tr("You may close this window: the rebuild goes on in kappad and is shown on the Replays "
                       "page."));
        m_progress->setRange(0, 1000);
        m_figures->setWordWrap(true);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_progress);
        layout->addWidget(m_figures);
        layout->addStretch();
        layout->addWidget(m_status);
        connect(m_poll, &QTimer::timeout, wizard->client(), &KappadClient::fetchReplays);
        KappadClient *client = wizard->client();
        connect(client, &KappadClient::replayLaunched, this, [this](const ReplayInfo &replay) {
            const RebuildRequest r = m_wizard->request();
            if (!m_starting || replay.kind != QLatin1String("rebuild") || replay.job != r.job
                || replay.version != r.version)
                return;
            m_starting = false;
            m_replay = replay;
            emit m_wizard->rebuildStarted(replay);
            show(replay);
            m_poll->start(m_wizard->pollInterval());
        });
        connect(client, &KappadClient::actionFailed, this, [this](const QString &what, const ApiError &e) {
            if (!m_starting || !isCall(what, workflow_call::kRebuild))
                return;
            m_starting = false;
            m_failed = true;
            m_status->showError(tr("kappad did not start the rebuild. %1").arg(errorText(e)));
            emit completeChanged();
        });
        connect(client, &KappadClient::replaysReceived, this, [this](const QList<ReplayInfo> &replays) {
            if (!m_replay || ended())
                return;
            for (const ReplayInfo &replay : replays)
                if (replay.id == m_replay->id)
                    show(replay);
        });
    }

    void initializePage() override
    {
        m_starting = true;
        m_failed = false;
        m_replay.reset();
        m_progress->setValue(0);
        m_status->showBusy(tr("Starting the rebuild…"));
        m_wizard->client()->rebuild(m_wizard->request());
        emit completeChanged();
    }

    bool isComplete() const override { return ended() || m_failed; }
    int nextId() const override { return m_failed ? -1 : RebuildWizard::id(Page::Result); }
    std::optional<ReplayInfo> replay() const { return m_replay; }

    // The rebuild caught up, finished, failed or was cancelled.
    bool ended() const { return m_replay && m_replay->state != QLatin1String("running"); }

private:
    void show(const ReplayInfo &replay)
    {
        m_replay = replay;
        m_progress->setValue(static_cast<int>(replay.percent * 10));
        const QLocale locale;
        m_figures->setText(replay.running
                               ? tr("%1 % read, %2 events/s (target %3), %4 records left, ETA %5.")
                                     .arg(locale.toString(replay.percent, 'f', 1),
                                          locale.toString(replay.measuredRate, 'f', 0),
                                          locale.toString(replay.targetRate, 'f', 0),
                                          locale.toString(replay.lagRecords), formatEta(replay.etaSeconds))
                               : QString());
        if (replay.state == QLatin1String("running")) {
            m_status->showBusy(
                replay.slowdownReason.isEmpty()
                    ? tr("Rebuild %1 is reading the log…").arg(replay.id)
                    : tr("Rebuild %1 is slowed down: %2").arg(replay.id).arg(replay.slowdownReason));
            return;
        }
        m_poll->stop();
        if (replay.state == QLatin1String("finished") || replay.state == QLatin1String("caught_up")) {
            m_progress->setValue(m_progress->maximum());
            m_status->showSuccess(tr("Rebuild %1 has caught up.").arg(replay.id));
            emit m_wizard->rebuilt(replay);
        } else {
            m_status->showError(
                tr("Rebuild %1 is %2: %3").arg(replay.id).arg(stateText(replay.state), replay.reason));
        }
        emit completeChanged();
    }

    RebuildWizard *m_wizard;
    QProgressBar *m_progress;
    QLabel *m_figures;
    StatusLine *m_status;
    QTimer *m_poll;
    std::optional<ReplayInfo> m_replay;
    bool m_starting = false;
    bool m_failed = false;
};

class RebuildResultPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit RebuildResultPage(RebuildProgressPage *progress)
        : m_progress(progress)
        , m_text(new QLabel)
    {
        setTitle(tr("Result"));
        setSubTitle(tr("What kappad answered."));
        m_text->setWordWrap(true);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_text);
        layout->addStretch();
    }

    void initializePage() override
    {
        const std::optional<ReplayInfo> replay = m_progress->replay();
        if (!replay)
            return;
        const QString target = replay->job + QLatin1Char('@') + replay->version;
        if (replay->state == QLatin1String("finished"))
            m_text->setText(
                tr("%1 was rebuilt from the log and serves its reads again at full speed.").arg(target));
        else if (replay->state == QLatin1String("caught_up"))
            m_text->setText(
                tr("%1 was rebuilt from the log and has caught up; it keeps tailing the log.").arg(target));
        else
            m_text->setText(
                tr("The rebuild of %1 is %2: %3").arg(target, stateText(replay->state), replay->reason));
    }

private:
    RebuildProgressPage *m_progress;
    QLabel *m_text;
};

RebuildWizard::RebuildWizard(KappadClient *client, const JobsSnapshot &jobs, QWidget *parent)
    : QWizard(parent)
    , m_client(client)
    , m_jobs(jobs)
{
    setWindowTitle(tr("Rebuild a view"));
    // The last page shows the result of what was done: only Finish is left.
    setOption(QWizard::NoBackButtonOnLastPage);
    setOption(QWizard::NoCancelButtonOnLastPage);
    auto *progress = new RebuildProgressPage(this);
    setPage(id(Page::Version), new RebuildVersionPage(this));
    setPage(id(Page::Throttle), new RebuildThrottlePage(this));
    setPage(id(Page::Confirm), new ConfirmRebuildPage(this));
    setPage(id(Page::Progress), progress);
    setPage(id(Page::Result), new RebuildResultPage(progress));
    setStartId(id(Page::Version));
    resize(720, 480);
}

void RebuildWizard::setVersion(const QString &job, const QString &version)
{
    static_cast<RebuildVersionPage *>(page(id(Page::Version)))->select(job + QLatin1Char('@') + version);
}

void RebuildWizard::setPollInterval(int milliseconds)
{
    m_pollMs = milliseconds;
}

RebuildRequest RebuildWizard::request() const
{
    const QString target = field(QStringLiteral("rebuildVersion")).toString();
    RebuildRequest r;
    r.job = target.section(QLatin1Char('@'), 0, 0);
    r.version = target.section(QLatin1Char('@'), 1);
    r.rate.rateMultiple = field(QStringLiteral("rebuildRateMultiple")).toDouble();
    r.rate.maxRate = field(QStringLiteral("rebuildMaxRate")).toDouble();
    r.rate.minRate = field(QStringLiteral("rebuildMinRate")).toDouble();
    r.serveFrom = field(QStringLiteral("serveFrom")).toString();
    return r;
}

std::optional<JobVersionInfo> RebuildWizard::versionInfo(const QString &jobVersion) const
{
    const QString job = jobVersion.section(QLatin1Char('@'), 0, 0);
    const QString version = jobVersion.section(QLatin1Char('@'), 1);
    for (const JobInfo &info : m_jobs.jobs)
        if (info.job == job)
            for (const JobVersionInfo &v : info.versions)
                if (v.version == version)
                    return v;
    return std::nullopt;
}

} // namespace kappa::console

#include "rebuild_wizard.moc"
