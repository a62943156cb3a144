// SPDX-License-Identifier: GPL-3.0-only
// The push techniques over real loopback sockets: fan-out to SSE, long-poll and WebSocket
// subscribers, resume after disconnects without loss or duplicates, visible gaps, slow
// consumers, long-poll timing, WebSocket echo/publish/ping/close, SSE framing and tokens,
// and clean-up after random client kills.
#include "endpoints.h"
#include "heartbeatclock.h"
#include "rawhttp.h"
#include "sendlog.h"
#include "sseparser.h"
#include "stream.h"
#include "testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace {

// An SSE subscriber with its own QNAM (QNAM allows six connections per host), parsing with
// the WHATWG parser and reconnecting with Last-Event-ID like EventSource.
class SseClient
{
public:
    explicit SseClient(QUrl url) : m_url(std::move(url)) {}

    void open()
    {
        QNetworkRequest request(m_url);
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        request.setRawHeader("Accept", "text/event-stream");
        if (!m_parser.lastEventId().isEmpty())
            request.setRawHeader("Last-Event-ID", m_parser.lastEventId().toUtf8());
        m_parser.resetForNewConnection();
        m_reply = m_nam.get(request);
        QObject::connect(m_reply, &QNetworkReply::readyRead, m_reply, [this, reply = m_reply] {
            // A readyRead queued before drop() must not feed the next connection's parser.
            if (reply == m_reply)
                events += m_parser.feed(reply->readAll());
        });
        ++connects;
    }
    void drop()
    {
        if (m_reply) {
            m_reply->abort();
            m_reply->deleteLater();
            m_reply = nullptr;
        }
    }
    QList<qint64> messageIds(const QString &type = u"message"_s) const
    {
        QList<qint64> ids;
        for (const sse::Event &event : events) {
            if (event.type == type)
                ids.append(event.lastEventId.toLongLong());
        }
        return ids;
    }
    int comments() const { return m_parser.commentCount(); }
    QNetworkReply *reply() const { return m_reply; }

    QList<sse::Event> events;
    int connects = 0;

private:
    QUrl m_url;
    QNetworkAccessManager m_nam;
    sse::Parser m_parser;
    QNetworkReply *m_reply = nullptr;
};

// A long-poll loop: since ← last_id, recording every message.
class PollClient
{
public:
    PollClient(QUrl base, qint64 since) : m_base(std::move(base)), m_since(since) {}
    void start() { next(); }
    void stop()
    {
        m_isStopped = true;
        if (m_reply)
            m_reply->abort();
    }

    QList<qint64> ids;
    int rounds = 0;

private:
    void next()
    {
        if (m_isStopped)
            return;
        QUrl url = m_base;
        url.setQuery(u"since=%1&timeout=5000"_s.arg(m_since));
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        m_reply = m_nam.get(request);
        QObject::connect(m_reply, &QNetworkReply::finished, m_reply, [this, reply = m_reply] {
            reply->deleteLater();
            m_reply = nullptr;
            ++rounds;
            const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
            for (const QJsonValue &message : body.value(u"messages"_s).toArray())
                ids.append(message[u"id"_s].toInteger());
            if (body.contains(u"last_id"_s))
                m_since = body.value(u"last_id"_s).toInteger();
            if (reply->error() == QNetworkReply::NoError)
                next();
        });
    }

    QUrl m_base;
    qint64 m_since;
    QNetworkAccessManager m_nam;
    QNetworkReply *m_reply = nullptr;
    bool m_isStopped = false;
};

// A WebSocket subscriber keeping every text frame as JSON.
class WsClient
{
public:
    void open(const QUrl &url)
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                         [this](const QString &text) {
                             frames.append(QJsonDocument::fromJson(text.toUtf8()).object());
                             texts.append(text);
                         });
        socket.open(url);
    }
    QList<qint64> messageIds() const
    {
        QList<qint64> ids;
        for (const QJsonObject &frame : frames) {
            if (frame.value(u"type"_s) == u"message"_s)
                ids.append(frame.value(u"id"_s).toInteger());
        }
        return ids;
    }
    QWebSocket socket;
    QList<QJsonObject> frames;
    QStringList texts;
};

QList<qint64> range(qint64 first, qint64 last)
{
    QList<qint64> ids;
    for (qint64 id = first; id <= last; ++id)
        ids.append(id);
    return ids;
}

} // namespace

class tst_Push : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void fanOutToEveryTechnique();
    void sseResumeAfterRandomDisconnects();
    void gapIsVisible();
    void slowConsumerHoldsNobodyUp();
    void ticksNeverOvertakeMessages();
    void longPollAnswersFastAndTimesOut();
    void webSocketEchoPublishPingClose();
    void webSocketServerClosesSilentClient();
    void webSocketCloseHandshakeRaw();
    void webSocketBadParameterClosesWithReason();
    void sseFraming();
    void tokenIsRequiredWhenConfigured();
    void publishRejectsBadInput_data();
    void publishRejectsBadInput();
    void randomKillsLeaveNothingBehind();

private:
    void startServer(int retention = 1000, const QByteArray &token = {});
    // Publishes `count` messages "msg-<k>" through pipelined GETs on one connection and
    // waits for every answer. Returns the last id.
    qint64 publishMany(int count, const QByteArray &prefix = "msg-", const QByteArray &extra = {});
    QUrl url(const QString &pathAndQuery) const { return m_server->url(pathAndQuery); }
    QUrl wsUrl(const QString &pathAndQuery) const
    {
        return QUrl(u"ws://127.0.0.1:%1%2"_s.arg(m_server->port()).arg(pathAndQuery));
    }

    std::unique_ptr<TestServer> m_server;
};

void tst_Push::init()
{
    startServer();
}

void tst_Push::cleanup()
{
    m_server.reset();
    QCOMPARE(Stream::liveCount(), 0);
    QCOMPARE(Pacer::activeCount(), 0);
    QCOMPARE(HeartbeatClock::totalSubscriptions(), 0);
    QCOMPARE(endpoints::liveWebSocketSessions(), 0);
}

void tst_Push::startServer(int retention, const QByteArray &token)
{
    m_server.reset();
    ServerConfig config;
    config.retention = retention;
    config.token = token;
    m_server = std::make_unique<TestServer>(config);
    const QString error = m_server->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

qint64 tst_Push::publishMany(int count, const QByteArray &prefix, const QByteArray &extra)
{
    RawHttp raw;
    if (!raw.connectTo(m_server->port()))
        return -1;
    constexpr int kPerWrite = 200;
    for (int sent = 0; sent < count; sent += kPerWrite) {
        QByteArray batch;
        for (int k = sent; k < qMin(count, sent + kPerWrite); ++k)
            batch += "GET /publish?m=" + prefix + QByteArray::number(k + 1) + extra
                     + " HTTP/1.1\r\nHost: x\r\n\r\n";
        raw.send(batch);
        if (!raw.waitForResponses(qMin(count, sent + kPerWrite), 20000))
            return -1;
    }
    return QJsonDocument::fromJson(raw.responses().last().body).object().value(u"id"_s).toInteger();
}

void tst_Push::fanOutToEveryTechnique()
{
    constexpr int kMessages = 1000;
    std::vector<std::unique_ptr<SseClient>> sse;
    std::vector<std::unique_ptr<PollClient>> polls;
    std::vector<std::unique_ptr<WsClient>> sockets;
    for (int i = 0; i < 3; ++i) {
        sse.push_back(std::make_unique<SseClient>(url(u"/sse?heartbeat=0"_s)));
        sse.back()->open();
        polls.push_back(std::make_unique<PollClient>(url(u"/poll"_s), 0));
        polls.back()->start();
        sockets.push_back(std::make_unique<WsClient>());
        sockets.back()->open(wsUrl(u"/ws?since=0"_s));
    }
    for (auto &ws : sockets)
        QTRY_COMPARE(ws->socket.state(), QAbstractSocket::ConnectedState);
    QTRY_VERIFY(std::all_of(sse.begin(), sse.end(), [](auto &c) { return c->comments() >= 1; }));

    const qint64 last = publishMany(kMessages);
    QCOMPARE(last, qint64(kMessages));
    const QList<qint64> expected = range(1, kMessages);
    for (auto &client : sse)
        QTRY_COMPARE_WITH_TIMEOUT(client->messageIds(), expected, 20000);
    for (auto &client : polls)
        QTRY_COMPARE_WITH_TIMEOUT(client->ids, expected, 20000);
    for (auto &client : sockets)
        QTRY_COMPARE_WITH_TIMEOUT(client->messageIds(), expected, 20000);
    QCOMPARE(sse.front()->events.at(41).data, u"msg-42"_s);
    for (auto &client : polls)
        client->stop();
}

void tst_Push::sseResumeAfterRandomDisconnects()
{
    // Retention above the total, so no disconnect can lose anything: each subscriber must
    // end with exactly 1..N, in order, once.
    constexpr int kMessages = 10000;
    constexpr int kDrops = 100;
    startServer(kMessages + 10);
    std::vector<std::unique_ptr<SseClient>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<SseClient>(url(u"/sse?heartbeat=0&lastEventId=0"_s)));
        clients.back()->open();
    }
    QTRY_VERIFY(
        std::all_of(clients.begin(), clients.end(), [](auto &c) { return c->comments() >= 1; }));

    // Publish in the background (a second thread's connection) while this thread drops and
    // reconnects subscribers at random moments.
    qint64 last = 0;
    RawHttp publisher;
    QVERIFY(publisher.connectTo(m_server->port()));
    int published = 0;
    QRandomGenerator random(20261123);
    int drops = 0;
    while (published < kMessages || drops < kDrops) {
        if (published < kMessages) {
            QByteArray batch;
            for (int k = 0; k < 100; ++k, ++published)
                batch += "GET /publish?m=m" + QByteArray::number(published + 1)
                         + " HTTP/1.1\r\nHost: x\r\n\r\n";
            publisher.send(batch);
        }
        QTest::qWait(int(random.bounded(1, 15)));
        if (drops < kDrops) {
            SseClient &victim = *clients[random.bounded(3)];
            victim.drop();
            victim.open(); // with Last-Event-ID from its parser
            ++drops;
        }
    }
    QVERIFY(publisher.waitForResponses(kMessages, 30000));
    last = QJsonDocument::fromJson(publisher.responses().last().body).object()[u"id"_s].toInteger();
    QCOMPARE(last, qint64(kMessages));
    const QList<qint64> expected = range(1, kMessages);
    for (auto &client : clients) {
        QTRY_COMPARE_WITH_TIMEOUT(client->messageIds().size(), kMessages, 30000);
        QCOMPARE(client->messageIds(), expected);
    }
    int reconnects = 0;
    for (auto &client : clients)
        reconnects += client->connects - 1;
    QCOMPARE(reconnects, kDrops);
}

void tst_Push::gapIsVisible()
{
    startServer(5);
    QCOMPARE(publishMany(10), qint64(10));

    SseClient sse(url(u"/sse?heartbeat=0&lastEventId=2"_s));
    sse.open();
    QTRY_COMPARE(sse.messageIds(), range(6, 10));
    QCOMPARE(sse.events.first().type, u"gap"_s);
    const QJsonObject gap = QJsonDocument::fromJson(sse.events.first().data.toUtf8()).object();
    QCOMPARE(gap.value(u"requested"_s).toInteger(), 2);
    QCOMPARE(gap.value(u"first_available"_s).toInteger(), 6);

    QNetworkAccessManager nam;
    const Fetched poll = fetch(nam, QNetworkRequest(url(u"/poll?since=2"_s)));
    const QJsonObject body = QJsonDocument::fromJson(poll.body).object();
    QCOMPARE(body[u"gap"_s][u"first_available"_s].toInteger(), 6);
    QCOMPARE(body[u"messages"_s].toArray().size(), 5);
    QCOMPARE(body[u"last_id"_s].toInteger(), 10);

    WsClient ws;
    ws.open(wsUrl(u"/ws?since=2"_s));
    QTRY_COMPARE(ws.messageIds(), range(6, 10));
    QCOMPARE(ws.frames.first().value(u"type"_s).toString(), u"gap"_s);
    QCOMPARE(ws.frames.first().value(u"first_available"_s).toInteger(), 6);

    // Within the window there is no gap.
    SseClient fresh(url(u"/sse?heartbeat=0&lastEventId=7"_s));
    fresh.open();
    QTRY_COMPARE(fresh.messageIds(), range(8, 10));
    QCOMPARE(fresh.events.first().type, u"message"_s);
}

void tst_Push::slowConsumerHoldsNobodyUp()
{
    startServer(200);
    // A subscriber that never reads: a bare socket whose read buffer stays full, so the
    // kernel buffers fill and the server's writes to it stall.
    QTcpSocket slow;
    slow.setReadBufferSize(1024);
    slow.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(slow.waitForConnected(5000));
    slow.write("GET /sse?heartbeat=0&lastEventId=0 HTTP/1.1\r\nHost: x\r\n\r\n");
    QTRY_COMPARE(Stream::liveCount(), 1);
    SseClient fast(url(u"/sse?heartbeat=0&lastEventId=0"_s));
    fast.open();
    QTRY_VERIFY(fast.comments() >= 1);

    constexpr int kMessages = 4000; // 4000 × ~4 KiB = 16 MiB: far beyond socket buffers
    const QByteArray padding = "-" + QByteArray(4000, 'p');
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(publishMany(kMessages, "m", padding), qint64(kMessages));
    QTRY_COMPARE_WITH_TIMEOUT(fast.messageIds().size(), kMessages, 20000);
    QVERIFY2(clock.elapsed() < 20000, "the fast subscriber was held up");
    QCOMPARE(fast.messageIds(), range(1, kMessages));

    // The slow one now reads: it sees what fit in the buffers, a gap notice, then the rest
    // of the retained window. Nothing piled up for it in the server: far less than the
    // 16 MiB published reaches it.
    slow.setReadBufferSize(0);
    QByteArray received;
    QTRY_VERIFY_WITH_TIMEOUT((received += slow.readAll()).contains("data: m4000-"), 20000);
    QVERIFY(received.contains("event: gap\n"));
    QVERIFY2(received.size() < 14 * 1024 * 1024, qPrintable(QString::number(received.size())));
}

void tst_Push::ticksNeverOvertakeMessages()
{
    // A subscriber with a fast ticker and a large backlog to replay, reading nothing at first:
    // ticks come due while older messages are still undelivered. Ids must still arrive in
    // increasing order, or a reconnect with a tick's id as Last-Event-ID would skip messages.
    startServer(5000);
    QCOMPARE(publishMany(3000, "m", "-" + QByteArray(2000, 'p')), qint64(3000));
    QTcpSocket socket;
    socket.setReadBufferSize(1024);
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET /sse?heartbeat=0&interval=5&lastEventId=0 HTTP/1.1\r\nHost: x\r\n\r\n");
    QTest::qWait(300); // the experiment: ticks fall due while the backlog waits
    socket.setReadBufferSize(0);
    QByteArray received;
    QTRY_VERIFY_WITH_TIMEOUT((received += socket.readAll()).contains("data: m3000-"), 20000);
    QTRY_VERIFY_WITH_TIMEOUT((received += socket.readAll()).count("event: tick\n") >= 3, 5000);
    sse::Parser parser;
    const QList<sse::Event> events = parser.feed(received.mid(received.indexOf("\r\n\r\n") + 4));
    qint64 previous = 0;
    int messages = 0;
    for (const sse::Event &event : events) {
        const qint64 id = event.lastEventId.toLongLong();
        QVERIFY2(id > previous, qPrintable(u"id %1 after %2"_s.arg(id).arg(previous)));
        previous = id;
        messages += event.type == u"message"_s ? 1 : 0;
    }
    QCOMPARE(messages, 3000);
}

void tst_Push::longPollAnswersFastAndTimesOut()
{
    QNetworkAccessManager nam;
    const Fetched timedOut = fetch(nam, QNetworkRequest(url(u"/poll?timeout=300"_s)));
    QCOMPARE(timedOut.status, 204);
    QVERIFY(timedOut.finishedMs >= 250);
    QVERIFY(timedOut.body.isEmpty());

    // With a ticker, a quiet poll is answered with a tick after `interval`.
    const Fetched ticked = fetch(nam, QNetworkRequest(url(u"/poll?timeout=5000&interval=200"_s)));
    QCOMPARE(ticked.status, 200);
    QVERIFY(ticked.finishedMs >= 150 && ticked.finishedMs < 4000);
    const QJsonObject tick = QJsonDocument::fromJson(ticked.body).object();
    QCOMPARE(tick[u"messages"_s][0][u"event"_s].toString(), u"tick"_s);
    QCOMPARE(tick[u"last_id"_s].toInteger(), tick[u"messages"_s][0][u"id"_s].toInteger());

    // A held poll is answered within 50 ms of the publish, on the server's own clock: the
    // publish time is in the message, the answer's write time in the send log. The client's
    // view gets a generous bound only (a loaded machine may be slow to schedule the test).
    for (int round = 0; round < 5; ++round) {
        QNetworkRequest request(url(u"/poll?timeout=10000"_s));
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        QNetworkReply *reply = nam.get(request);
        QTRY_COMPARE(Stream::liveCount(), 1); // the poll is held
        // Spied before publishing: the publisher's round trip runs the event loop, in which
        // the poll's answer may already arrive.
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QElapsedTimer clock;
        clock.start();
        RawHttp publisher;
        QVERIFY(publisher.connectTo(m_server->port()));
        publisher.get("/publish?m=now");
        QVERIFY(!finished.isEmpty() || finished.wait(5000));
        QVERIFY(clock.elapsed() < 1000);
        const QJsonObject message
            = QJsonDocument::fromJson(reply->readAll()).object()[u"messages"_s][0].toObject();
        QCOMPARE(message[u"data"_s].toString(), u"now"_s);
        const qint64 id = reply->rawHeader("X-StreamLab-Id").toLongLong();
        const std::optional<SendLogEntry> sent = m_server->host().sendLog().entry(id);
        QVERIFY(sent && !sent->writes.isEmpty());
        const qint64 latencyNs = sent->writes.first().tNs - message[u"t_server_ns"_s].toInteger();
        QVERIFY2(latencyNs >= 0 && latencyNs < 50'000'000,
                 qPrintable(u"answered %1 µs after the publish"_s.arg(latencyNs / 1000)));
        reply->deleteLater();
        QTRY_COMPARE(Stream::liveCount(), 0);
    }
}

void tst_Push::webSocketEchoPublishPingClose()
{
    WsClient ws;
    ws.open(wsUrl(u"/ws"_s));
    QTRY_COMPARE(ws.socket.state(), QAbstractSocket::ConnectedState);

    ws.socket.sendTextMessage(u"hello 流"_s);
    QTRY_VERIFY(ws.texts.contains(u"hello 流"_s));
    QByteArray binaryEcho;
    QObject::connect(&ws.socket, &QWebSocket::binaryMessageReceived, &ws.socket,
                     [&](const QByteArray &bytes) { binaryEcho = bytes; });
    ws.socket.sendBinaryMessage(QByteArray("\x00\x01\xff", 3));
    QTRY_COMPARE(binaryEcho, QByteArray("\x00\x01\xff", 3));

    ws.socket.sendTextMessage(uR"({"publish":"from ws","event":"custom"})"_s);
    QTRY_COMPARE(ws.messageIds().size(), 1);
    const QJsonObject frame = ws.frames.last();
    QCOMPARE(frame.value(u"event"_s).toString(), u"custom"_s);
    QCOMPARE(frame.value(u"data"_s).toString(), u"from ws"_s);
    QVERIFY(frame.value(u"t_server_ns"_s).toInteger() > 0);

    QSignalSpy pong(&ws.socket, &QWebSocket::pong);
    ws.socket.ping("are you there");
    QVERIFY(pong.wait(3000));
    QCOMPARE(pong.first().at(1).toByteArray(), QByteArray("are you there"));

    // Qt's client may emit disconnected inside close() already: count, do not wait.
    QSignalSpy closed(&ws.socket, &QWebSocket::disconnected);
    ws.socket.close(QWebSocketProtocol::CloseCode(4000), u"bye"_s);
    QTRY_COMPARE(closed.count(), 1);
    QTRY_COMPARE(endpoints::liveWebSocketSessions(), 0);
}

void tst_Push::webSocketServerClosesSilentClient()
{
    // A hand-made WebSocket client that never answers pings; the server pings every second
    // and must close it with 1001 and a reason.
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.send("GET /ws?ping=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
             "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    QVERIFY(raw.waitForResponses(1));
    QCOMPARE(raw.responses().first().status, 101);
    // Server frames are unmasked: ping = 0x89, close = 0x88 with a 2-byte code first.
    QTRY_VERIFY_WITH_TIMEOUT(raw.received().contains("\x89"), 3000);
    const QByteArray closeFrame("\x88", 1);
    QTRY_VERIFY_WITH_TIMEOUT(raw.received().contains(closeFrame), 5000);
    const qsizetype at = raw.received().indexOf(closeFrame);
    const QByteArray payload = raw.received().mid(at + 2, uchar(raw.received().at(at + 1)));
    QCOMPARE((uchar(payload.at(0)) << 8) | uchar(payload.at(1)), 1001);
    QVERIFY(payload.contains("no pong"));
}

void tst_Push::webSocketCloseHandshakeRaw()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.send("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
             "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    QVERIFY(raw.waitForResponses(1));
    // Masked close frame with code 4000 and reason "bye" (mask key 0).
    raw.socket().write(QByteArray("\x88\x85\x00\x00\x00\x00\x0f\xa0"
                                  "bye",
                                  11));
    QVERIFY(raw.waitForClose(5000)); // the server closes TCP after the close handshake
    const QByteArray frames = raw.received().mid(raw.received().indexOf("\r\n\r\n") + 4);
    QCOMPARE(frames, QByteArray("\x88\x05\x0f\xa0"
                                "bye",
                                7)); // our code and reason, echoed
}

void tst_Push::webSocketBadParameterClosesWithReason()
{
    QWebSocket ws;
    QSignalSpy closed(&ws, &QWebSocket::disconnected);
    ws.open(wsUrl(u"/ws?interval=soon"_s));
    QVERIFY(closed.wait(5000));
    QCOMPARE(ws.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QVERIFY2(ws.closeReason().startsWith(u"interval:"_s), qPrintable(ws.closeReason()));

    // A plain GET on the WebSocket path is told to upgrade.
    QNetworkAccessManager nam;
    const Fetched plain = fetch(nam, QNetworkRequest(url(u"/ws"_s)));
    QCOMPARE(plain.status, 426);
    QCOMPARE(plain.header("Upgrade"), QByteArray("websocket"));
}

void tst_Push::sseFraming()
{
    SseClient client(url(u"/sse?heartbeat=200&retry=1500&lastEventId=0"_s));
    client.open();
    QTRY_VERIFY(client.comments() >= 1);
    QElapsedTimer clock;
    clock.start();
    const int before = client.comments();
    RawHttp publisher;
    QVERIFY(publisher.connectTo(m_server->port()));
    publisher.send("POST /publish?event=custom HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n"
                   "line one\nline two",
                   "POST");
    QTRY_COMPARE(client.events.size(), 1);
    QCOMPARE(client.events[0].type, u"custom"_s);
    QCOMPARE(client.events[0].data, u"line one\nline two"_s);
    QCOMPARE(client.events[0].lastEventId, u"1"_s);
    QTest::qWait(1100); // the observation window for heartbeats
    const int heartbeats = client.comments() - before;
    QVERIFY2(heartbeats >= 3 && heartbeats <= 7, qPrintable(QString::number(heartbeats)));
    QCOMPARE(client.reply()->rawHeader("Content-Type"),
             QByteArray("text/event-stream; charset=utf-8"));
    QCOMPARE(client.reply()->rawHeader("Cache-Control"), QByteArray("no-cache"));
    QCOMPARE(client.reply()->rawHeader("X-Accel-Buffering"), QByteArray("no"));

    // Raw bytes: an id line on every event, retry sent, ticks typed, data split per line.
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.get("/sse?heartbeat=0&retry=1500&interval=50&count=3&lastEventId=0");
    QVERIFY(raw.waitForResponses(1, 5000));
    const QByteArray body = raw.responses().first().body;
    QVERIFY(body.contains("retry: 1500\n\n"));
    QVERIFY(body.contains("id: 1\nevent: custom\ndata: line one\ndata: line two\n\n"));
    QCOMPARE(body.count("event: tick\n"), 2);
    QCOMPARE(body.count("id: "), 3);
}

void tst_Push::tokenIsRequiredWhenConfigured()
{
    startServer(1000, "s3cret");
    QNetworkAccessManager nam;
    QCOMPARE(fetch(nam, QNetworkRequest(url(u"/sse?count=1"_s))).status, 401);
    QCOMPARE(fetch(nam, QNetworkRequest(url(u"/sse?count=1&token=wrong"_s))).status, 401);
    QCOMPARE(fetch(nam, QNetworkRequest(url(u"/publish?m=x"_s))).status, 401);

    SseClient byQuery(url(u"/sse?token=s3cret&heartbeat=0"_s));
    byQuery.open();
    QNetworkRequest withHeader(url(u"/sse?heartbeat=0"_s));
    withHeader.setRawHeader("Authorization", "Bearer s3cret");
    QNetworkReply *header = nam.get(withHeader);
    QTRY_VERIFY(byQuery.comments() >= 1);
    QTRY_COMPARE(header->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    header->abort();
    header->deleteLater();

    QWebSocket refused;
    QSignalSpy closed(&refused, &QWebSocket::disconnected);
    refused.open(wsUrl(u"/ws"_s));
    QVERIFY(closed.wait(5000));
    QCOMPARE(refused.closeReason(), u"token: required"_s);
}

void tst_Push::publishRejectsBadInput_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("names");
    QTest::newRow("missing_message") << u"/publish"_s << QByteArray("m:");
    QTest::newRow("bad_event") << u"/publish?m=x&event=a%20b"_s << QByteArray("event:");
    QTest::newRow("bad_topic") << u"/publish?m=x&topic=../x"_s << QByteArray("topic:");
    QTest::newRow("long_event") << u"/publish?m=x&event="_s + QString(65, u'e')
                                << QByteArray("event:");
    QTest::newRow("sse_bad_interval") << u"/sse?interval=-5"_s << QByteArray("interval:");
    QTest::newRow("sse_bad_last_id") << u"/sse?lastEventId=x"_s << QByteArray("lastEventId:");
    QTest::newRow("poll_bad_since") << u"/poll?since=yesterday"_s << QByteArray("since:");
    QTest::newRow("poll_bad_timeout") << u"/poll?timeout=0"_s << QByteArray("timeout:");
}

void tst_Push::publishRejectsBadInput()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, names);
    QNetworkAccessManager nam;
    const Fetched reply = fetch(nam, QNetworkRequest(url(path)));
    QCOMPARE(reply.status, 400);
    QVERIFY2(reply.body.startsWith(names), reply.body.constData());
}

void tst_Push::randomKillsLeaveNothingBehind()
{
    QRandomGenerator random(42);
    std::unique_ptr<QTimer> ticker = std::make_unique<QTimer>();
    RawHttp publisher;
    QVERIFY(publisher.connectTo(m_server->port()));
    int published = 0;
    QObject::connect(ticker.get(), &QTimer::timeout, ticker.get(),
                     [&] { publisher.get("/publish?m=p" + QByteArray::number(++published)); });
    ticker->start(5);
    for (int i = 0; i < 200; ++i) {
        switch (random.bounded(3)) {
        case 0: {
            RawHttp raw;
            QVERIFY(raw.connectTo(m_server->port()));
            raw.get("/sse?heartbeat=10&interval=10");
            QTRY_VERIFY(!raw.received().isEmpty());
            QTest::qWait(int(random.bounded(0, 20)));
            raw.socket().abort();
            break;
        }
        case 1: {
            RawHttp raw;
            QVERIFY(raw.connectTo(m_server->port()));
            raw.get("/poll?timeout=60000&since=999999999");
            QTRY_VERIFY(Stream::liveCount() >= 1);
            raw.socket().abort();
            break;
        }
        default: {
            auto ws = std::make_unique<QWebSocket>();
            ws->open(wsUrl(u"/ws?interval=10&ping=1"_s));
            QTRY_COMPARE(ws->state(), QAbstractSocket::ConnectedState);
            QTest::qWait(int(random.bounded(0, 20)));
            ws->abort();
            break;
        }
        }
    }
    ticker->stop();
    QTRY_COMPARE_WITH_TIMEOUT(Stream::liveCount(), 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(endpoints::liveWebSocketSessions(), 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(Pacer::activeCount(), 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->host().liveStreamCount(), 0, 10000);
    QVERIFY(published > 10);
}

QTEST_GUILESS_MAIN(tst_Push)
#include "tst_push.moc"
