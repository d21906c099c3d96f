#include "wizards/rollback_wizard.h"

#include "client/workflow_decode.h"
#include "models/replays_model.h"
#include "models/switch_requests_model.h"
#include "wizards/wizard_support.h"

#include <QDateTime>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

namespace kappa::console {

namespace {

using Page = RollbackWizard::Page;

// "12 min ago", "3 h 5 min ago".
QString agoText(qint64 ms)
{
    const double seconds = static_cast<double>(QDateTime::currentMSecsSinceEpoch() - ms) / 1000;
    return RollbackWizard::tr("%1 ago").arg(formatEta(std::max(0.0, seconds)));
}

} // namespace

// Each job's last switch; the one selected is the field "rollbackJob".
class PickRollbackPage : public QWizardPage
{
    Q_OBJECT
    Q_PROPERTY(QString job READ job WRITE setJob NOTIFY jobChanged)

public:
    explicit PickRollbackPage(RollbackWizard *wizard)
        : m_wizard(wizard)
        , m_model(new SwitchRequestsModel(this))
        , m_table(new QTableView)
        , m_note(new QLabel)
        , m_status(new StatusLine)
    {
        setTitle(tr("Job"));
        setSubTitle(tr("A rollback moves a job's reads back to the version its last switch replaced, while "
                       "that version is still warm (within kappad's rollback window, one hour by default)."));
        m_table->setModel(m_model);
        m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
        m_table->setSelectionMode(QAbstractItemView::SingleSelection);
        m_table->verticalHeader()->hide();
        m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        m_table->horizontalHeader()->setStretchLastSection(true);
        m_table->hideColumn(SwitchRequestsModel::State);
        m_note->setWordWrap(true);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_table, 1);
        layout->addWidget(m_note);
        layout->addWidget(m_status);
        registerField(QStringLiteral("rollbackJob"), this, "job", SIGNAL(jobChanged()));
        connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
            describe();
            emit jobChanged();
            emit completeChanged();
        });
        connect(wizard->client(), &KappadClient::switchesReceived, this, &PickRollbackPage::listed);
        connect(wizard->client(), &KappadClient::identityReceived, this, [this](const Identity &identity) {
            if (!m_askedIdentity)
                return;
            m_askedIdentity = false;
            // kappad would refuse it (403) after the typed confirmation: say so now.
            m_roleProblem
                = identity.role == QLatin1String("approver") || identity.role == QLatin1String("admin")
                      ? QString()
                      : tr("The console's token (%1) has the role %2: rolling back needs an approver's "
                           "or an admin's token.")
                            .arg(identity.name, identity.role);
            if (!m_roleProblem.isEmpty())
                m_status->showError(m_roleProblem);
            emit completeChanged();
        });
        connect(wizard->client(), &KappadClient::failed, this, [this](const QString &what, const ApiError &e) {
            if (m_loading && isCall(what, workflow_call::kSwitches)) {
                m_loading = false;
                m_status->showError(tr("The switches could not be listed. %1").arg(errorText(e)));
            }
        });
    }

    void initializePage() override
    {
        m_loading = true;
        m_askedIdentity = true;
        m_status->showBusy(tr("Listing the switches…"));
        m_wizard->client()->fetchIdentity();
        m_wizard->client()->fetchSwitches();
    }

    bool isComplete() const override { return !job().isEmpty() && m_roleProblem.isEmpty(); }

    QString job() const
    {
        const std::optional<SwitchRequestInfo> s = lastSwitch();
        return s ? s->job : QString();
    }

    void setJob(const QString &job)
    {
        m_preselected = job;
        select(job);
    }

    std::optional<SwitchRequestInfo> lastSwitch() const
    {
        const QModelIndexList rows = m_table->selectionModel()->selectedRows();
        if (rows.isEmpty())
            return std::nullopt;
        return m_model->requests().value(rows.first().row());
    }

signals:
    void jobChanged();

private:
    void listed(const QList<SwitchRequestInfo> &switches)
    {
        if (!m_loading)
            return;
        m_loading = false;
        const QString selected = job().isEmpty() ? m_preselected : job();
        m_model->setRequests(lastSwitchPerJob(switches));
        if (!m_roleProblem.isEmpty())
            m_status->showError(m_roleProblem);
        else if (m_model->rowCount() == 0)
            m_status->showInfo(tr("No job has been switched, so there is nothing to roll back."));
        else
            m_status->clear();
        select(selected);
        if (job().isEmpty() && m_model->rowCount() == 1)
            m_table->selectRow(0);
        emit jobChanged();
        emit completeChanged();
    }

    void select(const QString &job)
    {
        for (int row = 0; row < m_model->rowCount(); ++row)
            if (m_model->requests()[row].job == job)
                m_table->selectRow(row);
    }

    void describe()
    {
        const std::optional<SwitchRequestInfo> s = lastSwitch();
        if (!s) {
            m_note->clear();
            return;
        }
        QString live;
        for (const JobInfo &info : m_wizard->jobs().jobs)
            if (info.job == s->job)
                live = info.liveVersion;
        m_note->setText(
            tr("%1 was switched from %2 to %3 at %4 (%5) by %6. It serves from %7 now; a rollback "
               "makes it serve from %2 again, if kappad still keeps %2 warm.")
                .arg(s->job, s->fromVersion, s->toVersion, formatWallTime(s->decidedMs),
                     agoText(s->decidedMs), s->decidedBy, live.isEmpty() ? s->toVersion : live));
    }

    RollbackWizard *m_wizard;
    SwitchRequestsModel *m_model;
    QTableView *m_table;
    QLabel *m_note;
    StatusLine *m_status;
    QString m_preselected;
    QString m_roleProblem;
    bool m_loading = false;
    bool m_askedIdentity = false;
};

class ConfirmRollbackPage : public ConfirmJobPage
{
    Q_OBJECT

public:
    explicit ConfirmRollbackPage(PickRollbackPage *pick)
        : ConfirmJobPage(QStringLiteral("rollbackTypedJob"))
        , m_pick(pick)
        , m_reason(new QLineEdit)
    {
        setTitle(tr("Confirm"));
        setSubTitle(tr("Type the name of the job to roll it back."));
        setCommitPage(true);
        setButtonText(QWizard::CommitButton, tr("&Roll back"));
        m_reason->setPlaceholderText(tr("optional, for the audit log"));
        addRow(tr("Rea&son:"), m_reason);
        registerField(QStringLiteral("rollbackReason"), m_reason);
    }

    void initializePage() override
    {
        const std::optional<SwitchRequestInfo> s = m_pick->lastSwitch();
        if (!s)
            return;
        setJob(s->job);
        setExplanation(
            tr("Rolling back moves the alias of <b>%1</b> from %2 back to <b>%3</b> at once: every "
               "read after that is answered by %3, and %2 stays warm in turn. The switch was at %4 "
               "(%5); kappad refuses when its rollback window is over.")
                .arg(s->job.toHtmlEscaped(), s->toVersion.toHtmlEscaped(), s->fromVersion.toHtmlEscaped(),
                     formatWallTime(s->decidedMs), agoText(s->decidedMs)));
    }

private:
    PickRollbackPage *m_pick;
    QLineEdit *m_reason;
};

class RollbackResultPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit RollbackResultPage(RollbackWizard *wizard)
        : m_wizard(wizard)
        , m_status(new StatusLine)
    {
        setTitle(tr("Rollback"));
        setSubTitle(tr("What kappad answered."));
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_status);
        layout->addStretch();
        connect(wizard->client(), &KappadClient::rolledBack, this, [this](const RollbackResult &result) {
            if (!m_waiting || result.job != m_job)
                return;
            m_waiting = false;
            m_result = result;
            m_status->showSuccess(tr("%1 serves from %2 again.").arg(result.job, result.liveVersion));
            emit completeChanged();
            emit m_wizard->rolledBack(result);
        });
        connect(wizard->client(), &KappadClient::actionFailed, this,
                [this](const QString &what, const ApiError &e) {
                    if (!m_waiting || !isCall(what, workflow_call::kRollback))
                        return;
                    m_waiting = false;
                    m_status->showError(
                        e.httpStatus == 409
                            ? tr("kappad refused the rollback, and %1 still serves as before: %2")
                                  .arg(m_job, e.message)
                            : tr("Nothing was rolled back. %1").arg(errorText(e)));
                    emit completeChanged();
                });
    }

    void initializePage() override
    {
        m_job = field(QStringLiteral("rollbackJob")).toString();
        m_waiting = true;
        m_result.reset();
        m_status->showBusy(tr("Rolling %1 back…").arg(m_job));
        m_wizard->client()->rollback(m_job, field(QStringLiteral("rollbackReason")).toString());
        emit completeChanged();
    }

    bool isComplete() const override { return !m_waiting; }
    std::optional<RollbackResult> result() const { return m_result; }

private:
    RollbackWizard *m_wizard;
    StatusLine *m_status;
    QString m_job;
    std::optional<RollbackResult> m_result;
    bool m_waiting = false;
};

RollbackWizard::RollbackWizard(KappadClient *client, const JobsSnapshot &jobs, QWidget *parent)
    : QWizard(parent)
    , m_client(client)
    , m_jobs(jobs)
{
    setWindowTitle(tr("Roll back"));
    // The last page shows the result of what was done: only Finish is left.
    setOption(QWizard::NoBackButtonOnLastPage);
    setOption(QWizard::NoCancelButtonOnLastPage);
    auto *pick = new PickRollbackPage(this);
    setPage(id(Page::Pick), pick);
    setPage(id(Page::Confirm), new ConfirmRollbackPage(pick));
    setPage(id(Page::Result), new RollbackResultPage(this));
    setStartId(id(Page::Pick));
    resize(760, 480);
}

void RollbackWizard::setJob(const QString &job)
{
    static_cast<PickRollbackPage *>(page(id(Page::Pick)))->setJob(job);
}

std::optional<SwitchRequestInfo> RollbackWizard::lastSwitch() const
{
    return static_cast<PickRollbackPage *>(page(id(Page::Pick)))->lastSwitch();
}

} // namespace kappa::console

#include "rollback_wizard.moc"
