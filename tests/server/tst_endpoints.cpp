// SPDX-License-Identifier: GPL-3.0-only
// Every HTTP endpoint over real sockets: status, headers and exact body bytes; streaming
// against buffering; records; /slow against a read timeout; bad input; the send log.
#include "rawhttp.h"
#include "samples.h"
#include "sendlog.h"
#include "testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;

class tst_Endpoints : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void indexPage();
    void corsOnEveryResponse_data();
    void corsOnEveryResponse();
    void preflight();
    void wrongMethodGets405();
    void unknownPathGets404();

    void textStreamedExactBytes();
    void textStreamingVersusBuffered();
    void textSplitBytesCutsCharacters();
    void textContentType();
    void imageIsTheInterlacedPng_data();
    void imageIsTheInterlacedPng();
    void recordsNdjson();
    void recordsJsonArray();
    void recordsEachRecordIsOneChunk();
    void slowChunkedSurvivesReadTimeout();
    void slowBufferedHitsReadTimeout();
    void badParameters_data();
    void badParameters();
    void sendLogJoinsWrites();
    void busyMainThreadCannotDelayWrites();

private:
    Fetched get(const QString &pathAndQuery, int timeoutMs = 15000);

    std::unique_ptr<TestServer> m_server;
    QNetworkAccessManager *m_nam = nullptr;
    Samples m_samples;
};

void tst_Endpoints::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    const QString error = m_server->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_nam = new QNetworkAccessManager(this);
}

void tst_Endpoints::cleanupTestCase()
{
    m_server.reset();
}

Fetched tst_Endpoints::get(const QString &pathAndQuery, int timeoutMs)
{
    return fetch(*m_nam, QNetworkRequest(m_server->url(pathAndQuery)), timeoutMs);
}

void tst_Endpoints::indexPage()
{
    const Fetched page = get(u"/"_s);
    QCOMPARE(page.status, 200);
    QCOMPARE(page.header("Content-Type"), QByteArray("text/html; charset=utf-8"));
    for (const char *mention : {"/text", "/image", "/records", "/slow", "/files/", "curl"})
        QVERIFY2(page.body.contains(mention), mention);
    QVERIFY(page.body.contains("TextDecoder"));
    QVERIFY(page.body.contains("onprogress"));
}

void tst_Endpoints::corsOnEveryResponse_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::newRow("index") << u"/"_s << 200;
    QTest::newRow("text") << u"/text?interval=0&chunk=500"_s << 200;
    QTest::newRow("records") << u"/records?count=2&delay=0"_s << 200;
    QTest::newRow("bad_parameter") << u"/text?chunk=0"_s << 400;
    QTest::newRow("missing") << u"/no/such/thing"_s << 404;
    QTest::newRow("missing_file") << u"/files/none.bin"_s << 404;
    QTest::newRow("sendlog_list") << u"/api/sendlog"_s << 200;
}

void tst_Endpoints::corsOnEveryResponse()
{
    QFETCH(QString, path);
    QFETCH(int, status);
    const Fetched reply = get(path);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("Access-Control-Allow-Origin"), QByteArray("*"));
    QVERIFY(reply.header("Access-Control-Expose-Headers").contains("X-StreamLab-Id"));
}

void tst_Endpoints::preflight()
{
    QNetworkRequest request(m_server->url(u"/files/x.bin"_s));
    request.setRawHeader("Origin", "http://teaching.example");
    request.setRawHeader("Access-Control-Request-Method", "GET");
    request.setRawHeader("Access-Control-Request-Headers", "range, if-range");
    const Fetched reply = fetch(*m_nam, request, 5000, "OPTIONS");
    QCOMPARE(reply.status, 204);
    QCOMPARE(reply.header("Access-Control-Allow-Origin"), QByteArray("*"));
    QVERIFY(reply.header("Access-Control-Allow-Methods").contains("GET"));
    QVERIFY(reply.header("Access-Control-Allow-Methods").contains("HEAD"));
    QCOMPARE(reply.header("Access-Control-Allow-Headers"), QByteArray("range, if-range"));
    QVERIFY(reply.body.isEmpty());
}

void tst_Endpoints::wrongMethodGets405()
{
    const Fetched reply = fetch(*m_nam, QNetworkRequest(m_server->url(u"/text"_s)), 5000,
                                "DELETE");
    QCOMPARE(reply.status, 405);
    QCOMPARE(reply.header("Allow"), QByteArray("GET, HEAD, OPTIONS"));
    QVERIFY(reply.body.contains("DELETE"));
}

void tst_Endpoints::unknownPathGets404()
{
    const Fetched reply = get(u"/nowhere"_s);
    QCOMPARE(reply.status, 404);
    QVERIFY(reply.body.contains("/nowhere"));
}

void tst_Endpoints::textStreamedExactBytes()
{
    const Fetched reply = get(u"/text?mode=stream&chunk=40&interval=0"_s);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Transfer-Encoding"), QByteArray("chunked"));
    QCOMPARE(reply.header("Content-Type"), QByteArray("application/octet-stream"));
    QCOMPARE(reply.body, m_samples.text());
    QVERIFY(QString::fromUtf8(m_samples.text()).contains(u"流"_s));
}

void tst_Endpoints::textStreamingVersusBuffered()
{
    // Ten pieces 100 ms apart: streamed, the first bytes come ≥ 500 ms before the last;
    // buffered, nothing (not even the headers) comes before the whole 900 ms have passed.
    const qsizetype characters = QString::fromUtf8(m_samples.text()).toUcs4().size();
    const qsizetype chunk = (characters + 9) / 10;
    const QString query = u"chunk=%1&interval=100"_s.arg(chunk);

    const Fetched streamed = get(u"/text?mode=stream&"_s + query);
    QCOMPARE(streamed.status, 200);
    QCOMPARE(streamed.body, m_samples.text());
    QVERIFY2(streamed.pieces.size() >= 2, "streamed text arrived in one piece");
    const qint64 spread = streamed.pieceMs.last() - streamed.pieceMs.first();
    QVERIFY2(spread >= 500, qPrintable(u"first-to-last spread only %1 ms"_s.arg(spread)));

    const Fetched buffered = get(u"/text?mode=buffered&"_s + query);
    QCOMPARE(buffered.status, 200);
    QCOMPARE(buffered.body, m_samples.text());
    QCOMPARE(buffered.header("Content-Length"), QByteArray::number(m_samples.text().size()));
    QVERIFY(buffered.header("Transfer-Encoding").isEmpty());
    QVERIFY2(buffered.headersMs >= 850, qPrintable(u"headers after %1 ms"_s.arg(buffered.headersMs)));
    QVERIFY2(buffered.pieceMs.first() >= 850,
             qPrintable(u"first byte after %1 ms"_s.arg(buffered.pieceMs.first())));
}

void tst_Endpoints::textSplitBytesCutsCharacters()
{
    const Fetched reply = get(u"/text?split=bytes&chunk=7&interval=0"_s);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, m_samples.text());
    // Judge the cuts by the server's own send log: decoding each write on its own (as the
    // tutorial's C# reader does) must corrupt characters, while the whole decodes cleanly.
    const qint64 id = reply.header("X-StreamLab-Id").toLongLong();
    QVERIFY(id > 0);
    const Fetched log = get(u"/api/sendlog?id=%1"_s.arg(id));
    const QJsonArray writes = QJsonDocument::fromJson(log.body).object().value(u"writes"_s).toArray();
    QCOMPARE(writes.size(), (m_samples.text().size() + 6) / 7);
    int broken = 0;
    for (qsizetype i = 0; i < writes.size(); ++i) {
        const QJsonObject object = writes[i].toObject();
        const QByteArray piece = m_samples.text().mid(object.value(u"offset"_s).toInteger(),
                                                      object.value(u"bytes"_s).toInteger());
        if (i + 1 < writes.size())
            QCOMPARE(piece.size(), 7);
        broken += QString::fromUtf8(piece).contains(QChar::ReplacementCharacter) ? 1 : 0;
    }
    QVERIFY2(broken > 10, qPrintable(u"only %1 pieces cut a character"_s.arg(broken)));
    QVERIFY(!QString::fromUtf8(reply.body).contains(QChar::ReplacementCharacter));

    // split=chars never cuts a character.
    const Fetched chars = get(u"/text?split=chars&chunk=7&interval=0"_s);
    const qint64 charsId = chars.header("X-StreamLab-Id").toLongLong();
    const QJsonArray charWrites = QJsonDocument::fromJson(get(u"/api/sendlog?id=%1"_s.arg(charsId)).body)
                                      .object().value(u"writes"_s).toArray();
    QVERIFY(charWrites.size() > 1);
    for (qsizetype i = 0; i < charWrites.size(); ++i) {
        const QByteArray piece = m_samples.text().mid(charWrites[i][u"offset"_s].toInteger(),
                                                      charWrites[i][u"bytes"_s].toInteger());
        const QString decoded = QString::fromUtf8(piece);
        QVERIFY(!decoded.contains(QChar::ReplacementCharacter));
        if (i + 1 < charWrites.size())
            QCOMPARE(decoded.toUcs4().size(), 7);
    }
}

void tst_Endpoints::textContentType()
{
    const Fetched reply = get(u"/text?interval=0&chunk=1000&type=text/plain;%20charset=utf-8"_s);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Content-Type"), QByteArray("text/plain; charset=utf-8"));
}

void tst_Endpoints::imageIsTheInterlacedPng_data()
{
    QTest::addColumn<QString>("mode");
    QTest::newRow("stream") << u"stream"_s;
    QTest::newRow("buffered") << u"buffered"_s;
}

void tst_Endpoints::imageIsTheInterlacedPng()
{
    QFETCH(QString, mode);
    const Fetched reply = get(u"/image?interval=0&chunk=65536&mode="_s + mode);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Content-Type"), QByteArray("image/png"));
    QCOMPARE(reply.body, m_samples.image());
    QVERIFY(reply.body.size() > 100 * 1024);
    QCOMPARE(reply.body.at(28), char(1));  // IHDR interlace method: Adam7
}

void tst_Endpoints::recordsNdjson()
{
    const Fetched reply = get(u"/records?count=5&delay=30&format=ndjson"_s);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Content-Type"), QByteArray("application/x-ndjson"));
    const QList<QByteArray> lines = reply.body.trimmed().split('\n');
    QCOMPARE(lines.size(), 5);
    qint64 previousNs = 0;
    for (int i = 0; i < lines.size(); ++i) {
        QJsonParseError error;
        const QJsonObject record = QJsonDocument::fromJson(lines[i], &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(record.value(u"seq"_s).toInteger(), i + 1);
        QCOMPARE(record.value(u"of"_s).toInteger(), 5);
        const qint64 sentNs = record.value(u"t_server_ns"_s).toInteger();
        QVERIFY(sentNs > previousNs);
        previousNs = sentNs;
    }
}

void tst_Endpoints::recordsJsonArray()
{
    const Fetched reply = get(u"/records?count=4&delay=0&format=json-array"_s);
    QCOMPARE(reply.status, 200);
    QJsonParseError error;
    const QJsonArray array = QJsonDocument::fromJson(reply.body, &error).array();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(array.size(), 4);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(array[i][u"seq"_s].toInteger(), i + 1);
}

void tst_Endpoints::recordsEachRecordIsOneChunk()
{
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.get("/records?count=3&delay=20&format=json-array");
    QVERIFY(raw.waitForResponses(1));
    const httpwire::Response &response = raw.responses().first();
    QVERIFY(response.isChunked);
    QCOMPARE(response.chunkSizes.size(), 3);
    QVERIFY(response.body.startsWith("[\n{"));
    QVERIFY(response.body.endsWith("}\n]\n"));
}

void tst_Endpoints::slowChunkedSurvivesReadTimeout()
{
    QNetworkRequest request(m_server->url(u"/slow?delay=1500&mode=chunked&keepalive=200"_s));
    request.setTransferTimeout(700);
    const Fetched reply = fetch(*m_nam, request);
    QCOMPARE(reply.error, QNetworkReply::NoError);
    QCOMPARE(reply.status, 200);
    const QJsonObject body = QJsonDocument::fromJson(reply.body).object();
    QCOMPARE(body.value(u"delay_ms"_s).toInt(), 1500);
    QVERIFY(body.value(u"keepalives"_s).toInt() >= 5);
}

void tst_Endpoints::slowBufferedHitsReadTimeout()
{
    QNetworkRequest request(m_server->url(u"/slow?delay=1500&mode=buffered"_s));
    request.setTransferTimeout(700);
    const Fetched reply = fetch(*m_nam, request);
    // Qt 6.4 reports an expired transfer timeout as OperationCanceledError, later versions
    // as TimeoutError.
    QVERIFY2(reply.error == QNetworkReply::OperationCanceledError
                 || reply.error == QNetworkReply::TimeoutError,
             qPrintable(reply.errorString));
    QVERIFY(reply.finishedMs < 1400);
}

void tst_Endpoints::badParameters_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("names");
    QTest::newRow("chunk_zero") << u"/text?chunk=0"_s << QByteArray("chunk: must be an integer from 1 to 1048576");
    QTest::newRow("chunk_not_number") << u"/text?chunk=abc"_s << QByteArray("chunk:");
    QTest::newRow("chunk_huge") << u"/text?chunk=99999999999999999999"_s << QByteArray("chunk:");
    QTest::newRow("chunk_twice") << u"/text?chunk=5&chunk=6"_s << QByteArray("chunk: given 2 times");
    QTest::newRow("interval_negative") << u"/text?interval=-1"_s << QByteArray("interval: must be an integer from 0 to 60000");
    QTest::newRow("interval_over_60s") << u"/text?interval=60001"_s << QByteArray("interval:");
    QTest::newRow("interval_hex") << u"/text?interval=0x10"_s << QByteArray("interval:");
    QTest::newRow("mode_unknown") << u"/text?mode=fast"_s << QByteArray("mode: must be one of stream|buffered");
    QTest::newRow("split_unknown") << u"/text?split=words"_s << QByteArray("split:");
    QTest::newRow("type_with_crlf") << u"/text?type=text/plain%0D%0AX-Evil:%201"_s << QByteArray("type:");
    QTest::newRow("type_not_media_type") << u"/text?type=hello"_s << QByteArray("type:");
    QTest::newRow("text_too_long_overall") << u"/text?chunk=1&interval=60000"_s << QByteArray("interval:");
    QTest::newRow("image_chunk_zero") << u"/image?chunk=0"_s << QByteArray("chunk:");
    QTest::newRow("image_too_long_overall") << u"/image?chunk=1&interval=10"_s << QByteArray("interval:");
    QTest::newRow("records_count_zero") << u"/records?count=0"_s << QByteArray("count: must be an integer from 1 to 1000000");
    QTest::newRow("records_count_over") << u"/records?count=1000001"_s << QByteArray("count:");
    QTest::newRow("records_delay_text") << u"/records?delay=soon"_s << QByteArray("delay:");
    QTest::newRow("records_format") << u"/records?format=xml"_s << QByteArray("format: must be one of ndjson|json-array");
    QTest::newRow("records_too_long_overall") << u"/records?count=100000&delay=100"_s << QByteArray("delay:");
    QTest::newRow("slow_delay_over") << u"/slow?delay=600001"_s << QByteArray("delay: must be an integer from 0 to 600000");
    QTest::newRow("slow_keepalive_zero") << u"/slow?keepalive=0"_s << QByteArray("keepalive:");
    QTest::newRow("slow_mode") << u"/slow?mode=stream"_s << QByteArray("mode: must be one of buffered|chunked");
    QTest::newRow("sendlog_id") << u"/api/sendlog?id=abc"_s << QByteArray("id:");
}

void tst_Endpoints::badParameters()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, names);
    const Fetched reply = get(path);
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.header("Content-Type").startsWith("text/plain"));
    QVERIFY2(reply.body.contains(names), reply.body.constData());
}

void tst_Endpoints::sendLogJoinsWrites()
{
    const Fetched reply = get(u"/text?chunk=100&interval=10"_s);
    QCOMPARE(reply.status, 200);
    const qint64 id = reply.header("X-StreamLab-Id").toLongLong();
    QVERIFY(id > 0);
    const Fetched log = get(u"/api/sendlog?id=%1"_s.arg(id));
    QCOMPARE(log.status, 200);
    const QJsonObject entry = QJsonDocument::fromJson(log.body).object();
    QCOMPARE(entry.value(u"id"_s).toInteger(), id);
    QVERIFY(entry.value(u"path"_s).toString().startsWith(u"/text?"_s));
    QVERIFY(entry.value(u"finished"_s).toBool());
    QVERIFY(entry.value(u"complete"_s).toBool());
    QCOMPARE(entry.value(u"total_bytes"_s).toInteger(), m_samples.text().size());
    const QJsonArray writes = entry.value(u"writes"_s).toArray();
    const qsizetype characters = QString::fromUtf8(m_samples.text()).toUcs4().size();
    QCOMPARE(writes.size(), (characters + 99) / 100);
    qint64 previous = 0;
    qint64 offset = 0;
    for (const QJsonValue &write : writes) {
        QVERIFY(write[u"t_ns"_s].toInteger() >= previous);
        previous = write[u"t_ns"_s].toInteger();
        QCOMPARE(write[u"offset"_s].toInteger(), offset);
        offset += write[u"bytes"_s].toInteger();
    }
    QCOMPARE(offset, m_samples.text().size());
    // Ten-ms pacing: consecutive writes are roughly 10 ms apart (generous bounds).
    const qint64 span = writes.last()[u"t_ns"_s].toInteger() - writes.first()[u"t_ns"_s].toInteger();
    QVERIFY(span >= (writes.size() - 1) * 10'000'000LL * 8 / 10);

    QCOMPARE(get(u"/api/sendlog?id=999999"_s).status, 404);
    const QJsonArray list = QJsonDocument::fromJson(get(u"/api/sendlog"_s).body).object()
                                .value(u"responses"_s).toArray();
    QVERIFY(!list.isEmpty());
    QVERIFY(list.first()[u"id"_s].toInteger() >= id);
}

void tst_Endpoints::busyMainThreadCannotDelayWrites()
{
    // The server has its own thread: freezing this one (as a busy GUI would) for 300 ms in
    // the middle of a 20 ms-interval stream must leave no hole in the server's writes.
    RawHttp raw;
    QVERIFY(raw.connectTo(m_server->port()));
    raw.get("/text?chunk=1&interval=20");
    QTRY_VERIFY(raw.received().contains("\r\n\r\n"));
    QTest::qWait(100);
    QThread::msleep(300);  // the experiment: this thread is busy, not waiting for anything
    QTest::qWait(100);
    const qsizetype head = raw.received().indexOf("X-StreamLab-Id: ") + 16;
    const qint64 id = raw.received().mid(head, raw.received().indexOf('\r', head) - head).toLongLong();
    raw.socket().abort();
    const std::optional<SendLogEntry> entry = m_server->host().sendLog().entry(id);
    QVERIFY(entry.has_value());
    QVERIFY(entry->writes.size() >= 20);
    qint64 worstGapNs = 0;
    for (qsizetype i = 1; i < entry->writes.size(); ++i)
        worstGapNs = qMax(worstGapNs, entry->writes[i].tNs - entry->writes[i - 1].tNs);
    QVERIFY2(worstGapNs < 150'000'000, qPrintable(u"a %1 ms gap"_s.arg(worstGapNs / 1'000'000)));
}

QTEST_GUILESS_MAIN(tst_Endpoints)
#include "tst_endpoints.moc"
