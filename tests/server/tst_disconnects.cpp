// SPDX-License-Identifier: GPL-3.0-only
// Killing clients mid-stream: every stream object must be freed and every pacing timer
// stopped, and nothing may write to a dead socket. Counted, not guessed.
#include "rawhttp.h"
#include "stream.h"
#include "testserver.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class tst_Disconnects : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void killRawClientsMidStream();
    void abortQnamRepliesMidStream();
    void serverStopWithLiveStreams();

private:
    std::unique_ptr<TestServer> m_server;
};

namespace {
const QByteArray kStreamingTargets[] = {
    "/text?chunk=1&interval=20",
    "/text?mode=buffered&chunk=1&interval=20",
    "/image?chunk=512&interval=20",
    "/records?count=1000&delay=20",
    "/slow?delay=60000&mode=chunked&keepalive=20",
    "/slow?delay=60000&mode=buffered",
    "/files/big.bin?rate=100000",
    "/files/big.bin?rate=20000000",
};
} // namespace

void tst_Disconnects::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    m_server->addFile(u"big.bin"_s, QByteArray(32 * 1024 * 1024, 'b'));
    const QString error = m_server->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_Disconnects::cleanupTestCase()
{
    m_server.reset();
    QCOMPARE(Stream::liveCount(), 0);
    QCOMPARE(Pacer::activeCount(), 0);
}

void tst_Disconnects::killRawClientsMidStream()
{
    constexpr int kClients = 200;
    int peakStreams = 0;
    for (int i = 0; i < kClients; ++i) {
        const QByteArray &target = kStreamingTargets[i % std::size(kStreamingTargets)];
        // Start from zero, so the stream seen below is this client's and nobody else's.
        QTRY_COMPARE_WITH_TIMEOUT(Stream::liveCount(), 0, 5000);
        RawHttp raw;
        QVERIFY(raw.connectTo(m_server->port()));
        raw.get(target);
        // Buffered and slow streams send nothing yet, so count live streams, not bytes.
        QTRY_VERIFY_WITH_TIMEOUT(Stream::liveCount() == 1, 5000);
        // Half of them after the first bytes arrived, half before (buffered ones send none).
        if (i % 2 == 0 && !target.contains("mode=buffered"))
            QTRY_VERIFY_WITH_TIMEOUT(!raw.received().isEmpty(), 5000);
        peakStreams = qMax(peakStreams, Stream::liveCount());
        raw.socket().abort();
    }
    QVERIFY(peakStreams >= 1);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->host().liveStreamCount(), 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(Stream::liveCount(), 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(Pacer::activeCount(), 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->host().connectionCount(), 0, 10000);

    // The server still answers normally afterwards.
    RawHttp after;
    QVERIFY(after.connectTo(m_server->port()));
    after.get("/records?count=2&delay=0");
    QVERIFY(after.waitForResponses(1));
    QCOMPARE(after.responses().first().status, 200);
}

void tst_Disconnects::abortQnamRepliesMidStream()
{
    QNetworkAccessManager nam;
    for (int i = 0; i < 40; ++i) {
        const QByteArray &target = kStreamingTargets[i % std::size(kStreamingTargets)];
        QTRY_COMPARE_WITH_TIMEOUT(Stream::liveCount(), 0, 5000);
        QNetworkReply *reply = nam.get(QNetworkRequest(m_server->url(QString::fromLatin1(target))));
        QTRY_VERIFY_WITH_TIMEOUT(Stream::liveCount() == 1, 5000);
        reply->abort();
        reply->deleteLater();
    }
    QTRY_COMPARE_WITH_TIMEOUT(Stream::liveCount(), 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(Pacer::activeCount(), 0, 10000);
}

void tst_Disconnects::serverStopWithLiveStreams()
{
    TestServer server;
    QVERIFY(server.start().isEmpty());
    RawHttp raw;
    QVERIFY(raw.connectTo(server.port()));
    raw.get("/records?count=1000&delay=20");
    QTRY_VERIFY_WITH_TIMEOUT(raw.received().contains("\"seq\":2"), 5000);
    server.host().stop();
    QCOMPARE(Stream::liveCount(), 0);
    QCOMPARE(Pacer::activeCount(), 0);
    QVERIFY(raw.waitForClose());
}

QTEST_GUILESS_MAIN(tst_Disconnects)
#include "tst_disconnects.moc"
