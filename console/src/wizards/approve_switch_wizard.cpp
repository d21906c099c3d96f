#include "wizards/approve_switch_wizard.h"

#include "client/workflow_decode.h"
#include "models/switch_requests_model.h"
#include "wizards/wizard_support.h"

#include <QDateTime>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace kappa::console {

namespace {

using Page = ApproveSwitchWizard::Page;

QTableView *requestsTable(QAbstractItemModel *model, QObject *owner)
{
    auto *sorted = new QSortFilterProxyModel(owner);
    sorted->setSourceModel(model);
    sorted->setSortRole(SwitchRequestsModel::SortRole);
    auto *table = new QTableView;
    table->setModel(sorted);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setSortingEnabled(true);
    table->sortByColumn(SwitchRequestsModel::Id, Qt::DescendingOrder);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

} // namespace

// The pending requests; the one selected is the field "switchRequest".
class PickSwitchPage : public QWizardPage
{
    Q_OBJECT
    Q_PROPERTY(qint64 requestId READ requestId WRITE setRequestId NOTIFY requestIdChanged)

public:
    explicit PickSwitchPage(ApproveSwitchWizard *wizard)
        : m_wizard(wizard)
        , m_model(new SwitchRequestsModel(this))
        , m_table(requestsTable(m_model, this))
        , m_status(new StatusLine)
    {
        setTitle(tr("Switch request"));
        setSubTitle(tr("The switch requests waiting for approval. Approving one moves its job's reads to the "
                       "candidate version at once."));
        // Only pending requests are listed: no state or decision to show.
        for (int column :
             {SwitchRequestsModel::State, SwitchRequestsModel::DecidedBy, SwitchRequestsModel::DecidedAt})
            m_table->hideColumn(column);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_table, 1);
        layout->addWidget(m_status);
        registerField(QStringLiteral("switchRequest"), this, "requestId", SIGNAL(requestIdChanged()));
        connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
            emit requestIdChanged();
            emit completeChanged();
        });
        connect(wizard->client(), &KappadClient::switchesReceived, this, &PickSwitchPage::listed);
        connect(wizard->client(), &KappadClient::identityReceived, this,
                [this](const Identity &identity) { m_wizard->m_identity = identity; });
        connect(wizard->client(), &KappadClient::failed, this, [this](const QString &what, const ApiError &e) {
            if (m_loading && isCall(what, workflow_call::kSwitches)) {
                m_loading = false;
                m_status->showError(tr("The switch requests could not be listed. %1").arg(errorText(e)));
            }
        });
    }

    void initializePage() override
    {
        m_loading = true;
        m_status->showBusy(tr("Listing the switch requests…"));
        m_wizard->client()->fetchIdentity();
        m_wizard->client()->fetchSwitches();
    }

    bool isComplete() const override { return requestId() > 0; }

    qint64 requestId() const
    {
        const QModelIndexList rows = m_table->selectionModel()->selectedRows();
        return rows.isEmpty() ? 0 : rows.first().data(SwitchRequestsModel::SwitchIdRole).toLongLong();
    }

    void setRequestId(qint64 id)
    {
        m_preselected = id;
        select(id);
    }

    std::optional<SwitchRequestInfo> request() const { return m_model->request(requestId()); }

signals:
    void requestIdChanged();

private:
    void listed(const QList<SwitchRequestInfo> &switches)
    {
        if (!m_loading)
            return;
        m_loading = false;
        const qint64 selected = requestId() > 0 ? requestId() : m_preselected;
        m_model->setRequests(pendingRequests(switches));
        if (m_model->rowCount() == 0)
            m_status->showInfo(tr("No switch request is waiting for approval."));
        else
            m_status->clear();
        select(selected);
        if (requestId() == 0 && m_model->rowCount() == 1)
            m_table->selectRow(0);
        emit requestIdChanged();
        emit completeChanged();
    }

    void select(qint64 id)
    {
        QAbstractItemModel *model = m_table->model();
        for (int row = 0; row < model->rowCount(); ++row)
            if (model->index(row, 0).data(SwitchRequestsModel::SwitchIdRole).toLongLong() == id)
                m_table->selectRow(row);
    }

    ApproveSwitchWizard *m_wizard;
    SwitchRequestsModel *m_model;
    QTableView *m_table;
    StatusLine *m_status;
    qint64 m_preselected = 0;
    bool m_loading = false;
};

// What is switched, the verdict, who launched and who requested; the
// four-eyes check. Complete once everything arrived and nothing stands in the way.
class ReviewSwitchPage : public QWizardPage
{
    Q_OBJECT

public:
    ReviewSwitchPage(ApproveSwitchWizard *wizard, PickSwitchPage *pick)
        : m_wizard(wizard)
        , m_pick(pick)
        , m_summary(new QLabel)
        , m_status(new StatusLine)
    {
        setTitle(tr("Review"));
        m_summary->setWordWrap(true);
        m_summary->setTextFormat(Qt::RichText);
        m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_summary);
        layout->addStretch();
        layout->addWidget(m_status);
        KappadClient *client = wizard->client();
        connect(client, &KappadClient::validationReceived, this, [this](const ValidationInfo &v) {
            if (m_request && m_waitValidation && v.id == m_request->validationId) {
                m_waitValidation = false;
                m_validation = v;
                update();
            }
        });
        connect(client, &KappadClient::replaysReceived, this, [this](const QList<ReplayInfo> &replays) {
            if (!m_request || !m_waitReplays)
                return;
            m_waitReplays = false;
            for (const ReplayInfo &replay : replays) // newest first: the first match launched it
                if (replay.kind == QLatin1String("replay") && replay.job == m_request->job
                    && replay.version == m_request->toVersion) {
                    m_launcher = replay.createdBy;
                    break;
                }
            update();
        });
        connect(client, &KappadClient::identityReceived, this, [this] { update(); });
        connect(client, &KappadClient::failed, this, [this](const QString &what, const ApiError &e) {
            if (m_waitValidation && isCall(what, workflow_call::kValidation)) {
                m_waitValidation = false;
                m_problems << tr("The validation could not be fetched: %1").arg(errorText(e));
            } else if (m_waitReplays && what == QLatin1String("replays")) {
                m_waitReplays = false; // the version's registrant stands in
            } else if (isCall(what, workflow_call::kIdentity)) {
                m_problems << tr("Who the console is could not be asked: %1").arg(errorText(e));
            } else {
                return;
            }
            update();
        });
    }

    void initializePage() override
    {
        m_request = m_pick->request();
        m_validation.reset();
        m_problems.clear();
        m_launcher = registrant();
        m_waitValidation = m_request && m_request->validationId > 0;
        m_waitReplays = m_request.has_value();
        if (m_waitValidation)
            m_wizard->client()->fetchValidation(m_request->validationId);
        if (m_waitReplays)
            m_wizard->client()->fetchReplays();
        if (!m_wizard->identity())
            m_wizard->client()->fetchIdentity();
        update();
    }

    bool isComplete() const override { return !waiting() && m_request && problem().isEmpty(); }

private:
    bool waiting() const { return m_waitValidation || m_waitReplays || !m_wizard->identity(); }

    // Who registered the candidate version, from the jobs snapshot.
    QString registrant() const
    {
        if (!m_request)
            return {};
        for (const JobInfo &job : m_wizard->jobs().jobs)
            if (job.job == m_request->job)
                for (const JobVersionInfo &v : job.versions)
                    if (v.version == m_request->toVersion)
                        return v.createdBy;
        return {};
    }

    QString problem() const
    {
        if (!m_problems.isEmpty())
            return m_problems.join(QLatin1Char('\n'));
        if (!m_request || !m_wizard->identity())
            return {};
        QString problem = ApproveSwitchWizard::fourEyesProblem(*m_wizard->identity(), *m_request, m_launcher);
        if (problem.isEmpty() && m_request->expiresMs > 0
            && m_request->expiresMs < QDateTime::currentMSecsSinceEpoch())
            problem = tr("The request expired at %1: request the switch again.")
                          .arg(formatWallTime(m_request->expiresMs));
        if (problem.isEmpty() && m_validation && !m_validation->passed)
            problem = tr("Validation %1 did not pass.").arg(m_validation->id);
        return problem;
    }

    void update()
    {
        if (!m_request) {
            m_summary->clear();
            m_status->showError(tr("Pick a request first."));
            emit completeChanged();
            return;
        }
        const SwitchRequestInfo &r = *m_request;
        setSubTitle(
            tr("Switch request %1: %2 from %3 to %4.").arg(r.id).arg(r.job, r.fromVersion, r.toVersion));
        auto row = [](const QString &name, const QString &value) {
            return QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(name, value);
        };
        QString verdict;
        if (r.validationId == 0)
            verdict = tr("none: an admin's override (%1)").arg(r.overrideReason.toHtmlEscaped());
        else if (!m_validation)
            verdict = m_waitValidation ? tr("fetching validation %1…").arg(r.validationId)
                                       : tr("validation %1 (not available)").arg(r.validationId);
        else
            verdict = tr("validation %1 <b style=\"color:%2\">%3</b>: %4 of %5 keys differ%6")
                          .arg(m_validation->id)
                          .arg(m_validation->passed ? QStringLiteral("#1b7f3b") : QStringLiteral("#b01c1c"),
                               m_validation->passed ? tr("passed") : tr("failed"))
                          .arg(m_validation->keysDiffering)
                          .arg(m_validation->keysCompared)
                          .arg(m_validation->aggregates.isEmpty()
                                   ? QString()
                                   : tr(", %1 aggregates compared").arg(m_validation->aggregates.size()));
        const QString launcher = m_launcher.isEmpty() ? (m_waitReplays ? tr("asking…") : tr("unknown"))
                                                      : m_launcher.toHtmlEscaped();
        const std::optional<Identity> &me = m_wizard->identity();
        QString html = QStringLiteral("<table cellspacing=6>");
        html += row(tr("Job"), r.job.toHtmlEscaped());
        html += row(tr("Switch"), tr("from <b>%1</b> to <b>%2</b>")
                                      .arg(r.fromVersion.toHtmlEscaped(), r.toVersion.toHtmlEscaped()));
        html += row(tr("Verdict"), verdict);
        html += row(tr("Replay launched by"), launcher);
        html += row(tr("Switch requested by"),
                    tr("%1 at %2").arg(r.requestedBy.toHtmlEscaped(), formatWallTime(r.requestedMs)));
        html += row(tr("Expires"), formatWallTime(r.expiresMs));
        html += row(tr("You are"), me ? tr("%1 (%2)").arg(me->name.toHtmlEscaped(), me->role.toHtmlEscaped())
                                      : tr("asking…"));
        html += QStringLiteral("</table>");
        m_summary->setText(html);

        const QString why = problem();
        if (!why.isEmpty())
            m_status->showError(why);
        else if (waiting())
            m_status->showBusy(tr("Gathering what the approval rests on…"));
        else
            m_status->showSuccess(tr("You may approve this switch."));
        emit completeChanged();
    }

    ApproveSwitchWizard *m_wizard;
    PickSwitchPage *m_pick;
    QLabel *m_summary;
    StatusLine *m_status;
    std::optional<SwitchRequestInfo> m_request;
    std::optional<ValidationInfo> m_validation;
    QString m_launcher;
    QStringList m_problems;
    bool m_waitValidation = false;
    bool m_waitReplays = false;
};

class ApproveResultPage : public QWizardPage
{
    Q_OBJECT

public:
    ApproveResultPage(ApproveSwitchWizard *wizard, PickSwitchPage *pick)
        : m_wizard(wizard)
        , m_pick(pick)
        , m_status(new StatusLine)
        , m_alias(new QLabel)
    {
        setTitle(tr("Switch"));
        setSubTitle(tr("What kappad answered."));
        m_alias->setWordWrap(true);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_status);
        layout->addWidget(m_alias);
        layout->addStretch();
        KappadClient *client = wizard->client();
        connect(client, &KappadClient::switchChanged, this, [this](const SwitchRequestInfo &request) {
            if (!m_waiting || request.id != m_id)
                return;
            m_waiting = false;
            m_result = request;
            if (request.state == QLatin1String("switched")) {
                m_status->showSuccess(tr("Switched: %1 now serves from %2 (%3 stays warm for a rollback).")
                                          .arg(request.job, request.toVersion, request.fromVersion));
                m_alias->setText(tr("Checking the alias…"));
                m_wizard->client()->fetchJobs();
                emit m_wizard->switched(request);
            } else {
                m_status->showError(tr("Request %1 is %2: %3")
                                        .arg(request.id)
                                        .arg(switchStateText(request.state), request.reason));
            }
            emit completeChanged();
        });
        connect(client, &KappadClient::actionFailed, this, [this](const QString &what, const ApiError &e) {
            if (!m_waiting || !isCall(what, workflow_call::kApproveSwitch))
                return;
            m_waiting = false;
            m_status->showError(tr("kappad did not switch. %1").arg(errorText(e)));
            emit completeChanged();
        });
        connect(client, &KappadClient::jobsReceived, this, [this](const JobsSnapshot &jobs) {
            if (!m_result || m_result->state != QLatin1String("switched"))
                return;
            for (const JobInfo &job : jobs.jobs)
                if (job.job == m_result->job)
                    m_alias->setText(job.liveVersion == m_result->toVersion
                                         ? tr("The alias %1 names %2 now.").arg(job.job, job.liveVersion)
                                         : tr("The alias %1 names %2 now (changed again since).")
                                               .arg(job.job, job.liveVersion));
        });
    }

    void initializePage() override
    {
        const std::optional<SwitchRequestInfo> request = m_pick->request();
        if (!request)
            return;
        m_id = request->id;
        m_waiting = true;
        m_result.reset();
        m_alias->clear();
        m_status->showBusy(
            tr("Switching %1 from %2 to %3…").arg(request->job, request->fromVersion, request->toVersion));
        m_wizard->client()->approveSwitch(request->id);
        emit completeChanged();
    }

    bool isComplete() const override { return !m_waiting; }
    std::optional<SwitchRequestInfo> result() const { return m_result; }

private:
    ApproveSwitchWizard *m_wizard;
    PickSwitchPage *m_pick;
    StatusLine *m_status;
    QLabel *m_alias;
    std::optional<SwitchRequestInfo> m_result;
    qint64 m_id = 0;
    bool m_waiting = false;
};

// The typed confirmation, told what the approval does.
class ConfirmApprovalPage : public ConfirmJobPage
{
    Q_OBJECT

public:
    explicit ConfirmApprovalPage(PickSwitchPage *pick)
        : ConfirmJobPage(QStringLiteral("approveTypedJob"))
        , m_pick(pick)
    {
        setTitle(tr("Confirm"));
        setSubTitle(tr("Type the name of the job to approve the switch."));
        setCommitPage(true);
        setButtonText(QWizard::CommitButton, tr("&Approve and switch"));
    }

    void initializePage() override
    {
        const std::optional<SwitchRequestInfo> request = m_pick->request();
        if (!request)
            return;
        setJob(request->job);
        setExplanation(
            tr("Approving moves the alias of <b>%1</b> from %2 to <b>%3</b> at once: every read after "
               "that is answered by %3. %2 stays warm during the rollback window.")
                .arg(request->job.toHtmlEscaped(), request->fromVersion.toHtmlEscaped(),
                     request->toVersion.toHtmlEscaped()));
    }

private:
    PickSwitchPage *m_pick;
};

ApproveSwitchWizard::ApproveSwitchWizard(KappadClient *client, const JobsSnapshot &jobs, QWidget *parent)
    : QWizard(parent)
    , m_client(client)
    , m_jobs(jobs)
{
    setWindowTitle(tr("Approve switch"));
    // The last page shows the result of what was done: only Finish is left.
    setOption(QWizard::NoBackButtonOnLastPage);
    setOption(QWizard::NoCancelButtonOnLastPage);
    auto *pick = new PickSwitchPage(this);
    setPage(id(Page::Pick), pick);
    setPage(id(Page::Review), new ReviewSwitchPage(this, pick));
    setPage(id(Page::Confirm), new ConfirmApprovalPage(pick));
    setPage(id(Page::Result), new ApproveResultPage(this, pick));
    setStartId(id(Page::Pick));
    resize(760, 520);
}

void ApproveSwitchWizard::setRequestId(qint64 requestId)
{
    static_cast<PickSwitchPage *>(page(id(Page::Pick)))->setRequestId(requestId);
}

std::optional<SwitchRequestInfo> ApproveSwitchWizard::request() const
{
    return static_cast<PickSwitchPage *>(page(id(Page::Pick)))->request();
}

QString ApproveSwitchWizard::fourEyesProblem(const Identity &identity, const SwitchRequestInfo &request,
                                             const QString &launcher)
{
    if (identity.role != QLatin1String("approver") && identity.role != QLatin1String("admin"))
        return tr("The console's token (%1) has the role %2: approving needs an approver's or an admin's "
                  "token.")
            .arg(identity.name, identity.role);
    if (identity.name == request.requestedBy)
        return tr("You (%1) requested this switch: another person must approve it (four-eyes).")
            .arg(identity.name);
    if (!launcher.isEmpty() && identity.name == launcher)
        return tr("You (%1) launched the replay of %2: another person must approve the switch (four-eyes).")
            .arg(identity.name, request.toVersion);
    return {};
}

} // namespace kappa::console

#include "approve_switch_wizard.moc"
