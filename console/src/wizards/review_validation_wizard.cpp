#include "wizards/review_validation_wizard.h"

#include "client/workflow_decode.h"
#include "models/switch_requests_model.h"
#include "models/validation_aggregates_model.h"
#include "models/validation_diff_model.h"
#include "wizards/aggregate_chart.h"
#include "wizards/wizard_support.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

namespace kappa::console {

namespace {

using Page = ReviewValidationWizard::Page;

QString percent(double share)
{
    return QLocale().toString(share * 100, 'f', 2) + QStringLiteral(" %");
}

} // namespace

class PickValidationPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit PickValidationPage(ReviewValidationWizard *wizard)
        : m_wizard(wizard)
        , m_validateNow(new QRadioButton(tr("&Validate a caught-up candidate now:")))
        , m_openStored(new QRadioButton(tr("&Open a stored validation:")))
        , m_candidate(new QComboBox)
        , m_stored(new QComboBox)
        , m_status(new StatusLine)
    {
        setTitle(tr("Candidate"));
        setSubTitle(tr("A validation compares a caught-up candidate with the live version on the events both "
                       "have read: sampled keys field by field, and aggregates."));
        m_candidate->addItems(ReviewValidationWizard::candidates(wizard->jobs()));
        m_validateNow->setChecked(m_candidate->count() > 0);
        m_openStored->setChecked(m_candidate->count() == 0);
        auto *form = new QFormLayout(this);
        form->addRow(m_validateNow);
        form->addRow(tr("Can&didate:"), m_candidate);
        form->addRow(m_openStored);
        form->addRow(tr("&Stored validation:"), m_stored);
        form->addRow(m_status);
        if (m_candidate->count() == 0)
            m_status->showInfo(tr("No version is caught up and waiting to be validated."));
        registerField(QStringLiteral("validateNow"), m_validateNow);
        registerField(QStringLiteral("openStored"), m_openStored);
        registerField(QStringLiteral("candidate"), m_candidate, "currentText",
                      SIGNAL(currentTextChanged(QString)));
        registerField(QStringLiteral("storedValidation"), m_stored);
        for (QRadioButton *button : {m_validateNow, m_openStored})
            connect(button, &QRadioButton::toggled, this, &PickValidationPage::update);
        connect(m_candidate, &QComboBox::currentTextChanged, this, &PickValidationPage::completeChanged);
        connect(m_stored, &QComboBox::currentIndexChanged, this, &PickValidationPage::completeChanged);
        connect(wizard->client(), &KappadClient::validationsReceived, this, &PickValidationPage::listed);
        connect(wizard->client(), &KappadClient::failed, this, [this](const QString &what, const ApiError &e) {
            if (m_loading && isCall(what, workflow_call::kValidations)) {
                m_loading = false;
                m_status->showError(tr("The stored validations could not be listed. %1").arg(errorText(e)));
            }
        });
        update();
    }

    void initializePage() override
    {
        m_loading = true;
        m_wizard->client()->fetchValidations();
    }

    void preselectCandidate(const QString &candidate)
    {
        const int index = m_candidate->findText(candidate);
        if (index < 0) {
            m_status->showError(
                tr("%1 is not caught up or validated, so it cannot be validated now.").arg(candidate));
            return;
        }
        m_candidate->setCurrentIndex(index);
        m_validateNow->setChecked(true);
    }

    void preselectStored(qint64 id)
    {
        m_preselected = id;
        m_openStored->setChecked(true);
        selectPreselected();
    }

    bool isComplete() const override
    {
        if (m_validateNow->isChecked())
            return !m_candidate->currentText().isEmpty();
        return m_stored->currentIndex() >= 0;
    }

    // The stored validation picked, or 0.
    qint64 storedId() const
    {
        return m_stored->currentIndex() >= 0 ? m_stored->currentData().toLongLong() : 0;
    }

private:
    void update()
    {
        m_candidate->setEnabled(m_validateNow->isChecked());
        m_stored->setEnabled(m_openStored->isChecked());
        emit completeChanged();
    }

    void listed(const QList<ValidationInfo> &validations)
    {
        if (!m_loading)
            return;
        m_loading = false;
        m_stored->clear();
        for (const ValidationInfo &v : validations)
            m_stored->addItem(tr("#%1  %2@%3 against %4: %5, %6 by %7")
                                  .arg(v.id)
                                  .arg(v.job, v.candidate, v.baseline, v.passed ? tr("passed") : tr("failed"),
                                       formatWallTime(v.createdMs), v.createdBy),
                              v.id);
        if (validations.isEmpty() && m_candidate->count() == 0)
            m_status->showInfo(tr("There is nothing to review: no candidate is caught up and no validation "
                                  "is stored."));
        selectPreselected();
        emit completeChanged();
    }

    void selectPreselected()
    {
        const int index = m_stored->findData(m_preselected);
        if (m_preselected > 0 && index >= 0)
            m_stored->setCurrentIndex(index);
    }

    ReviewValidationWizard *m_wizard;
    QRadioButton *m_validateNow;
    QRadioButton *m_openStored;
    QComboBox *m_candidate;
    QComboBox *m_stored;
    StatusLine *m_status;
    bool m_loading = false;
    qint64 m_preselected = 0;
};

// Runs the validation (or fetches the stored one) and shows its verdict.
class ValidationReportPage : public QWizardPage
{
    Q_OBJECT

public:
    ValidationReportPage(ReviewValidationWizard *wizard, PickValidationPage *pick)
        : m_wizard(wizard)
        , m_pick(pick)
        , m_verdict(new QLabel)
        , m_details(new QLabel)
        , m_status(new StatusLine)
        , m_again(new QPushButton(tr("&Validate again")))
    {
        setTitle(tr("Verdict"));
        m_again->setObjectName(QStringLiteral("validateAgain"));
        m_again->setToolTip(tr("Compare again, e.g. when no key was final in both versions yet"));
        m_again->hide();
        QFont big = m_verdict->font();
        big.setPointSizeF(big.pointSizeF() * 1.5);
        big.setBold(true);
        m_verdict->setFont(big);
        m_details->setWordWrap(true);
        m_details->setTextFormat(Qt::RichText);
        m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_verdict);
        layout->addWidget(m_details);
        layout->addStretch();
        auto *row = new QHBoxLayout;
        row->addWidget(m_status, 1);
        // Its own width, also while the status line beside it is hidden.
        m_again->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
        row->addWidget(m_again, 0, Qt::AlignTop);
        layout->addLayout(row);
        connect(m_again, &QPushButton::clicked, this, &ValidationReportPage::run);
        connect(wizard->client(), &KappadClient::validationReceived, this, &ValidationReportPage::received);
        auto failure = [this](const QString &what, const ApiError &error) {
            if (!m_waiting
                || !(isCall(what, workflow_call::kValidate) || isCall(what, workflow_call::kValidation)))
                return;
            m_waiting = false;
            m_status->showError(errorText(error));
            m_again->setEnabled(true);
        };
        connect(wizard->client(), &KappadClient::failed, this, failure);
        connect(wizard->client(), &KappadClient::actionFailed, this, failure);
    }

    void initializePage() override
    {
        const bool now = field(QStringLiteral("validateNow")).toBool();
        const QString candidate = field(QStringLiteral("candidate")).toString();
        const qint64 stored = m_pick->storedId();
        const QString asked = now ? candidate : QString::number(stored);
        if (asked == m_asked && m_wizard->validation())
            return; // back and forth: the verdict stays; a new run is a new validation
        m_asked = asked;
        run();
    }

    bool isComplete() const override { return !m_waiting && m_wizard->validation().has_value(); }

    int nextId() const override
    {
        const std::optional<ValidationInfo> &v = m_wizard->validation();
        if (v && !v->diffs.isEmpty())
            return ReviewValidationWizard::id(Page::Diffs);
        if (v && !v->aggregates.isEmpty())
            return ReviewValidationWizard::id(Page::Aggregates);
        return ReviewValidationWizard::id(Page::Decision);
    }

private:
    // Validates the candidate now, or fetches the stored validation.
    void run()
    {
        const bool now = field(QStringLiteral("validateNow")).toBool();
        const QString candidate = field(QStringLiteral("candidate")).toString();
        m_waiting = true;
        m_verdict->clear();
        m_details->clear();
        m_again->setVisible(now);
        m_again->setEnabled(false);
        if (now) {
            m_job = candidate.section(QLatin1Char('@'), 0, 0);
            m_version = candidate.section(QLatin1Char('@'), 1);
            m_storedId = 0;
            m_status->showBusy(tr("Comparing %1 with the live version… (a comparison that finds differences "
                                  "is repeated after longer waits, so this can take a few seconds)")
                                   .arg(candidate));
            m_wizard->client()->validate(m_job, m_version);
        } else {
            m_storedId = m_pick->storedId();
            m_status->showBusy(tr("Fetching validation %1…").arg(m_storedId));
            m_wizard->client()->fetchValidation(m_storedId);
        }
        emit completeChanged();
    }

    void received(const ValidationInfo &v)
    {
        if (!m_waiting)
            return;
        if (m_storedId > 0 ? v.id != m_storedId : (v.job != m_job || v.candidate != m_version))
            return;
        m_waiting = false;
        m_again->setEnabled(true);
        m_wizard->setValidation(v);
        m_status->clear();
        setSubTitle(tr("Validation %1 of %2@%3 against the live %4, by %5 at %6.")
                        .arg(v.id)
                        .arg(v.job, v.candidate, v.baseline, v.createdBy, formatWallTime(v.createdMs)));
        m_verdict->setText(v.passed ? tr("✔ Passed") : tr("✘ Failed"));
        m_verdict->setStyleSheet(v.passed ? QStringLiteral("color: #1b7f3b;")
                                          : QStringLiteral("color: #b01c1c;"));
        QString html = tr("<p>%1 keys compared, %2 differ (%3; at most %4 may differ).</p>")
                           .arg(QLocale().toString(v.keysCompared), QLocale().toString(v.keysDiffering),
                                percent(v.differingShare), percent(v.maxDiffShare));
        if (!v.addedFields.isEmpty())
            html += tr("<p>Fields only the candidate has (new, not differences): %1.</p>")
                        .arg(v.addedFields.join(QStringLiteral(", ")).toHtmlEscaped());
        if (!v.aggregates.isEmpty()) {
            qsizetype outside = 0;
            for (const ValidationAggregate &a : v.aggregates)
                outside += a.ok ? 0 : 1;
            html += tr("<p>Aggregates compared: %1, outside their tolerance: %2.</p>")
                        .arg(v.aggregates.size())
                        .arg(outside);
        }
        if (v.attempts > 1)
            html += tr("<p>Compared %1 times: differences that went away on a later comparison are not "
                       "reported.</p>")
                        .arg(v.attempts);
        if (!v.reasons.isEmpty()) {
            html += tr("<p><b>Why it failed:</b></p><ul>");
            for (const QString &reason : v.reasons)
                html += QStringLiteral("<li>%1</li>").arg(reason.toHtmlEscaped());
            html += QStringLiteral("</ul>");
        }
        m_details->setText(html);
        emit completeChanged();
    }

    ReviewValidationWizard *m_wizard;
    PickValidationPage *m_pick;
    QLabel *m_verdict;
    QLabel *m_details;
    StatusLine *m_status;
    QPushButton *m_again;
    QString m_asked;
    QString m_job;
    QString m_version;
    qint64 m_storedId = 0;
    bool m_waiting = false;
};

// The key diffs: a tree of keys with their differing fields, filtered by
// text (key or field) and by one field.
class ValidationDiffsPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit ValidationDiffsPage(ReviewValidationWizard *wizard)
        : m_wizard(wizard)
        , m_byField(new QSortFilterProxyModel(this))
        , m_byText(new QSortFilterProxyModel(this))
        , m_filter(new QLineEdit)
        , m_field(new QComboBox)
        , m_tree(new QTreeView)
        , m_summary(new QLabel)
    {
        setTitle(tr("Key differences"));
        setSubTitle(tr("Sampled keys whose fields differ between the live version and the candidate, "
                       "beyond the spec's tolerances."));
        // A field picked in the combo keeps the keys that have it, with only that field.
        m_byField->setSourceModel(wizard->diffModel());
        m_byField->setFilterRole(ValidationDiffModel::FieldRole);
        m_byField->setRecursiveFilteringEnabled(true);
        // Text matches a key or a field; a matching key shows all its fields.
        m_byText->setSourceModel(m_byField);
        m_byText->setFilterKeyColumn(ValidationDiffModel::KeyOrField);
        m_byText->setFilterCaseSensitivity(Qt::CaseInsensitive);
        m_byText->setRecursiveFilteringEnabled(true);
        m_byText->setAutoAcceptChildRows(true);
        m_byText->setSortRole(ValidationDiffModel::SortRole);
        m_tree->setModel(m_byText);
        m_tree->setSortingEnabled(true);
        m_tree->sortByColumn(-1, Qt::AscendingOrder); // kappad's order until a header is clicked
        m_tree->setUniformRowHeights(true);
        // Values can be long JSON: the two value columns share the width and
        // elide; a value's tooltip shows it whole.
        m_tree->header()->setStretchLastSection(false);
        m_tree->header()->setSectionResizeMode(ValidationDiffModel::Live, QHeaderView::Stretch);
        m_tree->header()->setSectionResizeMode(ValidationDiffModel::Candidate, QHeaderView::Stretch);
        m_tree->setTextElideMode(Qt::ElideMiddle);
        m_tree->setAlternatingRowColors(true);
        m_filter->setPlaceholderText(tr("key or field"));
        m_filter->setClearButtonEnabled(true);
        m_summary->setWordWrap(true);

        auto *filters = new QHBoxLayout;
        auto *filterLabel = new QLabel(tr("&Filter:"));
        filterLabel->setBuddy(m_filter);
        auto *fieldLabel = new QLabel(tr("F&ield:"));
        fieldLabel->setBuddy(m_field);
        filters->addWidget(filterLabel);
        filters->addWidget(m_filter, 1);
        filters->addWidget(fieldLabel);
        filters->addWidget(m_field);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_summary);
        layout->addLayout(filters);
        layout->addWidget(m_tree, 1);
        setTabOrder(m_filter, m_field);
        setTabOrder(m_field, m_tree);

        connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
            m_byText->setFilterFixedString(text);
            m_tree->expandAll();
        });
        connect(m_field, &QComboBox::currentIndexChanged, this, [this] {
            const QString field = m_field->currentData().toString();
            m_byField->setFilterRegularExpression(
                field.isEmpty()
                    ? QRegularExpression()
                    : QRegularExpression(QLatin1Char('^') + QRegularExpression::escape(field) + '$'));
            m_tree->expandAll();
        });
    }

    void initializePage() override
    {
        const std::optional<ValidationInfo> &v = m_wizard->validation();
        if (!v)
            return;
        m_summary->setText(
            tr("%1 of %2 keys differ; %3 differing fields are listed (kappad lists at most 200).")
                .arg(v->keysDiffering)
                .arg(v->keysCompared)
                .arg(v->diffs.size()));
        const QSignalBlocker blocker(m_field);
        m_field->clear();
        m_field->addItem(tr("All fields"), QString());
        for (const QString &field : m_wizard->diffModel()->fields())
            m_field->addItem(field == QLatin1String("(row)") ? tr("(missing row)") : field, field);
        m_filter->clear();
        m_byField->setFilterRegularExpression(QRegularExpression());
        m_tree->expandAll();
        m_tree->resizeColumnToContents(ValidationDiffModel::KeyOrField);
        m_tree->resizeColumnToContents(ValidationDiffModel::Samples);
    }

    int nextId() const override
    {
        const std::optional<ValidationInfo> &v = m_wizard->validation();
        return v && !v->aggregates.isEmpty() ? ReviewValidationWizard::id(Page::Aggregates)
                                             : ReviewValidationWizard::id(Page::Decision);
    }

private:
    ReviewValidationWizard *m_wizard;
    QSortFilterProxyModel *m_byField;
    QSortFilterProxyModel *m_byText;
    QLineEdit *m_filter;
    QComboBox *m_field;
    QTreeView *m_tree;
    QLabel *m_summary;
};

class ValidationAggregatesPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit ValidationAggregatesPage(ReviewValidationWizard *wizard)
        : m_wizard(wizard)
        , m_chart(new AggregateChart)
    {
        setTitle(tr("Aggregate deltas"));
        setSubTitle(tr("Each aggregate's relative delta, candidate against live; the dashed lines are the "
                       "tolerance it must stay within."));
        auto *sorted = new QSortFilterProxyModel(this);
        sorted->setSourceModel(wizard->aggregatesModel());
        sorted->setSortRole(ValidationAggregatesModel::SortRole);
        auto *table = new QTableView;
        table->setModel(sorted);
        table->setSortingEnabled(true);
        table->sortByColumn(-1, Qt::AscendingOrder);
        table->verticalHeader()->hide();
        table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        table->horizontalHeader()->setStretchLastSection(true);
        auto *splitter = new QSplitter(Qt::Vertical);
        splitter->addWidget(m_chart);
        splitter->addWidget(table);
        splitter->setStretchFactor(0, 3);
        splitter->setStretchFactor(1, 2);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(splitter);
    }

    void initializePage() override
    {
        if (const std::optional<ValidationInfo> &v = m_wizard->validation())
            m_chart->setAggregates(v->aggregates);
    }

    int nextId() const override { return ReviewValidationWizard::id(Page::Decision); }

    AggregateChart *chart() const { return m_chart; }

private:
    ReviewValidationWizard *m_wizard;
    AggregateChart *m_chart;
};

class ValidationDecisionPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit ValidationDecisionPage(ReviewValidationWizard *wizard)
        : m_wizard(wizard)
        , m_request(
              new QRadioButton(tr("Request the s&witch: an approver then moves reads to the candidate")))
        , m_reject(new QRadioButton(tr("Re&ject the candidate")))
        , m_reason(new QLineEdit)
        , m_note(new QLabel)
        , m_status(new StatusLine)
    {
        setTitle(tr("Decision"));
        setCommitPage(true);
        m_note->setWordWrap(true);
        m_reason->setPlaceholderText(tr("for the audit log"));
        auto *form = new QFormLayout(this);
        form->addRow(m_request);
        form->addRow(m_reject);
        form->addRow(tr("Rea&son:"), m_reason);
        form->addRow(m_note);
        form->addRow(m_status);
        registerField(QStringLiteral("decisionRequest"), m_request);
        registerField(QStringLiteral("decisionReject"), m_reject);
        registerField(QStringLiteral("rejectReason"), m_reason);
        for (QRadioButton *button : {m_request, m_reject})
            connect(button, &QRadioButton::toggled, this, &ValidationDecisionPage::update);
        connect(m_reason, &QLineEdit::textChanged, m_status, [this] {
            if (m_status->kind() == StatusLine::Kind::Error)
                m_status->clear();
        });
        connect(wizard->client(), &KappadClient::switchesReceived, this, &ValidationDecisionPage::listed);
        connect(wizard->client(), &KappadClient::failed, this, [this](const QString &what, const ApiError &e) {
            if (!m_loading || !isCall(what, workflow_call::kSwitches))
                return;
            m_loading = false;
            m_pending.reset();
            m_status->showError(
                tr("The switch requests could not be listed, so a pending one is not known. %1")
                    .arg(errorText(e)));
            update();
        });
    }

    void initializePage() override
    {
        const std::optional<ValidationInfo> &v = m_wizard->validation();
        setSubTitle(v ? tr("What happens with %1@%2?").arg(v->job, v->candidate) : QString());
        m_loading = true;
        m_pending.reset();
        m_status->showBusy(tr("Looking for a pending switch request…"));
        m_request->setEnabled(false);
        m_reject->setEnabled(false);
        m_wizard->client()->fetchSwitches();
        emit completeChanged();
    }

    bool isComplete() const override
    {
        return !m_loading && ((m_request->isChecked() && m_request->isEnabled()) || m_reject->isChecked());
    }

    bool validatePage() override
    {
        if (m_reject->isChecked() && m_pending && m_reason->text().trimmed().isEmpty()) {
            m_status->showError(tr("Give a reason: it goes to the audit log with the rejection."));
            m_reason->setFocus();
            return false;
        }
        return true;
    }

    // The pending request for the candidate, if there is one.
    const std::optional<SwitchRequestInfo> &pending() const { return m_pending; }

private:
    void listed(const QList<SwitchRequestInfo> &switches)
    {
        if (!m_loading)
            return;
        m_loading = false;
        m_status->clear();
        const std::optional<ValidationInfo> &v = m_wizard->validation();
        for (const SwitchRequestInfo &request : pendingRequests(switches))
            if (v && request.job == v->job && request.toVersion == v->candidate)
                m_pending = request;
        const bool passed = v && v->passed;
        m_request->setEnabled(passed && !m_pending);
        m_reject->setEnabled(true);
        if (!m_request->isEnabled())
            m_reject->setChecked(true);
        else if (!m_reject->isChecked())
            m_request->setChecked(true);
        update();
    }

    void update()
    {
        const std::optional<ValidationInfo> &v = m_wizard->validation();
        QString note;
        if (v && !v->passed)
            note = tr(
                "The validation failed, so a switch cannot be requested (an admin may override that with "
                "kappactl). ");
        if (m_pending)
            note += tr("Request %1 by %2 is already waiting for approval. ")
                        .arg(m_pending->id)
                        .arg(m_pending->requestedBy);
        if (m_reject->isChecked()) {
            note += m_pending
                        ? tr("Rejecting closes request %1 without a switch; kappad allows that only for an "
                             "approver's token.")
                              .arg(m_pending->id)
                        : tr("No switch request is pending, so nothing is sent to kappad or recorded: the "
                             "candidate simply does not go live. It keeps running as a shadow until its "
                             "replay is cancelled on the Replays page.");
        }
        m_note->setText(note.trimmed());
        m_reason->setEnabled(m_reject->isChecked() && m_pending.has_value());
        QString button = tr("&Close");
        if (m_request->isChecked())
            button = tr("&Request switch");
        else if (m_pending)
            button = tr("Reject re&quest");
        setButtonText(QWizard::CommitButton, button);
        emit completeChanged();
    }

    ReviewValidationWizard *m_wizard;
    QRadioButton *m_request;
    QRadioButton *m_reject;
    QLineEdit *m_reason;
    QLabel *m_note;
    StatusLine *m_status;
    std::optional<SwitchRequestInfo> m_pending;
    bool m_loading = false;
};

class ValidationDonePage : public QWizardPage
{
    Q_OBJECT

public:
    ValidationDonePage(ReviewValidationWizard *wizard, ValidationDecisionPage *decision)
        : m_wizard(wizard)
        , m_decision(decision)
        , m_status(new StatusLine)
    {
        setTitle(tr("Done"));
        setSubTitle(tr("What kappad answered."));
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_status);
        layout->addStretch();
        connect(wizard->client(), &KappadClient::switchChanged, this, &ValidationDonePage::changed);
        connect(wizard->client(), &KappadClient::actionFailed, this,
                [this](const QString &what, const ApiError &e) {
                    if (!m_waiting
                        || !(isCall(what, workflow_call::kRequestSwitch)
                             || isCall(what, workflow_call::kRejectSwitch)))
                        return;
                    m_waiting = false;
                    m_status->showError(errorText(e));
                    emit completeChanged();
                });
    }

    void initializePage() override
    {
        const std::optional<ValidationInfo> &v = m_wizard->validation();
        if (!v)
            return;
        m_done = false;
        if (field(QStringLiteral("decisionRequest")).toBool()) {
            m_waiting = true;
            m_status->showBusy(tr("Requesting the switch of %1 to %2…").arg(v->job, v->candidate));
            m_wizard->client()->requestSwitch(v->job, v->candidate);
        } else if (const std::optional<SwitchRequestInfo> &pending = m_decision->pending()) {
            m_waiting = true;
            m_status->showBusy(tr("Rejecting switch request %1…").arg(pending->id));
            m_wizard->client()->rejectSwitch(pending->id, field(QStringLiteral("rejectReason")).toString());
        } else {
            m_done = true;
            m_status->showInfo(
                tr("Nothing was sent: %1@%2 does not go live. Cancel its replay on the Replays "
                   "page when it is no longer needed.")
                    .arg(v->job, v->candidate));
        }
        emit completeChanged();
    }

    bool isComplete() const override { return !m_waiting; }
    bool done() const { return m_done; }

private:
    void changed(const SwitchRequestInfo &request)
    {
        const std::optional<ValidationInfo> &v = m_wizard->validation();
        if (!m_waiting || !v || request.job != v->job || request.toVersion != v->candidate)
            return;
        m_waiting = false;
        m_done = true;
        if (request.state == QLatin1String("pending")) {
            m_status->showSuccess(
                tr("Switch request %1 is waiting for approval. Another person with an approver "
                   "token approves it (Approve switch); it expires at %2.")
                    .arg(request.id)
                    .arg(formatWallTime(request.expiresMs)));
            emit m_wizard->switchRequested(request);
        } else {
            m_status->showSuccess(
                tr("Switch request %1 is %2.").arg(request.id).arg(switchStateText(request.state)));
            emit m_wizard->switchRejected(request);
        }
        emit completeChanged();
    }

    ReviewValidationWizard *m_wizard;
    ValidationDecisionPage *m_decision;
    StatusLine *m_status;
    bool m_waiting = false;
    bool m_done = false;
};

ReviewValidationWizard::ReviewValidationWizard(KappadClient *client, const JobsSnapshot &jobs, QWidget *parent)
    : QWizard(parent)
    , m_client(client)
    , m_jobs(jobs)
    , m_diffs(new ValidationDiffModel(this))
    , m_aggregates(new ValidationAggregatesModel(this))
{
    setWindowTitle(tr("Review validation"));
    // The last page shows the result of what was done: only Finish is left.
    setOption(QWizard::NoBackButtonOnLastPage);
    setOption(QWizard::NoCancelButtonOnLastPage);
    auto *pick = new PickValidationPage(this);
    auto *decision = new ValidationDecisionPage(this);
    setPage(id(Page::Pick), pick);
    setPage(id(Page::Report), new ValidationReportPage(this, pick));
    setPage(id(Page::Diffs), new ValidationDiffsPage(this));
    setPage(id(Page::Aggregates), new ValidationAggregatesPage(this));
    setPage(id(Page::Decision), decision);
    setPage(id(Page::Done), new ValidationDonePage(this, decision));
    setStartId(id(Page::Pick));
    resize(860, 620);
}

QStringList ReviewValidationWizard::candidates(const JobsSnapshot &jobs)
{
    QStringList out;
    for (const JobInfo &job : jobs.jobs)
        for (const JobVersionInfo &v : job.versions)
            if (!v.live && v.running
                && (v.state == QLatin1String("caught_up") || v.state == QLatin1String("validated")))
                out << job.job + QLatin1Char('@') + v.version;
    return out;
}

void ReviewValidationWizard::setCandidate(const QString &job, const QString &version)
{
    static_cast<PickValidationPage *>(page(id(Page::Pick)))
        ->preselectCandidate(job + QLatin1Char('@') + version);
}

void ReviewValidationWizard::setStoredValidation(qint64 validationId)
{
    static_cast<PickValidationPage *>(page(id(Page::Pick)))->preselectStored(validationId);
}

void ReviewValidationWizard::setValidation(const ValidationInfo &validation)
{
    m_validation = validation;
    m_diffs->setValidation(validation);
    m_aggregates->setValidation(validation);
}

} // namespace kappa::console

#include "review_validation_wizard.moc"
