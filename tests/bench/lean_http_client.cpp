#include "lean_http_client.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kappa::bench {

namespace {

// The value of header `name` (lower case) in a response head, or "".
std::string_view headerValue(std::string_view head, std::string_view name)
{
    std::size_t lineStart = head.find("\r\n");
    while (lineStart != std::string_view::npos && lineStart + 2 < head.size()) {
        const std::size_t begin = lineStart + 2;
        const std::size_t end = head.find("\r\n", begin);
        const std::string_view line = head.substr(begin,
                                                  end == std::string_view::npos ? head.npos : end - begin);
        const std::size_t colon = line.find(':');
        if (colon == name.size() && std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
                return a == std::tolower(static_cast<unsigned char>(b));
            })) {
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ')
                value.remove_prefix(1);
            return value;
        }
        lineStart = end;
    }
    return {};
}

} // namespace

LeanHttpClient::LeanHttpClient(std::string host, int port)
    : m_host(std::move(host))
    , m_port(port)
{}

LeanHttpClient::~LeanHttpClient()
{
    close();
}

bool LeanHttpClient::connectIfClosed()
{
    if (m_socket >= 0)
        return true;
    m_buffer.clear();
    m_socket = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(m_port));
    const int yes = 1;
    if (m_socket < 0 || ::inet_pton(AF_INET, m_host.c_str(), &address.sin_addr) != 1
        || ::setsockopt(m_socket, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes) != 0
        || ::connect(m_socket, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
        close();
        return false;
    }
    return true;
}

void LeanHttpClient::close()
{
    if (m_socket >= 0)
        ::close(m_socket);
    m_socket = -1;
}

int LeanHttpClient::get(const std::string &path)
{
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + m_host + "\r\n\r\n";
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!connectIfClosed())
            return 0;
        if (const int status = exchange(request); status != 0)
            return status;
        close(); // closed by the server between requests: once more on a new connection
    }
    return 0;
}

int LeanHttpClient::exchange(const std::string &request)
{
    if (::send(m_socket, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
        return 0;
    std::string head;
    if (!readHead(head) || head.compare(0, 9, "HTTP/1.1 ") != 0 || head.size() < 12)
        return 0;
    const int status = std::atoi(head.c_str() + 9);
    const std::string_view length = headerValue(head, "content-length");
    if (status <= 0 || length.empty() || !readBody(std::strtoull(std::string(length).c_str(), nullptr, 10)))
        return 0;
    if (headerValue(head, "connection") == "close")
        close();
    return status;
}

bool LeanHttpClient::readHead(std::string &head)
{
    char chunk[16384];
    for (;;) {
        if (const std::size_t end = m_buffer.find("\r\n\r\n"); end != std::string::npos) {
            head.assign(m_buffer, 0, end + 2);
            m_buffer.erase(0, end + 4);
            return true;
        }
        const ssize_t n = ::recv(m_socket, chunk, sizeof chunk, 0);
        if (n <= 0)
            return false;
        m_buffer.append(chunk, static_cast<std::size_t>(n));
    }
}

bool LeanHttpClient::readBody(std::size_t length)
{
    char chunk[16384];
    while (m_buffer.size() < length) {
        const ssize_t n = ::recv(m_socket, chunk, sizeof chunk, 0);
        if (n <= 0)
            return false;
        m_buffer.append(chunk, static_cast<std::size_t>(n));
    }
    m_body.assign(m_buffer, 0, length);
    m_buffer.erase(0, length);
    return true;
}

} // namespace kappa::bench
