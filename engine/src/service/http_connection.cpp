#include "service/http_connection.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kappa::service {

namespace {

// httplib's own receive buffer size: a request's head is read a byte at a time from it.
constexpr std::size_t kReadBufferBytes = 4096;
// How often a connection waiting for its next request looks whether the server stops.
constexpr std::chrono::milliseconds kStopCheckInterval{50};

std::chrono::microseconds toMicros(time_t seconds, time_t micros)
{
    return std::chrono::seconds(seconds) + std::chrono::microseconds(micros);
}

// getpeername or getsockname, as httplib reports them: numeric host, port.
template<typename Lookup>
void lookUpAddress(int socket, Lookup lookup, std::string &ip, int &port)
{
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (lookup(socket, reinterpret_cast<sockaddr *>(&address), &length) != 0)
        return;
    char host[NI_MAXHOST] = {};
    if (::getnameinfo(reinterpret_cast<const sockaddr *>(&address), length, host, sizeof host, nullptr, 0,
                      NI_NUMERICHOST)
        != 0)
        return;
    ip = host;
    if (address.ss_family == AF_INET)
        port = ntohs(reinterpret_cast<const sockaddr_in &>(address).sin_port);
    else if (address.ss_family == AF_INET6)
        port = ntohs(reinterpret_cast<const sockaddr_in6 &>(address).sin6_port);
}

} // namespace

ConnectionStream::ConnectionStream(int socket, std::chrono::microseconds readTimeout,
                                   std::chrono::microseconds writeTimeout)
    : m_socket(socket)
    , m_readTimeout(readTimeout)
    , m_writeTimeout(writeTimeout)
    , m_readBuffer(kReadBufferBytes)
{}

bool ConnectionStream::waitFor(short events, std::chrono::microseconds timeout) const
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::max(std::chrono::nanoseconds(0), deadline - std::chrono::steady_clock::now());
        const timespec wait{static_cast<time_t>(left.count() / 1'000'000'000),
                            static_cast<long>(left.count() % 1'000'000'000)};
        pollfd entry{m_socket, events, 0};
        const int ready = ::ppoll(&entry, 1, &wait, nullptr);
        if (ready > 0)
            return (entry.revents & (events | POLLHUP)) != 0; // a hangup shows when reading
        if (ready == 0 || errno != EINTR)
            return false;
    }
}

bool ConnectionStream::is_readable() const
{
    return hasBufferedInput() || waitFor(POLLIN, m_readTimeout);
}

bool ConnectionStream::is_writable() const
{
    if (!waitFor(POLLOUT, m_writeTimeout))
        return false;
    // A peer that went away shows as end of input; bytes it sent mean it is still there.
    if (hasBufferedInput())
        return true;
    char byte = 0;
    const ssize_t peeked = ::recv(m_socket, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return peeked > 0 || (peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

ssize_t ConnectionStream::read(char *ptr, std::size_t size)
{
    m_wroteSinceRead = false;
    if (!hasBufferedInput()) {
        // The peer may be waiting for what is held (a "100 Continue") before it sends more.
        if (!flush())
            return -1;
        // A large read goes straight to the caller; small ones (the head, a byte at a time) through the buffer.
        const bool direct = size >= m_readBuffer.size();
        char *into = direct ? ptr : m_readBuffer.data();
        const std::size_t capacity = direct ? size : m_readBuffer.size();
        ssize_t got = 0;
        for (;;) {
            got = ::recv(m_socket, into, capacity, MSG_DONTWAIT);
            if (got >= 0)
                break;
            if (errno == EINTR)
                continue;
            if ((errno != EAGAIN && errno != EWOULDBLOCK) || !waitFor(POLLIN, m_readTimeout))
                return -1;
        }
        if (direct || got == 0)
            return got;
        m_readPos = 0;
        m_readEnd = static_cast<std::size_t>(got);
    }
    const std::size_t count = std::min(size, m_readEnd - m_readPos);
    std::memcpy(ptr, m_readBuffer.data() + m_readPos, count);
    m_readPos += count;
    return static_cast<ssize_t>(count);
}

ssize_t ConnectionStream::write(const char *ptr, std::size_t size)
{
    if (m_sendFailed)
        return -1;
    const std::string_view data(ptr, size);
    if (m_held.empty() && !m_wroteSinceRead) {
        m_wroteSinceRead = true;
        m_held.assign(data);
        return static_cast<ssize_t>(size);
    }
    m_wroteSinceRead = true;
    if (!sendAll(m_held, data))
        return -1;
    m_held.clear();
    return static_cast<ssize_t>(size);
}

bool ConnectionStream::flush()
{
    if (m_held.empty() || m_sendFailed)
        return !m_sendFailed;
    const bool sent = sendAll(m_held, {});
    m_held.clear();
    return sent;
}

bool ConnectionStream::sendAll(std::string_view first, std::string_view second)
{
    // Part of the bytes may be out: the stream cannot be resumed, and the
    // connection is closed after the request (flush() then fails).
    const auto fail = [&] {
        m_sendFailed = true;
        m_held.clear();
        return false;
    };
    while (!first.empty() || !second.empty()) {
        iovec parts[2];
        int count = 0;
        for (const std::string_view part : {first, second})
            if (!part.empty())
                parts[count++] = {const_cast<char *>(part.data()), part.size()};
        msghdr message{};
        message.msg_iov = parts;
        message.msg_iovlen = static_cast<std::size_t>(count);
        const ssize_t sent = ::sendmsg(m_socket, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if ((errno != EAGAIN && errno != EWOULDBLOCK) || !waitFor(POLLOUT, m_writeTimeout))
                return fail();
            continue;
        }
        auto done = static_cast<std::size_t>(sent);
        const std::size_t fromFirst = std::min(done, first.size());
        first.remove_prefix(fromFirst);
        second.remove_prefix(done - fromFirst);
    }
    return true;
}

ConnectionStream::Fill ConnectionStream::fillWaiting()
{
    if (hasBufferedInput())
        return Fill::data;
    for (;;) {
        const ssize_t got = ::recv(m_socket, m_readBuffer.data(), m_readBuffer.size(), 0);
        if (got > 0) {
            m_readPos = 0;
            m_readEnd = static_cast<std::size_t>(got);
            return Fill::data;
        }
        if (got < 0 && errno == EINTR)
            continue;
        return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? Fill::nothing : Fill::closed;
    }
}

void ConnectionStream::get_remote_ip_and_port(std::string &ip, int &port) const
{
    if (!m_remote.known) {
        lookUpAddress(m_socket, ::getpeername, m_remote.ip, m_remote.port);
        m_remote.known = true;
    }
    ip = m_remote.ip;
    port = m_remote.port;
}

void ConnectionStream::get_local_ip_and_port(std::string &ip, int &port) const
{
    if (!m_local.known) {
        lookUpAddress(m_socket, ::getsockname, m_local.ip, m_local.port);
        m_local.known = true;
    }
    ip = m_local.ip;
    port = m_local.port;
}

bool PlainHttpServer::process_and_close_socket(socket_t sock)
{
    // The wait for a next request is a recv that returns after this long without input.
    const timeval stopCheck{0,
                            static_cast<suseconds_t>(std::chrono::microseconds(kStopCheckInterval).count())};
    if (::setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &stopCheck, sizeof stopCheck) != 0) {
        ::close(sock); // a wait without it could outlast a stop
        return false;
    }
    ConnectionStream stream(sock, toMicros(read_timeout_sec_, read_timeout_usec_),
                            toMicros(write_timeout_sec_, write_timeout_usec_));
    bool ok = false;
    for (std::size_t left = keep_alive_max_count_; left > 0 && awaitNextRequest(stream); --left) {
        bool closedByRequest = false;
        // The last request the count allows is answered with "Connection: close".
        ok = process_request(stream, left == 1, closedByRequest, nullptr);
        ok = stream.flush() && ok;
        if (!ok || closedByRequest)
            break;
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
}

bool PlainHttpServer::awaitNextRequest(ConnectionStream &stream) const
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
    while (svr_sock_ != INVALID_SOCKET) {
        switch (stream.fillWaiting()) {
        case ConnectionStream::Fill::data: return true;
        case ConnectionStream::Fill::closed: return false;
        case ConnectionStream::Fill::nothing:
            if (std::chrono::steady_clock::now() >= deadline)
                return false;
            break;
        }
    }
    return false;
}

} // namespace kappa::service
