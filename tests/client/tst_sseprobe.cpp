// SPDX-License-Identifier: GPL-3.0-only
// The EventSource-conformant probe over real loopback sockets: against the built-in /sse
// (ticks, published messages, limits, resume without loss) and against a RogueServer playing
// the cases a browser's EventSource must get right (retry and Last-Event-ID, ids with NUL,
// statuses and MIME types that fail without reconnecting, redirects, BOM and line endings cut
// across reads, silence, an overlong line).
#include "probeharness.h"
#include "publisher.h"
#include "rogueserver.h"
#include "sseprobe.h"
#include "testserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <functional>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

// Generous: a loaded two-core machine must pass.
constexpr int kRunTimeoutMs = 20'000;

// A byte string literal with its embedded NUL bytes kept.
template<qsizetype N>
QByteArray bytes(const char (&literal)[N])
{
    return QByteArray(literal, N - 1);
}

ProbeSettings sseSettings(const QUrl &url)
{
    ProbeSettings settings;
    settings.mode = ProbeMode::Sse;
    settings.url = url;
    return settings;
}

// The value of header `name` in a raw request head, or a null QByteArray when absent.
QByteArray headerOf(const QByteArray &requestHead, const QByteArray &name)
{
    const QList<QByteArray> lines = requestHead.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.sliced(colon + 1).trimmed();
    }
    return {};
}

// Chooses each script by the request's Last-Event-ID (empty when absent). Not by the order
// of connections or requests: QNAM 6.4 may open a spare connection, and may send a GET a
// second time when the server closes the connection right after its answer.
RogueServer::Scripter byLastEventId(std::function<RogueServer::Script(const QByteArray &)> scripter)
{
    return [scripter](int, const QByteArray &head) {
        return scripter(headerOf(head, "Last-Event-ID"));
    };
}

// The Last-Event-ID of each request (an empty string when absent), duplicates folded.
QByteArrayList lastEventIdsSent(const RogueServer &rogue)
{
    QByteArrayList ids;
    for (const QByteArray &head : rogue.requests()) {
        const QByteArray id = headerOf(head, "Last-Event-ID");
        if (ids.isEmpty() || ids.last() != id)
            ids.append(id.isNull() ? QByteArray("") : id);
    }
    return ids;
}

QByteArray streamHead()
{
    return RogueServer::head("200 OK", {"Content-Type: text/event-stream", "Cache-Control: no-cache",
                                        "Connection: close"});
}

// The head, then `body` one byte per write with a pause after each, then a close: every read
// the probe makes is a few bytes at most, so anything can be cut anywhere.
RogueServer::Script trickle(const QByteArray &body)
{
    RogueServer::Script script{RogueServer::write(streamHead())};
    for (const char byte : body)
        script << RogueServer::write(QByteArray(1, byte)) << RogueServer::pause(3);
    script << RogueServer::close();
    return script;
}

// "type|data|id" per Event observation, LF and CR escaped.
QStringList eventsOf(const ProbeRun &run)
{
    QStringList events;
    for (const Observation &event : run.ofKind(ObservationKind::Event)) {
        QString line = event.fields.value(u"type"_s).toString() % u'|'
                + event.fields.value(u"data"_s).toString() % u'|'
                + event.fields.value(u"id"_s).toString();
        events += line.replace(u'\n', u"\\n"_s).replace(u'\r', u"\\r"_s);
    }
    return events;
}

double msBetween(const Observation &from, const Observation &to)
{
    return double(to.tNs - from.tNs) / 1e6;
}

} // namespace

class tst_SseProbe : public QObject
{
    Q_OBJECT

private slots:
    void ticksFromTheBuiltInServer();
    void publishedMessagesArrive();
    void maxEventsStopsWithSuccess();
    void durationStopsWithSuccess();
    void resumesWithoutLossFromTheBuiltInServer();
    void reconnectsAfterRetryWithLastEventId();
    void failsWithoutReconnecting_data();
    void failsWithoutReconnecting();
    void mimeTypeParametersAndCaseAreIgnored();
    void followsRedirects_data();
    void followsRedirects();
    void sendsEventSourceRequestHeaders();
    void bytesCutAcrossReads_data();
    void bytesCutAcrossReads();
    void commentsAreObservedInStreamOrder();
    void streamEndWithoutReconnectSucceeds();
    void silentServerTimesOut();
    void refusedFirstConnectionFails();
    void overlongLineFails();
    void stopCancelsThePendingReconnect();
};

void tst_SseProbe::ticksFromTheBuiltInServer()
{
    TestServer server;
    QCOMPARE(server.start(), QString());
    ProbeSettings settings = sseSettings(server.url(u"/sse?topic=ticks&interval=50&count=5"_s));
    settings.reconnect = false;
    SseProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(run.count(ObservationKind::Request), 1);
    const QList<Observation> headers = run.ofKind(ObservationKind::Headers);
    QCOMPARE(headers.size(), 1);
    QCOMPARE(headers.first().fields.value(u"status"_s).toInt(), 200);
    QVERIFY(headers.first().fields.value(u"headers"_s).toObject().value(u"Content-Type"_s)
                    .toString().startsWith(u"text/event-stream"_s));

    const QList<Observation> events = run.ofKind(ObservationKind::Event);
    QCOMPARE(events.size(), 5);
    qint64 previousId = 0;
    for (int i = 0; i < events.size(); ++i) {
        const QJsonObject fields = events.at(i).fields;
        QCOMPARE(fields.value(u"type"_s).toString(), u"tick"_s);
        const QString data = fields.value(u"data"_s).toString();
        QCOMPARE(events.at(i).bytes, qint64(data.toUtf8().size()));
        QCOMPARE(QJsonDocument::fromJson(data.toUtf8()).object().value(u"seq"_s).toInt(), i + 1);
        const qint64 id = fields.value(u"id"_s).toString().toLongLong();
        QVERIFY2(id > previousId, qPrintable(fields.value(u"id"_s).toString()));
        previousId = id;
    }
    // The chunks carry every byte; the Done observation adds them up.
    qint64 chunkBytes = 0;
    for (const Observation &chunk : run.ofKind(ObservationKind::Chunk))
        chunkBytes += chunk.bytes;
    QVERIFY(chunkBytes > 0);
    QCOMPARE(run.observations.last().kind, ObservationKind::Done);
    QCOMPARE(run.observations.last().bytes, chunkBytes);
}

void tst_SseProbe::publishedMessagesArrive()
{
    TestServer server;
    QCOMPARE(server.start(), QString());
    Publisher publisher(server.url(u"/publish"_s), u"pub"_s);
    const QStringList texts{u"hello world"_s, u"中文 and 😀"_s, u"two\nlines\r\nthree"_s,
                            u"a+b %2B"_s};
    ProbeSettings settings = sseSettings(server.url(u"/sse?topic=pub"_s));
    settings.maxEvents = int(texts.size());
    SseProbe probe(settings);
    // The stream starts from "now": publish once its head is in.
    connect(&probe, &Probe::observed, this, [&](const Observation &observation) {
        if (observation.kind != ObservationKind::Headers)
            return;
        for (const QString &text : texts)
            publisher.enqueue(text);
    });
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QTRY_COMPARE(publisher.pendingCount(), 0);
    const QList<Observation> events = run.ofKind(ObservationKind::Event);
    QCOMPARE(events.size(), texts.size());
    for (int i = 0; i < events.size(); ++i) {
        QCOMPARE(events.at(i).fields.value(u"type"_s).toString(), u"message"_s);
        // The server sends CRLF as a line break: EventSource sees LF.
        QCOMPARE(events.at(i).fields.value(u"data"_s).toString(),
                 QString(texts.at(i)).replace(u"\r\n"_s, u"\n"_s));
        QCOMPARE(events.at(i).fields.value(u"id"_s).toString(),
                 QString::number(publisher.ids().value(i)));
        QCOMPARE(events.at(i).bytes,
                 qint64(events.at(i).fields.value(u"data"_s).toString().toUtf8().size()));
    }
}

void tst_SseProbe::maxEventsStopsWithSuccess()
{
    TestServer server;
    QCOMPARE(server.start(), QString());
    ProbeSettings settings = sseSettings(server.url(u"/sse?topic=max&interval=30"_s));
    settings.maxEvents = 3;
    SseProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(run.count(ObservationKind::Event), 3);
    QCOMPARE(run.count(ObservationKind::Error), 0);
    QCOMPARE(run.observations.last().kind, ObservationKind::Done);
    QTRY_COMPARE_WITH_TIMEOUT(server.host().liveStreamCount(), 0, 10'000);
}

void tst_SseProbe::durationStopsWithSuccess()
{
    TestServer server;
    QCOMPARE(server.start(), QString());
    ProbeSettings settings = sseSettings(server.url(u"/sse?topic=duration&interval=50"_s));
    settings.durationMs = 500;
    SseProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QVERIFY(run.count(ObservationKind::Event) >= 1);
    const double totalMs = run.observations.last().fields.value(u"total_ms"_s).toDouble();
    QVERIFY2(totalMs >= 400 && totalMs < 10'000, qPrintable(QString::number(totalMs)));
    QTRY_COMPARE_WITH_TIMEOUT(server.host().liveStreamCount(), 0, 10'000);
}

// count=3 makes the server end the stream after every three events: the probe reconnects
// with Last-Event-ID each time and the server replays from there. Every id, once, in order.
void tst_SseProbe::resumesWithoutLossFromTheBuiltInServer()
{
    TestServer server;
    QCOMPARE(server.start(), QString());
    Publisher publisher(server.url(u"/publish"_s), u"resume"_s);
    QStringList published;
    for (int i = 0; i < 10; ++i) {
        const qint64 id = publisher.publish(u"m%1"_s.arg(i));
        QVERIFY(id > 0);
        published += QString::number(id);
    }
    ProbeSettings settings =
            sseSettings(server.url(u"/sse?topic=resume&count=3&retry=100&lastEventId=0"_s));
    settings.maxEvents = 10;
    SseProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QStringList ids;
    for (const Observation &event : run.ofKind(ObservationKind::Event))
        ids += event.fields.value(u"id"_s).toString();
    QCOMPARE(ids, published);
    QCOMPARE(run.count(ObservationKind::Request), 4);
    const QList<Observation> reconnects = run.ofKind(ObservationKind::Reconnect);
    QCOMPARE(reconnects.size(), 3);
    for (int i = 0; i < reconnects.size(); ++i) {
        QCOMPARE(reconnects.at(i).fields.value(u"delay_ms"_s).toInt(), 100);
        QCOMPARE(reconnects.at(i).fields.value(u"last_event_id"_s).toString(),
                 published.at(3 * i + 2));
        QVERIFY(!reconnects.at(i).fields.contains(u"error"_s));
    }
}

// Connection 0 sets retry: 200 and ids (one with a NUL, which must be ignored), then closes;
// connection 1 is reset mid-body (a network error after a successful connection also
// reconnects); connection 2 delivers the last event.
void tst_SseProbe::reconnectsAfterRetryWithLastEventId()
{
    RogueServer rogue(byLastEventId([](const QByteArray &lastEventId) -> RogueServer::Script {
        if (lastEventId.isEmpty()) {
            return {RogueServer::write(streamHead()),
                    RogueServer::write(bytes("retry: 200\n\nid: 1\ndata: a\n\nid: 2\0x\n"
                                                       "data: b\n\n")),
                    RogueServer::close()};
        }
        if (lastEventId == "1") {
            return {RogueServer::write(RogueServer::head(
                            "200 OK", {"Content-Type: text/event-stream", "Content-Length: 1000"})),
                    RogueServer::write("id: 3\ndata: c\n\ndata: cut"), RogueServer::pause(50),
                    RogueServer::abort()};
        }
        return {RogueServer::write(streamHead()), RogueServer::write("data: d\n\n"),
                RogueServer::hang()};
    }));
    QVERIFY(rogue.listen());
    ProbeSettings settings = sseSettings(rogue.url(u"/events"_s));
    settings.maxEvents = 4;
    SseProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(eventsOf(run), (QStringList{u"message|a|1"_s, u"message|b|1"_s, u"message|c|3"_s,
                                         u"message|d|3"_s}));
    QCOMPARE(lastEventIdsSent(rogue), (QByteArrayList{"", "1", "3"}));

    const QList<Observation> reconnects = run.ofKind(ObservationKind::Reconnect);
    QCOMPARE(reconnects.size(), 2);
    QCOMPARE(reconnects.at(0).fields.value(u"delay_ms"_s).toInt(), 200);
    QCOMPARE(reconnects.at(0).fields.value(u"last_event_id"_s).toString(), u"1"_s);
    QVERIFY(!reconnects.at(0).fields.contains(u"error"_s)); // a clean end of stream
    QCOMPARE(reconnects.at(1).fields.value(u"last_event_id"_s).toString(), u"3"_s);
    // QNAM calls the cut body a success; the probe names it.
    QVERIFY2(reconnects.at(1).fields.value(u"error"_s).toString().contains(u"closed after 24 of the 1000 bytes"_s),
             qPrintable(reconnects.at(1).fields.value(u"error"_s).toString()));

    const QList<Observation> requestObservations = run.ofKind(ObservationKind::Request);
    QCOMPARE(requestObservations.size(), 3);
    for (int i = 0; i < 2; ++i) {
        const double waitedMs = msBetween(reconnects.at(i), requestObservations.at(i + 1));
        QVERIFY2(waitedMs >= 190 && waitedMs < 5000, qPrintable(QString::number(waitedMs)));
        QCOMPARE(requestObservations.at(i + 1).exchange, i + 1);
    }
}

void tst_SseProbe::failsWithoutReconnecting_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<QString>("expectedError");

    const QByteArray body = "data: never\n\n";
    QTest::newRow("mime_text_plain")
            << RogueServer::head("200 OK", {"Content-Type: text/plain; charset=utf-8",
                                            "Connection: close"}) + body
            << u"MIME type text/plain from"_s;
    QTest::newRow("mime_missing")
            << RogueServer::head("200 OK", {"Connection: close"}) + body
            << u"no Content-Type from"_s;
    QTest::newRow("mime_prefix_only")
            << RogueServer::head("200 OK", {"Content-Type: text/event-streamx", "Connection: close"})
                    + body
            << u"MIME type text/event-streamx from"_s;
    QTest::newRow("status_204")
            << RogueServer::head("204 No Content", {"Content-Type: text/event-stream"})
            << u"HTTP 204 No Content from"_s;
    QTest::newRow("status_500")
            << RogueServer::head("500 Internal Server Error",
                                 {"Content-Type: text/event-stream", "Content-Length: 13"}) + body
            << u"HTTP 500 Internal Server Error from"_s;
    QTest::newRow("status_404")
            << RogueServer::head("404 Not Found", {"Content-Type: text/plain", "Content-Length: 9"})
                    + "not found"
            << u"HTTP 404 Not Found from"_s;
    QTest::newRow("status_201")
            << RogueServer::head("201 Created", {"Content-Type: text/event-stream",
                                                 "Connection: close"}) + body
            << u"HTTP 201 Created from"_s;
}

void tst_SseProbe::failsWithoutReconnecting()
{
    QFETCH(QByteArray, response);
    QFETCH(QString, expectedError);

    RogueServer rogue([response](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::write(response), RogueServer::close()};
    });
    QVERIFY(rogue.listen());
    ProbeSettings settings = sseSettings(rogue.url(u"/events"_s));
    settings.reconnect = true;
    SseProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY(!run.isSuccess);
    QVERIFY2(run.firstError().contains(expectedError), qPrintable(run.firstError()));
    QVERIFY2(run.firstError().contains(rogue.url(u"/events"_s).toString()),
             qPrintable(run.firstError()));
    QCOMPARE(run.count(ObservationKind::Request), 1);
    QCOMPARE(run.count(ObservationKind::Reconnect), 0);
    QCOMPARE(run.count(ObservationKind::Event), 0);
    QCOMPARE(lastEventIdsSent(rogue), QByteArrayList{""});
    QCOMPARE(probe.errorString(), run.firstError());
}

void tst_SseProbe::mimeTypeParametersAndCaseAreIgnored()
{
    RogueServer rogue([](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::write(RogueServer::head(
                        "200 OK", {"Content-Type:  Text/Event-Stream ; charset=UTF-8",
                                   "Connection: close"})),
                RogueServer::write("data: ok\n\n"), RogueServer::close()};
    });
    QVERIFY(rogue.listen());
    ProbeSettings settings = sseSettings(rogue.url(u"/events"_s));
    settings.reconnect = false;
    SseProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(eventsOf(run), QStringList{u"message|ok|"_s});
}

void tst_SseProbe::followsRedirects_data()
{
    QTest::addColumn<QByteArray>("statusLine");
    QTest::newRow("302_found") << QByteArray("302 Found");
    QTest::newRow("307_temporary_redirect") << QByteArray("307 Temporary Redirect");
}

void tst_SseProbe::followsRedirects()
{
    QFETCH(QByteArray, statusLine);

    TestServer server;
    QCOMPARE(server.start(), QString());
    const QByteArray target =
            server.url(u"/sse?topic=redirected&interval=30&count=2"_s).toEncoded();
    RogueServer rogue([statusLine, target](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::write(RogueServer::head(
                        statusLine, {"Location: " + target, "Content-Length: 0"})),
                RogueServer::close()};
    });
    QVERIFY(rogue.listen());
    ProbeSettings settings = sseSettings(rogue.url(u"/moved"_s));
    settings.reconnect = false;
    SseProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(lastEventIdsSent(rogue), QByteArrayList{""});
    QCOMPARE(run.count(ObservationKind::Request), 1);
    const QList<Observation> events = run.ofKind(ObservationKind::Event);
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.first().fields.value(u"type"_s).toString(), u"tick"_s);
    const QList<Observation> headers = run.ofKind(ObservationKind::Headers);
    QVERIFY(!headers.isEmpty());
    QCOMPARE(headers.last().fields.value(u"status"_s).toInt(), 200);
}

void tst_SseProbe::sendsEventSourceRequestHeaders()
{
    RogueServer rogue(byLastEventId([](const QByteArray &lastEventId) -> RogueServer::Script {
        if (lastEventId.isEmpty()) {
            return {RogueServer::write(streamHead()),
                    RogueServer::write("retry: 50\nid: seven \xE4\xB8\x83\ndata: x\n\n"),
                    RogueServer::close()};
        }
        return {RogueServer::write(streamHead()), RogueServer::write("data: y\n\n"),
                RogueServer::hang()};
    }));
    QVERIFY(rogue.listen());
    ProbeSettings settings = sseSettings(rogue.url(u"/events"_s));
    settings.headers = {{"X-Lab", "yes"}};
    settings.maxEvents = 2;
    SseProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(lastEventIdsSent(rogue), (QByteArrayList{"", "seven \xE4\xB8\x83"}));
    for (const QByteArray &request : rogue.requests()) {
        QVERIFY2(request.startsWith("GET /events HTTP/1.1\r\n"), request.constData());
        QCOMPARE(headerOf(request, "Accept"), QByteArray("text/event-stream"));
        QCOMPARE(headerOf(request, "Cache-Control"), QByteArray("no-cache"));
        QCOMPARE(headerOf(request, "X-Lab"), QByteArray("yes"));
    }
}

void tst_SseProbe::bytesCutAcrossReads_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("bom_and_crlf")
            << QByteArray("\xEF\xBB\xBFid: 1\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n")
            << QStringList{u"message|a\\nb|1"_s, u"message|c|1"_s};
    QTest::newRow("cr_only")
            << QByteArray("data: x\revent: e\rdata: y\r\rdata: z\r\r")
            << QStringList{u"e|x\\ny|"_s, u"message|z|"_s};
    QTest::newRow("mixed_endings")
            << QByteArray("data: a\r\n\r\ndata: b\n\rdata: c\r\r\ndata: d\n\n")
            << QStringList{u"message|a|"_s, u"message|b|"_s, u"message|c|"_s,
                           u"message|d|"_s};
    QTest::newRow("utf8_characters_cut")
            << QByteArray("event: \xE4\xB8\xAD\ndata: \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80\n\n")
            << QStringList{u"中|中文 😀|"_s};
    QTest::newRow("bom_only_at_start")
            << QByteArray("\xEF\xBB\xBF" "data: 1\n\n\xEF\xBB\xBF" "data: 2\n\ndata: 3\n\n")
            << QStringList{u"message|1|"_s, u"message|3|"_s};
}

void tst_SseProbe::bytesCutAcrossReads()
{
    QFETCH(QByteArray, body);
    QFETCH(QStringList, expected);

    RogueServer rogue([body](int, const QByteArray &) { return trickle(body); });
    QVERIFY(rogue.listen());
    ProbeSettings settings = sseSettings(rogue.url(u"/events"_s));
    settings.reconnect = false;
    SseProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(eventsOf(run), expected);
    // The bytes did arrive in pieces, and every one was counted.
    QVERIFY2(run.count(ObservationKind::Chunk) > 3,
             qPrintable(QString::number(run.count(ObservationKind::Chunk))));
    QCOMPARE(probe.isSuccess(), true);
    qint64 chunkBytes = 0;
    for (const Observation &chunk : run.ofKind(ObservationKind::Chunk))
        chunkBytes += chunk.bytes;
    QCOMPARE(chunkBytes, qint64(body.size()));
}

void tst_SseProbe::commentsAreObservedInStreamOrder()
{
    RogueServer rogue([](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::write(streamHead()),
                RogueServer::write(": hb\n\n:second\ndata: a\n: in event\n\n:\n\n"),
                RogueServer::close()};
    });
    QVERIFY(rogue.listen());
    ProbeSettings settings = sseSettings(rogue.url(u"/events"_s));
    settings.reconnect = false;
    SseProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QStringList sequence;
    for (const Observation &observation : run.observations) {
        if (observation.kind == ObservationKind::Comment)
            sequence += u"comment:"_s + observation.fields.value(u"text"_s).toString();
        else if (observation.kind == ObservationKind::Event)
            sequence += u"event:"_s + observation.fields.value(u"data"_s).toString();
    }
    QCOMPARE(sequence, (QStringList{u"comment: hb"_s, u"comment:second"_s,
                                    u"comment: in event"_s, u"event:a"_s, u"comment:"_s}));
}

void tst_SseProbe::streamEndWithoutReconnectSucceeds()
{
    RogueServer rogue([](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::write(streamHead()),
                RogueServer::write("retry: 10\nid: 1\ndata: only\n\ndata: incomplete"),
                RogueServer::close()};
    });
    QVERIFY(rogue.listen());
    ProbeSettings settings = sseSettings(rogue.url(u"/events"_s));
    settings.reconnect = false;
    SseProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(eventsOf(run), QStringList{u"message|only|1"_s}); // the incomplete one is dropped
    QCOMPARE(run.count(ObservationKind::Request), 1);
    QCOMPARE(run.count(ObservationKind::Reconnect), 0);
    QCOMPARE(run.count(ObservationKind::Error), 0);
    QCOMPARE(lastEventIdsSent(rogue), QByteArrayList{""});
    QCOMPARE(run.kindSequence().section(u' ', 0, 1), u"request headers"_s);
    QVERIFY(run.kindSequence().endsWith(u"done"_s));
}

void tst_SseProbe::silentServerTimesOut()
{
    RogueServer rogue([](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::write(streamHead()), RogueServer::write(": hello\n\n"),
                RogueServer::hang()};
    });
    QVERIFY(rogue.listen());
    ProbeSettings settings = sseSettings(rogue.url(u"/events"_s));
    settings.timeoutMs = 500;
    SseProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY(!run.isSuccess);
    QVERIFY2(run.firstError().startsWith(u"no data for 500 ms"_s), qPrintable(run.firstError()));
    QCOMPARE(run.count(ObservationKind::Request), 1);
    QCOMPARE(run.count(ObservationKind::Reconnect), 0);
    const double totalMs = run.observations.last().fields.value(u"total_ms"_s).toDouble();
    QVERIFY2(totalMs >= 400 && totalMs < 10'000, qPrintable(QString::number(totalMs)));
}

void tst_SseProbe::refusedFirstConnectionFails()
{
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close();
    SseProbe probe(sseSettings(QUrl(u"http://127.0.0.1:%1/sse"_s.arg(port))));
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY(!run.isSuccess);
    QVERIFY2(run.firstError().contains(u"refused"_s, Qt::CaseInsensitive),
             qPrintable(run.firstError()));
    QCOMPARE(run.count(ObservationKind::Request), 1);
    QCOMPARE(run.count(ObservationKind::Reconnect), 0);
}

// Untrusted input: a line that never ends is cut off at the parser's 1 MiB line limit.
void tst_SseProbe::overlongLineFails()
{
    RogueServer rogue([](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::write(streamHead()),
                RogueServer::write("data: " + QByteArray(1024 * 1024, 'x')), RogueServer::hang()};
    });
    QVERIFY(rogue.listen());
    SseProbe probe(sseSettings(rogue.url(u"/events"_s)));
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY(!run.isSuccess);
    QCOMPARE(run.firstError(), u"line longer than 1048576 bytes"_s);
    QCOMPARE(run.count(ObservationKind::Reconnect), 0);
}

void tst_SseProbe::stopCancelsThePendingReconnect()
{
    RogueServer rogue([](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::write(streamHead()), RogueServer::write("retry: 300\nid: 5\ndata: a\n\n"),
                RogueServer::close()};
    });
    QVERIFY(rogue.listen());
    SseProbe probe(sseSettings(rogue.url(u"/events"_s)));
    QSignalSpy finished(&probe, &Probe::finished);
    QSignalSpy reconnects(&probe, &Probe::observed);
    probe.start();
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(reconnects.cbegin(), reconnects.cend(),
                                         [](const QList<QVariant> &arguments) {
                                             return arguments.first().value<Observation>().kind
                                                     == ObservationKind::Reconnect;
                                         }),
                             kRunTimeoutMs);
    probe.stop();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().first().toBool(), true);
    // Three times the reconnection time passes without a reconnection (Last-Event-ID: 5).
    QSignalSpy requests(&rogue, &RogueServer::requestReceived);
    QVERIFY(!requests.wait(900));
    QCOMPARE(lastEventIdsSent(rogue), QByteArrayList{""});
}

QTEST_GUILESS_MAIN(tst_SseProbe)
#include "tst_sseprobe.moc"
