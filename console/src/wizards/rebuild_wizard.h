// RebuildWizard: rebuilds a version's lost or suspect views from the log.
// Which version (job@version of the registered ones) → throttle and an
// optional version that serves its reads meanwhile → confirm → progress (the
// rebuild followed through fetchReplays until it has caught up or finished)
// → result. Closing the wizard early leaves the rebuild running in kappad.
#pragma once

#include "client/kappad_client.h"

#include <QWizard>

namespace kappa::console {

class RebuildWizard : public QWizard
{
    Q_OBJECT

public:
    enum class Page { Version, Throttle, Confirm, Progress, Result };
    static int id(Page page) { return static_cast<int>(page); }

    RebuildWizard(KappadClient *client, const JobsSnapshot &jobs, QWidget *parent = nullptr);

    // Preselects the version to rebuild.
    void setVersion(const QString &job, const QString &version);
    // How often the progress page asks for the replays (ms; tests shorten it).
    void setPollInterval(int milliseconds);

    // The rebuild the fields describe.
    RebuildRequest request() const;
    KappadClient *client() const { return m_client; }
    const JobsSnapshot &jobs() const { return m_jobs; }
    // The registered version job@version, if the snapshot has it.
    std::optional<JobVersionInfo> versionInfo(const QString &jobVersion) const;
    int pollInterval() const { return m_pollMs; }

signals:
    // kappad started the rebuild; it has caught up or finished.
    void rebuildStarted(const kappa::console::ReplayInfo &replay);
    void rebuilt(const kappa::console::ReplayInfo &replay);

private:
    KappadClient *m_client;
    JobsSnapshot m_jobs;
    int m_pollMs = 1000;
};

} // namespace kappa::console
