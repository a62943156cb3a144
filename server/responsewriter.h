// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "requestcontext.h"

#include <QtHttpServer/QHttpServerResponder>

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QTcpSocket>

#include <memory>

class Connection;
class SendLog;

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// A body piece encoded once and written to many responses (a published message fanned out to
// every subscriber): the payload, and the same payload framed as one HTTP/1.1 chunk. Both are
// implicitly shared, so writing the piece to any number of sockets copies neither.
struct SharedPiece
{
    QByteArray payload;
    QByteArray chunk;  // "<hex size>\r\n" payload "\r\n"

    static SharedPiece from(QByteArray payload);
};

// Writes one HTTP/1.1 response to a connection's socket, byte for byte under our control.
// QtHttpServer 6.4 adds no framing, duplicates Content-Length in some overloads and sends
// bodies for HEAD; this class does none of that:
//  - every response gets Date, Server, CORS headers and exactly one framing header;
//  - a HEAD response gets the GET headers and never a body;
//  - streams are chunked for HTTP/1.1 and close-delimited for HTTP/1.0;
//  - "Connection: close" and HTTP/1.0 close the connection after the response;
//  - every write is checked against a QPointer to the socket, which Qt deletes on disconnect;
//  - each body write is flushed to the kernel at once and, when a SendLog is given, logged
//    with its monotonic time. While Qt's socket buffer is empty, a write goes straight to the
//    kernel in one sendmsg() (chunk size line, payload and CRLF gathered, nothing copied);
//    only what the kernel does not take is queued in Qt's buffer, which then drains it and
//    emits bytesWritten as usual.
// Movable, not copyable. Lives in the server thread. A writer destroyed before end() aborts
// the connection (a started response cannot be completed any other way).
class ResponseWriter
{
    Q_DISABLE_COPY(ResponseWriter)
public:
    ResponseWriter(RequestContext context, QTcpSocket *socket, Connection *connection,
                   SendLog *sendLog, std::unique_ptr<QHttpServerResponder> responder);
    ResponseWriter(ResponseWriter &&other) noexcept;
    ResponseWriter &operator=(ResponseWriter &&other) = delete;
    ~ResponseWriter();

    // Headers and a body of exactly `contentLength` bytes to come through write().
    void beginFixed(int status, const HeaderList &headers, qint64 contentLength);
    // Headers now, body of unknown length to come through write(): chunked (HTTP/1.1) or
    // delimited by closing the connection (HTTP/1.0).
    void beginStream(int status, const HeaderList &headers);
    // Sends `payload` as (part of) the body. Returns false when the client is gone.
    bool write(QByteArrayView payload);
    // The same for a piece encoded once for many responses: its chunk as is (HTTP/1.1) or its
    // payload (HTTP/1.0), without framing or copying it again.
    bool write(const SharedPiece &piece);
    // Completes the response (last chunk, close if asked). Safe to call more than once.
    void end();

    // A response that has no body by definition (204, 304): no framing header at all.
    void sendEmpty(int status, const HeaderList &headers = {});
    // A complete response in one call (Content-Length framing).
    void send(int status, QByteArrayView contentType, QByteArrayView body,
              const HeaderList &headers = {});
    // A plain-text error or notice; `message` should name what was wrong.
    void sendText(int status, const QByteArray &message, const HeaderList &headers = {});

    const RequestContext &request() const { return m_request; }
    bool isConnected() const;
    bool hasBegun() const { return m_hasBegun; }
    bool hasEnded() const { return m_hasEnded; }
    qint64 bytesToWrite() const;
    QTcpSocket *socket() const { return m_socket.data(); }
    qint64 sendLogId() const { return m_logId; }

    static QByteArray reasonPhrase(int status);

private:
    enum class Framing { Length, Chunked, Close, None };
    void writeHead(int status, const HeaderList &headers, Framing framing, qint64 length);
    void writeRaw(QByteArrayView bytes);
    // Writes the parts in order: straight to the kernel while Qt's buffer is empty, the rest
    // through Qt. Then flushes.
    void send(std::initializer_list<QByteArrayView> parts);
    // A write is logged at the moment it is handed to the kernel (taken before the syscall):
    // on loopback the send syscall itself can wake the reader, which may then stamp its read
    // before a stamp taken after the syscall, making the send→receive lag negative.
    void logWrite(qint64 handedNs, qint64 payloadBytes);

    RequestContext m_request;
    QPointer<QTcpSocket> m_socket;
    QPointer<Connection> m_connection;
    SendLog *m_sendLog = nullptr;  // not owned; outlives every writer
    std::unique_ptr<QHttpServerResponder> m_responder;  // kept alive for Qt >= 6.5 sequencing
    Framing m_framing = Framing::Length;
    bool m_hasBegun = false;
    bool m_hasEnded = false;
    bool m_isMoved = false;
    bool m_isDeferringHead = false;  // send(): the head leaves with the body, in one syscall
    QByteArray m_pendingHead;
    qint64 m_logId = 0;
};
