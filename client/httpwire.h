// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1StringView>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

// An incremental parser of HTTP/1.x *responses* exactly as they arrive on one TCP connection.
// It is what the raw-wire client uses to annotate every byte it reads, and what the tests use
// to read responses from raw sockets. Pure: no networking, no event loop, no signals.
//
// Everything it reads is untrusted. Memory stays bounded by Limits (a partial line never
// grows past maxLine + 2 bytes, a body past maxBody), and malformed input yields exactly one
// Error segment naming what was wrong, after which the parser ignores all input.
//
// Framing follows RFC 9112 §6.3. Lenient where browsers are: bare LF ends a line like CRLF,
// and obsolete line folding in header fields is unfolded.
//
// Thread: none of its own; an instance is used from one thread at a time.

namespace httpwire {

enum class SegmentKind {
    StatusLine,
    HeaderLine,
    HeaderEnd, // the empty line that ends the header section
    BodyData,  // Content-Length or close-delimited body, or the bytes after an upgrade
    ChunkSizeLine,
    ChunkData,
    ChunkDataEnd, // the CRLF after chunk data
    LastChunk,    // the "0" line, extensions included
    TrailerLine,
    TrailerEnd, // the empty line that ends a chunked body
    Error,
};

// "StatusLine", "HeaderLine", …: the enumerator's name, for logs, views and tests.
QLatin1StringView segmentKindName(SegmentKind kind);

// One annotated piece of the byte stream.
struct Segment
{
    SegmentKind kind = SegmentKind::Error;
    // The exact bytes from the wire this segment covers, line endings included. Concatenating
    // `raw` of all segments gives all bytes fed, up to the point of an error. An Error covers
    // the offending line or byte, or nothing when a limit or a close was the problem.
    QByteArray raw;
    // Index of the response this segment belongs to: 0, 1, 2… on a keep-alive connection.
    // Interim 1xx responses count as responses; bytes after a 101 belong to the 101.
    int response = 0;
    // For a person: "status 200 OK", "header Content-Type", "chunk of 26 bytes (0x1a)", …
    // For an Error, the error message.
    QString note;
};

struct Response
{
    QByteArray version; // "HTTP/1.1"
    int status = 0;
    QByteArray reason;
    QList<QPair<QByteArray, QByteArray>> headers; // in order, names as sent, values trimmed
    QByteArray body;                              // de-chunked; empty for HEAD, 1xx, 204, 304
    QList<QPair<QByteArray, QByteArray>> trailers;
    bool isChunked = false;
    bool isCloseDelimited = false; // the body ran until the peer closed the connection
    QList<qint64> chunkSizes;      // data chunks in order, the last (zero) chunk not counted

    bool isInterim() const { return status >= 100 && status < 200; }
    // Header field value, name compared case-insensitively; repeated fields joined with ", ".
    // Empty when the field is absent.
    QByteArray value(QByteArrayView name) const;
};

struct Limits
{
    // Bytes of one line without its CRLF: status, header, chunk-size or trailer line.
    qsizetype maxLine = qsizetype(64) * 1024;
    int maxHeaders = 256;                 // lines in one header (or trailer) section
    qint64 maxBody = 256LL * 1024 * 1024; // bytes of one response body, de-chunked
};

class ResponseParser
{
public:
    explicit ResponseParser(Limits limits = {});

    // Queues the method of the next request sent on this connection. Responses are matched to
    // queued methods in order; only a HEAD (no body) or CONNECT (2xx: tunnel) changes framing.
    // Interim 1xx responses do not use up a method. Without a queued method, GET is assumed.
    void expectResponseTo(QByteArrayView method);

    // Feeds bytes as they arrived, in any split. Returns the segments these bytes completed:
    // lines once their LF arrives, body and chunk data as soon as it arrives (a 1000-byte
    // chunk fed in 3 pieces gives 3 ChunkData segments). Returns nothing after an error.
    QList<Segment> feed(QByteArrayView bytes);

    // The peer closed the connection. Completes a close-delimited body; anything else left
    // incomplete becomes an Error ("connection closed in the middle of chunk data", …).
    QList<Segment> finish();

    // Completed responses in order, interim ones included. References stay valid until the
    // next feed() or finish().
    const QList<Response> &responses() const { return m_responses; }
    bool hasError() const { return m_state == State::Failed; }
    QString errorString() const { return m_error; }
    // True between responses with nothing pending.
    bool isIdle() const { return m_state == State::StatusLine && m_line.isEmpty(); }

private:
    enum class State {
        StatusLine,
        Headers,
        Body, // Content-Length
        CloseDelimitedBody,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Opaque, // after 101 or a CONNECT tunnel: no longer HTTP
        Failed,
    };

    struct Line
    {
        QByteArray raw;  // as on the wire, LF (and CR) included
        QByteArray text; // without the line ending
    };

    std::optional<Line> takeLine(QByteArrayView bytes, qsizetype &pos, QLatin1StringView what,
                                 QList<Segment> &out);
    qsizetype takeBody(QByteArrayView bytes, QList<Segment> &out);
    qsizetype takeCloseDelimitedBody(QByteArrayView bytes, QList<Segment> &out);
    qsizetype takeChunkData(QByteArrayView bytes, QList<Segment> &out);
    qsizetype takeChunkDataEnd(char byte, QList<Segment> &out);
    qsizetype takeOpaque(QByteArrayView bytes, QList<Segment> &out);

    void onStatusLine(const Line &line, QList<Segment> &out);
    void onHeaderLine(const Line &line, QList<Segment> &out);
    void onFoldedLine(const Line &line, QList<QPair<QByteArray, QByteArray>> &fields,
                      QList<Segment> &out);
    bool noteFraming(const QByteArray &name, const QByteArray &value, const Line &line,
                     QList<Segment> &out);
    void onHeaderEnd(const Line &line, QList<Segment> &out);
    void startFixedBody(const Line &line, QList<Segment> &out);
    void onChunkSizeLine(const Line &line, QList<Segment> &out);
    void onTrailerLine(const Line &line, QList<Segment> &out);

    void completeResponse(State next);
    void fail(const QString &message, const QByteArray &raw, QList<Segment> &out);
    void push(SegmentKind kind, QByteArrayView raw, const QString &note, QList<Segment> &out) const;

    Limits m_limits;
    State m_state = State::StatusLine;
    QList<QByteArray> m_methods; // queued request methods, oldest first
    QList<Response> m_responses;
    QString m_error;
    int m_index = 0;   // response index of the segments being produced
    QByteArray m_line; // partial line (or the CR of a chunk's CRLF) carried between feeds

    // The response in progress and its framing.
    Response m_current;
    int m_sectionLines = 0; // lines of the current header or trailer section
    std::optional<qint64> m_contentLength;
    bool m_hasTransferEncoding = false;
    QByteArray m_lastCoding; // last transfer coding seen, lower case
    qint64 m_left = 0;       // Body: bytes still to come; ChunkData: bytes left of this chunk
    qint64 m_total = 0;      // Body: Content-Length; ChunkData: size of this chunk
    QString m_opaqueNote;    // note for the bytes after an upgrade or a tunnel
};

} // namespace httpwire
