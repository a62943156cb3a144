// SPDX-License-Identifier: GPL-3.0-only
// The probe runner against the real built-in server: lanes run in a worker thread the test's
// (GUI's) thread cannot block, lanes never queue behind each other, the server's send log is
// joined after the run, and stop() ends a run cleanly.
#include "monoclock.h"
#include "proberunner.h"
#include "summary.h"
#include "testserver.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;

namespace {

Lane lane(const QString &name, ProbeMode mode, const QUrl &url)
{
    ProbeSettings settings;
    settings.mode = mode;
    settings.url = url;
    settings.timeoutMs = 15000;
    return Lane{name, settings, {}};
}

QList<Observation> ofKind(const QList<Observation> &observations, ObservationKind kind)
{
    QList<Observation> matching;
    for (const Observation &observation : observations) {
        if (observation.kind == kind)
            matching.append(observation);
    }
    return matching;
}

} // namespace

class tst_ProbeRunner : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void blockedMainThreadDoesNotShiftArrivals();
    void lanesDoNotQueueBehindEachOther();
    void joinsTheSendLog();
    void stopEndsEveryLane();

private:
    std::unique_ptr<TestServer> m_server;
};

void tst_ProbeRunner::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    QCOMPARE(m_server->start(), QString());
}

void tst_ProbeRunner::blockedMainThreadDoesNotShiftArrivals()
{
    // 40 records 20 ms apart: 800 ms of stream. Block this thread for 300 ms in the middle.
    ProbeRunner runner;
    QSignalSpy finished(&runner, &ProbeRunner::finished);
    runner.start({lane(u"records"_s, ProbeMode::Stream,
                       m_server->url(u"/records?count=40&delay=20"_s))});
    QTRY_VERIFY_WITH_TIMEOUT(ofKind(runner.recording().observations, ObservationKind::Chunk).size()
                                     >= 5,
                             10000);
    const qint64 blockStartNs = monotonicNowNs();
    QThread::msleep(300); // what a busy paint or a modal dialog does to the GUI thread
    const qint64 blockEndNs = monotonicNowNs();
    QVERIFY(finished.wait(15000));

    const Recording recording = runner.recording();
    const QList<Observation> chunks = ofKind(recording.observations, ObservationKind::Chunk);
    QVERIFY2(chunks.size() >= 20, "the records arrived as separate reads");
    // Reads went on being stamped while this thread was blocked…
    int stampedWhileBlocked = 0;
    for (const Observation &chunk : chunks)
        stampedWhileBlocked += chunk.tNs > blockStartNs && chunk.tNs < blockEndNs ? 1 : 0;
    QVERIFY2(stampedWhileBlocked >= 5, qPrintable(QString::number(stampedWhileBlocked)));
    // …so no gap between arrivals comes near the 300 ms block (the server writes every 20 ms),
    for (qsizetype i = 1; i < chunks.size(); ++i) {
        const qint64 gapMs = (chunks.at(i).tNs - chunks.at(i - 1).tNs) / 1'000'000;
        QVERIFY2(gapMs < 200, qPrintable(u"gap of %1 ms before read %2"_s.arg(gapMs).arg(i)));
    }
    // …and each read was stamped soon after the server's write that it completed.
    QList<double> lags;
    for (const Observation &chunk : chunks) {
        QVERIFY2(chunk.fields.contains(u"lag_ms"_s), "the send log was joined");
        lags.append(chunk.fields.value(u"lag_ms"_s).toDouble());
    }
    QVERIFY2(percentile(lags, 100) < 150, qPrintable(QString::number(percentile(lags, 100))));
}

void tst_ProbeRunner::lanesDoNotQueueBehindEachOther()
{
    // Eight 2-second SSE streams to one host. One QNAM would run six and queue two until the
    // first finished; one QNAM per lane runs all eight at once.
    QList<Lane> lanes;
    for (int i = 0; i < 8; ++i) {
        Lane sse = lane(u"sse %1"_s.arg(i), ProbeMode::Sse,
                        m_server->url(u"/sse?interval=100&count=20&topic=queue%1"_s.arg(i)));
        sse.settings.reconnect = false;
        lanes.append(sse);
    }
    ProbeRunner runner;
    QSignalSpy finished(&runner, &ProbeRunner::finished);
    runner.start(lanes);
    QVERIFY(finished.wait(20000));
    const Recording recording = runner.recording();
    const qint64 firstRequestNs =
            ofKind(recording.observations, ObservationKind::Request).first().tNs;
    const QList<Observation> headers = ofKind(recording.observations, ObservationKind::Headers);
    QCOMPARE(headers.size(), 8);
    for (const Observation &header : headers) {
        const qint64 afterMs = (header.tNs - firstRequestNs) / 1'000'000;
        QVERIFY2(afterMs < 1500, qPrintable(u"lane %1 got headers after %2 ms"_s.arg(header.lane)
                                                    .arg(afterMs)));
    }
}

void tst_ProbeRunner::joinsTheSendLog()
{
    ProbeRunner runner;
    QSignalSpy finished(&runner, &ProbeRunner::finished);
    QSignalSpy observed(&runner, &ProbeRunner::observed);
    runner.start({lane(u"stream"_s, ProbeMode::Stream,
                       m_server->url(u"/text?mode=stream&chunk=200&interval=10"_s)),
                  lane(u"buffered"_s, ProbeMode::Buffered,
                       m_server->url(u"/text?mode=buffered&chunk=200&interval=10"_s))},
                 u"join"_s);
    QVERIFY(finished.wait(20000));
    const Recording recording = runner.recording();
    QCOMPARE(recording.title, u"join"_s);
    QCOMPARE(observed.size(), recording.observations.size());
    // 3199 bytes of text in writes of 200 characters each (some take several bytes).
    const qsizetype writes = recording.lanes.at(0).sends.value(0).writes.size();
    QVERIFY2(writes >= 10 && writes <= 16, qPrintable(QString::number(writes)));
    QCOMPARE(recording.lanes.at(0).sends.size(), 1);
    QCOMPARE(recording.lanes.at(1).sends.size(), 1);
    QCOMPARE(recording.lanes.at(1).sends.first().writes.size(), 1); // buffered: one write
    const QList<LaneSummary> rows = summarize(recording);
    QVERIFY(rows.at(0).isSuccess && rows.at(1).isSuccess);
    QCOMPARE(rows.at(0).payloadBytes, rows.at(1).payloadBytes);
    QCOMPARE(rows.at(0).piecesSent, int(writes));
    QVERIFY(rows.at(0).lagP50Ms >= 0);
    // The buffered lane read its one write in one go; the stream lane read each write alone.
    QCOMPARE(rows.at(1).reads, 1);
    QCOMPARE(rows.at(1).coalescedReads, 0);
    QVERIFY(rows.at(0).reads >= int(writes));
    QVERIFY2(rows.at(0).firstByteMs + 50 < rows.at(1).firstByteMs,
             qPrintable(u"stream %1 ms, buffered %2 ms"_s.arg(rows.at(0).firstByteMs)
                                .arg(rows.at(1).firstByteMs)));
}

void tst_ProbeRunner::stopEndsEveryLane()
{
    ProbeRunner runner;
    QSignalSpy finished(&runner, &ProbeRunner::finished);
    QSignalSpy laneFinished(&runner, &ProbeRunner::laneFinished);
    runner.start({lane(u"endless"_s, ProbeMode::Stream, m_server->url(u"/sse?interval=50"_s)),
                  lane(u"slow"_s, ProbeMode::Buffered, m_server->url(u"/slow?delay=60000"_s))});
    QTRY_VERIFY_WITH_TIMEOUT(runner.observationCount() >= 4, 10000);
    QVERIFY(runner.isRunning());
    runner.stop();
    QVERIFY(finished.wait(10000));
    QVERIFY(!runner.isRunning());
    QCOMPARE(laneFinished.size(), 2);
    for (const QList<QVariant> &arguments : laneFinished)
        QVERIFY2(arguments.at(1).toBool(), "a user's stop is a success");
    const QList<Observation> done = ofKind(runner.recording().observations, ObservationKind::Done);
    QCOMPARE(done.size(), 2);
    QTRY_COMPARE(m_server->host().liveStreamCount(), 0); // the server saw both leave
}

QTEST_GUILESS_MAIN(tst_ProbeRunner)
#include "tst_proberunner.moc"
