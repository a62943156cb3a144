// SPDX-License-Identifier: GPL-3.0-only
#include "responsewriter.h"

#include "connection.h"
#include "httprange.h"
#include "monoclock.h"
#include "sendlog.h"

#include <QDateTime>
#include <QVarLengthArray>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <sys/uio.h>
#include <cerrno>
#endif

namespace {

const QByteArray kExposedHeaders =
    "Content-Length, Content-Range, Content-Type, Accept-Ranges, ETag, Last-Modified, "
    "X-StreamLab-Id";

bool isSafeHeaderText(QByteArrayView text)
{
    for (char c : text) {
        if (c == '\r' || c == '\n' || c == '\0')
            return false;
    }
    return true;
}

// The Date header changes once a second; formatting it for every response is wasted work.
QByteArray currentHttpDate()
{
    thread_local qint64 cachedSecond = -1;
    thread_local QByteArray cached;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 second = now.toSecsSinceEpoch();
    if (second != cachedSecond) {
        cached = httprange::formatHttpDate(now);
        cachedSecond = second;
    }
    return cached;
}

QByteArray chunkSizeLine(qsizetype size)
{
    return QByteArray::number(size, 16).append("\r\n");
}

// Hands `parts` to the kernel in one sendmsg() without blocking. Returns the bytes it took
// (0 when it took none or failed: Qt's own write path then meets and reports the error).
qint64 sendDirect(qintptr descriptor, const QVarLengthArray<QByteArrayView, 4> &parts)
{
#ifdef Q_OS_UNIX
    constexpr int kMaxParts = 4;
    iovec vectors[kMaxParts];
    int count = 0;
    for (QByteArrayView part : parts) {
        if (part.isEmpty() || count == kMaxParts)
            continue;
        vectors[count].iov_base = const_cast<char *>(part.data());
        vectors[count].iov_len = size_t(part.size());
        ++count;
    }
    msghdr message{};
    message.msg_iov = vectors;
    message.msg_iovlen = size_t(count);
    ssize_t sent;
    do {
        sent = ::sendmsg(int(descriptor), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (sent < 0 && errno == EINTR);
    return sent < 0 ? 0 : qint64(sent);
#else
    Q_UNUSED(descriptor);
    Q_UNUSED(parts);
    return 0;
#endif
}

} // namespace

SharedPiece SharedPiece::from(QByteArray payload)
{
    SharedPiece piece;
    piece.chunk = chunkSizeLine(payload.size());
    piece.chunk.reserve(piece.chunk.size() + payload.size() + 2);
    piece.chunk.append(payload).append("\r\n");
    piece.payload = std::move(payload);
    return piece;
}

ResponseWriter::ResponseWriter(RequestContext context, QTcpSocket *socket, Connection *connection,
                               SendLog *sendLog, std::unique_ptr<QHttpServerResponder> responder)
    : m_request(std::move(context)),
      m_socket(socket),
      m_connection(connection),
      m_sendLog(sendLog),
      m_responder(std::move(responder))
{
}

ResponseWriter::ResponseWriter(ResponseWriter &&other) noexcept
    : m_request(std::move(other.m_request)),
      m_socket(std::move(other.m_socket)),
      m_connection(std::move(other.m_connection)),
      m_sendLog(other.m_sendLog),
      m_responder(std::move(other.m_responder)),
      m_framing(other.m_framing),
      m_hasBegun(other.m_hasBegun),
      m_hasEnded(other.m_hasEnded),
      m_isDeferringHead(other.m_isDeferringHead),
      m_pendingHead(std::move(other.m_pendingHead)),
      m_logId(other.m_logId)
{
    other.m_isMoved = true;
}

ResponseWriter::~ResponseWriter()
{
    if (m_isMoved || m_hasEnded)
        return;
    if (m_logId != 0)
        m_sendLog->close(m_logId, monotonicNowNs(), false);
    if (!isConnected())
        return;
    if (m_hasBegun)
        m_socket->abort();  // the body cannot be completed: make the truncation visible
    else
        sendText(500, "internal error: the endpoint produced no response");
}

bool ResponseWriter::isConnected() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

qint64 ResponseWriter::bytesToWrite() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

void ResponseWriter::beginFixed(int status, const HeaderList &headers, qint64 contentLength)
{
    writeHead(status, headers, Framing::Length, contentLength);
}

void ResponseWriter::beginStream(int status, const HeaderList &headers)
{
    writeHead(status, headers,
              m_request.head.minorVersion == 0 ? Framing::Close : Framing::Chunked, -1);
}

void ResponseWriter::writeHead(int status, const HeaderList &headers, Framing framing,
                               qint64 length)
{
    Q_ASSERT(!m_hasBegun);
    m_hasBegun = true;
    m_framing = framing;
    const bool closes = framing == Framing::Close || !m_request.head.keepAlive;

    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
        + "\r\nDate: " + currentHttpDate()
        + "\r\nServer: StreamLab/" STREAMLAB_VERSION "\r\n";
    for (const auto &[name, value] : headers) {
        if (!isSafeHeaderText(name) || !isSafeHeaderText(value)) {
            qWarning("StreamLab: dropped a response header with CR, LF or NUL in it");
            continue;
        }
        head += name + ": " + value + "\r\n";
    }
    if (framing == Framing::Length)
        head += "Content-Length: " + QByteArray::number(length) + "\r\n";
    else if (framing == Framing::Chunked)
        head += "Transfer-Encoding: chunked\r\n";
    if (closes)
        head += "Connection: close\r\n";
    head += "Access-Control-Allow-Origin: *\r\nAccess-Control-Expose-Headers: " + kExposedHeaders
        + "\r\n";
    if (m_sendLog && status < 400) {  // errors are not part of any timeline
        m_logId = m_sendLog->open(m_request.methodName, QString::fromUtf8(m_request.target),
                                  status, monotonicNowNs());
        head += "X-StreamLab-Id: " + QByteArray::number(m_logId) + "\r\n";
    }
    head += "\r\n";
    if (m_isDeferringHead)
        m_pendingHead = std::move(head);
    else
        writeRaw(head);
}

bool ResponseWriter::write(QByteArrayView payload)
{
    Q_ASSERT(m_hasBegun && !m_hasEnded);
    if (!isConnected())
        return false;
    if (m_request.isHead() || payload.isEmpty())
        return true;
    const qint64 handedNs = monotonicNowNs();
    if (m_framing == Framing::Chunked)
        send({chunkSizeLine(payload.size()), payload, "\r\n"});
    else
        send({payload});
    logWrite(handedNs, payload.size());
    return true;
}

bool ResponseWriter::write(const SharedPiece &piece)
{
    Q_ASSERT(m_hasBegun && !m_hasEnded);
    if (!isConnected())
        return false;
    if (m_request.isHead() || piece.payload.isEmpty())
        return true;
    const qint64 handedNs = monotonicNowNs();
    send({m_framing == Framing::Chunked ? piece.chunk : piece.payload});
    logWrite(handedNs, piece.payload.size());
    return true;
}

void ResponseWriter::send(std::initializer_list<QByteArrayView> parts)
{
    // A deferred head leaves first, in the same syscall.
    const QByteArray head = std::exchange(m_pendingHead, QByteArray());
    QVarLengthArray<QByteArrayView, 4> all;
    if (!head.isEmpty())
        all.append(head);
    for (QByteArrayView part : parts) {
        if (!part.isEmpty())
            all.append(part);
    }
    // Direct only while Qt holds nothing for this socket: bytes must leave in order.
    qint64 skip = m_socket->bytesToWrite() == 0 ? sendDirect(m_socket->socketDescriptor(), all)
                                                : 0;
    bool isQueued = false;
    for (QByteArrayView part : all) {
        if (skip >= part.size()) {
            skip -= part.size();
            continue;
        }
        m_socket->write(part.data() + skip, part.size() - skip);
        skip = 0;
        isQueued = true;
    }
    // With TCP_NODELAY set on every socket, flushing here puts this piece on the wire now.
    if (isQueued)
        m_socket->flush();
}

void ResponseWriter::logWrite(qint64 handedNs, qint64 payloadBytes)
{
    if (m_logId != 0)
        m_sendLog->record(m_logId, handedNs, payloadBytes);
}

void ResponseWriter::end()
{
    if (m_hasEnded || !m_hasBegun)
        return;
    m_hasEnded = true;
    const bool closes = m_framing == Framing::Close || !m_request.head.keepAlive;
    if (isConnected()) {
        const bool hasLastChunk = m_framing == Framing::Chunked && !m_request.isHead();
        if (hasLastChunk || !m_pendingHead.isEmpty())
            send({hasLastChunk ? QByteArrayView("0\r\n\r\n") : QByteArrayView()});
        m_socket->flush();
    }
    m_pendingHead.clear();
    if (m_logId != 0)
        m_sendLog->close(m_logId, monotonicNowNs(), isConnected());
    if (m_connection)
        m_connection->responseFinished(!closes);
    else if (closes && isConnected())
        m_socket->disconnectFromHost();
}

void ResponseWriter::sendEmpty(int status, const HeaderList &headers)
{
    m_isDeferringHead = true;
    writeHead(status, headers, Framing::None, 0);
    m_isDeferringHead = false;
    end();
}

void ResponseWriter::send(int status, QByteArrayView contentType, QByteArrayView body,
                          const HeaderList &headers)
{
    HeaderList all = headers;
    if (!contentType.isEmpty())
        all.prepend({"Content-Type", contentType.toByteArray()});
    m_isDeferringHead = true;
    beginFixed(status, all, body.size());
    m_isDeferringHead = false;
    write(body);
    end();
}

void ResponseWriter::sendText(int status, const QByteArray &message, const HeaderList &headers)
{
    QByteArray body = message;
    if (!body.endsWith('\n'))
        body += '\n';
    HeaderList all = headers;
    all.append(qMakePair(QByteArray("Cache-Control"), QByteArray("no-store")));
    send(status, "text/plain; charset=utf-8", body, all);
}

void ResponseWriter::writeRaw(QByteArrayView bytes)
{
    if (isConnected())
        m_socket->write(bytes.data(), bytes.size());
}

QByteArray ResponseWriter::reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Status";
    }
}
