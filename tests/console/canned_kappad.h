// CannedKappad: a loopback HTTP server for the wizards' page tests. It
// answers "METHOD /path" with the status and body a test gave for it (every
// time, until the test changes it), records every request, and leaves a
// request it has no answer for open, so a page stays in its busy state for
// as long as the test wants. The real client, decoders and wizards run
// against it; the whole workflow against a real kappad is test_wizard_flow.
#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

class CannedKappad : public QObject
{
public:
    struct Request
    {
        QString method;
        QString path; // without the query
        QString query;
        QByteArray body;
        QByteArray authorization;
    };

    CannedKappad()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
            }
        });
        m_server.listen(QHostAddress::LocalHost);
    }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }

    // Answers `request` ("POST /api/v1/replays") with `status` and `body` from now on.
    void answer(const QString &request, int status, const QByteArray &body)
    {
        m_answers[request] = {status, body};
    }
    // Leaves `request` unanswered (open) from now on.
    void hold(const QString &request) { m_answers.remove(request); }

    const QList<Request> &requests() const { return m_requests; }
    int count(const QString &request) const
    {
        int n = 0;
        for (const Request &r : m_requests)
            n += r.method + QLatin1Char(' ') + r.path == request ? 1 : 0;
        return n;
    }
    // The body of the last `request`; empty if there was none.
    QByteArray lastBody(const QString &request) const
    {
        for (auto it = m_requests.crbegin(); it != m_requests.crend(); ++it)
            if (it->method + QLatin1Char(' ') + it->path == request)
                return it->body;
        return {};
    }

private:
    struct Canned
    {
        int status = 200;
        QByteArray body;
    };

    void serve(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        for (;;) {
            const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
            if (headerEnd < 0)
                return;
            const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
            qsizetype length = 0;
            Request request;
            for (const QByteArray &line : lines.mid(1)) {
                const qsizetype colon = line.indexOf(':');
                const QByteArray name = line.left(colon).trimmed().toLower();
                const QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1).trimmed();
                if (name == "content-length")
                    length = value.toLongLong();
                else if (name == "authorization")
                    request.authorization = value;
            }
            if (buffer.size() < headerEnd + 4 + length)
                return;
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            const QString target = QString::fromLatin1(first.value(1));
            request.method = QString::fromLatin1(first.value(0));
            request.path = target.section(QLatin1Char('?'), 0, 0);
            request.query = target.section(QLatin1Char('?'), 1);
            request.body = buffer.mid(headerEnd + 4, length);
            buffer.remove(0, headerEnd + 4 + length);
            m_requests.append(request);
            const auto canned = m_answers.constFind(request.method + QLatin1Char(' ') + request.path);
            if (canned == m_answers.constEnd())
                continue; // held open: the client waits until its timeout
            socket->write("HTTP/1.1 " + QByteArray::number(canned->status)
                          + " Canned\r\n"
                            "Content-Type: application/json\r\nContent-Length: "
                          + QByteArray::number(canned->body.size()) + "\r\n\r\n" + canned->body);
        }
    }

    QTcpServer m_server;
    QHash<QString, Canned> m_answers;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<Request> m_requests;
};
