// ReviewValidationWizard: reviews a candidate's validation and decides.
// Pick a caught-up candidate (validated now) or a stored validation → the
// verdict and its reasons → the key diffs by key and field, filterable → the
// aggregate deltas against their tolerances (skipped when there are none) →
// the decision:
// - Request the switch (requestSwitch): needs a passed validation and no
//   request already pending for the candidate; an approver then approves it.
// - Reject: when a switch request is pending for the candidate, it is
//   rejected with the reason (rejectSwitch; kappad needs an approver's token
//   for that). Otherwise there is nothing in kappad to reject: no switch is
//   requested, nothing is sent or recorded, and the candidate keeps running
//   as a shadow until someone cancels its replay. That is what an operator
//   expects of "reject" here: the candidate does not go live; the page says
//   so before anything happens.
#pragma once

#include "client/kappad_client.h"

#include <QWizard>

namespace kappa::console {

class ValidationAggregatesModel;
class ValidationDiffModel;

class ReviewValidationWizard : public QWizard
{
    Q_OBJECT

public:
    enum class Page { Pick, Report, Diffs, Aggregates, Decision, Done };
    static int id(Page page) { return static_cast<int>(page); }

    ReviewValidationWizard(KappadClient *client, const JobsSnapshot &jobs, QWidget *parent = nullptr);

    // Preselects a candidate to validate now ("validateNow") ...
    void setCandidate(const QString &job, const QString &version);
    // ... or a stored validation to open ("openStored").
    void setStoredValidation(qint64 id);

    // The candidates kappad can validate: versions caught up or validated,
    // running and not live, as job@version.
    static QStringList candidates(const JobsSnapshot &jobs);

    KappadClient *client() const { return m_client; }
    const JobsSnapshot &jobs() const { return m_jobs; }
    // The validation under review, once it arrived.
    const std::optional<ValidationInfo> &validation() const { return m_validation; }
    void setValidation(const ValidationInfo &validation);
    ValidationDiffModel *diffModel() const { return m_diffs; }
    ValidationAggregatesModel *aggregatesModel() const { return m_aggregates; }

signals:
    // A switch request was made (pending) or rejected from the decision page.
    void switchRequested(const kappa::console::SwitchRequestInfo &request);
    void switchRejected(const kappa::console::SwitchRequestInfo &request);

private:
    KappadClient *m_client;
    JobsSnapshot m_jobs;
    std::optional<ValidationInfo> m_validation;
    ValidationDiffModel *m_diffs;
    ValidationAggregatesModel *m_aggregates;
};

} // namespace kappa::console
