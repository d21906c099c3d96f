// PlainHttpServer: httplib's server over plain TCP with its own connection
// loop and stream (httplib's are fixed inside its compiled library), written
// for many small keep-alive requests such as feature reads:
// - A response goes out in one send: httplib writes the head and the body
//   separately, and with TCP_NODELAY each write is a segment of its own,
//   which costs the kernel a second delivery and often the client a second
//   wake-up (on loopback at 200K events/s of pipeline input, 22-29 % more
//   reads per second with one send).
// - Reads and writes try the socket first and wait (poll, with the
//   configured timeouts) only when it has nothing for them, instead of a poll
//   before every call.
// - The connection's read buffer lives as long as the connection, so bytes
//   of a pipelined next request are kept; the peer's and our own address are
//   looked up once per connection, not once per request.
// - Between requests a connection waits in recv itself (with a receive
//   timeout, to look whether the server stops), not in poll and then recv.
// The rest (parsing, routing, limits, keep-alive count and timeout, slow
// clients timing out) is httplib's, with the same settings. TLS connections
// are httplib::SSLServer's own.
//
// Threading: as httplib::Server; a ConnectionStream belongs to the one
// thread that serves its connection.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace kappa::service {

class ConnectionStream final : public httplib::Stream
{
public:
    // Does not own `socket`. A wait for the socket longer than its timeout fails the call.
    ConnectionStream(int socket, std::chrono::microseconds readTimeout,
                     std::chrono::microseconds writeTimeout);

    bool is_readable() const override;
    // Writable within the write timeout, and the peer has not closed the connection.
    bool is_writable() const override;
    ssize_t read(char *ptr, std::size_t size) override;
    // The first write after a read (a response's head) is held back and goes
    // out with the next write, or with flush() or the next read: a
    // response is one send, and nothing the peer waits for stays behind (a
    // content provider that waits before its first write holds its head back
    // with it: the SSE route writes its retry field at once). After a failed
    // send every write fails and nothing held is sent again.
    ssize_t write(const char *ptr, std::size_t size) override;
    void get_remote_ip_and_port(std::string &ip, int &port) const override;
    void get_local_ip_and_port(std::string &ip, int &port) const override;
    int socket() const override { return m_socket; }

    // Sends what is held back. False if this or an earlier send failed.
    bool flush();
    // Bytes of the peer's next request are read already.
    bool hasBufferedInput() const { return m_readPos < m_readEnd; }
    enum class Fill {
        data,    // the buffer holds input
        nothing, // none came within the socket's receive timeout (SO_RCVTIMEO)
        closed,  // the peer closed the connection, or it failed
    };
    // Waits for input for the buffer, if it is empty, for at most the socket's
    // receive timeout: one recv that sleeps until a request arrives, where
    // a poll and then a recv would take two system calls.
    Fill fillWaiting();

private:
    struct Address
    {
        std::string ip;
        int port = -1; // as httplib, when the lookup fails
        bool known = false;
    };
    // Sends all of `first` then `second`; false on an error or the write timeout.
    bool sendAll(std::string_view first, std::string_view second);
    // Waits until the socket has `events` (POLLIN or POLLOUT); false on the timeout or an error.
    bool waitFor(short events, std::chrono::microseconds timeout) const;

    const int m_socket;
    const std::chrono::microseconds m_readTimeout;
    const std::chrono::microseconds m_writeTimeout;
    std::vector<char> m_readBuffer;
    std::size_t m_readPos = 0;
    std::size_t m_readEnd = 0;
    std::string m_held;            // a response head waiting for its body
    bool m_wroteSinceRead = false; // a write after the last read went out or is held
    bool m_sendFailed = false;     // sticky: the byte stream to the peer is broken
    mutable Address m_remote;      // looked up on first use
    mutable Address m_local;
};

class PlainHttpServer final : public httplib::Server
{
private:
    // Called by httplib's listener (on a pool thread) for each accepted
    // connection: serves its requests until the keep-alive count or timeout
    // ends it, the peer closes it, or the server stops; then closes it.
    bool process_and_close_socket(socket_t sock) override;
    // Reads the start of the next request; false when the keep-alive
    // timeout passes first, the peer closed, or the server stops.
    bool awaitNextRequest(ConnectionStream &stream) const;
};

} // namespace kappa::service
