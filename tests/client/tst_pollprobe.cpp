// SPDX-License-Identifier: GPL-3.0-only
// The long-poll probe over real loopback sockets: against the built-in /poll (every message
// once and in order across polls with `since` advancing, 204 rounds, gap notices) and against
// a RogueServer (error statuses, a connection dropped mid-answer, a non-JSON body, silence).
#include "pollprobe.h"
#include "probeharness.h"
#include "publisher.h"
#include "rogueserver.h"
#include "testserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace {

constexpr int kRunTimeoutMs = 20'000;

ProbeSettings pollSettings(const QUrl &url)
{
    ProbeSettings settings;
    settings.mode = ProbeMode::Poll;
    settings.url = url;
    return settings;
}

QStringList eventIds(const ProbeRun &run, const QString &type = u"message"_s)
{
    QStringList ids;
    for (const Observation &event : run.ofKind(ObservationKind::Event)) {
        if (event.fields.value(u"type"_s).toString() == type)
            ids += event.fields.value(u"id"_s).toString();
    }
    return ids;
}

QStringList asStrings(const QList<qint64> &ids)
{
    QStringList strings;
    for (const qint64 id : ids)
        strings += QString::number(id);
    return strings;
}

QString queryItem(const Observation &request, const QString &name)
{
    const QUrl url(request.fields.value(u"url"_s).toString());
    return QUrlQuery(url).queryItemValue(name);
}

QByteArray jsonAnswer(const QByteArray &body)
{
    return RogueServer::head("200 OK", {"Content-Type: application/json",
                                        "Content-Length: " + QByteArray::number(body.size())})
            + body;
}

// The `since` of a raw request head's request line.
QString sinceOf(const QByteArray &requestHead)
{
    const QByteArray target = requestHead.split(' ').value(1);
    return QUrlQuery(QUrl::fromEncoded("http://x" + target)).queryItemValue(u"since"_s);
}

} // namespace

class tst_PollProbe : public QObject
{
    Q_OBJECT

private slots:
    void messagesInOrderAcrossPolls();
    void noContentPollsAgain();
    void gapBecomesAnEvent();
    void errorStatusFails_data();
    void errorStatusFails();
    void droppedAnswerIsRetriedWithoutLoss();
    void refusedFirstPollFails();
    void nonJsonBodyIsOneMessage();
    void silentServerTimesOut();
};

// Three messages wait before the first poll; five more are published one per completed poll.
// Every id arrives once, in order; each poll asks `since` the last id of the one before, and
// keeps the URL's other parameters.
void tst_PollProbe::messagesInOrderAcrossPolls()
{
    TestServer server;
    QCOMPARE(server.start(), QString());
    Publisher publisher(server.url(u"/publish"_s), u"ordered"_s);
    constexpr int kTotal = 8;
    for (int i = 0; i < 3; ++i)
        QVERIFY(publisher.publish(u"before %1"_s.arg(i)) > 0);
    ProbeSettings settings =
            pollSettings(server.url(u"/poll?topic=ordered&since=0&timeout=10000"_s));
    settings.maxEvents = kTotal;
    PollProbe probe(settings);
    int queued = 3;
    connect(&probe, &Probe::observed, this, [&](const Observation &observation) {
        if (observation.kind == ObservationKind::Poll && queued < kTotal)
            publisher.enqueue(u"during %1"_s.arg(queued++));
    });
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QTRY_COMPARE(publisher.pendingCount(), 0);
    QCOMPARE(publisher.ids().size(), kTotal);
    QCOMPARE(eventIds(run), asStrings(publisher.ids()));
    const QList<Observation> events = run.ofKind(ObservationKind::Event);
    QCOMPARE(events.first().fields.value(u"data"_s).toString(), u"before 0"_s);
    QVERIFY(events.first().fields.value(u"t_server_ns"_s).toInteger() > 0);
    QCOMPARE(events.first().bytes, qint64(8));

    const QList<Observation> requests = run.ofKind(ObservationKind::Request);
    const QList<Observation> polls = run.ofKind(ObservationKind::Poll);
    QVERIFY2(polls.size() >= 2, qPrintable(run.kindSequence()));
    QCOMPARE(queryItem(requests.first(), u"since"_s), u"0"_s);
    int seen = 0;
    for (int i = 0; i + 1 < requests.size() && i < polls.size(); ++i) {
        QCOMPARE(polls.at(i).fields.value(u"status"_s).toInt(), 200);
        seen += polls.at(i).fields.value(u"messages"_s).toInt();
        QCOMPARE(queryItem(requests.at(i + 1), u"since"_s),
                 QString::number(publisher.ids().at(seen - 1)));
        QCOMPARE(queryItem(requests.at(i + 1), u"topic"_s), u"ordered"_s);
        QCOMPARE(queryItem(requests.at(i + 1), u"timeout"_s), u"10000"_s);
        QCOMPARE(requests.at(i + 1).exchange, i + 1);
    }
}

void tst_PollProbe::noContentPollsAgain()
{
    TestServer server;
    QCOMPARE(server.start(), QString());
    Publisher publisher(server.url(u"/publish"_s), u"quiet"_s);
    ProbeSettings settings = pollSettings(server.url(u"/poll?topic=quiet&since=0&timeout=200"_s));
    settings.maxEvents = 1;
    PollProbe probe(settings);
    int emptyPolls = 0;
    connect(&probe, &Probe::observed, this, [&](const Observation &observation) {
        if (observation.kind == ObservationKind::Poll
            && observation.fields.value(u"status"_s).toInt() == 204 && ++emptyPolls == 2) {
            publisher.enqueue(u"late"_s);
        }
    });
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    const QList<Observation> polls = run.ofKind(ObservationKind::Poll);
    QVERIFY2(polls.size() >= 3, qPrintable(run.kindSequence()));
    QCOMPARE(polls.first().fields.value(u"status"_s).toInt(), 204);
    QCOMPARE(polls.first().fields.value(u"messages"_s).toInt(), 0);
    const double firstRtt = polls.first().fields.value(u"rtt_ms"_s).toDouble();
    QVERIFY2(firstRtt >= 150 && firstRtt < 10'000, qPrintable(QString::number(firstRtt)));
    QCOMPARE(polls.last().fields.value(u"status"_s).toInt(), 200);
    const QList<Observation> events = run.ofKind(ObservationKind::Event);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().fields.value(u"data"_s).toString(), u"late"_s);
    QCOMPARE(run.count(ObservationKind::Reconnect), 0);
}

void tst_PollProbe::gapBecomesAnEvent()
{
    ServerConfig config;
    config.retention = 3;
    TestServer server(config);
    QCOMPARE(server.start(), QString());
    Publisher publisher(server.url(u"/publish"_s), u"lossy"_s);
    for (int i = 0; i < 6; ++i)
        QVERIFY(publisher.publish(u"m%1"_s.arg(i)) > 0);
    ProbeSettings settings = pollSettings(server.url(u"/poll?topic=lossy&since=0"_s));
    settings.maxEvents = 4; // the gap notice and the three retained messages
    PollProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    const QList<Observation> events = run.ofKind(ObservationKind::Event);
    QCOMPARE(events.size(), 4);
    QCOMPARE(events.first().fields.value(u"type"_s).toString(), u"gap"_s);
    const QJsonObject gap =
            QJsonDocument::fromJson(events.first().fields.value(u"data"_s).toString().toUtf8())
                    .object();
    QCOMPARE(gap.value(u"first_available"_s).toInteger(), publisher.ids().at(3));
    QCOMPARE(eventIds(run), asStrings(publisher.ids().mid(3)));
    QCOMPARE(run.ofKind(ObservationKind::Poll).first().fields.value(u"messages"_s).toInt(), 3);
}

void tst_PollProbe::errorStatusFails_data()
{
    QTest::addColumn<QByteArray>("statusLine");
    QTest::addColumn<QString>("expected");
    QTest::newRow("500") << QByteArray("500 Internal Server Error")
                         << u"HTTP 500 Internal Server Error from "_s;
    QTest::newRow("404") << QByteArray("404 Not Found") << u"HTTP 404 Not Found from "_s;
    QTest::newRow("403") << QByteArray("403 Forbidden") << u"HTTP 403 Forbidden from "_s;
}

void tst_PollProbe::errorStatusFails()
{
    QFETCH(QByteArray, statusLine);
    QFETCH(QString, expected);

    RogueServer rogue([statusLine](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::write(RogueServer::head(
                        statusLine, {"Content-Type: text/plain", "Content-Length: 4"}) + "oops"),
                RogueServer::close()};
    });
    QVERIFY(rogue.listen());
    const QUrl url = rogue.url(u"/poll?topic=t"_s);
    PollProbe probe(pollSettings(url));
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY(!run.isSuccess);
    QCOMPARE(run.firstError(), expected + url.toString());
    QCOMPARE(run.count(ObservationKind::Request), 1);
    QCOMPARE(run.count(ObservationKind::Reconnect), 0);
    QCOMPARE(run.count(ObservationKind::Event), 0);
}

// The second poll's answer is cut off mid-body: the probe backs off 500 ms and asks the same
// `since` again, so the message in the lost answer still arrives, once.
void tst_PollProbe::droppedAnswerIsRetriedWithoutLoss()
{
    const QByteArray second = R"({"messages":[{"id":2,"event":"message","data":"two"},)"
                              R"({"id":3,"event":"message","data":"three"}],"last_id":3})";
    auto attempts = std::make_shared<int>(0);
    RogueServer rogue([second, attempts](int, const QByteArray &head) -> RogueServer::Script {
        const QString since = sinceOf(head);
        if (since.isEmpty()) {
            return {RogueServer::write(jsonAnswer(
                            R"({"messages":[{"id":1,"event":"message","data":"one"}],"last_id":1})")),
                    RogueServer::close()};
        }
        if (since == u"1" && (*attempts)++ == 0) {
            const QByteArray answer = jsonAnswer(second);
            return {RogueServer::write(answer.first(answer.size() - 20)), RogueServer::pause(30),
                    RogueServer::abort()};
        }
        if (since == u"1")
            return {RogueServer::write(jsonAnswer(second)), RogueServer::close()};
        return {RogueServer::hang()};
    });
    QVERIFY(rogue.listen());
    ProbeSettings settings = pollSettings(rogue.url(u"/poll?topic=t"_s));
    settings.maxEvents = 3;
    PollProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(eventIds(run), (QStringList{u"1"_s, u"2"_s, u"3"_s}));
    const QList<Observation> reconnects = run.ofKind(ObservationKind::Reconnect);
    QCOMPARE(reconnects.size(), 1);
    QCOMPARE(reconnects.first().fields.value(u"delay_ms"_s).toInt(), 500);
    QCOMPARE(reconnects.first().fields.value(u"last_event_id"_s).toString(), u"1"_s);
    // "Connection closed" from QNAM, or the probe's own "closed after N of the M bytes" when
    // QNAM takes the cut body for a whole one.
    QVERIFY2(reconnects.first().fields.value(u"error"_s).toString().contains(u"closed"_s),
             qPrintable(reconnects.first().fields.value(u"error"_s).toString()));
    const QList<Observation> requests = run.ofKind(ObservationKind::Request);
    QCOMPARE(requests.size(), 3);
    QCOMPARE(queryItem(requests.at(1), u"since"_s), u"1"_s);
    QCOMPARE(queryItem(requests.at(2), u"since"_s), u"1"_s);
    const double waitedMs = double(requests.at(2).tNs - reconnects.first().tNs) / 1e6;
    QVERIFY2(waitedMs >= 450 && waitedMs < 10'000, qPrintable(QString::number(waitedMs)));
}

void tst_PollProbe::refusedFirstPollFails()
{
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close();
    PollProbe probe(pollSettings(QUrl(u"http://127.0.0.1:%1/poll"_s.arg(port))));
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY(!run.isSuccess);
    QVERIFY2(run.firstError().contains(u"refused"_s, Qt::CaseInsensitive),
             qPrintable(run.firstError()));
    QCOMPARE(run.count(ObservationKind::Request), 1);
    QCOMPARE(run.count(ObservationKind::Reconnect), 0);
}

void tst_PollProbe::nonJsonBodyIsOneMessage()
{
    RogueServer rogue([](int, const QByteArray &) -> RogueServer::Script {
        const QByteArray body = "hello\n{\"messages\"";
        return {RogueServer::write(RogueServer::head(
                        "200 OK", {"Content-Type: text/plain",
                                   "Content-Length: " + QByteArray::number(body.size())})),
                RogueServer::write(body), RogueServer::close()};
    });
    QVERIFY(rogue.listen());
    ProbeSettings settings = pollSettings(rogue.url(u"/poll?since=7"_s));
    settings.maxEvents = 1;
    PollProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    const QList<Observation> events = run.ofKind(ObservationKind::Event);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().fields.value(u"type"_s).toString(), u"message"_s);
    QCOMPARE(events.first().fields.value(u"data"_s).toString(), u"hello\n{\"messages\""_s);
    QCOMPARE(queryItem(run.ofKind(ObservationKind::Request).first(), u"since"_s), u"7"_s);
    QCOMPARE(run.kindSequence().section(u' ', 0, 1), u"request headers"_s);
}

// A long poll is silent by design, so the transfer timeout is timeoutMs plus a 5 s margin.
void tst_PollProbe::silentServerTimesOut()
{
    RogueServer rogue([](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::hang()};
    });
    QVERIFY(rogue.listen());
    ProbeSettings settings = pollSettings(rogue.url(u"/poll"_s));
    settings.timeoutMs = 200;
    PollProbe probe(settings);
    const ProbeRun run = runProbe(probe, kRunTimeoutMs);

    QVERIFY2(run.isFinished, qPrintable(run.kindSequence()));
    QVERIFY(!run.isSuccess);
    QVERIFY2(run.firstError().startsWith(u"no data for 5200 ms"_s), qPrintable(run.firstError()));
    const double totalMs = run.observations.last().fields.value(u"total_ms"_s).toDouble();
    // QNAM's transfer timer is coarse (about 5 % early); far above 200 ms all the same.
    QVERIFY2(totalMs >= 4000 && totalMs < 15'000, qPrintable(QString::number(totalMs)));
    QCOMPARE(run.count(ObservationKind::Request), 1);
}

QTEST_GUILESS_MAIN(tst_PollProbe)
#include "tst_pollprobe.moc"
