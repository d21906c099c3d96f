// Running the real kappactl binary (KAPPACTL_PATH) from the CLI tests.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtGlobal>

struct Run
{
    int exitCode = -1; // -1: the process crashed
    QByteArray out;
    QByteArray err;
};

// `kappactl --data-dir DIR args...` to completion; aborts the test binary if it
// takes longer than timeoutMs (a hung command must not hang the suite).
inline Run kappactl(const QString &dataDir, const QStringList &args, int timeoutMs = 300'000)
{
    QProcess process;
    process.start(QStringLiteral(KAPPACTL_PATH), QStringList{QStringLiteral("--data-dir"), dataDir} + args);
    if (!process.waitForFinished(timeoutMs))
        qFatal("kappactl did not finish");
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}
