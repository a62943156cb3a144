// SPDX-License-Identifier: GPL-3.0-only
// The runner's lesson controls against the real built-in server: a dropped SSE or long-poll
// connection comes back where it left off (the message published while it was down arrives
// after the reconnection), a WebSocket lane sends a live message and gets the echo, controls a
// lane cannot apply are refused with a reason, and a stopped range download resumes.
#include "monoclock.h"
#include "proberunner.h"
#include "publisher.h"
#include "testserver.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 15000;
constexpr auto kDropped = "connection dropped by the user"_L1;

Lane lane(const QString &name, ProbeMode mode, const QUrl &url)
{
    ProbeSettings settings;
    settings.mode = mode;
    settings.url = url;
    settings.timeoutMs = 20000;
    return Lane{name, settings, {}};
}

using Match = std::function<bool(const Observation &)>;

QList<Observation> matching(const Recording &recording, const Match &match)
{
    QList<Observation> found;
    for (const Observation &observation : recording.observations) {
        if (match(observation))
            found.append(observation);
    }
    return found;
}

Match kindIs(ObservationKind kind, int exchange = -1)
{
    return [kind, exchange](const Observation &observation) {
        return observation.kind == kind && (exchange < 0 || observation.exchange == exchange);
    };
}

Match dataIs(ObservationKind kind, const QString &data)
{
    return [kind, data](const Observation &observation) {
        return observation.kind == kind && observation.fields.value(u"data"_s).toString() == data;
    };
}

bool hasObservation(const ProbeRunner &runner, const Match &match)
{
    return !matching(runner.recording(), match).isEmpty();
}

QByteArray randomBytes(qsizetype size, quint32 seed)
{
    QRandomGenerator generator(seed);
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(generator.bounded(256));
    return bytes;
}

qint64 rangeBytes(const Recording &recording)
{
    qint64 sum = 0;
    for (const Observation &range : matching(recording, kindIs(ObservationKind::Range)))
        sum += range.bytes;
    return sum;
}

QByteArray fileSha256(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex();
}

} // namespace

class tst_RunnerControls : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void droppedSseReconnectsWithLastEventId();
    void droppedPollRetriesFromSince();
    void sendMessageOnWebSocket_data();
    void sendMessageOnWebSocket();
    void controlsALaneCannotApplyAreRefused();
    void stoppedRangeDownloadResumes();

private:
    std::unique_ptr<TestServer> m_server;
};

void tst_RunnerControls::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    QCOMPARE(m_server->start(), QString());
}

void tst_RunnerControls::droppedSseReconnectsWithLastEventId()
{
    // retry=1000: the message below is published well inside the reconnection time.
    Publisher publisher(m_server->url(u"/publish"_s), u"drop-sse"_s);
    ProbeRunner runner;
    QSignalSpy refused(&runner, &ProbeRunner::controlRefused);
    QSignalSpy finished(&runner, &ProbeRunner::finished);
    runner.start({lane(u"sse"_s, ProbeMode::Sse, m_server->url(u"/sse?topic=drop-sse&retry=1000"_s))});
    QTRY_VERIFY_WITH_TIMEOUT(hasObservation(runner, kindIs(ObservationKind::Headers)), kWaitMs);
    const qint64 firstId = publisher.publish(u"before the drop"_s);
    QVERIFY(firstId > 0);
    QTRY_VERIFY_WITH_TIMEOUT(hasObservation(runner, dataIs(ObservationKind::Event,
                                                           u"before the drop"_s)),
                             kWaitMs);

    runner.dropConnection(0);
    QTRY_VERIFY_WITH_TIMEOUT(hasObservation(runner, kindIs(ObservationKind::Reconnect)), kWaitMs);
    const qint64 secondId = publisher.publish(u"while disconnected"_s);
    const qint64 publishedNs = monotonicNowNs();
    QVERIFY(secondId > firstId);
    QTRY_VERIFY_WITH_TIMEOUT(hasObservation(runner, dataIs(ObservationKind::Event,
                                                           u"while disconnected"_s)),
                             kWaitMs);
    runner.stop();
    QVERIFY(finished.wait(kWaitMs));

    const Recording recording = runner.recording();
    QCOMPARE(refused.size(), 0);
    const Observation reconnect = matching(recording, kindIs(ObservationKind::Reconnect)).first();
    QCOMPARE(reconnect.exchange, 0);
    QCOMPARE(reconnect.fields.value(u"delay_ms"_s).toInt(), 1000);
    QCOMPARE(reconnect.fields.value(u"last_event_id"_s).toString(), QString::number(firstId));
    QCOMPARE(reconnect.fields.value(u"error"_s).toString(), QString(kDropped));
    const QList<Observation> requests = matching(recording, kindIs(ObservationKind::Request));
    QCOMPARE(requests.size(), 2);
    // The reconnection waited the retry time, and went out after the message was published:
    // only Last-Event-ID can have brought it (without it the server starts from "now").
    QVERIFY2(requests.at(1).tNs - reconnect.tNs >= 900'000'000LL,
             qPrintable(QString::number((requests.at(1).tNs - reconnect.tNs) / 1'000'000)));
    QVERIFY(requests.at(1).tNs > publishedNs);
    const QList<Observation> replayed =
            matching(recording, dataIs(ObservationKind::Event, u"while disconnected"_s));
    QCOMPARE(replayed.size(), 1);
    QCOMPARE(replayed.first().exchange, 1);
    QCOMPARE(replayed.first().fields.value(u"id"_s).toString(), QString::number(secondId));
    QCOMPARE(matching(recording, dataIs(ObservationKind::Event, u"before the drop"_s)).size(), 1);
    QCOMPARE(matching(recording, kindIs(ObservationKind::Error)).size(), 0);
}

void tst_RunnerControls::droppedPollRetriesFromSince()
{
    Publisher publisher(m_server->url(u"/publish"_s), u"drop-poll"_s);
    ProbeRunner runner;
    QSignalSpy refused(&runner, &ProbeRunner::controlRefused);
    QSignalSpy finished(&runner, &ProbeRunner::finished);
    // Polls from a known id, so the first message cannot slip past a poll not yet held.
    const qint64 warmUpId = publisher.publish(u"warm-up"_s);
    QVERIFY(warmUpId > 0);
    runner.start({lane(u"poll"_s, ProbeMode::Poll,
                       m_server->url(u"/poll?topic=drop-poll&since=%1"_s.arg(warmUpId)))});
    QTRY_VERIFY_WITH_TIMEOUT(hasObservation(runner, kindIs(ObservationKind::Request)), kWaitMs);
    const qint64 firstId = publisher.publish(u"before the drop"_s);
    QVERIFY(firstId > 0);
    // The answer carried the message; the next poll (exchange 1) is out and held.
    QTRY_VERIFY_WITH_TIMEOUT(hasObservation(runner, kindIs(ObservationKind::Request, 1)), kWaitMs);

    runner.dropConnection(0);
    QTRY_VERIFY_WITH_TIMEOUT(hasObservation(runner, kindIs(ObservationKind::Reconnect)), kWaitMs);
    const qint64 secondId = publisher.publish(u"while disconnected"_s);
    const qint64 publishedNs = monotonicNowNs();
    QVERIFY(secondId > firstId);
    QTRY_VERIFY_WITH_TIMEOUT(hasObservation(runner, dataIs(ObservationKind::Event,
                                                           u"while disconnected"_s)),
                             kWaitMs);
    runner.stop();
    QVERIFY(finished.wait(kWaitMs));

    const Recording recording = runner.recording();
    QCOMPARE(refused.size(), 0);
    const Observation reconnect = matching(recording, kindIs(ObservationKind::Reconnect)).first();
    QCOMPARE(reconnect.exchange, 1);
    QCOMPARE(reconnect.fields.value(u"delay_ms"_s).toInt(), 500);
    QCOMPARE(reconnect.fields.value(u"last_event_id"_s).toString(), QString::number(firstId));
    QCOMPARE(reconnect.fields.value(u"error"_s).toString(), QString(kDropped));
    QCOMPARE(matching(recording, kindIs(ObservationKind::Poll, 1)).size(), 0); // it was aborted
    const QList<Observation> retry = matching(recording, kindIs(ObservationKind::Request, 2));
    QCOMPARE(retry.size(), 1);
    QVERIFY(retry.first().tNs > publishedNs);
    QVERIFY2(retry.first().fields.value(u"url"_s).toString().contains(
                     u"since=%1"_s.arg(firstId)),
             qPrintable(retry.first().fields.value(u"url"_s).toString()));
    const QList<Observation> delivered =
            matching(recording, dataIs(ObservationKind::Event, u"while disconnected"_s));
    QCOMPARE(delivered.size(), 1);
    QCOMPARE(delivered.first().exchange, 2);
    QCOMPARE(matching(recording, kindIs(ObservationKind::Error)).size(), 0);
}

void tst_RunnerControls::sendMessageOnWebSocket_data()
{
    QTest::addColumn<bool>("autoPong");
    QTest::newRow("qwebsocket") << true;
    QTest::newRow("hand_driven") << false;
}

void tst_RunnerControls::sendMessageOnWebSocket()
{
    QFETCH(bool, autoPong);
    Lane ws = lane(u"ws"_s, ProbeMode::WebSocket, m_server->url(u"/ws?topic=live-send"_s));
    ws.settings.autoPong = autoPong;
    ProbeRunner runner;
    QSignalSpy refused(&runner, &ProbeRunner::controlRefused);
    QSignalSpy finished(&runner, &ProbeRunner::finished);
    runner.start({ws});
    QTRY_VERIFY_WITH_TIMEOUT(hasObservation(runner, kindIs(ObservationKind::Headers)), kWaitMs);
    const QString text = u"live ✓ %1"_s.arg(autoPong ? u"auto"_s : u"hand"_s);
    runner.sendMessage(0, text);
    QTRY_VERIFY_WITH_TIMEOUT(hasObservation(runner, dataIs(ObservationKind::Message, text)),
                             kWaitMs);
    runner.stop();
    QVERIFY(finished.wait(kWaitMs));

    const Recording recording = runner.recording();
    QCOMPARE(refused.size(), 0);
    const QList<Observation> sent = matching(recording, kindIs(ObservationKind::Sent));
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sent.first().fields.value(u"data"_s).toString(), text);
    QCOMPARE(sent.first().bytes, text.toUtf8().size());
    const Observation echo = matching(recording, dataIs(ObservationKind::Message, text)).first();
    QVERIFY(sent.first().tNs <= echo.tNs);
}

void tst_RunnerControls::controlsALaneCannotApplyAreRefused()
{
    ProbeRunner idle;
    QSignalSpy idleRefused(&idle, &ProbeRunner::controlRefused);
    idle.dropConnection(0);
    QCOMPARE(idleRefused.size(), 1);
    QCOMPARE(idleRefused.first().at(1).toString(), u"no run is in progress"_s);

    ProbeRunner runner;
    QSignalSpy refused(&runner, &ProbeRunner::controlRefused);
    QSignalSpy finished(&runner, &ProbeRunner::finished);
    runner.start({lane(u"buffered"_s, ProbeMode::Buffered,
                       m_server->url(u"/records?count=200&delay=50"_s)),
                  lane(u"ws"_s, ProbeMode::WebSocket, m_server->url(u"/ws?topic=refusals"_s)),
                  lane(u"sse"_s, ProbeMode::Sse, m_server->url(u"/sse?topic=refusals"_s))});
    QTRY_VERIFY_WITH_TIMEOUT(matching(runner.recording(), kindIs(ObservationKind::Headers)).size()
                                     == 3,
                             kWaitMs);
    const auto expectRefusal = [&](int lane, const QString &part) {
        QVERIFY(refused.wait(kWaitMs));
        QCOMPARE(refused.last().at(0).toInt(), lane);
        const QString message = refused.last().at(1).toString();
        QVERIFY2(message.contains(part), qPrintable(message));
    };
    runner.dropConnection(0);
    expectRefusal(0, u"buffered lanes cannot drop their connection"_s);
    runner.sendMessage(0, u"hello"_s);
    expectRefusal(0, u"buffered lanes cannot send messages"_s);
    runner.dropConnection(1);
    expectRefusal(1, u"a WebSocket lane cannot drop its connection"_s);
    runner.sendMessage(2, u"hello"_s);
    expectRefusal(2, u"sse lanes cannot send messages"_s);
    runner.dropConnection(7);
    expectRefusal(7, u"there is no lane 8"_s);
    runner.stop();
    QVERIFY(finished.wait(kWaitMs));
    runner.dropConnection(2);
    expectRefusal(2, u"lane “sse” has finished"_s);
    QCOMPARE(refused.size(), 6);

    const Recording recording = runner.recording();
    QCOMPARE(matching(recording, kindIs(ObservationKind::Sent)).size(), 0);
    QCOMPARE(matching(recording, kindIs(ObservationKind::Reconnect)).size(), 0);
    QCOMPARE(matching(recording, kindIs(ObservationKind::Error)).size(), 0);
}

void tst_RunnerControls::stoppedRangeDownloadResumes()
{
    // 512 KiB at 128 KiB/s: four seconds, stopped after the first 64 KiB.
    const QByteArray content = randomBytes(512 * 1024, 7);
    m_server->addFile(u"slow.bin"_s, content);
    QTemporaryDir out;
    QVERIFY(out.isValid());
    Lane range = lane(u"range"_s, ProbeMode::Range, m_server->url(u"/files/slow.bin?rate=131072"_s));
    range.settings.outputPath = out.filePath(u"slow.bin"_s);
    const QString sidecar = range.settings.outputPath + u".streamlab-partial"_s;

    ProbeRunner runner;
    runner.setJoinsSendLog(false);
    QSignalSpy finished(&runner, &ProbeRunner::finished);
    runner.start({range});
    QTRY_VERIFY_WITH_TIMEOUT(rangeBytes(runner.recording()) >= 64 * 1024, kWaitMs);
    runner.stop();
    QVERIFY(finished.wait(kWaitMs));
    const Recording stopped = runner.recording();
    const QJsonObject stoppedDone = stopped.observations.last().fields;
    QCOMPARE(stopped.observations.last().kind, ObservationKind::Done);
    QCOMPARE(stoppedDone.value(u"ok"_s).toBool(), true);
    QCOMPARE(stoppedDone.value(u"verified"_s).toBool(), false);
    const qint64 firstBytes = rangeBytes(stopped);
    QVERIFY2(firstBytes < content.size(), qPrintable(QString::number(firstBytes)));
    QVERIFY(QFile::exists(sidecar));

    range.settings.resume = true;
    runner.start({range});
    QVERIFY(finished.wait(30000));
    const Recording resumed = runner.recording();
    const QJsonObject done = resumed.observations.last().fields;
    QCOMPARE(resumed.observations.last().kind, ObservationKind::Done);
    QVERIFY2(done.value(u"ok"_s).toBool(), QJsonDocument(done).toJson().constData());
    QCOMPARE(done.value(u"verified"_s).toBool(), true);
    QCOMPARE(matching(resumed, kindIs(ObservationKind::Reconnect)).size(), 0);
    // Only the missing span was asked for: it starts where the first run stopped.
    QCOMPARE(rangeBytes(resumed), content.size() - firstBytes);
    QCOMPARE(matching(resumed, kindIs(ObservationKind::Range)).first().fields.value(u"start"_s)
                     .toInteger(),
             firstBytes);
    QCOMPARE(fileSha256(range.settings.outputPath),
             QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
    QVERIFY(!QFile::exists(sidecar));
}

QTEST_GUILESS_MAIN(tst_RunnerControls)

#include "tst_runnercontrols.moc"
