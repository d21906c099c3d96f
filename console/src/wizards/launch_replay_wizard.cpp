#include "wizards/launch_replay_wizard.h"

#include "client/workflow_decode.h"
#include "models/overview_model.h"
#include "models/preflight_checks_model.h"
#include "models/replays_model.h"
#include "wizards/job_specs.h"
#include "wizards/launch_version_pages.h"
#include "wizards/wizard_support.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace kappa::console {

namespace {

using Page = LaunchReplayWizard::Page;

QString compactJson(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace

// Which job to replay; what it runs now.
class LaunchJobPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit LaunchJobPage(LaunchReplayWizard *wizard)
        : m_wizard(wizard)
        , m_job(new QComboBox)
        , m_versions(new QLabel)
    {
        setTitle(tr("Job"));
        setSubTitle(
            tr("Which job gets a new version? Its live version keeps serving while the replay runs."));
        QStringList jobs;
        for (const JobInfo &job : wizard->jobs().jobs)
            jobs << job.job;
        for (const QJsonObject &spec : builtinSpecs())
            if (!jobs.contains(spec.value(QLatin1String("job")).toString()))
                jobs << spec.value(QLatin1String("job")).toString();
        jobs.sort();
        m_job->addItems(jobs);
        m_versions->setWordWrap(true);
        auto *form = new QFormLayout(this);
        form->addRow(tr("&Job:"), m_job);
        form->addRow(QString(), m_versions);
        registerField(QStringLiteral("job"), m_job, "currentText", SIGNAL(currentTextChanged(QString)));
        connect(m_job, &QComboBox::currentTextChanged, this, &LaunchJobPage::describe);
        describe();
    }

    bool isComplete() const override { return !m_job->currentText().isEmpty(); }

private:
    void describe()
    {
        for (const JobInfo &job : m_wizard->jobs().jobs) {
            if (job.job != m_job->currentText())
                continue;
            QStringList versions;
            for (const JobVersionInfo &v : job.versions)
                versions << tr("%1 (%2)").arg(v.version, stateText(v.state));
            m_versions->setText(job.liveVersion.isEmpty()
                                    ? tr("No live version: a replay needs one to compare with.")
                                    : tr("Live: %1. Versions: %2.").arg(job.liveVersion, versions.join(", ")));
            return;
        }
        m_versions->setText(tr("kappad has not reported this job."));
    }

    LaunchReplayWizard *m_wizard;
    QComboBox *m_job;
    QLabel *m_versions;
};

// Where the new version's logic comes from; nextId() branches on it.
class LaunchSourcePage : public QWizardPage
{
    Q_OBJECT

public:
    LaunchSourcePage()
        : m_known(new QRadioButton(tr("A version kappad &knows (built in, e.g. v2)")))
        , m_file(new QRadioButton(tr("A spec &file (JSON)")))
        , m_edit(new QRadioButton(tr("&Edit the parameters of an existing spec, under a new version name")))
    {
        setTitle(tr("New version"));
        setSubTitle(tr("A new version is a job spec: the job, a version name and its parameters."));
        m_known->setChecked(true);
        auto *layout = new QVBoxLayout(this);
        for (QRadioButton *button : {m_known, m_file, m_edit})
            layout->addWidget(button);
        layout->addStretch();
        registerField(QStringLiteral("sourceKnown"), m_known);
        registerField(QStringLiteral("sourceFile"), m_file);
        registerField(QStringLiteral("sourceEdit"), m_edit);
    }

    int nextId() const override
    {
        if (m_file->isChecked())
            return LaunchReplayWizard::id(Page::SpecFile);
        if (m_edit->isChecked())
            return LaunchReplayWizard::id(Page::EditSpec);
        return LaunchReplayWizard::id(Page::KnownVersion);
    }

private:
    QRadioButton *m_known;
    QRadioButton *m_file;
    QRadioButton *m_edit;
};

class LaunchStartPage : public QWizardPage
{
    Q_OBJECT

public:
    LaunchStartPage()
        : m_earliest(new QRadioButton(tr("From the &earliest event in the log")))
        , m_offset(new QRadioButton(tr("From an &offset (in every partition):")))
        , m_time(new QRadioButton(tr("From a &time (UTC):")))
        , m_duration(new QRadioButton(tr("From a &duration back from now:")))
        , m_offsetValue(new QLineEdit)
        , m_timeValue(new QDateTimeEdit)
        , m_durationAmount(new QSpinBox)
        , m_durationUnit(new QComboBox)
        , m_status(new StatusLine)
    {
        setTitle(tr("Start point"));
        setSubTitle(tr("Where the replay starts reading the events topic. The new version only sees "
                       "events from there on."));
        m_earliest->setChecked(true);
        m_offsetValue->setValidator(
            new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{1,18}")), this));
        m_offsetValue->setText(QStringLiteral("0"));
        m_timeValue->setTimeSpec(Qt::UTC);
        m_timeValue->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
        m_timeValue->setCalendarPopup(true);
        m_timeValue->setDateTime(QDateTime::currentDateTimeUtc().addSecs(-3600));
        m_durationAmount->setRange(1, 100'000);
        m_durationAmount->setValue(12);
        m_durationUnit->addItem(tr("days"), QStringLiteral("d"));
        m_durationUnit->addItem(tr("hours"), QStringLiteral("h"));
        m_durationUnit->addItem(tr("minutes"), QStringLiteral("m"));
        m_durationUnit->addItem(tr("seconds"), QStringLiteral("s"));
        m_durationUnit->setCurrentIndex(1);

        auto *grid = new QFormLayout(this);
        grid->addRow(m_earliest);
        grid->addRow(m_offset, m_offsetValue);
        grid->addRow(m_time, m_timeValue);
        auto *duration = new QHBoxLayout;
        duration->addWidget(m_durationAmount);
        duration->addWidget(m_durationUnit);
        duration->addStretch();
        grid->addRow(m_duration, duration);
        grid->addRow(m_status);
        registerField(QStringLiteral("fromEarliest"), m_earliest);
        registerField(QStringLiteral("fromOffset"), m_offset);
        registerField(QStringLiteral("fromTime"), m_time);
        registerField(QStringLiteral("fromDuration"), m_duration);
        registerField(QStringLiteral("fromOffsetValue"), m_offsetValue);
        registerField(QStringLiteral("fromTimeValue"), m_timeValue);
        registerField(QStringLiteral("fromDurationAmount"), m_durationAmount);
        registerField(QStringLiteral("fromDurationUnit"), m_durationUnit);
        setTabOrder(m_earliest, m_offset);
        setTabOrder(m_offset, m_offsetValue);
        setTabOrder(m_offsetValue, m_time);
        setTabOrder(m_time, m_timeValue);
        setTabOrder(m_timeValue, m_duration);
        setTabOrder(m_duration, m_durationAmount);
        setTabOrder(m_durationAmount, m_durationUnit);
        for (QRadioButton *button : {m_earliest, m_offset, m_time, m_duration})
            connect(button, &QRadioButton::toggled, this, &LaunchStartPage::enableValues);
        enableValues();
    }

    bool isComplete() const override { return !m_offset->isChecked() || m_offsetValue->hasAcceptableInput(); }

    bool validatePage() override
    {
        if (m_time->isChecked() && m_timeValue->dateTime() > QDateTime::currentDateTimeUtc()) {
            m_status->showError(tr("That time is in the future: there are no events from there yet."));
            return false;
        }
        return true;
    }

private:
    void enableValues()
    {
        m_offsetValue->setEnabled(m_offset->isChecked());
        m_timeValue->setEnabled(m_time->isChecked());
        m_durationAmount->setEnabled(m_duration->isChecked());
        m_durationUnit->setEnabled(m_duration->isChecked());
        m_status->clear();
        emit completeChanged();
    }

    QRadioButton *m_earliest;
    QRadioButton *m_offset;
    QRadioButton *m_time;
    QRadioButton *m_duration;
    QLineEdit *m_offsetValue;
    QDateTimeEdit *m_timeValue;
    QSpinBox *m_durationAmount;
    QComboBox *m_durationUnit;
    StatusLine *m_status;
};

// The throttle, with a preview of how long catching up takes: a dry run,
// asked again (debounced) whenever a setting changes.
class LaunchThrottlePage : public QWizardPage
{
    Q_OBJECT

public:
    explicit LaunchThrottlePage(LaunchReplayWizard *wizard)
        : m_wizard(wizard)
        , m_throttle(new ThrottleFields)
        , m_preview(new StatusLine)
        , m_debounce(new QTimer(this))
    {
        setTitle(tr("Throttle"));
        setSubTitle(tr("The replay reads k times as fast as events arrive live, within a floor and a cap. "
                       "It slows down by itself when a live job's lag nears its SLO."));
        m_debounce->setSingleShot(true);
        m_debounce->setInterval(400);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_throttle);
        layout->addSpacing(12);
        layout->addWidget(m_preview);
        layout->addStretch();
        registerField(QStringLiteral("rateMultiple"), m_throttle->rateMultiple(), "value",
                      SIGNAL(valueChanged(double)));
        registerField(QStringLiteral("maxRate"), m_throttle->maxRate(), "value", SIGNAL(valueChanged(double)));
        registerField(QStringLiteral("minRate"), m_throttle->minRate(), "value", SIGNAL(valueChanged(double)));
        connect(m_throttle, &ThrottleFields::changed, this, &LaunchThrottlePage::settingsChanged);
        connect(m_debounce, &QTimer::timeout, this, [this] {
            if (isActive())
                m_wizard->askPreflight();
        });
        connect(wizard, &LaunchReplayWizard::preflightAnswered, this, &LaunchThrottlePage::showPreview);
        connect(wizard, &LaunchReplayWizard::preflightFailed, this, [this](const ApiError &error) {
            if (isActive())
                m_preview->showError(errorText(error));
        });
    }

    void initializePage() override { settingsChanged(); }
    void cleanupPage() override { m_debounce->stop(); }

    bool validatePage() override
    {
        const QString problem = m_throttle->problem();
        if (!problem.isEmpty())
            m_preview->showError(problem);
        return problem.isEmpty();
    }

    RateSettings rateSettings() const { return m_throttle->rateSettings(); }

private:
    bool isActive() const { return m_wizard->currentPage() == this; }

    void settingsChanged()
    {
        const QString problem = m_throttle->problem();
        if (!problem.isEmpty()) {
            m_debounce->stop();
            m_preview->showError(problem);
            return;
        }
        m_preview->showBusy(tr("Estimating how long catching up takes…"));
        m_debounce->start();
    }

    void showPreview(const Preflight &preflight)
    {
        if (!isActive() || m_debounce->isActive())
            return;
        const QLocale locale;
        const QString figures = tr("%1 events to read at %2 events/s, while %3 events/s arrive live.")
                                    .arg(locale.toString(preflight.events),
                                         locale.toString(preflight.rate, 'f', 0),
                                         locale.toString(preflight.ingestRate, 'f', 0));
        if (preflight.expectedSeconds)
            m_preview->showInfo(
                tr("Expected to catch up in about %1: %2").arg(formatEta(preflight.expectedSeconds), figures));
        else
            m_preview->showError(tr("At this rate the replay would never catch up: %1").arg(figures));
    }

    LaunchReplayWizard *m_wizard;
    ThrottleFields *m_throttle;
    StatusLine *m_preview;
    QTimer *m_debounce;
};

class LaunchPreflightPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit LaunchPreflightPage(LaunchReplayWizard *wizard)
        : m_wizard(wizard)
        , m_checks(new PreflightChecksModel(this))
        , m_summary(new QLabel)
        , m_status(new StatusLine)
        , m_again(new QPushButton(tr("Check &again")))
    {
        setTitle(tr("Pre-flight"));
        setSubTitle(tr("kappad checks the launch without starting it."));
        m_again->setObjectName(QStringLiteral("checkAgain"));
        auto *table = new QTableView;
        table->setModel(m_checks);
        table->verticalHeader()->hide();
        table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        table->setSelectionMode(QAbstractItemView::NoSelection);
        table->setFocusPolicy(Qt::NoFocus);
        table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        table->horizontalHeader()->setStretchLastSection(true);
        table->setWordWrap(true);
        m_summary->setWordWrap(true);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(table, 1);
        layout->addWidget(m_summary);
        auto *row = new QHBoxLayout;
        row->addWidget(m_status, 1);
        row->addWidget(m_again, 0, Qt::AlignTop);
        layout->addLayout(row);
        connect(m_again, &QPushButton::clicked, this, &LaunchPreflightPage::ask);
        connect(wizard, &LaunchReplayWizard::preflightAnswered, this, &LaunchPreflightPage::answered);
        connect(wizard, &LaunchReplayWizard::preflightFailed, this, [this](const ApiError &error) {
            if (!m_waiting)
                return;
            m_waiting = false;
            m_status->showError(errorText(error));
            m_again->setEnabled(true);
        });
    }

    void initializePage() override { ask(); }

    bool isComplete() const override { return !m_waiting && m_preflight && m_preflight->ok; }

    std::optional<Preflight> preflight() const { return m_preflight; }

private:
    void ask()
    {
        m_waiting = true;
        m_preflight.reset();
        m_checks->clear();
        m_summary->clear();
        m_again->setEnabled(false);
        m_status->showBusy(tr("kappad is checking the launch…"));
        emit completeChanged();
        m_wizard->askPreflight();
    }

    void answered(const Preflight &preflight)
    {
        if (!m_waiting)
            return;
        m_waiting = false;
        m_preflight = preflight;
        m_checks->setPreflight(preflight);
        m_again->setEnabled(true);
        const QLocale locale;
        m_summary->setText(
            tr("%1 events from the start point, read at %2 events/s (live ingest %3 events/s); "
               "expected to catch up in %4. Estimated state %5, view %6.")
                .arg(locale.toString(preflight.events), locale.toString(preflight.rate, 'f', 0),
                     locale.toString(preflight.ingestRate, 'f', 0), formatEta(preflight.expectedSeconds),
                     formatBytes(preflight.estimatedStateBytes), formatBytes(preflight.estimatedViewBytes)));
        if (preflight.ok)
            m_status->showSuccess(tr("Every check passed: the replay can be launched."));
        else
            m_status->showError(
                tr("A check failed, so the replay cannot be launched. Go back and change what "
                   "the failed check names."));
        emit completeChanged();
    }

    LaunchReplayWizard *m_wizard;
    PreflightChecksModel *m_checks;
    QLabel *m_summary;
    StatusLine *m_status;
    QPushButton *m_again;
    std::optional<Preflight> m_preflight;
    bool m_waiting = false;
};

class ConfirmLaunchPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit ConfirmLaunchPage(LaunchReplayWizard *wizard)
        : m_wizard(wizard)
        , m_summary(new QLabel)
    {
        setTitle(tr("Confirm"));
        setSubTitle(tr("Launching registers the version and starts reading the log. The live version keeps "
                       "serving; the replay is in the audit log under your token's name."));
        setCommitPage(true);
        setButtonText(QWizard::CommitButton, tr("&Launch"));
        m_summary->setWordWrap(true);
        m_summary->setTextFormat(Qt::RichText);
        m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_summary);
        layout->addStretch();
    }

    void initializePage() override
    {
        const LaunchReplayRequest request = m_wizard->request();
        const QString job = field(QStringLiteral("job")).toString();
        QString source;
        if (!request.jobVersion.isEmpty())
            source = tr("the known version %1").arg(request.jobVersion);
        else if (field(QStringLiteral("sourceFile")).toBool())
            source = tr("the spec file %1").arg(field(QStringLiteral("specFile")).toString());
        else
            source = tr("an edit of %1").arg(m_wizard->editBaseName());
        auto row = [](const QString &name, const QString &value) {
            return QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(name, value.toHtmlEscaped());
        };
        const RateSettings &rate = request.rate;
        const QLocale locale;
        QString html = QStringLiteral("<table cellspacing=6>");
        html += row(tr("Version"), tr("%1@%2, from %3").arg(job, m_wizard->version(), source));
        QString start = tr("the earliest event");
        if (field(QStringLiteral("fromOffset")).toBool())
            start = tr("offset %1 in every partition").arg(request.from);
        else if (field(QStringLiteral("fromTime")).toBool())
            start = tr("%1 (UTC)").arg(request.from);
        else if (field(QStringLiteral("fromDuration")).toBool())
            start = tr("%1 back from now").arg(request.from);
        html += row(tr("Start"), start);
        html += row(tr("Rate"), tr("k = %1, cap %2, floor %3 events/s")
                                    .arg(locale.toString(rate.rateMultiple.value_or(5)))
                                    .arg(rate.maxRate.value_or(0) > 0 ? locale.toString(*rate.maxRate, 'f', 0)
                                                                      : tr("none"))
                                    .arg(locale.toString(rate.minRate.value_or(1000), 'f', 0)));
        if (!request.specJson.isEmpty())
            html += row(tr("Spec"), QString::fromUtf8(request.specJson));
        html += QStringLiteral("</table>");
        m_summary->setText(html);
    }

private:
    LaunchReplayWizard *m_wizard;
    QLabel *m_summary;
};

class LaunchedPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit LaunchedPage(LaunchReplayWizard *wizard)
        : m_wizard(wizard)
        , m_status(new StatusLine)
        , m_again(new QPushButton(tr("&Try again")))
    {
        setTitle(tr("Launch"));
        setSubTitle(tr("What kappad answered."));
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_status);
        layout->addWidget(m_again, 0, Qt::AlignLeft);
        layout->addStretch();
        m_again->hide();
        connect(m_again, &QPushButton::clicked, this, &LaunchedPage::launch);
        connect(wizard->client(), &KappadClient::replayLaunched, this, [this](const ReplayInfo &replay) {
            if (!m_waiting || replay.kind != QLatin1String("replay")
                || replay.job != field(QStringLiteral("job")).toString()
                || replay.version != m_wizard->version())
                return;
            m_waiting = false;
            m_replay = replay;
            m_status->showSuccess(
                tr("Replay %1 of %2@%3 has started. Follow its progress on the Replays page; "
                   "once it has caught up, review its validation.")
                    .arg(replay.id)
                    .arg(replay.job, replay.version));
            emit completeChanged();
            emit m_wizard->launched(replay);
        });
        connect(wizard->client(), &KappadClient::actionFailed, this,
                [this](const QString &what, const ApiError &e) {
                    if (!m_waiting || !isCall(what, workflow_call::kLaunchReplay))
                        return;
                    m_waiting = false;
                    m_status->showError(tr("Nothing was launched. %1").arg(errorText(e)));
                    m_again->show();
                });
    }

    void initializePage() override { launch(); }
    bool isComplete() const override { return m_replay.has_value(); }
    std::optional<ReplayInfo> replay() const { return m_replay; }

private:
    void launch()
    {
        m_waiting = true;
        m_again->hide();
        m_status->showBusy(tr("Launching…"));
        m_wizard->client()->launchReplay(m_wizard->request());
    }

    LaunchReplayWizard *m_wizard;
    StatusLine *m_status;
    QPushButton *m_again;
    std::optional<ReplayInfo> m_replay;
    bool m_waiting = false;
};

LaunchReplayWizard::LaunchReplayWizard(KappadClient *client, const JobsSnapshot &jobs, QWidget *parent)
    : QWizard(parent)
    , m_client(client)
    , m_jobs(jobs)
{
    setWindowTitle(tr("Launch replay"));
    // The last page shows the result of what was done: only Finish is left.
    setOption(QWizard::NoBackButtonOnLastPage);
    setOption(QWizard::NoCancelButtonOnLastPage);
    setOption(QWizard::HaveHelpButton, false);
    setPage(id(Page::Job), new LaunchJobPage(this));
    setPage(id(Page::Source), new LaunchSourcePage);
    setPage(id(Page::KnownVersion), createKnownVersionPage(this));
    setPage(id(Page::SpecFile), createSpecFilePage(this));
    setPage(id(Page::EditSpec), createEditSpecPage(this));
    setPage(id(Page::Start), new LaunchStartPage);
    setPage(id(Page::Throttle), new LaunchThrottlePage(this));
    setPage(id(Page::Preflight), new LaunchPreflightPage(this));
    setPage(id(Page::Confirm), new ConfirmLaunchPage(this));
    setPage(id(Page::Launched), new LaunchedPage(this));
    setStartId(id(Page::Job));
    resize(760, 560);

    connect(client, &KappadClient::preflightReceived, this, &LaunchReplayWizard::onPreflight);
    connect(client, &KappadClient::actionFailed, this, &LaunchReplayWizard::onPreflightFailed);
}

void LaunchReplayWizard::setJob(const QString &job)
{
    setField(QStringLiteral("job"), job);
}

bool LaunchReplayWizard::isRegistered(const QString &job, const QString &version) const
{
    for (const JobInfo &info : m_jobs.jobs)
        if (info.job == job)
            for (const JobVersionInfo &v : info.versions)
                if (v.version == version)
                    return true;
    return false;
}

QString LaunchReplayWizard::version() const
{
    if (field(QStringLiteral("sourceFile")).toBool())
        return m_fileSpec.value(QLatin1String("version")).toString();
    if (field(QStringLiteral("sourceEdit")).toBool())
        return field(QStringLiteral("editVersion")).toString();
    return field(QStringLiteral("knownVersion")).toString().trimmed();
}

QString LaunchReplayWizard::from() const
{
    if (field(QStringLiteral("fromOffset")).toBool())
        return field(QStringLiteral("fromOffsetValue")).toString();
    if (field(QStringLiteral("fromTime")).toBool())
        return field(QStringLiteral("fromTimeValue")).toDateTime().toUTC().toString(Qt::ISODate);
    if (field(QStringLiteral("fromDuration")).toBool()) {
        static const char *const kUnits[] = {"d", "h", "m", "s"};
        const int unit = std::clamp(field(QStringLiteral("fromDurationUnit")).toInt(), 0, 3);
        return QStringLiteral("%1%2")
            .arg(field(QStringLiteral("fromDurationAmount")).toInt())
            .arg(QLatin1String(kUnits[unit]));
    }
    return QStringLiteral("earliest");
}

QJsonObject LaunchReplayWizard::editedSpec() const
{
    const QString job = field(QStringLiteral("job")).toString();
    QJsonObject spec = field(QStringLiteral("editBaseSpec")).toJsonObject();
    if (spec.isEmpty())
        spec.insert(QStringLiteral("job"), job);
    spec.insert(QStringLiteral("version"), field(QStringLiteral("editVersion")).toString());
    const QString description = field(QStringLiteral("editDescription")).toString();
    if (description.isEmpty())
        spec.remove(QStringLiteral("description"));
    else
        spec.insert(QStringLiteral("description"), description);
    spec.insert(QStringLiteral("params"),
                QJsonDocument::fromJson(field(QStringLiteral("editParams")).toString().toUtf8()).object());
    return spec;
}

QString LaunchReplayWizard::editBaseName() const
{
    const QString job = field(QStringLiteral("job")).toString();
    const QJsonObject base = field(QStringLiteral("editBaseSpec")).toJsonObject();
    if (base.isEmpty())
        return job;
    return job + QLatin1Char('@') + base.value(QLatin1String("version")).toString();
}

LaunchReplayRequest LaunchReplayWizard::request() const
{
    LaunchReplayRequest r;
    if (field(QStringLiteral("sourceFile")).toBool())
        r.specJson = m_fileSpec.isEmpty() ? QByteArray() : compactJson(m_fileSpec).toUtf8();
    else if (field(QStringLiteral("sourceEdit")).toBool())
        r.specJson = compactJson(editedSpec()).toUtf8();
    else
        r.jobVersion = field(QStringLiteral("job")).toString() + QLatin1Char('@') + version();
    r.from = from();
    r.rate.rateMultiple = field(QStringLiteral("rateMultiple")).toDouble();
    r.rate.maxRate = field(QStringLiteral("maxRate")).toDouble();
    r.rate.minRate = field(QStringLiteral("minRate")).toDouble();
    return r;
}

QByteArray LaunchReplayWizard::dryRunBody() const
{
    LaunchReplayRequest r = request();
    r.dryRun = true;
    const Decoded<QByteArray> body = encodeLaunchReplay(r);
    return std::holds_alternative<QByteArray>(body) ? std::get<QByteArray>(body) : QByteArray();
}

void LaunchReplayWizard::askPreflight()
{
    if (m_inFlight) {
        m_askAgain = true;
        return;
    }
    LaunchReplayRequest r = request();
    r.dryRun = true;
    m_inFlight = true;
    m_askAgain = false;
    m_askedBody = dryRunBody();
    m_client->launchReplay(r);
}

void LaunchReplayWizard::onPreflight(const Preflight &preflight)
{
    if (!m_inFlight)
        return; // another part of the console asked
    m_inFlight = false;
    // A setting changed while kappad answered: that answer is stale.
    if (m_askAgain || m_askedBody != dryRunBody()) {
        askPreflight();
        return;
    }
    emit preflightAnswered(preflight);
}

void LaunchReplayWizard::onPreflightFailed(const QString &what, const ApiError &error)
{
    if (!m_inFlight || !isCall(what, workflow_call::kPreflight))
        return;
    m_inFlight = false;
    if (m_askAgain || m_askedBody != dryRunBody()) {
        askPreflight();
        return;
    }
    emit preflightFailed(error);
}

} // namespace kappa::console

#include "launch_replay_wizard.moc"
