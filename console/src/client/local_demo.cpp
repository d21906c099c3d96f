#include "client/local_demo.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

namespace kappa::console {

LocalDemo::LocalDemo(QObject *parent)
    : QObject(parent)
{
    // kappad logs one JSON object per line on stderr; stdout stays unused.
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    connect(&m_process, &QProcess::readyReadStandardError, this, &LocalDemo::readLog);
    connect(&m_process, &QProcess::finished, this, &LocalDemo::exited);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            emit failed(tr("kappad could not be started: %1").arg(m_process.errorString()));
    });
}

LocalDemo::~LocalDemo()
{
    disconnect(&m_process, nullptr, this, nullptr);
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate(); // SIGTERM: kappad checkpoints and stops cleanly
    if (!m_process.waitForFinished(10'000)) {
        m_process.kill();
        m_process.waitForFinished(5'000);
    }
}

QString LocalDemo::findKappad()
{
    const QString chosen = qEnvironmentVariable("KAPPA_KAPPAD"); // another build, or a test's
    if (!chosen.isEmpty())
        return chosen;
    const QString here = QCoreApplication::applicationDirPath();
    // Installed: /usr/bin/kappa-console and /usr/sbin/kappad. Built: build/<preset>/console/src/app
    // and build/<preset>/engine/apps/kappad.
    for (const QString &candidate :
         {here + QStringLiteral("/kappad"), here + QStringLiteral("/../sbin/kappad"),
          here + QStringLiteral("/../../../engine/apps/kappad/kappad")}) {
        const QFileInfo file(candidate);
        if (file.isFile() && file.isExecutable())
            return file.canonicalFilePath();
    }
    return QStandardPaths::findExecutable(QStringLiteral("kappad"));
}

void LocalDemo::start(const QString &kappad)
{
    const QString program = kappad.isEmpty() ? findKappad() : kappad;
    if (program.isEmpty()) {
        emit failed(tr("kappad was found neither next to the console nor on PATH."));
        return;
    }
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/kappa-console-demo-XXXXXX"));
    if (!m_dir->isValid()) {
        emit failed(tr("No temporary directory for the demo: %1").arg(m_dir->errorString()));
        return;
    }
    m_url.clear();
    m_pending.clear();
    m_lastError.clear();
    m_process.start(program, {QStringLiteral("--demo"), QStringLiteral("--data-dir"), m_dir->path(),
                              QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
}

QString LocalDemo::operatorTokenFile() const
{
    return m_dir ? m_dir->filePath(QStringLiteral("demo-operator.token")) : QString();
}

QString LocalDemo::approverTokenFile() const
{
    return m_dir ? m_dir->filePath(QStringLiteral("demo-approver.token")) : QString();
}

void LocalDemo::readLog()
{
    m_pending += m_process.readAllStandardError();
    qsizetype newline;
    while ((newline = m_pending.indexOf('\n')) >= 0) {
        const QJsonObject entry = QJsonDocument::fromJson(m_pending.left(newline)).object();
        m_pending.remove(0, newline + 1);
        const QString message = entry.value(QStringLiteral("msg")).toString();
        if (entry.value(QStringLiteral("level")).toString() == QLatin1String("error")) {
            const QString error = entry.value(QStringLiteral("error")).toString();
            m_lastError = error.isEmpty() ? message : message + QStringLiteral(": ") + error;
        }
        if (message == QLatin1String("listening") && m_url.isEmpty()) {
            const QString address = entry.value(QStringLiteral("address")).toString();
            m_url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(address.section(QLatin1Char(':'), -1)));
            emit started(m_url);
        }
    }
}

void LocalDemo::exited(int exitCode, QProcess::ExitStatus status)
{
    readLog();
    const QString how = status == QProcess::CrashExit ? tr("crashed")
                                                      : tr("exited with code %1").arg(exitCode);
    emit failed(m_lastError.isEmpty() ? tr("The local kappad %1.").arg(how)
                                      : tr("The local kappad %1: %2").arg(how, m_lastError));
}

} // namespace kappa::console
