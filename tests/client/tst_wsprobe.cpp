// SPDX-License-Identifier: GPL-3.0-only
#include "endpoints.h"
#include "probeharness.h"
#include "rogueserver.h"
#include "testserver.h"
#include "wsframe.h"
#include "wsprobe.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

ProbeSettings wsSettings(const QUrl &url, bool autoPong)
{
    ProbeSettings settings;
    settings.mode = ProbeMode::WebSocket;
    settings.url = url;
    settings.autoPong = autoPong;
    settings.timeoutMs = 10'000;
    return settings;
}

QJsonObject messageJson(const Observation &message)
{
    return QJsonDocument::fromJson(message.fields.value(u"data"_s).toString().toUtf8()).object();
}

// The 101 a real server would send for this request head.
QByteArray switchingProtocols(const QByteArray &requestHead)
{
    static const QRegularExpression keyLine(u"Sec-WebSocket-Key: *([^\r\n]*)"_s,
                                            QRegularExpression::CaseInsensitiveOption);
    const QByteArray key = keyLine.match(QString::fromLatin1(requestHead)).captured(1).toLatin1();
    return RogueServer::head("101 Switching Protocols",
                             {"Upgrade: websocket", "Connection: Upgrade",
                              "Sec-WebSocket-Accept: " + wsframe::acceptFor(key)});
}

QByteArray frame(wsframe::Opcode opcode, QByteArrayView payload, bool fin = true)
{
    return wsframe::encodeFrame(opcode, payload, fin);
}

quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

} // namespace

class tst_WsProbe : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void bothClients_data();
    void receivesTicks_data() { bothClients_data(); }
    void receivesTicks();
    void sendsAndGetsTheEcho_data() { bothClients_data(); }
    void sendsAndGetsTheEcho();
    void publishesThroughTheSocket_data() { bothClients_data(); }
    void publishesThroughTheSocket();
    void maxEventsClosesTheSessionCleanly_data() { bothClients_data(); }
    void maxEventsClosesTheSessionCleanly();
    void pingsMeasureRoundTrips_data() { bothClients_data(); }
    void pingsMeasureRoundTrips();
    void unansweredPingsTripTheServersTimeout();
    void qwebsocketAnswersPingsSilently();
    void badParametersCloseWith1008_data() { bothClients_data(); }
    void badParametersCloseWith1008();
    void connectionRefused_data() { bothClients_data(); }
    void connectionRefused();
    void fakeServerFramesAndNormalClose_data() { bothClients_data(); }
    void fakeServerFramesAndNormalClose();
    void closeWithoutCloseFrameFails_data() { bothClients_data(); }
    void closeWithoutCloseFrameFails();
    void handshakeErrorsAreNamed_data();
    void handshakeErrorsAreNamed();
    void protocolErrorIsNamed();
    void qwebsocketHandshakeFailure();
    void silentServerTripsInactivityTimeout_data() { bothClients_data(); }
    void silentServerTripsInactivityTimeout();

private:
    std::unique_ptr<TestServer> m_server;
};

void tst_WsProbe::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    const QString error = m_server->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_WsProbe::bothClients_data()
{
    QTest::addColumn<bool>("autoPong");
    QTest::newRow("qwebsocket") << true;
    QTest::newRow("by_hand") << false;
}

void tst_WsProbe::receivesTicks()
{
    QFETCH(bool, autoPong);
    ProbeSettings settings = wsSettings(m_server->url(u"/ws?interval=50&topic=ticks"_s), autoPong);
    settings.maxEvents = 3;
    WsProbe probe(settings);
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(run.kindSequence(), u"request headers message*3 done"_s);
    QCOMPARE(run.ofKind(ObservationKind::Request).first().fields.value(u"url"_s).toString(),
             u"ws://127.0.0.1:%1/ws?interval=50&topic=ticks"_s.arg(m_server->port()));
    QCOMPARE(run.ofKind(ObservationKind::Headers).first().fields.value(u"status"_s).toInt(), 101);
    qint64 total = 0;
    for (const Observation &message : run.ofKind(ObservationKind::Message)) {
        QCOMPARE(messageJson(message).value(u"type"_s).toString(), u"tick"_s);
        QCOMPARE(message.fields.value(u"binary"_s).toBool(), false);
        QCOMPARE(message.bytes, message.fields.value(u"data"_s).toString().toUtf8().size());
        total += message.bytes;
        QCOMPARE(message.total, total);
    }
    const QList<int> seqs{1, 2, 3};
    for (int i = 0; i < 3; ++i) {
        const Observation &message = run.ofKind(ObservationKind::Message).at(i);
        QCOMPARE(messageJson(message).value(u"seq"_s).toInt(), seqs.at(i));
    }
}

void tst_WsProbe::sendsAndGetsTheEcho()
{
    QFETCH(bool, autoPong);
    ProbeSettings settings = wsSettings(m_server->url(u"/ws?topic=echo"_s), autoPong);
    settings.sends = {u"hello"_s, u"wörld ✓"_s};
    settings.maxEvents = 2;
    WsProbe probe(settings);
    const ProbeRun run = runProbe(probe);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(run.kindSequence(), u"request headers sent*2 message*2 done"_s);
    const QList<Observation> sent = run.ofKind(ObservationKind::Sent);
    const QList<Observation> messages = run.ofKind(ObservationKind::Message);
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(sent.at(i).fields.value(u"data"_s).toString(), settings.sends.at(i));
        QCOMPARE(messages.at(i).fields.value(u"data"_s).toString(), settings.sends.at(i));
        QCOMPARE(messages.at(i).bytes, settings.sends.at(i).toUtf8().size());
    }
}

void tst_WsProbe::publishesThroughTheSocket()
{
    QFETCH(bool, autoPong);
    const QString topic = autoPong ? u"pub-q"_s : u"pub-hand"_s;
    ProbeSettings settings = wsSettings(m_server->url(u"/ws?topic="_s + topic), autoPong);
    settings.sends = {u"{\"publish\":\"hi-ws\",\"event\":\"custom\"}"_s};
    settings.maxEvents = 1;
    WsProbe probe(settings);
    const ProbeRun run = runProbe(probe);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(run.count(ObservationKind::Message), 1);
    const QJsonObject message = messageJson(run.ofKind(ObservationKind::Message).first());
    QCOMPARE(message.value(u"type"_s).toString(), u"message"_s);
    QCOMPARE(message.value(u"data"_s).toString(), u"hi-ws"_s);
    QCOMPARE(message.value(u"event"_s).toString(), u"custom"_s);
    QVERIFY(message.value(u"id"_s).toInteger() > 0);
}

void tst_WsProbe::maxEventsClosesTheSessionCleanly()
{
    QFETCH(bool, autoPong);
    QTRY_COMPARE(endpoints::liveWebSocketSessions(), 0);
    ProbeSettings settings = wsSettings(m_server->url(u"/ws?interval=20&topic=max"_s), autoPong);
    settings.maxEvents = 5;
    WsProbe probe(settings);
    QList<Observation> afterDone;
    bool isDone = false;
    connect(&probe, &Probe::observed, this, [&](const Observation &observation) {
        if (isDone)
            afterDone.append(observation);
        isDone = isDone || observation.kind == ObservationKind::Done;
    });
    const ProbeRun run = runProbe(probe);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(run.count(ObservationKind::Message), 5);
    QCOMPARE(run.observations.last().kind, ObservationKind::Done);
    QCOMPARE(run.observations.last().fields.value(u"ok"_s).toBool(), true);
    // Ticks keep coming every 20 ms: nothing is recorded after Done, and the probe's close
    // ends the server's session.
    QTest::qWait(100);
    QVERIFY(afterDone.isEmpty());
    QTRY_COMPARE(endpoints::liveWebSocketSessions(), 0);
}

void tst_WsProbe::pingsMeasureRoundTrips()
{
    QFETCH(bool, autoPong);
    ProbeSettings settings = wsSettings(m_server->url(u"/ws?topic=pings"_s), autoPong);
    settings.pingIntervalMs = 100;
    settings.durationMs = 750;
    WsProbe probe(settings);
    const ProbeRun run = runProbe(probe);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    const QList<Observation> pings = run.ofKind(ObservationKind::Ping);
    const QList<Observation> pongs = run.ofKind(ObservationKind::Pong);
    QVERIFY2(pings.size() >= 4, qPrintable(run.kindSequence()));
    QVERIFY2(pongs.size() >= 3, qPrintable(run.kindSequence()));
    for (const Observation &ping : pings)
        QCOMPARE(ping.fields.value(u"direction"_s).toString(), u"sent"_s);
    for (const Observation &pong : pongs) {
        QVERIFY(pong.fields.contains(u"rtt_ms"_s));
        const double rtt = pong.fields.value(u"rtt_ms"_s).toDouble();
        QVERIFY2(rtt >= 0 && rtt < 500, qPrintable(QString::number(rtt)));
    }
    QCOMPARE(pongs.first().fields.value(u"payload"_s).toString(),
             pings.first().fields.value(u"payload"_s).toString());
}

void tst_WsProbe::unansweredPingsTripTheServersTimeout()
{
    // The server pings every second and closes with 1001 when the previous ping is still
    // unanswered at the next one.
    ProbeSettings settings = wsSettings(m_server->url(u"/ws?ping=1&topic=nopong"_s), false);
    WsProbe probe(settings);
    const ProbeRun run = runProbe(probe, 15000);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    const QList<Observation> pings = run.ofKind(ObservationKind::Ping);
    QVERIFY2(!pings.isEmpty(), qPrintable(run.kindSequence()));
    for (const Observation &ping : pings)
        QCOMPARE(ping.fields.value(u"direction"_s).toString(), u"received"_s);
    QCOMPARE(run.count(ObservationKind::Close), 1);
    const Observation close = run.ofKind(ObservationKind::Close).first();
    QCOMPARE(close.fields.value(u"code"_s).toInt(), 1001);
    QVERIFY(close.fields.value(u"reason"_s).toString().contains(u"no pong"_s));
    QVERIFY2(run.firstError().contains(u"1001"_s), qPrintable(run.firstError()));
    QVERIFY(run.firstError().contains(u"no pong"_s));
}

void tst_WsProbe::qwebsocketAnswersPingsSilently()
{
    // The contrast: QWebSocket answers the same pings unseen, so the server never closes.
    ProbeSettings settings = wsSettings(m_server->url(u"/ws?ping=1&topic=autopong"_s), true);
    settings.durationMs = 3300;
    WsProbe probe(settings);
    const ProbeRun run = runProbe(probe);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(run.count(ObservationKind::Close), 0);
    QCOMPARE(run.count(ObservationKind::Ping), 0);
}

void tst_WsProbe::badParametersCloseWith1008()
{
    QFETCH(bool, autoPong);
    WsProbe probe(wsSettings(m_server->url(u"/ws?interval=abc"_s), autoPong));
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QCOMPARE(run.count(ObservationKind::Close), 1);
    const Observation close = run.ofKind(ObservationKind::Close).first();
    QCOMPARE(close.fields.value(u"code"_s).toInt(), 1008);
    QVERIFY2(close.fields.value(u"reason"_s).toString().contains(u"interval"_s),
             qPrintable(close.fields.value(u"reason"_s).toString()));
    QVERIFY2(run.firstError().contains(u"1008 (policy violation)"_s), qPrintable(run.firstError()));
}

void tst_WsProbe::connectionRefused()
{
    QFETCH(bool, autoPong);
    const QUrl url(u"ws://127.0.0.1:%1/ws"_s.arg(closedPort()));
    WsProbe probe(wsSettings(url, autoPong));
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QVERIFY(!run.firstError().isEmpty());
    QCOMPARE(run.kindSequence(), u"request error done"_s);
    QCOMPARE(probe.errorString(), run.firstError());
}

void tst_WsProbe::fakeServerFramesAndNormalClose()
{
    QFETCH(bool, autoPong);
    RogueServer server([](int, const QByteArray &head) {
        return RogueServer::Script{
            RogueServer::write(switchingProtocols(head) + frame(wsframe::Opcode::Text, "hi")),
            RogueServer::pause(30),
            RogueServer::write(frame(wsframe::Opcode::Binary, "\x01\x02", false)),
            RogueServer::pause(30),
            RogueServer::write(frame(wsframe::Opcode::Continuation, "\x03")
                               + frame(wsframe::Opcode::Close,
                                       wsframe::closePayload(1000, u"bye"_s))),
            RogueServer::pause(200),
            RogueServer::close()};
    });
    QVERIFY(server.listen());
    WsProbe probe(wsSettings(WsProbe::webSocketUrl(server.url(u"/fake"_s)), autoPong));
    const ProbeRun run = runProbe(probe);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(run.kindSequence(), u"request headers message*2 close done"_s);
    const QList<Observation> messages = run.ofKind(ObservationKind::Message);
    QCOMPARE(messages.at(0).fields.value(u"data"_s).toString(), u"hi"_s);
    QCOMPARE(messages.at(1).fields.value(u"binary"_s).toBool(), true);
    QCOMPARE(messages.at(1).fields.value(u"data"_s).toString(), u"AQID"_s); // base64 of 01 02 03
    QCOMPARE(messages.at(1).bytes, 3);
    const Observation close = run.ofKind(ObservationKind::Close).first();
    QCOMPARE(close.fields.value(u"code"_s).toInt(), 1000);
    QCOMPARE(close.fields.value(u"reason"_s).toString(), u"bye"_s);
    QVERIFY(server.requests().first().startsWith("GET /fake HTTP/1.1\r\n"));
}

void tst_WsProbe::closeWithoutCloseFrameFails()
{
    QFETCH(bool, autoPong);
    RogueServer server([](int, const QByteArray &head) {
        return RogueServer::Script{
            RogueServer::write(switchingProtocols(head) + frame(wsframe::Opcode::Text, "hi")),
            RogueServer::pause(50), RogueServer::close()};
    });
    QVERIFY(server.listen());
    WsProbe probe(wsSettings(WsProbe::webSocketUrl(server.url()), autoPong));
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY2(!run.isSuccess, qPrintable(run.kindSequence()));
    QCOMPARE(run.count(ObservationKind::Message), 1);
    QCOMPARE(run.ofKind(ObservationKind::Close).first().fields.value(u"code"_s).toInt(), 1006);
    QVERIFY2(run.firstError().contains(u"without a close frame"_s), qPrintable(run.firstError()));
}

void tst_WsProbe::handshakeErrorsAreNamed_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QString>("error");
    QTest::newRow("wrong_accept")
        << RogueServer::head("101 Switching Protocols", {"Upgrade: websocket", "Connection: Upgrade",
                                                         "Sec-WebSocket-Accept: bogus"})
        << u"Sec-WebSocket-Accept is \"bogus\""_s;
    QTest::newRow("not_101") << RogueServer::head("200 OK", {"Content-Length: 2"}) + "ok"
                             << u"answered 200 OK instead of 101"_s;
    QTest::newRow("not_http") << "SSH-2.0-OpenSSH\r\n"_ba << u"not valid HTTP"_s;
}

void tst_WsProbe::handshakeErrorsAreNamed()
{
    QFETCH(QByteArray, answer);
    QFETCH(QString, error);
    RogueServer server([answer](int, const QByteArray &) {
        return RogueServer::Script{RogueServer::write(answer), RogueServer::hang()};
    });
    QVERIFY(server.listen());
    WsProbe probe(wsSettings(WsProbe::webSocketUrl(server.url()), false));
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QVERIFY2(run.firstError().contains(error), qPrintable(run.firstError()));
    QCOMPARE(run.count(ObservationKind::Headers), 0);
}

void tst_WsProbe::protocolErrorIsNamed()
{
    RogueServer server([](int, const QByteArray &head) {
        return RogueServer::Script{RogueServer::write(switchingProtocols(head) + "\x83\x00"_ba),
                                   RogueServer::hang()};
    });
    QVERIFY(server.listen());
    WsProbe probe(wsSettings(WsProbe::webSocketUrl(server.url()), false));
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QCOMPARE(run.firstError(), u"WebSocket protocol error from the server: reserved opcode 0x3"_s);
}

void tst_WsProbe::qwebsocketHandshakeFailure()
{
    RogueServer server([](int, const QByteArray &) {
        return RogueServer::Script{
            RogueServer::write(RogueServer::head("200 OK", {"Content-Length: 2"}) + "ok"),
            RogueServer::hang()};
    });
    QVERIFY(server.listen());
    WsProbe probe(wsSettings(WsProbe::webSocketUrl(server.url()), true));
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QCOMPARE(run.kindSequence(), u"request error done"_s);
    QVERIFY(!run.firstError().isEmpty());
    qInfo("QWebSocket says: %s", qPrintable(run.firstError()));
}

void tst_WsProbe::silentServerTripsInactivityTimeout()
{
    QFETCH(bool, autoPong);
    RogueServer server([](int, const QByteArray &head) {
        return RogueServer::Script{RogueServer::write(switchingProtocols(head)),
                                   RogueServer::hang()};
    });
    QVERIFY(server.listen());
    ProbeSettings settings = wsSettings(WsProbe::webSocketUrl(server.url()), autoPong);
    settings.timeoutMs = 400;
    WsProbe probe(settings);
    const ProbeRun run = runProbe(probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QCOMPARE(run.count(ObservationKind::Headers), 1);
    QVERIFY2(run.firstError().contains(u"inactivity timeout"_s), qPrintable(run.firstError()));
    const double totalMs = run.observations.last().fields.value(u"total_ms"_s).toDouble();
    QVERIFY2(totalMs >= 390 && totalMs < 5000, qPrintable(QString::number(totalMs)));
}

QTEST_GUILESS_MAIN(tst_WsProbe)
#include "tst_wsprobe.moc"
