// SseParser: the text/event-stream format fed in chunks split anywhere gives
// the same events as fed whole; comments, CRLF and CR line ends, multi-line
// data, ids, retry and the odd corners of the standard.
#include "client/sse_parser.h"

#include <QTest>

using namespace kappa::console;

namespace {

// What kappad sends: a retry line, events, a keep-alive comment.
const QByteArray kSample = "retry: 1000\n\n"
                           "id: 1\nevent: metrics\ndata: {\"ts_ms\":1}\n\n"
                           ": keep-alive\n\n"
                           "id: 2\nevent: lifecycle\ndata: {\"event\":\"started\"}\n\n"
                           "id: 3\nevent: metrics\ndata: {\"ts_ms\":3,\n"
                           "data: \"more\":true}\n\n";

QString describe(const QList<SseEvent> &events)
{
    QStringList out;
    for (const SseEvent &e : events)
        out << QStringLiteral("%1|%2|%3").arg(e.type, QString::fromUtf8(e.lastId), QString::fromUtf8(e.data));
    return out.join(QLatin1Char('\n'));
}

QList<SseEvent> feedAll(SseParser &parser, const QList<QByteArray> &chunks)
{
    QList<SseEvent> events;
    for (const QByteArray &chunk : chunks)
        events += parser.feed(chunk);
    return events;
}

} // namespace

class TestSseParser : public QObject
{
    Q_OBJECT

private slots:
    void wholeStream()
    {
        SseParser parser;
        const QList<SseEvent> events = parser.feed(kSample);
        QCOMPARE(events.size(), 3);
        QCOMPARE(describe(events), QStringLiteral("metrics|1|{\"ts_ms\":1}\n"
                                                  "lifecycle|2|{\"event\":\"started\"}\n"
                                                  "metrics|3|{\"ts_ms\":3,\n\"more\":true}"));
        QCOMPARE(parser.lastEventId(), QByteArray("3"));
        QCOMPARE(parser.retryMs(), std::optional<int>(1000));
        QCOMPARE(parser.comments(), 1);
    }

    void everySplitPoint_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::newRow("LF") << kSample;
        QByteArray crlf = kSample;
        crlf.replace("\n", "\r\n");
        QTest::newRow("CRLF") << crlf;
        QByteArray cr = kSample;
        cr.replace("\n", "\r");
        QTest::newRow("CR") << cr;
        QTest::newRow("BOM") << QByteArray("\xEF\xBB\xBF") + kSample;
    }

    void everySplitPoint()
    {
        QFETCH(QByteArray, stream);
        SseParser whole;
        const QString expected = describe(whole.feed(stream));
        QVERIFY(expected.count(QLatin1Char('|')) == 6); // three events
        // Two chunks, split at every byte.
        for (qsizetype split = 0; split <= stream.size(); ++split) {
            SseParser parser;
            const QList<SseEvent> events = feedAll(parser, {stream.left(split), stream.mid(split)});
            QVERIFY2(describe(events) == expected, qPrintable(QStringLiteral("split at %1").arg(split)));
            QCOMPARE(parser.retryMs(), std::optional<int>(1000));
        }
        // Three chunks, split at every pair of bytes.
        for (qsizetype a = 0; a <= stream.size(); ++a) {
            for (qsizetype b = a; b <= stream.size(); ++b) {
                SseParser parser;
                const QList<SseEvent> events = feedAll(parser,
                                                       {stream.left(a), stream.mid(a, b - a), stream.mid(b)});
                if (describe(events) != expected)
                    QFAIL(qPrintable(QStringLiteral("split at %1 and %2").arg(a).arg(b)));
            }
        }
        // One byte at a time.
        SseParser parser;
        QList<SseEvent> events;
        for (char c : stream)
            events += parser.feed(QByteArray(1, c));
        QCOMPARE(describe(events), expected);
    }

    void fields_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QString>("events");
        QTest::newRow("no event type is message") << QByteArray("data: x\n\n") << "message||x";
        QTest::newRow("no space after colon") << QByteArray("data:x\n\n") << "message||x";
        QTest::newRow("only one space dropped") << QByteArray("data:  x\n\n") << "message|| x";
        QTest::newRow("empty data line") << QByteArray("data\n\n") << "message||";
        QTest::newRow("two empty data lines") << QByteArray("data\ndata\n\n") << "message||\n";
        QTest::newRow("no data: nothing") << QByteArray("event: metrics\nid: 4\n\n") << "";
        QTest::newRow("id kept for later events")
            << QByteArray("id: 7\ndata: a\n\ndata: b\n\n") << "message|7|a\nmessage|7|b";
        QTest::newRow("empty id resets")
            << QByteArray("id: 7\ndata: a\n\nid\ndata: b\n\n") << "message|7|a\nmessage||b";
        QTest::newRow("id with NUL ignored")
            << QByteArray("id: 7\ndata: a\n\nid: 8") + QByteArray(1, '\0') + QByteArray("x\ndata: b\n\n")
            << "message|7|a\nmessage|7|b";
        QTest::newRow("type reset after event")
            << QByteArray("event: x\ndata: 1\n\ndata: 2\n\n") << "x||1\nmessage||2";
        QTest::newRow("unknown field ignored") << QByteArray("foo: bar\ndata: 1\n\n") << "message||1";
        QTest::newRow("comment inside an event")
            << QByteArray("data: 1\n: note\ndata: 2\n\n") << "message||1\n2";
        QTest::newRow("colon in value") << QByteArray("data: {\"a\":1}\n\n") << "message||{\"a\":1}";
        QTest::newRow("unfinished event is held") << QByteArray("data: 1\n") << "";
        QTest::newRow("blank lines alone") << QByteArray("\n\n\r\n\r") << "";
        QTest::newRow("utf-8 data") << QByteArray("data: Zürich\n\n") << "message||Zürich";
    }

    void fields()
    {
        QFETCH(QByteArray, stream);
        QFETCH(QString, events);
        SseParser parser;
        QCOMPARE(describe(parser.feed(stream)), events);
    }

    void retry_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<int>("retry"); // -1: none
        QTest::newRow("digits") << QByteArray("retry: 2500\n") << 2500;
        QTest::newRow("not digits") << QByteArray("retry: 2.5\n") << -1;
        QTest::newRow("negative") << QByteArray("retry: -5\n") << -1;
        QTest::newRow("empty") << QByteArray("retry:\n") << -1;
        QTest::newRow("last one wins") << QByteArray("retry: 10\nretry: 20\n") << 20;
    }

    void retry()
    {
        QFETCH(QByteArray, stream);
        QFETCH(int, retry);
        SseParser parser;
        parser.feed(stream);
        QCOMPARE(parser.retryMs().value_or(-1), retry);
    }

    void restartKeepsIdAndDropsPartialEvent()
    {
        SseParser parser;
        parser.feed("retry: 900\nid: 41\ndata: done\n\nid: 42\ndata: half");
        QCOMPARE(parser.lastEventId(), QByteArray("41"));
        parser.restart(); // the connection broke in the middle of event 42
        const QList<SseEvent> events = parser.feed("data: fresh\n\n");
        QCOMPARE(describe(events), QStringLiteral("message|41|fresh"));
        QCOMPARE(parser.retryMs(), std::optional<int>(900));
    }
};

QTEST_APPLESS_MAIN(TestSseParser)
#include "test_sse_parser.moc"
