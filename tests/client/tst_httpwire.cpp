// SPDX-License-Identifier: GPL-3.0-only
// The incremental HTTP/1.x response parser: framing, annotations, limits and errors, and that
// none of it depends on how the bytes were split across reads.
#include "httpwire.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;
using httpwire::Limits;
using httpwire::Response;
using httpwire::ResponseParser;
using httpwire::Segment;
using httpwire::SegmentKind;

namespace {

struct Run
{
    ResponseParser parser;
    QList<Segment> segments;
    QList<Response> responses;
    QString error;
    bool failedOnClose = false; // the error came from finish(), not from a read
};

Run run(const QByteArrayList &pieces, const QByteArrayList &methods, bool closes,
        Limits limits = {})
{
    Run result;
    result.parser = ResponseParser(limits);
    ResponseParser &parser = result.parser;
    for (const QByteArray &method : methods)
        parser.expectResponseTo(method);
    for (const QByteArray &piece : pieces)
        result.segments += parser.feed(piece);
    if (closes) {
        const bool hadError = parser.hasError();
        result.segments += parser.finish();
        result.failedOnClose = !hadError && parser.hasError();
    }
    result.responses = parser.responses();
    result.error = parser.errorString();
    return result;
}

QByteArrayList bytewise(const QByteArray &wire)
{
    QByteArrayList pieces;
    for (char c : wire)
        pieces.append(QByteArray(1, c));
    return pieces;
}

// "StatusLine HeaderLine …". Coalescing merges runs of data segments, whose number depends
// on how the bytes were split; everything else must not.
QString kindsOf(const QList<Segment> &segments, bool coalesce = false)
{
    QStringList names;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const SegmentKind kind = segments.at(i).kind;
        const bool isData = kind == SegmentKind::BodyData || kind == SegmentKind::ChunkData;
        if (coalesce && isData && i > 0 && segments.at(i - 1).kind == kind)
            continue;
        names.append(httpwire::segmentKindName(kind));
    }
    return names.join(u' ');
}

QByteArray rawOf(const QList<Segment> &segments)
{
    QByteArray raw;
    for (const Segment &segment : segments)
        raw += segment.raw;
    return raw;
}

QByteArray fields(const QList<QPair<QByteArray, QByteArray>> &list)
{
    QByteArray text;
    for (const auto &[name, value] : list)
        text += name + ": " + value + "; ";
    return text;
}

// Everything a Response holds, as text, so that a mismatch shows what differs.
QByteArray dump(const QList<Response> &responses)
{
    QByteArray text;
    for (const Response &response : responses) {
        text += response.version + ' ' + QByteArray::number(response.status) + " ["
                + response.reason + "] headers{" + fields(response.headers) + "} body["
                + response.body.toHex() + "] trailers{" + fields(response.trailers)
                + "} chunked=" + QByteArray::number(response.isChunked)
                + " close=" + QByteArray::number(response.isCloseDelimited) + " sizes=";
        for (qint64 size : response.chunkSizes)
            text += QByteArray::number(size) + ',';
        text += '\n';
    }
    return text;
}

// A chunked response exactly as GET /records?count=3&format=json-array puts it on the wire:
// one JSON array, split across three chunks, none of them valid JSON on its own.
const QByteArray kChunkedJsonWire
    = "HTTP/1.1 200 OK\r\n"
      "Date: Mon, 03 Jun 2024 09:12:45 GMT\r\n"
      "Server: StreamLab/0.1.0\r\n"
      "Content-Type: application/json; charset=utf-8\r\n"
      "Cache-Control: no-store\r\n"
      "Transfer-Encoding: chunked\r\n"
      "Access-Control-Allow-Origin: *\r\n"
      "X-StreamLab-Id: 7\r\n"
      "\r\n"
      "3b\r\n"
      "[\n{\"name\":\"Alice\",\"of\":3,\"seq\":1,\"t_server_ns\":81234567000}\r\n"
      "39\r\n"
      ",\n{\"name\":\"Bob\",\"of\":3,\"seq\":2,\"t_server_ns\":81734901000}\r\n"
      "40\r\n"
      ",\n{\"name\":\"Charlie\",\"of\":3,\"seq\":3,\"t_server_ns\":82235112000}\n]\n\r\n"
      "0\r\n"
      "\r\n"_ba;

const QByteArray kSimple = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
                           "\r\nhello"_ba;
const QByteArray kChunkedWithTrailers
    = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: Expires, X-Sum\r\n\r\n"
      "5;name=value\r\nhello\r\n7 ; quoted=\"a;b\"\r\n, world\r\n0;last=1\r\n"
      "Expires: never\r\nX-Sum: 12\r\n\r\n"_ba;
const QByteArray kContinueThenOk
    = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"_ba;
const QByteArray kHeadThenGet = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
                                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"_ba;
const QByteArray kUpgrade = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            "Connection: Upgrade\r\n\r\n\x81\x05hello\x88\x00"
                            "HTTP/1.1 200 OK\r\n\r\n"_ba;
const QByteArray kCloseDelimited = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                                   "until the end\r\n\r\nHTTP/1.1 200 OK\r\n"_ba;

using Bytes = QByteArrayList;

} // namespace

class tst_HttpWire : public QObject
{
    Q_OBJECT

private slots:
    void contentLength_data();
    void contentLength() { verifyParse(); }
    void chunked_data();
    void chunked() { verifyParse(); }
    void withoutBody_data();
    void withoutBody() { verifyParse(); }
    void closeDelimited_data();
    void closeDelimited() { verifyParse(); }
    void badHead_data();
    void badHead() { verifyParse(); }
    void badChunks_data();
    void badChunks() { verifyParse(); }
    void closedTooEarly_data();
    void closedTooEarly() { verifyParse(); }
    void splitAnywhere_data();
    void splitAnywhere();
    void notes_data();
    void notes();
    void responseIndexes_data();
    void responseIndexes();
    void limits_data();
    void limits();
    void partialLineStaysBounded();
    void responseFields();
    void chunkedJsonWireExample();
    void idleAndStoppedStates();
    void mutatedWireNeverBreaksInvariants();

private:
    static void addParseColumns();
    static void addLineLimitRows();
    static void addBodyLimitRows();
    static void verifyParse();
};

void tst_HttpWire::addParseColumns()
{
    QTest::addColumn<QByteArrayList>("pieces");  // the reads, in order
    QTest::addColumn<QByteArrayList>("methods"); // requests sent, in order
    QTest::addColumn<bool>("closes");            // the peer closes after the last read
    QTest::addColumn<QString>("kinds");          // every segment, in order
    QTest::addColumn<QList<int>>("statuses");    // completed responses
    QTest::addColumn<QByteArrayList>("bodies");
    QTest::addColumn<QString>("error"); // part of errorString(); empty: no error
}

void tst_HttpWire::verifyParse()
{
    QFETCH(QByteArrayList, pieces);
    QFETCH(QByteArrayList, methods);
    QFETCH(bool, closes);
    QFETCH(QString, kinds);
    QFETCH(QList<int>, statuses);
    QFETCH(QByteArrayList, bodies);
    QFETCH(QString, error);

    Run result = run(pieces, methods, closes);
    QCOMPARE(kindsOf(result.segments), kinds);
    QList<int> gotStatuses;
    QByteArrayList gotBodies;
    for (const Response &response : result.responses) {
        gotStatuses.append(response.status);
        gotBodies.append(response.body);
    }
    QCOMPARE(gotStatuses, statuses);
    QCOMPARE(gotBodies, bodies);

    const QByteArray fed = pieces.join();
    if (error.isEmpty()) {
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QCOMPARE(rawOf(result.segments), fed);
        return;
    }
    QVERIFY2(result.error.contains(error), qPrintable(result.error));
    QCOMPARE(result.segments.last().note, result.error);
    QVERIFY(fed.startsWith(rawOf(result.segments)));
    // A close loses nothing: the Error covers whatever partial line was pending.
    if (result.failedOnClose)
        QCOMPARE(rawOf(result.segments), fed);
    // After an error nothing more is parsed, not even a valid response.
    QVERIFY(result.parser.feed(kSimple).isEmpty());
    QVERIFY(result.parser.finish().isEmpty());
    QCOMPARE(result.parser.responses().size(), result.responses.size());
    QVERIFY(!result.parser.isIdle());
}

void tst_HttpWire::contentLength_data()
{
    addParseColumns();
    const QString head = u"StatusLine HeaderLine HeaderEnd"_s;
    QTest::newRow("simple_content_length")
        << Bytes{kSimple} << Bytes{} << false
        << u"StatusLine HeaderLine HeaderLine HeaderEnd BodyData"_s << QList<int>{200}
        << Bytes{"hello"} << QString();
    QTest::newRow("simple_content_length_one_byte_at_a_time")
        << bytewise(kSimple) << Bytes{} << false
        << u"StatusLine HeaderLine HeaderLine HeaderEnd BodyData BodyData BodyData BodyData "
           "BodyData"_s
        << QList<int>{200} << Bytes{"hello"} << QString();
    QTest::newRow("content_length_zero")
        << Bytes{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"} << Bytes{} << false << head
        << QList<int>{200} << Bytes{""} << QString();
    QTest::newRow("bare_lf_line_endings")
        << Bytes{"HTTP/1.1 200 OK\nContent-Length: 3\n\nabc"} << Bytes{} << false
        << head + u" BodyData"_s << QList<int>{200} << Bytes{"abc"} << QString();
    QTest::newRow("two_keep_alive_responses_in_one_read")
        << Bytes{"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
                 "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: "
                 "chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n"}
        << Bytes{} << false
        << head + u" BodyData "_s + head
               + u" ChunkSizeLine ChunkData ChunkDataEnd LastChunk TrailerEnd"_s
        << QList<int>{200, 404} << Bytes{"one", "two"} << QString();
    QTest::newRow("identical_repeated_content_length_accepted")
        << Bytes{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\nok"}
        << Bytes{} << false << u"StatusLine HeaderLine HeaderLine HeaderEnd BodyData"_s
        << QList<int>{200} << Bytes{"ok"} << QString();
    QTest::newRow("status_line_without_reason")
        << Bytes{"HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok"} << Bytes{} << false
        << head + u" BodyData"_s << QList<int>{200} << Bytes{"ok"} << QString();
    QTest::newRow("obsolete_line_folding_unfolded")
        << Bytes{"HTTP/1.1 200 OK\r\nX-Long: one\r\n two\r\n\tthree\r\nContent-Length: 0\r\n\r\n"}
        << Bytes{} << false << u"StatusLine HeaderLine HeaderLine HeaderLine HeaderLine HeaderEnd"_s
        << QList<int>{200} << Bytes{""} << QString();
    QTest::newRow("status_413_then_close")
        << Bytes{"HTTP/1.1 413 Content Too Large\r\nContent-Length: 8\r\nConnection: close\r\n\r\n"
                 "too big!"}
        << Bytes{"POST"} << true << u"StatusLine HeaderLine HeaderLine HeaderEnd BodyData"_s
        << QList<int>{413} << Bytes{"too big!"} << QString();
}

void tst_HttpWire::chunked_data()
{
    addParseColumns();
    const QString head = u"StatusLine HeaderLine HeaderEnd"_s;
    const QString oneChunk = u" ChunkSizeLine ChunkData ChunkDataEnd LastChunk TrailerEnd"_s;
    QTest::newRow("chunked_with_extensions_and_trailers")
        << Bytes{kChunkedWithTrailers} << Bytes{} << false
        << u"StatusLine HeaderLine HeaderLine HeaderEnd ChunkSizeLine ChunkData ChunkDataEnd "
           "ChunkSizeLine ChunkData ChunkDataEnd LastChunk TrailerLine TrailerLine TrailerEnd"_s
        << QList<int>{200} << Bytes{"hello, world"} << QString();
    QTest::newRow("chunk_size_line_split_across_reads")
        << Bytes{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1", "a", "\r",
                 "\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n"}
        << Bytes{} << false << head + oneChunk << QList<int>{200}
        << Bytes{"abcdefghijklmnopqrstuvwxyz"} << QString();
    QTest::newRow("crlf_split_across_reads")
        << Bytes{"HTTP/1.1 200 OK\r", "\nTransfer-Encoding: chunked\r\n\r", "\n3\r\nabc\r",
                 "\n0\r\n\r", "\n"}
        << Bytes{} << false << head + oneChunk << QList<int>{200} << Bytes{"abc"} << QString();
    QTest::newRow("chunk_data_arrives_in_three_reads")
        << Bytes{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n"
                     + QByteArray(400, 'a'),
                 QByteArray(500, 'b'), QByteArray(100, 'c') + "\r\n0\r\n\r\n"}
        << Bytes{} << false
        << head
               + u" ChunkSizeLine ChunkData ChunkData ChunkData ChunkDataEnd LastChunk TrailerEnd"_s
        << QList<int>{200}
        << Bytes{QByteArray(400, 'a') + QByteArray(500, 'b') + QByteArray(100, 'c')} << QString();
    QTest::newRow("chunked_with_bare_lf")
        << Bytes{"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n"} << Bytes{} << false
        << head + oneChunk << QList<int>{200} << Bytes{"abc"} << QString();
    QTest::newRow("content_length_with_chunked_chunked_wins")
        << Bytes{"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: gzip\r\n"
                 "Transfer-Encoding: Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"}
        << Bytes{} << false << u"StatusLine HeaderLine HeaderLine HeaderLine HeaderEnd"_s + oneChunk
        << QList<int>{200} << Bytes{"ok"} << QString();
}

// Responses that have no body whatever their headers say (RFC 9112 §6.3 rule 1), each
// followed by another response that a body read by mistake would swallow.
void tst_HttpWire::withoutBody_data()
{
    addParseColumns();
    const QString head = u"StatusLine HeaderLine HeaderEnd"_s;
    const QByteArray next = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    QTest::newRow("continue_100_then_200") << Bytes{kContinueThenOk} << Bytes{"POST"} << false
                                           << u"StatusLine HeaderEnd "_s + head + u" BodyData"_s
                                           << QList<int>{100, 200} << Bytes{"", "ok"} << QString();
    QTest::newRow("continue_100_then_head_response_then_get")
        << Bytes{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
                 + next}
        << Bytes{"HEAD", "GET"} << false
        << u"StatusLine HeaderEnd "_s + head + u' ' + head + u" BodyData"_s
        << QList<int>{100, 200, 200} << Bytes{"", "", "ok"} << QString();
    QTest::newRow("early_hints_103_then_200")
        << Bytes{"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n" + next}
        << Bytes{"GET"} << false << head + u' ' + head + u" BodyData"_s << QList<int>{103, 200}
        << Bytes{"", "ok"} << QString();
    QTest::newRow("head_response_with_content_length_then_get")
        << Bytes{kHeadThenGet} << Bytes{"HEAD", "GET"} << false
        << head + u' ' + head + u" BodyData"_s << QList<int>{200, 200} << Bytes{"", "hello"}
        << QString();
    QTest::newRow("head_response_with_chunked_then_get")
        << Bytes{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + next}
        << Bytes{"HEAD", "GET"} << false << head + u' ' + head + u" BodyData"_s
        << QList<int>{200, 200} << Bytes{"", "ok"} << QString();
    QTest::newRow("no_body_204_then_next")
        << Bytes{"HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n" + next} << Bytes{} << false
        << head + u' ' + head + u" BodyData"_s << QList<int>{204, 200} << Bytes{"", "ok"}
        << QString();
    QTest::newRow("no_body_304_then_next")
        << Bytes{"HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n" + next} << Bytes{}
        << false << head + u' ' + head + u" BodyData"_s << QList<int>{304, 200} << Bytes{"", "ok"}
        << QString();
    QTest::newRow("pipelined_get_head_get")
        << Bytes{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
                 "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n"
                 + next}
        << Bytes{"GET", "HEAD", "GET"} << false
        << head + u" BodyData "_s + head + u' ' + head + u" BodyData"_s << QList<int>{200, 200, 200}
        << Bytes{"a", "", "ok"} << QString();
}

// Bodies that end only when the peer closes, and connections that stop speaking HTTP.
void tst_HttpWire::closeDelimited_data()
{
    addParseColumns();
    QTest::newRow("close_delimited_body_completed_by_finish")
        << Bytes{"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nfirst ", "second"} << Bytes{}
        << true << u"StatusLine HeaderLine HeaderEnd BodyData BodyData"_s << QList<int>{200}
        << Bytes{"first second"} << QString();
    QTest::newRow("close_delimited_body_pending_until_close")
        << Bytes{"HTTP/1.0 200 OK\r\n\r\nmore to come"} << Bytes{} << false
        << u"StatusLine HeaderEnd BodyData"_s << QList<int>{} << Bytes{} << QString();
    QTest::newRow("close_delimited_body_keeps_what_looks_like_http")
        << Bytes{kCloseDelimited} << Bytes{} << true
        << u"StatusLine HeaderLine HeaderEnd BodyData"_s << QList<int>{200}
        << Bytes{"until the end\r\n\r\nHTTP/1.1 200 OK\r\n"} << QString();
    QTest::newRow("transfer_encoding_not_ending_in_chunked_is_close_delimited")
        << Bytes{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 2\r\n\r\n"
                 "3\r\nabc\r\n"}
        << Bytes{} << true << u"StatusLine HeaderLine HeaderLine HeaderEnd BodyData"_s
        << QList<int>{200} << Bytes{"3\r\nabc\r\n"} << QString();
    QTest::newRow("clean_close_between_responses")
        << Bytes{kSimple} << Bytes{} << true
        << u"StatusLine HeaderLine HeaderLine HeaderEnd BodyData"_s << QList<int>{200}
        << Bytes{"hello"} << QString();
    QTest::newRow("upgrade_101_then_websocket_bytes")
        << Bytes{kUpgrade} << Bytes{"GET"} << true
        << u"StatusLine HeaderLine HeaderLine HeaderEnd BodyData"_s << QList<int>{101} << Bytes{""}
        << QString();
    QTest::newRow("connect_200_then_tunnel_bytes")
        << Bytes{"HTTP/1.1 200 Connection Established\r\n\r\n\x16\x03\x01\x00\x05"_ba, "more"}
        << Bytes{"CONNECT"} << true << u"StatusLine HeaderEnd BodyData BodyData"_s
        << QList<int>{200} << Bytes{""} << QString();
}

void tst_HttpWire::badHead_data()
{
    addParseColumns();
    const auto statusLine = [](const char *name, const QByteArray &line, const char *error) {
        QTest::newRow(name) << Bytes{line} << Bytes{} << false << u"Error"_s << QList<int>{}
                            << Bytes{} << QString::fromLatin1(error);
    };
    const auto header = [](const char *name, const QByteArray &line, const char *error) {
        QTest::newRow(name) << Bytes{"HTTP/1.1 200 OK\r\nServer: x\r\n" + line + "\r\n"} << Bytes{}
                            << false << u"StatusLine HeaderLine Error"_s << QList<int>{} << Bytes{}
                            << QString::fromLatin1(error);
    };
    statusLine("bad_status_line_not_http", "SSH-2.0-OpenSSH_9.2\r\n", "bad status line");
    statusLine("bad_status_line_version", "HTTP/2 200 OK\r\n", "not HTTP/1.x");
    statusLine("bad_status_line_two_digit_version", "HTTP/1.10 200 OK\r\n", "not HTTP/1.x");
    statusLine("bad_status_line_four_digit_code", "HTTP/1.1 2000 OK\r\n", "not three digits");
    statusLine("bad_status_line_letters_as_code", "HTTP/1.1 abc OK\r\n", "not three digits");
    statusLine("bad_status_line_code_below_100", "HTTP/1.1 099 Odd\r\n", "below 100");
    statusLine("bad_status_line_missing_code", "HTTP/1.1\r\n", "not three digits");
    statusLine("bad_status_line_empty_line", "\r\nHTTP/1.1 200 OK\r\n", "empty line");
    header("header_line_without_colon", "NoColonHere", "header line without ':'");
    header("header_name_with_space_before_colon", "Content-Length : 5", "not a valid token");
    header("header_with_empty_name", ": value", "not a valid token");
    header("header_value_with_nul", "X-Evil: a\0b"_ba, "NUL or bare CR");
    header("header_value_with_bare_cr", "X-Evil: a\rb", "NUL or bare CR");
    header("invalid_content_length_letters", "Content-Length: abc", "invalid Content-Length");
    header("invalid_content_length_negative", "Content-Length: -1", "invalid Content-Length");
    header("invalid_content_length_empty", "Content-Length:", "invalid Content-Length");
    header("invalid_content_length_overflow", "Content-Length: 99999999999999999999",
           "invalid Content-Length");
    header("conflicting_content_length_in_one_field", "Content-Length: 3, 4",
           "conflicting Content-Length values 3 and 4");
    QTest::newRow("conflicting_repeated_content_length")
        << Bytes{"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"} << Bytes{}
        << false << u"StatusLine HeaderLine Error"_s << QList<int>{} << Bytes{}
        << u"conflicting Content-Length values 3 and 4"_s;
    QTest::newRow("folded_content_length")
        << Bytes{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n 2\r\n\r\nx"} << Bytes{} << false
        << u"StatusLine HeaderLine Error"_s << QList<int>{} << Bytes{}
        << u"obsolete line folding in the framing field Content-Length"_s;
    QTest::newRow("folded_line_before_first_header")
        << Bytes{"HTTP/1.1 200 OK\r\n folded\r\n\r\n"} << Bytes{} << false << u"StatusLine Error"_s
        << QList<int>{} << Bytes{} << u"before the first field"_s;

    QByteArray manyHeaders = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 257; ++i)
        manyHeaders += "X-Field-" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("more_than_max_headers_fields")
        << Bytes{manyHeaders} << Bytes{} << false
        << u"StatusLine "_s + (u"HeaderLine "_s).repeated(256) + u"Error"_s << QList<int>{}
        << Bytes{} << u"more than 256 header fields"_s;
    QTest::newRow("line_longer_than_max_line")
        << Bytes{"HTTP/1.1 200 OK\r\nX-Big: ", QByteArray(70000, 'x')} << Bytes{} << false
        << u"StatusLine Error"_s << QList<int>{} << Bytes{}
        << u"header line longer than 65536 bytes"_s;
    QTest::newRow("error_after_a_complete_response")
        << Bytes{kSimple + "garbage\r\n"} << Bytes{} << false
        << u"StatusLine HeaderLine HeaderLine HeaderEnd BodyData Error"_s << QList<int>{200}
        << Bytes{"hello"} << u"bad status line \"garbage\""_s;
}

void tst_HttpWire::badChunks_data()
{
    addParseColumns();
    const QByteArray head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    const auto row = [&](const char *name, const QByteArray &body, const char *kinds,
                         const char *error) {
        QTest::newRow(name) << Bytes{head + body} << Bytes{} << false
                            << u"StatusLine HeaderLine HeaderEnd "_s + QString::fromLatin1(kinds)
                            << QList<int>{} << Bytes{} << QString::fromLatin1(error);
    };
    row("bad_chunk_size_not_hex", "zz\r\n", "Error", "not a hexadecimal number");
    row("bad_chunk_size_negative", "-1\r\n", "Error", "not a hexadecimal number");
    row("bad_chunk_size_with_0x_prefix", "0x1a\r\n", "Error", "unexpected \"x\"");
    row("bad_chunk_size_empty", "\r\n", "Error", "empty chunk-size line");
    row("bad_chunk_size_beyond_2_pow_62", "4000000000000001\r\n", "Error", "larger than 2^62");
    row("bad_chunk_size_beyond_64_bits", "10000000000000000000\r\n", "Error", "larger than 2^62");
    row("chunk_size_2_pow_62_exceeds_max_body", "4000000000000000\r\n", "Error",
        "body larger than the limit");
    row("missing_crlf_after_chunk_data", "3\r\nabcd\r\n0\r\n\r\n", "ChunkSizeLine ChunkData Error",
        "missing CRLF after chunk data");
    row("missing_lf_after_cr_of_chunk_data", "3\r\nabc\rX", "ChunkSizeLine ChunkData Error",
        "missing CRLF after chunk data: got \"\\x0dX\"");
    row("trailer_line_without_colon", "0\r\nnot a trailer\r\n\r\n", "LastChunk Error",
        "trailer line without ':'");
    QTest::newRow("content_length_larger_than_max_body")
        << Bytes{"HTTP/1.1 200 OK\r\nContent-Length: 268435457\r\n\r\nabc"} << Bytes{} << false
        << u"StatusLine HeaderLine HeaderEnd Error"_s << QList<int>{} << Bytes{}
        << u"body larger than the limit of 268435456 bytes"_s;
}

// The peer closes while a response is incomplete.
void tst_HttpWire::closedTooEarly_data()
{
    addParseColumns();
    const QByteArray chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    const auto row
        = [](const char *name, const QByteArray &wire, const char *kinds, const char *error) {
              QTest::newRow(name) << Bytes{wire} << Bytes{} << true << QString::fromLatin1(kinds)
                                  << QList<int>{} << Bytes{} << QString::fromLatin1(error);
          };
    row("closed_in_the_middle_of_chunk_data", chunked + "a\r\nabc",
        "StatusLine HeaderLine HeaderEnd ChunkSizeLine ChunkData Error",
        "connection closed in the middle of chunk data (7 of 10 bytes missing)");
    row("closed_before_last_chunk", chunked + "3\r\nabc\r\n",
        "StatusLine HeaderLine HeaderEnd ChunkSizeLine ChunkData ChunkDataEnd Error",
        "before the last chunk");
    row("closed_in_the_middle_of_a_chunk_size_line", chunked + "3;ext",
        "StatusLine HeaderLine HeaderEnd Error", "before the last chunk");
    row("closed_between_cr_and_lf_after_chunk_data", chunked + "3\r\nabc\r",
        "StatusLine HeaderLine HeaderEnd ChunkSizeLine ChunkData Error",
        "before the CRLF after chunk data");
    row("closed_in_the_trailer_section", chunked + "0\r\nX-Sum: 1\r\n",
        "StatusLine HeaderLine HeaderEnd LastChunk TrailerLine Error",
        "in the middle of the trailer section");
    row("closed_in_the_middle_of_content_length_body",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
        "StatusLine HeaderLine HeaderEnd BodyData Error", "(7 of 10 bytes missing)");
    row("closed_in_the_middle_of_the_headers", "HTTP/1.1 200 OK\r\nContent-Le", "StatusLine Error",
        "in the middle of the header section");
    QTest::newRow("closed_in_the_middle_of_the_status_line")
        << Bytes{kSimple + "HTTP/1.1 2"} << Bytes{} << true
        << u"StatusLine HeaderLine HeaderLine HeaderEnd BodyData Error"_s << QList<int>{200}
        << Bytes{"hello"} << u"in the middle of a status line"_s;
}

void tst_HttpWire::splitAnywhere_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QByteArrayList>("methods");
    QTest::addColumn<bool>("closes");

    QTest::newRow("simple_content_length") << kSimple << Bytes{} << false;
    QTest::newRow("chunked_with_extensions_and_trailers")
        << kChunkedWithTrailers << Bytes{} << false;
    QTest::newRow("chunked_json_records") << kChunkedJsonWire << Bytes{} << false;
    QTest::newRow("continue_100_then_200") << kContinueThenOk << Bytes{"POST"} << false;
    QTest::newRow("head_response_then_get") << kHeadThenGet << Bytes{"HEAD", "GET"} << false;
    QTest::newRow("close_delimited_body") << kCloseDelimited << Bytes{} << true;
    QTest::newRow("upgrade_101_then_websocket_bytes") << kUpgrade << Bytes{} << true;
    QTest::newRow("bare_lf_chunked")
        << "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\nX: 1\n\n"_ba << Bytes{}
        << false;
    QTest::newRow("missing_crlf_after_chunk_data")
        << "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n"_ba << Bytes{}
        << false;
    QTest::newRow("closed_in_the_middle_of_chunk_data")
        << "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nabc"_ba << Bytes{} << true;
}

// Feeding whole, in two pieces at every possible split and one byte at a time must give the
// same responses, the same bytes and the same segments (apart from how data is cut).
void tst_HttpWire::splitAnywhere()
{
    QFETCH(QByteArray, wire);
    QFETCH(QByteArrayList, methods);
    QFETCH(bool, closes);

    const Run whole = run({wire}, methods, closes);
    if (whole.error.isEmpty())
        QCOMPARE(rawOf(whole.segments), wire);
    QList<QByteArrayList> splits{bytewise(wire)};
    for (qsizetype at = 1; at < wire.size(); ++at)
        splits.append(QByteArrayList{wire.first(at), wire.sliced(at)});
    for (const QByteArrayList &pieces : std::as_const(splits)) {
        const Run split = run(pieces, methods, closes);
        const QByteArray where = "first piece " + QByteArray::number(pieces.first().size()) + " of "
                                 + QByteArray::number(pieces.size());
        QVERIFY2(dump(split.responses) == dump(whole.responses), where);
        QVERIFY2(rawOf(split.segments) == rawOf(whole.segments), where);
        QVERIFY2(kindsOf(split.segments, true) == kindsOf(whole.segments, true), where);
        QVERIFY2(split.error == whole.error, where);
    }
}

void tst_HttpWire::notes_data()
{
    QTest::addColumn<QByteArrayList>("pieces");
    QTest::addColumn<QByteArrayList>("methods");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("occurrence"); // 0: the first segment of that kind
    QTest::addColumn<QString>("note");

    const QByteArray chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "1a;lang=en\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Sum: 1\r\n\r\n";
    QTest::newRow("status_line") << Bytes{kSimple} << Bytes{} << u"StatusLine"_s << 0
                                 << u"status 200 OK"_s;
    QTest::newRow("interim_status_line") << Bytes{kContinueThenOk} << Bytes{} << u"StatusLine"_s
                                         << 0 << u"status 100 Continue (interim response)"_s;
    QTest::newRow("header_line") << Bytes{kSimple} << Bytes{} << u"HeaderLine"_s << 0
                                 << u"header Content-Type"_s;
    QTest::newRow("header_end_with_content_length")
        << Bytes{kSimple} << Bytes{} << u"HeaderEnd"_s << 0
        << u"end of headers; body of 5 bytes (Content-Length)"_s;
    QTest::newRow("header_end_of_head_response")
        << Bytes{kHeadThenGet} << Bytes{"HEAD"} << u"HeaderEnd"_s << 0
        << u"end of headers; no body (a response to HEAD)"_s;
    QTest::newRow("body_piece") << Bytes{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab", "cdefg"}
                                << Bytes{} << u"BodyData"_s << 1
                                << u"body 5 bytes (3 of 10 left)"_s;
    QTest::newRow("chunk_size_line") << Bytes{chunked} << Bytes{} << u"ChunkSizeLine"_s << 0
                                     << u"chunk of 26 bytes (0x1a), extension ;lang=en"_s;
    QTest::newRow("chunk_data") << Bytes{chunked} << Bytes{} << u"ChunkData"_s << 0
                                << u"chunk data 26 bytes (0 of 26 left)"_s;
    QTest::newRow("chunk_data_end")
        << Bytes{chunked} << Bytes{} << u"ChunkDataEnd"_s << 0 << u"CRLF after chunk data"_s;
    QTest::newRow("chunk_data_end_bare_lf")
        << Bytes{"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n1\nx\n0\n\n"} << Bytes{}
        << u"ChunkDataEnd"_s << 0 << u"bare LF after chunk data"_s;
    QTest::newRow("last_chunk") << Bytes{chunked} << Bytes{} << u"LastChunk"_s << 0
                                << u"last chunk"_s;
    QTest::newRow("trailer_line") << Bytes{chunked} << Bytes{} << u"TrailerLine"_s << 0
                                  << u"trailer X-Sum"_s;
    QTest::newRow("upgraded_bytes")
        << Bytes{kUpgrade} << Bytes{} << u"BodyData"_s << 0 << u"upgraded protocol bytes"_s;
    QTest::newRow("error_is_printable")
        << Bytes{"\x01\x02\xff garbage \x1b[31m\r\n"_ba} << Bytes{} << u"Error"_s << 0
        << u"bad status line \"\\x01\\x02\\xff garbage \\x1b[31m\": it does not start with "
           "\"HTTP/\""_s;
}

void tst_HttpWire::notes()
{
    QFETCH(QByteArrayList, pieces);
    QFETCH(QByteArrayList, methods);
    QFETCH(QString, kind);
    QFETCH(int, occurrence);
    QFETCH(QString, note);

    const Run result = run(pieces, methods, false);
    QStringList found;
    for (const Segment &segment : result.segments) {
        if (httpwire::segmentKindName(segment.kind) == kind)
            found.append(segment.note);
    }
    QVERIFY2(occurrence < found.size(), qPrintable(kindsOf(result.segments)));
    QCOMPARE(found.at(occurrence), note);
}

void tst_HttpWire::responseIndexes_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QByteArrayList>("methods");
    QTest::addColumn<QList<int>>("indexes"); // of every segment, in order

    QTest::newRow("keep_alive_continue_and_upgrade")
        << kContinueThenOk + kUpgrade << Bytes{"POST", "GET"}
        << QList<int>{0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2};
    QTest::newRow("error_belongs_to_the_next_response") << kSimple + "junk\r\n"
                                                        << Bytes{} << QList<int>{0, 0, 0, 0, 0, 1};
    QTest::newRow("head_then_get")
        << kHeadThenGet << Bytes{"HEAD"} << QList<int>{0, 0, 0, 1, 1, 1, 1};
}

void tst_HttpWire::responseIndexes()
{
    QFETCH(QByteArray, wire);
    QFETCH(QByteArrayList, methods);
    QFETCH(QList<int>, indexes);

    const Run result = run({wire}, methods, false);
    QList<int> got;
    for (const Segment &segment : result.segments)
        got.append(segment.response);
    QCOMPARE(got, indexes);
}

void tst_HttpWire::limits_data()
{
    QTest::addColumn<int>("maxLine");
    QTest::addColumn<int>("maxHeaders");
    QTest::addColumn<qint64>("maxBody");
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<bool>("closes");
    QTest::addColumn<QString>("error"); // empty: within the limits
    addLineLimitRows();
    addBodyLimitRows();
}

void tst_HttpWire::addLineLimitRows()
{
    const QByteArray chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    QTest::newRow("line_of_exactly_max_line_accepted")
        << 15 << 8 << qint64(100) << "HTTP/1.1 200 OK\r\n\r\n"_ba << true << QString();
    QTest::newRow("line_of_exactly_max_line_with_bare_lf_accepted")
        << 15 << 8 << qint64(100) << "HTTP/1.1 200 OK\n\n"_ba << true << QString();
    QTest::newRow("status_line_one_over_max_line")
        << 14 << 8 << qint64(100) << "HTTP/1.1 200 OK\r\n\r\n"_ba << false
        << u"status line longer than 14 bytes"_s;
    QTest::newRow("status_line_one_over_max_line_bare_lf")
        << 14 << 8 << qint64(100) << "HTTP/1.1 200 OK\n\n"_ba << false
        << u"status line longer than 14 bytes"_s;
    QTest::newRow("status_line_never_ending")
        << 14 << 8 << qint64(100) << "HTTP/1.1 200 OK, and on and on"_ba << false
        << u"status line longer than 14 bytes"_s;
    QTest::newRow("header_line_over_max_line")
        << 20 << 8 << qint64(100) << "HTTP/1.1 200 OK\r\nX-Long: 0123456789abc\r\n\r\n"_ba << false
        << u"header line longer than 20 bytes"_s;
    QTest::newRow("chunk_size_line_over_max_line")
        << 26 << 8 << qint64(100) << chunked + "1;a-very-long-extension=123\r\nx\r\n0\r\n\r\n"
        << false << u"chunk-size line longer than 26 bytes"_s;
    QTest::newRow("trailer_line_over_max_line")
        << 26 << 8 << qint64(100) << chunked + "0\r\nX-Trailer: 0123456789abcdefg\r\n\r\n"
        << false << u"trailer line longer than 26 bytes"_s;
    QTest::newRow("headers_exactly_max_headers")
        << 100 << 2 << qint64(100) << "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n"_ba << true
        << QString();
    QTest::newRow("headers_one_over_max_headers")
        << 100 << 2 << qint64(100) << "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"_ba << false
        << u"more than 2 header fields"_s;
    QTest::newRow("folded_lines_count_against_max_headers")
        << 100 << 2 << qint64(100) << "HTTP/1.1 200 OK\r\nA: 1\r\n 2\r\n 3\r\n\r\n"_ba << false
        << u"more than 2 header fields"_s;
    QTest::newRow("trailers_count_apart_from_headers")
        << 100 << 2 << qint64(100)
        << "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: A, B\r\n\r\n"
           "0\r\nA: 1\r\nB: 2\r\n\r\n"_ba
        << false << QString();
    QTest::newRow("trailers_one_over_max_headers")
        << 100 << 1 << qint64(100) << chunked + "0\r\nA: 1\r\nB: 2\r\n\r\n"
        << false << u"more than 1 trailer fields"_s;
}

void tst_HttpWire::addBodyLimitRows()
{
    const QByteArray chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    QTest::newRow("content_length_of_exactly_max_body")
        << 100 << 8 << qint64(4) << "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd"_ba << false
        << QString();
    QTest::newRow("content_length_over_max_body")
        << 100 << 8 << qint64(4) << "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcde"_ba << false
        << u"body larger than the limit of 4 bytes (Content-Length: 5)"_s;
    QTest::newRow("chunked_of_exactly_max_body")
        << 100 << 8 << qint64(10) << chunked + "6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n"
        << false << QString();
    QTest::newRow("chunked_over_max_body")
        << 100 << 8 << qint64(10) << chunked + "6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n"
        << false << u"body larger than the limit of 10 bytes: a chunk of 5 bytes after 6 bytes"_s;
    QTest::newRow("close_delimited_of_exactly_max_body")
        << 100 << 8 << qint64(6) << "HTTP/1.0 200 OK\r\n\r\nabcdef"_ba << true << QString();
    QTest::newRow("close_delimited_over_max_body")
        << 100 << 8 << qint64(6) << "HTTP/1.0 200 OK\r\n\r\nabcdefg"_ba << true
        << u"body larger than the limit of 6 bytes"_s;
}

void tst_HttpWire::limits()
{
    QFETCH(int, maxLine);
    QFETCH(int, maxHeaders);
    QFETCH(qint64, maxBody);
    QFETCH(QByteArray, wire);
    QFETCH(bool, closes);
    QFETCH(QString, error);

    const Limits limits{maxLine, maxHeaders, maxBody};
    for (const QByteArrayList &pieces : {QByteArrayList{wire}, bytewise(wire)}) {
        const Run result = run(pieces, {}, closes, limits);
        if (error.isEmpty()) {
            QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
            QCOMPARE(result.responses.size(), 1);
            QCOMPARE(rawOf(result.segments), wire);
        } else {
            QCOMPARE(result.error, error);
            QVERIFY(result.responses.isEmpty());
            QVERIFY(wire.startsWith(rawOf(result.segments)));
        }
        for (const Segment &segment : result.segments) {
            const bool isData
                = segment.kind == SegmentKind::BodyData || segment.kind == SegmentKind::ChunkData;
            if (!isData)
                QVERIFY(segment.raw.size() <= maxLine + 2);
        }
    }
}

// However many bytes arrive without a newline, the parser holds at most maxLine + CRLF of
// them and stops reading there.
void tst_HttpWire::partialLineStaysBounded()
{
    ResponseParser parser;
    QVERIFY(parser.feed("HTTP/1.1 200 OK\r\nX-Endless: ").size() == 1);
    const QByteArray piece(4096, 'x');
    QList<Segment> segments;
    int reads = 0;
    while (!parser.hasError() && reads < 1000) {
        segments += parser.feed(piece);
        ++reads;
    }
    QVERIFY(parser.hasError());
    QCOMPARE(reads, 16); // 11 + 16 * 4096 bytes reach 65538 = maxLine + CRLF
    QCOMPARE(segments.size(), 1);
    QCOMPARE(segments.first().kind, SegmentKind::Error);
    QCOMPARE(segments.first().raw.size(), Limits().maxLine + 2);
    QVERIFY(parser.feed(piece).isEmpty());
}

void tst_HttpWire::responseFields()
{
    ResponseParser parser;
    parser.feed(kChunkedWithTrailers.first(60));
    parser.feed(kChunkedWithTrailers.sliced(60));
    parser.feed("HTTP/1.0 203 Non-Authoritative  Information\r\nSet-Cookie: a=1\r\n"
                "set-cookie: b=2\r\nX-Padded: \t spaced out \t\r\n\r\nbody");
    parser.finish();
    QVERIFY2(!parser.hasError(), qPrintable(parser.errorString()));
    QCOMPARE(parser.responses().size(), 2);

    const Response &chunked = parser.responses().at(0);
    QCOMPARE(chunked.version, QByteArray("HTTP/1.1"));
    QCOMPARE(chunked.reason, QByteArray("OK"));
    QVERIFY(chunked.isChunked);
    QVERIFY(!chunked.isCloseDelimited);
    QVERIFY(!chunked.isInterim());
    QCOMPARE(chunked.chunkSizes, (QList<qint64>{5, 7}));
    QCOMPARE(chunked.value("transfer-encoding"), QByteArray("chunked"));
    QCOMPARE(chunked.value("TRAILER"), QByteArray("Expires, X-Sum"));
    QCOMPARE(chunked.trailers.size(), 2);
    QCOMPARE(chunked.trailers.at(1).first, QByteArray("X-Sum"));
    QCOMPARE(chunked.trailers.at(1).second, QByteArray("12"));

    const Response &closed = parser.responses().at(1);
    QCOMPARE(closed.version, QByteArray("HTTP/1.0"));
    QCOMPARE(closed.status, 203);
    QCOMPARE(closed.reason, QByteArray("Non-Authoritative  Information"));
    QVERIFY(closed.isCloseDelimited);
    QVERIFY(!closed.isChunked);
    QCOMPARE(closed.headers.at(1).first, QByteArray("set-cookie")); // as sent
    QCOMPARE(closed.value("Set-Cookie"), QByteArray("a=1, b=2"));
    QCOMPARE(closed.value("x-padded"), QByteArray("spaced out"));
    QVERIFY(closed.value("Content-Length").isNull());
    QCOMPARE(closed.body, QByteArray("body"));
}

void tst_HttpWire::chunkedJsonWireExample()
{
    ResponseParser parser;
    parser.expectResponseTo("GET");
    const QList<Segment> segments = parser.feed(kChunkedJsonWire);
    QVERIFY2(!parser.hasError(), qPrintable(parser.errorString()));
    QVERIFY(parser.isIdle());
    QCOMPARE(rawOf(segments), kChunkedJsonWire);
    QCOMPARE(parser.responses().size(), 1);

    const Response &response = parser.responses().first();
    QVERIFY(response.isChunked);
    QCOMPARE(response.chunkSizes, (QList<qint64>{0x3b, 0x39, 0x40}));
    QCOMPARE(response.value("Content-Type"), QByteArray("application/json; charset=utf-8"));
    QCOMPARE(response.body,
             QByteArray("[\n{\"name\":\"Alice\",\"of\":3,\"seq\":1,\"t_server_ns\":81234567000},\n"
                        "{\"name\":\"Bob\",\"of\":3,\"seq\":2,\"t_server_ns\":81734901000},\n"
                        "{\"name\":\"Charlie\",\"of\":3,\"seq\":3,\"t_server_ns\":82235112000}\n"
                        "]\n"));
    QStringList chunkNotes;
    for (const Segment &segment : segments) {
        if (segment.kind == SegmentKind::ChunkSizeLine)
            chunkNotes.append(segment.note);
    }
    QCOMPARE(chunkNotes, (QStringList{u"chunk of 59 bytes (0x3b)"_s, u"chunk of 57 bytes (0x39)"_s,
                                      u"chunk of 64 bytes (0x40)"_s}));
}

void tst_HttpWire::idleAndStoppedStates()
{
    ResponseParser parser;
    QVERIFY(parser.isIdle());
    QVERIFY(parser.feed("HTTP/1.1 200 OK\r").isEmpty()); // a partial line is pending
    QVERIFY(!parser.isIdle());
    parser.feed("\nContent-Length: 2\r\n\r\no");
    QVERIFY(!parser.isIdle());
    parser.feed("k");
    QVERIFY(parser.isIdle());
    QVERIFY(parser.finish().isEmpty()); // a clean close between responses
    QVERIFY(!parser.hasError());
    QVERIFY(parser.errorString().isEmpty());

    parser.feed(kUpgrade);
    QVERIFY(!parser.isIdle()); // the rest of the connection is not HTTP any more
    QVERIFY(!parser.hasError());
    QCOMPARE(parser.responses().size(), 2);
}

// Valid responses with random damage, fed in random splits: whatever the bytes, segments
// cover exactly the bytes read up to an error, at most one Error comes and it comes last,
// and the split never changes the outcome. Run under ASan/UBSan this also guards memory.
void tst_HttpWire::mutatedWireNeverBreaksInvariants()
{
    const QByteArrayList samples{kSimple,         kChunkedWithTrailers, kChunkedJsonWire,
                                 kContinueThenOk, kHeadThenGet,         kUpgrade,
                                 kCloseDelimited};
    const QByteArray interesting = "\r\n:;0 \t9aF-,\x00\xff"_ba;
    QRandomGenerator random(20240603);
    for (int round = 0; round < 3000; ++round) {
        QByteArray wire = samples.at(random.bounded(int(samples.size())));
        for (int edits = random.bounded(1, 5); edits > 0 && !wire.isEmpty(); --edits) {
            const int at = random.bounded(int(wire.size()));
            const char byte = interesting.at(random.bounded(int(interesting.size())));
            switch (random.bounded(3)) {
            case 0:
                wire[at] = byte;
                break;
            case 1:
                wire.insert(at, byte);
                break;
            default:
                wire.remove(at, random.bounded(1, 8));
                break;
            }
        }
        QByteArrayList pieces;
        for (qsizetype at = 0; at < wire.size();) {
            const qsizetype size = std::min<qsizetype>(random.bounded(1, 40), wire.size() - at);
            pieces.append(wire.mid(at, size));
            at += size;
        }
        const Bytes methods = random.bounded(2) ? Bytes{"HEAD", "GET"} : Bytes{"GET", "POST"};
        const Limits small{64, 8, 200};
        const Run whole = run({wire}, methods, true, small);
        const Run split = run(pieces, methods, true, small);
        const QByteArray context = "round " + QByteArray::number(round) + ": " + wire.toHex();

        QVERIFY2(rawOf(split.segments) == rawOf(whole.segments), context);
        QVERIFY2(dump(split.responses) == dump(whole.responses), context);
        QVERIFY2(split.error == whole.error, context);
        QVERIFY2(kindsOf(split.segments, true) == kindsOf(whole.segments, true), context);
        QVERIFY2(wire.startsWith(rawOf(split.segments)), context);
        if (split.error.isEmpty())
            QVERIFY2(rawOf(split.segments) == wire, context);
        for (qsizetype i = 0; i < split.segments.size(); ++i) {
            const bool isError = split.segments.at(i).kind == SegmentKind::Error;
            QVERIFY2(isError == (i == split.segments.size() - 1 && !split.error.isEmpty()),
                     context);
        }
    }
}

QTEST_GUILESS_MAIN(tst_HttpWire)
#include "tst_httpwire.moc"
