// Running the real kappad binary (KAPPAD_PATH) from the service tests: start
// it on an ephemeral loopback port, learn the port from its "listening" log
// line, talk to it over real HTTP (cpp-httplib's client), stop it with a
// signal and collect its exit code and log.
#pragma once

#include <QByteArray>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTest>
#include <QtGlobal>

#include <httplib.h>

#include <csignal>
#include <functional>
#include <memory>
#include <string>

// Polls `done` every 200 ms (serving Qt events meanwhile) until it holds or
// timeoutMs pass; returns its last answer.
inline bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (done())
            return true;
        QTest::qWait(200);
    }
    return done();
}

class KappadProcess
{
public:
    // Starts `kappad --data-dir DIR --listen 127.0.0.1:0 args...` and waits
    // (up to timeoutMs) for it to listen. Check started() afterwards.
    KappadProcess(const QString &dataDir, const QStringList &args, int timeoutMs = 60'000)
    {
        m_process.start(QStringLiteral(KAPPAD_PATH),
                        QStringList{QStringLiteral("--data-dir"), dataDir, QStringLiteral("--listen"),
                                    QStringLiteral("127.0.0.1:0")}
                            + args);
        const QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired() && m_port == 0 && m_process.state() != QProcess::NotRunning) {
            m_process.waitForReadyRead(100); // either channel; stderr is read below
            m_log += m_process.readAllStandardError();
            parsePort();
        }
    }

    ~KappadProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(10'000);
        }
    }

    bool started() const { return m_port != 0; }
    int port() const { return m_port; }
    std::string host() const { return "127.0.0.1"; }

    // A keep-alive HTTP client for this kappad.
    std::unique_ptr<httplib::Client> client() const
    {
        auto c = std::make_unique<httplib::Client>(host(), m_port);
        c->set_connection_timeout(5);
        c->set_read_timeout(30);
        return c;
    }

    // Sends `signal` and waits for the exit; -1 if it crashed or did not exit in time.
    int stop(int signal = SIGTERM, int timeoutMs = 120'000)
    {
        if (m_process.state() == QProcess::NotRunning)
            return exitCode();
        ::kill(static_cast<pid_t>(m_process.processId()), signal);
        if (!m_process.waitForFinished(timeoutMs))
            return -1;
        m_log += m_process.readAllStandardError();
        return exitCode();
    }

    void signal(int signal) { ::kill(static_cast<pid_t>(m_process.processId()), signal); }

    // Everything kappad logged so far (one JSON object per line).
    QByteArray log()
    {
        m_log += m_process.readAllStandardError();
        return m_log;
    }

private:
    int exitCode() const
    {
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

    void parsePort()
    {
        for (const QByteArray &line : m_log.split('\n')) {
            const QJsonObject entry = QJsonDocument::fromJson(line).object();
            if (entry.value(QStringLiteral("msg")).toString() == QStringLiteral("listening")) {
                const QString address = entry.value(QStringLiteral("address")).toString();
                m_port = address.section(QLatin1Char(':'), -1).toInt();
            }
        }
    }

    QProcess m_process;
    QByteArray m_log;
    int m_port = 0;
};
