// RollbackWizard: moves a job's alias back to the version its last switch
// replaced. Pick the job (from the switch requests: each job's last switched
// request and when it was decided) → type the job's name, with an optional
// reason → the result. The rollback window's length is kappad's setting and
// not in its API, so the wizard shows when the switch happened and lets
// kappad judge: a refusal (409, e.g. the window is over) is shown as it is.
#pragma once

#include "client/kappad_client.h"

#include <QWizard>

namespace kappa::console {

class RollbackWizard : public QWizard
{
    Q_OBJECT

public:
    enum class Page { Pick, Confirm, Result };
    static int id(Page page) { return static_cast<int>(page); }

    // `jobs` tells which version each job serves from now.
    RollbackWizard(KappadClient *client, const JobsSnapshot &jobs, QWidget *parent = nullptr);

    // Preselects the job (when it was switched).
    void setJob(const QString &job);

    KappadClient *client() const { return m_client; }
    const JobsSnapshot &jobs() const { return m_jobs; }
    // The last switch of the job picked.
    std::optional<SwitchRequestInfo> lastSwitch() const;

signals:
    void rolledBack(const kappa::console::RollbackResult &result);

private:
    KappadClient *m_client;
    JobsSnapshot m_jobs;
};

} // namespace kappa::console
