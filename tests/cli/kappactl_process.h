// Running the real kappactl binary (KAPPACTL_PATH) from the CLI and service
// tests, and reading what it prints.
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <algorithm>

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

// The lines of `text`, without the empty one after a final newline.
inline QList<QByteArray> lines(const QByteArray &text)
{
    QList<QByteArray> out = text.split('\n');
    if (!out.isEmpty() && out.last().isEmpty())
        out.removeLast();
    return out;
}

// `json` as an object; an empty object (and a warning) if it is not one.
inline QJsonObject parseObject(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        qWarning("not a JSON object (%s): %s", qPrintable(error.errorString()), json.left(300).constData());
    return document.object();
}

// Empty if equal, else the first line that differs (QCOMPARE on megabytes prints nothing useful).
inline QString firstDifference(const QByteArray &expected, const QByteArray &actual)
{
    if (expected == actual)
        return {};
    const QList<QByteArray> a = lines(expected);
    const QList<QByteArray> b = lines(actual);
    for (qsizetype i = 0; i < std::min(a.size(), b.size()); ++i)
        if (a[i] != b[i])
            return QStringLiteral("line %1:\n  expected %2\n  actual   %3")
                .arg(i + 1)
                .arg(QString::fromUtf8(a[i]), QString::fromUtf8(b[i]));
    return QStringLiteral("%1 lines expected, %2 found").arg(a.size()).arg(b.size());
}
