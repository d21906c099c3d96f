// A lean HTTP/1.1 GET client for read benchmarks: one keep-alive TCP
// connection, requests written as prepared text, responses parsed only as far
// as the status and Content-Length. The benchmarks' clients share the 2 cores
// with the server they measure, so a client that spends less per request
// leaves more of the machine to the server (as wrk or h2load would); the
// server under test is unchanged.
#pragma once

#include <string>

namespace kappa::bench {

class LeanHttpClient
{
public:
    LeanHttpClient(std::string host, int port);
    ~LeanHttpClient();
    LeanHttpClient(const LeanHttpClient &) = delete;
    LeanHttpClient &operator=(const LeanHttpClient &) = delete;

    // GET `path`; the status code, or 0 when the connection failed or the
    // response was not HTTP. The body is in body() until the next call. A
    // connection the server closed (keep-alive limit, timeout) is reopened once.
    int get(const std::string &path);
    const std::string &body() const { return m_body; }

private:
    bool connectIfClosed();
    void close();
    int exchange(const std::string &request);
    bool readHead(std::string &head);
    bool readBody(std::size_t length);

    std::string m_host;
    int m_port;
    int m_socket = -1;
    std::string m_buffer; // bytes read beyond the current response's head
    std::string m_body;
};

} // namespace kappa::bench
