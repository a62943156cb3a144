// SPDX-License-Identifier: GPL-3.0-only
// /files over real sockets: validators, conditional GET, single/suffix/open/multipart
// ranges, If-Range, 416, HEAD, path traversal, bounded memory for huge files, and rate.
#include "httprange.h"
#include "rawhttp.h"
#include "testserver.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;

class tst_Files : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void wholeFile();
    void headHasHeadersOnly();
    void singleRanges_data();
    void singleRanges();
    void unsatisfiableRange();
    void malformedRangeGetsWholeFile();
    void multipleRangesAreMultipart();
    void ifRange_data();
    void ifRange();
    void conditionalGet();
    void traversalIsRefused_data();
    void traversalIsRefused();
    void symlinksInsideAndOutside();
    void hugeFileStreamsInBoundedMemory();
    void rateSlowsTheDownload();

private:
    Fetched get(const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers = {});
    RawHttp &rawGet(RawHttp &raw, const QByteArray &target);

    std::unique_ptr<TestServer> m_server;
    QNetworkAccessManager *m_nam = nullptr;
    QByteArray m_data;
    QString m_etag;
    QTemporaryDir m_outside;
};

void tst_Files::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    m_data.resize(100'000);
    for (qsizetype i = 0; i < m_data.size(); ++i)
        m_data[i] = char((i * 7919 + i / 256) & 0xFF);
    m_server->addFile(u"data.bin"_s, m_data);
    m_server->addFile(u"sub/nested.txt"_s, "nested file\n");
    m_server->addFile(u".hidden"_s, "HIDDEN-CONTENT\n");
    QFile secret(m_outside.filePath(u"secret.txt"_s));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write("TOP-SECRET-CONTENT");
    secret.close();
    const QString error = m_server->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_nam = new QNetworkAccessManager(this);
}

void tst_Files::cleanupTestCase()
{
    m_server.reset();
}

Fetched tst_Files::get(const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(m_server->url(path));
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    // QNAM would decompress or cache-validate on its own; ask for the bytes as they are.
    request.setRawHeader("Accept-Encoding", "identity");
    return fetch(*m_nam, request);
}

RawHttp &tst_Files::rawGet(RawHttp &raw, const QByteArray &target)
{
    if (raw.connectTo(m_server->port()))
        raw.get(target);
    return raw;
}

void tst_Files::wholeFile()
{
    const Fetched reply = get(u"/files/data.bin"_s);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, m_data);
    QCOMPARE(reply.header("Content-Length"), QByteArray::number(m_data.size()));
    QCOMPARE(reply.header("Accept-Ranges"), QByteArray("bytes"));
    QVERIFY(QRegularExpression(u"^\"[0-9a-f]+-[0-9a-f]+\"$"_s)
                .match(QString::fromLatin1(reply.header("ETag"))).hasMatch());
    QVERIFY(httprange::parseHttpDate(reply.header("Last-Modified")).has_value());
    QCOMPARE(reply.header("Content-Type"), QByteArray("application/octet-stream"));
    m_etag = QString::fromLatin1(reply.header("ETag"));

    const Fetched nested = get(u"/files/sub/nested.txt"_s);
    QCOMPARE(nested.status, 200);
    QCOMPARE(nested.body, QByteArray("nested file\n"));
    QCOMPARE(nested.header("Content-Type"), QByteArray("text/plain; charset=utf-8"));
}

void tst_Files::headHasHeadersOnly()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.get("/files/data.bin", {}, "HEAD");
    raw.get("/files/sub/nested.txt");  // a body sent for HEAD would corrupt this response
    QVERIFY(raw.waitForResponses(2));
    const httpwire::Response head = raw.responses().at(0);
    QCOMPARE(head.status, 200);
    QCOMPARE(head.value("Content-Length"), QByteArray::number(m_data.size()));
    QCOMPARE(head.value("Accept-Ranges"), QByteArray("bytes"));
    QVERIFY(!head.value("ETag").isEmpty());
    QVERIFY(head.body.isEmpty());
    QCOMPARE(raw.responses().at(1).body, QByteArray("nested file\n"));
    QVERIFY(!raw.hasParseError());
}

void tst_Files::singleRanges_data()
{
    QTest::addColumn<QByteArray>("range");
    QTest::addColumn<qint64>("first");
    QTest::addColumn<qint64>("last");
    QTest::newRow("first_100") << QByteArray("bytes=0-99") << qint64(0) << qint64(99);
    QTest::newRow("middle") << QByteArray("bytes=5000-5009") << qint64(5000) << qint64(5009);
    QTest::newRow("open_ended_resume") << QByteArray("bytes=99000-") << qint64(99000) << qint64(99999);
    QTest::newRow("suffix") << QByteArray("bytes=-500") << qint64(99500) << qint64(99999);
    QTest::newRow("last_beyond_end") << QByteArray("bytes=99990-200000") << qint64(99990) << qint64(99999);
    QTest::newRow("suffix_longer_than_file") << QByteArray("bytes=-1000000") << qint64(0) << qint64(99999);
}

void tst_Files::singleRanges()
{
    QFETCH(QByteArray, range);
    QFETCH(qint64, first);
    QFETCH(qint64, last);
    const Fetched reply = get(u"/files/data.bin"_s, {{"Range", range}});
    QCOMPARE(reply.status, 206);
    QCOMPARE(reply.header("Content-Range"),
             "bytes " + QByteArray::number(first) + '-' + QByteArray::number(last) + "/100000");
    QCOMPARE(reply.header("Content-Length"), QByteArray::number(last - first + 1));
    QCOMPARE(reply.body, m_data.mid(first, last - first + 1));
}

void tst_Files::unsatisfiableRange()
{
    const Fetched reply = get(u"/files/data.bin"_s, {{"Range", "bytes=100000-"}});
    QCOMPARE(reply.status, 416);
    QCOMPARE(reply.header("Content-Range"), QByteArray("bytes */100000"));
    QVERIFY(reply.body.contains("Range"));
}

void tst_Files::malformedRangeGetsWholeFile()
{
    for (const QByteArray &range : {QByteArray("bytes=9-3"), QByteArray("pages=1-2"),
                                   QByteArray("bytes=abc"), QByteArray("bytes=1-2-3")}) {
        const Fetched reply = get(u"/files/data.bin"_s, {{"Range", range}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body, m_data);
    }
}

void tst_Files::multipleRangesAreMultipart()
{
    const Fetched reply = get(u"/files/data.bin"_s, {{"Range", "bytes=0-9, 50000-50004, -3"}});
    QCOMPARE(reply.status, 206);
    const QByteArray type = reply.header("Content-Type");
    QVERIFY2(type.startsWith("multipart/byteranges; boundary="), type.constData());
    const QByteArray boundary = type.mid(type.indexOf('=') + 1);
    QCOMPARE(reply.header("Content-Length"), QByteArray::number(reply.body.size()));
    const QList<std::pair<qint64, qint64>> expected{{0, 9}, {50000, 50004}, {99997, 99999}};
    qsizetype position = 0;
    for (const auto &[first, last] : expected) {
        const QByteArray contentRange = "Content-Range: bytes " + QByteArray::number(first) + '-'
            + QByteArray::number(last) + "/100000\r\n\r\n";
        position = reply.body.indexOf(QByteArray("--" + boundary + "\r\n"), position);
        QVERIFY(position >= 0);
        const qsizetype data = reply.body.indexOf(contentRange, position);
        QVERIFY2(data >= 0, contentRange.constData());
        QCOMPARE(reply.body.mid(data + contentRange.size(), last - first + 1),
                 m_data.mid(first, last - first + 1));
        position = data;
    }
    QVERIFY(reply.body.endsWith(QByteArray("\r\n--" + boundary + "--\r\n")));
}

void tst_Files::ifRange_data()
{
    QTest::addColumn<QByteArray>("ifRange");
    QTest::addColumn<int>("status");
    const QFileInfo info(m_server->filesDir() + u"/data.bin"_s);
    const QByteArray modified = httprange::formatHttpDate(info.lastModified().toUTC());
    QTest::newRow("etag_matches") << QByteArray("MATCH") << 206;
    QTest::newRow("etag_differs") << QByteArray("\"0-0\"") << 200;
    QTest::newRow("weak_etag_never_matches") << QByteArray("W/MATCH") << 200;
    QTest::newRow("date_matches") << modified << 206;
    QTest::newRow("date_older") << QByteArray("Mon, 01 Jan 2001 00:00:00 GMT") << 200;
    QTest::newRow("garbage") << QByteArray("yesterday") << 200;
}

void tst_Files::ifRange()
{
    QFETCH(QByteArray, ifRange);
    QFETCH(int, status);
    QVERIFY(!m_etag.isEmpty());
    ifRange.replace("MATCH", m_etag.toLatin1());
    const Fetched reply = get(u"/files/data.bin"_s, {{"Range", "bytes=10-19"}, {"If-Range", ifRange}});
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.body, status == 206 ? m_data.mid(10, 10) : m_data);
}

void tst_Files::conditionalGet()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.get("/files/data.bin", "If-None-Match: \"nope\", " + m_etag.toLatin1() + "\r\n");
    raw.get("/files/data.bin", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n");
    raw.get("/files/sub/nested.txt");
    QVERIFY(raw.waitForResponses(3));
    for (int i = 0; i < 2; ++i) {
        const httpwire::Response &response = raw.responses().at(i);
        QCOMPARE(response.status, 304);
        QVERIFY(response.body.isEmpty());
        QCOMPARE(response.value("ETag"), m_etag.toLatin1());
    }
    QCOMPARE(raw.responses().at(2).status, 200);
}

void tst_Files::traversalIsRefused_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::newRow("dot_dot") << QByteArray("/files/../") ;
    QTest::newRow("dot_dot_deeper") << QByteArray("/files/sub/../../");
    QTest::newRow("encoded_dots") << QByteArray("/files/%2e%2e/");
    QTest::newRow("encoded_dots_upper") << QByteArray("/files/%2E%2E/");
    QTest::newRow("encoded_slash") << QByteArray("/files/..%2f");
    QTest::newRow("encoded_everything") << QByteArray("/files/%2e%2e%2f%2e%2e%2f");
    QTest::newRow("double_encoded") << QByteArray("/files/%252e%252e/");
    QTest::newRow("backslash") << QByteArray("/files/..%5c");
    QTest::newRow("absolute") << QByteArray("/files//");
    QTest::newRow("absolute_encoded") << QByteArray("/files/%2f");
    QTest::newRow("nul_byte") << QByteArray("/files/data.bin%00");
    QTest::newRow("hidden_file") << QByteArray("/files/.hidden");
    QTest::newRow("directory") << QByteArray("/files/sub");
    QTest::newRow("directory_slash") << QByteArray("/files/sub/");
    QTest::newRow("root_listing") << QByteArray("/files/");
}

void tst_Files::traversalIsRefused()
{
    QFETCH(QByteArray, target);
    // Aim each form at the real secret outside the served folder.
    QByteArray path = target;
    if (path.endsWith('/') || path.endsWith("%2f") || path.endsWith("%5c"))
        path += m_outside.path().toUtf8().mid(1) + "/secret.txt";
    if (target == "/files/sub" || target == "/files/sub/" || target == "/files/")
        path = target;
    RawHttp raw;
    rawGet(raw, path);
    QVERIFY(raw.waitForResponses(1));
    QCOMPARE(raw.responses().first().status, 404);
    QVERIFY(!raw.received().contains("TOP-SECRET"));
    QVERIFY(!raw.received().contains("HIDDEN-CONTENT"));
}

void tst_Files::symlinksInsideAndOutside()
{
    QVERIFY(QFile::link(m_outside.filePath(u"secret.txt"_s),
                        m_server->filesDir() + u"/escape.txt"_s));
    QVERIFY(QFile::link(m_server->filesDir() + u"/sub/nested.txt"_s,
                        m_server->filesDir() + u"/inside.txt"_s));
    const Fetched escape = get(u"/files/escape.txt"_s);
    QCOMPARE(escape.status, 404);
    QVERIFY(!escape.body.contains("TOP-SECRET"));
    const Fetched inside = get(u"/files/inside.txt"_s);
    QCOMPARE(inside.status, 200);
    QCOMPARE(inside.body, QByteArray("nested file\n"));
}

namespace {
qint64 residentKiB()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}
} // namespace

void tst_Files::hugeFileStreamsInBoundedMemory()
{
    // A sparse 4 GiB file: reading it whole would add 4 GiB to this process (the server
    // runs in-process), streaming it keeps the growth to a few MiB.
    const QString path = m_server->filesDir() + u"/huge.bin"_s;
    QFile huge(path);
    QVERIFY(huge.open(QIODevice::WriteOnly));
    const qint64 size = 4LL * 1024 * 1024 * 1024;
    QVERIFY(huge.resize(size));
    QVERIFY(huge.seek(size - 4));
    huge.write("TAIL");
    huge.close();

    const Fetched tail = get(u"/files/huge.bin"_s, {{"Range", "bytes=-6"}});
    QCOMPARE(tail.status, 206);
    QCOMPARE(tail.body, QByteArray("\0\0TAIL", 6));

    const qint64 before = residentKiB();
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.socket().setReadBufferSize(0);
    raw.get("/files/huge.bin");
    QTRY_VERIFY_WITH_TIMEOUT(raw.received().size() > 64 * 1024 * 1024, 30000);
    const qint64 grown = residentKiB() - before - raw.received().size() / 1024;
    QVERIFY2(grown < 256 * 1024, qPrintable(u"server grew by %1 KiB"_s.arg(grown)));
    QVERIFY(raw.received().contains("Content-Length: 4294967296\r\n"));
    raw.socket().abort();
    QFile::remove(path);
}

void tst_Files::rateSlowsTheDownload()
{
    const Fetched limited = get(u"/files/data.bin?rate=200000"_s);
    QCOMPARE(limited.status, 200);
    QCOMPARE(limited.body, m_data);
    // 100 000 bytes at 200 000 B/s: about half a second, never much faster.
    QVERIFY2(limited.finishedMs >= 350, qPrintable(u"took %1 ms"_s.arg(limited.finishedMs)));
    QVERIFY(limited.pieces.size() >= 3);

    const Fetched tooSlow = get(u"/files/data.bin?rate=10"_s);
    QCOMPARE(tooSlow.status, 400);
    QVERIFY(tooSlow.body.startsWith("rate:"));
    const Fetched zero = get(u"/files/data.bin?rate=0"_s);
    QCOMPARE(zero.status, 400);
    QVERIFY(zero.body.startsWith("rate:"));
}

QTEST_GUILESS_MAIN(tst_Files)
#include "tst_files.moc"
