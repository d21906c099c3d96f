// ApproveSwitchWizard: an approver approves a pending switch request.
// Pick the request → review what is switched (job, from → to), the
// validation's verdict, who launched the candidate's replay and who requested
// the switch → type the job's name → the switch → its result.
// Four-eyes: when the console's identity (whoami) requested the switch or
// launched the replay, or its role cannot approve, the review says so and
// does not let the approval go on (kappad would refuse it with 409/403).
#pragma once

#include "client/kappad_client.h"

#include <QWizard>

namespace kappa::console {

class ApproveSwitchWizard : public QWizard
{
    Q_OBJECT

public:
    enum class Page { Pick, Review, Confirm, Result };
    static int id(Page page) { return static_cast<int>(page); }

    // `jobs` tells who registered each version, should the replay that
    // launched the candidate no longer be listed.
    ApproveSwitchWizard(KappadClient *client, const JobsSnapshot &jobs, QWidget *parent = nullptr);

    // Preselects a request (when it is pending).
    void setRequestId(qint64 id);

    KappadClient *client() const { return m_client; }
    const JobsSnapshot &jobs() const { return m_jobs; }
    // The request picked on the first page.
    std::optional<SwitchRequestInfo> request() const;
    const std::optional<Identity> &identity() const { return m_identity; }

    // Why `identity` may not approve `request` launched by `launcher`, for
    // people; empty when it may.
    static QString fourEyesProblem(const Identity &identity, const SwitchRequestInfo &request,
                                   const QString &launcher);

signals:
    // The request was approved: the job's alias names its new version now.
    void switched(const kappa::console::SwitchRequestInfo &request);

private:
    friend class PickSwitchPage;
    KappadClient *m_client;
    JobsSnapshot m_jobs;
    std::optional<Identity> m_identity;
};

} // namespace kappa::console
