// SPDX-License-Identifier: GPL-3.0-only
// The shared push encodings (one per message, the same bytes for every subscriber), the
// heartbeat clock, and the server's start-up limits (open files, event dispatcher).
#include "filelimit.h"
#include "heartbeatclock.h"
#include "hub.h"
#include "pushencoding.h"
#include "testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

class tst_PushEncoding : public QObject
{
    Q_OBJECT
private slots:
    void sseEvent_data();
    void sseEvent();
    void pollBodyMatchesQJsonDocument();
    void publishEncodesOnceForEveryone();
    void heartbeatClockKeepsIntervals();
    void serverRaisesFileLimitAndAvoidsGlib();
};

void tst_PushEncoding::sseEvent_data()
{
    QTest::addColumn<qint64>("id");
    QTest::addColumn<QByteArray>("event");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("plain") << qint64(7) << QByteArray("message") << QByteArray("hi")
                           << QByteArray("id: 7\ndata: hi\n\n");
    QTest::newRow("typed_multiline_crlf") << qint64(8) << QByteArray("custom")
                                          << QByteArray("a\r\nb\rc\nd")
                                          << QByteArray("id: 8\nevent: custom\ndata: a\ndata: b\n"
                                                        "data: c\ndata: d\n\n");
    QTest::newRow("no_id_empty_data") << qint64(0) << QByteArray("gap") << QByteArray()
                                      << QByteArray("event: gap\ndata: \n\n");
}

void tst_PushEncoding::sseEvent()
{
    QFETCH(qint64, id);
    QFETCH(QByteArray, event);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, expected);
    QCOMPARE(pushencoding::sseEvent(id, event, data), expected);
    const SharedPiece piece = SharedPiece::from(expected);
    QCOMPARE(piece.payload, expected);
    QCOMPARE(piece.chunk, QByteArray::number(expected.size(), 16) + "\r\n" + expected + "\r\n");
}

void tst_PushEncoding::pollBodyMatchesQJsonDocument()
{
    Hub hub(3);
    QList<HubMessagePtr> published;
    for (int i = 0; i < 5; ++i)
        published.append(hub.publish(u"t"_qs, i % 2 ? "custom" : "message",
                                     "d\"" + QByteArray::number(i) + "\n流"));
    QJsonArray array;
    QList<QByteArray> encoded;
    for (const HubMessagePtr &message : published) {
        array.append(message->toJson());
        encoded.append(message->json);
        QCOMPARE(message->json, QJsonDocument(message->toJson()).toJson(QJsonDocument::Compact));
        QJsonObject ws = message->toJson();
        ws.insert(u"type"_qs, u"message"_qs);
        QCOMPARE(message->wsText,
                 QString::fromUtf8(QJsonDocument(ws).toJson(QJsonDocument::Compact)));
        const QJsonObject alone{{u"messages"_qs, QJsonArray{message->toJson()}},
                                {u"last_id"_qs, message->id}};
        QCOMPARE(message->pollBody, QJsonDocument(alone).toJson(QJsonDocument::Compact));
    }
    const QJsonObject gap{{u"requested"_qs, 1}, {u"first_available"_qs, 3}};
    const QJsonObject reference{{u"messages"_qs, array}, {u"last_id"_qs, 5}, {u"gap"_qs, gap}};
    QCOMPARE(pushencoding::pollBody(encoded, 5, pushencoding::compactJson(gap)),
             QJsonDocument(reference).toJson(QJsonDocument::Compact));
}

void tst_PushEncoding::publishEncodesOnceForEveryone()
{
    // Every subscriber gets the very same bytes: the message's shared buffers, not copies.
    Hub hub(10);
    const HubMessagePtr message = hub.publish(u"t"_qs, "message", "x");
    HubCursor first(&hub, u"t"_qs, 0);
    HubCursor second(&hub, u"t"_qs, 0);
    const HubMessagePtr a = first.next(10).messages.first();
    const HubMessagePtr b = second.next(10).messages.first();
    QCOMPARE(a->sse.chunk.constData(), b->sse.chunk.constData());
    QCOMPARE(a->sse.payload, QByteArray("id: 1\ndata: x\n\n"));
    QCOMPARE(a->sse.chunk, QByteArray("f\r\nid: 1\ndata: x\n\n\r\n"));
}

void tst_PushEncoding::heartbeatClockKeepsIntervals()
{
    HeartbeatClock clock;
    int fast = 0;
    int slow = 0;
    int once = 0;
    HeartbeatClock::Id onceId = 0;
    clock.subscribe(50, [&] { ++fast; });
    const HeartbeatClock::Id slowId = clock.subscribe(100, [&] { ++slow; });
    onceId = clock.subscribe(40, [&] { ++once; clock.unsubscribe(onceId); });
    QCOMPARE(HeartbeatClock::totalSubscriptions(), 3);
    QTest::qWait(530);
    QVERIFY2(fast >= 9 && fast <= 11, qPrintable(QString::number(fast)));
    QVERIFY2(slow >= 4 && slow <= 6, qPrintable(QString::number(slow)));
    QCOMPARE(once, 1);
    clock.unsubscribe(slowId);
    QCOMPARE(clock.subscriptionCount(), 1);
}

void tst_PushEncoding::serverRaisesFileLimitAndAvoidsGlib()
{
    TestServer server;
    QCOMPARE(server.start(), QString());
    const FileLimit limit = currentOpenFileLimit();
    if (limit.hard >= 0)
        QCOMPARE(limit.soft, limit.hard);
    QCOMPARE(server.host().fileLimit().soft, limit.soft);
    QCOMPARE(server.host().eventDispatcherName(), QByteArray("QEventDispatcherUNIX"));
    QVERIFY(!qEnvironmentVariableIsSet("QT_NO_THREADED_GLIB"));
}

QTEST_GUILESS_MAIN(tst_PushEncoding)
#include "tst_pushencoding.moc"
