// LocalDemo: "Start local demo" — runs `kappad --demo` as a child process on
// a temporary data directory and tells where it listens and where its demo
// tokens are. The directory and the process go away with the object.
#pragma once

#include <QObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace kappa::console {

class LocalDemo : public QObject
{
    Q_OBJECT

public:
    explicit LocalDemo(QObject *parent = nullptr);
    // Stops kappad (SIGTERM, then kill after 10 s) and removes its data directory.
    ~LocalDemo() override;

    // $KAPPA_KAPPAD, else kappad next to this program, then in the build tree,
    // then on PATH; empty if none.
    static QString findKappad();

    // Starts `kappad` (a path; empty: findKappad()) with --demo on a fresh
    // temporary directory and a free loopback port. Answers with started() or failed().
    void start(const QString &kappad = QString());
    bool running() const { return m_process.state() != QProcess::NotRunning; }

    QUrl url() const { return m_url; }
    QString dataDir() const { return m_dir ? m_dir->path() : QString(); }
    QString operatorTokenFile() const;
    QString approverTokenFile() const;

signals:
    void started(const QUrl &url);
    // Before it listened (no kappad, a bad data directory) or afterwards (it exited).
    void failed(const QString &message);

private:
    void readLog();
    void exited(int exitCode, QProcess::ExitStatus status);

    QProcess m_process;
    std::unique_ptr<QTemporaryDir> m_dir;
    QByteArray m_pending; // the part of kappad's log after the last newline
    QString m_lastError;  // the last error kappad logged, for failed()
    QUrl m_url;
};

} // namespace kappa::console
