// LaunchReplayWizard: launches a throttled replay of a new job version.
// Job → the new version (a version kappad knows, a spec file, or an edit of a
// built-in or registered spec under a new name) → start point → throttle with a live ETA
// preview → pre-flight → confirm → launched. Every page's values are fields;
// request() builds the one LaunchReplayRequest they describe. The dry runs
// behind the preview and the pre-flight go one at a time through
// askPreflight(), so an answer always belongs to the request it answers.
#pragma once

#include "client/kappad_client.h"

#include <QJsonObject>
#include <QWizard>

namespace kappa::console {

class LaunchReplayWizard : public QWizard
{
    Q_OBJECT

public:
    enum class Page {
        Job,
        Source,
        KnownVersion,
        SpecFile,
        EditSpec,
        Start,
        Throttle,
        Preflight,
        Confirm,
        Launched
    };
    static int id(Page page) { return static_cast<int>(page); }

    // `client` answers the dry runs and the launch; `jobs` names the jobs and
    // their registered versions (a new version must not be one of them).
    LaunchReplayWizard(KappadClient *client, const JobsSnapshot &jobs, QWidget *parent = nullptr);

    // Preselects the job on the first page.
    void setJob(const QString &job);

    // The launch the fields describe (dryRun false). Before the spec pages
    // were accepted its spec may be empty.
    LaunchReplayRequest request() const;
    // The version the launch registers ("v2", or the spec's version).
    QString version() const;
    // The start position as kappad takes it: earliest, an offset, a UTC time or a duration back.
    QString from() const;
    // The spec read from the file, once its page was accepted.
    QJsonObject fileSpec() const { return m_fileSpec; }
    // The edited spec: the base spec (built in, or a registered version's as
    // kappad answered it) with the new version, description and parameters.
    QJsonObject editedSpec() const;
    // The spec an edit starts from, as job@version.
    QString editBaseName() const;

    KappadClient *client() const { return m_client; }
    const JobsSnapshot &jobs() const { return m_jobs; }
    bool isRegistered(const QString &job, const QString &version) const;

    // Asks kappad for a dry run of request(); while one is in flight, asks
    // again once it is answered. Answers come as preflightAnswered/Failed.
    void askPreflight();
    bool preflightInFlight() const { return m_inFlight; }

signals:
    void launched(const kappa::console::ReplayInfo &replay);
    // The dry run of the current request() was answered, or refused.
    void preflightAnswered(const kappa::console::Preflight &preflight);
    void preflightFailed(const kappa::console::ApiError &error);

private:
    friend class LaunchSpecFilePage;
    void onPreflight(const Preflight &preflight);
    void onPreflightFailed(const QString &what, const ApiError &error);
    QByteArray dryRunBody() const;

    KappadClient *m_client;
    JobsSnapshot m_jobs;
    QJsonObject m_fileSpec;
    bool m_inFlight = false;
    bool m_askAgain = false;
    QByteArray m_askedBody; // the encoded dry run in flight
};

} // namespace kappa::console
