// PlainHttpServer and its ConnectionStream: a response is one send, nothing
// the peer waits for is held back, pipelined requests are all answered, and
// httplib's limits (read timeout, keep-alive count, stop) still hold. Real
// sockets: a SOCK_SEQPACKET pair shows how many sends a response took (each
// send is one message there), and a loopback server takes raw requests.
#include "service/http_connection.h"

#include <QTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace kappa::service;
using namespace std::chrono_literals;

namespace {

// A connected pair of sockets, closed at the end of the scope.
struct SocketPair
{
    int ours = -1;
    int peer = -1;
    explicit SocketPair(int type)
    {
        int fds[2];
        if (::socketpair(AF_UNIX, type, 0, fds) == 0) {
            ours = fds[0];
            peer = fds[1];
        }
    }
    ~SocketPair()
    {
        for (const int fd : {ours, peer})
            if (fd >= 0)
                ::close(fd);
    }
};

// One message (SEQPACKET) or what is there (STREAM) within `timeout`; nullopt if nothing came.
std::optional<std::string> receive(int fd, std::chrono::milliseconds timeout = 2000ms)
{
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, static_cast<int>(timeout.count())) <= 0)
        return std::nullopt;
    char buffer[65536];
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got < 0)
        return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(got));
}

int count(const std::string &text, const std::string &part)
{
    int found = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++found;
    return found;
}

// A client over loopback TCP that speaks raw bytes.
class RawClient
{
public:
    explicit RawClient(int port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        m_connected = ::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
    }
    ~RawClient() { ::close(m_fd); }
    bool connected() const { return m_connected; }
    int localPort() const
    {
        sockaddr_in address{};
        socklen_t length = sizeof address;
        ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&address), &length);
        return ntohs(address.sin_port);
    }
    bool send(const std::string &bytes) { return ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) > 0; }
    // Reads until `text` has arrived `times` times in all; false after `timeout`.
    bool waitFor(const std::string &text, std::chrono::milliseconds timeout = 2000ms, int times = 1)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (count(m_received, text) < times) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                return false;
            const std::optional<std::string> more = receive(m_fd, left);
            if (!more || more->empty())
                return false;
            m_received += *more;
        }
        return true;
    }
    // True if the server closes the connection within `timeout`.
    bool closedWithin(std::chrono::milliseconds timeout)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                return false;
            const std::optional<std::string> more = receive(m_fd, left);
            if (!more)
                return false;
            if (more->empty())
                return true;
            m_received += *more;
        }
    }
    const std::string &received() const { return m_received; }

private:
    int m_fd = -1;
    bool m_connected = false;
    std::string m_received;
};

std::string get(const std::string &path, const std::string &extraHeaders = "")
{
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + extraHeaders + "\r\n";
}

} // namespace

class TestHttpConnection : public QObject
{
    Q_OBJECT

private:
    PlainHttpServer m_server;
    std::thread m_listener;
    int m_port = 0;
    // The chunked route writes its second piece only once the test has seen the first.
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_firstPieceSeen = false;

private slots:
    void initTestCase()
    {
        m_server.set_read_timeout(0, 300'000);
        m_server.set_keep_alive_timeout(5);
        m_server.set_keep_alive_max_count(3);
        m_server.set_tcp_nodelay(true);
        m_server.Get("/hello", [](const httplib::Request &, httplib::Response &res) {
            res.set_content("hello", "text/plain");
        });
        m_server.Get("/peer", [](const httplib::Request &req, httplib::Response &res) {
            res.set_content(req.remote_addr + " " + std::to_string(req.remote_port), "text/plain");
        });
        m_server.Post("/echo", [](const httplib::Request &req, httplib::Response &res) {
            res.set_content("echo:" + req.body, "text/plain");
        });
        m_server.Get("/pieces", [this](const httplib::Request &, httplib::Response &res) {
            res.set_chunked_content_provider("text/plain", [this, step = 0](std::size_t,
                                                                            httplib::DataSink &sink) mutable {
                if (step++ == 0)
                    return sink.write("first-piece", 11);
                std::unique_lock lock(m_mutex);
                if (!m_changed.wait_for(lock, 5s, [&] { return m_firstPieceSeen; }))
                    return false;
                sink.write("second-piece", 12);
                sink.done();
                return true;
            });
        });
        m_port = m_server.bind_to_any_port("127.0.0.1");
        QVERIFY(m_port > 0);
        m_listener = std::thread([this] { m_server.listen_after_bind(); });
        for (int i = 0; i < 200 && !m_server.is_running(); ++i)
            std::this_thread::sleep_for(5ms);
        QVERIFY(m_server.is_running());
    }

    void cleanupTestCase()
    {
        m_server.stop();
        if (m_listener.joinable())
            m_listener.join();
    }

    void headAndBodyGoOutInOneSend()
    {
        SocketPair pair(SOCK_SEQPACKET);
        QVERIFY(pair.ours >= 0);
        ConnectionStream stream(pair.ours, 1s, 1s);
        QCOMPARE(stream.write("HEAD\r\n\r\n", 8), ssize_t{8});
        QVERIFY(!receive(pair.peer, 50ms)); // held back for the body
        QCOMPARE(stream.write("body", 4), ssize_t{4});
        QCOMPARE(receive(pair.peer).value_or("nothing"), std::string("HEAD\r\n\r\nbody"));
        // After the body, writes go out as they come (a stream's pieces).
        QCOMPARE(stream.write("more", 4), ssize_t{4});
        QCOMPARE(receive(pair.peer).value_or("nothing"), std::string("more"));
    }

    void aHeadWithoutBodyGoesOutOnFlush()
    {
        SocketPair pair(SOCK_SEQPACKET);
        ConnectionStream stream(pair.ours, 1s, 1s);
        QCOMPARE(stream.write("HEAD\r\n\r\n", 8), ssize_t{8});
        QVERIFY(stream.flush());
        QCOMPARE(receive(pair.peer).value_or("nothing"), std::string("HEAD\r\n\r\n"));
        QVERIFY(stream.flush()); // nothing left: no empty message
        QVERIFY(!receive(pair.peer, 50ms));
    }

    void aReadSendsWhatIsHeldFirst()
    {
        // "100 Continue" is written before the body is read: holding it would deadlock.
        SocketPair pair(SOCK_SEQPACKET);
        ConnectionStream stream(pair.ours, 1s, 1s);
        QCOMPARE(stream.write("HTTP/1.1 100 Continue\r\n\r\n", 25), ssize_t{25});
        std::thread peer([&] {
            if (receive(pair.peer) == std::optional<std::string>("HTTP/1.1 100 Continue\r\n\r\n"))
                ::send(pair.peer, "body", 4, 0);
        });
        char buffer[16] = {};
        const ssize_t got = stream.read(buffer, sizeof buffer);
        peer.join();
        QCOMPARE(std::string(buffer, static_cast<std::size_t>(std::max<ssize_t>(got, 0))),
                 std::string("body"));
    }

    void afterAFailedSendNothingIsSentAgain()
    {
        SocketPair pair(SOCK_SEQPACKET);
        ConnectionStream stream(pair.ours, 100ms, 100ms);
        QCOMPARE(stream.write("HEAD\r\n\r\n", 8), ssize_t{8}); // held
        ::close(pair.peer);
        pair.peer = -1;
        QCOMPARE(stream.write("body", 4), ssize_t{-1});
        QVERIFY(!stream.flush()); // the head is not tried again
        QCOMPARE(stream.write("HEAD\r\n\r\n", 8), ssize_t{-1});
    }

    void aReadTimesOutAndAClosedPeerIsNotWritable()
    {
        SocketPair pair(SOCK_STREAM);
        ConnectionStream stream(pair.ours, 100ms, 100ms);
        char byte = 0;
        const auto started = std::chrono::steady_clock::now();
        QCOMPARE(stream.read(&byte, 1), ssize_t{-1});
        QVERIFY(std::chrono::steady_clock::now() - started >= 90ms);
        QVERIFY(stream.is_writable());
        ::shutdown(pair.peer, SHUT_WR);
        QVERIFY(!stream.is_writable());
        QCOMPARE(stream.read(&byte, 1), ssize_t{0}); // end of input
    }

    void waitingForInputEndsWithDataTheReceiveTimeoutOrTheClose()
    {
        SocketPair pair(SOCK_STREAM);
        const timeval timeout{0, 100'000};
        QCOMPARE(::setsockopt(pair.ours, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), 0);
        ConnectionStream stream(pair.ours, 1s, 1s);
        const auto started = std::chrono::steady_clock::now();
        QVERIFY(stream.fillWaiting() == ConnectionStream::Fill::nothing);
        QVERIFY(std::chrono::steady_clock::now() - started >= 90ms);
        std::thread peer([&] {
            std::this_thread::sleep_for(20ms);
            ::send(pair.peer, "GET", 3, 0);
        });
        QVERIFY(stream.fillWaiting() == ConnectionStream::Fill::data); // wakes when it arrives
        peer.join();
        QVERIFY(stream.hasBufferedInput());
        QVERIFY(stream.fillWaiting() == ConnectionStream::Fill::data); // still unread: no recv
        char buffer[8] = {};
        QCOMPARE(stream.read(buffer, sizeof buffer), ssize_t{3});
        ::shutdown(pair.peer, SHUT_WR);
        QVERIFY(stream.fillWaiting() == ConnectionStream::Fill::closed);
    }

    void keepAliveRequestsOnOneConnection()
    {
        RawClient client(m_port);
        QVERIFY(client.connected());
        for (int i = 1; i <= 2; ++i) {
            QVERIFY(client.send(get("/hello")));
            QVERIFY(client.waitFor("hello", 2s, i));
        }
        QCOMPARE(count(client.received(), "HTTP/1.1 200 OK"), 2);
        QCOMPARE(count(client.received(), "Connection: close"), 0);
    }

    void theLastRequestTheCountAllowsClosesTheConnection()
    {
        RawClient client(m_port);
        QVERIFY(client.send(get("/hello") + get("/hello") + get("/hello"))); // pipelined: one send
        QVERIFY(client.closedWithin(2s));
        QCOMPARE(count(client.received(), "HTTP/1.1 200 OK"), 3);
        QCOMPARE(count(client.received(), "hello"), 3);
        QCOMPARE(count(client.received(), "Connection: close"), 1);
    }

    void theRequestKnowsItsPeer()
    {
        RawClient client(m_port);
        QVERIFY(client.send(get("/peer")));
        QVERIFY(client.waitFor("127.0.0.1 " + std::to_string(client.localPort())));
    }

    void expectContinueIsAnsweredBeforeTheBody()
    {
        RawClient client(m_port);
        QVERIFY(client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\n"
                            "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
        QVERIFY(client.waitFor("HTTP/1.1 100 Continue", 1s));
        QVERIFY(client.send("ping!"));
        QVERIFY(client.waitFor("echo:ping!"));
    }

    void aChunkedResponseSendsEachPieceAsItIsWritten()
    {
        RawClient client(m_port);
        QVERIFY(client.send(get("/pieces")));
        QVERIFY(client.waitFor("first-piece"));
        {
            std::lock_guard lock(m_mutex);
            m_firstPieceSeen = true;
        }
        m_changed.notify_all();
        QVERIFY(client.waitFor("second-piece"));
        QVERIFY(client.waitFor("0\r\n\r\n")); // the last chunk
    }

    void aClientThatStopsMidRequestIsAnsweredAfterTheReadTimeout()
    {
        // As httplib's own connections: a head cut short is a bad request
        // once the read timeout (300 ms here) passes without more bytes.
        RawClient client(m_port);
        QVERIFY(client.send("GET /hello HTTP/1.1\r\nHost: te"));
        QVERIFY(client.waitFor("HTTP/1.1 400 Bad Request", 2s));
        QCOMPARE(count(client.received(), "200 OK"), 0);
        // Half a request line: nothing to answer, the connection is closed.
        RawClient halfLine(m_port);
        QVERIFY(halfLine.send("GET /hel"));
        QVERIFY(halfLine.closedWithin(2s));
        QVERIFY(halfLine.received().empty());
    }

    void stopDoesNotWaitForIdleConnections()
    {
        RawClient idle(m_port);
        QVERIFY(idle.send(get("/hello")));
        QVERIFY(idle.waitFor("hello"));
        const auto started = std::chrono::steady_clock::now();
        m_server.stop();
        m_listener.join();
        // The keep-alive timeout is 5 s; the connection notices the stop within 50 ms.
        QVERIFY(std::chrono::steady_clock::now() - started < 2s);
        QVERIFY(idle.closedWithin(1s));
    }
};

QTEST_GUILESS_MAIN(TestHttpConnection)
#include "test_http_connection.moc"
