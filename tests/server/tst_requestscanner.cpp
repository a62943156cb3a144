// SPDX-License-Identifier: GPL-3.0-only
#include "requestscanner.h"

#include <QTest>

class tst_RequestScanner : public QObject
{
    Q_OBJECT
private slots:
    void rejects_data();
    void rejects();
    void heads_data();
    void heads();
    void splitAtEveryByte();
    void pipelinedRequestsWithBodies();
    void chunkedBodyLimit();
    void upgradeStopsScanning();
};

namespace {
const QByteArray kHost = "Host: x\r\n";

QList<ScanEvent> feedAll(RequestScanner &scanner, const QByteArray &bytes)
{
    return scanner.feed(bytes);
}
} // namespace

void tst_RequestScanner::rejects_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("mentions");

    QTest::newRow("request_line_too_long")
        << QByteArray("GET /" + QByteArray(9000, 'a') + " HTTP/1.1\r\n") << 414
        << QByteArray("request line");
    QTest::newRow("headers_too_large")
        << QByteArray("GET / HTTP/1.1\r\nX-Big: " + QByteArray(40000, 'b') + "\r\n\r\n") << 431
        << QByteArray("header");
    QByteArray many = "GET / HTTP/1.1\r\n" + kHost;
    for (int i = 0; i < 101; ++i)
        many += "X-" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("too_many_header_fields") << QByteArray(many + "\r\n") << 431
                                            << QByteArray("header fields");
    QTest::newRow("body_over_limit")
        << QByteArray("POST /p HTTP/1.1\r\n" + kHost + "Content-Length: 2000000\r\n\r\n") << 413
        << QByteArray("2000000");
    QTest::newRow("missing_host_http11") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400
                                         << QByteArray("Host");
    QTest::newRow("http2_version") << QByteArray("GET / HTTP/2.0\r\n" + kHost + "\r\n") << 505
                                   << QByteArray("2.0");
    QTest::newRow("garbage_version") << QByteArray("GET / HTCPCP/1.0\r\n\r\n") << 400
                                     << QByteArray("version");
    QTest::newRow("two_spaces_in_request_line") << QByteArray("GET  / HTTP/1.1\r\n") << 400
                                                << QByteArray("request line");
    QTest::newRow("header_without_colon")
        << QByteArray("GET / HTTP/1.1\r\n" + kHost + "NoColonHere\r\n\r\n") << 400
        << QByteArray("header line");
    QTest::newRow("space_before_colon")
        << QByteArray("GET / HTTP/1.1\r\n" + kHost + "Bad : v\r\n\r\n") << 400
        << QByteArray("header line");
    QTest::newRow("obsolete_line_folding")
        << QByteArray("GET / HTTP/1.1\r\n" + kHost + "X-A: 1\r\n  folded\r\n\r\n") << 400
        << QByteArray("folding");
    QTest::newRow("conflicting_content_length")
        << QByteArray("POST / HTTP/1.1\r\n" + kHost + "Content-Length: 0\r\nContent-Length: 5\r\n\r\n")
        << 400 << QByteArray("Content-Length");
    QTest::newRow("negative_content_length")
        << QByteArray("POST / HTTP/1.1\r\n" + kHost + "Content-Length: -1\r\n\r\n") << 400
        << QByteArray("Content-Length");
    QTest::newRow("te_and_cl_smuggling")
        << QByteArray("POST / HTTP/1.1\r\n" + kHost
                      + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n")
        << 400 << QByteArray("both");
    QTest::newRow("unsupported_transfer_coding")
        << QByteArray("POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: gzip\r\n\r\n") << 501
        << QByteArray("gzip");
    QTest::newRow("unknown_expectation")
        << QByteArray("POST / HTTP/1.1\r\n" + kHost + "Expect: teapot\r\nContent-Length: 1\r\n\r\n")
        << 417 << QByteArray("100-continue");
    QTest::newRow("bad_chunk_size")
        << QByteArray("POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: chunked\r\n\r\nzz\r\n")
        << 400 << QByteArray("chunk size");
    QTest::newRow("chunk_data_without_crlf")
        << QByteArray("POST / HTTP/1.1\r\n" + kHost
                      + "Transfer-Encoding: chunked\r\n\r\n2\r\nabXY\r\n")
        << 400 << QByteArray("CRLF");
}

void tst_RequestScanner::rejects()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QByteArray, mentions);
    RequestScanner scanner;
    const QList<ScanEvent> events = feedAll(scanner, request);
    QVERIFY(!events.isEmpty());
    QCOMPARE(events.last().kind, ScanEvent::Kind::Reject);
    QCOMPARE(events.last().status, status);
    QVERIFY2(events.last().message.contains(mentions), events.last().message.constData());
    QVERIFY(scanner.isStopped());
    QVERIFY(scanner.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n").isEmpty());
}

void tst_RequestScanner::heads_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("minor");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<bool>("expectsContinue");
    QTest::addColumn<qint64>("contentLength");

    QTest::newRow("http11_default_keepalive")
        << QByteArray("GET /a HTTP/1.1\r\n" + kHost + "\r\n") << 1 << true << false << qint64(0);
    QTest::newRow("http11_connection_close")
        << QByteArray("GET /a HTTP/1.1\r\n" + kHost + "Connection: keep-alive, Close\r\n\r\n")
        << 1 << false << false << qint64(0);
    QTest::newRow("http10_closes_without_host")
        << QByteArray("GET /a HTTP/1.0\r\n\r\n") << 0 << false << false << qint64(0);
    QTest::newRow("http10_keepalive_still_closes")
        << QByteArray("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << 0 << false << false
        << qint64(0);
    QTest::newRow("expect_continue_with_body")
        << QByteArray("POST /p HTTP/1.1\r\n" + kHost + "Expect: 100-Continue\r\nContent-Length: 3\r\n\r\n")
        << 1 << true << true << qint64(3);
    QTest::newRow("expect_continue_without_body")
        << QByteArray("POST /p HTTP/1.1\r\n" + kHost + "Expect: 100-continue\r\n\r\n") << 1 << true
        << false << qint64(0);
    QTest::newRow("chunked_body") << QByteArray("POST /p HTTP/1.1\r\n" + kHost
                                                + "Transfer-Encoding: chunked\r\n\r\n")
                                  << 1 << true << false << qint64(-1);
    QTest::newRow("bare_lf_line_endings") << QByteArray("GET / HTTP/1.1\nHost: x\n\n") << 1 << true
                                          << false << qint64(0);
    QTest::newRow("leading_empty_line_ignored")
        << QByteArray("\r\nGET / HTTP/1.1\r\n" + kHost + "\r\n") << 1 << true << false << qint64(0);
    QTest::newRow("repeated_equal_content_length")
        << QByteArray("POST / HTTP/1.1\r\n" + kHost + "Content-Length: 7, 7\r\n\r\n") << 1 << true
        << false << qint64(7);
}

void tst_RequestScanner::heads()
{
    QFETCH(QByteArray, request);
    QFETCH(int, minor);
    QFETCH(bool, keepAlive);
    QFETCH(bool, expectsContinue);
    QFETCH(qint64, contentLength);
    RequestScanner scanner;
    const QList<ScanEvent> events = scanner.feed(request);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].kind, ScanEvent::Kind::Head);
    const RequestHead &head = events[0].head;
    QCOMPARE(head.minorVersion, minor);
    QCOMPARE(head.keepAlive, keepAlive);
    QCOMPARE(head.expectsContinue, expectsContinue);
    QCOMPARE(head.contentLength, contentLength);
    QCOMPARE(scanner.isIdle(), contentLength == 0);
}

void tst_RequestScanner::splitAtEveryByte()
{
    const QByteArray two = "POST /one?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                           "GET /two HTTP/1.1\r\nHost: x\r\n\r\n";
    RequestScanner scanner;
    QList<ScanEvent> events;
    for (char c : two)
        events += scanner.feed(QByteArrayView(&c, 1));
    QCOMPARE(events.size(), 2);
    QCOMPARE(events[0].head.method, QByteArray("POST"));
    QCOMPARE(events[0].head.target, QByteArray("/one?x=1"));
    QCOMPARE(events[1].head.target, QByteArray("/two"));
    QVERIFY(scanner.isIdle());
}

void tst_RequestScanner::pipelinedRequestsWithBodies()
{
    const QByteArray bytes =
        "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3;ext=1\r\nabc\r\n0\r\nTrailer-Field: t\r\n\r\n"
        "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok"
        "GET /c HTTP/1.1\r\nHost: x\r\n\r\n";
    RequestScanner scanner;
    const QList<ScanEvent> events = scanner.feed(bytes);
    QCOMPARE(events.size(), 3);
    QCOMPARE(events[0].head.target, QByteArray("/a"));
    QCOMPARE(events[1].head.target, QByteArray("/b"));
    QCOMPARE(events[2].head.target, QByteArray("/c"));
    QVERIFY(scanner.isIdle());
}

void tst_RequestScanner::chunkedBodyLimit()
{
    ScanLimits limits;
    limits.maxBodyBytes = 10;
    RequestScanner scanner(limits);
    QList<ScanEvent> events =
        scanner.feed("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n");
    QCOMPARE(events.size(), 1);
    events = scanner.feed("8\r\n");
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].status, 413);
}

void tst_RequestScanner::upgradeStopsScanning()
{
    RequestScanner scanner;
    const QList<ScanEvent> events = scanner.feed(
        "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
        "\x81\x85 binary frame bytes that are not HTTP");
    QCOMPARE(events.size(), 1);
    QVERIFY(events[0].head.isUpgrade);
    QVERIFY(scanner.feed("more frames").isEmpty());
}

QTEST_GUILESS_MAIN(tst_RequestScanner)
#include "tst_requestscanner.moc"
