// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QByteArray>
#include <QList>

// A pure, incremental scanner of HTTP/1.x *request* framing. It runs ahead of QtHttpServer's
// own parser on every connection and enforces what Qt 6.4 does not: size limits (414, 431,
// 413), framing errors that would let two parsers disagree (400), unsupported versions and
// expectations (505, 417), and it tells the connection when a client waits for
// "100 Continue". It never allocates more than the configured limits.
//
// Thread: none of its own; used from the server thread only.

struct ScanLimits
{
    qsizetype maxRequestLine = 8 * 1024;   // bytes, request line without CRLF
    qsizetype maxHeaderBytes = 32 * 1024;  // bytes of all header lines together
    int maxHeaderFields = 100;
    qint64 maxBodyBytes = 1024 * 1024;     // request body, de-chunked
};

struct RequestHead
{
    QByteArray method;
    QByteArray target;
    int minorVersion = 1;          // HTTP/1.<minor>; only 0 and 1 are accepted
    bool keepAlive = true;         // false for HTTP/1.0 and for "Connection: close"
    bool expectsContinue = false;  // "Expect: 100-continue" with a body to come
    bool isUpgrade = false;        // "Connection: upgrade" + "Upgrade: ..."
    qint64 contentLength = 0;      // -1 when the body is chunked
};

struct ScanEvent
{
    enum class Kind { Head, Reject };
    Kind kind = Kind::Head;
    RequestHead head;              // Kind::Head
    int status = 0;                // Kind::Reject: the 4xx/5xx to answer before closing
    QByteArray message;            // Kind::Reject: plain text naming what was wrong
};

class RequestScanner
{
public:
    explicit RequestScanner(ScanLimits limits = {});

    // Feeds bytes exactly as they arrived. Returns one Head event per request whose header
    // block completed, and at most one Reject, after which the scanner ignores all input.
    // After the head of an Upgrade request the rest of the stream is another protocol and
    // is ignored as well.
    QList<ScanEvent> feed(QByteArrayView bytes);

    // True between requests: no partial request line, header or body is pending.
    bool isIdle() const;
    bool isStopped() const;

private:
    enum class State { RequestLine, Headers, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers,
                       Stopped };

    bool takeLine(QByteArrayView bytes, qsizetype &pos, qsizetype limit, QByteArray &line,
                  bool &tooLong);
    void onRequestLine(const QByteArray &line, QList<ScanEvent> &events);
    void onHeaderLine(const QByteArray &line, QList<ScanEvent> &events);
    void onHeadersDone(QList<ScanEvent> &events);
    void onChunkSizeLine(const QByteArray &line, QList<ScanEvent> &events);
    void reject(int status, const QByteArray &message, QList<ScanEvent> &events);
    void startNextRequest();

    ScanLimits m_limits;
    State m_state = State::RequestLine;
    QByteArray m_line;              // partial line carried between feeds
    RequestHead m_head;
    qsizetype m_headerBytes = 0;
    int m_headerFields = 0;
    QList<QByteArray> m_contentLengths;
    QByteArray m_transferEncoding;
    QByteArray m_connection;
    QByteArray m_upgrade;
    QByteArray m_expect;
    bool m_hasHost = false;
    qint64 m_bodyLeft = 0;          // Body: bytes still to come; ChunkData: bytes of this chunk
    qint64 m_bodySeen = 0;          // de-chunked body bytes so far
};
