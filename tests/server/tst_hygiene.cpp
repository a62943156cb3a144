// SPDX-License-Identifier: GPL-3.0-only
// What QtHttpServer 6.4 gets wrong and StreamLab must get right, checked byte by byte on a
// raw socket: Connection: close, HTTP/1.0, idle keep-alive connections, Expect:
// 100-continue, 413/414/431, HEAD without a body, a single framing header, pipelining.
#include "rawhttp.h"
#include "testserver.h"

#include <QTest>

using namespace Qt::StringLiterals;

class tst_Hygiene : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void connectionCloseIsHonoured();
    void http10GetsCloseDelimitedStream();
    void http10FixedLengthThenClose();
    void keepAliveReusesTheConnection();
    void pipelinedRequestsAnsweredInOrder();
    void expectContinueIsAnswered();
    void oversizedBodyGets413WithoutContinue();
    void oversizedBodyWithoutExpect();
    void tooManyHeadersGet431();
    void hugeHeaderGets431();
    void longRequestLineGets414();
    void headNeverSendsABody_data();
    void headNeverSendsABody();
    void oneFramingHeaderOnly_data();
    void oneFramingHeaderOnly();
    void idleKeepAliveConnectionIsClosed();
    void activeStreamOutlivesIdleTimeout();
    void incompleteRequestGets408();
    void pipelinedRequestsThenIdleClose();

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestServer> m_idleServer;  // with a short idle timeout
};

void tst_Hygiene::initTestCase()
{
    ServerConfig config;
    config.connection.limits.maxBodyBytes = 64 * 1024;
    m_server = std::make_unique<TestServer>(config);
    QString error = m_server->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_server->addFile(u"small.txt"_s, "small\n");

    ServerConfig idle;
    idle.connection.idleTimeoutMs = 300;
    m_idleServer = std::make_unique<TestServer>(idle);
    error = m_idleServer->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_Hygiene::cleanupTestCase()
{
    m_server.reset();
    m_idleServer.reset();
}

void tst_Hygiene::connectionCloseIsHonoured()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.get("/text?interval=0&chunk=300", "Connection: close\r\n");
    QVERIFY(raw.waitForResponses(1));
    QCOMPARE(raw.responses().first().value("Connection"), QByteArray("close"));
    QVERIFY(raw.waitForClose());
}

void tst_Hygiene::http10GetsCloseDelimitedStream()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.send("GET /text?interval=0&chunk=300 HTTP/1.0\r\n\r\n");
    QVERIFY(raw.waitForClose());
    QCOMPARE(raw.responses().size(), 1);
    const httpwire::Response &response = raw.responses().first();
    QCOMPARE(response.status, 200);
    QVERIFY(!response.isChunked);
    QVERIFY(response.isCloseDelimited);
    QVERIFY(response.value("Transfer-Encoding").isEmpty());
    QCOMPARE(response.value("Connection"), QByteArray("close"));
    QVERIFY(QString::fromUtf8(response.body).contains(u"流"_s));
}

void tst_Hygiene::http10FixedLengthThenClose()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.send("GET /files/small.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    QVERIFY(raw.waitForClose());
    QCOMPARE(raw.responses().size(), 1);
    QCOMPARE(raw.responses().first().value("Content-Length"), QByteArray("6"));
    QCOMPARE(raw.responses().first().body, QByteArray("small\n"));
}

void tst_Hygiene::keepAliveReusesTheConnection()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.get("/files/small.txt");
    QVERIFY(raw.waitForResponses(1));
    raw.get("/text?interval=0&chunk=1000");
    QVERIFY(raw.waitForResponses(2));
    raw.get("/files/small.txt");
    QVERIFY(raw.waitForResponses(3));
    QVERIFY(!raw.isClosed());
    QCOMPARE(raw.responses().at(2).body, QByteArray("small\n"));
}

void tst_Hygiene::pipelinedRequestsAnsweredInOrder()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.send("GET /files/small.txt HTTP/1.1\r\nHost: x\r\n\r\n"
             "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
             "GET /files/small.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    QVERIFY(raw.waitForClose());
    QCOMPARE(raw.responses().size(), 3);
    QCOMPARE(raw.responses().at(0).status, 200);
    QCOMPARE(raw.responses().at(1).status, 404);
    QCOMPARE(raw.responses().at(2).status, 200);
    QCOMPARE(raw.responses().at(2).value("Connection"), QByteArray("close"));
}

void tst_Hygiene::expectContinueIsAnswered()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.send("POST /text HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
             "POST");
    QVERIFY(raw.waitForResponses(1, 3000));
    QCOMPARE(raw.responses().first().status, 100);
    raw.socket().write("hello");
    QVERIFY(raw.waitForResponses(2));
    QCOMPARE(raw.responses().at(1).status, 405);  // /text is GET-only; the body was accepted
}

void tst_Hygiene::oversizedBodyGets413WithoutContinue()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.send("POST /text HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
             "Content-Length: 1000000\r\n\r\n", "POST");
    QVERIFY(raw.waitForResponses(1));
    QCOMPARE(raw.responses().first().status, 413);
    QVERIFY(raw.responses().first().body.contains("1000000"));
    QVERIFY(raw.waitForClose());
}

void tst_Hygiene::oversizedBodyWithoutExpect()
{
    // The client sends its whole body at once; the lingering close must still let it read
    // the 413 instead of a connection reset.
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.send("POST /text HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n"
                 + QByteArray(300000, 'x'),
             "POST");
    QVERIFY(raw.waitForResponses(1));
    QCOMPARE(raw.responses().first().status, 413);
    QVERIFY(raw.waitForClose());
}

void tst_Hygiene::tooManyHeadersGet431()
{
    QByteArray request = "GET / HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 150; ++i)
        request += "X-Field-" + QByteArray::number(i) + ": v\r\n";
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.send(request + "\r\n");
    QVERIFY(raw.waitForResponses(1));
    QCOMPARE(raw.responses().first().status, 431);
    QVERIFY(raw.waitForClose());
}

void tst_Hygiene::hugeHeaderGets431()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.send("GET / HTTP/1.1\r\nHost: x\r\nCookie: " + QByteArray(300 * 1024, 'c') + "\r\n\r\n");
    QVERIFY(raw.waitForResponses(1));
    QCOMPARE(raw.responses().first().status, 431);
}

void tst_Hygiene::longRequestLineGets414()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.send("GET /text?x=" + QByteArray(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY(raw.waitForResponses(1));
    QCOMPARE(raw.responses().first().status, 414);
}

void tst_Hygiene::headNeverSendsABody_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::newRow("index") << QByteArray("/") << 200;
    QTest::newRow("text_stream") << QByteArray("/text?interval=0") << 200;
    QTest::newRow("text_buffered") << QByteArray("/text?mode=buffered&interval=1000") << 200;
    QTest::newRow("image") << QByteArray("/image") << 200;
    QTest::newRow("records") << QByteArray("/records") << 200;
    QTest::newRow("slow_buffered") << QByteArray("/slow?delay=5000") << 200;
    QTest::newRow("slow_chunked") << QByteArray("/slow?delay=5000&mode=chunked") << 200;
    QTest::newRow("file") << QByteArray("/files/small.txt") << 200;
    QTest::newRow("missing") << QByteArray("/missing") << 404;
    QTest::newRow("bad_parameter") << QByteArray("/text?chunk=0") << 400;
}

void tst_Hygiene::headNeverSendsABody()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.get(target, {}, "HEAD");
    raw.get("/files/small.txt");
    QVERIFY(raw.waitForResponses(2, 3000));  // HEAD answers at once, even for slow endpoints
    QCOMPARE(raw.responses().at(0).status, status);
    QVERIFY(raw.responses().at(0).body.isEmpty());
    QCOMPARE(raw.responses().at(1).body, QByteArray("small\n"));
    // The bytes right after the HEAD response's blank line are the next status line.
    const qsizetype end = raw.received().indexOf("\r\n\r\n");
    QVERIFY(raw.received().mid(end + 4).startsWith("HTTP/1.1 200"));
}

void tst_Hygiene::oneFramingHeaderOnly_data()
{
    headNeverSendsABody_data();
}

void tst_Hygiene::oneFramingHeaderOnly()
{
    QFETCH(QByteArray, target);
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.get(target, {}, "HEAD");
    QVERIFY(raw.waitForResponses(1, 3000));
    const QByteArray head = raw.received().left(raw.received().indexOf("\r\n\r\n") + 2).toLower();
    const int lengths = head.count("\r\ncontent-length:");
    const int chunked = head.count("\r\ntransfer-encoding:");
    QVERIFY2(lengths + chunked == 1, head.constData());
}

void tst_Hygiene::idleKeepAliveConnectionIsClosed()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_idleServer->port()));
    raw.get("/");
    QVERIFY(raw.waitForResponses(1));
    QVERIFY(!raw.isClosed());
    QVERIFY(raw.waitForClose(5000));
}

void tst_Hygiene::activeStreamOutlivesIdleTimeout()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_idleServer->port()));
    raw.get("/slow?delay=1200&mode=buffered");
    QVERIFY(raw.waitForResponses(1, 5000));
    QCOMPARE(raw.responses().first().status, 200);
    QVERIFY(raw.responses().first().body.contains("\"delay_ms\":1200"));
}

void tst_Hygiene::incompleteRequestGets408()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_idleServer->port()));
    raw.send("GET / HTTP/1.1\r\nHost: x\r\n");  // never finishes its headers
    QVERIFY(raw.waitForResponses(1, 5000));
    QCOMPARE(raw.responses().first().status, 408);
    QVERIFY(raw.waitForClose());
}

void tst_Hygiene::pipelinedRequestsThenIdleClose()
{
    // Pipelined bytes are seen by the guard once and by Qt's parser once; counting any of
    // them twice would leave phantom requests "in flight" and the connection never idle.
    RawHttp raw;
    QVERIFY(raw.connectTo(m_idleServer->port()));
    raw.send("GET /records?count=1&delay=0 HTTP/1.1\r\nHost: x\r\n\r\n"
             "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
             "GET /api/sendlog HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY(raw.waitForResponses(3));
    QCOMPARE(raw.responses().at(0).status, 200);
    QCOMPARE(raw.responses().at(1).status, 404);
    QCOMPARE(raw.responses().at(2).status, 200);
    QVERIFY(raw.waitForClose(5000));
    QCOMPARE(raw.responses().size(), 3);  // closed quietly: no 408 for a phantom request
}

QTEST_GUILESS_MAIN(tst_Hygiene)
#include "tst_hygiene.moc"
