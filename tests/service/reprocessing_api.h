// A small client of kappad's reprocessing API for the end-to-end tests: JSON
// in and out over real HTTP, with the demo's operator and approver tokens.
#pragma once

#include "kappad_process.h"

#include <QFile>
#include <QString>

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <thread>

// Polls `probe` every 100 ms until it is true (true) or `timeout` passes (false).
template<typename Probe>
bool waitFor(Probe probe, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (probe())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

struct Answer
{
    int status = 0; // 0: no answer (connection failed)
    nlohmann::json body;
};

inline QString readTokenFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll().trimmed()) : QString();
}

class ReprocessingApi
{
public:
    ReprocessingApi(const KappadProcess &kappad, const QString &dataDir)
        : m_client(kappad.client())
        , m_operator(readTokenFile(dataDir + "/demo-operator.token").toStdString())
        , m_approver(readTokenFile(dataDir + "/demo-approver.token").toStdString())
    {
        m_client->set_read_timeout(120);
    }
    // With tokens of its own (an instance without --demo).
    ReprocessingApi(const KappadProcess &kappad, std::string operatorToken, std::string approverToken)
        : m_client(kappad.client())
        , m_operator(std::move(operatorToken))
        , m_approver(std::move(approverToken))
    {
        m_client->set_read_timeout(120);
    }

    const std::string &operatorToken() const { return m_operator; }
    const std::string &approverToken() const { return m_approver; }

    Answer get(const std::string &path, const std::string &token)
    {
        return answer(m_client->Get(path, headers(token)));
    }
    Answer get(const std::string &path) { return get(path, m_operator); }
    Answer post(const std::string &path, const nlohmann::json &body, const std::string &token)
    {
        return answer(m_client->Post(path, headers(token), body.dump(), "application/json"));
    }
    Answer post(const std::string &path, const nlohmann::json &body) { return post(path, body, m_operator); }
    Answer put(const std::string &path, const nlohmann::json &body)
    {
        return answer(m_client->Put(path, headers(m_operator), body.dump(), "application/json"));
    }

    // Launches a replay of {"job_version": ...} or a spec; the replay id, or 0.
    std::int64_t launch(const nlohmann::json &request)
    {
        const Answer started = post("/api/v1/replays", request);
        return started.status == 201 ? started.body.value("id", std::int64_t{0}) : 0;
    }

    nlohmann::json replay(std::int64_t id) { return get("/api/v1/replays/" + std::to_string(id)).body; }

    // Polls until the replay's version is caught up (true) or the time is over.
    bool waitCaughtUp(std::int64_t id, std::chrono::seconds timeout = std::chrono::seconds(180))
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            const nlohmann::json r = replay(id);
            if (r.value("state", "") == "caught_up" || r.value("version_state", "") == "validated")
                return true;
            if (r.value("state", "") == "failed" || r.value("state", "") == "cancelled")
                return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
        }
        return false;
    }

    Answer validate(const std::string &job, const std::string &version)
    {
        return post("/api/v1/jobs/" + job + "/versions/" + version + "/validate", nlohmann::json::object());
    }

private:
    static httplib::Headers headers(const std::string &token)
    {
        return {{"Authorization", "Bearer " + token}};
    }
    static Answer answer(const httplib::Result &result)
    {
        if (!result)
            return {};
        return {result->status, nlohmann::json::parse(result->body, nullptr, false)};
    }

    std::unique_ptr<httplib::Client> m_client;
    std::string m_operator;
    std::string m_approver;
};
