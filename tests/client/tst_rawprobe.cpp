// SPDX-License-Identifier: GPL-3.0-only
#include "probeharness.h"
#include "rawprobe.h"
#include "rogueserver.h"
#include "testserver.h"
#include "wirebytes.h"
#include "wsframe.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

ProbeSettings rawSettings(const QUrl &url)
{
    ProbeSettings settings;
    settings.mode = ProbeMode::Raw;
    settings.url = url;
    settings.timeoutMs = 10'000;
    return settings;
}

struct Segment
{
    QString kind;
    QString note;
    qint64 bytes = 0;
};

QList<Segment> segmentsOf(const Observation &wire)
{
    QList<Segment> segments;
    for (const QJsonValue &value : wire.fields.value(u"segments"_s).toArray()) {
        const QJsonObject object = value.toObject();
        segments.append({object.value(u"kind"_s).toString(), object.value(u"note"_s).toString(),
                         object.value(u"bytes"_s).toInteger()});
    }
    return segments;
}

QList<Segment> allSegments(const ProbeRun &run)
{
    QList<Segment> segments;
    for (const Observation &wire : run.ofKind(ObservationKind::Wire))
        segments += segmentsOf(wire);
    return segments;
}

bool hasSegment(const ProbeRun &run, const QString &kind, const QString &noteContains = {})
{
    const QList<Segment> segments = allSegments(run);
    return std::any_of(segments.begin(), segments.end(), [&](const Segment &segment) {
        return segment.kind == kind && segment.note.contains(noteContains);
    });
}

// Every read's raw text unescapes to exactly `bytes` bytes, and its segments cover them all.
// Returns all bytes received, in order.
QByteArray checkedWireBytes(const ProbeRun &run)
{
    QByteArray all;
    for (const Observation &wire : run.ofKind(ObservationKind::Wire)) {
        const Result<QByteArray> raw
            = wirebytes::unescapeWireBytes(wire.fields.value(u"raw"_s).toString());
        if (!raw.isOk() || raw.value().size() != wire.bytes) {
            qWarning("raw field does not match bytes %lld", wire.bytes);
            return {};
        }
        qint64 covered = 0;
        for (const Segment &segment : segmentsOf(wire))
            covered += segment.bytes;
        if (covered != wire.bytes) {
            qWarning("segments cover %lld of %lld bytes", covered, wire.bytes);
            return {};
        }
        all += raw.value();
    }
    return all;
}

QByteArray switchingProtocols(const QByteArray &requestHead)
{
    static const QRegularExpression keyLine(u"Sec-WebSocket-Key: *([^\r\n]*)"_s,
                                            QRegularExpression::CaseInsensitiveOption);
    const QByteArray key = keyLine.match(QString::fromLatin1(requestHead)).captured(1).toLatin1();
    return RogueServer::head("101 Switching Protocols",
                             {"Upgrade: websocket", "Connection: Upgrade",
                              "Sec-WebSocket-Accept: " + wsframe::acceptFor(key)});
}

} // namespace

class tst_RawProbe : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    // Pure helpers
    void escapeRoundTripsEveryByte();
    void escapeExamples_data();
    void escapeExamples();
    void unescapeErrors_data();
    void unescapeErrors();
    void sseLineNotes_data();
    void sseLineNotes();
    void requestBytesAreExact();
    // Against the built-in server
    void chunkedTextStream();
    void eventStreamFraming();
    void webSocketHandshakeAndFrames();
    void webSocketPolicyClose();
    void headHasNoBody();
    // Against scripted servers
    void requestReachesTheServerVerbatim();
    void droppedMidChunkFails();
    void closeDelimitedBodySucceeds();
    void frameCutAcrossReads();
    void refusedHandshakeFails();
    void silentServerTripsInactivityTimeout();
    void connectionRefused();
    void tlsIsRefused();

private:
    std::unique_ptr<TestServer> m_server;
};

void tst_RawProbe::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    const QString error = m_server->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_RawProbe::escapeRoundTripsEveryByte()
{
    QByteArray all;
    for (int byte = 0; byte < 256; ++byte)
        all += char(byte);
    const QString escaped = wirebytes::escapeWireBytes(all);
    for (const QChar c : escaped)
        QVERIFY(c.unicode() >= 0x20 && c.unicode() <= 0x7E);
    const Result<QByteArray> back = wirebytes::unescapeWireBytes(escaped);
    QVERIFY2(back.isOk(), qPrintable(back.error()));
    QCOMPARE(back.value(), all);
    for (int byte = 0; byte < 256; ++byte) {
        const QByteArray one(1, char(byte));
        QCOMPARE(wirebytes::unescapeWireBytes(wirebytes::escapeWireBytes(one)).value(), one);
    }
}

void tst_RawProbe::escapeExamples_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("text");
    QTest::newRow("printable_kept") << "GET / HTTP/1.1~"_ba << u"GET / HTTP/1.1~"_s;
    QTest::newRow("crlf") << "a\r\nb"_ba << u"a\\r\\nb"_s;
    QTest::newRow("tab") << "\t"_ba << u"\\t"_s;
    QTest::newRow("backslash") << "\\x41"_ba << u"\\\\x41"_s;
    QTest::newRow("nul_and_high") << QByteArray("\x00\x7f\x80\xff", 4) << u"\\x00\\x7f\\x80\\xff"_s;
    QTest::newRow("utf8_bytes") << "é"_ba << u"\\xc3\\xa9"_s;
}

void tst_RawProbe::escapeExamples()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, text);
    QCOMPARE(wirebytes::escapeWireBytes(bytes), text);
    QCOMPARE(wirebytes::unescapeWireBytes(text).value(), bytes);
}

void tst_RawProbe::unescapeErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("error");
    QTest::newRow("unknown_escape") << u"ab\\q"_s << u"unknown escape after the backslash at 2"_s;
    QTest::newRow("trailing_backslash") << u"ab\\"_s << u"unknown escape after the backslash at 2"_s;
    QTest::newRow("short_hex") << u"\\x4"_s << u"\\x at 0 is not followed by two hex digits"_s;
    QTest::newRow("bad_hex") << u"\\xzz"_s << u"\\x at 0 is not followed by two hex digits"_s;
    QTest::newRow("non_ascii") << u"aé"_s << u"character U+00e9 at 1 is not printable ASCII"_s;
    QTest::newRow("raw_newline") << u"a\n"_s << u"character U+000a at 1 is not printable ASCII"_s;
}

void tst_RawProbe::unescapeErrors()
{
    QFETCH(QString, text);
    QFETCH(QString, error);
    const Result<QByteArray> result = wirebytes::unescapeWireBytes(text);
    QVERIFY(!result.isOk());
    QCOMPARE(result.error(), error);
}

void tst_RawProbe::sseLineNotes_data()
{
    QTest::addColumn<QByteArrayList>("pieces");
    QTest::addColumn<QStringList>("notes");
    QTest::newRow("one_event") << QByteArrayList{"id: 1\nevent: tick\ndata: x\n\n"}
                               << QStringList{u"SSE: id, event, data, blank line (dispatch)"_s};
    QTest::newRow("comment_and_crlf") << QByteArrayList{": hb\r\n\r\n"}
                                      << QStringList{u"SSE: comment, blank line (dispatch)"_s};
    QTest::newRow("line_cut_across_pieces")
        << QByteArrayList{"da", "ta: x\n", "\n"}
        << QStringList{u"SSE: unknown field \"da\" (line continues)"_s, u"SSE: data"_s,
                       u"SSE: blank line (dispatch)"_s};
    QTest::newRow("crlf_cut_between_cr_and_lf")
        << QByteArrayList{"retry: 5\r", "\nfoo\n"}
        << QStringList{u"SSE: retry"_s, u"SSE: unknown field \"foo\""_s};
}

void tst_RawProbe::sseLineNotes()
{
    QFETCH(QByteArrayList, pieces);
    QFETCH(QStringList, notes);
    wirebytes::SseLineAnnotator annotator;
    QStringList actual;
    for (const QByteArray &piece : pieces)
        actual += annotator.annotate(piece);
    QCOMPARE(actual, notes);
}

void tst_RawProbe::requestBytesAreExact()
{
    ProbeSettings settings = rawSettings(QUrl(u"http://127.0.0.1:8765/publish?event=x&m=a%20b"_s));
    settings.method = "POST";
    settings.headers = {{"X-One", "1"}, {"Authorization", "Bearer t"}};
    settings.body = "hello";
    QCOMPARE(RawProbe::requestBytes(settings),
             "POST /publish?event=x&m=a%20b HTTP/1.1\r\n"
             "Host: 127.0.0.1:8765\r\n"
             "User-Agent: streamlab/" STREAMLAB_VERSION "\r\n"
             "Accept: */*\r\n"
             "X-One: 1\r\n"
             "Authorization: Bearer t\r\n"
             "Content-Length: 5\r\n"
             "Connection: close\r\n"
             "\r\n"
             "hello"_ba);

    settings = rawSettings(QUrl(u"http://example.org"_s));
    QCOMPARE(RawProbe::requestBytes(settings),
             "GET / HTTP/1.1\r\nHost: example.org\r\nUser-Agent: streamlab/" STREAMLAB_VERSION
             "\r\nAccept: */*\r\nConnection: close\r\n\r\n"_ba);

    settings = rawSettings(QUrl(u"ws://[::1]:9000/ws?x=1"_s));
    const QByteArray handshake = RawProbe::requestBytes(settings, "KEY");
    QVERIFY(handshake.startsWith("GET /ws?x=1 HTTP/1.1\r\nHost: [::1]:9000\r\n"));
    QVERIFY(handshake.contains("\r\nUpgrade: websocket\r\n"));
    QVERIFY(handshake.contains("\r\nSec-WebSocket-Key: KEY\r\nSec-WebSocket-Version: 13\r\n"));
    QVERIFY(handshake.endsWith("\r\n\r\n"));
}

void tst_RawProbe::chunkedTextStream()
{
    const QString path = u"/text?mode=stream&chunk=5&interval=20"_s;
    RawProbe probe(rawSettings(m_server->url(path)));
    const ProbeRun run = runProbe(probe, 60000);
    QVERIFY(run.isFinished);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QVERIFY(run.ofKind(ObservationKind::Request).first().fields.value(u"raw"_s).toString()
                .startsWith(u"GET "_s + path + u" HTTP/1.1\\r\\nHost: 127.0.0.1:"_s));
    const Observation headers = run.ofKind(ObservationKind::Headers).first();
    QCOMPARE(headers.fields.value(u"status"_s).toInt(), 200);
    QCOMPARE(headers.fields.value(u"reason"_s).toString(), u"OK"_s);
    QVERIFY2(run.count(ObservationKind::Wire) > 50, qPrintable(run.kindSequence()));

    for (const QString &kind : {u"StatusLine"_s, u"HeaderLine"_s, u"HeaderEnd"_s,
                                u"ChunkSizeLine"_s, u"ChunkData"_s, u"ChunkDataEnd"_s,
                                u"LastChunk"_s, u"TrailerEnd"_s})
        QVERIFY2(hasSegment(run, kind), qPrintable(kind));
    QVERIFY(hasSegment(run, u"HeaderLine"_s, u"header Transfer-Encoding"_s));
    QVERIFY(hasSegment(run, u"HeaderEnd"_s, u"chunked body"_s));

    // The raw bytes of all reads are exactly what the server sent: they parse as one complete
    // chunked response whose body is the document QNAM reads from the same endpoint.
    const QByteArray wire = checkedWireBytes(run);
    QVERIFY(!wire.isEmpty());
    httpwire::ResponseParser parser;
    parser.feed(wire);
    QVERIFY(parser.isIdle());
    QCOMPARE(parser.responses().size(), 1);
    QVERIFY(parser.responses().first().isChunked);
    QNetworkAccessManager manager;
    const Fetched whole = fetch(manager, QNetworkRequest(m_server->url(
                                             u"/text?mode=stream&chunk=5000&interval=0"_s)));
    QCOMPARE(parser.responses().first().body, whole.body);
    QCOMPARE(run.observations.last().bytes, wire.size());
}

void tst_RawProbe::eventStreamFraming()
{
    RawProbe probe(rawSettings(m_server->url(u"/sse?count=3&interval=30&topic=rawsse"_s)));
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    const QJsonObject headers
        = run.ofKind(ObservationKind::Headers).first().fields.value(u"headers"_s).toObject();
    QVERIFY(headers.value(u"Content-Type"_s).toString().startsWith(u"text/event-stream"_s));
    QVERIFY(hasSegment(run, u"ChunkSizeLine"_s));
    QVERIFY(hasSegment(run, u"ChunkData"_s, u"SSE: "_s));
    QVERIFY(hasSegment(run, u"ChunkData"_s, u"id"_s));
    QVERIFY(hasSegment(run, u"ChunkData"_s, u"event"_s));
    QVERIFY(hasSegment(run, u"ChunkData"_s, u"data"_s));
    QVERIFY(hasSegment(run, u"ChunkData"_s, u"blank line (dispatch)"_s));
    QVERIFY(hasSegment(run, u"LastChunk"_s));
    QVERIFY(!checkedWireBytes(run).isEmpty());
}

void tst_RawProbe::webSocketHandshakeAndFrames()
{
    QUrl url = m_server->url(u"/ws?interval=50&topic=rawws"_s);
    url.setScheme(u"ws"_s);
    ProbeSettings settings = rawSettings(url);
    settings.sends = {u"hello raw"_s};
    settings.maxEvents = 3;
    RawProbe probe(settings);
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    const QString request
        = run.ofKind(ObservationKind::Request).first().fields.value(u"raw"_s).toString();
    QVERIFY(request.contains(u"Upgrade: websocket\\r\\n"_s));
    QVERIFY(request.contains(u"Sec-WebSocket-Version: 13\\r\\n"_s));
    QCOMPARE(run.ofKind(ObservationKind::Headers).first().fields.value(u"status"_s).toInt(), 101);
    QVERIFY(hasSegment(run, u"StatusLine"_s, u"status 101"_s));
    QVERIFY(hasSegment(run, u"HeaderLine"_s, u"header Sec-WebSocket-Accept"_s));
    QVERIFY(hasSegment(run, u"WsFrame"_s, u"text frame 0x81, "_s));
    QVERIFY(hasSegment(run, u"WsFrame"_s, u"\"type\":\"tick\""_s));
    QVERIFY(hasSegment(run, u"WsFrame"_s, u"bytes payload: hello raw"_s)); // the echo
    QCOMPARE(run.count(ObservationKind::Sent), 1);
    QVERIFY(!checkedWireBytes(run).isEmpty());
}

void tst_RawProbe::webSocketPolicyClose()
{
    QUrl url = m_server->url(u"/ws?interval=abc"_s);
    url.setScheme(u"ws"_s);
    RawProbe probe(rawSettings(url));
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError())); // a complete exchange, close included
    QVERIFY(hasSegment(run, u"WsFrame"_s, u"close frame 0x88"_s));
    QVERIFY(hasSegment(run, u"WsFrame"_s, u"code 1008 (policy violation)"_s));
    QCOMPARE(run.ofKind(ObservationKind::Close).first().fields.value(u"code"_s).toInt(), 1008);
}

void tst_RawProbe::headHasNoBody()
{
    m_server->addFile(u"head.txt"_s, QByteArray(1000, 'h'));
    ProbeSettings settings = rawSettings(m_server->url(u"/files/head.txt"_s));
    settings.method = "HEAD";
    RawProbe probe(settings);
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    const QJsonObject headers
        = run.ofKind(ObservationKind::Headers).first().fields.value(u"headers"_s).toObject();
    QCOMPARE(headers.value(u"Content-Length"_s).toString(), u"1000"_s);
    QVERIFY(hasSegment(run, u"HeaderEnd"_s, u"no body (a response to HEAD)"_s));
    QVERIFY(!hasSegment(run, u"BodyData"_s));
    QVERIFY(run.ofKind(ObservationKind::Request).first().fields.value(u"raw"_s).toString()
                .startsWith(u"HEAD /files/head.txt HTTP/1.1"_s));
}

void tst_RawProbe::requestReachesTheServerVerbatim()
{
    RogueServer server([](int, const QByteArray &) {
        return RogueServer::Script{
            RogueServer::write(RogueServer::head("200 OK", {"Content-Length: 2"}) + "ok"),
            RogueServer::hang()};
    });
    QVERIFY(server.listen());
    ProbeSettings settings = rawSettings(server.url(u"/a/b?c=d"_s));
    settings.headers = {{"X-Test", "yes"}};
    RawProbe probe(settings);
    const ProbeRun run = runProbe(probe);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(server.requests().size(), 1);
    QCOMPARE(server.requests().first(), RawProbe::requestBytes(settings));
    QCOMPARE(run.kindSequence(), u"request wire headers done"_s);
}

void tst_RawProbe::droppedMidChunkFails()
{
    RogueServer server([](int, const QByteArray &) {
        return RogueServer::Script{
            RogueServer::write(RogueServer::head("200 OK", {"Transfer-Encoding: chunked"})),
            RogueServer::pause(30), RogueServer::write("a\r\n01234"), RogueServer::pause(30),
            RogueServer::close()};
    });
    QVERIFY(server.listen());
    RawProbe probe(rawSettings(server.url()));
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QVERIFY2(run.firstError().startsWith(u"connection closed in the middle of chunk data"_s),
             qPrintable(run.firstError()));
    QVERIFY(hasSegment(run, u"ChunkSizeLine"_s, u"chunk of 10 bytes (0xa)"_s));
    QVERIFY(hasSegment(run, u"ChunkData"_s));
}

void tst_RawProbe::closeDelimitedBodySucceeds()
{
    RogueServer server([](int, const QByteArray &) {
        return RogueServer::Script{
            RogueServer::write(RogueServer::head("200 OK", {"Content-Type: text/plain"})),
            RogueServer::pause(30), RogueServer::write("until the end"), RogueServer::pause(30),
            RogueServer::close()};
    });
    QVERIFY(server.listen());
    RawProbe probe(rawSettings(server.url()));
    const ProbeRun run = runProbe(probe);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QVERIFY(hasSegment(run, u"HeaderEnd"_s, u"until the connection closes"_s));
    QVERIFY(hasSegment(run, u"BodyData"_s));
}

void tst_RawProbe::frameCutAcrossReads()
{
    const QByteArray frame = wsframe::encodeFrame(wsframe::Opcode::Text, QByteArray(40, 'w'));
    RogueServer server([frame](int, const QByteArray &head) {
        return RogueServer::Script{
            RogueServer::write(switchingProtocols(head) + frame.left(10)), RogueServer::pause(50),
            RogueServer::write(frame.mid(10)), RogueServer::pause(50),
            RogueServer::write(wsframe::encodeFrame(wsframe::Opcode::Close,
                                                    wsframe::closePayload(1000, u"done"_s))),
            RogueServer::pause(100), RogueServer::close()};
    });
    QVERIFY(server.listen());
    QUrl url = server.url(u"/ws"_s);
    url.setScheme(u"ws"_s);
    RawProbe probe(rawSettings(url));
    const ProbeRun run = runProbe(probe);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QVERIFY(hasSegment(run, u"WsFramePart"_s, u"part of a frame (10 bytes so far)"_s));
    QVERIFY(hasSegment(run, u"WsFrame"_s, u"(ends a frame begun 10 bytes earlier)"_s));
    QCOMPARE(run.ofKind(ObservationKind::Close).first().fields.value(u"reason"_s).toString(),
             u"done"_s);
    QVERIFY(!checkedWireBytes(run).isEmpty());
}

void tst_RawProbe::refusedHandshakeFails()
{
    RogueServer server([](int, const QByteArray &) {
        return RogueServer::Script{
            RogueServer::write(RogueServer::head("404 Not Found", {"Content-Length: 4"}) + "nope"),
            RogueServer::hang()};
    });
    QVERIFY(server.listen());
    QUrl url = server.url(u"/nows"_s);
    url.setScheme(u"ws"_s);
    RawProbe probe(rawSettings(url));
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QVERIFY2(run.firstError().contains(u"answered 404 Not Found instead of 101"_s),
             qPrintable(run.firstError()));
    QVERIFY(hasSegment(run, u"BodyData"_s));
}

void tst_RawProbe::silentServerTripsInactivityTimeout()
{
    RogueServer server([](int, const QByteArray &) {
        return RogueServer::Script{
            RogueServer::write(RogueServer::head("200 OK", {"Transfer-Encoding: chunked"})
                               + "5\r\nhello\r\n"),
            RogueServer::hang()};
    });
    QVERIFY(server.listen());
    ProbeSettings settings = rawSettings(server.url());
    settings.timeoutMs = 400;
    RawProbe probe(settings);
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QVERIFY2(run.firstError().contains(u"inactivity timeout"_s), qPrintable(run.firstError()));
    QVERIFY(hasSegment(run, u"ChunkData"_s));
    const double totalMs = run.observations.last().fields.value(u"total_ms"_s).toDouble();
    QVERIFY2(totalMs >= 390 && totalMs < 5000, qPrintable(QString::number(totalMs)));
}

void tst_RawProbe::connectionRefused()
{
    QTcpServer closed;
    closed.listen(QHostAddress::LocalHost, 0);
    const quint16 port = closed.serverPort();
    closed.close();
    RawProbe probe(rawSettings(QUrl(u"http://127.0.0.1:%1/"_s.arg(port))));
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QVERIFY2(run.firstError().startsWith(u"connection failed: "_s), qPrintable(run.firstError()));
}

void tst_RawProbe::tlsIsRefused()
{
    RawProbe probe(rawSettings(QUrl(u"wss://127.0.0.1:1/ws"_s)));
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QCOMPARE(run.firstError(), u"TLS not supported in raw mode"_s);
}

QTEST_GUILESS_MAIN(tst_RawProbe)
#include "tst_rawprobe.moc"
