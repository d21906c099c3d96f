#include "wizards/launch_version_pages.h"

#include "client/workflow_decode.h"
#include "wizards/job_specs.h"
#include "wizards/launch_replay_wizard.h"
#include "wizards/wizard_support.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSet>
#include <QVBoxLayout>

namespace kappa::console {

namespace {

using Page = LaunchReplayWizard::Page;

} // namespace

class LaunchKnownVersionPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit LaunchKnownVersionPage(LaunchReplayWizard *wizard)
        : m_wizard(wizard)
        , m_version(new QComboBox)
        , m_status(new StatusLine)
    {
        setTitle(tr("Known version"));
        setSubTitle(tr("kappad knows the built-in versions of each job; a version is replayed once, "
                       "so one that is registered already cannot be launched again."));
        m_version->setEditable(true);
        m_version->setInsertPolicy(QComboBox::NoInsert);
        auto *layout = new QVBoxLayout(this);
        auto *form = new QFormLayout;
        form->addRow(tr("&Version:"), m_version);
        layout->addLayout(form);
        layout->addStretch();
        layout->addWidget(m_status);
        registerField(QStringLiteral("knownVersion*"), m_version, "currentText",
                      SIGNAL(currentTextChanged(QString)));
        connect(m_version, &QComboBox::currentTextChanged, m_status, &StatusLine::clear);
    }

    void initializePage() override
    {
        const QString job = field(QStringLiteral("job")).toString();
        m_version->clear();
        for (const QJsonObject &spec : builtinSpecs(job)) {
            const QString version = spec.value(QLatin1String("version")).toString();
            if (!m_wizard->isRegistered(job, version))
                m_version->addItem(version);
        }
    }

    bool validatePage() override
    {
        const QString job = field(QStringLiteral("job")).toString();
        const QString version = m_version->currentText().trimmed();
        if (!isValidVersionName(version)) {
            m_status->showError(
                tr("A version name is 1 to 64 letters, digits, dots, underscores or hyphens."));
            return false;
        }
        if (m_wizard->isRegistered(job, version)) {
            m_status->showError(
                tr("%1@%2 is registered already. Give the new logic a new version name.").arg(job, version));
            return false;
        }
        return true;
    }

    int nextId() const override { return LaunchReplayWizard::id(Page::Start); }

private:
    LaunchReplayWizard *m_wizard;
    QComboBox *m_version;
    StatusLine *m_status;
};

class LaunchSpecFilePage : public QWizardPage
{
    Q_OBJECT

public:
    explicit LaunchSpecFilePage(LaunchReplayWizard *wizard)
        : m_wizard(wizard)
        , m_path(new QLineEdit)
        , m_preview(new QPlainTextEdit)
        , m_status(new StatusLine)
    {
        setTitle(tr("Spec file"));
        setSubTitle(tr("A JSON job spec as in resources/jobs: {\"job\", \"version\", \"params\", "
                       "\"description\", \"validation\"}."));
        auto *browse = new QPushButton(tr("B&rowse…"));
        m_preview->setReadOnly(true);
        m_preview->setPlaceholderText(tr("The spec appears here once it is read."));
        auto *row = new QHBoxLayout;
        row->addWidget(m_path, 1);
        row->addWidget(browse);
        auto *label = new QLabel(tr("Spec &file:"));
        label->setBuddy(m_path);
        auto *form = new QFormLayout;
        form->addRow(label, row);
        auto *layout = new QVBoxLayout(this);
        layout->addLayout(form);
        layout->addWidget(m_preview, 1);
        layout->addWidget(m_status);
        registerField(QStringLiteral("specFile*"), m_path);
        connect(browse, &QPushButton::clicked, this, [this] {
            const QString path = QFileDialog::getOpenFileName(this, tr("Job spec"), m_path->text(),
                                                              tr("JSON files (*.json);;All files (*)"));
            if (!path.isEmpty())
                m_path->setText(path);
        });
        connect(m_path, &QLineEdit::textChanged, this, [this] {
            m_status->clear();
            m_preview->clear();
        });
    }

    bool validatePage() override
    {
        QFile file(m_path->text());
        if (!file.open(QIODevice::ReadOnly)) {
            m_status->showError(tr("Cannot read %1: %2").arg(m_path->text(), file.errorString()));
            return false;
        }
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
        if (error.error != QJsonParseError::NoError || !document.isObject()) {
            m_status->showError(error.error != QJsonParseError::NoError
                                    ? tr("The file is not JSON: %1 (at character %2).")
                                          .arg(error.errorString())
                                          .arg(error.offset)
                                    : tr("The file holds no JSON object."));
            return false;
        }
        const QJsonObject spec = document.object();
        m_preview->setPlainText(editableJson(spec));
        const QString job = field(QStringLiteral("job")).toString();
        QString problem = specProblem(spec, job);
        const QString version = spec.value(QLatin1String("version")).toString();
        if (problem.isEmpty() && m_wizard->isRegistered(job, version))
            problem = tr("%1@%2 is registered already. Give the new logic a new version name.")
                          .arg(job, version);
        if (!problem.isEmpty()) {
            m_status->showError(problem);
            return false;
        }
        m_wizard->m_fileSpec = spec;
        return true;
    }

    int nextId() const override { return LaunchReplayWizard::id(Page::Start); }

private:
    LaunchReplayWizard *m_wizard;
    QLineEdit *m_path;
    QPlainTextEdit *m_preview;
    StatusLine *m_status;
};

// A spec of the job as the base, under a new name, with its parameters as
// editable JSON. The base's validation rules are kept. The bases are the
// job's built-in specs and the specs of its registered versions that are not
// built in (launched from a file or an edit), which kappad is asked for when
// the page is shown and which join the list as they arrive.
class LaunchEditSpecPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit LaunchEditSpecPage(LaunchReplayWizard *wizard)
        : m_wizard(wizard)
        , m_base(new QComboBox)
        , m_version(new QLineEdit)
        , m_description(new QLineEdit)
        , m_params(new QPlainTextEdit)
        , m_registered(new StatusLine)
        , m_status(new StatusLine)
    {
        setTitle(tr("Edit a spec"));
        setSubTitle(tr("Start from a built-in or a registered version, give it a new name and change its "
                       "parameters."));
        m_version->setValidator(
            new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[A-Za-z0-9._-]{1,64}")), this));
        m_version->setPlaceholderText(tr("e.g. v3"));
        QFont mono(QStringLiteral("monospace"));
        mono.setStyleHint(QFont::Monospace);
        m_params->setFont(mono);
        m_params->setTabChangesFocus(true);
        auto *form = new QFormLayout;
        form->addRow(tr("Based &on:"), m_base);
        form->addRow(tr("New &version name:"), m_version);
        form->addRow(tr("&Description:"), m_description);
        auto *paramsLabel = new QLabel(tr("&Parameters (JSON object):"));
        paramsLabel->setBuddy(m_params);
        auto *layout = new QVBoxLayout(this);
        layout->addLayout(form);
        layout->addWidget(paramsLabel);
        layout->addWidget(m_params, 1);
        layout->addWidget(m_registered);
        layout->addWidget(m_status);
        registerField(QStringLiteral("editBase"), m_base);
        registerField(QStringLiteral("editBaseSpec"), m_base, "currentData", SIGNAL(currentIndexChanged(int)));
        registerField(QStringLiteral("editVersion*"), m_version);
        registerField(QStringLiteral("editDescription"), m_description);
        registerField(QStringLiteral("editParams"), m_params, "plainText", SIGNAL(textChanged()));
        connect(m_base, &QComboBox::currentIndexChanged, this, &LaunchEditSpecPage::loadBase);
        connect(m_params, &QPlainTextEdit::textChanged, m_status, &StatusLine::clear);
        connect(m_version, &QLineEdit::textChanged, m_status, &StatusLine::clear);
        connect(wizard->client(), &KappadClient::specReceived, this, &LaunchEditSpecPage::addRegistered);
        connect(wizard->client(), &KappadClient::failed, this, &LaunchEditSpecPage::onFetchFailed);
    }

    void initializePage() override
    {
        const QString job = field(QStringLiteral("job")).toString();
        if (job == m_job)
            return; // back and forth: keep the edits
        m_job = job;
        const QSignalBlocker blocker(m_base);
        m_base->clear();
        for (const QJsonObject &spec : builtinSpecs(job))
            m_base->addItem(tr("%1@%2").arg(job, spec.value(QLatin1String("version")).toString()), spec);
        m_base->setCurrentIndex(m_base->count() - 1); // the newest built-in version
        loadBase();
        fetchRegistered();
    }

    // Going back keeps the edits (QWizardPage would reset the fields); a
    // different job starts again from its newest built-in spec.
    void cleanupPage() override {}

    bool validatePage() override
    {
        const QString job = field(QStringLiteral("job")).toString();
        const QString version = m_version->text();
        if (!isValidVersionName(version)) {
            m_status->showError(
                tr("A version name is 1 to 64 letters, digits, dots, underscores or hyphens."));
            return false;
        }
        if (m_wizard->isRegistered(job, version)) {
            m_status->showError(
                tr("%1@%2 is registered already: choose another version name.").arg(job, version));
            return false;
        }
        const QJsonObject base = m_base->currentData().toJsonObject();
        if (version == base.value(QLatin1String("version")).toString()) {
            m_status->showError(
                tr("An edited spec needs a new version name, not the base's %1.").arg(version));
            return false;
        }
        QJsonParseError error;
        const QJsonDocument params = QJsonDocument::fromJson(m_params->toPlainText().toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !params.isObject()) {
            m_status->showError(error.error != QJsonParseError::NoError
                                    ? tr("The parameters are not JSON: %1 (at character %2).")
                                          .arg(error.errorString())
                                          .arg(error.offset)
                                    : tr("The parameters must be a JSON object: {…}."));
            return false;
        }
        return true;
    }

    int nextId() const override { return LaunchReplayWizard::id(Page::Start); }

private:
    // Asks kappad for the spec of each registered version of the job that is
    // not a built-in one (a built-in version's spec is the one in the list).
    void fetchRegistered()
    {
        QStringList builtin;
        for (const QJsonObject &spec : builtinSpecs(m_job))
            builtin << spec.value(QLatin1String("version")).toString();
        m_order.clear();
        m_awaited.clear();
        m_registered->clear();
        for (const JobInfo &job : m_wizard->jobs().jobs)
            if (job.job == m_job)
                for (const JobVersionInfo &v : job.versions)
                    if (!builtin.contains(v.version))
                        m_order << v.version;
        for (const QString &version : std::as_const(m_order)) {
            m_awaited.insert(version);
            m_wizard->client()->fetchSpec(m_job, version);
        }
        m_outstanding = static_cast<int>(m_order.size());
        if (m_outstanding > 0)
            m_registered->showBusy(tr("Loading the specs of the registered versions…"));
    }

    void addRegistered(const JobVersionSpec &registered)
    {
        if (registered.job != m_job || !m_awaited.remove(registered.version))
            return; // not asked for by this page, or for a job chosen before
        --m_outstanding;
        if (const QString problem = specProblem(registered.spec, m_job); !problem.isEmpty())
            m_registered->showError(
                tr("The spec of %1@%2 cannot be edited here: %3").arg(m_job, registered.version, problem));
        else
            insertRegistered(registered);
        settle();
    }

    // Once every answer is in, the busy line goes (an error stays).
    void settle()
    {
        if (m_outstanding == 0 && m_registered->kind() == StatusLine::Kind::Busy)
            m_registered->clear();
    }

    // After the built-in specs, in the order of the jobs snapshot whatever
    // the order of kappad's answers. The current base stays current and its
    // edits stay (no currentIndexChanged).
    void insertRegistered(const JobVersionSpec &registered)
    {
        const qsizetype rank = m_order.indexOf(registered.version);
        int at = m_base->count();
        while (at > 0 && m_order.indexOf(m_base->itemData(at - 1, kVersionRole).toString()) > rank)
            --at;
        const QSignalBlocker blocker(m_base);
        m_base->insertItem(at, tr("%1@%2 (registered)").arg(m_job, registered.version), registered.spec);
        m_base->setItemData(at, registered.version, kVersionRole);
    }

    // A failed fetchSpec carries no version (kappad's message names it), so
    // only the count of outstanding answers goes down. One Launch replay
    // wizard per client at a time, so a spec failure is this page's.
    void onFetchFailed(const QString &what, const ApiError &error)
    {
        if (!isCall(what, workflow_call::kSpec) || m_outstanding == 0)
            return;
        --m_outstanding;
        m_registered->showError(tr("A registered version's spec could not be loaded, so it is not in the "
                                   "list. %1")
                                    .arg(errorText(error)));
        settle();
    }

    void loadBase()
    {
        const QJsonObject base = m_base->currentData().toJsonObject();
        m_description->setText(base.value(QLatin1String("description")).toString());
        m_params->setPlainText(editableJson(base.value(QLatin1String("params")).toObject()));
    }

    // A registered base's version (built-in bases have none); orders the list.
    static constexpr int kVersionRole = Qt::UserRole + 1;

    LaunchReplayWizard *m_wizard;
    QString m_job;
    QStringList m_order;     // the registered versions asked for, in the snapshot's order
    QSet<QString> m_awaited; // those not answered yet
    int m_outstanding = 0;   // answers (specs or failures) still to come
    QComboBox *m_base;
    QLineEdit *m_version;
    QLineEdit *m_description;
    QPlainTextEdit *m_params;
    StatusLine *m_registered; // loading the registered specs, or why one is missing
    StatusLine *m_status;
};

QWizardPage *createKnownVersionPage(LaunchReplayWizard *wizard)
{
    return new LaunchKnownVersionPage(wizard);
}

QWizardPage *createSpecFilePage(LaunchReplayWizard *wizard)
{
    return new LaunchSpecFilePage(wizard);
}

QWizardPage *createEditSpecPage(LaunchReplayWizard *wizard)
{
    return new LaunchEditSpecPage(wizard);
}

} // namespace kappa::console

#include "launch_version_pages.moc"
