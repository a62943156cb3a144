// SPDX-License-Identifier: GPL-3.0-only
// The buffered and stream probes over real loopback sockets: when bytes reach each kind of
// client, whether text survives characters cut across reads, and how failures are named.
#include "bodytext.h"
#include "bufferedprobe.h"
#include "probeharness.h"
#include "rogueserver.h"
#include "samples.h"
#include "streamprobe.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

constexpr QChar kReplacement = QChar(0xFFFD);

ProbeSettings settingsFor(const QUrl &url, ProbeMode mode)
{
    ProbeSettings settings;
    settings.mode = mode;
    settings.url = url;
    return settings;
}

std::unique_ptr<Probe> makeProbe(ProbeMode mode, const ProbeSettings &settings)
{
    if (mode == ProbeMode::Buffered)
        return std::make_unique<BufferedProbe>(settings);
    return std::make_unique<StreamProbe>(settings);
}

// ms from the lane's first Request to `observation`.
double msFromStart(const ProbeRun &run, const Observation &observation)
{
    return double(observation.tNs - run.observations.first().tNs) / 1e6;
}

RogueServer::Script closeAfter(const QByteArray &bytes)
{
    return {RogueServer::write(bytes), RogueServer::close()};
}

} // namespace

class tst_HttpProbes : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void textDetection_data();
    void textDetection();
    void streamVersusBuffered();
    void splitBytesCorruptsOnlyTheNaiveText();
    void characterCutAcrossWritesStaysIntact();
    void imageIsNeverDecoded();
    void keepsBodyRecordsBinaryBytes();
    void droppedMidChunkFails_data();
    void droppedMidChunkFails();
    void closedBeforeContentLengthFails_data();
    void closedBeforeContentLengthFails();
    void silenceAfterHeadersTimesOut_data();
    void silenceAfterHeadersTimesOut();
    void noContent_data();
    void noContent();
    void notFoundFailsAfterRecordingTheBody_data();
    void notFoundFailsAfterRecordingTheBody();
    void redirectIsFollowed_data();
    void redirectIsFollowed();
    void connectionRefused_data();
    void connectionRefused();

private:
    void addModes();

    std::unique_ptr<TestServer> m_server;
    Samples m_samples;
};

void tst_HttpProbes::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    const QString error = m_server->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_HttpProbes::cleanupTestCase()
{
    m_server.reset();
}

void tst_HttpProbes::addModes()
{
    QTest::addColumn<ProbeMode>("mode");
    QTest::newRow("stream") << ProbeMode::Stream;
    QTest::newRow("buffered") << ProbeMode::Buffered;
}

void tst_HttpProbes::textDetection_data()
{
    QTest::addColumn<QString>("decoding");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("firstRead");
    QTest::addColumn<bool>("expected");
    const QByteArray han = "\xe6\xb5\x81"; // 流
    QTest::newRow("octet_stream_utf8") << u"auto"_s << QByteArray("application/octet-stream") << QByteArray("ab" + han) << true;
    QTest::newRow("octet_stream_cut_at_end") << u"auto"_s << QByteArray("application/octet-stream") << QByteArray("ab" + han.left(2)) << true;
    QTest::newRow("absent_type_utf8") << u"auto"_s << QByteArray() << QByteArray("hello") << true;
    QTest::newRow("octet_stream_nul") << u"auto"_s << QByteArray("application/octet-stream") << QByteArray("ab\0c", 4) << false;
    QTest::newRow("octet_stream_invalid") << u"auto"_s << QByteArray("application/octet-stream") << QByteArray("ab\xff" "c") << false;
    QTest::newRow("octet_stream_cut_invalid") << u"auto"_s << QByteArray("application/octet-stream") << QByteArray("ab\xe0\x80") << false;
    QTest::newRow("octet_stream_surrogate") << u"auto"_s << QByteArray("application/octet-stream") << QByteArray("\xed\xa0\x80") << false;
    QTest::newRow("text_plain_binary") << u"auto"_s << QByteArray("text/plain; charset=utf-8") << QByteArray("\0\xff", 2) << true;
    QTest::newRow("ndjson") << u"auto"_s << QByteArray("application/x-ndjson") << QByteArray("{}") << true;
    QTest::newRow("event_stream") << u"auto"_s << QByteArray("text/event-stream") << QByteArray(": hb") << true;
    QTest::newRow("svg_xml") << u"auto"_s << QByteArray("image/svg+xml") << QByteArray("<svg/>") << true;
    QTest::newRow("javascript") << u"auto"_s << QByteArray("Application/JavaScript") << QByteArray("x") << true;
    QTest::newRow("png_never") << u"auto"_s << QByteArray("image/png") << QByteArray("hello") << false;
    QTest::newRow("none_never") << u"none"_s << QByteArray("text/plain") << QByteArray("hello") << false;
    QTest::newRow("utf8_always") << u"utf-8"_s << QByteArray("image/png") << QByteArray("\x89PNG") << true;
}

void tst_HttpProbes::textDetection()
{
    QFETCH(QString, decoding);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, firstRead);
    QFETCH(bool, expected);
    const auto parsed = bodytext::decodingFromName(decoding);
    QVERIFY(parsed);
    QCOMPARE(bodytext::shouldDecode(*parsed, contentType, firstRead), expected);
}

// The same paced document, streamed and buffered, read at the same time by the two probes:
// the stream probe sees it piece by piece, the buffered probe all at once at the end.
void tst_HttpProbes::streamVersusBuffered()
{
    const QString query = u"chunk=5&interval=20"_s;
    StreamProbe stream(settingsFor(m_server->url(u"/text?mode=stream&"_s + query), ProbeMode::Stream));
    BufferedProbe buffered(settingsFor(m_server->url(u"/text?mode=buffered&"_s + query), ProbeMode::Buffered));
    ProbeRun streamRun;
    ProbeRun bufferedRun;
    connect(&stream, &Probe::observed, this, [&](const Observation &o) { streamRun.observations.append(o); });
    connect(&buffered, &Probe::observed, this, [&](const Observation &o) { bufferedRun.observations.append(o); });
    QSignalSpy streamDone(&stream, &Probe::finished);
    QSignalSpy bufferedDone(&buffered, &Probe::finished);
    stream.start();
    buffered.start();
    QTRY_VERIFY_WITH_TIMEOUT(!streamDone.isEmpty() && !bufferedDone.isEmpty(), 60000);
    QVERIFY2(streamDone.first().first().toBool(), qPrintable(streamRun.firstError()));
    QVERIFY2(bufferedDone.first().first().toBool(), qPrintable(bufferedRun.firstError()));

    const QString document = QString::fromUtf8(m_samples.text());
    QCOMPARE(streamRun.chunkText(), document);
    QCOMPARE(bufferedRun.chunkText(), document);
    QCOMPARE(bufferedRun.kindSequence(), u"request headers chunk done"_s);
    QCOMPARE(bufferedRun.ofKind(ObservationKind::Chunk).first().bytes, m_samples.text().size());

    // ~405 pieces 20 ms apart (~8 s): on a loaded machine some reads merge, most do not.
    const QList<Observation> chunks = streamRun.ofKind(ObservationKind::Chunk);
    QVERIFY2(chunks.size() >= 50, qPrintable(u"only %1 reads"_s.arg(chunks.size())));
    const double firstStreamMs = msFromStart(streamRun, chunks.first());
    const double lastStreamMs = msFromStart(streamRun, chunks.last());
    const double bufferedMs = msFromStart(bufferedRun, bufferedRun.ofKind(ObservationKind::Chunk).first());
    QVERIFY2(lastStreamMs - firstStreamMs > 3000,
             qPrintable(u"stream reads spread over only %1 ms"_s.arg(lastStreamMs - firstStreamMs)));
    QVERIFY2(bufferedMs > 3000, qPrintable(u"buffered body after %1 ms"_s.arg(bufferedMs)));
    QVERIFY2(firstStreamMs < bufferedMs / 4,
             qPrintable(u"first stream read at %1 ms, buffered body at %2 ms"_s.arg(firstStreamMs).arg(bufferedMs)));
}

// split=bytes cuts pieces through characters: the streaming decoder repairs every cut, the
// per-read decoding (naive_text) shows replacement characters.
void tst_HttpProbes::splitBytesCorruptsOnlyTheNaiveText()
{
    StreamProbe probe(settingsFor(m_server->url(u"/text?mode=stream&split=bytes&chunk=20&interval=10"_s),
                                  ProbeMode::Stream));
    const ProbeRun run = runProbe(probe, 60000);
    QVERIFY(run.isFinished);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(run.chunkText(), QString::fromUtf8(m_samples.text()));
    QVERIFY(!run.chunkText().contains(kReplacement));
    int corrupted = 0;
    for (const Observation &chunk : run.ofKind(ObservationKind::Chunk)) {
        if (chunk.fields.value(u"naive_text"_s).toString().contains(kReplacement))
            ++corrupted;
    }
    QVERIFY2(corrupted > 0, "no read cut a character");
}

void tst_HttpProbes::characterCutAcrossWritesStaysIntact()
{
    const QByteArray body = "abc \xe6\xb5\x81 def";
    RogueServer rogue([&](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::write(RogueServer::head("200 OK", {"Content-Type: text/plain; charset=utf-8",
                                                                "Content-Length: " + QByteArray::number(body.size()),
                                                                "Connection: close"})
                                   + body.left(5)),
                RogueServer::pause(150), RogueServer::write(body.mid(5)), RogueServer::close()};
    });
    QVERIFY(rogue.listen());
    StreamProbe probe(settingsFor(rogue.url(u"/cut"_s), ProbeMode::Stream));
    const ProbeRun run = runProbe(probe);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    const QList<Observation> chunks = run.ofKind(ObservationKind::Chunk);
    QCOMPARE(chunks.size(), 2);
    QCOMPARE(run.chunkText(), u"abc 流 def"_s);
    QCOMPARE(chunks.at(0).fields.value(u"text"_s).toString(), u"abc "_s);
    QCOMPARE(chunks.at(0).bytes, 5);
    QVERIFY(chunks.at(0).fields.value(u"naive_text"_s).toString().contains(kReplacement));
    QCOMPARE(chunks.at(1).fields.value(u"text"_s).toString(), u"流 def"_s);
}

void tst_HttpProbes::imageIsNeverDecoded()
{
    StreamProbe probe(settingsFor(m_server->url(u"/image?interval=0"_s), ProbeMode::Stream));
    const ProbeRun run = runProbe(probe, 30000);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QVERIFY(run.count(ObservationKind::Chunk) > 0);
    for (const Observation &chunk : run.ofKind(ObservationKind::Chunk))
        QVERIFY(!chunk.fields.contains(u"text"_s));
}

void tst_HttpProbes::keepsBodyRecordsBinaryBytes()
{
    // A PNG in three writes 50 ms apart, so that the stream probe sees several reads.
    const ProbeMode mode = ProbeMode::Stream;
    const QByteArray png = m_samples.image();
    const qsizetype third = png.size() / 3;
    RogueServer rogue([&png, third](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::write(RogueServer::head(
                        "200 OK", {"Content-Type: image/png",
                                   "Content-Length: " + QByteArray::number(png.size())})
                                   + png.first(third)),
                RogueServer::pause(50), RogueServer::write(png.mid(third, third)),
                RogueServer::pause(50), RogueServer::write(png.mid(2 * third)),
                RogueServer::hang()};
    });
    QVERIFY(rogue.listen());
    ProbeSettings settings = settingsFor(rogue.url(u"/image"_s), mode);
    settings.keepsBody = true;
    QVERIFY(ProbeSettings::fromJson(settings.toJson()).value().keepsBody);
    QVERIFY(!ProbeSettings().toJson().contains(u"keeps_body"_s));
    const auto probe = makeProbe(mode, settings);
    // Judged by the recorded Done, not by run.isSuccess: on this branch the harness does not
    // see a QNAM probe's finished() against a server that keeps the connection open, and waits
    // out its timeout (imageIsNeverDecoded shows the same).
    const ProbeRun run = runProbe(*probe, 5000);
    QCOMPARE(run.count(ObservationKind::Done), 1);
    QVERIFY2(run.ofKind(ObservationKind::Done).first().fields.value(u"ok"_s).toBool(),
             qPrintable(run.firstError()));
    QByteArray body;
    for (const Observation &chunk : run.ofKind(ObservationKind::Chunk)) {
        QVERIFY(!chunk.fields.contains(u"text"_s));
        const QByteArray bytes =
                QByteArray::fromBase64(chunk.fields.value(u"data_b64"_s).toString().toLatin1());
        QCOMPARE(bytes.size(), chunk.bytes);
        body += bytes;
    }
    QCOMPARE(body, png);
}

void tst_HttpProbes::droppedMidChunkFails_data()
{
    addModes();
}

void tst_HttpProbes::droppedMidChunkFails()
{
    QFETCH(ProbeMode, mode);
    // The cut chunk and the close arrive together: Qt 6.4 then always reports the error. (A
    // close that arrives on its own, after the chunk's bytes were read, is sometimes taken by
    // Qt 6.4 for the end of the body: QNAM reports success and no probe can tell.)
    RogueServer rogue([](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::write(RogueServer::head("200 OK", {"Content-Type: text/plain",
                                                                "Transfer-Encoding: chunked"})
                                   + "5\r\nhello\r\n"),
                RogueServer::pause(100), RogueServer::write("10\r\n0123"), RogueServer::abort()};
    });
    QVERIFY(rogue.listen());
    const auto probe = makeProbe(mode, settingsFor(rogue.url(u"/drop"_s), mode));
    const ProbeRun run = runProbe(*probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    const QString error = run.firstError();
    QVERIFY2(error.contains(rogue.url(u"/drop"_s).toString()), qPrintable(error));
    QVERIFY2(error.contains(u"Error"_s) && error.contains(u"incomplete"_s), qPrintable(error));
    QCOMPARE(run.count(ObservationKind::Headers), 1);
    QCOMPARE(run.observations.last().kind, ObservationKind::Done);
    QCOMPARE(run.observations.last().fields.value(u"ok"_s).toBool(), false);
}

void tst_HttpProbes::closedBeforeContentLengthFails_data()
{
    addModes();
}

// A close that arrives on its own after part of a Content-Length body: Qt 6.4 sometimes reports
// no error; the probe compares the bytes with Content-Length and fails either way.
void tst_HttpProbes::closedBeforeContentLengthFails()
{
    QFETCH(ProbeMode, mode);
    RogueServer rogue([](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::write(RogueServer::head("200 OK", {"Content-Type: text/plain",
                                                                "Content-Length: 100"})
                                   + "0123456789"),
                RogueServer::pause(100), RogueServer::close()};
    });
    QVERIFY(rogue.listen());
    const auto probe = makeProbe(mode, settingsFor(rogue.url(u"/short"_s), mode));
    const ProbeRun run = runProbe(*probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    const QString error = run.firstError();
    QVERIFY2(error.contains(rogue.url(u"/short"_s).toString()), qPrintable(error));
    QVERIFY2(error.contains(u"RemoteHostClosedError"_s) || error.contains(u"10 of the 100 bytes"_s),
             qPrintable(error));
    QCOMPARE(run.chunkText(), u"0123456789"_s);
}

void tst_HttpProbes::silenceAfterHeadersTimesOut_data()
{
    addModes();
}

void tst_HttpProbes::silenceAfterHeadersTimesOut()
{
    QFETCH(ProbeMode, mode);
    RogueServer rogue([](int, const QByteArray &) -> RogueServer::Script {
        return {RogueServer::write(RogueServer::head("200 OK", {"Content-Type: text/plain",
                                                                "Transfer-Encoding: chunked"})),
                RogueServer::hang()};
    });
    QVERIFY(rogue.listen());
    ProbeSettings settings = settingsFor(rogue.url(u"/silent"_s), mode);
    settings.timeoutMs = 500;
    const auto probe = makeProbe(mode, settings);
    QElapsedTimer clock;
    clock.start();
    const ProbeRun run = runProbe(*probe, 20000);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QVERIFY2(clock.elapsed() >= 400 && clock.elapsed() < 10000,
             qPrintable(u"failed after %1 ms"_s.arg(clock.elapsed())));
    QVERIFY2(run.firstError().contains(u"no data for 500 ms (inactivity timeout)"_s),
             qPrintable(run.firstError()));
    QCOMPARE(run.count(ObservationKind::Headers), 1);
}

void tst_HttpProbes::noContent_data()
{
    addModes();
}

void tst_HttpProbes::noContent()
{
    QFETCH(ProbeMode, mode);
    RogueServer rogue([](int, const QByteArray &) {
        return closeAfter(RogueServer::head("204 No Content", {"Connection: close"}));
    });
    QVERIFY(rogue.listen());
    const auto probe = makeProbe(mode, settingsFor(rogue.url(u"/empty"_s), mode));
    const ProbeRun run = runProbe(*probe);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(run.kindSequence(), u"request headers done"_s);
    QCOMPARE(run.ofKind(ObservationKind::Headers).first().fields.value(u"status"_s).toInt(), 204);
}

void tst_HttpProbes::notFoundFailsAfterRecordingTheBody_data()
{
    addModes();
}

void tst_HttpProbes::notFoundFailsAfterRecordingTheBody()
{
    QFETCH(ProbeMode, mode);
    const QUrl url = m_server->url(u"/files/no-such-file.txt"_s);
    const auto probe = makeProbe(mode, settingsFor(url, mode));
    const ProbeRun run = runProbe(*probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QVERIFY2(run.firstError().startsWith(u"HTTP 404 Not Found from "_s + url.toString()),
             qPrintable(run.firstError()));
    QCOMPARE(run.ofKind(ObservationKind::Headers).first().fields.value(u"status"_s).toInt(), 404);
    QVERIFY(run.count(ObservationKind::Chunk) >= 1);
    QVERIFY(run.chunkText().contains(u"not found"_s));
}

void tst_HttpProbes::redirectIsFollowed_data()
{
    addModes();
}

void tst_HttpProbes::redirectIsFollowed()
{
    QFETCH(ProbeMode, mode);
    RogueServer rogue([](int, const QByteArray &head) {
        if (head.startsWith("GET /old "))
            return closeAfter(RogueServer::head("302 Found", {"Location: /new", "Content-Length: 0",
                                                              "Connection: close"}));
        return closeAfter(RogueServer::head("200 OK", {"Content-Type: text/plain", "Content-Length: 5",
                                                       "Connection: close"})
                          + "moved");
    });
    QVERIFY(rogue.listen());
    const auto probe = makeProbe(mode, settingsFor(rogue.url(u"/old"_s), mode));
    const ProbeRun run = runProbe(*probe);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(run.kindSequence(), u"request headers request headers chunk done"_s);
    const QList<Observation> requests = run.ofKind(ObservationKind::Request);
    QCOMPARE(requests.at(0).fields.value(u"url"_s).toString(), rogue.url(u"/old"_s).toString());
    QCOMPARE(requests.at(1).fields.value(u"url"_s).toString(), rogue.url(u"/new"_s).toString());
    QCOMPARE(requests.at(1).exchange, 1);
    const QList<Observation> headers = run.ofKind(ObservationKind::Headers);
    QCOMPARE(headers.at(0).fields.value(u"status"_s).toInt(), 302);
    QCOMPARE(headers.at(0).exchange, 0);
    QCOMPARE(headers.at(1).fields.value(u"status"_s).toInt(), 200);
    QCOMPARE(headers.at(1).exchange, 1);
    QCOMPARE(run.chunkText(), u"moved"_s);
}

void tst_HttpProbes::connectionRefused_data()
{
    addModes();
}

void tst_HttpProbes::connectionRefused()
{
    QFETCH(ProbeMode, mode);
    quint16 port = 0;
    {
        QTcpServer closed; // a port that was free a moment ago and now has no listener
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        port = closed.serverPort();
    }
    const QUrl url(u"http://127.0.0.1:%1/x"_s.arg(port));
    const auto probe = makeProbe(mode, settingsFor(url, mode));
    const ProbeRun run = runProbe(*probe);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QVERIFY2(run.firstError().contains(u"ConnectionRefusedError"_s)
                     && run.firstError().contains(url.toString()),
             qPrintable(run.firstError()));
    QCOMPARE(run.kindSequence(), u"request error done"_s);
}

QTEST_GUILESS_MAIN(tst_HttpProbes)
#include "tst_httpprobes.moc"
